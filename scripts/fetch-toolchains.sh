#!/bin/bash
# Fetches the Go releases the test suite builds its fixtures with, one per minor release from
# 1.20 to 1.25 (Go 1.19 comes from Debian, the newest from the machine), through the go
# command's own toolchain download (GOTOOLCHAIN). They land in the module cache, where
# tests/build-fixtures.sh finds them. A release that cannot be fetched is skipped with a note:
# the suite then covers fewer releases, and says which in its log.
set -uo pipefail
releases=${GOINSPECT_FETCH_GO:-"go1.20.14 go1.21.13 go1.22.12 go1.23.12 go1.24.13 go1.25.14"}
command -v go > /dev/null || { echo "fetch-toolchains: no go command: nothing fetched" >&2; exit 0; }
for v in $releases; do
	if root=$(cd / && GOTOOLCHAIN=$v timeout 600 go env GOROOT 2> /dev/null) && [ -x "$root/bin/go" ]; then
		echo "fetch-toolchains: $v at $root"
	else
		echo "fetch-toolchains: $v could not be fetched: skipped" >&2
	fi
done
exit 0
