/* leak.c: what grew between two or more snapshots, and what it means.
 *
 * gi_diff_new matches goroutine groups (by stack), heap size classes (by class) and totals
 * across the snapshots, counts the goroutines that stayed blocked at the same place from the
 * first snapshot to the last, classifies each series (steady growth, a one-off step, ...),
 * and writes the verdict: a few sentences, each one backed by figures the report prints
 * below it. Growth below the noise floors (goinspect.h) is never called a leak.
 */
#include "goinspect.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SZ(v) gi_fmt_size((char[32]){0}, 32, (int64_t)(v), false)
#define DSZ(v) gi_fmt_size((char[32]){0}, 32, (int64_t)(v), true)

/* ---- the heap half of a snapshot (heap.* in goinspect-snapshot(5)) ---- */

static bool json_u64(json_t *o, const char *key, uint64_t *v)
{
	json_t *x = o ? json_object_get(o, key) : NULL;
	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return false;
	*v = (uint64_t)json_integer_value(x);
	return true;
}

void gi_heapview_read(const void *root, struct gi_heapview *h)
{
	memset(h, 0, sizeof *h);
	json_t *heap = root ? json_object_get((json_t *)root, "heap") : NULL;
	if (!json_is_object(heap))
		return;
	json_t *av = json_object_get(heap, "available");
	if (av && json_is_false(av))
		return;
	h->has_inuse = json_u64(heap, "heap_inuse", &h->heap_inuse);
	h->has_objects = json_u64(heap, "heap_objects", &h->heap_objects);
	h->has_stack = json_u64(heap, "stack_inuse", &h->stack_inuse);
	json_t *cl = json_object_get(heap, "size_classes"), *e;
	size_t i;
	if (json_is_array(cl) && json_array_size(cl) < 100000) {
		h->classes = xcalloc(json_array_size(cl) + 1, sizeof *h->classes);
		json_array_foreach(cl, i, e) {
			uint64_t c;
			if (!json_is_object(e) || !json_u64(e, "class", &c))
				continue;  /* not understood: left out rather than guessed */
			struct gi_heapclass *k = &h->classes[h->nclasses++];
			k->cls = (int)c;
			json_u64(e, "size", &k->size);
			json_u64(e, "spans", &k->spans);
			json_u64(e, "objects", &k->objects);
			json_u64(e, "bytes", &k->bytes);
		}
		h->has_classes = true;
	}
	h->available = h->has_inuse || h->has_classes;
}

void gi_heapview_free(struct gi_heapview *h)
{
	free(h->classes);
	memset(h, 0, sizeof *h);
}

/* ---- noise and shapes ---- */

bool gi_beyond_noise(enum gi_measure m, int64_t delta, uint64_t before)
{
	uint64_t floor_abs, pct;
	switch (m) {
	case GI_M_GOROUTINES: floor_abs = GI_NOISE_GOROUTINES; pct = GI_NOISE_GOROUTINES_PCT; break;
	case GI_M_CLASS: floor_abs = GI_NOISE_CLASS_BYTES; pct = GI_NOISE_PCT; break;
	case GI_M_HEAP: floor_abs = GI_NOISE_HEAP_BYTES; pct = GI_NOISE_PCT; break;
	default: floor_abs = GI_NOISE_RSS_BYTES; pct = GI_NOISE_PCT; break;
	}
	if (delta <= 0)
		return false;
	return (uint64_t)delta >= floor_abs && (uint64_t)delta * 100 >= before * pct;
}

const char *gi_shape_name(enum gi_shape s)
{
	static const char *n[] = {"none", "flat", "steady growth", "one-off step", "irregular growth",
	                          "shrinking", "fluctuating"};
	return (unsigned)s < sizeof n / sizeof *n ? n[s] : "?";
}

const char *gi_shape_word(enum gi_shape s)
{
	static const char *n[] = {"none", "flat", "steady", "step", "irregular", "shrinking",
	                          "fluctuating"};
	return (unsigned)s < sizeof n / sizeof *n ? n[s] : "?";
}

enum gi_shape gi_series_shape(enum gi_measure m, const int64_t *v, size_t n, size_t *step_at)
{
	if (step_at)
		*step_at = 0;
	if (n < 3)
		return GI_SHAPE_NONE;
	int64_t total = v[n - 1] - v[0];
	uint64_t base = v[0] > 0 ? (uint64_t)v[0] : 0;
	if (!gi_beyond_noise(m, total, base)) {
		if (total < 0 && gi_beyond_noise(m, -total, (uint64_t)(v[n - 1] > 0 ? v[n - 1] : 0)))
			return GI_SHAPE_SHRINKING;
		for (size_t i = 0; i + 1 < n; i++) {
			int64_t d = v[i + 1] - v[i];
			if (gi_beyond_noise(m, d, (uint64_t)(v[i] > 0 ? v[i] : 0)) ||
			    gi_beyond_noise(m, -d, (uint64_t)(v[i + 1] > 0 ? v[i + 1] : 0)))
				return GI_SHAPE_FLUCTUATING;
		}
		return GI_SHAPE_FLAT;
	}
	/* Steady: it grew at every step. */
	bool every = true;
	size_t big = 0, bigi = 0;
	int64_t bigd = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		int64_t d = v[i + 1] - v[i];
		if (d <= 0)
			every = false;
		if (d > bigd) {
			bigd = d;
			bigi = i;
		}
	}
	/* One-off: one step carries at least 80% of the growth, and no other step moved by
	 * more than 10% of it. */
	if (bigd * 10 >= total * 8) {
		big = 1;
		for (size_t i = 0; i + 1 < n; i++) {
			int64_t d = v[i + 1] - v[i];
			if (i != bigi && llabs(d) * 10 > total)
				big = 0;
		}
	}
	if (big) {
		if (step_at)
			*step_at = bigi;
		return GI_SHAPE_STEP;
	}
	return every ? GI_SHAPE_STEADY : GI_SHAPE_IRREGULAR;
}

/* ---- matching ---- */

static uint64_t frames_hash(const struct gi_ggroup *g)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < g->nframes; i++) {
		for (const char *p = g->frames[i].func ? g->frames[i].func : ""; *p; p++)
			h = (h ^ (uint8_t)*p) * 1099511628211ull;
		for (const char *p = g->frames[i].file ? g->frames[i].file : ""; *p; p++)
			h = (h ^ (uint8_t)*p) * 1099511628211ull;
		h = (h ^ (uint64_t)(uint32_t)g->frames[i].line) * 1099511628211ull;
	}
	return h ^ g->nframes;
}

static bool same_frames(const struct gi_ggroup *x, const struct gi_ggroup *y)
{
	if (x->nframes != y->nframes)
		return false;
	for (size_t i = 0; i < x->nframes; i++) {
		const struct gi_gframe *p = &x->frames[i], *q = &y->frames[i];
		if (p->line != q->line || strcmp(p->func ? p->func : "", q->func ? q->func : "") ||
		    strcmp(p->file ? p->file : "", q->file ? q->file : ""))
			return false;
	}
	return true;
}

struct ukey {
	uint64_t hash;
	size_t idx;    /* into d->groups */
	size_t next;   /* chain, SIZE_MAX at the end */
};

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

/* Statuses that are not waits: "in state running" rather than "blocked in running". */
static bool is_wait(const char *st)
{
	static const char *not_waits[] = {"running", "runnable", "syscall", "idle", "dead",
	                                  "copystack", "preempted", NULL};
	if (!st)
		return false;
	for (int i = 0; not_waits[i]; i++)
		if (!strcmp(st, not_waits[i]))
			return false;
	return true;
}

static void match_groups(struct gi_diff *d)
{
	size_t n = d->nsnaps, total = 0;
	for (size_t i = 0; i < n; i++)
		total += d->snaps[i]->ngroups;
	d->groups = xcalloc(total + 1, sizeof *d->groups);
	size_t nb = 1;
	while (nb < 2 * total)
		nb <<= 1;
	size_t *bucket = xmalloc(nb * sizeof *bucket);
	for (size_t i = 0; i < nb; i++)
		bucket[i] = SIZE_MAX;
	struct ukey *keys = xcalloc(total + 1, sizeof *keys);
	size_t nkeys = 0;
	/* uidx[i][j]: union index of group j of snapshot i */
	d->uidx = xcalloc(n, sizeof *d->uidx);
	for (size_t i = 0; i < n; i++) {
		const struct gi_snapshot *s = d->snaps[i];
		d->uidx[i] = xcalloc(s->ngroups + 1, sizeof **d->uidx);
		for (size_t j = 0; j < s->ngroups; j++) {
			const struct gi_ggroup *g = &s->groups[j];
			uint64_t h = frames_hash(g);
			size_t k = bucket[h & (nb - 1)], found = SIZE_MAX;
			for (; k != SIZE_MAX; k = keys[k].next) {
				struct gi_group_delta *u = &d->groups[keys[k].idx];
				/* same stack, not yet taken by another group of this snapshot (groups
				 * with the same stack and different labels stay apart) */
				if (keys[k].hash == h && !u->per[i] && same_frames(u->rep, g)) {
					found = keys[k].idx;
					break;
				}
			}
			if (found == SIZE_MAX) {
				found = d->ngroups++;
				struct gi_group_delta *u = &d->groups[found];
				u->rep = g;
				u->order = found;
				u->per = xcalloc(n, sizeof *u->per);
				u->series = xcalloc(n, sizeof *u->series);
				keys[nkeys] = (struct ukey){h, found, bucket[h & (nb - 1)]};
				bucket[h & (nb - 1)] = nkeys++;
			}
			d->groups[found].per[i] = g;
			d->groups[found].series[i] = (int64_t)g->count;
			d->uidx[i][j] = found;
		}
	}
	free(bucket);
	free(keys);

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
			if (hit && hit->u == u && is_wait(r->status) &&
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

static int64_t class_value(const struct gi_heapview *h, int cls, bool bytes, bool *found)
{
	for (size_t i = 0; i < h->nclasses; i++)
		if (h->classes[i].cls == cls) {
			*found = true;
			return (int64_t)(bytes ? h->classes[i].bytes : h->classes[i].objects);
		}
	return 0;
}

static void match_classes(struct gi_diff *d)
{
	size_t n = d->nsnaps;
	const struct gi_heapview *ha = &d->snaps[0]->heapv, *hb = &d->snaps[n - 1]->heapv;
	d->heap_known = ha->has_inuse && hb->has_inuse;
	if (d->heap_known)
		d->heap_inuse_delta = (int64_t)hb->heap_inuse - (int64_t)ha->heap_inuse;
	d->heap_objects_known = ha->has_objects && hb->has_objects;
	if (d->heap_objects_known)
		d->heap_objects_delta = (int64_t)hb->heap_objects - (int64_t)ha->heap_objects;
	d->stack_known = ha->has_stack && hb->has_stack;
	if (d->stack_known)
		d->stack_inuse_delta = (int64_t)hb->stack_inuse - (int64_t)ha->stack_inuse;
	d->classes_known = ha->has_classes && hb->has_classes;
	if (!d->classes_known)
		return;
	d->classes = xcalloc(ha->nclasses + hb->nclasses + 1, sizeof *d->classes);
	const struct gi_heapview *both[2] = {ha, hb};
	for (int w = 0; w < 2; w++)
		for (size_t i = 0; i < both[w]->nclasses; i++) {
			const struct gi_heapclass *c = &both[w]->classes[i];
			bool dup = false;
			for (size_t k = 0; k < d->nclasses && !dup; k++)
				dup = d->classes[k].cls == c->cls;
			if (dup)
				continue;
			struct gi_class_delta *x = &d->classes[d->nclasses++];
			x->cls = c->cls;
			x->size = c->size;
			bool f = false;
			x->objects_before = (uint64_t)class_value(ha, c->cls, false, &f);
			x->bytes_before = (uint64_t)class_value(ha, c->cls, true, &f);
			x->objects_after = (uint64_t)class_value(hb, c->cls, false, &f);
			x->bytes_after = (uint64_t)class_value(hb, c->cls, true, &f);
			x->objects_delta = (int64_t)x->objects_after - (int64_t)x->objects_before;
			x->bytes_delta = (int64_t)x->bytes_after - (int64_t)x->bytes_before;
			x->series = xcalloc(n, sizeof *x->series);
			for (size_t s = 0; s < n; s++) {
				bool ff = false;
				x->series[s] = class_value(&d->snaps[s]->heapv, c->cls, true, &ff);
			}
			x->shape = gi_series_shape(GI_M_CLASS, x->series, n, &x->step_at);
		}
	qsort(d->classes, d->nclasses, sizeof *d->classes, cd_cmp);
}

static uint64_t kind_rss(const struct gi_memory *m, enum gi_map_kind k)
{
	uint64_t r = 0;
	for (size_t i = 0; i < m->nmaps; i++)
		if (m->maps[i].kind == k)
			r += m->maps[i].rss;
	return r;
}

/* ---- the verdict ---- */

static void claim(struct gi_diff *d, const char *kind, int64_t value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void claim(struct gi_diff *d, const char *kind, int64_t value, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	d->claims = xrealloc(d->claims, (d->nclaims + 1) * sizeof *d->claims);
	d->claims[d->nclaims++] = (struct gi_claim){kind, xstrdup(buf), value, -1};
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path ? path : "?";
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

static void write_verdict(struct gi_diff *d)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	char tr[128];
	/* Goroutines: the groups that grew beyond noise, largest first, at most three. */
	size_t said = 0;
	for (size_t i = 0; i < d->ngroups && said < 3; i++) {
		const struct gi_group_delta *g = &d->groups[i];
		uint64_t before = g->a ? g->a->count : 0;
		if (!gi_beyond_noise(GI_M_GOROUTINES, g->delta, before))
			break;  /* sorted: the rest grew less */
		const struct gi_ggroup *gg = g->b;
		const struct gi_gframe *f = gi_group_where(gg);
		char where[512], cby[512] = "", still[256] = "";
		snprintf(where, sizeof where, "%s (%s:%d)", f && f->func ? f->func : "?",
		         base_name(f ? f->file : NULL), f ? f->line : 0);
		if (gg->created_by.func)
			snprintf(cby, sizeof cby, ", created by %s (%s:%d)", gg->created_by.func,
			         base_name(gg->created_by.file), gg->created_by.line);
		if (!before)
			snprintf(still, sizeof still, "; a stack the first snapshot did not have");
		else if (d->stuck_known && g->stuck == before)
			snprintf(still, sizeof still, "; none of the %llu there in the first snapshot "
			         "exited", (unsigned long long)before);
		else if (d->stuck_known)
			snprintf(still, sizeof still, "; %llu of the %llu there in the first snapshot "
			         "are still blocked there", (unsigned long long)g->stuck,
			         (unsigned long long)before);
		bool wait = is_wait(gg->wait_reason);
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
		claim(d, "heap", c->bytes_delta, "heap: %s in %s (%+lld objects)%s",
		      DSZ(c->bytes_delta), what, (long long)c->objects_delta,
		      trend_phrase(tr, sizeof tr, c->shape, c->step_at, d->nsnaps));
		d->claims[d->nclaims - 1].ref = (int64_t)i;
		said++;
	}
	if (!said && d->heap_known &&
	    gi_beyond_noise(GI_M_HEAP, d->heap_inuse_delta, a->heapv.heap_inuse))
		claim(d, "heap", d->heap_inuse_delta, "heap: in use %s (%s -> %s)%s",
		      DSZ(d->heap_inuse_delta), SZ(a->heapv.heap_inuse), SZ(b->heapv.heap_inuse),
		      d->classes_known ? ", no single size class beyond noise" : "");

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
			const struct gi_gframe *f = gi_memsite_where(sd[i].b);
			claim(d, "heap-site", sd[i].bytes, "heap: %s in use allocated at %s (%s:%d), "
			      "%+lld objects%s", DSZ(sd[i].bytes), f && f->func ? f->func : "?",
			      base_name(f ? f->file : NULL), f ? f->line : 0, (long long)sd[i].objects,
			      b->mprof.rate == 1 ? "" : " (heap profile estimate)");
			d->claims[d->nclaims - 1].ref = (int64_t)i;
			said++;
		}
	}

	/* RSS: inside the Go heap's arenas, or outside them. */
	if (a->mem.available && b->mem.available &&
	    gi_beyond_noise(GI_M_RSS, d->rss_delta, a->mem.rss)) {
		uint64_t out_a = a->mem.rss - kind_rss(&a->mem, GI_MAP_GO_HEAP);
		int64_t anon = (int64_t)kind_rss(&b->mem, GI_MAP_ANON) -
		               (int64_t)kind_rss(&a->mem, GI_MAP_ANON);
		if (gi_beyond_noise(GI_M_RSS, d->rss_outside_delta, out_a))
			claim(d, "rss-outside-heap", d->rss_outside_delta, "RSS %s outside the Go heap "
			      "(anonymous memory %s): look at cgo or C allocations",
			      DSZ(d->rss_outside_delta), DSZ(anon));
		else
			claim(d, "rss", d->rss_delta, "RSS %s, %s of it in the Go heap",
			      DSZ(d->rss_delta), DSZ(d->rss_goheap_delta));
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
	d->rss_goheap_delta = (int64_t)kind_rss(&b->mem, GI_MAP_GO_HEAP) -
	                      (int64_t)kind_rss(&a->mem, GI_MAP_GO_HEAP);
	d->rss_outside_delta = d->rss_delta - d->rss_goheap_delta;
	d->gor_series = xcalloc(n, sizeof *d->gor_series);
	d->rss_series = xcalloc(n, sizeof *d->rss_series);
	d->heap_series = xcalloc(n, sizeof *d->heap_series);
	bool heap_all = true;
	for (size_t i = 0; i < n; i++) {
		d->gor_series[i] = (int64_t)snaps[i]->gor_total;
		d->rss_series[i] = (int64_t)snaps[i]->mem.rss;
		d->heap_series[i] = (int64_t)snaps[i]->heapv.heap_inuse;
		heap_all = heap_all && snaps[i]->heapv.has_inuse;
	}
	d->gor_shape = gi_series_shape(GI_M_GOROUTINES, d->gor_series, n, NULL);
	d->rss_shape = gi_series_shape(GI_M_RSS, d->rss_series, n, NULL);
	d->heap_shape = heap_all ? gi_series_shape(GI_M_HEAP, d->heap_series, n, NULL)
	                         : GI_SHAPE_NONE;
	d->stacks_known = a->stacks_available && b->stacks_available;
	if (d->stacks_known)
		match_groups(d);
	match_classes(d);
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
	free(d->gor_series);
	free(d->rss_series);
	free(d->heap_series);
	free(d);
}

/* ---- --fail-on ---- */

int gi_failon_parse(const char *spec, struct gi_failon *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof *f);
	char *copy = xstrdup(spec), *save = NULL;
	int rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq || eq[1] != '+') {
			snprintf(err, errlen, "'%s': want NAME=+LIMIT (goroutines=+100, heap=+64MiB, "
			         "rss=+256MiB)", tok);
			rc = -1;
			break;
		}
		*eq = 0;
		const char *v = eq + 2;
		char *end;
		double x = strtod(v, &end);
		if (end == v || x < 0) {
			snprintf(err, errlen, "'%s=%s': not a number", tok, eq + 1);
			rc = -1;
			break;
		}
		double mult = 1;
		if (!strcmp(tok, "goroutines")) {
			if (*end) {
				snprintf(err, errlen, "'goroutines=%s': a count, without a unit", eq + 1);
				rc = -1;
				break;
			}
			f->goroutines = (int64_t)x;
			f->has_goroutines = true;
			continue;
		}
		if (strcmp(tok, "heap") && strcmp(tok, "rss")) {
			snprintf(err, errlen, "unknown measure '%s' (goroutines, heap, rss)", tok);
			rc = -1;
			break;
		}
		while (*end == ' ')
			end++;
		if (!*end || !strcasecmp(end, "B"))
			mult = 1;
		else if (!strcasecmp(end, "K") || !strcasecmp(end, "KiB") || !strcasecmp(end, "KB"))
			mult = 1024.0;
		else if (!strcasecmp(end, "M") || !strcasecmp(end, "MiB") || !strcasecmp(end, "MB"))
			mult = 1024.0 * 1024;
		else if (!strcasecmp(end, "G") || !strcasecmp(end, "GiB") || !strcasecmp(end, "GB"))
			mult = 1024.0 * 1024 * 1024;
		else {
			snprintf(err, errlen, "'%s=%s': unknown unit (B, KiB, MiB, GiB)", tok, eq + 1);
			rc = -1;
			break;
		}
		if (!strcmp(tok, "heap")) {
			f->heap = (int64_t)(x * mult);
			f->has_heap = true;
		} else {
			f->rss = (int64_t)(x * mult);
			f->has_rss = true;
		}
	}
	free(copy);
	return rc;
}

int gi_failon_check(const struct gi_failon *f, const struct gi_diff *d, FILE *msg,
                    char *err, size_t errlen)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	if (f->has_goroutines && !(a->gor_available && b->gor_available)) {
		snprintf(err, errlen, "--fail-on goroutines: the goroutines were not read in %s "
		         "snapshot", a->gor_available ? "the last" : "the first");
		return -1;
	}
	if (f->has_heap && !d->heap_known) {
		snprintf(err, errlen, "--fail-on heap: the snapshots have no heap figures "
		         "(heap.heap_inuse)");
		return -1;
	}
	if (f->has_rss && !(a->mem.available && b->mem.available)) {
		snprintf(err, errlen, "--fail-on rss: the memory map was not read in %s snapshot",
		         a->mem.available ? "the last" : "the first");
		return -1;
	}
	int crossed = 0;
	if (f->has_goroutines && d->gor_delta > f->goroutines) {
		fprintf(msg, "goinspect: --fail-on goroutines=+%lld crossed: goroutines %+lld\n",
		        (long long)f->goroutines, (long long)d->gor_delta);
		crossed++;
	}
	if (f->has_heap && d->heap_inuse_delta > f->heap) {
		fprintf(msg, "goinspect: --fail-on heap=+%s crossed: heap in use %s\n", SZ(f->heap),
		        DSZ(d->heap_inuse_delta));
		crossed++;
	}
	if (f->has_rss && d->rss_delta > f->rss) {
		fprintf(msg, "goinspect: --fail-on rss=+%s crossed: RSS %s\n", SZ(f->rss),
		        DSZ(d->rss_delta));
		crossed++;
	}
	return crossed;
}
