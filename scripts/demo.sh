#!/bin/bash
# make demo: a leak hunt on a bundled Go program. It starts fixtures/leak, takes a snapshot,
# makes the program leak 1000 goroutines (and memory), takes a second snapshot, and prints
# `goinspect diff`. Needs goinspect built and a Go toolchain to build the program.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
gi=${GOINSPECT:-$PWD/goinspect}
[ -x "$gi" ] || { echo "demo: $gi is not built: run make first" >&2; exit 1; }
gobin=$(command -v go || ls /usr/lib/go-*/bin/go 2>/dev/null | tail -1 || true)
[ -n "$gobin" ] || { echo "demo: no Go toolchain to build the demo program (scripts/install-deps.sh installs one)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/goinspect-demo.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2> /dev/null; wait 2> /dev/null; rm -rf "$work"; }
trap cleanup EXIT
(cd "$top/fixtures" && GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0 "$gobin" build -o "$work/leakdemo" ./leak)
mkdir "$work/out"
"$work/leakdemo" -out "$work/out" -n 1000 & pid=$!
for _ in $(seq 300); do [ -e "$work/out/ready" ] && break; sleep 0.1; done
sleep 0.1
snap() {
	echo "\$ goinspect snapshot -o $1 $pid"
	(cd "$work" && "$gi" snapshot -o "$1" "$pid")
	echo
}
snap a.snap
echo "(the program now leaks 1000 goroutines blocked in chan send, and 64 MiB)"
kill -USR1 "$pid"
for _ in $(seq 300); do [ -e "$work/out/ready.1" ] && break; sleep 0.1; done
sleep 0.1
snap b.snap
echo "\$ goinspect diff a.snap b.snap"
(cd "$work" && "$gi" diff a.snap b.snap)
