/* show.c: the snapshot summary and `show`, as aligned text (--json prints the snapshot). */
#include "output/output.h"

#include <jansson.h>
#include <regex.h>
#include <stdlib.h>

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
		fprintf(out, "  memory RSS %s", GI_SIZE(s->mem.rss));
		for (int i = 0; i < 3; i++)
			if (k[order[i]].rss)
				fprintf(out, "%s %s %s", i ? "," : ":", gi_map_kind_name(order[i]),
				        GI_SIZE(k[order[i]].rss));
		fprintf(out, "\n");
	}
	if (s->heap.available)
		fprintf(out, "  heap in use %s, %llu objects, stacks %s, GC cycles %llu\n",
		        GI_SIZE(s->heap.heap_inuse), (unsigned long long)s->heap.heap_objects,
		        GI_SIZE(s->heap.stack_inuse), (unsigned long long)s->heap.num_gc);
	if (s->stopped)
		fprintf(out, "  target stopped %s, total %s\n", GI_DUR(s->pause_ns), GI_DUR(s->total_ns));
	else
		fprintf(out, "  read without stopping the target (%llu goroutines moved meanwhile), "
		        "total %s\n", (unsigned long long)s->gor_inconsistent, GI_DUR(s->total_ns));
	if (s->partial)
		fprintf(out, "  PARTIAL: %s\n", s->nwarnings ? s->warnings[0] : "some facts not read");
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
			const struct gi_frame *f = gi_group_where(g);
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
	size_t n = gi_rows(o, c.n);
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
	size_t n = gi_rows(o, match);
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
	        "from the OS %s\n", GI_SIZE(h->heap_inuse), (unsigned long long)h->heap_objects,
	        GI_SIZE(h->heap_alloc), GI_SIZE(h->heap_idle), GI_SIZE(h->heap_released), GI_SIZE(h->heap_sys));
	fprintf(out, "  stacks %s, runtime total %s; GC: %llu cycles, next at %s, GOGC ",
	        GI_SIZE(h->stack_inuse), GI_SIZE(h->sys), (unsigned long long)h->num_gc,
	        h->next_gc > (1ull << 53) ? "never" : GI_SIZE(h->next_gc));
	if (h->gogc < 0)
		fprintf(out, "off");
	else
		fprintf(out, "%lld", (long long)h->gogc);
	if (h->memory_limit != INT64_MAX)
		fprintf(out, ", memory limit %s", GI_SIZE(h->memory_limit));
	fprintf(out, "%s\n", h->gc_in_progress ? ", a cycle in progress" : "");
	fprintf(out, "  spans: %llu in use, %llu manual (%s, goroutine stacks), %llu free "
	        "descriptors\n", (unsigned long long)h->spans_inuse,
	        (unsigned long long)h->spans_manual, GI_SIZE(h->manual_pages * 8192),
	        (unsigned long long)h->spans_dead);
	const struct gi_heap_class **v = xcalloc(h->nclasses + 1, sizeof *v);
	size_t nv = 0;
	for (size_t i = 0; i < h->nclasses; i++)
		if (h->classes[i].spans)
			v[nv++] = &h->classes[i];
	qsort(v, nv, sizeof *v, class_bytes_cmp);
	fprintf(out, "  %5s %7s %10s %10s %8s %10s %5s\n", "CLASS", "SIZE", "OBJECTS", "BYTES",
	        "SPANS", "FREE SLOTS", "FRAG");
	size_t n = gi_rows(o, nv);
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
		        (unsigned long long)c->objects, GI_SIZE(c->bytes), (unsigned long long)c->spans,
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
				fprintf(out, "%s >=%s: %llu", any ? "," : "", GI_SIZE(1ull << (i + 14)),
				        (unsigned long long)h->large_hist[i]);
			else
				fprintf(out, "%s <%s: %llu", any ? "," : "", GI_SIZE(1ull << (i + 15)),
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
		struct gi_heap_rss copy = *r;
		for (int i = 0; i < GI_HEAP_RSS_N; i++)
			fprintf(out, "  %10s  %s\n", GI_SIZE(*gi_heap_rss_field(&copy, i)),
			        gi_heap_rss_labels[i]);
	}
}

/* show --strings CLASS */
static int show_strings(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o)
{
	const struct gi_heap_class *c = gi_heap_class_find(&s->heap, o->strings_class);
	if (o->json) {
		json_t *st = json_array();
		for (size_t i = 0; c && i < c->strings.n; i++)
			json_array_append_new(st, json_pack("{s:s, s:I}", "string", c->strings.v[i].key,
			                                    "count", (json_int_t)c->strings.v[i].count));
		gi_print_json(out, json_pack("{s:i, s:I, s:I, s:o}", "class", o->strings_class, "size",
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
	size_t n = gi_rows(o, c->strings.n);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %8llu  %s\n", (unsigned long long)c->strings.v[i].count,
		        c->strings.v[i].key);
	return 0;
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
		        s->time_utc ? s->time_utc : "?", s->threads, GI_DUR(s->pause_ns),
		        GI_DUR(s->total_ns), s->partial ? "  (PARTIAL)" : "");
	else
		fprintf(out, "  captured %s without stopping the target (%llu goroutines moved "
		        "meanwhile), total %s%s\n", s->time_utc ? s->time_utc : "?",
		        (unsigned long long)s->gor_inconsistent, GI_DUR(s->total_ns),
		        s->partial ? "  (PARTIAL)" : "");

	fprintf(out, "\nGoroutines: ");
	if (!s->gor_available) {
		fprintf(out, "not read: %s\n", s->gor_error ? s->gor_error : "unknown");
	} else {
		fprintf(out, "%llu (NumGoroutine), plus %llu system\n",
		        (unsigned long long)s->gor_total, (unsigned long long)s->gor_system);
		fprintf(out, "  %8s  %s\n", "COUNT", "STATUS / WAIT REASON");
		size_t n = gi_rows(o, s->by_status.n);
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
			const struct gi_native_stack *t = &s->native[i];
			fprintf(out, "\nthread %d (%s):\n", t->tid, t->name ? t->name : "?");
			for (size_t j = 0; j < t->nframes; j++) {
				const struct gi_native_frame *f = &t->frames[j];
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
		fprintf(out, "RSS %s, PSS %s, anonymous %s, swap %s, mapped %s\n", GI_SIZE(m->rss),
		        GI_SIZE(m->pss), GI_SIZE(m->anonymous), GI_SIZE(m->swap), GI_SIZE(m->size));
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
			        gi_map_kind_name(order[i]), (unsigned long long)x->n, GI_SIZE(x->size),
			        GI_SIZE(x->rss), GI_SIZE(x->pss), GI_SIZE(x->anonymous), GI_SIZE(x->swap));
		}
		fprintf(out, "\nMappings:\n  %-16s %9s %9s %9s %-4s %-14s %s\n", "ADDRESS", "KBYTES",
		        "RSS", "DIRTY", "MODE", "KIND", "MAPPING");
		size_t n = gi_rows(o, m->nmaps);
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

