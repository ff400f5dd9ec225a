#!/bin/bash
# Builds every Go fixture (fixtures/*/) with every Go toolchain found, for `make check`:
#   GOINSPECT_TEST_GO="go1 go2 ..."  (go binaries), else `go` on PATH, /usr/lib/go-*/bin/go and
#   the toolchains the go command fetched into its module cache (scripts/fetch-toolchains.sh).
# Output: $GI_BUILDDIR/fixtures-bin/<goversion>/<fixture>, and fixtures-bin/toolchains.txt with
# one Go version per line. With no toolchain, nothing is built and the Go tests skip.
set -euo pipefail
src=${GI_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
out=${GI_BUILDDIR:-$PWD}/fixtures-bin
mkdir -p "$out"
: > "$out/toolchains.txt.new"

if [ -n "${GOINSPECT_TEST_GO:-}" ]; then
	candidates=$GOINSPECT_TEST_GO
else
	candidates="$(command -v go || true) $(ls /usr/lib/go-*/bin/go 2>/dev/null || true)"
	if command -v go > /dev/null; then
		modcache=$(GOTOOLCHAIN=local go env GOMODCACHE 2>/dev/null || true)
		[ -n "$modcache" ] && candidates="$candidates $(ls "$modcache"/golang.org/toolchain@*/bin/go 2>/dev/null | sort -V || true)"
	fi
fi
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0 GOWORK=off
seen=" "
for gobin in $candidates; do
	[ -x "$gobin" ] || { echo "build-fixtures: $gobin: not executable, skipped" >&2; continue; }
	ver=$("$gobin" env GOVERSION 2>/dev/null) || { echo "build-fixtures: $gobin does not run, skipped" >&2; continue; }
	case "$seen" in *" $ver "*) continue ;; esac
	seen="$seen$ver "
	mkdir -p "$out/$ver"
	for dir in "$src"/fixtures/*/; do
		name=$(basename "$dir")
		[ -f "$dir/main.go" ] || continue
		if [ "$name" = cgo ] || [ "$name" = cgoleak ]; then
			# Linked with the C toolchain: only where there is one.
			command -v "${CC:-cc}" > /dev/null || { echo "build-fixtures: no C compiler: $name skipped" >&2; continue; }
			(cd "$src/fixtures" && CGO_ENABLED=1 "$gobin" build -o "$out/$ver/$name" "./$name")
			# production builds (tests/matrix.test): stripped, and stripped PIE
			(cd "$src/fixtures" && CGO_ENABLED=1 "$gobin" build -ldflags="-s -w" -o "$out/$ver/$name.stripped" "./$name")
			(cd "$src/fixtures" && CGO_ENABLED=1 "$gobin" build -buildmode=pie -ldflags="-s -w" -o "$out/$ver/$name.stripped-pie" "./$name")
			continue
		fi
		(cd "$src/fixtures" && "$gobin" build -o "$out/$ver/$name" "./$name")
		if [ "$name" = states ] || [ "$name" = shapes ] || [ "$name" = allocs ] || [ "$name" = heap ] ||
			[ "$name" = nomemstats ]; then
			# production builds (tests/matrix.test, tests/memprof.test, tests/heap.test):
			# stripped, PIE, stripped PIE
			(cd "$src/fixtures" && "$gobin" build -ldflags="-s -w" -o "$out/$ver/$name.stripped" "./$name")
			(cd "$src/fixtures" && "$gobin" build -buildmode=pie -o "$out/$ver/$name.pie" "./$name")
			(cd "$src/fixtures" && "$gobin" build -buildmode=pie -ldflags="-s -w" -o "$out/$ver/$name.stripped-pie" "./$name")
		fi
		if [ "$name" = states ]; then
			# the usual release build: stripped, and with file names relative to the module
			(cd "$src/fixtures" && "$gobin" build -trimpath -ldflags="-s -w" -o "$out/$ver/$name.stripped-trimpath" "./$name")
		fi
	done
	if [ ! -s "$out/toolchains.txt.new" ]; then
		# a 32-bit build, to be refused (tests/errors.test): with the first toolchain only
		(cd "$src/fixtures" && GOARCH=386 "$gobin" build -o "$out/$ver/sigcount.386" ./sigcount)
	fi
	echo "$ver" >> "$out/toolchains.txt.new"
	echo "build-fixtures: built $(ls "$out/$ver" | wc -l) fixtures with $ver ($gobin)"
done
mv "$out/toolchains.txt.new" "$out/toolchains.txt"
# A program built by gccgo, to be refused (tests/errors.test), where gccgo is installed.
rm -f "$out/gccgo-program"
gccgo=$(command -v gccgo || ls /usr/bin/gccgo-* 2>/dev/null | head -1 || true)
if [ -n "$gccgo" ]; then
	"$gccgo" -o "$out/gccgo-program" "$src/tests/data/gccgo/main.go" || echo "build-fixtures: $gccgo failed" >&2
fi
[ -s "$out/toolchains.txt" ] || echo "build-fixtures: no Go toolchain found: Go tests will be skipped" >&2
exit 0
