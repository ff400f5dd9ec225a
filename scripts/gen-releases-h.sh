#!/bin/bash
# Writes, on stdout, the C header of the version policy (src/goruntime/releases.h) from the
# list of the Go releases goinspect knows (scripts/go-releases): one go1.N.P per minor release,
# every minor from the oldest to the newest. The build runs it; a malformed list stops it.
#   scripts/gen-releases-h.sh scripts/go-releases > src/goruntime/releases.h
set -euo pipefail
list=${1:?usage: gen-releases-h.sh LIST}
awk -v list="$list" '
	/^[[:space:]]*(#|$)/ { next }
	!/^go1\.[0-9]+\.[0-9]+$/ { printf "gen-releases-h: %s:%d: not go1.N.P: %s\n", list, NR, $0 > "/dev/stderr"; bad = 1; next }
	{
		split($0, v, "."); m = v[2] + 0
		if (m in seen) { printf "gen-releases-h: %s: go1.%d twice\n", list, m > "/dev/stderr"; bad = 1 }
		seen[m] = $0
		if (min == "" || m < min) min = m
		if (m > max) max = m
	}
	END {
		if (bad) exit 1
		if (min == "") { printf "gen-releases-h: %s: no release\n", list > "/dev/stderr"; exit 1 }
		for (m = min; m <= max; m++)
			if (!(m in seen)) { printf "gen-releases-h: %s: go1.%d missing\n", list, m > "/dev/stderr"; exit 1 }
		print "/* releases.h: the Go releases goinspect knows. GENERATED from scripts/go-releases by"
		print " * scripts/gen-releases-h.sh when goinspect is built; do not edit. */"
		print "#ifndef GI_RELEASES_H"
		print "#define GI_RELEASES_H"
		printf "#define GI_GO_MIN_MINOR %d\n", min
		printf "#define GI_GO_MAX_MINOR %d\n", max
		printf "/* the release each built-in table was made from, oldest first */\n#define GI_GO_RELEASES"
		for (m = min; m <= max; m++) printf " \"%s\"%s", seen[m], m < max ? "," : "\n"
		print "#endif"
	}' "$list"
