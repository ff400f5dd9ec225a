# Common helpers for tests/*.test (sourced). Exit codes: 0 pass, 1 fail, 77 skip, 99 hard error.
set -u
: "${GOINSPECT:?GOINSPECT must name the goinspect binary}"
: "${GI_BUILDDIR:=$PWD}"
: "${GI_SRCDIR:=$PWD}"
me=$(basename "$0" .test)
TMP="$GI_BUILDDIR/tests/tmp/$me"
rm -rf "$TMP"
mkdir -p "$TMP"
FIXTURES="$GI_BUILDDIR/fixtures-bin"
failures=0
started_pids=""

ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "FAIL: $*"; cleanup; exit 1; }
skip() { echo "SKIP: $*"; cleanup; exit 77; }
hard_error() { echo "ERROR: $*"; cleanup; exit 99; }
finish() {
	cleanup
	if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
	exit 0
}
# ours PID: is PID still a process this test started? PIDs are reused (pid_max may be 32768,
# and some fixtures fork thousands of children): a PID whose process ended may now be anyone's,
# so nothing is signalled by PID alone after its process may have ended.
ours() {
	local exe
	exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	case "$exe" in "$(readlink -f "$FIXTURES")"/*|"$(readlink -f "$GOINSPECT")") return 0 ;; esac
	# a fixture that replaced itself (execve) is still our child
	[ "$(awk '{print $4}' "/proc/$1/stat" 2>/dev/null)" = "$$" ]
}
cleanup() {
	for p in $started_pids; do ours "$p" && { kill -CONT "$p"; kill "$p"; } 2>/dev/null; done
	for p in $started_pids; do wait "$p" 2>/dev/null; done
	started_pids=""
}
trap cleanup EXIT

gi() { "$GOINSPECT" "$@"; }

# check DESCRIPTION CMD...: passes when CMD succeeds (its output is not shown).
check() { local d=$1; shift; if "$@" > /dev/null; then ok "$d"; else fail "$d"; fi; }
# expect_eq DESCRIPTION GOT WANT
expect_eq() { if [ "$2" = "$3" ]; then ok "$1 ($2)"; else fail "$1: got '$2', want '$3'"; fi; }

# The Go releases goinspect knows (scripts/go-releases), one go1.N.P a line, oldest first.
known_releases() { grep -E '^go1\.[0-9]+\.[0-9]+$' "$GI_SRCDIR/scripts/go-releases"; }
# release_range FORMAT: the oldest and newest known minor releases through printf FORMAT
# (release_range 'go1.%d to go1.%d' says "go1.19 to go1.27").
release_range() {
	local lo hi
	lo=$(known_releases | head -1 | cut -d. -f2); hi=$(known_releases | tail -1 | cut -d. -f2)
	# shellcheck disable=SC2059
	printf "$1" "$lo" "$hi"
}
# minor_of go1.N.P: N
minor_of() { echo "${1#go1.}" | cut -d. -f1; }
# table_layouts go1.N.P: target.layouts of a stripped build read with its release's table
table_layouts() {
	echo "built-in tables (go1.$(minor_of "$1"); g, m, p, mspan, sudog, hchan, moduledata, _func, pcHeader, mcache checked against the binary's type descriptors); globals from the function table and disassembly"
}

# The Go versions the fixtures were built with; skips the test when there are none.
toolchains() {
	[ -s "$FIXTURES/toolchains.txt" ] || skip "no Go toolchain: fixtures were not built"
	cat "$FIXTURES/toolchains.txt"
}

wait_for_file() { # FILE [TIMEOUT_S]
	local i n=$(( ${2:-30} * 20 ))
	for ((i = 0; i < n; i++)); do [ -e "$1" ] && return 0; sleep 0.05; done
	return 1
}

# start_fixture NAME GOVER [ARGS...]: starts it with -out DIR, waits for DIR/ready.
# Sets FIX_PID and FIX_OUT.
start_fixture() {
	local name=$1 ver=$2; shift 2
	FIX_OUT="$TMP/$name-$ver-$RANDOM"
	mkdir -p "$FIX_OUT"
	[ -x "$FIXTURES/$ver/$name" ] || hard_error "fixture $ver/$name not built"
	"$FIXTURES/$ver/$name" -out "$FIX_OUT" "$@" > "$FIX_OUT/stdout" 2> "$FIX_OUT/stderr" &
	FIX_PID=$!
	started_pids="$started_pids $FIX_PID"
	wait_for_file "$FIX_OUT/ready" 30 || hard_error "fixture $ver/$name did not get ready: $(cat "$FIX_OUT/stderr")"
	# main parks in "chan receive" right after it writes ready
	sleep 0.1
}

stop_fixture() {
	ours "$1" && kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	started_pids=$(echo "$started_pids" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
	true
}

proc_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }

# assert_running PID: alive, not stopped, not traced.
assert_running() {
	local st tr
	st=$(proc_field "$1" State); tr=$(proc_field "$1" TracerPid)
	if [ -z "$st" ]; then fail "target $1 is gone"; return 1; fi
	case "$st" in
	T|t) fail "target $1 left stopped (state $st)"; return 1 ;;
	esac
	if [ "$tr" != 0 ]; then fail "target $1 still traced by $tr"; return 1; fi
	ok "target $1 running (state $st, not traced)"
}

# The runtime's own per-status counts from a debug=2 dump, as sorted "count status" lines.
# main (goroutine 1) wrote the dump, so it says [running]; afterwards it parks in
# "chan receive": the one adjustment made.
expected_by_status() {
	awk '/^goroutine [0-9]+ .*\[/ {
		s = $0; sub(/^goroutine [0-9]+[^[]*\[/, "", s); sub(/[],].*/, "", s); sub(/ \(scan\)$/, "", s)
		if ($2 == "1" && s == "running") s = "chan receive"
		c[s]++
	} END { for (k in c) print c[k], k }' "$1/goroutine-debug2.txt" | sort
}

got_by_status() { jq -r '.goroutines.by_status | to_entries[] | "\(.value) \(.key)"' "$1" | sort; }
