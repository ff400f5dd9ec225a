#!/bin/bash
# make bench: goinspect's cost on targets with many parked goroutines, side by side with the
# runtime's own goroutine dumps (net/http/pprof debug=1 and debug=2) on the same process.
#
# For each size: goinspect's total time and peak RSS, the target's pause as the target itself
# measures it (the largest gap of a 1 ms heartbeat goroutine), the pause goinspect records, and
# the snapshot's size. Sizes: BENCH_SIZES (default "10000 100000"; add 1000000 for the large
# case). Go toolchain: BENCH_GO (default: go on PATH). Runs: BENCH_RUNS (default 3, median).
#
# The debuggers a user would otherwise reach for, on the same process, once per size (they
# stop the program for the whole of their run; bounded by BENCH_PEER_TIMEOUT, default 300 s):
# gdb with the Go runtime's gdb extension (`info goroutines`), when gdb is installed, and
# Delve (`dlv attach`, `goroutines -group user`), when dlv is on PATH or can be installed with
# `go install` (BENCH_DLV=no to leave it out).
set -euo pipefail
me=bench
. "$(dirname "$0")/bench-lib.sh"
sizes=${BENCH_SIZES:-10000 100000}
bench_build bench
goroot=$("$gobin" env GOROOT)
peer_timeout=${BENCH_PEER_TIMEOUT:-300}
gdb=$(command -v gdb || true)
[ -f "$goroot/src/runtime/runtime-gdb.py" ] || gdb=
dlv=
if [ "${BENCH_DLV:-yes}" != no ]; then
	dlv=$(command -v dlv || true)
	if [ -z "$dlv" ]; then
		if (cd "$work" && GOBIN="$work/bin" GOFLAGS= "$gobin" install github.com/go-delve/delve/cmd/dlv@latest) > "$work/dlv-install.log" 2>&1; then
			dlv=$work/bin/dlv
		else
			echo "bench: Delve could not be installed (go install): left out" >&2
		fi
	fi
fi

printf 'goinspect benchmark: %s, %s, %d CPUs, median of %d runs\n' "$gover" "$(uname -r)" "$(nproc)" "$runs"
printf '%-10s %-22s %12s %12s %10s %10s\n' goroutines tool total_ms pause_ms rss_MB out_MB
# peer NAME COMMAND...: one timed run of a debugger on the target; prints its row against
# goinspect's median total ($gt) and pause ($gh).
peer() {
	local name=$1 t0 t1 rc h; shift
	gap >/dev/null
	t0=$(now_ns)
	timeout -k 10 "$peer_timeout" "$@" > "$work/peer.out" 2>&1; rc=$?
	t1=$(now_ns)
	sleep 0.05
	h=$(gap)
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		printf '%-10s %-22s %12s %12s   (timed out after %s s)\n' "" "$name" ">$((peer_timeout * 1000))" "-" "$peer_timeout"
	else
		printf '%-10s %-22s %12s %12s %10s %10s   (total x%s, pause x%s goinspect)\n' "" "$name" \
			"$(ms $((t1 - t0)))" "$(ms "$h")" "-" "-" \
			"$(awk -v a=$((t1 - t0)) -v b="$gt" 'BEGIN{printf "%.1f", a/b}')" \
			"$(awk -v a="$h" -v b="$gh" 'BEGIN{printf "%.1f", a/(b>0?b:1)}')"
	fi
}
for n in $sizes; do
	rm -rf "$work/out"; mkdir -p "$work/out"
	"$work/bench" -n "$n" -pprof -out "$work/out" & pid=$!
	wait_file "$work/out/ready"; wait_file "$work/out/port"
	port=$(cat "$work/out/port")
	sleep 0.5
	: > "$work/gi_total"; : > "$work/gi_pause"; : > "$work/gi_hb"; : > "$work/gi_rss"; : > "$work/gi_size"
	for _ in $(seq 1 "$runs"); do
		gap >/dev/null
		t0=$(now_ns)
		/usr/bin/time -f '%M' -o "$work/rss" "$gi" snapshot -q -o "$work/s.snap" "$pid" >/dev/null
		t1=$(now_ns)
		sleep 0.05
		gap >> "$work/gi_hb"
		echo $((t1 - t0)) >> "$work/gi_total"
		jq -r .capture.pause_ns "$work/s.snap" >> "$work/gi_pause"
		echo $(( $(tail -1 "$work/rss") * 1024 )) >> "$work/gi_rss"
		stat -c %s "$work/s.snap" >> "$work/gi_size"
	done
	gt=$(median < "$work/gi_total"); gh=$(median < "$work/gi_hb")
	printf '%-10s %-22s %12s %12s %10s %10s\n' "$n" "goinspect snapshot" "$(ms "$gt")" "$(ms "$gh")" \
		"$(awk -v v="$(median < "$work/gi_rss")" 'BEGIN{printf "%.1f", v/1048576}')" \
		"$(awk -v v="$(median < "$work/gi_size")" 'BEGIN{printf "%.2f", v/1048576}')"
	printf '%-10s %-22s %12s %12s\n' "" "  (pause it recorded)" "" "$(ms "$(median < "$work/gi_pause")")"
	for d in 1 2; do
		: > "$work/p_total"; : > "$work/p_hb"; : > "$work/p_size"
		for _ in $(seq 1 "$runs"); do
			gap >/dev/null
			t0=$(now_ns)
			curl -s -o "$work/dump" "http://127.0.0.1:$port/debug/pprof/goroutine?debug=$d"
			t1=$(now_ns)
			sleep 0.05
			gap >> "$work/p_hb"
			echo $((t1 - t0)) >> "$work/p_total"
			stat -c %s "$work/dump" >> "$work/p_size"
		done
		pt=$(median < "$work/p_total"); ph=$(median < "$work/p_hb")
		printf '%-10s %-22s %12s %12s %10s %10s   (total x%s, pause x%s goinspect)\n' "" "pprof debug=$d" \
			"$(ms "$pt")" "$(ms "$ph")" "-" \
			"$(awk -v v="$(median < "$work/p_size")" 'BEGIN{printf "%.2f", v/1048576}')" \
			"$(awk -v a="$pt" -v b="$gt" 'BEGIN{printf "%.1f", a/b}')" \
			"$(awk -v a="$ph" -v b="$gh" 'BEGIN{printf "%.1f", a/(b>0?b:1)}')"
	done
	# The debuggers: one run each, the program stopped throughout.
	# The debuggers: one run each, the program stopped throughout.
	if [ -n "$gdb" ]; then
		peer "gdb info goroutines" "$gdb" -p "$pid" -batch -nx \
			-ex "source $goroot/src/runtime/runtime-gdb.py" -ex "info goroutines"
	fi
	if [ -n "$dlv" ]; then
		# exit, then "n": detach, leaving the program running
		printf 'goroutines -group user\nexit\nn\n' > "$work/dlv.in"
		peer "dlv goroutines -group" bash -c "'$dlv' attach $pid --allow-non-terminal-interactive=true < '$work/dlv.in'"
	fi
	kill -0 "$pid" 2>/dev/null || { echo "bench: the target died" >&2; exit 1; }
	kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
echo "pause_ms: the largest gap of the target's own 1 ms heartbeat (includes ~1 ms tick granularity)"
