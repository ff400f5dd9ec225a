#!/bin/bash
# make bench, heap part: the pause of a snapshot of a program with a large heap: about
# BENCH_HEAP_SPANS spans (default 1000000: one 8 KiB object each, 7.6 GiB of heap, mostly not
# resident). For each run: goinspect's total time and peak RSS, the pause the target itself
# sees (the largest gap of its 1 ms heartbeat), the pause goinspect records, and the spans it
# read. Budget: a pause of at most 200 ms. Go toolchain: BENCH_GO (default: go on PATH).
# Runs: BENCH_RUNS (default 3, median).
set -euo pipefail
me=bench-heap
. "$(dirname "$0")/bench-lib.sh"
spans=${BENCH_HEAP_SPANS:-1000000}
bench_build heapbench

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
