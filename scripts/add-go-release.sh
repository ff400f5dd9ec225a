#!/bin/bash
# Adds a Go release to those goinspect knows, in one step (README.md, "Adding a Go release"):
#  1. fetches its toolchain (GOTOOLCHAIN, scripts/fetch-toolchains.sh);
#  2. puts it in scripts/go-releases, the one list of the releases goinspect knows (a newer
#     patch release of a minor release already there replaces it; a new minor release must
#     follow the newest);
#  3. builds the layout fixture with every release of the list and regenerates the built-in
#     tables from those builds (make layoutdump, scripts/gen-layouts.sh);
#  4. brings the ranges README.md and the man pages state in step with the list.
# Then run `make check`.
#   scripts/add-go-release.sh go1.N.P [BUILDDIR]    (in a configured tree; BUILDDIR: where make runs)
#   scripts/add-go-release.sh --docs-only go1.N.P   (steps 2 and 4 only, in the tree $SRC)
set -euo pipefail
src=${SRC:-$(cd "$(dirname "$0")/.." && pwd)}
docs_only=false
if [ "${1:-}" = --docs-only ]; then docs_only=true; shift; fi
v=${1:-}
[[ $v =~ ^go1\.([0-9]+)\.([0-9]+)$ ]] || { echo "usage: add-go-release.sh [--docs-only] go1.N.P [BUILDDIR]" >&2; exit 64; }
minor=${BASH_REMATCH[1]}
build=${2:-$src}
list=$src/scripts/go-releases

releases() { grep -E '^go1\.[0-9]+\.[0-9]+$' "$list"; }
minor_of() { echo "${1#go1.}" | cut -d. -f1; }
old_first=$(releases | head -1); old_last=$(releases | tail -1)
lo=$(minor_of "$old_first"); hi=$(minor_of "$old_last")

# the new list: the release replaces its minor's line, or follows the newest
if [ "$minor" -ge "$lo" ] && [ "$minor" -le "$hi" ]; then
	cur=$(releases | grep -E "^go1\.$minor\.")
	[ "$cur" = "$v" ] && { echo "add-go-release: $v is in the list already" >&2; }
elif [ "$minor" -ne $((hi + 1)) ]; then
	echo "add-go-release: $v: the list has go1.$lo to go1.$hi; a new release follows the newest" >&2
	exit 1
fi

if ! $docs_only; then
	bash "$src/scripts/fetch-toolchains.sh" "$v"
	got=$(cd / && GOTOOLCHAIN=$v go env GOVERSION 2> /dev/null || true)
	[ "$got" = "$v" ] || { echo "add-go-release: the $v toolchain could not be had" >&2; exit 1; }
fi

if [ "$minor" -le "$hi" ]; then
	sed -i -E "s/^go1\.$minor\.[0-9]+\$/$v/" "$list"
else
	echo "$v" >> "$list"
fi
new_first=$(releases | head -1); new_last=$(releases | tail -1)
nhi=$(minor_of "$new_last")
echo "add-go-release: scripts/go-releases: go1.$lo to go1.$nhi ($new_first to $new_last)"

# the ranges the docs state: "1.19 to 1.27", "go1.19 to go1.27", "Go 1.19.8 to 1.27.3",
# "newer than go1.27"
for f in "$src/README.md" "$src"/man/*.[0-9]; do
	LO=$lo HI=$hi NHI=$nhi OF=${old_first#go1.} OL=${old_last#go1.} NF=${new_first#go1.} \
	NL=${new_last#go1.} perl -pi -e '
		s/\b(go)?1\.$ENV{LO} to (go)?1\.$ENV{HI}(?!\.?\d)/$1 . "1.$ENV{LO} to " . $2 . "1.$ENV{NHI}"/ge;
		s/\b1\.\Q$ENV{OF}\E to 1\.\Q$ENV{OL}\E(?!\d)/1.$ENV{NF} to 1.$ENV{NL}/g;
		s/newer than go1\.$ENV{HI}(?!\.?\d)/newer than go1.$ENV{NHI}/g' "$f"
done
echo "add-go-release: README.md and man/: the ranges say go1.$lo to go1.$nhi"
$docs_only && exit 0

make -C "$build" layoutdump
bash "$src/scripts/gen-layouts.sh" "$build"
echo "add-go-release: done; now: make && make check"
