/* sites.c: the allocation sites of the runtime's heap profile, matched across snapshots. */
#include "analysis/analysis.h"

#include <stdlib.h>

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
	/* sites are the same when their recorded stacks are: compared by symbolized frames, so
	 * two snapshots of one build (or of a restarted PIE program) match */
	for (size_t j = 0; j < b->nsites; j++) {
		const struct gi_memsite *y = &b->sites[j], *x = NULL;
		for (size_t i = 0; i < a->nsites && !x; i++)
			if (!used[i] && gi_frames_equal(a->sites[i].frames, a->sites[i].nframes, y->frames, y->nframes)) {
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
