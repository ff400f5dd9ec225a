/* diff.c: what grew between two or more snapshots, and what it means.
 *
 * gi_diff_new matches goroutine groups (by stack), statuses, heap size classes (by class),
 * memory kinds and mappings, and totals across the snapshots, counts the goroutines that
 * stayed blocked at the same place from the first snapshot to the last, classifies each
 * series (steady growth, a one-off step, ...), and writes the verdict: a few sentences, each
 * one backed by figures the report prints below it. Growth below the noise floors
 * (analysis.h) is never called a leak.
 */
#include "analysis/analysis.h"

#include <stdarg.h>
#include <stdlib.h>

/* ---- matching ---- */

static uint64_t frames_hash(const struct gi_ggroup *g)
{
	uint64_t h = GI_HASH_INIT;
	for (size_t i = 0; i < g->nframes; i++) {
		h = gi_hash_str(h, g->frames[i].func);
		h = gi_hash_str(h, g->frames[i].file);
		h = gi_hash(h, &g->frames[i].line, sizeof g->frames[i].line);
	}
	return h ^ g->nframes;
}

/* A group of snapshot `snap` looking for its match among the groups matched so far. */
struct gkey {
	const struct gi_diff *d;
	const struct gi_ggroup *g;
	size_t snap;
	bool labels;   /* the same labels too */
};

static bool same_labels(const struct gi_strmap *a, const struct gi_strmap *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].key, b->v[i].key) || strcmp(a->v[i].value, b->v[i].value))
			return false;
	return true;
}

/* Same stack, not yet taken by another group of this snapshot (groups with the same stack and
 * other labels stay apart). */
static bool matches(void *arg, size_t item)
{
	const struct gkey *k = arg;
	const struct gi_group_delta *u = &k->d->groups[item - 1];
	return !u->per[k->snap] &&
	       gi_frames_equal(u->rep->frames, u->rep->nframes, k->g->frames, k->g->nframes) &&
	       (!k->labels || same_labels(&u->rep->labels, &k->g->labels));
}

struct gid {
	uint64_t goid;
	size_t u;
	const char *status;
};

static int gid_cmp(const void *x, const void *y)
{
	const struct gid *p = x, *q = y;
	return (p->goid > q->goid) - (p->goid < q->goid);
}

static int gd_cmp(const void *x, const void *y)
{
	const struct gi_group_delta *p = x, *q = y;
	/* Growth first, largest first; then the unchanged; then the shrunk, most shrunk first. */
	int rp = p->delta > 0 ? 0 : p->delta == 0 ? 1 : 2, rq = q->delta > 0 ? 0 : q->delta == 0 ? 1 : 2;
	if (rp != rq)
		return rp < rq ? -1 : 1;
	if (p->delta != q->delta)
		return rp == 0 ? (p->delta > q->delta ? -1 : 1) : (p->delta < q->delta ? -1 : 1);
	uint64_t cp = p->b ? p->b->count : 0, cq = q->b ? q->b->count : 0;
	if (cp != cq)
		return cp > cq ? -1 : 1;
	return (p->order > q->order) - (p->order < q->order);
}

static int cd_cmp(const void *x, const void *y)
{
	const struct gi_class_delta *p = x, *q = y;
	if (p->bytes_delta != q->bytes_delta)
		return p->bytes_delta > q->bytes_delta ? -1 : 1;
	return (p->cls > q->cls) - (p->cls < q->cls);
}

static void match_groups(struct gi_diff *d)
{
	size_t n = d->nsnaps, total = 0;
	for (size_t i = 0; i < n; i++)
		total += d->snaps[i]->ngroups;
	d->groups = xcalloc(total + 1, sizeof *d->groups);
	struct gi_index index;
	memset(&index, 0, sizeof index);
	/* uidx[i][j]: union index of group j of snapshot i */
	d->uidx = xcalloc(n, sizeof *d->uidx);
	for (size_t i = 0; i < n; i++) {
		const struct gi_snapshot *s = d->snaps[i];
		d->uidx[i] = xcalloc(s->ngroups + 1, sizeof **d->uidx);
		for (size_t j = 0; j < s->ngroups; j++) {
			const struct gi_ggroup *g = &s->groups[j];
			uint64_t h = frames_hash(g);
			/* the group with the same labels first, else any with the same stack */
			struct gkey k = {d, g, i, true};
			size_t item = gi_index_find(&index, h, matches, &k);
			k.labels = false;
			if (!item)
				item = gi_index_find(&index, h, matches, &k);
			if (!item) {
				struct gi_group_delta *u = &d->groups[d->ngroups];
				u->rep = g;
				u->order = d->ngroups;
				u->per = xcalloc(n, sizeof *u->per);
				u->series = xcalloc(n, sizeof *u->series);
				item = ++d->ngroups;
				gi_index_add(&index, h, item);
			}
			d->groups[item - 1].per[i] = g;
			d->groups[item - 1].series[i] = (int64_t)g->count;
			d->uidx[i][j] = item - 1;
		}
	}
	gi_index_free(&index);

	/* Stuck: goroutines of the last snapshot that the first one had too (same goid), blocked
	 * (a wait reason, not running, runnable or in a system call) with the same stack and the
	 * same wait reason. Goroutine ids are never reused. */
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[n - 1];
	d->stuck_known = a->nall && b->nall && a->stacks_available && b->stacks_available;
	if (d->stuck_known) {
		struct gid *ga = xcalloc(a->nall, sizeof *ga);
		size_t na = 0;
		for (size_t i = 0; i < a->nall; i++)
			if (!a->all[i].system && a->all[i].group >= 0 &&
			    (size_t)a->all[i].group < a->ngroups)
				ga[na++] = (struct gid){a->all[i].goid, d->uidx[0][a->all[i].group],
				                        a->all[i].status};
		qsort(ga, na, sizeof *ga, gid_cmp);
		for (size_t i = 0; i < b->nall; i++) {
			const struct gi_goroutine *r = &b->all[i];
			if (r->system || r->group < 0 || (size_t)r->group >= b->ngroups)
				continue;
			struct gid key = {r->goid, 0, NULL};
			struct gid *hit = bsearch(&key, ga, na, sizeof *ga, gid_cmp);
			size_t u = d->uidx[n - 1][r->group];
			if (hit && hit->u == u && gi_status_key_is_wait(r->status) &&
			    !strcmp(hit->status ? hit->status : "", r->status ? r->status : "")) {
				d->groups[u].stuck++;
				d->stuck++;
			}
		}
		free(ga);
	}
	for (size_t k = 0; k < d->ngroups; k++) {
		struct gi_group_delta *u = &d->groups[k];
		u->a = u->per[0];
		u->b = u->per[n - 1];
		u->delta = u->series[n - 1] - u->series[0];
		u->shape = gi_series_shape(GI_M_GOROUTINES, u->series, n, &u->step_at);
	}
	qsort(d->groups, d->ngroups, sizeof *d->groups, gd_cmp);
}

static int64_t class_value(const struct gi_heap *h, int cls, bool bytes)
{
	const struct gi_heap_class *c = gi_heap_class_find(h, cls);
	return c ? (int64_t)(bytes ? c->bytes : c->objects) : 0;
}

static void match_classes(struct gi_diff *d)
{
	size_t n = d->nsnaps;
	const struct gi_heap *ha = &d->snaps[0]->heap, *hb = &d->snaps[n - 1]->heap;
	d->heap_known = ha->has_inuse && hb->has_inuse;
	if (d->heap_known)
		d->heap_inuse_delta = (int64_t)hb->heap_inuse - (int64_t)ha->heap_inuse;
	d->heap_objects_known = ha->has_objects && hb->has_objects;
	if (d->heap_objects_known)
		d->heap_objects_delta = (int64_t)hb->heap_objects - (int64_t)ha->heap_objects;
	d->stack_known = ha->has_stack && hb->has_stack;
	if (d->stack_known)
		d->stack_inuse_delta = (int64_t)hb->stack_inuse - (int64_t)ha->stack_inuse;
	d->memstats_known = ha->available && hb->available;
	if (d->memstats_known) {
#define D(f) (int64_t)hb->f - (int64_t)ha->f
		d->heap_alloc_delta = D(heap_alloc);
		d->heap_idle_delta = D(heap_idle);
		d->heap_released_delta = D(heap_released);
		d->heap_sys_delta = D(heap_sys);
		d->sys_delta = D(sys);
		d->num_gc_delta = D(num_gc);
#undef D
	}
	d->rss_breakdown_known = d->memstats_known && ha->rss_available && hb->rss_available;
	if (d->rss_breakdown_known) {
		struct gi_heap_rss ra = ha->rss, rb = hb->rss;
		for (int i = 0; i < GI_HEAP_RSS_N; i++)
			d->rss_breakdown_delta[i] = (int64_t)*gi_heap_rss_field(&rb, i) -
			                            (int64_t)*gi_heap_rss_field(&ra, i);
		d->rss_in_go_heap_delta = (int64_t)(rb.go_heap_inuse + rb.go_heap_free + rb.go_stacks) -
		                          (int64_t)(ra.go_heap_inuse + ra.go_heap_free + ra.go_stacks);
	}
	d->classes_known = ha->has_classes && hb->has_classes;
	if (!d->classes_known)
		return;
	d->classes = xcalloc(ha->nclasses + hb->nclasses + 1, sizeof *d->classes);
	const struct gi_heap *both[2] = {ha, hb};
	for (int w = 0; w < 2; w++)
		for (size_t i = 0; i < both[w]->nclasses; i++) {
			const struct gi_heap_class *c = &both[w]->classes[i];
			bool dup = false;
			for (size_t k = 0; k < d->nclasses && !dup; k++)
				dup = d->classes[k].cls == c->cls;
			if (dup)
				continue;
			struct gi_class_delta *x = &d->classes[d->nclasses++];
			x->cls = c->cls;
			x->size = c->size;
			x->objects_before = (uint64_t)class_value(ha, c->cls, false);
			x->bytes_before = (uint64_t)class_value(ha, c->cls, true);
			x->objects_after = (uint64_t)class_value(hb, c->cls, false);
			x->bytes_after = (uint64_t)class_value(hb, c->cls, true);
			x->objects_delta = (int64_t)x->objects_after - (int64_t)x->objects_before;
			x->bytes_delta = (int64_t)x->bytes_after - (int64_t)x->bytes_before;
			x->series = xcalloc(n, sizeof *x->series);
			for (size_t s = 0; s < n; s++)
				x->series[s] = class_value(&d->snaps[s]->heap, c->cls, true);
			x->shape = gi_series_shape(GI_M_CLASS, x->series, n, &x->step_at);
		}
	qsort(d->classes, d->nclasses, sizeof *d->classes, cd_cmp);
}

/* ---- statuses, memory kinds and mappings ---- */

static int sd_cmp(const void *a, const void *b)
{
	const struct gi_status_delta *x = a, *y = b;
	if (x->delta != y->delta)
		return x->delta > y->delta ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void match_statuses(struct gi_diff *d)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	struct gi_status_delta *v = xcalloc(a->by_status.n + b->by_status.n + 1, sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < a->by_status.n; i++) {
		const char *key = a->by_status.v[i].key;
		v[k++] = (struct gi_status_delta){key, a->by_status.v[i].count,
		                                  gi_counts_get(&b->by_status, key), 0};
	}
	for (size_t i = 0; i < b->by_status.n; i++) {
		const char *key = b->by_status.v[i].key;
		bool seen = false;
		for (size_t j = 0; j < a->by_status.n && !seen; j++)
			seen = !strcmp(a->by_status.v[j].key, key);
		if (!seen)
			v[k++] = (struct gi_status_delta){key, 0, b->by_status.v[i].count, 0};
	}
	for (size_t i = 0; i < k; i++)
		v[i].delta = (int64_t)v[i].after - (int64_t)v[i].before;
	qsort(v, k, sizeof *v, sd_cmp);
	d->statuses = v;
	d->nstatuses = k;
}

static int md_cmp(const void *x, const void *y)
{
	const struct gi_map_delta *p = x, *q = y;
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

static void match_memory(struct gi_diff *d)
{
	const struct gi_memory *a = &d->snaps[0]->mem, *b = &d->snaps[d->nsnaps - 1]->mem;
	for (size_t i = 0; i < a->nmaps; i++) {
		struct gi_kind_delta *k = &d->kinds[a->maps[i].kind < GI_MAP_KIND_COUNT ? a->maps[i].kind
		                                                                         : GI_MAP_ANON];
		k->maps_before++;
		k->rss_before += a->maps[i].rss;
	}
	for (size_t i = 0; i < b->nmaps; i++) {
		struct gi_kind_delta *k = &d->kinds[b->maps[i].kind < GI_MAP_KIND_COUNT ? b->maps[i].kind
		                                                                         : GI_MAP_ANON];
		k->maps_after++;
		k->rss_after += b->maps[i].rss;
	}
	for (int i = 0; i < GI_MAP_KIND_COUNT; i++)
		d->kinds[i].delta = (int64_t)d->kinds[i].rss_after - (int64_t)d->kinds[i].rss_before;

	struct gi_map_delta *v = xcalloc(a->nmaps + b->nmaps + 1, sizeof *v);
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
		v[k].a = &a->maps[i];
		v[k].b = match;
		v[k].delta = (int64_t)(match ? match->rss : 0) - (int64_t)a->maps[i].rss;
		k++;
	}
	for (size_t q = 0; q < b->nmaps; q++)
		if (!used[q]) {
			v[k].a = NULL;
			v[k].b = &b->maps[q];
			v[k].delta = (int64_t)b->maps[q].rss;
			k++;
		}
	free(used);
	qsort(v, k, sizeof *v, md_cmp);
	d->maps = v;
	d->nmaps = k;
}

/* ---- the verdict ---- */

static void claim(struct gi_diff *d, const char *kind, int64_t value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void claim(struct gi_diff *d, const char *kind, int64_t value, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	d->claims = xrealloc(d->claims, (d->nclaims + 1) * sizeof *d->claims);
	d->claims[d->nclaims++] = (struct gi_claim){kind, text, value, -1};
}

static const char *trend_phrase(char *buf, size_t n, enum gi_shape s, size_t step_at,
                                size_t nsnaps)
{
	if (s == GI_SHAPE_STEADY)
		snprintf(buf, n, "; steady growth, at every step of the %zu snapshots", nsnaps);
	else if (s == GI_SHAPE_STEP)
		snprintf(buf, n, "; a one-off step, between snapshots %zu and %zu", step_at + 1,
		         step_at + 2);
	else if (s == GI_SHAPE_IRREGULAR)
		snprintf(buf, n, "; irregular growth over %zu snapshots", nsnaps);
	else
		buf[0] = 0;
	return buf;
}

/* The positive parts of the RSS breakdown's change, largest first, at most three, as the
 * diff prints them: "Go runtime metadata +3.38 MiB; binary and libraries +1.30 MiB". */
static void rss_parts(const struct gi_diff *d, char *buf, size_t n)
{
	bool used[GI_HEAP_RSS_N] = {false};
	size_t len = 0;
	buf[0] = 0;
	for (int k = 0; k < 3; k++) {
		int best = -1;
		for (int i = 0; i < GI_HEAP_RSS_N; i++)
			if (!used[i] && d->rss_breakdown_delta[i] > 0 &&
			    (best < 0 || d->rss_breakdown_delta[i] > d->rss_breakdown_delta[best]))
				best = i;
		if (best < 0)
			break;
		used[best] = true;
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s %s", k ? "; " : "",
		                        gi_heap_rss_labels[best], GI_DSIZE(d->rss_breakdown_delta[best]));
	}
}

/* The same for the kinds of mappings outside the Go heap: "anonymous +3.38 MiB, file ...". */
static void kind_parts(const struct gi_diff *d, char *buf, size_t n)
{
	bool used[GI_MAP_KIND_COUNT] = {false};
	size_t len = 0;
	buf[0] = 0;
	used[GI_MAP_GO_HEAP] = true;
	for (int k = 0; k < 3; k++) {
		int best = -1;
		for (int i = 0; i < GI_MAP_KIND_COUNT; i++)
			if (!used[i] && d->kinds[i].delta > 0 &&
			    (best < 0 || d->kinds[i].delta > d->kinds[best].delta))
				best = i;
		if (best < 0)
			break;
		used[best] = true;
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s %s", k ? ", " : "",
		                        gi_map_kind_name(best), GI_DSIZE(d->kinds[best].delta));
	}
}

static void write_verdict(struct gi_diff *d)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	char tr[128];
	/* Heap that grew with no GC cycle in between may be garbage the next cycle frees: not
	 * yet known to be live memory, so not called so. */
	const char *no_gc = d->memstats_known && d->num_gc_delta == 0
		? "; no GC ran between the snapshots: this may be garbage not yet collected" : "";
	/* Goroutines: the groups that grew beyond noise, largest first, at most three. */
	size_t said = 0;
	for (size_t i = 0; i < d->ngroups && said < 3; i++) {
		const struct gi_group_delta *g = &d->groups[i];
		uint64_t before = g->a ? g->a->count : 0;
		if (!gi_beyond_noise(GI_M_GOROUTINES, g->delta, before))
			break;  /* sorted: the rest grew less */
		const struct gi_ggroup *gg = g->b;
		const struct gi_frame *f = gi_group_where(gg);
		char where[512], cby[512] = "", still[256] = "";
		snprintf(where, sizeof where, "%s (%s:%d)", f && f->func ? f->func : "?",
		         gi_basename(f ? f->file : NULL), f ? f->line : 0);
		if (gg->created_by.func)
			snprintf(cby, sizeof cby, ", created by %s (%s:%d)", gg->created_by.func,
			         gi_basename(gg->created_by.file), gg->created_by.line);
		if (!before)
			snprintf(still, sizeof still, "; a stack the first snapshot did not have");
		else if (d->stuck_known && g->stuck == before)
			snprintf(still, sizeof still, "; none of the %llu there in the first snapshot "
			         "exited", (unsigned long long)before);
		else if (d->stuck_known)
			snprintf(still, sizeof still, "; %llu of the %llu there in the first snapshot "
			         "are still blocked there", (unsigned long long)g->stuck,
			         (unsigned long long)before);
		bool wait = gi_status_key_is_wait(gg->wait_reason);
		claim(d, "goroutines", g->delta, "goroutine %s: %+lld goroutines %s %s at %s%s%s%s",
		      wait ? "leak" : "growth", (long long)g->delta, wait ? "blocked in" : "in state",
		      gg->wait_reason ? gg->wait_reason : "?", where, cby, still,
		      trend_phrase(tr, sizeof tr, g->shape, g->step_at, d->nsnaps));
		d->claims[d->nclaims - 1].ref = (int64_t)i;
		said++;
	}
	if (!said && a->gor_available && b->gor_available &&
	    gi_beyond_noise(GI_M_GOROUTINES, d->gor_delta, a->gor_total))
		claim(d, "goroutines", d->gor_delta, "goroutines %+lld (%llu -> %llu), %s",
		      (long long)d->gor_delta, (unsigned long long)a->gor_total,
		      (unsigned long long)b->gor_total,
		      d->stacks_known ? "spread over stacks none of which grew beyond noise"
		                      : "where is unknown: the stacks were not read in both snapshots");

	/* Heap: the size classes that grew beyond noise, else the heap in use. */
	said = 0;
	for (size_t i = 0; i < d->nclasses && said < 3; i++) {
		const struct gi_class_delta *c = &d->classes[i];
		if (!gi_beyond_noise(GI_M_CLASS, c->bytes_delta, c->bytes_before))
			break;
		char what[64];
		if (c->size)
			snprintf(what, sizeof what, "%llu-byte objects", (unsigned long long)c->size);
		else
			snprintf(what, sizeof what, "large objects (over 32 KiB)");
		claim(d, "heap", c->bytes_delta, "heap: %s in %s (%+lld objects)%s%s",
		      GI_DSIZE(c->bytes_delta), what, (long long)c->objects_delta,
		      trend_phrase(tr, sizeof tr, c->shape, c->step_at, d->nsnaps), no_gc);
		d->claims[d->nclaims - 1].ref = (int64_t)i;
		said++;
	}
	if (!said && d->heap_known &&
	    gi_beyond_noise(GI_M_HEAP, d->heap_inuse_delta, a->heap.heap_inuse))
		claim(d, "heap", d->heap_inuse_delta, "heap: in use %s (%s -> %s)%s%s",
		      GI_DSIZE(d->heap_inuse_delta), GI_SIZE(a->heap.heap_inuse), GI_SIZE(b->heap.heap_inuse),
		      d->classes_known ? ", no single size class beyond noise" : "", no_gc);

	/* Heap: the allocation sites (the runtime's heap profile) whose memory in use grew beyond
	 * noise, at most two. A site is held to the whole heap's floor: at the default sampling
	 * rate one sample more or less moves a site's estimate by half a MiB. */
	if (a->mprof.available && b->mprof.available && b->mprof.nsites) {
		size_t ns = d->nsites;
		const struct gi_site_delta *sd = d->sites;
		said = 0;
		for (size_t i = 0; i < ns && said < 2; i++) {
			int64_t before = sd[i].a ? sd[i].a->est_inuse_bytes : 0;
			if (!gi_beyond_noise(GI_M_HEAP, sd[i].bytes, (uint64_t)(before > 0 ? before : 0)))
				break;  /* sorted: the rest grew less */
			const struct gi_frame *f = gi_memsite_where(sd[i].b);
			claim(d, "heap-site", sd[i].bytes, "heap: %s in use allocated at %s (%s:%d), "
			      "%+lld objects%s%s", GI_DSIZE(sd[i].bytes), f && f->func ? f->func : "?",
			      gi_basename(f ? f->file : NULL), f ? f->line : 0, (long long)sd[i].objects,
			      b->mprof.rate == 1 ? "" : " (heap profile estimate)", no_gc);
			d->claims[d->nclaims - 1].ref = (int64_t)i;
			said++;
		}
	}

	/* RSS: where it grew, as the tables show it. Only the breakdown's "outside the Go
	 * runtime" (memory the runtime does not manage: C, cgo, mmap by C code) points at C
	 * code; growth outside the heap arenas may be the runtime's own metadata, thread stacks
	 * or mapped files, and is said as such. */
	if (a->mem.available && b->mem.available &&
	    gi_beyond_noise(GI_M_RSS, d->rss_delta, a->mem.rss)) {
		char parts[512];
		uint64_t out_a = a->mem.rss - gi_memory_kind_rss(&a->mem, GI_MAP_GO_HEAP);
		if (d->rss_breakdown_known) {
			int64_t c = d->rss_breakdown_delta[GI_HEAP_RSS_OUTSIDE_GO];
			rss_parts(d, parts, sizeof parts);
			if (gi_beyond_noise(GI_M_RSS, c, a->heap.rss.outside_go))
				claim(d, "rss-outside-go", c, "RSS %s outside the Go runtime (C, cgo, mmap), "
				      "of %s in all: look at cgo or C allocations", GI_DSIZE(c),
				      GI_DSIZE(d->rss_delta));
			else
				claim(d, "rss", d->rss_delta, "RSS %s, by owner: %s", GI_DSIZE(d->rss_delta),
				      parts[0] ? parts : "nothing grew");
		} else if (gi_beyond_noise(GI_M_RSS, d->rss_outside_delta, out_a)) {
			kind_parts(d, parts, sizeof parts);
			claim(d, "rss-outside-heap", d->rss_outside_delta, "RSS %s outside the Go heap "
			      "(%s); without the RSS breakdown of both snapshots, C memory and the Go "
			      "runtime's own cannot be told apart", GI_DSIZE(d->rss_outside_delta),
			      parts[0] ? parts : "no kind grew");
		} else {
			claim(d, "rss", d->rss_delta, "RSS %s, %s of it in the Go heap",
			      GI_DSIZE(d->rss_delta), GI_DSIZE(d->rss_goheap_delta));
		}
	}
}

struct gi_diff *gi_diff_new(const struct gi_snapshot *const *snaps, size_t n)
{
	struct gi_diff *d = xcalloc(1, sizeof *d);
	d->snaps = snaps;
	d->nsnaps = n;
	const struct gi_snapshot *a = snaps[0], *b = snaps[n - 1];
	d->gor_delta = (int64_t)b->gor_total - (int64_t)a->gor_total;
	d->rss_delta = (int64_t)b->mem.rss - (int64_t)a->mem.rss;
	d->rss_goheap_delta = (int64_t)gi_memory_kind_rss(&b->mem, GI_MAP_GO_HEAP) -
	                      (int64_t)gi_memory_kind_rss(&a->mem, GI_MAP_GO_HEAP);
	d->rss_outside_delta = d->rss_delta - d->rss_goheap_delta;
	d->pss_delta = (int64_t)b->mem.pss - (int64_t)a->mem.pss;
	d->anonymous_delta = (int64_t)b->mem.anonymous - (int64_t)a->mem.anonymous;
	d->swap_delta = (int64_t)b->mem.swap - (int64_t)a->mem.swap;
	d->gor_series = xcalloc(n, sizeof *d->gor_series);
	d->rss_series = xcalloc(n, sizeof *d->rss_series);
	d->heap_series = xcalloc(n, sizeof *d->heap_series);
	bool heap_all = true;
	for (size_t i = 0; i < n; i++) {
		d->gor_series[i] = (int64_t)snaps[i]->gor_total;
		d->rss_series[i] = (int64_t)snaps[i]->mem.rss;
		d->heap_series[i] = (int64_t)snaps[i]->heap.heap_inuse;
		heap_all = heap_all && snaps[i]->heap.has_inuse;
	}
	d->gor_shape = gi_series_shape(GI_M_GOROUTINES, d->gor_series, n, NULL);
	d->rss_shape = gi_series_shape(GI_M_RSS, d->rss_series, n, NULL);
	d->heap_shape = heap_all ? gi_series_shape(GI_M_HEAP, d->heap_series, n, NULL)
	                         : GI_SHAPE_NONE;
	d->stacks_known = a->stacks_available && b->stacks_available;
	if (d->stacks_known)
		match_groups(d);
	match_statuses(d);
	match_classes(d);
	match_memory(d);
	d->sites = gi_memsite_deltas(&a->mprof, &b->mprof, &d->nsites);
	write_verdict(d);
	return d;
}

void gi_diff_free(struct gi_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->ngroups; i++) {
		free(d->groups[i].per);
		free(d->groups[i].series);
	}
	free(d->groups);
	if (d->uidx)
		for (size_t i = 0; i < d->nsnaps; i++)
			free(d->uidx[i]);
	free(d->uidx);
	for (size_t i = 0; i < d->nclasses; i++)
		free(d->classes[i].series);
	free(d->classes);
	for (size_t i = 0; i < d->nclaims; i++)
		free(d->claims[i].text);
	free(d->claims);
	free(d->sites);
	free(d->statuses);
	free(d->maps);
	free(d->gor_series);
	free(d->rss_series);
	free(d->heap_series);
	free(d);
}
