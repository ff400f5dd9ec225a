/* report.c: the snapshot summary, show and diff, as aligned text or JSON. */
#include "goinspect.h"

#include <jansson.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SZ(v) gi_fmt_size((char[32]){0}, 32, (int64_t)(v), false)
#define DSZ(v) gi_fmt_size((char[32]){0}, 32, (int64_t)(v), true)
#define DUR(v) gi_fmt_duration((char[32]){0}, 32, (v))

static size_t limit(const struct gi_report_opts *o, size_t n)
{
	return (o && o->top > 0 && (size_t)o->top < n) ? (size_t)o->top : n;
}

/* Per-kind sums of a memory map. */
struct kind_sum {
	uint64_t n, size, rss, pss, anonymous, swap;
};

static void sum_kinds(const struct gi_memory *m, struct kind_sum *k)
{
	memset(k, 0, GI_MAP_KIND_COUNT * sizeof *k);
	for (size_t i = 0; i < m->nmaps; i++) {
		const struct gi_mapping *mp = &m->maps[i];
		struct kind_sum *s = &k[mp->kind < GI_MAP_KIND_COUNT ? mp->kind : GI_MAP_ANON];
		s->n++;
		s->size += mp->size;
		s->rss += mp->rss;
		s->pss += mp->pss;
		s->anonymous += mp->anonymous;
		s->swap += mp->swap;
	}
}

static void kinds_by_rss(const struct kind_sum *k, int *order)
{
	for (int i = 0; i < GI_MAP_KIND_COUNT; i++)
		order[i] = i;
	for (int i = 1; i < GI_MAP_KIND_COUNT; i++)
		for (int j = i; j > 0 && k[order[j]].rss > k[order[j - 1]].rss; j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

void gi_report_summary(FILE *out, const struct gi_snapshot *s, const char *path)
{
	fprintf(out, "%s: PID %d (%s), %s\n", path, s->pid, s->comm ? s->comm : "?",
	        s->go_version ? s->go_version : "Go version unknown");
	if (s->gor_available) {
		fprintf(out, "  goroutines %llu (+%llu system)", (unsigned long long)s->gor_total,
		        (unsigned long long)s->gor_system);
		for (size_t i = 0; i < s->by_status.n && i < 3; i++)
			fprintf(out, "%s %llu %s", i ? "," : ":",
			        (unsigned long long)s->by_status.v[i].count, s->by_status.v[i].key);
		fprintf(out, "%s\n", s->by_status.n > 3 ? ", ..." : "");
	} else {
		fprintf(out, "  goroutines: not read (%s)\n", s->gor_error ? s->gor_error : "unknown");
	}
	if (s->mem.available) {
		struct kind_sum k[GI_MAP_KIND_COUNT];
		int order[GI_MAP_KIND_COUNT];
		sum_kinds(&s->mem, k);
		kinds_by_rss(k, order);
		fprintf(out, "  memory RSS %s", SZ(s->mem.rss));
		for (int i = 0; i < 3; i++)
			if (k[order[i]].rss)
				fprintf(out, "%s %s %s", i ? "," : ":", gi_map_kind_name(order[i]),
				        SZ(k[order[i]].rss));
		fprintf(out, "\n");
	}
	if (s->heap.available)
		fprintf(out, "  heap in use %s, %llu objects, stacks %s, GC cycles %llu\n",
		        SZ(s->heap.heap_inuse), (unsigned long long)s->heap.heap_objects,
		        SZ(s->heap.stack_inuse), (unsigned long long)s->heap.num_gc);
	if (s->stopped)
		fprintf(out, "  target stopped %s, total %s\n", DUR(s->pause_ns), DUR(s->total_ns));
	else
		fprintf(out, "  read without stopping the target (%llu goroutines moved meanwhile), "
		        "total %s\n", (unsigned long long)s->gor_inconsistent, DUR(s->total_ns));
	if (s->partial)
		fprintf(out, "  PARTIAL: %s\n", s->nwarnings ? s->warnings[0] : "some facts not read");
}

static void print_json(FILE *out, json_t *j)
{
	json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(j);
}

/* "2m10s", "3h05m", "45s": a wait, as a lower bound. */
static const char *fmt_wait(char *buf, size_t n, int64_t ns)
{
	int64_t sec = ns / 1000000000;
	if (sec < 60)
		snprintf(buf, n, "%llds", (long long)sec);
	else if (sec < 3600)
		snprintf(buf, n, "%lldm%02llds", (long long)(sec / 60), (long long)(sec % 60));
	else
		snprintf(buf, n, "%lldh%02lldm", (long long)(sec / 3600), (long long)(sec / 60 % 60));
	return buf;
}

/* What a group is "doing": its first frame in the program's own code, else the first frame
 * outside the runtime. */
static const struct gi_gframe *top_user_frame(const struct gi_ggroup *g)
{
	for (size_t i = 0; i < g->nframes; i++)
		if (gi_func_is_user(g->frames[i].func))
			return &g->frames[i];
	for (size_t i = 0; i < g->nframes; i++)
		if (g->frames[i].func && strncmp(g->frames[i].func, "runtime.", 8) != 0 &&
		    strncmp(g->frames[i].func, "internal/runtime/", 17) != 0)
			return &g->frames[i];
	return g->nframes ? &g->frames[0] : NULL;
}

const struct gi_gframe *gi_group_where(const struct gi_ggroup *g)
{
	return top_user_frame(g);
}

/* --func: does a frame of the group match? */
static bool group_matches(const struct gi_ggroup *g, const struct gi_report_opts *o)
{
	if (!o || !o->func_re)
		return true;
	for (size_t i = 0; i < g->nframes; i++)
		if (g->frames[i].func && regexec(o->func_re, g->frames[i].func, 0, NULL, 0) == 0)
			return true;
	return false;
}

/* How many of the group's goroutines pass --state. */
static uint64_t group_count(const struct gi_ggroup *g, const struct gi_report_opts *o)
{
	return (o && o->state) ? gi_counts_get(&g->statuses, o->state) : g->count;
}

static void print_frames(FILE *out, const struct gi_ggroup *g)
{
	for (size_t k = 0; k < g->nframes; k++)
		fprintf(out, "  %s\n      %s:%d\n", g->frames[k].func, g->frames[k].file,
		        g->frames[k].line);
	if (g->truncated)
		fprintf(out, "  (stack not unwound to its end)\n");
}

/* show --all: every goroutine, like the runtime's debug=2 dump. */
static void show_all(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o)
{
	size_t shown = 0;
	for (size_t i = 0; i < s->nall; i++) {
		const struct gi_goroutine *r = &s->all[i];
		const struct gi_ggroup *g = r->group >= 0 ? &s->groups[r->group] : NULL;
		if (r->system)
			continue;  /* as in the runtime's debug=2 dump */
		if (o->state && strcmp(r->status ? r->status : "", o->state))
			continue;
		if (o->func_re && (!g || !group_matches(g, o)))
			continue;
		if (o->top > 0 && shown == (size_t)o->top)
			break;
		fprintf(out, "\ngoroutine %llu [%s", (unsigned long long)r->goid,
		        r->status ? r->status : "?");
		if (r->wait_ns >= 60000000000)
			fprintf(out, ", %lld minutes", (long long)(r->wait_ns / 60000000000));
		if (r->locked)
			fprintf(out, ", locked to thread");
		if (r->tid)
			fprintf(out, ", thread %d", r->tid);
		fprintf(out, "]:\n");
		if (g) {
			print_frames(out, g);
			if (g->created_by.func) {
				fprintf(out, "  created by %s", g->created_by.func);
				if (r->parent_goid)
					fprintf(out, " in goroutine %llu", (unsigned long long)r->parent_goid);
				fprintf(out, "\n      %s:%d\n", g->created_by.file, g->created_by.line);
			}
		} else {
			fprintf(out, "  (stack not read: running where it could not be followed)\n");
		}
		shown++;
	}
	fprintf(out, "\n%zu goroutine%s shown\n", shown, shown == 1 ? "" : "s");
}

/* show --group-by function|creator|reason: the groups summed under another key. */
static void show_regrouped(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o)
{
	struct gi_counts c = {0};
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct gi_ggroup *g = &s->groups[i];
		uint64_t n = group_count(g, o);
		if (!n || !group_matches(g, o))
			continue;
		char *key;
		if (!strcmp(o->group_by, "function")) {
			const struct gi_gframe *f = top_user_frame(g);
			key = f ? xasprintf("%s (%s:%d)", f->func, f->file, f->line) : xstrdup("?");
		} else if (!strcmp(o->group_by, "creator")) {
			key = g->created_by.func ? xasprintf("%s (%s:%d)", g->created_by.func,
			                                     g->created_by.file, g->created_by.line)
			                         : xstrdup("(not recorded)");
		} else if (!strncmp(o->group_by, "label=", 6)) {
			const char *v = gi_strmap_get(&g->labels, o->group_by + 6);
			key = v ? xstrdup(v) : xstrdup("(no such label)");
		} else {
			key = xstrdup(g->wait_reason ? g->wait_reason : "?");
		}
		gi_counts_add(&c, key, n);
		free(key);
	}
	gi_counts_sort_desc(&c);
	fprintf(out, "\nGoroutines by %s:\n  %8s  %s\n", o->group_by, "COUNT",
	        !strcmp(o->group_by, "function") ? "WHERE (first frame in the program's own code)"
	        : !strcmp(o->group_by, "creator") ? "CREATED BY"
	        : !strncmp(o->group_by, "label=", 6) ? "LABEL VALUE" : "WAIT REASON");
	size_t n = limit(o, c.n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %8llu  %s\n", (unsigned long long)c.v[i].count, c.v[i].key);
	gi_counts_free(&c);
}

static void show_groups(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o)
{
	if (!s->stacks_available) {
		fprintf(out, "\nGoroutine stacks: not read\n");
		return;
	}
	if (o && o->all) {
		show_all(out, s, o);
		return;
	}
	if (o && o->group_by && strcmp(o->group_by, "stack")) {
		show_regrouped(out, s, o);
		return;
	}
	size_t match = 0;
	for (size_t i = 0; i < s->ngroups; i++)
		match += group_count(&s->groups[i], o) && group_matches(&s->groups[i], o);
	size_t n = limit(o, match);
	fprintf(out, "\nGoroutines by stack (%zu groups%s):\n", match,
	        n < match ? ", largest shown" : "");
	for (size_t i = 0, shown = 0; i < s->ngroups && shown < n; i++) {
		const struct gi_ggroup *g = &s->groups[i];
		if (!group_count(g, o) || !group_matches(g, o))
			continue;
		shown++;
		char w1[32], w2[32];
		uint64_t cnt = group_count(g, o);
		fprintf(out, "\n%llu goroutine%s [%s", (unsigned long long)cnt,
		        cnt == 1 ? "" : "s", o && o->state ? o->state
		                          : g->wait_reason ? g->wait_reason : "?");
		for (size_t k = 1; k < g->statuses.n && !(o && o->state); k++)
			fprintf(out, ", %llu %s", (unsigned long long)g->statuses.v[k].count,
			        g->statuses.v[k].key);
		if (g->wait_max_ns >= 0) {
			if (g->wait_min_ns == g->wait_max_ns || g->count == 1)
				fprintf(out, ", waiting >= %s", fmt_wait(w1, sizeof w1, g->wait_max_ns));
			else
				fprintf(out, ", waiting >= %s to >= %s", fmt_wait(w1, sizeof w1, g->wait_min_ns),
				        fmt_wait(w2, sizeof w2, g->wait_max_ns));
		}
		fprintf(out, "]  goroutine");
		for (size_t k = 0; k < g->ngoids; k++)
			fprintf(out, "%s%llu", k ? ", " : " ", (unsigned long long)g->goids[k]);
		fprintf(out, "%s\n", g->count > g->ngoids ? ", ..." : "");
		if (g->labels.n) {
			fprintf(out, "  labels:");
			for (size_t k = 0; k < g->labels.n; k++)
				fprintf(out, " %s=%s", g->labels.v[k].key, g->labels.v[k].value);
			fprintf(out, "\n");
		}
		print_frames(out, g);
		if (g->created_by.func)
			fprintf(out, "  created by %s\n      %s:%d\n", g->created_by.func,
			        g->created_by.file, g->created_by.line);
	}
	if (n < match)
		fprintf(out, "\n... %zu more groups (--top)\n", match - n);
}

/* ---- heap ---- */

static int class_bytes_cmp(const void *x, const void *y)
{
	const struct gi_heap_class *a = *(const struct gi_heap_class *const *)x;
	const struct gi_heap_class *b = *(const struct gi_heap_class *const *)y;
	if (a->bytes != b->bytes)
		return a->bytes < b->bytes ? 1 : -1;
	return a->cls - b->cls;
}

static void show_heap(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o)
{
	const struct gi_heap *h = &s->heap;
	fprintf(out, "\nHeap: ");
	if (!h->available) {
		fprintf(out, "not read%s%s\n", h->error ? ": " : "", h->error ? h->error : "");
		return;
	}
	fprintf(out, "in use %s, %llu objects (%s allocated), idle %s (released %s), "
	        "from the OS %s\n", SZ(h->heap_inuse), (unsigned long long)h->heap_objects,
	        SZ(h->heap_alloc), SZ(h->heap_idle), SZ(h->heap_released), SZ(h->heap_sys));
	fprintf(out, "  stacks %s, runtime total %s; GC: %llu cycles, next at %s, GOGC ",
	        SZ(h->stack_inuse), SZ(h->sys), (unsigned long long)h->num_gc,
	        h->next_gc > (1ull << 53) ? "never" : SZ(h->next_gc));
	if (h->gogc < 0)
		fprintf(out, "off");
	else
		fprintf(out, "%lld", (long long)h->gogc);
	if (h->memory_limit != INT64_MAX)
		fprintf(out, ", memory limit %s", SZ(h->memory_limit));
	fprintf(out, "%s\n", h->gc_in_progress ? ", a cycle in progress" : "");
	fprintf(out, "  spans: %llu in use, %llu manual (%s, goroutine stacks), %llu free "
	        "descriptors\n", (unsigned long long)h->spans_inuse,
	        (unsigned long long)h->spans_manual, SZ(h->manual_pages * 8192),
	        (unsigned long long)h->spans_dead);
	const struct gi_heap_class **v = xcalloc(h->nclasses + 1, sizeof *v);
	size_t nv = 0;
	for (size_t i = 0; i < h->nclasses; i++)
		if (h->classes[i].spans)
			v[nv++] = &h->classes[i];
	qsort(v, nv, sizeof *v, class_bytes_cmp);
	fprintf(out, "  %5s %7s %10s %10s %8s %10s %5s\n", "CLASS", "SIZE", "OBJECTS", "BYTES",
	        "SPANS", "FREE SLOTS", "FRAG");
	size_t n = limit(o, nv);
	for (size_t i = 0; i < n; i++) {
		const struct gi_heap_class *c = v[i];
		double frag = c->pages ? 100.0 * (1.0 - (double)c->bytes / ((double)c->pages * 8192))
		                       : 0;
		char size[24];
		if (c->cls)
			snprintf(size, sizeof size, "%llu", (unsigned long long)c->size);
		else
			snprintf(size, sizeof size, "large");
		fprintf(out, "  %5d %7s %10llu %10s %8llu %10llu %4.0f%%\n", c->cls, size,
		        (unsigned long long)c->objects, SZ(c->bytes), (unsigned long long)c->spans,
		        (unsigned long long)(c->slots > c->objects ? c->slots - c->objects : 0),
		        frag < 0 ? 0 : frag);
	}
	if (n < nv)
		fprintf(out, "  %5s (%zu more classes)\n", "...", nv - n);
	free(v);
	bool any = false;
	for (int i = 0; i < GI_LARGE_HIST; i++)
		if (h->large_hist[i]) {
			if (!any)
				fprintf(out, "  large objects by size:");
			if (i == GI_LARGE_HIST - 1)
				fprintf(out, "%s >=%s: %llu", any ? "," : "", SZ(1ull << (i + 14)),
				        (unsigned long long)h->large_hist[i]);
			else
				fprintf(out, "%s <%s: %llu", any ? "," : "", SZ(1ull << (i + 15)),
				        (unsigned long long)h->large_hist[i]);
			any = true;
		}
	if (any)
		fprintf(out, "\n");
	if (h->next_gc_note)
		fprintf(out, "  note: %s\n", h->next_gc_note);
	if (h->rss_available) {
		const struct gi_heap_rss *r = &h->rss;
		fprintf(out, "\nWhere the RSS goes (estimated from smaps and the runtime's counters):\n");
		const char *names[] = {"Go heap, objects in use", "Go heap, free but resident",
		                       "goroutine stacks", "Go runtime metadata", "thread stacks",
		                       "binary and libraries", "outside the Go runtime (C, cgo, mmap)",
		                       "other"};
		uint64_t vals[] = {r->go_heap_inuse, r->go_heap_free, r->go_stacks,
		                   r->runtime_metadata, r->thread_stacks, r->binary_and_libraries,
		                   r->outside_go, r->other};
		for (int i = 0; i < 8; i++)
			fprintf(out, "  %10s  %s\n", SZ(vals[i]), names[i]);
	}
}

static const struct gi_heap_class *find_class(const struct gi_heap *h, int cls)
{
	for (size_t i = 0; i < h->nclasses; i++)
		if (h->classes[i].cls == cls)
			return &h->classes[i];
	return NULL;
}

/* show --strings CLASS */
static int show_strings(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o)
{
	const struct gi_heap_class *c = find_class(&s->heap, o->strings_class);
	if (o->json) {
		json_t *st = json_array();
		for (size_t i = 0; c && i < c->strings.n; i++)
			json_array_append_new(st, json_pack("{s:s, s:I}", "string", c->strings.v[i].key,
			                                    "count", (json_int_t)c->strings.v[i].count));
		print_json(out, json_pack("{s:i, s:I, s:I, s:o}", "class", o->strings_class, "size",
		                          (json_int_t)(c ? c->size : 0), "sampled",
		                          (json_int_t)(c ? c->sampled : 0), "strings", st));
		return 0;
	}
	if (!s->heap.available) {
		fprintf(out, "heap not read in this snapshot\n");
		return 0;
	}
	if (!c || !c->sampled) {
		fprintf(out, "size class %d: no objects sampled (none in use when the snapshot was "
		        "taken, or none readable)\n", o->strings_class);
		return 0;
	}
	fprintf(out, "size class %d (%llu bytes): %llu objects in use, %llu sampled\n", c->cls,
	        (unsigned long long)c->size, (unsigned long long)c->objects,
	        (unsigned long long)c->sampled);
	fprintf(out, "  %8s  %s\n", "OBJECTS", "PRINTABLE STRING");
	size_t n = limit(o, c->strings.n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %8llu  %s\n", (unsigned long long)c->strings.v[i].count,
		        c->strings.v[i].key);
	return 0;
}

struct class_delta {
	int cls;
	uint64_t size;
	int64_t objects_delta, bytes_delta;
	uint64_t objects_before, objects_after;
};

static int cd_cmp(const void *x, const void *y)
{
	const struct class_delta *a = x, *b = y;
	int64_t aa = a->bytes_delta < 0 ? -a->bytes_delta : a->bytes_delta;
	int64_t bb = b->bytes_delta < 0 ? -b->bytes_delta : b->bytes_delta;
	if (aa != bb)
		return aa < bb ? 1 : -1;
	return a->cls - b->cls;
}

/* Per-class growth between two snapshots, largest change in bytes first. */
static struct class_delta *class_deltas(const struct gi_heap *a, const struct gi_heap *b,
                                        size_t *n)
{
	struct class_delta *d = xcalloc(GI_NUM_SIZE_CLASSES, sizeof *d);
	size_t k = 0;
	for (int c = 0; c < GI_NUM_SIZE_CLASSES; c++) {
		const struct gi_heap_class *x = find_class(a, c), *y = find_class(b, c);
		if (!x && !y)
			continue;
		d[k].cls = c;
		d[k].size = y ? y->size : x->size;
		d[k].objects_before = x ? x->objects : 0;
		d[k].objects_after = y ? y->objects : 0;
		d[k].objects_delta = (int64_t)d[k].objects_after - (int64_t)d[k].objects_before;
		d[k].bytes_delta = (int64_t)(y ? y->bytes : 0) - (int64_t)(x ? x->bytes : 0);
		k++;
	}
	qsort(d, k, sizeof *d, cd_cmp);
	*n = k;
	return d;
}

static json_t *heap_diff_json(const struct gi_snapshot *a, const struct gi_snapshot *b)
{
	const struct gi_heap *x = &a->heap, *y = &b->heap;
	json_t *o = json_object();
	bool av = x->available && y->available;
	json_object_set_new(o, "available", json_boolean(av));
	if (!av)
		return o;
#define D(f) json_object_set_new(o, #f "_delta", json_integer((json_int_t)y->f - (json_int_t)x->f))
	D(heap_inuse);
	D(heap_objects);
	D(heap_alloc);
	D(heap_idle);
	D(heap_released);
	D(heap_sys);
	D(stack_inuse);
	D(sys);
	D(num_gc);
#undef D
	if (x->rss_available && y->rss_available)
		json_object_set_new(o, "rss", json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"go_heap_inuse_delta", (json_int_t)y->rss.go_heap_inuse - (json_int_t)x->rss.go_heap_inuse,
			"go_heap_free_delta", (json_int_t)y->rss.go_heap_free - (json_int_t)x->rss.go_heap_free,
			"go_stacks_delta", (json_int_t)y->rss.go_stacks - (json_int_t)x->rss.go_stacks,
			"runtime_metadata_delta",
			(json_int_t)y->rss.runtime_metadata - (json_int_t)x->rss.runtime_metadata,
			"thread_stacks_delta", (json_int_t)y->rss.thread_stacks - (json_int_t)x->rss.thread_stacks,
			"binary_and_libraries_delta",
			(json_int_t)y->rss.binary_and_libraries - (json_int_t)x->rss.binary_and_libraries,
			"outside_go_delta", (json_int_t)y->rss.outside_go - (json_int_t)x->rss.outside_go,
			"other_delta", (json_int_t)y->rss.other - (json_int_t)x->rss.other));
	size_t n;
	struct class_delta *d = class_deltas(x, y, &n);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:i, s:I, s:I, s:I, s:I, s:I}", "class",
		                                     d[i].cls, "size", (json_int_t)d[i].size,
		                                     "objects_before", (json_int_t)d[i].objects_before,
		                                     "objects_after", (json_int_t)d[i].objects_after,
		                                     "objects_delta", (json_int_t)d[i].objects_delta,
		                                     "bytes_delta", (json_int_t)d[i].bytes_delta));
	json_object_set_new(o, "size_classes", arr);
	free(d);
	return o;
}

int gi_report_show(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o)
{
	if (o && o->strings)
		return show_strings(out, s, o);
	if (o && o->json)
		return gi_snapshot_print(out, s);
	fprintf(out, "PID %d  %s\n", s->pid, s->exe ? s->exe : "?");
	fprintf(out, "  Go %s", s->go_version ? s->go_version : "?");
	if (s->main_path)
		fprintf(out, ", module %s %s", s->main_path, s->main_version ? s->main_version : "");
	fprintf(out, "%s%s\n", s->pie ? ", PIE" : "", s->has_dwarf ? "" : ", no DWARF");
	if (s->build_id && *s->build_id)
		fprintf(out, "  build id %s\n", s->build_id);
	if (s->layouts)
		fprintf(out, "  runtime layouts: %s\n", s->layouts);
	if (s->stopped)
		fprintf(out, "  captured %s, %d threads, target stopped %s, total %s%s\n",
		        s->time_utc ? s->time_utc : "?", s->threads, DUR(s->pause_ns),
		        DUR(s->total_ns), s->partial ? "  (PARTIAL)" : "");
	else
		fprintf(out, "  captured %s without stopping the target (%llu goroutines moved "
		        "meanwhile), total %s%s\n", s->time_utc ? s->time_utc : "?",
		        (unsigned long long)s->gor_inconsistent, DUR(s->total_ns),
		        s->partial ? "  (PARTIAL)" : "");

	fprintf(out, "\nGoroutines: ");
	if (!s->gor_available) {
		fprintf(out, "not read: %s\n", s->gor_error ? s->gor_error : "unknown");
	} else {
		fprintf(out, "%llu (NumGoroutine), plus %llu system\n",
		        (unsigned long long)s->gor_total, (unsigned long long)s->gor_system);
		fprintf(out, "  %8s  %s\n", "COUNT", "STATUS / WAIT REASON");
		size_t n = limit(o, s->by_status.n);
		for (size_t i = 0; i < n; i++)
			fprintf(out, "  %8llu  %s\n", (unsigned long long)s->by_status.v[i].count,
			        s->by_status.v[i].key);
		if (n < s->by_status.n)
			fprintf(out, "  %8s  (%zu more)\n", "...", s->by_status.n - n);
		if (s->system_by_status.n) {
			fprintf(out, "  system:");
			for (size_t i = 0; i < s->system_by_status.n; i++)
				fprintf(out, "%s %llu %s", i ? "," : "",
				        (unsigned long long)s->system_by_status.v[i].count,
				        s->system_by_status.v[i].key);
			fprintf(out, "\n");
		}
	}

	if (s->gor_available)
		show_groups(out, s, o);

	if (s->nnative) {
		fprintf(out, "\nThreads in C code (native stacks):\n");
		for (size_t i = 0; i < s->nnative; i++) {
			const struct gi_cthread *t = &s->native[i];
			fprintf(out, "\nthread %d (%s):\n", t->tid, t->name ? t->name : "?");
			for (size_t j = 0; j < t->nframes; j++) {
				const struct gi_nframe *f = &t->frames[j];
				const char *mod = f->module ? strrchr(f->module, '/') : NULL;
				mod = mod ? mod + 1 : f->module ? f->module : "?";
				if (f->func && strcmp(f->func, "?")) {
					fprintf(out, "  %s+0x%llx  (%s)\n", f->func,
					        (unsigned long long)f->offset, mod);
					continue;
				}
				/* no name: the address, and where it is in the module's file */
				const struct gi_mapping *mp = gi_memory_find(&s->mem, f->ip);
				if (mp)
					fprintf(out, "  0x%llx  (%s+0x%llx)\n", (unsigned long long)f->ip, mod,
					        (unsigned long long)(f->ip - mp->start + mp->offset));
				else
					fprintf(out, "  0x%llx  (%s)\n", (unsigned long long)f->ip, mod);
			}
			if (t->truncated)
				fprintf(out, "  (not unwound to its end)\n");
		}
	}

	show_heap(out, s, o);
	gi_report_memprof_show(out, s, o);

	const struct gi_memory *m = &s->mem;
	fprintf(out, "\nMemory: ");
	if (!m->available) {
		fprintf(out, "not read: %s\n", m->error ? m->error : "unknown");
	} else {
		fprintf(out, "RSS %s, PSS %s, anonymous %s, swap %s, mapped %s\n", SZ(m->rss),
		        SZ(m->pss), SZ(m->anonymous), SZ(m->swap), SZ(m->size));
		struct kind_sum k[GI_MAP_KIND_COUNT];
		int order[GI_MAP_KIND_COUNT];
		sum_kinds(m, k);
		kinds_by_rss(k, order);
		fprintf(out, "  %-15s %5s %10s %10s %10s %10s %10s\n", "KIND", "MAPS", "SIZE", "RSS",
		        "PSS", "ANON", "SWAP");
		for (int i = 0; i < GI_MAP_KIND_COUNT; i++) {
			const struct kind_sum *x = &k[order[i]];
			if (!x->n)
				continue;
			fprintf(out, "  %-15s %5llu %10s %10s %10s %10s %10s\n",
			        gi_map_kind_name(order[i]), (unsigned long long)x->n, SZ(x->size),
			        SZ(x->rss), SZ(x->pss), SZ(x->anonymous), SZ(x->swap));
		}
		fprintf(out, "\nMappings:\n  %-16s %9s %9s %9s %-4s %-14s %s\n", "ADDRESS", "KBYTES",
		        "RSS", "DIRTY", "MODE", "KIND", "MAPPING");
		size_t n = limit(o, m->nmaps);
		for (size_t i = 0; i < n; i++) {
			const struct gi_mapping *mp = &m->maps[i];
			fprintf(out, "  %016llx %9llu %9llu %9llu %-4s %-14s %s\n",
			        (unsigned long long)mp->start, (unsigned long long)(mp->size / 1024),
			        (unsigned long long)(mp->rss / 1024), (unsigned long long)(mp->dirty / 1024),
			        mp->perms, gi_map_kind_name(mp->kind), mp->path ? mp->path : "[anon]");
		}
		if (n < m->nmaps)
			fprintf(out, "  ... %zu more mappings\n", m->nmaps - n);
		fprintf(out, "  %-16s %9llu %9llu %9llu\n", "total kB",
		        (unsigned long long)(m->size / 1024), (unsigned long long)(m->rss / 1024),
		        (unsigned long long)(m->dirty / 1024));
	}
	if (s->nwarnings) {
		fprintf(out, "\nWarnings:\n");
		for (size_t i = 0; i < s->nwarnings; i++)
			fprintf(out, "  %s\n", s->warnings[i]);
	}
	return 0;
}

/* ---- diff ---- */

static time_t parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return (time_t)-1;
	return timegm(&tm);
}

struct status_delta {
	const char *key;
	uint64_t before, after;
	int64_t delta;
};

static int sd_cmp(const void *a, const void *b)
{
	const struct status_delta *x = a, *y = b;
	if (x->delta != y->delta)
		return x->delta > y->delta ? -1 : 1;
	return strcmp(x->key, y->key);
}

static struct status_delta *status_deltas(const struct gi_snapshot *a,
                                          const struct gi_snapshot *b, size_t *n)
{
	struct status_delta *d = xcalloc(a->by_status.n + b->by_status.n + 1, sizeof *d);
	size_t k = 0;
	for (size_t i = 0; i < a->by_status.n; i++) {
		const char *key = a->by_status.v[i].key;
		d[k++] = (struct status_delta){key, a->by_status.v[i].count,
		                               gi_counts_get(&b->by_status, key), 0};
	}
	for (size_t i = 0; i < b->by_status.n; i++) {
		const char *key = b->by_status.v[i].key;
		bool seen = false;
		for (size_t j = 0; j < a->by_status.n && !seen; j++)
			seen = !strcmp(a->by_status.v[j].key, key);
		if (!seen)
			d[k++] = (struct status_delta){key, 0, b->by_status.v[i].count, 0};
	}
	for (size_t i = 0; i < k; i++)
		d[i].delta = (int64_t)d[i].after - (int64_t)d[i].before;
	qsort(d, k, sizeof *d, sd_cmp);
	*n = k;
	return d;
}

struct map_delta {
	const struct gi_mapping *a, *b;
	int64_t delta;
};

static int md_cmp(const void *x, const void *y)
{
	const struct map_delta *p = x, *q = y;
	int64_t ap = llabs(p->delta), aq = llabs(q->delta);
	if (ap != aq)
		return ap > aq ? -1 : 1;
	uint64_t sp = p->a ? p->a->start : p->b->start, sq = q->a ? q->a->start : q->b->start;
	return (sp > sq) - (sp < sq);
}

static bool same_mapping(const struct gi_mapping *x, const struct gi_mapping *y)
{
	if (x->start != y->start)
		return false;
	if (!x->path || !y->path)
		return !x->path && !y->path;
	return !strcmp(x->path, y->path);
}

static struct map_delta *map_deltas(const struct gi_memory *a, const struct gi_memory *b,
                                    size_t *n)
{
	struct map_delta *d = xcalloc(a->nmaps + b->nmaps + 1, sizeof *d);
	bool *used = xcalloc(b->nmaps + 1, 1);
	size_t k = 0, j = 0;
	/* Both lists are in address order: merge. */
	for (size_t i = 0; i < a->nmaps; i++) {
		while (j < b->nmaps && b->maps[j].start < a->maps[i].start)
			j++;
		const struct gi_mapping *match = NULL;
		if (j < b->nmaps && !used[j] && same_mapping(&a->maps[i], &b->maps[j])) {
			match = &b->maps[j];
			used[j] = true;
		} else {
			for (size_t q = 0; q < b->nmaps && !match; q++)
				if (!used[q] && same_mapping(&a->maps[i], &b->maps[q])) {
					match = &b->maps[q];
					used[q] = true;
				}
		}
		d[k].a = &a->maps[i];
		d[k].b = match;
		d[k].delta = (int64_t)(match ? match->rss : 0) - (int64_t)a->maps[i].rss;
		k++;
	}
	for (size_t q = 0; q < b->nmaps; q++)
		if (!used[q]) {
			d[k].a = NULL;
			d[k].b = &b->maps[q];
			d[k].delta = (int64_t)b->maps[q].rss;
			k++;
		}
	free(used);
	qsort(d, k, sizeof *d, md_cmp);
	*n = k;
	return d;
}

static const char *change_word(const struct map_delta *d)
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

/* ---- colour, widths ---- */

#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"
#define C_OFF "\033[0m"

static const char *paint(const struct gi_report_opts *o, const char *code)
{
	return o && o->color ? code : "";
}

/* A right-aligned field of width w, red when it grew, green when it shrank. */
static void dfield(FILE *out, const struct gi_report_opts *o, int w, int64_t delta,
                   const char *text)
{
	fprintf(out, "%s%*s%s", paint(o, delta > 0 ? C_RED : delta < 0 ? C_GREEN : ""), w, text,
	        paint(o, delta ? C_OFF : ""));
}

static const char *dcount(char *buf, size_t n, int64_t v)
{
	snprintf(buf, n, "%+lld", (long long)v);
	return buf;
}

/* s cut to at most w columns, keeping its end (the most specific part of a Go name). */
static const char *fit(char *buf, size_t n, const char *s, size_t w)
{
	size_t len = strlen(s);
	if (len <= w || w < 8) {
		snprintf(buf, n, "%s", s);
		return buf;
	}
	snprintf(buf, n, "...%s", s + len - (w - 3));
	return buf;
}

static const char *basename_of(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p ? p : "?";
}

/* Words wrapped at 78 columns, the first line after `first`, the rest indented by `indent`. */
static void wrap(FILE *out, const char *first, const char *indent, const char *text)
{
	size_t col = strlen(first), ind = strlen(indent);
	fputs(first, out);
	const char *p = text;
	bool start = true;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t wl = (size_t)(e - p);
		if (!wl)
			break;
		if (!start && col + 1 + wl > 78) {
			fprintf(out, "\n%s", indent);
			col = ind;
			start = true;
		}
		if (!start) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, wl, out);
		col += wl;
		start = false;
		p = e;
	}
	fputc('\n', out);
}

/* ---- diff: JSON ---- */

static json_t *series_json(const int64_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static json_t *frame_json(const struct gi_gframe *f)
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
	size_t nsd, nmd;
	struct status_delta *sd = status_deltas(a, b, &nsd);
	struct map_delta *md = map_deltas(&a->mem, &b->mem, &nmd);
	struct kind_sum ka[GI_MAP_KIND_COUNT], kb[GI_MAP_KIND_COUNT];
	sum_kinds(&a->mem, ka);
	sum_kinds(&b->mem, kb);
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
		if (ka[i].n || kb[i].n)
			json_array_append_new(kinds, json_pack(
				"{s:s, s:I, s:I, s:I}", "kind", gi_map_kind_name(i),
				"rss_before", (json_int_t)ka[i].rss, "rss_after", (json_int_t)kb[i].rss,
				"rss_delta", (json_int_t)kb[i].rss - (json_int_t)ka[i].rss));
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
		json_object_set_new(heap, "heap_inuse_before", json_integer((json_int_t)a->heapv.heap_inuse));
		json_object_set_new(heap, "heap_inuse_after", json_integer((json_int_t)b->heapv.heap_inuse));
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
	json_t *more = heap_diff_json(a, b);
	json_object_update_missing(heap, more);
	json_decref(more);
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
	free(sd);
	free(md);
	return root;
}

/* ---- diff: text ---- */

static void print_verdict(FILE *out, const struct gi_diff *d, const struct gi_report_opts *o)
{
	if (!d->nclaims) {
		fprintf(out, "%sVerdict:%s nothing grew beyond noise (see NOISE in goinspect(1)).\n",
		        paint(o, C_BOLD), paint(o, C_OFF));
		return;
	}
	fprintf(out, "%sVerdict:%s\n", paint(o, C_BOLD C_RED), paint(o, C_OFF));
	for (size_t i = 0; i < d->nclaims; i++)
		wrap(out, "  * ", "    ", d->claims[i].text);
}

static void print_group_row(FILE *out, const struct gi_diff *d, const struct gi_group_delta *g,
                            const struct gi_report_opts *o)
{
	const struct gi_ggroup *gg = g->b ? g->b : g->a ? g->a : g->rep;
	char b1[32], b2[512], b3[512];
	fprintf(out, "  %8llu %8llu ", (unsigned long long)(g->a ? g->a->count : 0),
	        (unsigned long long)(g->b ? g->b->count : 0));
	dfield(out, o, 8, g->delta, dcount(b1, sizeof b1, g->delta));
	if (d->stuck_known && g->a && g->b)
		fprintf(out, " %8llu", (unsigned long long)g->stuck);
	else
		fprintf(out, " %8s", "-");
	fprintf(out, "  %s%s\n", gg->wait_reason ? gg->wait_reason : "?",
	        !g->a ? " (new)" : !g->b ? " (gone)" : "");
	const struct gi_gframe *f = gi_group_where(gg);
	snprintf(b2, sizeof b2, "%s (%s:%d)", f && f->func ? f->func : "?",
	         basename_of(f ? f->file : NULL), f ? f->line : 0);
	fprintf(out, "  %35s  %s\n", "", fit(b3, sizeof b3, b2, 41));
	if (gg->created_by.func && g->delta > 0) {
		snprintf(b2, sizeof b2, "created by %s (%s:%d)", gg->created_by.func,
		         basename_of(gg->created_by.file), gg->created_by.line);
		fprintf(out, "  %35s  %s%s%s\n", "", paint(o, C_DIM), fit(b3, sizeof b3, b2, 41),
		        paint(o, C_OFF));
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
	wrap(out, "      ", "      ", line);
}

static void print_trend(FILE *out, const struct gi_diff *d, const struct gi_report_opts *o)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	time_t ta = parse_time(a->time_utc), tb = parse_time(b->time_utc);
	fprintf(out, "\nTrend over %zu snapshots", d->nsnaps);
	if (ta != (time_t)-1 && tb != (time_t)-1)
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
		const struct gi_gframe *f = gi_group_where(gg);
		char t[512], sh[64];
		if (g->shape == GI_SHAPE_STEP)
			snprintf(sh, sizeof sh, "one-off step (snapshots %zu to %zu)", g->step_at + 1,
			         g->step_at + 2);
		else
			snprintf(sh, sizeof sh, "%s", gi_shape_name(g->shape));
		snprintf(t, sizeof t, "group %s (%s:%d) [%s]: %s", f && f->func ? f->func : "?",
		         basename_of(f ? f->file : NULL), f ? f->line : 0,
		         gg->wait_reason ? gg->wait_reason : "?", sh);
		wrap(out, "  ", "    ", t);
		print_series(out, g->series, d->nsnaps, false);
		shown++;
	}
	shown = 0;
	for (size_t i = 0; i < d->nclasses && shown < lim; i++) {
		const struct gi_class_delta *c = &d->classes[i];
		if (c->shape <= GI_SHAPE_FLAT)
			continue;
		fprintf(out, "  heap class %d (%s objects): %s\n", c->cls,
		        c->size ? SZ(c->size) : "large", gi_shape_name(c->shape));
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
		fprintf(out, " in use %s -> %s (", SZ(a->heapv.heap_inuse), SZ(b->heapv.heap_inuse));
		dfield(out, o, 0, d->heap_inuse_delta, DSZ(d->heap_inuse_delta));
		fprintf(out, ")");
	}
	if (d->heap_objects_known)
		fprintf(out, "%s objects %+lld", d->heap_known ? "," : "",
		        (long long)d->heap_objects_delta);
	if (d->stack_known)
		fprintf(out, ", stacks %s", DSZ(d->stack_inuse_delta));
	fprintf(out, "\n");
	/* Where the RSS grew (goinspect's own breakdown, when both snapshots have it): the
	 * figure that tells a C or cgo leak from a Go one. */
	const struct gi_heap *x = &a->heap, *y = &b->heap;
	if (x->rss_available && y->rss_available)
		fprintf(out, "  RSS in the Go heap %s, outside the Go runtime (C, cgo, mmap) %s\n",
		        DSZ((int64_t)(y->rss.go_heap_inuse + y->rss.go_heap_free + y->rss.go_stacks) -
		            (int64_t)(x->rss.go_heap_inuse + x->rss.go_heap_free + x->rss.go_stacks)),
		        DSZ((int64_t)y->rss.outside_go - (int64_t)x->rss.outside_go));
	if (!d->classes_known)
		return;
	fprintf(out, "  %5s %9s %9s %9s %10s %10s\n", "CLASS", "SIZE", "OBJECTS", "DELTA", "BYTES",
	        "DELTA");
	size_t lim = o && o->top > 0 ? (size_t)o->top : 10, shown = 0;
	for (size_t i = 0; i < d->nclasses && shown < lim; i++) {
		const struct gi_class_delta *c = &d->classes[i];
		if (!c->bytes_delta && !c->objects_delta)
			continue;
		fprintf(out, "  %5d %9s %9llu ", c->cls, c->size ? SZ(c->size) : "large",
		        (unsigned long long)c->objects_after);
		dfield(out, o, 9, c->objects_delta, dcount(b1, sizeof b1, c->objects_delta));
		fprintf(out, " %10s ", SZ(c->bytes_after));
		dfield(out, o, 10, c->bytes_delta, DSZ(c->bytes_delta));
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
		print_json(out, diff_json(d, paths));
		return 0;
	}
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	size_t nsd, nmd;
	struct status_delta *sd = status_deltas(a, b, &nsd);
	struct map_delta *md = map_deltas(&a->mem, &b->mem, &nmd);
	struct kind_sum ka[GI_MAP_KIND_COUNT], kb[GI_MAP_KIND_COUNT];
	sum_kinds(&a->mem, ka);
	sum_kinds(&b->mem, kb);
	char b1[32];

	time_t ta = parse_time(a->time_utc), tb = parse_time(b->time_utc);
	fprintf(out, "PID %d (%s)  %s\n  %s -> %s", b->pid, b->comm ? b->comm : "?",
	        b->exe ? b->exe : "?", a->time_utc ? a->time_utc : "?",
	        b->time_utc ? b->time_utc : "?");
	if (ta != (time_t)-1 && tb != (time_t)-1)
		fprintf(out, " (%lld s apart)", (long long)(tb - ta));
	if (d->nsnaps > 2)
		fprintf(out, ", %zu snapshots", d->nsnaps);
	fprintf(out, "\n\n");
	print_verdict(out, d, o);

	fprintf(out, "\n%sGoroutines:%s ", paint(o, C_BOLD), paint(o, C_OFF));
	if (!a->gor_available || !b->gor_available) {
		fprintf(out, "not available in %s\n", !a->gor_available ? "the first snapshot"
		                                                        : "the last snapshot");
	} else {
		fprintf(out, "%llu -> %llu (", (unsigned long long)a->gor_total,
		        (unsigned long long)b->gor_total);
		dfield(out, o, 0, d->gor_delta, dcount(b1, sizeof b1, d->gor_delta));
		fprintf(out, ")");
		if (d->stuck_known)
			fprintf(out, "; %llu stuck since the first snapshot",
			        (unsigned long long)d->stuck);
		fprintf(out, "\n  %8s %8s %8s  %s\n", "BEFORE", "AFTER", "DELTA", "STATUS / WAIT REASON");
		size_t n = limit(o, nsd);
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "  %8llu %8llu ", (unsigned long long)sd[i].before,
			        (unsigned long long)sd[i].after);
			dfield(out, o, 8, sd[i].delta, dcount(b1, sizeof b1, sd[i].delta));
			fprintf(out, "  %s\n", sd[i].key);
		}
	}

	if (d->stacks_known) {
		fprintf(out, "\n%sGoroutine groups by growth%s (STUCK: the same goroutines, blocked at\n"
		        "the same place, in the first and the last snapshot):\n", paint(o, C_BOLD),
		        paint(o, C_OFF));
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

	fprintf(out, "\n%sMemory:%s RSS %s -> %s (", paint(o, C_BOLD), paint(o, C_OFF),
	        SZ(a->mem.rss), SZ(b->mem.rss));
	dfield(out, o, 0, d->rss_delta, DSZ(d->rss_delta));
	fprintf(out, ")\n  PSS %s, anonymous %s, swap %s\n",
	        DSZ((int64_t)b->mem.pss - (int64_t)a->mem.pss),
	        DSZ((int64_t)b->mem.anonymous - (int64_t)a->mem.anonymous),
	        DSZ((int64_t)b->mem.swap - (int64_t)a->mem.swap));
	fprintf(out, "  %-15s %10s %10s %11s\n", "KIND", "RSS BEFORE", "RSS AFTER", "DELTA");
	for (int i = 0; i < GI_MAP_KIND_COUNT; i++)
		if (ka[i].n || kb[i].n) {
			int64_t dk = (int64_t)kb[i].rss - (int64_t)ka[i].rss;
			fprintf(out, "  %-15s %10s %10s ", gi_map_kind_name(i), SZ(ka[i].rss),
			        SZ(kb[i].rss));
			dfield(out, o, 11, dk, DSZ(dk));
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
		        md[i].a ? SZ(md[i].a->rss) : "-", md[i].b ? SZ(md[i].b->rss) : "-");
		dfield(out, o, 11, md[i].delta, DSZ(md[i].delta));
		fprintf(out, "  %-13s %s\n", gi_map_kind_name(m->kind),
		        fit(pb, sizeof pb, m->path ? m->path : "[anon]", 80 - 64));
		shown++;
	}
	if (!shown)
		fprintf(out, "  (no mapping changed its RSS)\n");

	if (d->nsnaps >= 3)
		print_trend(out, d, o);
	free(sd);
	free(md);
	return 0;
}
