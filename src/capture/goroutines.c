/* goroutines.c: the walk over runtime.allgs.
 *
 * Three phases, so the target is stopped only while bytes are copied:
 *  prepare (target running): layouts from DWARF, runtime.waitReasonStrings, the function table;
 *  capture (target stopped): allglen, allgs, a window of each g, sched, every P, heap arenas;
 *  analyze (target running again): counts, exactly as the runtime computes them:
 *    NumGoroutine() = allglen - free g's (sched and every P) - sched.ngsys   (runtime.gcount)
 *    system goroutines as runtime.isSystemGoroutine classifies them (by start function).
 */
#include "capture/readers.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GS (50u * 1000 * 1000)
#define MAX_PS 65536u
#define MAX_ARENAS (1u << 22)

struct gi_goreader {
	/* layout (prepare) */
	uint64_t a_allgs, a_allglen, a_sched, a_allp, a_mheap, a_fing, a_allm;
	struct gi_field m_procid, m_curg, m_alllink;  /* to find a running goroutine's thread */
	struct gi_field g_status, g_waitreason, g_startpc, g_running_cleanups;
	struct gi_field g_stack_lo, g_stack_hi, g_sched_sp, g_sched_pc, g_syscallsp, g_syscallpc;
	struct gi_field g_goid, g_waitsince, g_gopc, g_parent_goid, g_labels, g_lockedm, g_m;
	struct gi_field g_sched_bp, g_waiting;  /* only to tell a goroutine that parked again */
	struct gi_field s_ngsys, s_free_n, s_free_stack, s_free_nostack;
	struct gi_field p_free;
	struct gi_field h_allarenas;
	uint64_t fing_size;          /* 4: fingStatus (1.21+) or fingRunning (1.19/1.20) */
	bool fing_is_status;
	int go_minor;                /* for the runtime's rules no binary states (gi_go_rule) */
	uint64_t fing_running;       /* the bit of fingStatus: runtime.fingRunningFinalizer */
	uint64_t arena_bytes, arena_base;  /* runtime.heapArenaBytes, arenaBaseOffsetUintptr */
	struct gi_gstatus gs;        /* the release's goroutine statuses */
	int name_pieces;             /* how the runtime prints function names */
	/* pprof label sets behind g.labels (*labelMap): a slice of {key, value string} (Go 1.24
	 * on), or a classic map[string]string (hmap and buckets of bucketCnt cells) */
	bool labels_known, labels_slice;
	uint64_t lab_list, lab_elem, lab_key, lab_value;
	uint64_t hm_count, hm_flags_b, hm_buckets, hm_old;
	uint64_t bk_cnt, bk_size, bk_keys, bk_values, bk_overflow, min_tophash;
	uint64_t g_lo, g_hi;         /* window of each g that is copied */
	char **wrs;                  /* wait reason strings */
	struct gi_remote *mem;          /* the target's memory, for reads after the stop */
	const struct gi_tidmap *tids;   /* thread IDs as the target's namespace has them */
	size_t nwrs;
	struct gi_pcln *pcln;
	/* capture */
	uint64_t allglen;
	uint64_t *gptrs;
	const uint8_t **gwin;        /* per g: its window [g_lo, g_hi) in scratch, NULL if unread */
	const uint8_t **gstk;        /* per g: copy of its live stack [sp, stack.hi), NULL if none */
	uint64_t *gstk_base;         /* target address of gstk[i][0] */
	uint32_t *gstk_len;
	uint64_t *gstk_pc;           /* where to start unwinding: a thread's pc for running ones */
	bool *gstk_trap;             /* gstk_pc is an interrupted instruction, not a return address */
	int *gtid;                   /* the thread running it, 0 if none */
	bool stacks;                 /* stacks are captured */
	bool consistent;             /* every stack copied during the stop (--consistent) */
	bool stopped;                /* the capture was made with the target stopped */
	size_t n_now;                /* allglen when prepared: sizes the scratch */
	uint64_t gsize;              /* sizeof(runtime.g) */
	uint32_t *gchain;            /* per g: its unwound pc chain (id in chains), 0 if none */
	struct chains *chains;
	struct gi_scratch scratch;   /* pre-faulted before the stop */
	struct gi_scratch scratch2;  /* for the second stack reader */
	bool stacks_cut;             /* the stop bound passed while stacks were copied */
	bool *gchanged;              /* --no-stop: the goroutine moved while it was read */
	uint64_t nchanged;
	size_t ngs;
	int64_t sched_free, ngsys, p_free_sum;
	size_t nps;
	uint64_t fing;
	uint64_t (*arenas)[2];
	size_t narenas;
	bool captured;
	char *capture_error;
	uint64_t now_mono;           /* CLOCK_MONOTONIC when copied: the runtime's nanotime() */
};

static bool var(struct gi_layout *d, const char *name, uint64_t *addr)
{
	return gi_layout_var(d, name, addr, NULL) == 0;
}

/* Reads runtime.waitReasonStrings ([N]string) from the running target. */
static void read_wait_reasons(struct gi_goreader *g, struct gi_target *t)
{
	uint64_t addr, size;
	if (gi_layout_var(t->lay, "runtime.waitReasonStrings", &addr, &size) != 0 || size % 16 ||
	    size == 0 || size > 16 * 4096)
		return;
	size_t n = size / 16;
	uint64_t *hdr = xmalloc(size);
	if (gi_remote_read(&t->mem, addr, hdr, size) != 0) {
		free(hdr);
		return;
	}
	g->wrs = xcalloc(n, sizeof *g->wrs);
	g->nwrs = n;
	for (size_t i = 0; i < n; i++) {
		uint64_t p = hdr[2 * i], len = hdr[2 * i + 1];
		if (len == 0 || len > 256 || !p) {
			g->wrs[i] = xstrdup("");
			continue;
		}
		char *s = xcalloc(1, len + 1);
		if (gi_remote_read(&t->mem, p, s, len) != 0)
			s[0] = 0;
		g->wrs[i] = s;
	}
	free(hdr);
}

/* How the release keeps a goroutine's pprof labels, from its layouts (no version compared):
 * labelMap holds a slice of labels {key, value string} (LabelSet.list in Go 1.24 and 1.25,
 * Set.List of internal/runtime/pprof/label.Label from 1.26), or labelMap is itself a
 * map[string]string (through 1.23): a classic hash map (runtime.hmap: count, flags, B,
 * buckets, oldbuckets), whose buckets, as the compiler lays them out for map[string]string,
 * hold bucketCnt tophash bytes, the keys, the values and the overflow pointer; a tophash below
 * minTopHash marks an empty or evacuated cell. labels_known stays false when the release has
 * another shape (or no runtime/pprof): then label sets are said to be unreadable. */
static void label_shape(struct gi_goreader *g, struct gi_layout *d)
{
	const char *lm = "runtime/pprof.labelMap";
	struct gi_field f, k, v;
	uint64_t size = 0;
	if (gi_layout_field(d, lm, "Set.List", &f) || gi_layout_field(d, lm, "LabelSet.list", &f)) {
		const char *lt = gi_layout_type_size(d, "internal/runtime/pprof/label.Label", &size) == 0
		                         ? "internal/runtime/pprof/label.Label"
		                         : "runtime/pprof.label";
		if (f.size != 24 || gi_layout_type_size(d, lt, &size) != 0 || size > 256 ||
		    !(gi_layout_field(d, lt, "Key", &k) || gi_layout_field(d, lt, "key", &k)) ||
		    !(gi_layout_field(d, lt, "Value", &v) || gi_layout_field(d, lt, "value", &v)) ||
		    k.size != 16 || v.size != 16 || k.off + 16 > size || v.off + 16 > size)
			return;
		g->labels_slice = true;
		g->lab_list = f.off;
		g->lab_elem = size;
		g->lab_key = k.off;
		g->lab_value = v.off;
		g->labels_known = true;
		return;
	}
	const char *hm = "runtime.hmap";
	struct gi_field c, b, bk, old;
	int64_t cnt, top;
	if (gi_layout_type_size(d, lm, &size) != 0 || size != 8 ||
	    !gi_layout_field(d, hm, "count", &c) || !gi_layout_field(d, hm, "B", &b) ||
	    !gi_layout_field(d, hm, "buckets", &bk) || !gi_layout_field(d, hm, "oldbuckets", &old) ||
	    c.size != 8 || b.size != 1 || bk.size != 8 || old.size != 8 || old.off + 8 > 64 ||
	    GI_LAYOUT_CONST(d, &cnt, "runtime.bucketCnt", "internal/abi.MapBucketCount",
	                    "internal/abi.OldMapBucketCount") != 0 ||
	    GI_LAYOUT_CONST(d, &top, "runtime.minTopHash") != 0 || cnt < 1 || cnt > 64 || top < 0 ||
	    top > 255)
		return;
	g->hm_count = c.off;
	g->hm_flags_b = b.off;
	g->hm_buckets = bk.off;
	g->hm_old = old.off;
	g->bk_cnt = (uint64_t)cnt;
	g->bk_keys = ((uint64_t)cnt + 7) & ~7ull;
	g->bk_values = g->bk_keys + 16 * (uint64_t)cnt;
	g->bk_overflow = g->bk_values + 16 * (uint64_t)cnt;
	g->bk_size = g->bk_overflow + 8;
	g->min_tophash = (uint64_t)top;
	g->labels_known = true;
}

int gi_goreader_prepare(struct gi_target *t, struct gi_goreader **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!t->lay) {
		snprintf(err, errlen, "no runtime layouts");
		return -ENOENT;
	}
	struct gi_goreader *g = xcalloc(1, sizeof *g);
	struct gi_layout *d = t->lay;
	g->mem = &t->mem;
	g->go_minor = t->go_minor;
	g->tids = &t->tids;
	const char *missing = NULL;

	const struct gi_need need[] = {
		GI_NEED_VAR("runtime.allgs", &g->a_allgs, NULL),
		GI_NEED_VAR("runtime.allglen", &g->a_allglen, NULL),
		GI_NEED_VAR("runtime.sched", &g->a_sched, NULL),
		GI_NEED_VAR("runtime.allp", &g->a_allp, NULL),
		GI_NEED_FIELD("runtime.g", "atomicstatus", &g->g_status),
		GI_NEED_FIELD("runtime.g", "waitreason", &g->g_waitreason),
		GI_NEED_FIELD("runtime.g", "startpc", &g->g_startpc),
		GI_NEED_FIELD("runtime.schedt", "ngsys", &g->s_ngsys),
	};
	char what[128];
	missing = gi_layout_need(d, need, sizeof need / sizeof need[0], what, sizeof what);
	if (!missing) {
		/* gFree.n through 1.24; gFree.stack.size + gFree.noStack.size from 1.25. */
		if (!gi_layout_field(d, "runtime.schedt", "gFree.n", &g->s_free_n) &&
		    !(gi_layout_field(d, "runtime.schedt", "gFree.stack.size", &g->s_free_stack) &&
		      gi_layout_field(d, "runtime.schedt", "gFree.noStack.size", &g->s_free_nostack)))
			missing = "runtime.schedt.gFree";
		else if (!gi_layout_field(d, "runtime.p", "gFree.n", &g->p_free) &&
		         !gi_layout_field(d, "runtime.p", "gFree.size", &g->p_free))
			missing = "runtime.p.gFree";
	}
	int64_t v1, v2;
	char why[256] = "";
	if (!missing && gi_gstatus_load(d, &t->mem, &g->gs, why, sizeof why) != 0)
		missing = why;
	if (!missing && (GI_LAYOUT_CONST(d, &v1, "runtime.heapArenaBytes") != 0 ||
	                 GI_LAYOUT_CONST(d, &v2, "runtime.arenaBaseOffsetUintptr") != 0 || v1 <= 0 ||
	                 (v1 & (v1 - 1))))
		missing = "runtime.heapArenaBytes or runtime.arenaBaseOffsetUintptr";
	if (missing) {
		snprintf(err, errlen, "%s%s (%s)", why[0] ? "" : "no layout for ", missing,
		         gi_layout_source(d));
		gi_goreader_free(g);
		return -ENOENT;
	}
	g->arena_bytes = (uint64_t)v1;
	g->arena_base = (uint64_t)v2;
	if (gi_layout_name_pieces(d, &g->name_pieces) != 0)
		g->name_pieces = 3;
	gi_layout_field(d, "runtime.g", "runningCleanups", &g->g_running_cleanups);
	if (var(d, "runtime.mheap_", &g->a_mheap))
		if (!gi_layout_field(d, "runtime.mheap", "allArenas", &g->h_allarenas))  /* <= 1.25 */
			gi_layout_field(d, "runtime.mheap", "heapArenas", &g->h_allarenas);
	int64_t fr;
	if (var(d, "runtime.fingStatus", &g->a_fing) &&
	    GI_LAYOUT_CONST(d, &fr, "runtime.fingRunningFinalizer") == 0 && fr > 0) {
		g->fing_is_status = true;
		g->fing_size = 4;
		g->fing_running = (uint64_t)fr;
	} else if (var(d, "runtime.fingRunning", &g->a_fing)) {
		g->fing_size = 1;
	}
	label_shape(g, d);

	/* Where each goroutine's stack starts: gobuf sp/pc, or the syscall's. */
	g->stacks = gi_layout_field(d, "runtime.g", "stack.lo", &g->g_stack_lo) &&
	            gi_layout_field(d, "runtime.g", "stack.hi", &g->g_stack_hi) &&
	            gi_layout_field(d, "runtime.g", "sched.sp", &g->g_sched_sp) &&
	            gi_layout_field(d, "runtime.g", "sched.pc", &g->g_sched_pc) &&
	            gi_layout_field(d, "runtime.g", "syscallsp", &g->g_syscallsp) &&
	            gi_layout_field(d, "runtime.g", "syscallpc", &g->g_syscallpc) &&
	            gi_layout_field(d, "runtime.g", "goid", &g->g_goid) &&
	            gi_layout_field(d, "runtime.g", "gopc", &g->g_gopc);
	gi_layout_field(d, "runtime.g", "waitsince", &g->g_waitsince);
	gi_layout_field(d, "runtime.g", "parentGoid", &g->g_parent_goid);  /* 1.21+ */
	gi_layout_field(d, "runtime.g", "labels", &g->g_labels);
	gi_layout_field(d, "runtime.g", "lockedm", &g->g_lockedm);
	gi_layout_field(d, "runtime.g", "m", &g->g_m);
	gi_layout_field(d, "runtime.g", "sched.bp", &g->g_sched_bp);
	gi_layout_field(d, "runtime.g", "waiting", &g->g_waiting);
	if (var(d, "runtime.allm", &g->a_allm) &&
	    !(gi_layout_field(d, "runtime.m", "procid", &g->m_procid) &&
	      gi_layout_field(d, "runtime.m", "curg", &g->m_curg) &&
	      gi_layout_field(d, "runtime.m", "alllink", &g->m_alllink)))
		g->a_allm = 0;
	struct gi_field *gf[] = {&g->g_status, &g->g_waitreason, &g->g_startpc,
	                      &g->g_running_cleanups, &g->g_stack_lo, &g->g_stack_hi,
	                      &g->g_sched_sp, &g->g_sched_pc, &g->g_syscallsp, &g->g_syscallpc,
	                      &g->g_goid, &g->g_waitsince, &g->g_gopc, &g->g_parent_goid,
	                      &g->g_labels, &g->g_lockedm, &g->g_m, &g->g_sched_bp,
	                      &g->g_waiting};
	gi_fields_window(gf, sizeof gf / sizeof gf[0], &g->g_lo, &g->g_hi);

	/* Scratch for the stop, sized from the goroutine count now (it rarely moves much) and
	 * pre-faulted, so copying does not take page faults while the target waits. Coalesced
	 * reads take whole runs of g's, so size it for full g structs. */
	uint64_t n_now = 0;
	g->gsize = 512;
	gi_layout_type_size(d, "runtime.g", &g->gsize);
	gi_remote_read_u64(&t->mem, g->a_allglen, &n_now);
	g->n_now = n_now <= MAX_GS ? (size_t)n_now : 0;
	gi_goreader_set_mode(g, true, false);

	read_wait_reasons(g, t);
	uint64_t md;
	char perr[256] = "no runtime.firstmoduledata";
	struct gi_pcln_layout pl;
	if (var(d, "runtime.firstmoduledata", &md) &&
	    gi_layout_pcln(d, &pl, perr, sizeof perr) == 0)
		gi_pcln_load(&t->mem, md, &pl, &g->pcln, perr, sizeof perr);
	if (!g->pcln)
		g->stacks = false;  /* nothing to unwind them with */
	uint64_t lmsize;
	bool pprof_linked = gi_layout_type_size(d, "runtime/pprof.labelMap", &lmsize) == 0;
	if (!t->release_known) {
		/* a release goinspect does not know: every fact it reads with must be had */
		char pieces[160];
		snprintf(pieces, sizeof pieces, "runtime.funcNamePiecesForPrint, which says how "
		         "function names print, %s", g->name_pieces ? "has a number of results goinspect "
		         "does not know (it knows 3 and 5)" : "is not in its DWARF");
		const char *lacks = !g->pcln ? perr
		                    : !g->stacks ? "no layout for the goroutines' stacks and saved "
		                                   "registers (runtime.g)"
		                    : !g->nwrs ? "runtime.waitReasonStrings not read"
		                    : !g->labels_known && pprof_linked
		                        ? "runtime/pprof.labelMap has a layout goinspect does not know"
		                    : (g->name_pieces != 3 && g->name_pieces != 5) ? pieces
		                                                                   : NULL;
		if (lacks) {
			snprintf(err, errlen, "%s", lacks);
			gi_goreader_free(g);
			return -ENOTSUP;
		}
	}
	*out = g;
	return 0;
}

void gi_goreader_set_mode(struct gi_goreader *g, bool stop, bool consistent)
{
	g->consistent = consistent;
	/* Coalesced reads of g's take whole runs of them (gsize each, rounded up to the size
	 * class); a parked goroutine's stack holds about half a KiB. The stacks copied in the
	 * stop are those not parked (a few thousand at most), or every one with --consistent or
	 * --no-stop. A block that runs out is followed by another, so an estimate that is low
	 * costs time, not correctness. */
	size_t n = g->n_now + 1024;
	size_t in_stop = consistent || !stop ? n : 4096;
	gi_scratch_free(&g->scratch);
	gi_scratch_free(&g->scratch2);
	g->scratch.min_block = n * (g->gsize + 32) + in_stop * 288 + (1u << 20);
	g->scratch2.min_block = in_stop * 288 + (1u << 20);
	gi_scratch_alloc(&g->scratch, 16);
	gi_scratch_alloc(&g->scratch2, 16);
}


#define MAX_STACK_COPY (256u << 10)  /* deeper stacks are unwound as far as this reaches */

static uint64_t gfield(const struct gi_goreader *g, const uint8_t *w, const struct gi_field *f)
{
	return gi_field_get(w, g->g_lo, f);
}

struct stack_reader {
	struct gi_remote *m;
	struct gi_readreq *r;
	size_t n;
	struct gi_scratch *scratch;
	uint64_t deadline;
	long failed;
	bool timed_out;
};

static void *read_stacks(void *arg)
{
	struct stack_reader *sr = arg;
	const size_t chunk = 4096;  /* the stop bound is checked between chunks */
	for (size_t i = 0; i < sr->n; i += chunk) {
		if (gi_now_ns() >= sr->deadline || gi_signal_caught) {
			sr->timed_out = true;
			break;
		}
		size_t c = sr->n - i < chunk ? sr->n - i : chunk;
		long f = gi_remote_readv_coalesced(sr->m, sr->r + i, c, 0, sr->scratch);
		if (f < 0) {
			sr->failed = f;
			break;
		}
	}
	return NULL;
}

/* The thread running goroutine gptr, from the Ms (m.curg, m.procid) and the stopped
 * threads' registers; NULL if none. */
static const struct gi_thread *running_thread(const uint64_t (*ms)[2], size_t nms,
                                              const struct gi_attach *at, uint64_t gptr)
{
	for (size_t i = 0; i < nms && at; i++) {
		if (ms[i][1] != gptr)
			continue;
		for (size_t j = 0; j < at->n; j++)
			if ((uint64_t)at->t[j].tid == ms[i][0] && at->t[j].have_regs)
				return &at->t[j];
	}
	return NULL;
}

/* Walks runtime.allm during the stop: (thread, curg) of every M, the thread as the host
 * numbers it (m.procid is the program's own namespace's ID). */
static size_t read_ms(struct gi_goreader *g, struct gi_remote *m, uint64_t (**out)[2])
{
	*out = NULL;
	if (!g->a_allm)
		return 0;
	uint64_t mp = 0;
	if (gi_remote_read_u64(m, g->a_allm, &mp) != 0)
		return 0;
	size_t n = 0, cap = 0;
	uint64_t (*v)[2] = NULL;
	for (int i = 0; mp && i < 100000; i++) {
		uint64_t procid = 0, curg = 0, next = 0;
		struct gi_readreq r[3] = {{mp + g->m_procid.off, &procid, 8, 0},
		                          {mp + g->m_curg.off, &curg, 8, 0},
		                          {mp + g->m_alllink.off, &next, 8, 0}};
		if (gi_remote_readv(m, r, 3) != 0)
			break;
		GI_GROW(v, n, cap);
		v[n][0] = (uint64_t)gi_tidmap_host(g->tids, procid);
		v[n][1] = curg;
		n++;
		mp = next;
	}
	*out = v;
	return n;
}

#define MAX_DEPTH 512

/* Unwound pc chains, interned: goroutines parked at one place share one. */
struct chain {
	uint64_t *pcs;
	uint64_t hash;
	int n;
	bool truncated;
	bool trap;   /* the first pc was interrupted, not a return address */
};
struct chains {
	struct chain *v;  /* chain id i + 1 is v[i] */
	size_t n, cap;
	struct gi_index index;
	uint64_t *buf;    /* MAX_DEPTH pcs: the unwinder's output */
};

static uint64_t hash_pcs(const uint64_t *pcs, int n, bool trunc, bool trap)
{
	uint8_t flags = (uint8_t)(trunc | trap << 1);
	return gi_hash(gi_hash(GI_HASH_INIT, &flags, 1), pcs, (size_t)n * sizeof *pcs);
}

struct chain_key {
	const struct chains *t;
	const uint64_t *pcs;
	int n;
	bool trunc, trap;
};

static bool same_chain(void *arg, size_t id)
{
	const struct chain_key *k = arg;
	const struct chain *c = &k->t->v[id - 1];
	return c->n == k->n && c->truncated == k->trunc && c->trap == k->trap &&
	       !memcmp(c->pcs, k->pcs, (size_t)k->n * sizeof *k->pcs);
}

static uint32_t chain_intern(struct chains *t, const uint64_t *pcs, int n, bool trunc, bool trap)
{
	uint64_t h = hash_pcs(pcs, n, trunc, trap);
	struct chain_key k = {t, pcs, n, trunc, trap};
	size_t id = gi_index_find(&t->index, h, same_chain, &k);
	if (id)
		return (uint32_t)id;
	GI_GROW(t->v, t->n, t->cap);
	struct chain *c = &t->v[t->n];
	c->pcs = xmalloc((size_t)(n ? n : 1) * sizeof *pcs);
	memcpy(c->pcs, pcs, (size_t)n * sizeof *pcs);
	c->hash = h;
	c->n = n;
	c->truncated = trunc;
	c->trap = trap;
	gi_index_add(&t->index, h, ++t->n);
	return (uint32_t)t->n;
}

static void chains_free(struct chains *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].pcs);
	free(t->v);
	gi_index_free(&t->index);
	free(t->buf);
	free(t);
}

/* Unwinds goroutine i over its stack copy into a chain; the copy is not needed afterwards. */
static void unwind_one(struct gi_goreader *g, size_t i)
{
	if (!g->gstk[i] || g->gchain[i])
		return;
	if (!g->chains) {
		g->chains = xcalloc(1, sizeof *g->chains);
		g->chains->buf = xmalloc(MAX_DEPTH * sizeof *g->chains->buf);
	}
	bool trunc;
	uint64_t *pcs = g->chains->buf;
	int n = gi_unwind(g->pcln, g->gstk_pc[i], g->gstk_base[i], g->gstk[i], g->gstk_base[i],
	                  g->gstk_len[i], pcs, MAX_DEPTH, &trunc);
	g->gchain[i] = chain_intern(g->chains, pcs, n, trunc, g->gstk_trap[i]);
	g->gstk[i] = NULL;
}

static int verify(struct gi_goreader *g, struct gi_remote *m, const size_t *idx, size_t n,
                  struct gi_scratch *sc);

#define STACK_SLICE 8192

/* Copies the stacks requested in rr (for goroutines who[]) with two readers: each remote
 * range costs about a microsecond of page pinning in the kernel, so with many goroutines the
 * cost is per stack, not per byte. 0, -errno, or 0 with stacks_cut set when the stop bound
 * passed. */
static int read_slice(struct gi_goreader *g, struct gi_remote *m, struct gi_readreq *rr,
                      const size_t *who, size_t k, struct gi_scratch *sa, struct gi_scratch *sb,
                      uint64_t deadline)
{
	struct gi_remote mhalf = *m;  /* its own counters */
	struct stack_reader half = {&mhalf, rr + k / 2, k - k / 2, sb, deadline, 0, false};
	pthread_t th;
	bool threaded = k >= 4096 && pthread_create(&th, NULL, read_stacks, &half) == 0;
	struct stack_reader mine = {m, rr, threaded ? k / 2 : k, sa, deadline, 0, false};
	read_stacks(&mine);
	if (threaded) {
		pthread_join(th, NULL);
		m->bytes += mhalf.bytes;
		m->calls += mhalf.calls;
	}
	long f = mine.failed < 0 ? mine.failed : threaded && half.failed < 0 ? half.failed : 0;
	if (gi_stop_check(deadline) || mine.timed_out || (threaded && half.timed_out)) {
		g->stacks_cut = true;  /* the counts stand; the stacks are dropped */
		return gi_signal_caught ? -EINTR : 0;
	}
	if (f < 0)
		return (int)f;
	for (size_t j = 0; j < k; j++)
		if (!rr[j].err && rr[j].buf) {
			g->gstk[who[j]] = rr[j].buf;
			g->gstk_base[who[j]] = rr[j].addr;
			g->gstk_len[who[j]] = (uint32_t)rr[j].len;
		}
	return 0;
}

/* Which stacks a pass copies. */
enum stack_pass {
	STACKS_ALL,      /* every one (--consistent, --no-stop) */
	STACKS_ACTIVE,   /* during the stop: all but the parked ones */
	STACKS_PARKED,   /* after the stop: the parked ones, verified afterwards */
};

/* Is st (the scan bit cleared) the status w? */
static bool is(const struct gi_goreader *g, uint32_t st, enum gi_gs w)
{
	return gi_gstatus_is(&g->gs, st, w);
}

static uint32_t gstatus(const struct gi_goreader *g, const uint8_t *w)
{
	return (uint32_t)gfield(g, w, &g->g_status) & ~g->gs.scan;
}

static bool parked(const struct gi_goreader *g, uint32_t st)
{
	return is(g, st, GI_GS_WAITING) || is(g, st, GI_GS_LEAKED);
}

/* Copies the live part of goroutines' stacks: [sp, stack.hi), where sp is the saved one of a
 * parked goroutine and the thread's stack pointer for a running one. */
static int capture_stacks(struct gi_goreader *g, struct gi_remote *m, const struct gi_attach *at,
                          uint64_t deadline, enum stack_pass pass)
{
	size_t n = g->ngs;
	if (gi_fault(GI_FAULT_STACKS_TIMEOUT)) {  /* test hook: the bound passes while stacks are copied */
		g->stacks_cut = true;
		return 0;
	}
	uint64_t (*ms)[2] = NULL;
	size_t nms = pass == STACKS_PARKED ? 0 : read_ms(g, m, &ms);
	if (!g->gstk) {
		g->gchain = xcalloc(n ? n : 1, sizeof *g->gchain);
		g->gstk_pc = xcalloc(n ? n : 1, sizeof *g->gstk_pc);
		g->gtid = xcalloc(n ? n : 1, sizeof *g->gtid);
		g->gstk_trap = xcalloc(n ? n : 1, sizeof *g->gstk_trap);
		g->gstk = xcalloc(n ? n : 1, sizeof *g->gstk);
		g->gstk_base = xcalloc(n ? n : 1, sizeof *g->gstk_base);
		g->gstk_len = xcalloc(n ? n : 1, sizeof *g->gstk_len);
	}
	struct gi_readreq *rr = xcalloc(n ? n : 1, sizeof *rr);
	size_t *who = xcalloc(n ? n : 1, sizeof *who);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *w = g->gwin[i];
		if (!w)
			continue;
		uint32_t st = gstatus(g, w);
		/* A copystack goroutine is mid-move; a running one's saved registers are stale:
		 * its thread's registers describe its stack. */
		if (is(g, st, GI_GS_DEAD) || is(g, st, GI_GS_DEADEXTRA) || is(g, st, GI_GS_IDLE) ||
		    is(g, st, GI_GS_COPYSTACK))
			continue;
		if ((pass == STACKS_ACTIVE && parked(g, st)) ||
		    (pass == STACKS_PARKED && !parked(g, st)))
			continue;
		uint64_t lo = gfield(g, w, &g->g_stack_lo), hi = gfield(g, w, &g->g_stack_hi);
		uint64_t sp = gfield(g, w, &g->g_syscallsp);
		g->gstk_pc[i] = sp ? gfield(g, w, &g->g_syscallpc) : gfield(g, w, &g->g_sched_pc);
		if (!sp)
			sp = gfield(g, w, &g->g_sched_sp);
		if (is(g, st, GI_GS_RUNNING)) {
			const struct gi_thread *th = running_thread(ms, nms, at, g->gptrs[i]);
			if (th)
				g->gtid[i] = th->tid;
			if (!th || th->regs.sp < lo || th->regs.sp >= hi)
				continue;  /* on the thread's system stack or in C: not grouped */
			sp = th->regs.sp;
			g->gstk_pc[i] = th->regs.pc;
			g->gstk_trap[i] = true;
		}
		if (!sp || sp < lo || sp >= hi || hi - lo > (1ull << 30))
			continue;  /* running on a thread, or torn: no copy */
		uint64_t len = hi - sp;
		if (len > MAX_STACK_COPY)
			len = MAX_STACK_COPY;
		rr[k] = (struct gi_readreq){sp, NULL, (size_t)len, 0};
		who[k++] = i;
	}
	free(ms);
	if (pass != STACKS_PARKED) {
		int rc = read_slice(g, m, rr, who, k, &g->scratch, &g->scratch2, deadline);
		free(rr);
		free(who);
		return rc;
	}
	/* After the stop: a slice at a time, each copied, checked (did its goroutines stay
	 * parked where they were?) and unwound, so that the copies never all live at once. */
	struct gi_scratch a = {NULL, STACK_SLICE * 512}, b = a;
	struct gi_scratch v = {NULL, STACK_SLICE * (g->gsize + 64)};
	int rc = 0;
	for (size_t s0 = 0; s0 < k && !rc; s0 += STACK_SLICE) {
		size_t c = k - s0 < STACK_SLICE ? k - s0 : STACK_SLICE;
		rc = read_slice(g, m, rr + s0, who + s0, c, &a, &b, UINT64_MAX);
		if (!rc)
			rc = verify(g, m, who + s0, c, &v);
		for (size_t j = 0; j < c && !rc; j++)
			if (!g->gchanged[who[s0 + j]])
				unwind_one(g, who[s0 + j]);
		gi_scratch_reset(&a);  /* the next slice reuses the pages */
		gi_scratch_reset(&b);
		gi_scratch_reset(&v);
	}
	gi_scratch_free(&a);
	gi_scratch_free(&b);
	gi_scratch_free(&v);
	free(rr);
	free(who);
	return rc;
}

int gi_goreader_capture(struct gi_goreader *g, struct gi_target *t, const struct gi_attach *at,
                   uint64_t deadline, char *err, size_t errlen)
{
	struct gi_remote *m = &t->mem;
	uint64_t allglen = 0, allgs[3] = {0}, allp[3] = {0}, arenas[3] = {0}, fing = 0;
	uint8_t sfree[3][8] = {{0}}, ngsys[8] = {0};
	struct gi_readreq r[8];
	size_t nr = 0;
	r[nr++] = (struct gi_readreq){g->a_allglen, &allglen, 8, 0};
	r[nr++] = (struct gi_readreq){g->a_allgs, allgs, 24, 0};
	r[nr++] = (struct gi_readreq){g->a_allp, allp, 24, 0};
	r[nr++] = (struct gi_readreq){g->a_sched + g->s_ngsys.off, ngsys, 4, 0};
	if (g->s_free_n.ok)
		r[nr++] = (struct gi_readreq){g->a_sched + g->s_free_n.off, sfree[0], 4, 0};
	else {
		r[nr++] = (struct gi_readreq){g->a_sched + g->s_free_stack.off, sfree[1], 4, 0};
		r[nr++] = (struct gi_readreq){g->a_sched + g->s_free_nostack.off, sfree[2], 4, 0};
	}
	if (g->h_allarenas.ok)
		r[nr++] = (struct gi_readreq){g->a_mheap + g->h_allarenas.off, arenas, 24, 0};
	if (g->fing_size)
		r[nr++] = (struct gi_readreq){g->a_fing, &fing, g->fing_size, 0};
	long f = gi_remote_readv(m, r, nr);
	if (f < 0)
		return (int)f;
	if (f > 0) {
		snprintf(err, errlen, "cannot read the scheduler's globals");
		return -EFAULT;
	}
	g->ngsys = (int32_t)gi_le32(ngsys);
	g->sched_free = g->s_free_n.ok ? (int32_t)gi_le32(sfree[0]) : (int64_t)(int32_t)gi_le32(sfree[1]) + (int32_t)gi_le32(sfree[2]);
	g->fing = fing;
	if (allglen > allgs[1] || allglen > MAX_GS || (allglen && !allgs[0])) {
		snprintf(err, errlen, "implausible runtime.allglen %llu (len(allgs) %llu)",
		         (unsigned long long)allglen, (unsigned long long)allgs[1]);
		return -EFAULT;
	}
	if (allp[1] > MAX_PS) {
		snprintf(err, errlen, "implausible len(runtime.allp) %llu", (unsigned long long)allp[1]);
		return -EFAULT;
	}
	int rc = gi_stop_check(deadline);
	if (rc)
		return rc;

	/* Second round: the arrays behind allgs, allp and allArenas. */
	g->allglen = allglen;
	g->gptrs = xcalloc(allglen ? allglen : 1, 8);
	uint64_t *pptrs = xcalloc(allp[1] ? allp[1] : 1, 8);
	size_t narenas = arenas[1] <= MAX_ARENAS ? arenas[1] : 0;
	uint64_t *aidx = xcalloc(narenas ? narenas : 1, 8);
	nr = 0;
	r[nr++] = (struct gi_readreq){allgs[0], g->gptrs, allglen * 8, 0};
	r[nr++] = (struct gi_readreq){allp[0], pptrs, allp[1] * 8, 0};
	if (narenas)
		r[nr++] = (struct gi_readreq){arenas[0], aidx, narenas * 8, 0};
	f = gi_remote_readv(m, r, nr);
	if (f < 0) {
		free(pptrs);
		free(aidx);
		return (int)f;
	}
	if (r[0].err || r[1].err) {
		snprintf(err, errlen, "cannot read the goroutine list: %s", strerror(r[0].err ? r[0].err : r[1].err));
		free(pptrs);
		free(aidx);
		return -EFAULT;
	}
	if (narenas && !r[2].err) {
		g->arenas = xcalloc(narenas, sizeof *g->arenas);
		for (size_t i = 0; i < narenas; i++) {
			g->arenas[i][0] = aidx[i] * g->arena_bytes + g->arena_base; /* arenaBase */
			g->arenas[i][1] = g->arenas[i][0] + g->arena_bytes;
		}
		g->narenas = narenas;
	}
	free(aidx);
	rc = gi_stop_check(deadline);
	if (rc) {
		free(pptrs);
		return rc;
	}

	/* Third round: a window of every g and the free-list count of every P. */
	size_t win = g->g_hi - g->g_lo;
	g->ngs = allglen;
	g->gwin = xcalloc(allglen ? allglen : 1, sizeof *g->gwin);
	int32_t *pfree = xcalloc(allp[1] ? allp[1] : 1, 4);
	size_t nreq = allglen + allp[1];
	struct gi_readreq *rr = xcalloc(nreq ? nreq : 1, sizeof *rr);
	for (size_t i = 0; i < allglen; i++)
		rr[i] = (struct gi_readreq){g->gptrs[i] + g->g_lo, NULL, win, 0};
	for (size_t i = 0; i < allp[1]; i++)
		rr[allglen + i] = (struct gi_readreq){pptrs[i] + g->p_free.off, &pfree[i], 4, 0};
	/* Read in slices so the stop bound is checked between them. */
	const size_t chunk = 65536;
	long bad = 0;
	for (size_t i = 0; i < nreq; i += chunk) {
		size_t k = nreq - i < chunk ? nreq - i : chunk;
		f = gi_remote_readv_coalesced(m, rr + i, k, 4096, &g->scratch);
		if (f < 0) {
			bad = f;
			break;
		}
		bad += f;
		if ((rc = gi_stop_check(deadline)) != 0)
			break;
	}
	if (bad >= 0 && !rc) {
		for (size_t i = 0; i < allglen; i++)
			g->gwin[i] = (g->gptrs[i] && !rr[i].err) ? rr[i].buf : NULL;
		for (size_t i = 0; i < allp[1]; i++)
			if (pptrs[i] && !rr[allglen + i].err) {
				g->p_free_sum += pfree[i];
				g->nps++;
			}
	}
	free(rr);
	free(pfree);
	free(pptrs);
	if (bad < 0)
		return (int)bad;
	if (rc)
		return rc;
	g->stopped = at != NULL;
	g->gchanged = xcalloc(g->ngs ? g->ngs : 1, sizeof *g->gchanged);
	if (g->stacks) {
		rc = capture_stacks(g, m, at, deadline,
		                    at && !g->consistent ? STACKS_ACTIVE : STACKS_ALL);
		if (rc)
			return rc;
	}
	g->now_mono = gi_now_ns();
	g->captured = true;
	return 0;
}

/* Reads the windows of goroutines idx[0..n) again; one whose status, wait reason, saved
 * registers, sudog, stack bounds, labels or id changed moved while its stack was read: it is
 * counted, but kept out of the groups. */
static int verify(struct gi_goreader *g, struct gi_remote *m, const size_t *idx, size_t n,
                  struct gi_scratch *sc)
{
	size_t win = g->g_hi - g->g_lo;
	struct gi_readreq *rr = xcalloc(n ? n : 1, sizeof *rr);
	for (size_t j = 0; j < n; j++)
		rr[j] = (struct gi_readreq){g->gptrs[idx[j]] + g->g_lo, NULL, win, 0};
	long f = gi_remote_readv_coalesced(m, rr, n, 4096, sc);
	const struct gi_field *keys[] = {&g->g_status, &g->g_sched_sp, &g->g_sched_pc,
	                              &g->g_sched_bp, &g->g_syscallsp, &g->g_syscallpc,
	                              &g->g_stack_lo, &g->g_stack_hi, &g->g_goid,
	                              &g->g_waitreason, &g->g_waiting, &g->g_labels};
	for (size_t j = 0; j < n && f >= 0; j++) {
		const uint8_t *a = g->gwin[idx[j]], *b = rr[j].err ? NULL : rr[j].buf;
		bool moved = !b;
		for (size_t q = 0; q < sizeof keys / sizeof keys[0] && !moved; q++)
			moved = keys[q]->ok && gfield(g, a, keys[q]) != gfield(g, b, keys[q]);
		g->gchanged[idx[j]] = moved;
	}
	free(rr);
	return f < 0 ? (int)f : 0;
}

int gi_goreader_capture_after(struct gi_goreader *g, struct gi_target *t)
{
	if (!g->captured || !g->stacks || g->stacks_cut || !g->gstk)
		return 0;
	int rc = 0;
	if (!g->stopped) {
		/* --no-stop: everything was read live; each goroutine is checked, a slice at a
		 * time so the second copy stays small. */
		size_t *idx = xmalloc(STACK_SLICE * sizeof *idx);
		struct gi_scratch v = {NULL, STACK_SLICE * (g->gsize + 64)};
		for (size_t i = 0; i < g->ngs && !rc;) {
			size_t k = 0;
			for (; i < g->ngs && k < STACK_SLICE; i++)
				if (g->gwin[i])
					idx[k++] = i;
			rc = verify(g, &t->mem, idx, k, &v);
			gi_scratch_reset(&v);
		}
		gi_scratch_free(&v);
		free(idx);
	}
	/* The stacks copied in the stop (or, with --no-stop, live), unwound now. */
	for (size_t i = 0; i < g->ngs && !rc; i++)
		if (!g->gchanged[i])
			unwind_one(g, i);
	if (rc || !g->stopped || g->consistent)
		return rc;
	rc = capture_stacks(g, &t->mem, NULL, UINT64_MAX, STACKS_PARKED);
	if (!rc && gi_signal_caught)
		rc = -EINTR;
	return rc;
}

struct gi_pcln *gi_goreader_pcln(struct gi_goreader *g)
{
	return g ? g->pcln : NULL;
}

size_t gi_goreader_arenas(struct gi_goreader *g, const uint64_t (**arenas)[2])
{
	*arenas = (const uint64_t(*)[2])g->arenas;
	return g->narenas;
}

/* A goroutine's status as the runtime's goroutine header prints it (goroutineheader): the
 * wait reason of a waiting or leaked goroutine, else its status word; " (leaked)" after a
 * leaked one's (Go 1.26 on; the scan bit is not shown). Into buf when it is built. */
static const char *status_key(const struct gi_goreader *g, const uint8_t *w, uint32_t st,
                              char *buf, size_t len)
{
	const char *s = gi_gstatus_word(&g->gs, st);
	if (is(g, st, GI_GS_WAITING) || is(g, st, GI_GS_LEAKED)) {
		unsigned wr = (unsigned)gfield(g, w, &g->g_waitreason);
		if (wr && wr < g->nwrs && g->wrs[wr][0])
			s = g->wrs[wr];
	}
	if (!is(g, st, GI_GS_LEAKED))
		return s;
	snprintf(buf, len, "%s (leaked)", s);
	return buf;
}

/* runtime.isSystemGoroutine(gp, false), by the start function's name. */
static bool is_system(struct gi_goreader *g, const char *fn, const uint8_t *w)
{
	if (!fn)
		return false;
	if (!strcmp(fn, "runtime.main") || !strcmp(fn, "runtime.handleAsyncEvent") ||
	    !strcmp(fn, "runtime.corostart"))
		return false;
	if (!strcmp(fn, "runtime.runfinq") || !strcmp(fn, "runtime.runFinalizers")) {
		/* A user goroutine while it runs a finalizer: fingRunning (1.19, 1.20) or
		 * fingStatus & fingRunningFinalizer (1.21+, value 2). */
		if (!g->fing_size)
			return true;
		return g->fing_is_status ? !(g->fing & g->fing_running) : !(g->fing & 1);
	}
	if (!strcmp(fn, "runtime.runCleanups")) {
		if (!g->g_running_cleanups.ok)
			return true;
		return !gfield(g, w, &g->g_running_cleanups);
	}
	return strncmp(fn, "runtime.", 8) == 0;
}

/* A group under construction: goroutines with one pc chain and one label set. */
struct pgroup {
	uint32_t chain;
	const uint64_t *pcs;  /* the chain's */
	int npcs;
	bool truncated;
	bool trap;         /* the first pc was interrupted, not a return address */
	uint64_t labels;   /* label set id (by content): other labels, another group */
	bool is_main;      /* holds goroutine 1 */
	uint64_t gopc;
	struct gi_ggroup out;
};

struct gtable {
	struct pgroup *v;
	size_t n, cap;
	struct gi_index index;  /* by chain and label set */
};

static uint64_t group_hash(uint32_t chain, uint64_t labels)
{
	return ((uint64_t)chain * 0x9e3779b97f4a7c15ull) ^ (labels * 0xc2b2ae3d27d4eb4full);
}

struct group_key {
	const struct gtable *t;
	uint32_t chain;
	uint64_t labels;
};

static bool same_group(void *arg, size_t item)
{
	const struct group_key *k = arg;
	const struct pgroup *p = &k->t->v[item - 1];
	return p->chain == k->chain && p->labels == k->labels;
}

static struct pgroup *group_for(struct gtable *t, const struct chains *cs, uint32_t chain,
                                 uint64_t labels)
{
	uint64_t h = group_hash(chain, labels);
	struct group_key k = {t, chain, labels};
	size_t item = gi_index_find(&t->index, h, same_group, &k);
	if (item)
		return &t->v[item - 1];
	GI_GROW(t->v, t->n, t->cap);
	const struct chain *c = &cs->v[chain - 1];
	struct pgroup *p = &t->v[t->n];
	memset(p, 0, sizeof *p);
	p->chain = chain;
	p->pcs = c->pcs;
	p->npcs = c->n;
	p->truncated = c->truncated;
	p->trap = c->trap;
	p->labels = labels;
	p->out.wait_min_ns = p->out.wait_max_ns = -1;
	gi_index_add(&t->index, h, ++t->n);
	return p;
}

static void add_goid(struct gi_ggroup *o, uint64_t goid)
{
	size_t max = sizeof o->goids / sizeof o->goids[0], i = o->ngoids;
	if (i == max) {
		if (goid >= o->goids[max - 1])
			return;
		i = max - 1;
	} else {
		o->ngoids++;
	}
	while (i > 0 && o->goids[i - 1] > goid) {
		o->goids[i] = o->goids[i - 1];
		i--;
	}
	o->goids[i] = goid;
}

static void set_frame(struct gi_frame *f, const char *func, const char *file, int line,
                      int pieces)
{
	f->func = gi_func_name_for_print(func, pieces);
	f->file = xstrdup(file);
	f->line = line;
}

/* Symbolizes a group's pc chain into logical frames, as the runtime's traceback shows them. */
static void symbolize(struct gi_goreader *g, struct pgroup *p)
{
	struct gi_pcln_frame fr[64];
	size_t cap = 16;
	struct gi_ggroup *o = &p->out;
	o->frames = xcalloc(cap, sizeof *o->frames);
	for (int i = 0; i < p->npcs; i++) {
		/* A pc is a return address (looked up at pc-1), but for the interrupted instruction
		 * of a running goroutine and for the frame under an injected call (the runtime's
		 * unwindTrap: its pc is where the signal struck) */
		bool exact = i == 0 ? p->trap : gi_pcln_is_injected_call(g->pcln, p->pcs[i - 1],
		                                                         g->go_minor);
		int k = gi_pcln_frames(g->pcln, p->pcs[i], !exact, fr, 64);
		if (k == 0) {
			fr[0] = (struct gi_pcln_frame){"?", "?", 0, p->pcs[i], 0, false, false};
			k = 1;
		}
		for (int j = 0; j < k; j++) {
			/* Tracebacks hide wrappers, unless they called a panic (elideWrapperCalling). */
			const char *inner = o->nframes ? o->frames[o->nframes - 1].func : "";
			if (fr[j].wrapper && strcmp(inner, "runtime.gopanic") &&
			    strcmp(inner, "runtime.sigpanic") && strcmp(inner, "runtime.panicwrap"))
				continue;
			if (o->nframes == cap) {
				cap *= 2;
				o->frames = xrealloc(o->frames, cap * sizeof *o->frames);
			}
			set_frame(&o->frames[o->nframes++], fr[j].func, fr[j].file, fr[j].line,
			          g->name_pieces);
		}
	}
	if (p->truncated) {
		if (o->nframes == cap)
			o->frames = xrealloc(o->frames, (cap + 1) * sizeof *o->frames);
		set_frame(&o->frames[o->nframes++], "?", "?", 0, 0);  /* a visible mark */
	}
	o->truncated = p->truncated;
	/* created by: the creating function at the line of the go statement, as the runtime
	 * prints it: not for the main goroutine, nor when the runtime itself created it. */
	int k = p->gopc && !p->is_main ? gi_pcln_frames(g->pcln, p->gopc, true, fr, 64) : 0;
	if (k > 0 && !(strncmp(fr[k - 1].func, "runtime.", 8) == 0 &&
	               !(fr[k - 1].func[8] >= 'A' && fr[k - 1].func[8] <= 'Z')))
		set_frame(&o->created_by, fr[k - 1].func, fr[0].file, fr[0].line, g->name_pieces);
}

static const struct gi_ggroup *sort_groups;

static int group_cmp(const void *a, const void *b);

static int order_cmp(const void *a, const void *b)
{
	return group_cmp(&sort_groups[*(const size_t *)a], &sort_groups[*(const size_t *)b]);
}

static int goid_cmp(const void *a, const void *b)
{
	const struct gi_goroutine *x = a, *y = b;
	return (x->goid > y->goid) - (x->goid < y->goid);
}

static int group_cmp(const void *a, const void *b)
{
	const struct gi_ggroup *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	uint64_t gx = x->ngoids ? x->goids[0] : 0, gy = y->ngoids ? y->goids[0] : 0;
	return (gx > gy) - (gx < gy);
}

/* A Go string {ptr, len} read from the target; NULL if implausible. */
static char *read_gostring(struct gi_remote *m, const uint8_t *hdr)
{
	uint64_t p, len;
	memcpy(&p, hdr, 8);
	memcpy(&len, hdr + 8, 8);
	if (len > 4096 || (len && !p))
		return NULL;
	char *s = xcalloc(1, len + 1);
	if (len && gi_remote_read(m, p, s, len) != 0) {
		free(s);
		return NULL;
	}
	if (strlen(s) != len) {  /* label keys and values hold no NUL */
		free(s);
		return NULL;
	}
	return s;
}

/* One label: the Go strings whose headers are at key and value. */
static int add_label(struct gi_remote *m, const uint8_t *key, const uint8_t *value,
                     struct gi_strmap *out)
{
	char *k = read_gostring(m, key), *v = k ? read_gostring(m, value) : NULL;
	if (v)
		gi_strmap_add(out, k, v);
	free(k);
	free(v);
	return v ? 0 : -1;
}

static int strpair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct gi_strpair *)a)->key, ((const struct gi_strpair *)b)->key);
}

/* pprof labels behind g.labels, read after the stop (a label set is never changed once a
 * goroutine has it: new labels are a new set), laid out as label_shape found. 0, or -1 if
 * unreadable. */
static int read_labels(struct gi_goreader *g, uint64_t lp, struct gi_strmap *out)
{
	struct gi_remote *m = g->mem;
	if (!g->labels_known)
		return -1;
	if (g->labels_slice) {
		uint8_t buf[256];
		uint64_t sl[3];
		if (gi_remote_read(m, lp + g->lab_list, sl, sizeof sl) != 0 || sl[1] > 1024 ||
		    sl[1] > sl[2])
			return -1;
		for (uint64_t i = 0; i < sl[1]; i++) {
			if (gi_remote_read(m, sl[0] + g->lab_elem * i, buf, g->lab_elem) != 0)
				return -1;
			if (add_label(m, buf + g->lab_key, buf + g->lab_value, out) != 0)
				return -1;
		}
	} else {
		uint64_t hp;
		uint8_t hm[64];
		if (gi_remote_read_u64(m, lp, &hp) != 0 || !hp || gi_remote_read(m, hp, hm, sizeof hm) != 0)
			return -1;
		unsigned b = hm[g->hm_flags_b];
		uint64_t count = gi_le64(hm + g->hm_count), buckets = gi_le64(hm + g->hm_buckets),
		         old = gi_le64(hm + g->hm_old);
		if (count > 1024 || b > 10 || old)
			return -1;  /* a label map is small, and never grows once published */
		uint8_t *buf = xmalloc(g->bk_size);
		for (uint64_t i = 0; i < (1ull << b) && buckets; i++) {
			uint64_t bp = buckets + g->bk_size * i;
			for (int chain = 0; bp && chain < 64; chain++) {
				if (gi_remote_read(m, bp, buf, g->bk_size) != 0) {
					free(buf);
					return -1;
				}
				for (uint64_t c = 0; c < g->bk_cnt; c++) {
					if (buf[c] < g->min_tophash)  /* empty or evacuated cell */
						continue;
					if (add_label(m, buf + g->bk_keys + 16 * c,
					              buf + g->bk_values + 16 * c, out) != 0) {
						free(buf);
						return -1;
					}
				}
				bp = gi_le64(buf + g->bk_overflow);
			}
		}
		free(buf);
		if (out->n != count)
			return -1;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, strpair_cmp);
	return 0;
}

/* Label sets by content: goroutines whose g.labels differ but hold the same labels belong to
 * one group, as in the runtime's profile. A pointer is read once. */
struct label_sets {
	uint64_t *ptr;            /* pointers read, item i + 1 of by_ptr ... */
	int *id;                  /* ... and the set each holds */
	size_t nptr, cap;
	struct gi_index by_ptr;
	struct gi_strmap *sets;   /* id - 1 -> the labels; id 0 = none */
	char **canon;             /* id - 1 -> the labels as one string, item id of by_canon */
	size_t nsets, capsets;
	struct gi_index by_canon;
};

struct ls_key {
	const struct label_sets *ls;
	uint64_t ptr;
	const char *canon;
};

static bool same_ptr(void *arg, size_t item)
{
	const struct ls_key *k = arg;
	return k->ls->ptr[item - 1] == k->ptr;
}

static bool same_canon(void *arg, size_t item)
{
	const struct ls_key *k = arg;
	return !strcmp(k->ls->canon[item - 1], k->canon);
}

static int label_id(struct gi_goreader *g, struct label_sets *ls, uint64_t ptr)
{
	if (!ptr)
		return 0;
	uint64_t hp = gi_hash(GI_HASH_INIT, &ptr, sizeof ptr);
	struct ls_key k = {ls, ptr, NULL};
	size_t item = gi_index_find(&ls->by_ptr, hp, same_ptr, &k);
	if (item)
		return ls->id[item - 1];
	struct gi_strmap m = {0};
	if (read_labels(g, ptr, &m) != 0) {
		gi_strmap_free(&m);
		gi_strmap_add(&m, "?", "(unreadable)");
	}
	size_t len = 1;
	for (size_t i = 0; i < m.n; i++)
		len += strlen(m.v[i].key) + strlen(m.v[i].value) + 2;
	char *c = xcalloc(1, len);
	for (size_t i = 0; i < m.n; i++) {
		strcat(c, m.v[i].key);
		strcat(c, "\x1f");
		strcat(c, m.v[i].value);
		strcat(c, "\x1e");
	}
	uint64_t hc = gi_hash_str(GI_HASH_INIT, c);
	k.canon = c;
	int id = (int)gi_index_find(&ls->by_canon, hc, same_canon, &k);
	if (id) {
		free(c);
		gi_strmap_free(&m);
	} else {
		GI_GROW(ls->sets, ls->nsets, ls->capsets);
		ls->canon = xrealloc(ls->canon, ls->capsets * sizeof *ls->canon);
		ls->sets[ls->nsets] = m;
		ls->canon[ls->nsets] = c;
		id = (int)++ls->nsets;
		gi_index_add(&ls->by_canon, hc, (size_t)id);
	}
	GI_GROW(ls->ptr, ls->nptr, ls->cap);
	ls->id = xrealloc(ls->id, ls->cap * sizeof *ls->id);
	ls->ptr[ls->nptr] = ptr;
	ls->id[ls->nptr++] = id;
	gi_index_add(&ls->by_ptr, hp, ls->nptr);
	return id;
}

static void label_sets_free(struct label_sets *ls)
{
	for (size_t i = 0; i < ls->nsets; i++) {
		gi_strmap_free(&ls->sets[i]);
		free(ls->canon[i]);
	}
	free(ls->sets);
	free(ls->canon);
	free(ls->ptr);
	free(ls->id);
	gi_index_free(&ls->by_ptr);
	gi_index_free(&ls->by_canon);
}

/* Unwinds every user goroutine with a stack copy and groups identical stacks. */
static void build_groups(struct gi_goreader *g, struct gi_snapshot *s, const bool *user,
                         const bool *sys)
{
	if (g->stacks_cut) {
		gi_snapshot_add_warning(s, "goroutine stacks not read: the stop bound (--max-stop) "
		                           "passed while they were copied; the counts are complete");
		return;
	}
	if (!g->stacks || !g->gchain || !g->pcln)
		return;
	struct gtable t = {0};
	uint64_t nostack = 0;
	size_t nuser = 0;
	struct label_sets ls = {0};
	for (size_t i = 0; i < g->ngs; i++)
		nuser += g->gwin[i] && (user[i] || sys[i]);
	s->all = xcalloc(nuser ? nuser : 1, sizeof *s->all);
	for (size_t i = 0; i < g->ngs; i++) {
		const uint8_t *w = g->gwin[i];
		if (!w || !(user[i] || sys[i]))
			continue;
		uint32_t gst = gstatus(g, w);
		char kb[320];
		struct gi_goroutine *one = &s->all[s->nall++];
		one->goid = gfield(g, w, &g->g_goid);
		one->parent_goid = gfield(g, w, &g->g_parent_goid);
		one->status = xstrdup(status_key(g, w, gst, kb, sizeof kb));
		one->wait_ns = -1;
		one->group = -1;
		one->tid = g->gtid ? g->gtid[i] : 0;
		one->locked = gfield(g, w, &g->g_lockedm) != 0;
		one->system = sys[i];
		if (sys[i])
			continue;  /* not in the groups, as in the runtime's profile */
		if (g->gchanged && g->gchanged[i]) {
			g->nchanged++;
			continue;
		}
		if (!g->gchain[i]) {
			nostack++;
			continue;
		}
		struct pgroup *p = group_for(&t, g->chains, g->gchain[i],
		                             (uint64_t)label_id(g, &ls, gfield(g, w, &g->g_labels)));
		struct gi_ggroup *o = &p->out;
		o->count++;
		uint32_t st = gst;
		const char *key = status_key(g, w, st, kb, sizeof kb);
		gi_counts_add(&o->statuses, key, 1);
		uint64_t goid = gfield(g, w, &g->g_goid);
		add_goid(o, goid);
		p->is_main |= goid == 1;
		if (!p->gopc)
			p->gopc = gfield(g, w, &g->g_gopc);
		int64_t since = (int64_t)gfield(g, w, &g->g_waitsince);
		one->group = (int64_t)(p - t.v);  /* index in the table, remapped below */
		if ((is(g, st, GI_GS_WAITING) || is(g, st, GI_GS_SYSCALL) || is(g, st, GI_GS_LEAKED)) &&
		    since > 0 &&
		    (uint64_t)since <= g->now_mono) {
			int64_t d = (int64_t)(g->now_mono - (uint64_t)since);
			one->wait_ns = d;
			if (o->wait_min_ns < 0 || d < o->wait_min_ns)
				o->wait_min_ns = d;
			if (d > o->wait_max_ns)
				o->wait_max_ns = d;
		}
	}
	s->groups = xcalloc(t.n ? t.n : 1, sizeof *s->groups);
	for (size_t i = 0; i < t.n; i++) {
		struct pgroup *p = &t.v[i];
		symbolize(g, p);
		if (p->labels) {
			const struct gi_strmap *m = &ls.sets[p->labels - 1];
			for (size_t k = 0; k < m->n; k++)
				gi_strmap_add(&p->out.labels, m->v[k].key, m->v[k].value);
		}
		gi_counts_sort_desc(&p->out.statuses);
		p->out.wait_reason = xstrdup(p->out.statuses.v[0].key);
		s->groups[i] = p->out;
	}
	s->ngroups = t.n;
	/* Largest group first; the goroutines follow their groups to the new places. */
	size_t *order = xmalloc((t.n ? t.n : 1) * sizeof *order);
	int64_t *where = xmalloc((t.n ? t.n : 1) * sizeof *where);
	for (size_t i = 0; i < t.n; i++)
		order[i] = i;
	sort_groups = s->groups;
	qsort(order, t.n, sizeof *order, order_cmp);
	struct gi_ggroup *sorted = xcalloc(t.n ? t.n : 1, sizeof *sorted);
	for (size_t i = 0; i < t.n; i++) {
		sorted[i] = s->groups[order[i]];
		where[order[i]] = (int64_t)i;
	}
	free(s->groups);
	s->groups = sorted;
	for (size_t i = 0; i < s->nall; i++)
		if (s->all[i].group >= 0)
			s->all[i].group = where[s->all[i].group];
	free(order);
	free(where);
	qsort(s->all, s->nall, sizeof *s->all, goid_cmp);
	s->stacks_available = true;
	s->gor_inconsistent = g->nchanged;
	s->gor_nostack = nostack;
	if (g->nchanged)
		gi_snapshot_add_warning(s, g->stopped
		                        ? "%llu goroutines moved after the stop, before their "
		                          "stacks were read: counted, but not in the groups "
		                          "(--consistent reads every stack during the stop)"
		                        : "%llu goroutines moved while they were read without "
		                          "stopping the program: counted, but not in the groups",
		                        (unsigned long long)g->nchanged);
	if (nostack)
		gi_snapshot_add_warning(s, "%llu goroutines were running where their stacks "
		                           "could not be followed (on the system stack, in C code, or "
		                           "read without stopping): counted, but not in the groups", (unsigned long long)nostack);
	free(t.v);
	gi_index_free(&t.index);
	label_sets_free(&ls);
}

void gi_goreader_analyze(struct gi_goreader *g, struct gi_snapshot *s)
{
	if (!g->captured) {
		s->gor_available = false;
		if (!s->gor_error)
			s->gor_error = xstrdup(g->capture_error ? g->capture_error
			                                         : "the goroutines were not read");
		return;
	}
	uint64_t live = 0, unreadable = 0;
	bool *user = xcalloc(g->ngs ? g->ngs : 1, sizeof *user);
	bool *sys = xcalloc(g->ngs ? g->ngs : 1, sizeof *sys);
	for (size_t i = 0; i < g->ngs; i++) {
		const uint8_t *w = g->gwin[i];
		if (!w) {
			unreadable++;
			continue;
		}
		uint32_t st = gstatus(g, w);
		if (is(g, st, GI_GS_DEAD) || is(g, st, GI_GS_DEADEXTRA))
			continue;
		live++;
		char kb[320];
		const char *key = status_key(g, w, st, kb, sizeof kb);
		uint64_t startpc = gfield(g, w, &g->g_startpc);
		const char *fn = gi_pcln_funcname(g->pcln, startpc);
		if (is_system(g, fn, w)) {
			s->gor_system++;
			gi_counts_add(&s->system_by_status, key, 1);
			sys[i] = true;
		} else {
			gi_counts_add(&s->by_status, key, 1);
			user[i] = true;
		}
	}
	int64_t total = (int64_t)g->allglen - g->sched_free - g->ngsys - g->p_free_sum;
	if (total < 1)
		total = 1;
	s->gor_available = true;
	s->gor_total = (uint64_t)total;
	s->gor_allglen = g->allglen;
	gi_counts_sort_desc(&s->by_status);
	gi_counts_sort_desc(&s->system_by_status);
	build_groups(g, s, user, sys);
	free(user);
	free(sys);
	if (unreadable)
		gi_snapshot_add_warning(s, "%llu goroutine structures could not be read",
		                        (unsigned long long)unreadable);
	if (!g->pcln)
		gi_snapshot_add_warning(s, "function table unreadable: system goroutines "
		                           "not told apart");
	uint64_t nuser = gi_counts_sum(&s->by_status);
	if (nuser != s->gor_total)
		gi_snapshot_add_warning(s, "%llu user goroutines counted one by one, but the "
		                           "runtime's counters give %llu (goroutines being created "
		                           "or exiting at the moment of the snapshot)",
		                        (unsigned long long)nuser, (unsigned long long)s->gor_total);
	(void)live;
}

void gi_goreader_free(struct gi_goreader *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nwrs; i++)
		free(g->wrs[i]);
	free(g->wrs);
	gi_pcln_free(g->pcln);
	gi_gstatus_free(&g->gs);
	free(g->gptrs);
	free(g->gwin);
	free(g->gstk);
	free(g->gstk_base);
	free(g->gstk_len);
	free(g->gstk_pc);
	free(g->gstk_trap);
	free(g->gtid);
	free(g->gchanged);
	free(g->gchain);
	chains_free(g->chains);
	gi_scratch_free(&g->scratch);
	gi_scratch_free(&g->scratch2);
	free(g->arenas);
	free(g->capture_error);
	free(g);
}
