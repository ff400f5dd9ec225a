#!/bin/bash
# Fetches the Go releases the test suite builds its fixtures with: every release goinspect knows
# (scripts/go-releases) that is not already here (the go command on PATH, Debian's
# /usr/lib/go-*), through the go command's own toolchain download (GOTOOLCHAIN). They land in
# the module cache, where tests/build-fixtures.sh and scripts/gen-layouts.sh find them. A
# release that cannot be fetched is skipped with a note: the suite then covers fewer
# releases, and says which in its log.
#   scripts/fetch-toolchains.sh [go1.N.P ...]     (default: the list)
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
releases=${GOINSPECT_FETCH_GO:-${*:-$(grep -E '^go1\.[0-9]+\.[0-9]+$' "$src/scripts/go-releases")}}
command -v go > /dev/null || { echo "fetch-toolchains: no go command: nothing fetched" >&2; exit 0; }
here=" "
for g in $(command -v go) /usr/lib/go-*/bin/go; do
	[ -x "$g" ] && here="$here$(GOTOOLCHAIN=local "$g" env GOVERSION 2> /dev/null) "
done
for v in $releases; do
	case "$here" in *" $v "*) echo "fetch-toolchains: $v is here already"; continue ;; esac
	if root=$(cd / && GOTOOLCHAIN=$v timeout 600 go env GOROOT 2> /dev/null) && [ -x "$root/bin/go" ]; then
		echo "fetch-toolchains: $v at $root"
	else
		echo "fetch-toolchains: $v could not be fetched: skipped" >&2
	fi
done
exit 0
