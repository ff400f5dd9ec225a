/* diff.c: `diff` as text and as JSON: the figures analysis computed, printed. */
#include "output/output.h"

#include <jansson.h>
#include <stdlib.h>

static const char *change_word(const struct gi_map_delta *d)
{
	if (!d->a)
		return "new";
	if (!d->b)
		return "gone";
	return d->delta > 0 ? "grown" : d->delta < 0 ? "shrunk" : "same";
}

static json_t *frames_json(const struct gi_ggroup *g)
{
	json_t *a = json_array();
	for (size_t i = 0; i < g->nframes; i++)
		json_array_append_new(a, json_pack("{s:s?, s:s?, s:i}", "function", g->frames[i].func,
		                                   "file", g->frames[i].file, "line", g->frames[i].line));
	return a;
}

static json_t *snap_brief(const struct gi_snapshot *s)
{
	return json_pack("{s:i, s:s?, s:s?, s:s?, s:I, s:b}", "pid", s->pid, "exe", s->exe,
	                 "go_version", s->go_version, "time", s->time_utc,
	                 "pause_ns", (json_int_t)s->pause_ns, "partial", s->partial);
}

/* ---- diff: JSON ---- */

static json_t *series_json(const int64_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static json_t *frame_json(const struct gi_frame *f)
{
	if (!f || !f->func)
		return json_null();
	return json_pack("{s:s?, s:s?, s:i}", "function", f->func, "file", f->file, "line", f->line);
}

static const char *group_change(const struct gi_group_delta *g)
{
	return !g->a ? "new" : !g->b ? "gone" : g->delta > 0 ? "grown" : g->delta < 0 ? "shrunk"
	                                                                              : "same";
}

static json_t *diff_json(const struct gi_diff *d, const char *const *paths)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	size_t nsd = d->nstatuses, nmd = d->nmaps;
	const struct gi_status_delta *sd = d->statuses;
	const struct gi_map_delta *md = d->maps;
	const struct gi_kind_delta *kd = d->kinds;
	bool trend = d->nsnaps >= 3;

	json_t *verdict = json_array();
	for (size_t i = 0; i < d->nclaims; i++) {
		const struct gi_claim *c = &d->claims[i];
		json_t *e = json_pack("{s:s, s:s, s:I}", "kind", c->kind, "text", c->text, "delta",
		                      (json_int_t)c->value);
		if (c->ref >= 0)
			json_object_set_new(e, !strcmp(c->kind, "heap") ? "size_class_index"
			                       : !strcmp(c->kind, "heap-site") ? "site_index"
			                       : "group_index",
			                    json_integer(c->ref));
		json_array_append_new(verdict, e);
	}
	json_t *groups = json_array();
	for (size_t i = 0; i < d->ngroups; i++) {
		const struct gi_group_delta *g = &d->groups[i];
		const struct gi_ggroup *gg = g->b ? g->b : g->a ? g->a : g->rep;
		json_t *e = json_pack(
			"{s:I, s:I, s:I, s:s?, s:s, s:o, s:o, s:o}", "delta", (json_int_t)g->delta,
			"count_before", (json_int_t)(g->a ? g->a->count : 0),
			"count_after", (json_int_t)(g->b ? g->b->count : 0), "wait_reason",
			gg->wait_reason, "change", group_change(g), "where",
			frame_json(gi_group_where(gg)), "created_by", frame_json(&gg->created_by),
			"frames", frames_json(gg));
		if (d->stuck_known)
			json_object_set_new(e, "stuck", json_integer((json_int_t)g->stuck));
		if (trend) {
			json_object_set_new(e, "series", series_json(g->series, d->nsnaps));
			json_object_set_new(e, "shape", json_string(gi_shape_word(g->shape)));
		}
		json_array_append_new(groups, e);
	}
	json_t *st = json_array();
	for (size_t i = 0; i < nsd; i++)
		json_array_append_new(st, json_pack("{s:s, s:I, s:I, s:I}", "status", sd[i].key,
		                                    "before", (json_int_t)sd[i].before, "after",
		                                    (json_int_t)sd[i].after, "delta",
		                                    (json_int_t)sd[i].delta));
	json_t *kinds = json_array();
	for (int i = 0; i < GI_MAP_KIND_COUNT; i++)
		if (kd[i].maps_before || kd[i].maps_after)
			json_array_append_new(kinds, json_pack(
				"{s:s, s:I, s:I, s:I}", "kind", gi_map_kind_name(i),
				"rss_before", (json_int_t)kd[i].rss_before, "rss_after",
				(json_int_t)kd[i].rss_after, "rss_delta", (json_int_t)kd[i].delta));
	json_t *maps = json_array();
	for (size_t i = 0; i < nmd; i++) {
		const struct gi_mapping *m = md[i].b ? md[i].b : md[i].a;
		char s1[32], s2[32];
		snprintf(s1, sizeof s1, "0x%llx", (unsigned long long)m->start);
		snprintf(s2, sizeof s2, "0x%llx", (unsigned long long)m->end);
		json_array_append_new(maps, json_pack(
			"{s:s, s:s, s:s?, s:s, s:I, s:I, s:I, s:s}", "start", s1, "end", s2,
			"path", m->path, "kind", gi_map_kind_name(m->kind),
			"rss_before", (json_int_t)(md[i].a ? md[i].a->rss : 0),
			"rss_after", (json_int_t)(md[i].b ? md[i].b->rss : 0),
			"rss_delta", (json_int_t)md[i].delta, "change", change_word(&md[i])));
	}
	json_t *root = json_pack(
		"{s:i, s:o, s:o, s:o, s:{s:b, s:I, s:I, s:I, s:o}, s:{s:I, s:I, s:I, s:I, s:I, s:I, "
		"s:I, s:I, s:o, s:o}}",
		"format_version", GI_FORMAT_VERSION, "verdict", verdict, "before", snap_brief(a),
		"after", snap_brief(b), "goroutines", "available", a->gor_available && b->gor_available,
		"total_before", (json_int_t)a->gor_total, "total_after", (json_int_t)b->gor_total,
		"total_delta", (json_int_t)d->gor_delta, "by_status", st, "memory", "rss_before",
		(json_int_t)a->mem.rss, "rss_after", (json_int_t)b->mem.rss, "rss_delta",
		(json_int_t)d->rss_delta, "pss_delta", (json_int_t)b->mem.pss - (json_int_t)a->mem.pss,
		"anonymous_delta", (json_int_t)b->mem.anonymous - (json_int_t)a->mem.anonymous,
		"swap_delta", (json_int_t)b->mem.swap - (json_int_t)a->mem.swap,
		"go_heap_rss_delta", (json_int_t)d->rss_goheap_delta,
		"outside_go_heap_rss_delta", (json_int_t)d->rss_outside_delta,
		"by_kind", kinds, "mappings", maps);
	json_t *gor = json_object_get(root, "goroutines");
	if (d->stuck_known)
		json_object_set_new(gor, "stuck", json_integer((json_int_t)d->stuck));
	json_object_set_new(gor, "groups", groups);

	json_t *heap = json_object();
	json_object_set_new(heap, "available", json_boolean(d->heap_known || d->classes_known));
	if (d->heap_known) {
		json_object_set_new(heap, "heap_inuse_before", json_integer((json_int_t)a->heap.heap_inuse));
		json_object_set_new(heap, "heap_inuse_after", json_integer((json_int_t)b->heap.heap_inuse));
		json_object_set_new(heap, "heap_inuse_delta", json_integer(d->heap_inuse_delta));
	}
	if (d->heap_objects_known)
		json_object_set_new(heap, "heap_objects_delta", json_integer(d->heap_objects_delta));
	if (d->stack_known)
		json_object_set_new(heap, "stack_inuse_delta", json_integer(d->stack_inuse_delta));
	if (d->classes_known) {
		json_t *cl = json_array();
		for (size_t i = 0; i < d->nclasses; i++) {
			const struct gi_class_delta *c = &d->classes[i];
			json_t *e = json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "class", c->cls,
			                      "size", (json_int_t)c->size,
			                      "objects_before", (json_int_t)c->objects_before,
			                      "objects_after", (json_int_t)c->objects_after,
			                      "objects_delta", (json_int_t)c->objects_delta,
			                      "bytes_before", (json_int_t)c->bytes_before,
			                      "bytes_after", (json_int_t)c->bytes_after,
			                      "bytes_delta", (json_int_t)c->bytes_delta);
			if (trend) {
				json_object_set_new(e, "series", series_json(c->series, d->nsnaps));
				json_object_set_new(e, "shape", json_string(gi_shape_word(c->shape)));
			}
			json_array_append_new(cl, e);
		}
		json_object_set_new(heap, "size_classes", cl);
	}
	/* the other MemStats totals and the RSS breakdown, where both snapshots have them */
	if (d->memstats_known) {
		json_t *o = heap;
#define D(f) json_object_set_new(o, #f "_delta", json_integer(d->f##_delta))
		D(heap_alloc);
		D(heap_idle);
		D(heap_released);
		D(heap_sys);
		D(sys);
		D(num_gc);
#undef D
	}
	if (d->rss_breakdown_known) {
		json_t *r = json_object();
		for (int i = 0; i < GI_HEAP_RSS_N; i++) {
			char key[64];
			snprintf(key, sizeof key, "%s_delta", gi_heap_rss_names[i]);
			json_object_set_new(r, key, json_integer(d->rss_breakdown_delta[i]));
		}
		json_object_set_new(heap, "rss", r);
	}
	/* the allocation sites of the runtime's heap profile */
	json_object_set_new(heap, "profile", (json_t *)gi_report_memprof_diff_json(d));
	json_object_set_new(root, "heap", heap);

	if (trend) {
		json_t *snaps = json_array();
		for (size_t i = 0; i < d->nsnaps; i++) {
			json_t *e = snap_brief(d->snaps[i]);
			json_object_set_new(e, "file", json_string(paths ? paths[i] : ""));
			json_array_append_new(snaps, e);
		}
		json_t *t = json_pack("{s:o, s:{s:o, s:s}, s:{s:o, s:s}}", "snapshots", snaps,
		                      "goroutines", "series", series_json(d->gor_series, d->nsnaps),
		                      "shape", gi_shape_word(d->gor_shape), "rss", "series",
		                      series_json(d->rss_series, d->nsnaps), "shape",
		                      gi_shape_word(d->rss_shape));
		if (d->heap_shape != GI_SHAPE_NONE)
			json_object_set_new(t, "heap_inuse", json_pack(
				"{s:o, s:s}", "series", series_json(d->heap_series, d->nsnaps), "shape",
				gi_shape_word(d->heap_shape)));
		json_object_set_new(root, "trend", t);
	}
	json_object_set_new(root, "noise", json_pack(
		"{s:i, s:i, s:i, s:i, s:i, s:i}", "goroutines", GI_NOISE_GOROUTINES,
		"goroutines_percent", GI_NOISE_GOROUTINES_PCT, "size_class_bytes", GI_NOISE_CLASS_BYTES,
		"heap_bytes", GI_NOISE_HEAP_BYTES, "rss_bytes", GI_NOISE_RSS_BYTES, "percent",
		GI_NOISE_PCT));
	return root;
}

/* ---- diff: text ---- */

static void print_verdict(FILE *out, const struct gi_diff *d, const struct gi_report_opts *o)
{
	if (!d->nclaims) {
		fprintf(out, "%sVerdict:%s nothing grew beyond noise (see NOISE in goinspect(1)).\n",
		        gi_paint(o, GI_C_BOLD), gi_paint(o, GI_C_OFF));
		return;
	}
	fprintf(out, "%sVerdict:%s\n", gi_paint(o, GI_C_BOLD GI_C_RED), gi_paint(o, GI_C_OFF));
	for (size_t i = 0; i < d->nclaims; i++)
		gi_wrap(out, "  * ", "    ", d->claims[i].text);
}

static void print_group_row(FILE *out, const struct gi_diff *d, const struct gi_group_delta *g,
                            const struct gi_report_opts *o)
{
	const struct gi_ggroup *gg = g->b ? g->b : g->a ? g->a : g->rep;
	char b1[32], b2[512], b3[512];
	fprintf(out, "  %8llu %8llu ", (unsigned long long)(g->a ? g->a->count : 0),
	        (unsigned long long)(g->b ? g->b->count : 0));
	gi_print_delta(out, o, 8, g->delta, gi_fmt_count(b1, sizeof b1, g->delta));
	if (d->stuck_known && g->a && g->b)
		fprintf(out, " %8llu", (unsigned long long)g->stuck);
	else
		fprintf(out, " %8s", "-");
	fprintf(out, "  %s%s\n", gg->wait_reason ? gg->wait_reason : "?",
	        !g->a ? " (new)" : !g->b ? " (gone)" : "");
	const struct gi_frame *f = gi_group_where(gg);
	snprintf(b2, sizeof b2, "%s (%s:%d)", f && f->func ? f->func : "?",
	         gi_basename(f ? f->file : NULL), f ? f->line : 0);
	fprintf(out, "  %35s  %s\n", "", gi_fit(b3, sizeof b3, b2, 41));
	if (gg->created_by.func && g->delta > 0) {
		snprintf(b2, sizeof b2, "created by %s (%s:%d)", gg->created_by.func,
		         gi_basename(gg->created_by.file), gg->created_by.line);
		fprintf(out, "  %35s  %s%s%s\n", "", gi_paint(o, GI_C_DIM), gi_fit(b3, sizeof b3, b2, 41),
		        gi_paint(o, GI_C_OFF));
	}
}

static void print_series(FILE *out, const int64_t *v, size_t n, bool bytes)
{
	char line[4096];
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof line - 64; i++) {
		char x[32];
		if (bytes)
			gi_fmt_size(x, sizeof x, v[i], false);
		else
			snprintf(x, sizeof x, "%lld", (long long)v[i]);
		len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", i ? " -> " : "", x);
	}
	gi_wrap(out, "      ", "      ", line);
}

static void print_trend(FILE *out, const struct gi_diff *d, const struct gi_report_opts *o)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	long long ta = gi_parse_time(a->time_utc), tb = gi_parse_time(b->time_utc);
	fprintf(out, "\nTrend over %zu snapshots", d->nsnaps);
	if (ta != -1 && tb != -1)
		fprintf(out, " (%lld s)", (long long)(tb - ta));
	fprintf(out, ":\n");
	fprintf(out, "  goroutines: %s\n", gi_shape_name(d->gor_shape));
	print_series(out, d->gor_series, d->nsnaps, false);
	if (d->heap_shape != GI_SHAPE_NONE) {
		fprintf(out, "  heap in use: %s\n", gi_shape_name(d->heap_shape));
		print_series(out, d->heap_series, d->nsnaps, true);
	}
	fprintf(out, "  RSS: %s\n", gi_shape_name(d->rss_shape));
	print_series(out, d->rss_series, d->nsnaps, true);
	size_t lim = o && o->top > 0 ? (size_t)o->top : 5, shown = 0;
	for (size_t i = 0; i < d->ngroups && shown < lim; i++) {
		const struct gi_group_delta *g = &d->groups[i];
		if (g->shape <= GI_SHAPE_FLAT)
			continue;
		const struct gi_ggroup *gg = g->b ? g->b : g->a ? g->a : g->rep;
		const struct gi_frame *f = gi_group_where(gg);
		char t[512], sh[64];
		if (g->shape == GI_SHAPE_STEP)
			snprintf(sh, sizeof sh, "one-off step (snapshots %zu to %zu)", g->step_at + 1,
			         g->step_at + 2);
		else
			snprintf(sh, sizeof sh, "%s", gi_shape_name(g->shape));
		snprintf(t, sizeof t, "group %s (%s:%d) [%s]: %s", f && f->func ? f->func : "?",
		         gi_basename(f ? f->file : NULL), f ? f->line : 0,
		         gg->wait_reason ? gg->wait_reason : "?", sh);
		gi_wrap(out, "  ", "    ", t);
		print_series(out, g->series, d->nsnaps, false);
		shown++;
	}
	shown = 0;
	for (size_t i = 0; i < d->nclasses && shown < lim; i++) {
		const struct gi_class_delta *c = &d->classes[i];
		if (c->shape <= GI_SHAPE_FLAT)
			continue;
		fprintf(out, "  heap class %d (%s objects): %s\n", c->cls,
		        c->size ? GI_SIZE(c->size) : "large", gi_shape_name(c->shape));
		print_series(out, c->series, d->nsnaps, true);
		shown++;
	}
}

static void print_heap(FILE *out, const struct gi_diff *d, const struct gi_report_opts *o)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	char b1[32];
	if (!d->heap_known && !d->classes_known)
		return;
	fprintf(out, "\nHeap:");
	if (d->heap_known) {
		fprintf(out, " in use %s -> %s (", GI_SIZE(a->heap.heap_inuse), GI_SIZE(b->heap.heap_inuse));
		gi_print_delta(out, o, 0, d->heap_inuse_delta, GI_DSIZE(d->heap_inuse_delta));
		fprintf(out, ")");
	}
	if (d->heap_objects_known)
		fprintf(out, "%s objects %+lld", d->heap_known ? "," : "",
		        (long long)d->heap_objects_delta);
	if (d->stack_known)
		fprintf(out, ", stacks %s", GI_DSIZE(d->stack_inuse_delta));
	fprintf(out, "\n");
	if (d->memstats_known)
		fprintf(out, "  GC cycles between the snapshots: %lld\n", (long long)d->num_gc_delta);
	/* Where the RSS grew (goinspect's own breakdown, when both snapshots have it): the
	 * figure that tells a C or cgo leak from a Go one, then each part that changed. */
	if (d->rss_breakdown_known) {
		fprintf(out, "  RSS in the Go heap %s, outside the Go runtime (C, cgo, mmap) %s\n",
		        GI_DSIZE(d->rss_in_go_heap_delta),
		        GI_DSIZE(d->rss_breakdown_delta[GI_HEAP_RSS_OUTSIDE_GO]));
		for (int i = 0; i < GI_HEAP_RSS_N; i++)
			if (d->rss_breakdown_delta[i]) {
				fprintf(out, "    ");
				gi_print_delta(out, o, 10, d->rss_breakdown_delta[i],
				               GI_DSIZE(d->rss_breakdown_delta[i]));
				fprintf(out, "  %s\n", gi_heap_rss_labels[i]);
			}
	}
	if (!d->classes_known)
		return;
	fprintf(out, "  %5s %9s %9s %9s %10s %10s\n", "CLASS", "SIZE", "OBJECTS", "DELTA", "BYTES",
	        "DELTA");
	size_t lim = o && o->top > 0 ? (size_t)o->top : 10, shown = 0;
	for (size_t i = 0; i < d->nclasses && shown < lim; i++) {
		const struct gi_class_delta *c = &d->classes[i];
		if (!c->bytes_delta && !c->objects_delta)
			continue;
		fprintf(out, "  %5d %9s %9llu ", c->cls, c->size ? GI_SIZE(c->size) : "large",
		        (unsigned long long)c->objects_after);
		gi_print_delta(out, o, 9, c->objects_delta, gi_fmt_count(b1, sizeof b1, c->objects_delta));
		fprintf(out, " %10s ", GI_SIZE(c->bytes_after));
		gi_print_delta(out, o, 10, c->bytes_delta, GI_DSIZE(c->bytes_delta));
		fprintf(out, "\n");
		shown++;
	}
	if (!shown)
		fprintf(out, "  (no size class changed)\n");
}

int gi_report_diff(FILE *out, const struct gi_diff *d, const char *const *paths,
                   const struct gi_report_opts *o)
{
	if (o && o->json) {
		gi_print_json(out, diff_json(d, paths));
		return 0;
	}
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	size_t nsd = d->nstatuses, nmd = d->nmaps;
	const struct gi_status_delta *sd = d->statuses;
	const struct gi_map_delta *md = d->maps;
	char b1[32];

	long long ta = gi_parse_time(a->time_utc), tb = gi_parse_time(b->time_utc);
	fprintf(out, "PID %d (%s)  %s\n  %s -> %s", b->pid, b->comm ? b->comm : "?",
	        b->exe ? b->exe : "?", a->time_utc ? a->time_utc : "?",
	        b->time_utc ? b->time_utc : "?");
	if (ta != -1 && tb != -1)
		fprintf(out, " (%lld s apart)", (long long)(tb - ta));
	if (d->nsnaps > 2)
		fprintf(out, ", %zu snapshots", d->nsnaps);
	fprintf(out, "\n\n");
	print_verdict(out, d, o);

	fprintf(out, "\n%sGoroutines:%s ", gi_paint(o, GI_C_BOLD), gi_paint(o, GI_C_OFF));
	if (!a->gor_available || !b->gor_available) {
		fprintf(out, "not available in %s\n", !a->gor_available ? "the first snapshot"
		                                                        : "the last snapshot");
	} else {
		fprintf(out, "%llu -> %llu (", (unsigned long long)a->gor_total,
		        (unsigned long long)b->gor_total);
		gi_print_delta(out, o, 0, d->gor_delta, gi_fmt_count(b1, sizeof b1, d->gor_delta));
		fprintf(out, ")");
		if (d->stuck_known)
			fprintf(out, "; %llu stuck since the first snapshot",
			        (unsigned long long)d->stuck);
		fprintf(out, "\n  %8s %8s %8s  %s\n", "BEFORE", "AFTER", "DELTA", "STATUS / WAIT REASON");
		size_t n = gi_rows(o, nsd);
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "  %8llu %8llu ", (unsigned long long)sd[i].before,
			        (unsigned long long)sd[i].after);
			gi_print_delta(out, o, 8, sd[i].delta, gi_fmt_count(b1, sizeof b1, sd[i].delta));
			fprintf(out, "  %s\n", sd[i].key);
		}
	}

	if (d->stacks_known) {
		fprintf(out, "\n%sGoroutine groups by growth%s (STUCK: the same goroutines, blocked at\n"
		        "the same place, in the first and the last snapshot):\n", gi_paint(o, GI_C_BOLD),
		        gi_paint(o, GI_C_OFF));
		fprintf(out, "  %8s %8s %8s %8s  %s\n", "BEFORE", "AFTER", "DELTA", "STUCK",
		        "STATUS, WHERE, CREATED BY");
		size_t lim = o && o->top > 0 ? (size_t)o->top : 10, grown = 0, shrunk = 0, more = 0;
		for (size_t i = 0; i < d->ngroups; i++) {
			const struct gi_group_delta *g = &d->groups[i];
			if (g->delta > 0 && grown < lim) {
				print_group_row(out, d, g, o);
				grown++;
			} else if (g->delta < 0 && shrunk < lim) {
				print_group_row(out, d, g, o);
				shrunk++;
			} else if (g->delta) {
				more++;
			}
		}
		if (!grown && !shrunk)
			fprintf(out, "  (no group changed)\n");
		if (more)
			fprintf(out, "  ... %zu more groups changed (--top)\n", more);
	}

	print_heap(out, d, o);
	gi_report_memprof_diff(out, d, o);

	fprintf(out, "\n%sMemory:%s RSS %s -> %s (", gi_paint(o, GI_C_BOLD), gi_paint(o, GI_C_OFF),
	        GI_SIZE(a->mem.rss), GI_SIZE(b->mem.rss));
	gi_print_delta(out, o, 0, d->rss_delta, GI_DSIZE(d->rss_delta));
	fprintf(out, ")\n  PSS %s, anonymous %s, swap %s\n", GI_DSIZE(d->pss_delta),
	        GI_DSIZE(d->anonymous_delta), GI_DSIZE(d->swap_delta));
	fprintf(out, "  %-15s %10s %10s %11s\n", "KIND", "RSS BEFORE", "RSS AFTER", "DELTA");
	for (int i = 0; i < GI_MAP_KIND_COUNT; i++)
		if (d->kinds[i].maps_before || d->kinds[i].maps_after) {
			const struct gi_kind_delta *k = &d->kinds[i];
			fprintf(out, "  %-15s %10s %10s ", gi_map_kind_name(i), GI_SIZE(k->rss_before),
			        GI_SIZE(k->rss_after));
			gi_print_delta(out, o, 11, k->delta, GI_DSIZE(k->delta));
			fprintf(out, "\n");
		}
	fprintf(out, "\nMappings by RSS change:\n  %-12s %10s %10s %11s  %-13s %s\n", "ADDRESS",
	        "BEFORE", "AFTER", "DELTA", "KIND", "MAPPING");
	size_t shown = 0, n = o && o->top > 0 ? (size_t)o->top : 20;
	for (size_t i = 0; i < nmd && shown < n; i++) {
		if (md[i].delta == 0)
			continue;  /* unchanged, or reserved address space that came or went */
		const struct gi_mapping *m = md[i].b ? md[i].b : md[i].a;
		char pb[256];
		fprintf(out, "  %012llx %10s %10s ", (unsigned long long)m->start,
		        md[i].a ? GI_SIZE(md[i].a->rss) : "-", md[i].b ? GI_SIZE(md[i].b->rss) : "-");
		gi_print_delta(out, o, 11, md[i].delta, GI_DSIZE(md[i].delta));
		fprintf(out, "  %-13s %s\n", gi_map_kind_name(m->kind),
		        gi_fit(pb, sizeof pb, m->path ? m->path : "[anon]", 80 - 64));
		shown++;
	}
	if (!shown)
		fprintf(out, "  (no mapping changed its RSS)\n");

	if (d->nsnaps >= 3)
		print_trend(out, d, o);
	return 0;
}
