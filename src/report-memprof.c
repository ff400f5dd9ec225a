/* report-memprof.c: the runtime's heap profile in show and diff: live memory by allocation
 * site, and which sites grew. */
#include "goinspect.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define SZ(v) gi_fmt_size((char[32]){0}, 32, (int64_t)(v), false)
#define DSZ(v) gi_fmt_size((char[32]){0}, 32, (int64_t)(v), true)

/* The frame a reader wants first: the innermost in the program's own code, else the
 * innermost outside the runtime, else the outermost. */
const struct gi_gframe *gi_memsite_where(const struct gi_memsite *m)
{
	for (size_t i = 0; i < m->nframes; i++)
		if (gi_func_is_user(m->frames[i].func))
			return &m->frames[i];
	for (size_t i = 0; i < m->nframes; i++)
		if (strncmp(m->frames[i].func, "runtime.", 8) &&
		    strncmp(m->frames[i].func, "internal/runtime/", 17))
			return &m->frames[i];
	/* Only runtime frames (the allocation was made on the runtime's behalf): the outermost
	 * says more than runtime.mallocgc. */
	return m->nframes ? &m->frames[m->nframes - 1] : NULL;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static void print_where(FILE *out, const struct gi_memsite *m)
{
	const struct gi_gframe *f = gi_memsite_where(m);
	if (f)
		fprintf(out, "%s (%s:%d)", f->func, base(f->file), f->line);
	else
		fprintf(out, "?");
}

void gi_report_memprof_show(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o)
{
	const struct gi_memprof *p = &s->mprof;
	fprintf(out, "\nAllocation sites (the runtime's heap profile");
	if (p->rate == 1)
		fprintf(out, ", every allocation recorded");
	else if (p->rate > 0)
		fprintf(out, ", one sample per %s allocated; figures are estimates", SZ(p->rate));
	fprintf(out, "):\n");
	if (!p->available || !p->nsites) {
		fprintf(out, "  %s\n", p->note ? p->note : "not read");
		return;
	}
	if (p->note)
		fprintf(out, "  %s\n", p->note);
	fprintf(out, "  %10s %10s %10s %10s  %s\n", "INUSE", "OBJECTS", "ALLOC", "OBJECTS",
	        "WHERE (first frame in the program's own code)");
	size_t shown = 0, rest = 0;
	int64_t rest_bytes = 0;
	for (size_t i = 0; i < p->nsites; i++) {
		const struct gi_memsite *m = &p->sites[i];
		if (!m->est_inuse_bytes && !m->est_alloc_bytes)
			continue;
		if ((o && o->top > 0 && shown >= (size_t)o->top) || (!(o && o->top) && shown >= 20)) {
			rest++;
			rest_bytes += m->est_inuse_bytes;
			continue;
		}
		fprintf(out, "  %10s %10lld %10s %10lld  ", SZ(m->est_inuse_bytes),
		        (long long)m->est_inuse_objects, SZ(m->est_alloc_bytes),
		        (long long)m->est_alloc_objects);
		print_where(out, m);
		fprintf(out, "\n");
		for (size_t j = 0; o && o->alloc_stacks && j < m->nframes; j++)
			fprintf(out, "  %43s %s\n  %43s     %s:%d\n", "", m->frames[j].func, "",
			        m->frames[j].file, m->frames[j].line);
		shown++;
	}
	if (rest)
		fprintf(out, "  %10s %10s %10s %10s  ... %zu more sites\n", SZ(rest_bytes), "", "", "",
		        rest);
}

/* Sites are the same when their recorded stacks are: compared by symbolized frames, so two
 * snapshots of one build (or of a restarted PIE program) match. */
static bool same_site(const struct gi_memsite *x, const struct gi_memsite *y)
{
	if (x->nframes != y->nframes)
		return false;
	for (size_t i = 0; i < x->nframes; i++)
		if (x->frames[i].line != y->frames[i].line || strcmp(x->frames[i].func, y->frames[i].func) ||
		    strcmp(x->frames[i].file, y->frames[i].file))
			return false;
	return true;
}

static int sdelta_cmp(const void *x, const void *y)
{
	const struct gi_site_delta *p = x, *q = y;
	int64_t ap = p->bytes < 0 ? -p->bytes : p->bytes, aq = q->bytes < 0 ? -q->bytes : q->bytes;
	if (p->bytes != q->bytes && (p->bytes > 0) != (q->bytes > 0))
		return p->bytes > q->bytes ? -1 : 1;  /* growth first */
	return (ap < aq) - (ap > aq);
}

struct gi_site_delta *gi_memsite_deltas(const struct gi_memprof *a, const struct gi_memprof *b,
                                        size_t *n)
{
	struct gi_site_delta *d = xcalloc(a->nsites + b->nsites + 1, sizeof *d);
	bool *used = xcalloc(a->nsites + 1, sizeof *used);
	size_t k = 0;
	for (size_t j = 0; j < b->nsites; j++) {
		const struct gi_memsite *y = &b->sites[j], *x = NULL;
		for (size_t i = 0; i < a->nsites && !x; i++)
			if (!used[i] && same_site(&a->sites[i], y)) {
				x = &a->sites[i];
				used[i] = true;
			}
		int64_t db = y->est_inuse_bytes - (x ? x->est_inuse_bytes : 0);
		if (db)
			d[k++] = (struct gi_site_delta){x, y, db,
			                             y->est_inuse_objects - (x ? x->est_inuse_objects : 0)};
	}
	for (size_t i = 0; i < a->nsites; i++)
		if (!used[i] && a->sites[i].est_inuse_bytes)
			d[k++] = (struct gi_site_delta){&a->sites[i], NULL, -a->sites[i].est_inuse_bytes,
			                             -a->sites[i].est_inuse_objects};
	free(used);
	qsort(d, k, sizeof *d, sdelta_cmp);
	*n = k;
	return d;
}

void gi_report_memprof_diff(FILE *out, const struct gi_diff *d, const struct gi_report_opts *o)
{
	const struct gi_snapshot *a = d->snaps[0], *b = d->snaps[d->nsnaps - 1];
	if (!a->mprof.nsites && !b->mprof.nsites)
		return;
	size_t n = d->nsites;
	const struct gi_site_delta *sd = d->sites;
	fprintf(out, "\nAllocation sites by growth of memory in use (heap profile, estimates):\n");
	if (!n)
		fprintf(out, "  no change\n");
	else
		fprintf(out, "  %10s %10s %10s  %s\n", "BEFORE", "AFTER", "DELTA", "WHERE");
	size_t max = o && o->top > 0 ? (size_t)o->top : 10;
	for (size_t i = 0; i < n && i < max; i++) {
		const struct gi_memsite *m = sd[i].b ? sd[i].b : sd[i].a;
		fprintf(out, "  %10s %10s %10s  ", SZ(sd[i].a ? sd[i].a->est_inuse_bytes : 0),
		        SZ(sd[i].b ? sd[i].b->est_inuse_bytes : 0), DSZ(sd[i].bytes));
		print_where(out, m);
		fprintf(out, "%s\n", !sd[i].a ? "  (new)" : !sd[i].b ? "  (gone)" : "");
	}
}

void *gi_report_memprof_diff_json(const struct gi_diff *d)
{
	size_t n = d->nsites;
	const struct gi_site_delta *sd = d->sites;
	json_t *sites = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct gi_memsite *m = sd[i].b ? sd[i].b : sd[i].a;
		json_t *frames = json_array();
		for (size_t j = 0; j < m->nframes; j++)
			json_array_append_new(frames, json_pack("{s:s, s:s, s:i}", "function",
			                                        m->frames[j].func, "file",
			                                        m->frames[j].file, "line", m->frames[j].line));
		json_array_append_new(sites, json_pack(
			"{s:I, s:I, s:I, s:I, s:o}", "inuse_bytes_delta", (json_int_t)sd[i].bytes,
			"inuse_objects_delta", (json_int_t)sd[i].objects,
			"inuse_bytes_before", (json_int_t)(sd[i].a ? sd[i].a->est_inuse_bytes : 0),
			"inuse_bytes_after", (json_int_t)(sd[i].b ? sd[i].b->est_inuse_bytes : 0),
			"frames", frames));
	}
	return json_pack("{s:o}", "sites", sites);
}
