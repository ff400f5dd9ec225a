#!/bin/bash
# Sourced by the benchmark scripts (bench.sh, bench-heap.sh) after they set `me` (their name
# in messages): the goinspect and Go toolchain to use, a work directory removed on exit with
# the target, and the helpers they share.
#   bench_build FIXTURE   builds fixtures/FIXTURE/main.go alone into $work/FIXTURE
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${GI_BUILDDIR:-$PWD}
gi=${GOINSPECT:-$build/goinspect}
runs=${BENCH_RUNS:-3}
gobin=${BENCH_GO:-$(command -v go || ls /usr/lib/go-*/bin/go 2>/dev/null | tail -1)}
[ -x "$gi" ] || { echo "$me: $gi not built (run make first)" >&2; exit 1; }
[ -n "$gobin" ] || { echo "$me: no Go toolchain to build the benchmark target" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/goinspect-$me.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
gover=$("$gobin" env GOVERSION)

bench_build() {
	mkdir -p "$work/src-$1"
	cp "$top/fixtures/$1/main.go" "$work/src-$1/"
	printf 'module goinspect.test/%s\ngo 1.19\n' "$1" > "$work/src-$1/go.mod"
	(cd "$work/src-$1" && GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0 "$gobin" build -o "$work/$1" .)
}
wait_file() { for _ in $(seq 1 6000); do [ -s "$1" ] && return 0; sleep 0.05; done; echo "$me: timeout waiting for $1" >&2; exit 1; }
# largest heartbeat gap since the previous call, in ns
gap() { rm -f "$work/out/gap"; kill -USR2 "$pid"; wait_file "$work/out/gap"; echo "$(cat "$work/out/gap")"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk -v v="$1" 'BEGIN {printf "%.1f", v/1e6}'; }
now_ns() { date +%s%N; }
