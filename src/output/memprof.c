/* report-memprof.c: the runtime's heap profile in show and diff: live memory by allocation
 * site, and which sites grew. */
#include "output/output.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>


static void print_where(FILE *out, const struct gi_memsite *m)
{
	const struct gi_frame *f = gi_memsite_where(m);
	if (f)
		fprintf(out, "%s (%s:%d)", f->func, gi_basename(f->file), f->line);
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
		fprintf(out, ", one sample per %s allocated; figures are estimates", GI_SIZE(p->rate));
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
		fprintf(out, "  %10s %10lld %10s %10lld  ", GI_SIZE(m->est_inuse_bytes),
		        (long long)m->est_inuse_objects, GI_SIZE(m->est_alloc_bytes),
		        (long long)m->est_alloc_objects);
		print_where(out, m);
		fprintf(out, "\n");
		for (size_t j = 0; o && o->alloc_stacks && j < m->nframes; j++)
			fprintf(out, "  %43s %s\n  %43s     %s:%d\n", "", m->frames[j].func, "",
			        m->frames[j].file, m->frames[j].line);
		shown++;
	}
	if (rest)
		fprintf(out, "  %10s %10s %10s %10s  ... %zu more sites\n", GI_SIZE(rest_bytes), "", "", "",
		        rest);
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
		fprintf(out, "  %10s %10s %10s  ", GI_SIZE(sd[i].a ? sd[i].a->est_inuse_bytes : 0),
		        GI_SIZE(sd[i].b ? sd[i].b->est_inuse_bytes : 0), GI_DSIZE(sd[i].bytes));
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
