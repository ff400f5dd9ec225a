#!/bin/bash
# make bench, heap part: the pause of a snapshot of a program with a large heap: about
# BENCH_HEAP_SPANS spans (default 1000000: one 8 KiB object each, 7.6 GiB of heap, mostly not
# resident). For each run: goinspect's total time and peak RSS, the pause the target itself
# sees (the largest gap of its 1 ms heartbeat), the pause goinspect records, and the spans it
# read. Budget: a pause of at most 200 ms. Go toolchain: BENCH_GO (default: go on PATH).
# Runs: BENCH_RUNS (default 3, median).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${GI_BUILDDIR:-$PWD}
gi=${GOINSPECT:-$build/goinspect}
spans=${BENCH_HEAP_SPANS:-1000000}
runs=${BENCH_RUNS:-3}
gobin=${BENCH_GO:-$(command -v go || ls /usr/lib/go-*/bin/go 2>/dev/null | tail -1)}
[ -x "$gi" ] || { echo "bench-heap: $gi not built (run make first)" >&2; exit 1; }
[ -n "$gobin" ] || { echo "bench-heap: no Go toolchain to build the benchmark target" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/goinspect-bench-heap.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/src"
cp "$top/fixtures/heapbench/main.go" "$work/src/"
printf 'module goinspect.test/heapbench\ngo 1.19\n' > "$work/src/go.mod"
(cd "$work/src" && GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0 "$gobin" build -o "$work/heapbench" .)
gover=$("$gobin" env GOVERSION)

wait_file() { for _ in $(seq 1 6000); do [ -s "$1" ] && return 0; sleep 0.05; done; echo "bench-heap: timeout waiting for $1" >&2; exit 1; }
gap() { rm -f "$work/out/gap"; kill -USR2 "$pid"; wait_file "$work/out/gap"; echo "$(cat "$work/out/gap")"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk -v v="$1" 'BEGIN {printf "%.1f", v/1e6}'; }
now_ns() { date +%s%N; }

mkdir -p "$work/out"
"$work/heapbench" -spans "$spans" -out "$work/out" & pid=$!
wait_file "$work/out/ready"
sleep 0.5
read -r objects inuse < "$work/out/ready"
printf 'goinspect heap benchmark: %s, %s, %d CPUs, median of %d runs\n' "$gover" "$(uname -r)" "$(nproc)" "$runs"
printf 'target: %s heap objects, HeapInuse %s MiB, RSS %s MiB\n' "$objects" "$((inuse >> 20))" \
	"$(( $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status") >> 10 ))"
load=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$work/t"; : > "$work/p"; : > "$work/hb"; : > "$work/rss"
for _ in $(seq 1 "$runs"); do
	gap > /dev/null
	t0=$(now_ns)
	/usr/bin/time -f '%M' -o "$work/r" "$gi" snapshot -q -o "$work/s.snap" "$pid" > /dev/null
	t1=$(now_ns)
	sleep 0.05
	gap >> "$work/hb"
	echo $((t1 - t0)) >> "$work/t"
	jq -r .capture.pause_ns "$work/s.snap" >> "$work/p"
	echo $(( $(tail -1 "$work/r") * 1024 )) >> "$work/rss"
done
read -r total inuse_spans < <(jq -r '"\(.heap.spans.total) \(.heap.spans.in_use)"' "$work/s.snap")
ph=$(median < "$work/hb"); pr=$(median < "$work/p")
printf '%-12s %-10s %10s %14s %16s %10s\n' spans in_use total_ms pause_ms pause_rec_ms rss_MB
printf '%-12s %-10s %10s %14s %16s %10s\n' "$total" "$inuse_spans" "$(ms "$(median < "$work/t")")" \
	"$(ms "$ph")" "$(ms "$pr")" "$(awk -v v="$(median < "$work/rss")" 'BEGIN{printf "%.1f", v/1048576}')"
printf 'pause recorded per run (ms): %s; load average before: %s\n' \
	"$(awk '{printf "%.1f ", $1/1e6}' "$work/p")" "$load"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo "pause_ms: the largest gap of the target's own 1 ms heartbeat (includes ~1 ms tick granularity)"
if [ "$pr" -gt 200000000 ]; then echo "bench-heap: pause over the 200 ms budget" >&2; exit 1; fi
