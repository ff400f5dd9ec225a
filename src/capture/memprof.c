/* memprof.c: the runtime's own heap profile, read from outside.
 *
 * Every Go program samples its allocations (runtime.MemProfileRate, one sample per 512 KiB
 * by default) into buckets in its own memory: runtime.mbuckets is a list (through allnext)
 * of buckets, each a header runtime.bucket {next, allnext, typ, hash, size, nstk} followed by
 * nstk return addresses and a runtime.memRecord {active, future[3]} of runtime.memRecordCycle.
 * A cycle is {allocs, frees, alloc_bytes, free_bytes} through Go 1.26; from 1.27 it is
 * {allocs, frees}, and the bytes are the counts times the bucket's size (the size of the
 * objects the bucket counts: runtime.MemProfileRecord.ObjectSize). The layouts (DWARF, or the
 * built-in table made from it) say which: a cycle with alloc_bytes and free_bytes members
 * records bytes, one without them does not; any other shape is refused.
 * The runtime publishes a GC cycle's counts into `active` when the cycle ends;
 * runtime.MemProfile (what /debug/pprof/heap formats) first folds in future[cycle % 3] (the
 * cycle that ended, when it is not published yet; empty otherwise; cycle is mProfCycle's
 * value shifted right by one, its low bit being the flushed flag), and when no bucket has
 * any published count at all (no GC yet) it folds in every cycle. This reader computes
 * exactly that, without writing: the program is not touched.
 *
 * When a program does not link runtime/pprof, the linker sets runtime.disableMemoryProfiling
 * and the runtime turns sampling off (MemProfileRate = 0): then there is nothing to read, and
 * the snapshot says so.
 *
 * Read after the stop, like the runtime's own endpoint reads while the program runs: the
 * counts are cumulative and change only at allocations and garbage collections.
 */
#include "capture/readers.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BUCKETS 1000000
#define MAX_NSTK 1024       /* the runtime's own limit is 32 (up to 1.22) or profstackdepth */

struct gi_profreader {
	uint64_t a_mbuckets, a_rate, a_disable, a_cycle;
	bool have_disable, have_cycle;
	struct gi_memprof_shape sh;
	int name_pieces;    /* how the runtime prints function names */
	uint8_t *buf;       /* a bucket with up to 64 frames and its record */
};

/* The member type.path of 8 bytes into *off; false when the layouts lack it. */
static bool word(struct gi_layout *d, const char *type, const char *path, uint64_t *off)
{
	struct gi_field f;
	if (!gi_layout_field(d, type, path, &f) || f.size != 8)
		return false;
	*off = f.off;
	return true;
}

int gi_memprof_shape(struct gi_layout *d, struct gi_memprof_shape *m, char *err, size_t errlen)
{
	/* The shapes, each checked: a record of one active and nfuture cycles, nothing else. */
	const char *b = "runtime.bucket", *r = "runtime.memRecord", *c = "runtime.memRecordCycle";
	struct gi_field fa, ff;
	int64_t typ = -1;
	const char *why = NULL;
	memset(m, 0, sizeof *m);
	if (gi_layout_type_size(d, b, &m->hdr) != 0 || !word(d, b, "allnext", &m->b_allnext) ||
	    !word(d, b, "typ", &m->b_typ) || !word(d, b, "size", &m->b_size) ||
	    !word(d, b, "nstk", &m->b_nstk) || m->hdr % 8 || m->hdr > 256)
		why = "runtime.bucket has no allnext, typ, size and nstk words";
	else if (GI_LAYOUT_CONST(d, &typ, "runtime.memProfile") != 0 || typ < 0)
		why = "no constant runtime.memProfile";
	else if (gi_layout_type_size(d, c, &m->cyc) != 0 || !word(d, c, "allocs", &m->c_allocs) ||
	         !word(d, c, "frees", &m->c_frees))
		why = "runtime.memRecordCycle has no allocs and frees words";
	else if (gi_layout_type_size(d, r, &m->rec) != 0 || !gi_layout_field(d, r, "active", &fa) ||
	         !gi_layout_field(d, r, "future", &ff) || fa.size != m->cyc || ff.size % m->cyc ||
	         ff.size / m->cyc < 1 || ff.size / m->cyc > GI_MEMPROF_MAX_FUTURE ||
	         m->rec != fa.size + ff.size || m->rec % 8)
		why = "runtime.memRecord is not {active, future[N]} of runtime.memRecordCycle";
	if (!why) {
		m->memprofile = (uint64_t)typ;
		m->rec_active = fa.off;
		m->rec_future = ff.off;
		m->nfuture = ff.size / m->cyc;
		bool ab = word(d, c, "alloc_bytes", &m->c_abytes),
		     fb = word(d, c, "free_bytes", &m->c_fbytes);
		m->bytes_recorded = ab && fb;
		/* {allocs, frees, alloc_bytes, free_bytes} (through Go 1.26) or {allocs, frees} */
		if (ab != fb || m->cyc != (m->bytes_recorded ? 32u : 16u))
			why = "runtime.memRecordCycle is neither {allocs, frees, alloc_bytes, free_bytes} "
			      "nor {allocs, frees}";
	}
	if (why) {
		snprintf(err, errlen, "%s (%s)", why, gi_layout_source(d));
		return -ENOTSUP;
	}
	return 0;
}

int gi_profreader_prepare(struct gi_target *t, struct gi_profreader **out, char *err,
                          size_t errlen)
{
	*out = NULL;
	struct gi_layout *d = t->lay;
	struct gi_profreader *m = xcalloc(1, sizeof *m);
	if (gi_layout_var(d, "runtime.mbuckets", &m->a_mbuckets, NULL) != 0 ||
	    gi_layout_var(d, "runtime.MemProfileRate", &m->a_rate, NULL) != 0) {
		snprintf(err, errlen, "runtime.mbuckets or runtime.MemProfileRate not found");
		free(m);
		return -ENOENT;
	}
	m->have_disable = gi_layout_var(d, "runtime.disableMemoryProfiling", &m->a_disable,
	                                NULL) == 0;
	m->have_cycle = gi_layout_var(d, "runtime.mProfCycle", &m->a_cycle, NULL) == 0;
	int r = gi_memprof_shape(d, &m->sh, err, errlen);
	if (r < 0) {
		free(m);
		return r;
	}
	if (gi_layout_name_pieces(d, &m->name_pieces) != 0)
		m->name_pieces = 3;
	m->buf = xmalloc(m->sh.hdr + 64 * 8 + m->sh.rec);
	*out = m;
	return 0;
}

static void memprof_scale(int64_t count, int64_t size, int64_t rate, int64_t *ecount,
                      int64_t *esize)
{
	/* runtime/pprof's scaleHeapSample: a sample stands for 1/(1-exp(-avg/rate)) objects. */
	if (count == 0 || size == 0) {
		*ecount = *esize = 0;
		return;
	}
	if (rate <= 1) {
		*ecount = count;
		*esize = size;
		return;
	}
	double avg = (double)size / (double)count;
	double scale = 1 / (1 - exp(-avg / (double)rate));
	*ecount = (int64_t)((double)count * scale);
	*esize = (int64_t)((double)size * scale);
}

struct rawsite {
	uint64_t *pcs;
	size_t npcs;
	uint64_t size;  /* the bucket's: the size of the objects it counts */
	uint64_t active[4], future[GI_MEMPROF_MAX_FUTURE][4];  /* allocs, frees, alloc_bytes, free_bytes */
};

/* One cycle of a record: {allocs, frees, alloc_bytes, free_bytes}, the bytes computed from the
 * bucket's size where the release does not record them. */
static void cycle(const struct gi_memprof_shape *m, const uint8_t *c, uint64_t size,
                  uint64_t *out)
{
	out[0] = gi_le64(c + m->c_allocs);
	out[1] = gi_le64(c + m->c_frees);
	out[2] = m->bytes_recorded ? gi_le64(c + m->c_abytes) : out[0] * size;
	out[3] = m->bytes_recorded ? gi_le64(c + m->c_fbytes) : out[1] * size;
}

static int site_cmp(const void *a, const void *b)
{
	const struct gi_memsite *x = a, *y = b;
	if (x->inuse_bytes != y->inuse_bytes)
		return x->inuse_bytes > y->inuse_bytes ? -1 : 1;
	if (x->alloc_bytes != y->alloc_bytes)
		return x->alloc_bytes > y->alloc_bytes ? -1 : 1;
	size_t n = x->npcs < y->npcs ? x->npcs : y->npcs;
	for (size_t i = 0; i < n; i++)
		if (x->pcs[i] != y->pcs[i])
			return x->pcs[i] < y->pcs[i] ? -1 : 1;
	return (x->npcs > y->npcs) - (x->npcs < y->npcs);
}

/* Whether the runtime's heap profile hides name when it leads a stack: runtime functions, and
 * from Go 1.24 on also those of internal/runtime/... (runtime/pprof's writeHeapInternal and
 * writeHeapProto). */
static bool hidden_name(const char *name, int go_minor)
{
	return gi_func_is_runtime(name, go_minor);
}

/* Adds a frame named as runtime.Frame.Function names it: from Go 1.21 on, a generic
 * function's type arguments print as "[...]" (pieces: gi_func_name_for_print). */
static void put_frame(struct gi_frame **v, char ***sym, size_t *n, size_t *cap,
                      const struct gi_pcln_frame *f, int pieces)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*v = xrealloc(*v, *cap * sizeof **v);
		*sym = xrealloc(*sym, *cap * sizeof **sym);
	}
	char *name = gi_func_name_for_print(f->func, pieces);
	(*sym)[*n] = strcmp(name, f->func) ? xstrdup(f->func) : NULL;
	(*v)[*n] = (struct gi_frame){name, xstrdup(f->file), f->line};
	(*n)++;
}

/* The stack's frames, in the two forms the runtime prints it.
 *
 * The recorded stack already has one pc per logical frame (the runtime's tracebackPCs gives
 * an inlined call the pc of its inline mark in the caller, plus one), so each pc names one
 * frame, the innermost at pc-1, as runtime.CallersFrames does: expanding every pc's inline
 * tree again would list the inlined callers twice.
 *
 * The debug=1 text (printStackRecord) hides the leading runtime frames by those names, unless
 * nothing else is left: the frames it shows go to s->frames, the ones it hides to s->hidden.
 * The protocol buffer form (writeHeapProto) hides leading pcs by runtime.FuncForPC(pc), which
 * looks the inline tree up at pc itself, not pc-1, and stops at a pc outside Go code: it can
 * hide fewer or more, so s->pprof_skip counts them separately. runtime.goexit is never shown.
 * From Go 1.21 on the text prints a generic function's type arguments as [...] while the
 * protocol buffer keeps the linker's name: s->symbols keeps it where the two differ. */
static void symbolize(struct gi_pcln *pcln, struct gi_memsite *s, int go_minor, int pieces)
{
	struct gi_pcln_frame fr[64], one;
	struct gi_frame *all = NULL;
	char **sym = NULL;
	size_t nall = 0, cap = 0;
	for (size_t i = 0; i < s->npcs; i++) {
		int k = pcln ? gi_pcln_frames(pcln, s->pcs[i], true, fr, 64) : 0;
		one = k ? fr[0] : (struct gi_pcln_frame){"?", "?", 0, s->pcs[i], 0, false, false};
		if (!strcmp(one.func, "runtime.goexit"))
			continue;
		put_frame(&all, &sym, &nall, &cap, &one, pieces);
	}
	size_t hide = 0;
	while (hide < nall && strcmp(all[hide].func, "?") && hidden_name(all[hide].func, go_minor))
		hide++;
	if (hide == nall)
		hide = 0;  /* nothing else: all shown */
	size_t skip = 0;
	while (skip < s->npcs && pcln) {
		int k = gi_pcln_frames(pcln, s->pcs[skip], false, fr, 64);
		if (!k || !hidden_name(fr[0].func, go_minor))
			break;
		skip++;
	}
	if (skip >= nall)
		skip = 0;
	s->hidden = xcalloc(hide + 1, sizeof *s->hidden);
	for (size_t i = 0; i < hide; i++)
		s->hidden[i] = all[i];
	s->nhidden = hide;
	s->frames = xcalloc(nall - hide + 1, sizeof *s->frames);
	for (size_t i = hide; i < nall; i++)
		s->frames[i - hide] = all[i];
	s->nframes = nall - hide;
	s->pprof_skip = skip;
	bool any = false;
	for (size_t i = 0; i < nall; i++)
		any |= sym[i] != NULL;
	if (any)
		s->symbols = sym;
	else
		free(sym);
	free(all);
}

void gi_profreader_read(struct gi_profreader *m, struct gi_target *t, struct gi_pcln *pcln,
                   struct gi_memprof *out)
{
	memset(out, 0, sizeof *out);
	struct gi_remote *mem = &t->mem;
	int64_t rate = 0;
	uint8_t disabled = 0;
	uint32_t cyclev = 0;
	uint64_t head = 0;
	struct gi_readreq r[4] = {{m->a_rate, &rate, 8, 0}, {m->a_mbuckets, &head, 8, 0}};
	size_t nr = 2;
	if (m->have_disable)
		r[nr++] = (struct gi_readreq){m->a_disable, &disabled, 1, 0};
	if (m->have_cycle)
		r[nr++] = (struct gi_readreq){m->a_cycle, &cyclev, 4, 0};
	if (gi_remote_readv(mem, r, nr) != 0) {
		out->note = xstrdup("the runtime's heap profile could not be read");
		return;
	}
	out->rate = rate;
	if (disabled) {
		out->available = true;
		out->note = xstrdup("this binary records no allocation sites (runtime/pprof not "
		                    "linked: the linker turned memory profiling off)");
		return;
	}
	struct rawsite *raw = NULL;
	size_t n = 0, cap = 0;
	uint8_t *buf = m->buf;
	uint8_t *big = NULL;
	bool torn = false;
	for (uint64_t b = head; b && !torn; n++) {
		if (n >= MAX_BUCKETS) {
			torn = true;  /* a cycle, or garbage */
			break;
		}
		if (gi_remote_read(mem, b, buf, m->sh.hdr + 64 * 8 + m->sh.rec) != 0 &&
		    gi_remote_read(mem, b, buf, m->sh.hdr) != 0) {
			torn = true;
			break;
		}
		uint64_t next = gi_le64(buf + m->sh.b_allnext), typ = gi_le64(buf + m->sh.b_typ),
		         nstk = gi_le64(buf + m->sh.b_nstk), size = gi_le64(buf + m->sh.b_size);
		if (typ != m->sh.memprofile || nstk > MAX_NSTK) {
			torn = true;
			break;
		}
		const uint8_t *rest = buf + m->sh.hdr;
		if (nstk > 64) {
			big = xrealloc(big, nstk * 8 + m->sh.rec);
			if (gi_remote_read(mem, b + m->sh.hdr, big, nstk * 8 + m->sh.rec) != 0) {
				torn = true;
				break;
			}
			rest = big;
		}
		GI_GROW(raw, n, cap);
		struct rawsite *s = &raw[n];
		s->npcs = (size_t)nstk;
		s->pcs = xmalloc((nstk ? nstk : 1) * 8);
		s->size = size;
		memcpy(s->pcs, rest, nstk * 8);
		const uint8_t *rec = rest + nstk * 8;
		cycle(&m->sh, rec + m->sh.rec_active, size, s->active);
		for (uint64_t c = 0; c < m->sh.nfuture; c++)
			cycle(&m->sh, rec + m->sh.rec_future + c * m->sh.cyc, size, s->future[c]);
		b = next;
	}
	free(big);
	/* What runtime.MemProfile computes: the ended cycle folded in; every cycle when nothing
	 * is published yet. */
	unsigned idx = (unsigned)((cyclev >> 1) % m->sh.nfuture);
	bool clear = true;
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++)
			raw[i].active[k] += raw[i].future[idx][k];
		if (raw[i].active[0] || raw[i].active[1])
			clear = false;
	}
	if (clear)
		for (size_t i = 0; i < n; i++)
			for (unsigned c = 0; c < m->sh.nfuture; c++)
				if (c != idx)
					for (int k = 0; k < 4; k++)
						raw[i].active[k] += raw[i].future[c][k];
	out->sites = xcalloc(n ? n : 1, sizeof *out->sites);
	for (size_t i = 0; i < n; i++) {
		struct gi_memsite *s = &out->sites[out->nsites++];
		s->pcs = raw[i].pcs;
		s->npcs = raw[i].npcs;
		s->alloc_objects = (int64_t)raw[i].active[0];
		s->inuse_objects = (int64_t)(raw[i].active[0] - raw[i].active[1]);
		s->alloc_bytes = (int64_t)raw[i].active[2];
		s->inuse_bytes = (int64_t)(raw[i].active[2] - raw[i].active[3]);
		/* the size the runtime's protocol buffer labels the sample with ("bytes"): the
		 * bucket's (MemProfileRecord.ObjectSize) where the record keeps no bytes (Go 1.27
		 * on); before, AllocBytes / AllocObjects, and no label without an allocation */
		s->object_size = !m->sh.bytes_recorded ? (int64_t)raw[i].size
		                 : s->alloc_objects > 0 ? s->alloc_bytes / s->alloc_objects : 0;
		memprof_scale(s->inuse_objects, s->inuse_bytes, rate, &s->est_inuse_objects,
		                 &s->est_inuse_bytes);
		memprof_scale(s->alloc_objects, s->alloc_bytes, rate, &s->est_alloc_objects,
		                 &s->est_alloc_bytes);
		symbolize(pcln, s, t->go_minor, m->name_pieces);
	}
	free(raw);
	qsort(out->sites, out->nsites, sizeof *out->sites, site_cmp);
	out->available = true;
	if (torn)
		out->note = xstrdup("the runtime's heap profile was read only in part (a bucket "
		                    "could not be read, or the list does not end)");
	else if (rate == 0)
		out->note = xstrdup("allocation sampling is off (runtime.MemProfileRate = 0)");
	else if (n == 0)
		out->note = xstrdup("no allocation has been sampled yet");
}

void gi_profreader_free(struct gi_profreader *m)
{
	if (m)
		free(m->buf);
	free(m);
}
