# `go tool pprof -raw` of a heap profile, one line per sample, for comparing two profiles
# whatever their sample order and location ids:
#   "alloc_objects alloc_space inuse_objects inuse_space | func file:line; ... | labels"
#   (innermost first, inlined calls as frames of their own; the sample's labels, such as the
#   "bytes" one, as pprof prints them). Samples of all zero values are kept too (from Go 1.27
#   the runtime labels them with their objects' size as well), though a profile taken later
#   may have more of them: buckets of allocations whose counts are not published yet.
/^Samples:/ { sec = "s"; next }
/^Locations/ { sec = "l"; next }
/^Mappings/ { sec = "m"; next }
sec == "s" && /:/ && $1 ~ /^[0-9]+$/ {
	split($0, a, ":")
	if (split(a[1], v, " ") != 4)
		next
	ns++
	val[ns] = v[1] " " v[2] " " v[3] " " v[4]
	ids[ns] = a[2]
	next
}
sec == "s" && ns && $1 ~ /^[a-z_]+:\[/ {
	l = $0
	sub(/^[ \t]+/, "", l)
	lab[ns] = lab[ns] (lab[ns] == "" ? "" : " ") l
	next
}
sec == "l" && $1 ~ /^[0-9]+:$/ {
	cur = substr($1, 1, length($1) - 1)
	fr = $4 " " $5
	sub(/:[0-9]+$/, "", fr)
	loc[cur] = fr
	next
}
sec == "l" && NF >= 2 {
	fr = $1 " " $2
	sub(/:[0-9]+$/, "", fr)
	loc[cur] = loc[cur] "; " fr
	next
}
END {
	for (i = 1; i <= ns; i++) {
		m = split(ids[i], id, " ")
		s = val[i] " |"
		for (j = 1; j <= m; j++)
			s = s " " loc[id[j]] (j < m ? ";" : "")
		print s " |" (lab[i] == "" ? "" : " " lab[i])
	}
}
