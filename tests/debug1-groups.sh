#!/bin/bash
# Prints the groups of a debug=1 goroutine profile (argument 1) or of a goinspect snapshot's
# goroutines.groups (argument 2, with -s), one per line as "count|frame;frame;...", sorted, in
# the form pprof's debug=1 text has: leading runtime frames hidden, each frame
# "function file:line", then the group's pprof labels as debug=1 prints them. The main goroutine (its stack ends in runtime.main) is left out: it
# wrote the profile, and has moved on since. Used to compare goinspect with the runtime's
# own profile.
set -euo pipefail
if [ "$1" = -s ]; then
	jq -r '.goroutines.groups[] |
		(if (.labels // {}) == {} then "" else " # labels: {" +
			([.labels | to_entries | sort_by(.key)[] | "\(.key | tojson):\(.value | tojson)"] | join(", ")) + "}" end) as $l |
		([.frames[] | select(.function != "runtime.goexit")] |
		 (until(length == 0 or (.[0].function | (startswith("runtime.") or startswith("internal/runtime/")) | not); .[1:]))) as $f |
		"\(.count)|" + ([$f[] | "\(.function) \(.file):\(.line)"] | join(";")) + $l' "$2" |
		grep -v ';runtime.main [^;]*$' | sort
else
	awk '
	/^[0-9]+ @/ { if (key != "") print cnt "|" key lab; cnt = $1; key = ""; lab = ""; next }
	/^# labels: / { lab = " " $0; next }
	/^#\t0x/ {
		n = split($0, f, "\t")
		fn = f[3]; sub(/\+0x[0-9a-f]+$/, "", fn)
		pos = f[n]  # the columns are aligned with tabs: file:line is the last field
		key = key (key == "" ? "" : ";") fn " " pos
		next
	}
	END { if (key != "") print cnt "|" key lab }' "$1" | grep -v ';runtime.main [^;]*$' | sort
fi
