/* heap.c: the Go heap from the outside.
 *
 * Three phases, like goroutines.c, so the target is stopped only while bytes are copied:
 *  prepare (target running): layouts (runtime.mspan, runtime.heapStatsDelta, runtime.mstats,
 *    runtime.gcControllerState, runtime.p, runtime.mcache), the size-class table, scratch
 *    sized from len(mheap_.allspans) now and pre-faulted;
 *  capture (target stopped): mheap_.allspans, then every span struct (coalesced bulk reads),
 *    runtime.memstats, runtime.gcController, every P's mcache; copying only;
 *  analyze (target running again): per size class totals from the spans, and MemStats as
 *    runtime.readmemstats_m computes them. ReadMemStats first flushes every P's mcache; from
 *    the outside the flush is done on the copy: what the cached spans allocated since they
 *    were cached (allocCount - allocCountBeforeCache) and the mcache's tiny allocations are
 *    added, exactly as mcache.releaseAll adds them.
 */
#include "capture/readers.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SPANS (64u * 1024 * 1024)
#define MAX_PS 65536u
#define MAX_CLASSES 1024u  /* a bound on what is believed of the layouts, not Go's count */

struct gi_heapreader {
	/* layout (prepare) */
	uint64_t a_mheap, a_memstats, a_gcc, a_gcphase, a_allp;
	uint64_t memstats_size, gcc_size, hsd_size;
	struct gi_field h_allspans;
	struct gi_field s_start, s_npages, s_nelems, s_alloccount, s_spanclass, s_state, s_acbc,
		s_elemsize, s_freeindex, s_allocbits;
	struct gi_field ms_stats, ms_numgc, ms_sys[6];
	struct gi_field d_instacks, d_inworkbufs, d_tiny, d_largealloc, d_largeallocn, d_small,
		d_largefree, d_largefreen, d_smallfree;
	struct gi_field c_gcpercent, c_memlimit, c_inuse, c_free, c_released, c_goal, c_sweepdist,
		c_triggered, c_totalalloc, c_totalfree, c_mapped, c_marked;
	bool have_limit_goal;          /* the fields memoryLimitHeapGoal reads */
	/* the release's constants: the memory limit's headroom (a percentage with a minimum from
	 * Go 1.21, a fixed amount before), page size, span states */
	int64_t headroom_pct, headroom_min;
	uint64_t page_size;
	int64_t span_dead, span_inuse, span_manual;
	size_t ncls;                   /* size classes (heapStatsDelta.smallAllocCount's length) */
	size_t nspc;                   /* span classes: ncls * 2 (mcache.alloc's length) */
	size_t nstats;                 /* copies of heapStatsDelta in mstats.heapStats.stats */
	struct gi_field p_mcache, mc_alloc, mc_tiny;
	uint64_t s_lo, s_hi;           /* window of each mspan that is copied */
	uint32_t *class_size;          /* ncls: the target's class_to_size */
	const char *class_size_builtin;  /* the table's copy was used: which table */
	bool have_mcache;
	struct gi_scratch scratch;     /* pre-faulted before the stop */
	uint64_t *spanptrs;            /* pre-allocated for about the span count at prepare */
	uint64_t *sorttmp;             /* the radix sort's second buffer */
	size_t cap_spans;
	/* capture */
	uint64_t nspans;
	const uint8_t **swin;          /* per span: its window in scratch, NULL if unread */
	uint8_t *memstats, *gcc;
	uint32_t gcphase;
	uint64_t nps;
	uint8_t *mcaches;              /* per P: alloc[nspc] pointers then tinyAllocs */
	size_t mcache_stride;
	bool captured;
};

void gi_heapreader_free(struct gi_heapreader *h)
{
	if (!h)
		return;
	gi_scratch_free(&h->scratch);
	free(h->class_size);
	free(h->spanptrs);
	free(h->sorttmp);
	free(h->swin);
	free(h->memstats);
	free(h->gcc);
	free(h->mcaches);
	free(h);
}

int gi_heapreader_prepare(struct gi_target *t, struct gi_heapreader **out, char *err,
                          size_t errlen)
{
	struct gi_layout *d = t->lay;
	*out = NULL;
	if (!d) {
		snprintf(err, errlen, "no runtime layouts");
		return -ENOENT;
	}
	struct gi_heapreader *h = xcalloc(1, sizeof *h);
	const char *hsd = "runtime.heapStatsDelta", *ms = "runtime.mstats";
	const char *gcc = "runtime.gcControllerState", *sp = "runtime.mspan";
	const struct gi_need need[] = {
		GI_NEED_VAR("runtime.mheap_", &h->a_mheap, NULL),
		GI_NEED_VAR("runtime.memstats", &h->a_memstats, &h->memstats_size),
		GI_NEED_VAR("runtime.gcController", &h->a_gcc, &h->gcc_size),
		GI_NEED_VAR("runtime.gcphase", &h->a_gcphase, NULL),
		GI_NEED_FIELD("runtime.mheap", "allspans", &h->h_allspans),
		GI_NEED_FIELD(sp, "startAddr", &h->s_start),
		GI_NEED_FIELD(sp, "npages", &h->s_npages),
		GI_NEED_FIELD(sp, "nelems", &h->s_nelems),
		GI_NEED_FIELD(sp, "allocCount", &h->s_alloccount),
		GI_NEED_FIELD(sp, "spanclass", &h->s_spanclass),
		GI_NEED_FIELD(sp, "state", &h->s_state),
		GI_NEED_FIELD(sp, "allocCountBeforeCache", &h->s_acbc),
		GI_NEED_FIELD(sp, "elemsize", &h->s_elemsize),
		GI_NEED_FIELD(sp, "freeindex", &h->s_freeindex),
		GI_NEED_FIELD(sp, "allocBits", &h->s_allocbits),
		GI_NEED_FIELD(ms, "heapStats.stats", &h->ms_stats),
		GI_NEED_FIELD(ms, "numgc", &h->ms_numgc),
		GI_NEED_FIELD(ms, "stacks_sys", &h->ms_sys[0]),
		GI_NEED_FIELD(ms, "mspan_sys", &h->ms_sys[1]),
		GI_NEED_FIELD(ms, "mcache_sys", &h->ms_sys[2]),
		GI_NEED_FIELD(ms, "buckhash_sys", &h->ms_sys[3]),
		GI_NEED_FIELD(ms, "gcMiscSys", &h->ms_sys[4]),
		GI_NEED_FIELD(ms, "other_sys", &h->ms_sys[5]),
		GI_NEED_FIELD(hsd, "inStacks", &h->d_instacks),
		GI_NEED_FIELD(hsd, "inWorkBufs", &h->d_inworkbufs),
		GI_NEED_FIELD(hsd, "tinyAllocCount", &h->d_tiny),
		GI_NEED_FIELD(hsd, "largeAlloc", &h->d_largealloc),
		GI_NEED_FIELD(hsd, "largeAllocCount", &h->d_largeallocn),
		GI_NEED_FIELD(hsd, "smallAllocCount", &h->d_small),
		GI_NEED_FIELD(hsd, "largeFree", &h->d_largefree),
		GI_NEED_FIELD(hsd, "largeFreeCount", &h->d_largefreen),
		GI_NEED_FIELD(hsd, "smallFreeCount", &h->d_smallfree),
		GI_NEED_FIELD(gcc, "gcPercent", &h->c_gcpercent),
		GI_NEED_FIELD(gcc, "memoryLimit", &h->c_memlimit),
		GI_NEED_FIELD(gcc, "heapInUse", &h->c_inuse),
		GI_NEED_FIELD(gcc, "heapFree", &h->c_free),
		GI_NEED_FIELD(gcc, "heapReleased", &h->c_released),
		GI_NEED_FIELD(gcc, "gcPercentHeapGoal", &h->c_goal),
		GI_NEED_FIELD(gcc, "sweepDistMinTrigger", &h->c_sweepdist),
		GI_NEED_FIELD(gcc, "triggered", &h->c_triggered),
	};
	char what[128], why[256] = "";
	const char *missing = gi_layout_need(d, need, sizeof need / sizeof need[0], what,
	                                     sizeof what);
	if (!missing && gi_layout_type_size(d, hsd, &h->hsd_size) != 0)
		missing = hsd;
	int64_t v;
	if (!missing &&
	    (GI_LAYOUT_CONST(d, &h->span_dead, "runtime.mSpanDead") != 0 ||
	     GI_LAYOUT_CONST(d, &h->span_inuse, "runtime.mSpanInUse") != 0 ||
	     GI_LAYOUT_CONST(d, &h->span_manual, "runtime.mSpanManual") != 0))
		missing = "the constants runtime.mSpanDead, mSpanInUse, mSpanManual";
	if (!missing && (GI_LAYOUT_CONST(d, &v, "runtime.pageSize") != 0 || v <= 0 || (v & (v - 1))))
		missing = "the constant runtime.pageSize";
	h->page_size = (uint64_t)v;
	/* the memory limit's headroom: 3% (memoryLimitHeapGoalHeadroomPercent) but at least
	 * memoryLimitMinHeapGoalHeadroom from Go 1.21; memoryLimitHeapGoalHeadroom before */
	if (!missing && GI_LAYOUT_CONST(d, &h->headroom_pct,
	                                "runtime.memoryLimitHeapGoalHeadroomPercent") == 0) {
		if (GI_LAYOUT_CONST(d, &h->headroom_min, "runtime.memoryLimitMinHeapGoalHeadroom") != 0)
			missing = "the constant runtime.memoryLimitMinHeapGoalHeadroom";
	} else if (!missing) {
		h->headroom_pct = 0;
		if (GI_LAYOUT_CONST(d, &h->headroom_min, "runtime.memoryLimitHeapGoalHeadroom") != 0)
			missing = "the constant runtime.memoryLimitHeapGoalHeadroomPercent";
	}
	/* one counter per size class: as many as the runtime's constant says, and as many as
	 * every array the reader uses has */
	if (!missing) {
		h->ncls = (size_t)(h->d_small.size / 8);
		h->nstats = h->hsd_size ? (size_t)(h->ms_stats.size / h->hsd_size) : 0;
		const char *cname = NULL;
		if (h->ncls < 2 || h->ncls > MAX_CLASSES || h->d_smallfree.size != h->d_small.size) {
			snprintf(why, sizeof why, "runtime.heapStatsDelta.smallAllocCount (%llu bytes) "
			         "and smallFreeCount (%llu) are not one counter per size class",
			         (unsigned long long)h->d_small.size,
			         (unsigned long long)h->d_smallfree.size);
		} else if (gi_layout_const_of(d, (const char *const[]){"internal/runtime/gc.NumSizeClasses",
		                                                       "runtime._NumSizeClasses", NULL},
		                              &v, &cname) == 0 && (uint64_t)v != h->ncls) {
			snprintf(why, sizeof why, "%s is %lld, but heapStatsDelta counts %zu size classes",
			         cname, (long long)v, h->ncls);
		} else if (!cname && !t->release_known) {
			snprintf(why, sizeof why, "no constant internal/runtime/gc.NumSizeClasses");
		} else if (h->nstats < 1 || h->nstats > 16 ||
		           h->nstats * h->hsd_size != h->ms_stats.size) {
			snprintf(why, sizeof why, "runtime.mstats.heapStats.stats is not an array of "
			         "runtime.heapStatsDelta");
		}
		if (why[0])
			missing = why;
	}
	if (missing) {
		snprintf(err, errlen, "%s%s (%s)", why[0] ? "" : "no layout for ", missing,
		         gi_layout_source(d));
		gi_heapreader_free(h);
		return -ENOENT;
	}
	h->nspc = h->ncls * 2;
	h->have_limit_goal = gi_layout_field(d, gcc, "totalAlloc", &h->c_totalalloc) &&
	                     gi_layout_field(d, gcc, "totalFree", &h->c_totalfree) &&
	                     gi_layout_field(d, gcc, "mappedReady", &h->c_mapped) &&
	                     gi_layout_field(d, gcc, "heapMarked", &h->c_marked);
	/* Where the P's mcaches are: needed to do the flush ReadMemStats does. */
	h->have_mcache = gi_layout_var(d, "runtime.allp", &h->a_allp, NULL) == 0 &&
	                 gi_layout_field(d, "runtime.p", "mcache", &h->p_mcache) &&
	                 gi_layout_field(d, "runtime.mcache", "alloc", &h->mc_alloc) &&
	                 h->mc_alloc.size == h->nspc * 8 &&
	                 (GI_LAYOUT_CONST(d, &v, "runtime.numSpanClasses") != 0 ||
	                  (uint64_t)v == h->nspc) &&
	                 gi_layout_field(d, "runtime.mcache", "tinyAllocs", &h->mc_tiny);

	struct gi_field *sf[] = {&h->s_start, &h->s_npages, &h->s_nelems, &h->s_alloccount,
	                         &h->s_spanclass, &h->s_state, &h->s_acbc, &h->s_elemsize,
	                         &h->s_freeindex, &h->s_allocbits};
	gi_fields_window(sf, sizeof sf / sizeof sf[0], &h->s_lo, &h->s_hi);

	/* The size-class table: the target's own (located in a stripped binary by the table's
	 * content), else the copy the release's built-in table has. */
	uint64_t a, sz;
	uint8_t buf[MAX_CLASSES * 2];
	const struct gi_ltab *tab = gi_layout_table(d);
	h->class_size = xcalloc(h->ncls, sizeof *h->class_size);
	if ((gi_layout_var(d, "runtime.class_to_size", &a, &sz) == 0 ||
	     gi_layout_var(d, "internal/runtime/gc.SizeClassToSize", &a, &sz) == 0) &&
	    sz == h->ncls * 2 && gi_remote_read(&t->mem, a, buf, h->ncls * 2) == 0) {
		for (size_t i = 0; i < h->ncls; i++)
			h->class_size[i] = (uint32_t)buf[2 * i] | (uint32_t)buf[2 * i + 1] << 8;
	} else if (tab && tab->nclass_size == h->ncls) {
		for (size_t i = 0; i < h->ncls; i++)
			h->class_size[i] = tab->class_size[i];
		h->class_size_builtin = tab->from;
	} else {
		snprintf(err, errlen, "the size-class table (class_to_size of %zu classes) was not "
		         "found (%s)", h->ncls, gi_layout_source(d));
		gi_heapreader_free(h);
		return -ENOENT;
	}

	/* Scratch and arrays for the stop, sized from the span count now plus headroom and
	 * pre-faulted. Span structs come from fixalloc chunks, so coalesced reads take about
	 * the struct size per span. */
	uint64_t spans[3] = {0}, spansize = 160;
	gi_layout_type_size(d, sp, &spansize);
	if (gi_remote_read(&t->mem, h->a_mheap + h->h_allspans.off, spans, sizeof spans) != 0 ||
	    spans[1] > MAX_SPANS)
		spans[1] = 0;
	h->cap_spans = (size_t)(spans[1] + spans[1] / 4 + 4096);
	h->spanptrs = xmalloc(h->cap_spans * 8);
	h->sorttmp = xmalloc(h->cap_spans * 8);
	h->swin = xmalloc(h->cap_spans * sizeof *h->swin);
	memset(h->spanptrs, 0, h->cap_spans * 8);  /* touched now, not in the stop */
	memset(h->sorttmp, 0, h->cap_spans * 8);
	memset(h->swin, 0, h->cap_spans * sizeof *h->swin);
	h->scratch.min_block = (size_t)(h->cap_spans * (spansize + 16)) + (1u << 20);
	gi_scratch_alloc(&h->scratch, 16);
	h->memstats = xcalloc(1, h->memstats_size);
	h->gcc = xcalloc(1, h->gcc_size);
	h->mcache_stride = h->nspc * 8 + 8;
	*out = h;
	return 0;
}

/* Sorts the span pointers (LSD radix, 11-bit digits, only the digits that vary), drops
 * zeros and duplicates. Returns how many are left. */
static size_t sort_spans(uint64_t *v, size_t n, uint64_t *tmp)
{
	if (!n)
		return 0;
	uint64_t diff = 0;
	for (size_t i = 1; i < n; i++)
		diff |= v[i] ^ v[0];
	uint64_t *a = v, *b = tmp;
	for (int shift = 0; shift < 64; shift += 11) {
		if (!((diff >> shift) & 0x7ff))
			continue;
		size_t count[2049] = {0};
		for (size_t i = 0; i < n; i++)
			count[((a[i] >> shift) & 0x7ff) + 1]++;
		for (size_t d = 0; d < 2048; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++)
			b[count[(a[i] >> shift) & 0x7ff]++] = a[i];
		uint64_t *t = a;
		a = b;
		b = t;
	}
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (a[i] && (k == 0 || a[i] != v[k - 1]))
			v[k++] = a[i];  /* a may be v itself: k <= i, so nothing unread is overwritten */
	return k;
}

struct span_reader {
	struct gi_remote *m;
	struct gi_readreq *r;
	size_t n;
	uint64_t deadline;
	long failed;
	bool cut;
};

static void *read_ranges(void *arg)
{
	struct span_reader *sr = arg;
	const size_t chunk = 256;  /* ranges of up to 4 MiB: the bound is checked often enough */
	for (size_t i = 0; i < sr->n; i += chunk) {
		if (gi_now_ns() >= sr->deadline || gi_signal_caught) {
			sr->cut = true;
			return NULL;
		}
		size_t c = sr->n - i < chunk ? sr->n - i : chunk;
		long f = gi_remote_readv(sr->m, sr->r + i, c);
		if (f < 0) {
			sr->failed = f;
			return NULL;
		}
	}
	return NULL;
}

/* Reads the window of every (sorted) span: runs of descriptors less than a page apart are
 * read as one range into the pre-faulted scratch, by two threads when there are many. */
static int read_spans(struct gi_heapreader *h, struct gi_remote *m, size_t n, uint64_t deadline)
{
	const uint64_t maxgap = 4096, cap = 4u << 20;
	size_t win = h->s_hi - h->s_lo, nr = 0;
	for (size_t i = 0; i < n;) {  /* count the ranges */
		uint64_t lo = h->spanptrs[i] + h->s_lo, hi = lo + win;
		size_t j = i + 1;
		while (j < n && h->spanptrs[j] + h->s_lo <= hi + maxgap &&
		       h->spanptrs[j] + h->s_lo + win - lo <= cap)
			hi = h->spanptrs[j++] + h->s_lo + win;
		nr++;
		i = j;
	}
	struct gi_readreq *r = xcalloc(nr + 1, sizeof *r);
	size_t *first = xcalloc(nr + 1, sizeof *first);
	uint64_t bytes = 0;
	nr = 0;
	for (size_t i = 0; i < n;) {
		uint64_t lo = h->spanptrs[i] + h->s_lo, hi = lo + win;
		size_t j = i + 1;
		while (j < n && h->spanptrs[j] + h->s_lo <= hi + maxgap &&
		       h->spanptrs[j] + h->s_lo + win - lo <= cap)
			hi = h->spanptrs[j++] + h->s_lo + win;
		r[nr] = (struct gi_readreq){lo, gi_scratch_alloc(&h->scratch, hi - lo), hi - lo, 0};
		first[nr++] = i;
		bytes += hi - lo;
		i = j;
	}
	first[nr] = n;
	for (size_t i = 0; i < nr; i++)
		if (!r[i].buf) {
			free(r);
			free(first);
			return -ENOMEM;
		}
	/* Two halves by bytes, the second on a thread of its own. */
	size_t half = 0;
	for (uint64_t acc = 0; half < nr && acc < bytes / 2; half++)
		acc += r[half].len;
	struct span_reader b = {m, r + half, nr - half, deadline, 0, false};
	struct span_reader a = {m, r, half, deadline, 0, false};
	pthread_t th;
	bool threaded = n >= 65536 && nr - half > 0 && pthread_create(&th, NULL, read_ranges, &b) == 0;
	read_ranges(&a);
	if (threaded)
		pthread_join(th, NULL);
	else
		read_ranges(&b);
	int rc = 0;
	if (a.failed < 0 || b.failed < 0)
		rc = (int)(a.failed < 0 ? a.failed : b.failed);
	else if (a.cut || b.cut)
		rc = gi_signal_caught ? -EINTR : -ETIMEDOUT;
	for (size_t g = 0; !rc && g < nr; g++)
		for (size_t i = first[g]; i < first[g + 1]; i++)
			h->swin[i] = r[g].err ? NULL
			                      : (const uint8_t *)r[g].buf + (h->spanptrs[i] + h->s_lo - r[g].addr);
	free(r);
	free(first);
	return rc;
}

int gi_heapreader_capture(struct gi_heapreader *h, struct gi_target *t, uint64_t deadline, char *err,
                    size_t errlen)
{
	struct gi_remote *m = &t->mem;
	uint64_t spans[3] = {0}, allp[3] = {0};
	struct gi_readreq r[6];
	size_t nr = 0;
	r[nr++] = (struct gi_readreq){h->a_mheap + h->h_allspans.off, spans, 24, 0};
	r[nr++] = (struct gi_readreq){h->a_memstats, h->memstats, h->memstats_size, 0};
	r[nr++] = (struct gi_readreq){h->a_gcc, h->gcc, h->gcc_size, 0};
	r[nr++] = (struct gi_readreq){h->a_gcphase, &h->gcphase, 4, 0};
	if (h->have_mcache)
		r[nr++] = (struct gi_readreq){h->a_allp, allp, 24, 0};
	long f = gi_remote_readv(m, r, nr);
	if (f < 0)
		return (int)f;
	if (f > 0) {
		snprintf(err, errlen, "cannot read mheap_, memstats or gcController");
		return -EFAULT;
	}
	if (spans[1] > spans[2] || spans[1] > MAX_SPANS || (spans[1] && !spans[0])) {
		snprintf(err, errlen, "implausible len(runtime.mheap_.allspans) %llu",
		         (unsigned long long)spans[1]);
		return -EFAULT;
	}
	if (allp[1] > MAX_PS)
		allp[1] = 0;
	int rc = gi_stop_check(deadline);
	if (rc)
		return rc;

	/* The span pointer array and the P's. */
	size_t n = spans[1];
	if (n > h->cap_spans) {  /* grew a lot since prepare: costs allocation in the stop */
		h->cap_spans = n;
		h->spanptrs = xrealloc(h->spanptrs, n * 8);
		h->sorttmp = xrealloc(h->sorttmp, n * 8);
		h->swin = xrealloc(h->swin, n * sizeof *h->swin);
	}
	uint64_t *pptrs = xcalloc(allp[1] + 1, 8);
	nr = 0;
	r[nr++] = (struct gi_readreq){spans[0], h->spanptrs, n * 8, 0};
	if (allp[1])
		r[nr++] = (struct gi_readreq){allp[0], pptrs, allp[1] * 8, 0};
	f = gi_remote_readv(m, r, nr);
	if (f < 0) {
		free(pptrs);
		return (int)f;
	}
	if (r[0].err) {
		free(pptrs);
		snprintf(err, errlen, "cannot read runtime.mheap_.allspans: %s", strerror(r[0].err));
		return -EFAULT;
	}
	if (allp[1] && r[1].err)
		allp[1] = 0;
	if ((rc = gi_stop_check(deadline)) != 0) {
		free(pptrs);
		return rc;
	}

	/* Every span struct (the window of the fields used). The descriptors live in the
	 * runtime's fixalloc chunks, so in address order they read as a few thousand ranges. */
	size_t k = sort_spans(h->spanptrs, n, h->sorttmp);
	rc = read_spans(h, m, k, deadline);
	if (rc) {
		free(pptrs);
		return rc;
	}
	h->nspans = k;

	/* Every P's mcache pointer, then its cached spans and tiny count. */
	if (allp[1]) {
		uint64_t *mc = xcalloc(allp[1], 8);
		struct gi_readreq *pr = xcalloc(allp[1], sizeof *pr);
		size_t np = 0;
		for (size_t i = 0; i < allp[1]; i++)
			if (pptrs[i]) {
				pr[np] = (struct gi_readreq){pptrs[i] + h->p_mcache.off, &mc[np], 8, 0};
				np++;
			}
		f = gi_remote_readv(m, pr, np);
		size_t nm = 0;
		struct gi_readreq *pr2 = xcalloc(np * 2 + 1, sizeof *pr2);
		if (f >= 0) {
			h->mcaches = xcalloc(np + 1, h->mcache_stride);
			for (size_t i = 0; i < np; i++) {
				if (pr[i].err || !mc[i])
					continue;
				uint8_t *dst = h->mcaches + nm * h->mcache_stride;
				pr2[nm * 2] = (struct gi_readreq){mc[i] + h->mc_alloc.off, dst,
				                                  h->nspc * 8, 0};
				pr2[nm * 2 + 1] = (struct gi_readreq){mc[i] + h->mc_tiny.off,
				                                      dst + h->nspc * 8, 8, 0};
				nm++;
			}
			if (nm) {
				f = gi_remote_readv(m, pr2, nm * 2);
				for (size_t i = 0; f == 0 && i < nm * 2; i++)
					if (pr2[i].err)
						f = 1;
			}
		}
		free(pr2);
		if (f == 0)
			h->nps = nm;
		else
			h->have_mcache = false;
		free(pr);
		free(mc);
		if (f < 0 && f == -ESRCH) {
			free(pptrs);
			return (int)f;
		}
	} else {
		h->have_mcache = false;
	}
	free(pptrs);
	h->captured = true;
	return 0;
}

static uint64_t sfield(const struct gi_heapreader *h, const uint8_t *w, const struct gi_field *f)
{
	return gi_field_get(w, h->s_lo, f);
}

static uint64_t hsd_sum(const struct gi_heapreader *h, const struct gi_field *f, size_t idx)
{
	uint64_t v = 0;
	for (size_t g = 0; g < h->nstats; g++)
		v += gi_le(h->memstats + h->ms_stats.off + g * h->hsd_size + f->off + idx * 8, 8);
	return v;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int large_bucket(uint64_t bytes)
{
	int b = 0;
	while (b < GI_LARGE_HIST - 1 && bytes >= (1ull << (b + 15)))
		b++;
	return b;
}

/* Printable runs of at least 6 bytes in a copy of an object, counted (at most 16 per object,
 * each cut at 64 bytes). */
static void count_strings(struct gi_counts *c, const uint8_t *p, size_t n)
{
	size_t run = 0, found = 0;
	for (size_t i = 0; i <= n && found < 16; i++) {
		bool pr = i < n && p[i] >= 0x20 && p[i] < 0x7f;
		if (pr) {
			run++;
			continue;
		}
		if (run >= 6) {
			char s[65];
			size_t l = run > 64 ? 64 : run;
			memcpy(s, p + i - run, l);
			s[l] = 0;
			gi_counts_add(c, s, 1);
			found++;
		}
		run = 0;
	}
}

#define STRINGS_CLASSES 8      /* the classes with the most bytes get the larger sample */
#define STRINGS_OBJECTS 256    /* objects sampled in each of those */
#define STRINGS_OBJECTS_REST 64  /* objects sampled in every other class */
#define STRINGS_KEEP 20        /* strings kept per class */

/* After the resume: a bounded sample of live objects of every class (more of the classes
 * with the most bytes), read now (the program runs: an object may have been freed and
 * reused since; the sample is a hint). */
static void sample_strings(struct gi_heapreader *h, struct gi_target *t, struct gi_heap *out)
{
	/* classes by bytes */
	int *order = xcalloc(out->nclasses + 1, sizeof *order);
	size_t n = 0;
	for (size_t i = 0; i < out->nclasses; i++)
		if (out->classes[i].objects)
			order[n++] = (int)i;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && out->classes[order[j]].bytes >
		                                out->classes[order[j - 1]].bytes; j--) {
			int x = order[j];
			order[j] = order[j - 1];
			order[j - 1] = x;
		}
	/* The in-use spans of each class, as lists (one pass over the spans). */
	size_t *head = xmalloc(h->ncls * sizeof *head);
	for (size_t c = 0; c < h->ncls; c++)
		head[c] = SIZE_MAX;
	size_t *next = xmalloc((h->nspans + 1) * sizeof *next);
	for (size_t i = h->nspans; i-- > 0;) {
		const uint8_t *w = h->swin[i];
		if (!w || sfield(h, w, &h->s_state) != (uint64_t)h->span_inuse ||
		    !sfield(h, w, &h->s_alloccount))
			continue;
		unsigned c = (unsigned)(sfield(h, w, &h->s_spanclass) >> 1);
		if (c >= h->ncls)
			continue;
		next[i] = head[c];
		head[c] = i;
	}
	uint8_t *obj = xmalloc(4096);
	for (size_t oi = 0; oi < n; oi++) {
		struct gi_heap_class *hc = &out->classes[order[oi]];
		uint64_t want = oi < STRINGS_CLASSES ? STRINGS_OBJECTS : STRINGS_OBJECTS_REST;
		for (size_t i = head[hc->cls]; i != SIZE_MAX && hc->sampled < want; i = next[i]) {
			const uint8_t *w = h->swin[i];
			uint64_t start = sfield(h, w, &h->s_start);
			uint64_t elem = sfield(h, w, &h->s_elemsize);
			uint64_t nel = sfield(h, w, &h->s_nelems);
			uint64_t fi = sfield(h, w, &h->s_freeindex);
			uint64_t bits = sfield(h, w, &h->s_allocbits);
			if (!elem || nel > 65536)
				continue;
			uint8_t ab[8192];
			size_t nb = (nel + 7) / 8;
			if (!bits || gi_remote_read(&t->mem, bits, ab, nb) != 0)
				continue;
			for (uint64_t o = 0; o < nel && hc->sampled < want; o++) {
				/* allocated: below freeindex, or its allocBits bit set */
				if (o >= fi && !(ab[o / 8] >> (o % 8) & 1))
					continue;
				size_t len = elem > 4096 ? 4096 : elem;
				if (gi_remote_read(&t->mem, start + o * elem, obj, len) != 0)
					continue;
				count_strings(&hc->strings, obj, len);
				hc->sampled++;
			}
		}
		gi_counts_sort_desc(&hc->strings);
		for (size_t j = STRINGS_KEEP; j < hc->strings.n; j++)
			free(hc->strings.v[j].key);
		if (hc->strings.n > STRINGS_KEEP)
			hc->strings.n = STRINGS_KEEP;
	}
	free(obj);
	free(next);
	free(head);
	free(order);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The C library's malloc heaps, which the Go runtime never uses: [heap] (brk), and glibc's
 * per-thread arenas: 64 MiB-aligned reservations (HEAP_MAX_SIZE), read-write at the start
 * and PROT_NONE for the rest of the 64 MiB. */
static bool c_heap(const struct gi_memory *mem, size_t i)
{
	const struct gi_mapping *mp = &mem->maps[i];
	const uint64_t arena = 64ull << 20;
	if (mp->path)
		return !strcmp(mp->path, "[heap]");
	if (mp->start % arena || strncmp(mp->perms, "rw", 2))
		return false;
	if (mp->end - mp->start == arena)
		return true;
	const struct gi_mapping *nx = i + 1 < mem->nmaps ? &mem->maps[i + 1] : NULL;
	return nx && !nx->path && nx->start == mp->end && !strncmp(nx->perms, "---", 3) &&
	       nx->end == mp->start + arena;
}

/* Where the resident memory goes, from the classified mappings and the runtime's counters.
 * smaps gives residency per mapping, not per page: inside the heap arenas the resident bytes
 * are given first to goroutine stacks (used as soon as allocated), then to spans in use, the
 * rest is free but resident; outside
 * them, the C library's malloc heaps (never used by the Go runtime) are outside it, and
 * other anonymous memory is given first to the runtime's own metadata (as much as it has
 * mapped, resident or not), the rest is memory the Go runtime does not manage (C malloc,
 * mmap by C code). So outside_go is a lower bound and runtime_metadata an upper bound: they
 * can be off by at most the runtime's metadata that is mapped but not resident. */
static void rss_breakdown(struct gi_heap *o, const struct gi_memory *mem)
{
	uint64_t heap = 0, anon = 0;
	memset(&o->rss, 0, sizeof o->rss);
	for (size_t i = 0; i < mem->nmaps; i++) {
		const struct gi_mapping *mp = &mem->maps[i];
		switch (mp->kind) {
		case GI_MAP_GO_HEAP: heap += mp->rss; break;
		case GI_MAP_ANON:
			if (c_heap(mem, i))
				o->rss.outside_go += mp->rss;
			else
				anon += mp->rss;
			break;
		case GI_MAP_STACK: o->rss.thread_stacks += mp->rss; break;
		case GI_MAP_EXE: case GI_MAP_LIB: case GI_MAP_FILE:
			o->rss.binary_and_libraries += mp->rss;
			break;
		default: o->rss.other += mp->rss; break;
		}
	}
	o->rss.go_stacks = min_u64(heap, o->stack_inuse);
	o->rss.go_heap_inuse = min_u64(heap - o->rss.go_stacks, o->heap_inuse);
	o->rss.go_heap_free = heap - o->rss.go_heap_inuse - o->rss.go_stacks;
	uint64_t meta = o->sys - o->heap_sys - o->stack_inuse;
	o->rss.runtime_metadata = min_u64(anon, meta);
	o->rss.outside_go += anon - o->rss.runtime_metadata;
	o->rss_available = true;
}

void gi_heapreader_analyze(struct gi_heapreader *h, struct gi_target *t, struct gi_snapshot *s)
{
	struct gi_heap *o = &s->heap;
	if (!h || !h->captured)
		return;
	struct gi_heap_class *cl = xcalloc(h->ncls, sizeof *cl);
	for (size_t c = 0; c < h->ncls; c++) {
		cl[c].cls = c;
		cl[c].size = h->class_size[c];
	}
	/* The span walk. */
	uint64_t (*sorted)[2] = xmalloc((h->nspans + 1) * 16);  /* in-use spans: address, index */
	size_t nsorted = 0;
	uint64_t unread = 0;
	for (size_t i = 0; i < h->nspans; i++) {
		const uint8_t *w = h->swin[i];
		if (!w) {
			unread++;
			continue;
		}
		o->spans_total++;
		uint64_t st = sfield(h, w, &h->s_state);
		uint64_t npages = sfield(h, w, &h->s_npages);
		if (st == (uint64_t)h->span_manual) {
			o->spans_manual++;
			o->manual_pages += npages;
			continue;
		}
		if (st != (uint64_t)h->span_inuse) {
			o->spans_dead++;
			continue;
		}
		o->spans_inuse++;
		sorted[nsorted][0] = h->spanptrs[i];
		sorted[nsorted++][1] = i;
		unsigned spc = (unsigned)sfield(h, w, &h->s_spanclass);
		size_t c = spc >> 1;
		if (c >= h->ncls)
			continue;
		uint64_t ac = sfield(h, w, &h->s_alloccount);
		uint64_t elem = sfield(h, w, &h->s_elemsize);
		struct gi_heap_class *k = &cl[c];
		k->spans++;
		k->pages += npages;
		k->objects += ac;
		k->slots += sfield(h, w, &h->s_nelems);
		k->bytes += ac * elem;
		if (c == 0 && ac)
			o->large_hist[large_bucket(elem)]++;
		o->walk_objects += ac;
		o->walk_bytes += ac * elem;
		o->walk_inuse_bytes += npages * h->page_size;
	}
	qsort(sorted, nsorted, 16, u64_cmp);

	/* MemStats, as readmemstats_m computes them after flushing every mcache. */
	uint64_t nmalloc = hsd_sum(h, &h->d_largeallocn, 0);
	uint64_t nfree = hsd_sum(h, &h->d_largefreen, 0);
	uint64_t talloc = hsd_sum(h, &h->d_largealloc, 0);
	uint64_t tfree = hsd_sum(h, &h->d_largefree, 0);
	cl[0].mallocs = nmalloc;
	cl[0].frees = nfree;
	for (size_t c = 1; c < h->ncls; c++) {
		cl[c].mallocs = hsd_sum(h, &h->d_small, c);
		cl[c].frees = hsd_sum(h, &h->d_smallfree, c);
	}
	uint64_t tiny = hsd_sum(h, &h->d_tiny, 0);
	/* The flush: what cached spans allocated since they were cached, and tiny counts. */
	for (size_t p = 0; h->have_mcache && p < h->nps; p++) {
		const uint8_t *mc = h->mcaches + p * h->mcache_stride;
		tiny += gi_le(mc + h->nspc * 8, 8);
		for (size_t spc = 0; spc < h->nspc; spc++) {
			uint64_t sa = gi_le(mc + spc * 8, 8);
			if (!sa)
				continue;
			const uint64_t *hit = bsearch(&sa, sorted, nsorted, 16, u64_cmp);
			if (!hit)
				continue;  /* emptymspan, or not in use */
			const uint8_t *w = h->swin[hit[1]];
			int64_t used = (int64_t)sfield(h, w, &h->s_alloccount) -
			               (int64_t)sfield(h, w, &h->s_acbc);
			size_t c = sfield(h, w, &h->s_spanclass) >> 1;
			if (used > 0 && c > 0 && c < h->ncls) {
				cl[c].mallocs += (uint64_t)used;
				o->unflushed_objects += (uint64_t)used;
				o->unflushed_bytes += (uint64_t)used * sfield(h, w, &h->s_elemsize);
			}
		}
	}
	free(sorted);
	for (size_t c = 1; c < h->ncls; c++) {
		nmalloc += cl[c].mallocs;
		nfree += cl[c].frees;
		talloc += cl[c].mallocs * h->class_size[c];
		tfree += cl[c].frees * h->class_size[c];
	}
	for (size_t c = 0; c < h->ncls; c++)
		cl[c].have_counts = true;
	o->mallocs = nmalloc + tiny;
	o->frees = nfree + tiny;
	o->heap_objects = nmalloc - nfree;
	o->total_alloc = talloc;
	o->heap_alloc = talloc - tfree;
	const uint8_t *g = h->gcc;
	uint64_t inuse = gi_le(g + h->c_inuse.off, 8), hfree = gi_le(g + h->c_free.off, 8);
	uint64_t rel = gi_le(g + h->c_released.off, 8);
	o->heap_inuse = inuse;
	o->heap_released = rel;
	o->heap_idle = hfree + rel;
	o->heap_sys = inuse + hfree + rel;
	o->stack_inuse = hsd_sum(h, &h->d_instacks, 0);
	uint64_t wbufs = hsd_sum(h, &h->d_inworkbufs, 0);
	uint64_t sys = 0;
	for (int i = 0; i < 6; i++)
		sys += gi_le(h->memstats + h->ms_sys[i].off, 8);
	o->stack_sys = o->stack_inuse + gi_le(h->memstats + h->ms_sys[0].off, 8);
	o->sys = o->heap_sys + sys + o->stack_inuse + wbufs;
	o->num_gc = gi_le(h->memstats + h->ms_numgc.off, 4);
	o->gogc = (int32_t)gi_le(g + h->c_gcpercent.off, 4);
	o->memory_limit = (int64_t)gi_le(g + h->c_memlimit.off, 8);
	o->gc_in_progress = h->gcphase != 0;
	/* gcControllerState.heapGoalInternal (mgcpacer.go), as heapGoal() computes it in
	 * readmemstats_m, after the flush (which adds what cached spans allocated to
	 * gcController.totalAlloc). */
	uint64_t goal = gi_le(g + h->c_goal.off, 8);
	uint64_t limgoal = UINT64_MAX;
	if (h->have_limit_goal) {
		uint64_t lim = (uint64_t)o->memory_limit;
		uint64_t halloc = gi_le(g + h->c_totalalloc.off, 8) + o->unflushed_bytes -
		                  gi_le(g + h->c_totalfree.off, 8);
		uint64_t mapped = gi_le(g + h->c_mapped.off, 8), marked = gi_le(g + h->c_marked.off, 8);
		uint64_t nonheap = mapped - hfree - halloc, over = mapped > lim ? mapped - lim : 0;
		if (nonheap + over >= lim) {
			limgoal = marked;
		} else {
			limgoal = lim - (nonheap + over);
			/* headroom: memoryLimitHeapGoalHeadroom through 1.20; from 1.21
			 * memoryLimitHeapGoalHeadroomPercent, at least memoryLimitMinHeapGoalHeadroom */
			uint64_t room = (uint64_t)h->headroom_min;
			if (h->headroom_pct > 0 && limgoal / 100 * (uint64_t)h->headroom_pct > room)
				room = limgoal / 100 * (uint64_t)h->headroom_pct;
			limgoal = (limgoal < room || limgoal - room < room) ? room : limgoal - room;
			if (limgoal < marked)
				limgoal = marked;
		}
	} else if (o->memory_limit != INT64_MAX) {
		o->next_gc_note = xstrdup("a memory limit is set, but the fields its goal is computed "
		                          "from are missing from the DWARF: next_gc is the GOGC goal, "
		                          "an upper bound");
	}
	if (limgoal < goal) {
		goal = limgoal;
	} else {
		uint64_t sweepdist = gi_le(g + h->c_sweepdist.off, 8);
		uint64_t trig = gi_le(g + h->c_triggered.off, 8);
		if (sweepdist > goal)
			goal = sweepdist;
		if (trig != UINT64_MAX && goal < trig + (64u << 10))
			goal = trig + (64u << 10);
	}
	o->next_gc = goal;
	/* Classes that have anything. */
	o->classes = xcalloc(h->ncls, sizeof *o->classes);
	for (size_t c = 0; c < h->ncls; c++)
		if (cl[c].spans || cl[c].mallocs != cl[c].frees)
			o->classes[o->nclasses++] = cl[c];
	free(cl);
	o->available = true;
	o->size_class_count = h->ncls;
	o->has_inuse = o->has_objects = o->has_stack = o->has_classes = true;
	if (h->class_size_builtin)
		gi_snapshot_add_warning(s, "heap: the size-class table was not found in the "
		                           "target; the built-in table's, from %s, was used",
		                        h->class_size_builtin);
	if (unread)
		gi_snapshot_add_warning(s, "heap: %llu span descriptors could not be read: the size "
		                           "classes leave them out", (unsigned long long)unread);
	if (!h->have_mcache)
		gi_snapshot_add_warning(s, "heap: the P's mcaches could not be read: heap_objects and "
		                           "heap_alloc leave out what cached spans allocated");
	if (s->mem.available)
		rss_breakdown(o, &s->mem);
	sample_strings(h, t, o);
}
