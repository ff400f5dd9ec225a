#!/bin/bash
# The notices to hand on with goinspect-static: goinspect's license, the pprof schema's, and
# for every archive linked into it, its Debian package and that package's copyright file
# (the licenses of the library inside and the copyright holders' notices, which the MIT, BSD
# and zlib licenses ask to accompany a binary). `make static` writes goinspect-static.licenses
# with it:
#   scripts/static-licenses.sh SRCDIR CC -lX -lY ... > goinspect-static.licenses
# The archives are found as the link finds them ($CC -print-file-name); where dpkg does not
# know one (not a Debian system), it says so and names the file.
set -euo pipefail
srcdir=$1 cc=$2
shift 2
version=$(sed -n 's/^AC_INIT(\[goinspect\], \[\([^]]*\)\].*/\1/p' "$srcdir/configure.ac")

cat <<EOF
goinspect-static $version: the licenses of what is inside
================================================================================

goinspect is free software: you can redistribute it and/or modify it under the terms of
the GNU General Public License as published by the Free Software Foundation, either
version 2 of the License, or (at your option) any later version. Its text is at the end
of this file. The pprof profile schema its export is encoded with is the pprof project's
(third_party/pprof/profile.proto, Copyright 2016 Google Inc.), under the Apache License,
Version 2.0, also at the end of this file.

goinspect-static also holds the libraries below, linked in. For each: the archives linked,
the Debian package they come from, and that package's copyright file.
EOF

declare -A seen_lib seen_doc
archives=()
for flag in "$@" -lc -lgcc -lgcc_eh; do
	case $flag in -l*) ;; *) continue ;; esac
	lib=${flag#-l}
	[ -z "${seen_lib[$lib]:-}" ] || continue
	seen_lib[$lib]=1
	# shellcheck disable=SC2086 # CC may hold options
	path=$($cc -print-file-name="lib$lib.a")
	case $path in /*) archives+=("$(realpath "$path")") ;; *) echo "static-licenses: lib$lib.a not found" >&2; exit 1 ;; esac
done

# group the archives by package, in the order they were linked
declare -A pkg_archives
pkgs=()
for a in "${archives[@]}"; do
	# an empty archive (libpthread.a, libdl.a since glibc 2.34) brings nothing
	[ "$(stat -c %s "$a")" -gt 8 ] || continue
	pkg=$(dpkg-query -S "$a" 2> /dev/null | head -1 | cut -d: -f1) || pkg=
	[ -n "$pkg" ] || pkg="?$a"
	[ -n "${pkg_archives[$pkg]:-}" ] || pkgs+=("$pkg")
	pkg_archives[$pkg]="${pkg_archives[$pkg]:-}${pkg_archives[$pkg]:+, }$(basename "$a")"
done

for pkg in "${pkgs[@]}"; do
	echo
	echo "================================================================================"
	if [ "${pkg:0:1}" = "?" ]; then
		echo "${pkg_archives[$pkg]}: ${pkg#?} (no Debian package knows it: see the library's own license)"
		continue
	fi
	src=$(dpkg-query -W -f '${source:Package} ${source:Version}' "$pkg" 2> /dev/null || echo "$pkg")
	doc=/usr/share/doc/$pkg/copyright
	echo "${pkg_archives[$pkg]}: Debian package $pkg (source: $src)"
	if [ ! -r "$doc" ]; then
		echo "(no $doc)"
		continue
	fi
	sum=$(md5sum < "$doc" | cut -d' ' -f1)
	if [ -n "${seen_doc[$sum]:-}" ]; then
		echo "Copyright and licenses: as ${seen_doc[$sum]}, above."
		continue
	fi
	seen_doc[$sum]=$pkg
	echo "$doc:"
	echo
	cat "$doc"
done

echo
echo "================================================================================"
echo "goinspect: GNU General Public License, version 2"
echo
cat "$srcdir/LICENSE"
echo
echo "================================================================================"
echo "third_party/pprof/profile.proto: Apache License, Version 2.0"
echo
cat "$srcdir/third_party/pprof/LICENSE"
