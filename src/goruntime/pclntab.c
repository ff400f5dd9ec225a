/* pclntab.c: function names from the runtime's own function table (.gopclntab).
 *
 * The tables are found through the live runtime.firstmoduledata, whose slices the runtime has
 * already relocated, so the same code serves static, PIE and externally linked binaries.
 * Where moduledata's members are, the layouts of runtime._func and runtime.inlinedCall and the
 * constants below come from the release's layouts (DWARF, or the built-in table made from it:
 * gi_layout_pcln), not from this file; Go 1.27, for one, moved moduledata.gofunc. What is
 * fixed is the format the linker writes, which the pcHeader magic names (0xfffffff0 for Go
 * 1.18 and 1.19, 0xfffffff1 from 1.20; another is refused):
 *   functab:    {entryoff u32 (from moduledata.text), funcoff u32 (into pclntable)}
 *   _func:      fixed fields, then pcdata [npcdata]u32 and funcdata [nfuncdata]u32 (offsets
 *               from gofunc), right after nfuncdata, its last field.
 *   pc-value tables: pairs of zig-zag value deltas and pc deltas (uvarints, the pc delta in
 *               units of the pc quantum), from the entry.
 *   inline tree (funcdata FUNCDATA_InlTree, indexed by pc-value table PCDATA_InlTreeIndex):
 *               an array of inlinedCall.
 * The tables are immutable after start-up, so they are read before the target is stopped.
 */
#include "goruntime/goruntime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TABLE (512u << 20)

struct inl_cache {
	uint64_t funcoff;
	uint8_t *tree;     /* NULL: the function has no inline tree */
	size_t len;
};

struct gi_pcln {
	struct gi_remote *mem;
	struct gi_pcln_layout L;
	uint64_t gofunc;
	uint8_t *cutab, *filetab, *pctab;
	size_t ncutab, nfiletab, npctab;
	struct inl_cache *inl;
	size_t ninl, capinl;
	uint64_t text, etext;
	uint8_t *funcnames;
	size_t nfuncnames;
	uint8_t *pclntable;
	size_t npclntable;
	uint32_t *ftab;    /* 2 words per entry */
	size_t nftab;      /* entries, including the end marker */
	struct pc_info *pcache;  /* the unwinder's per-pc answers (direct-mapped) */
};

/* What the unwinder needs to know of a pc; goroutine stacks repeat few pcs, so a lookup in
 * the function table and a pc-value decoding are made once per pc, not once per frame. */
struct pc_info {
	uint64_t pc;       /* 0: empty slot */
	int32_t delta;     /* frame size, -1 if unknown */
	bool top;          /* a top frame or not Go code */
	bool known;        /* the pc is in the function table */
};
#define PCACHE_BITS 14

static uint8_t *read_slice(struct gi_remote *m, const uint8_t *hdr, size_t elem, size_t *n,
                           const char *what, char *err, size_t errlen)
{
	uint64_t ptr = gi_le64(hdr), len = gi_le64(hdr + 8);
	if (!ptr || !len || len > MAX_TABLE / elem) {
		snprintf(err, errlen, "implausible moduledata.%s (len %llu)", what,
		         (unsigned long long)len);
		return NULL;
	}
	uint8_t *buf = xmalloc(len * elem);
	int r = gi_remote_read(m, ptr, buf, len * elem);
	if (r < 0) {
		snprintf(err, errlen, "cannot read moduledata.%s: %s", what, strerror(-r));
		free(buf);
		return NULL;
	}
	*n = len;
	return buf;
}

/* Looks up one member; false (with err) when the layouts lack it. */
static bool member(struct gi_layout *l, const char *type, const char *const *paths,
                   uint64_t *off, uint64_t want_size, char *err, size_t errlen)
{
	uint64_t size = 0;
	for (const char *const *p = paths; *p; p++)
		if (gi_layout_member(l, type, *p, off, &size) == 0 && (!want_size || size == want_size))
			return true;
	snprintf(err, errlen, "no layout for %s.%s%s", type, paths[0],
	         want_size ? " of the size the function table has" : "");
	return false;
}

#define MEMBER(type, off, size, ...) \
	member(l, type, (const char *const[]){__VA_ARGS__, NULL}, &(off), size, err, errlen)

int gi_layout_pcln(struct gi_layout *l, struct gi_pcln_layout *pl, char *err, size_t errlen)
{
	memset(pl, 0, sizeof *pl);
	const char *md = "runtime.moduledata", *fn = "runtime._func", *ic = "runtime.inlinedCall";
	static const char *const data[8] = {"noptrdata", "enoptrdata", "data", "edata", "bss",
	                                    "ebss", "noptrbss", "enoptrbss"};
	uint64_t o[11], u[4], fsize = 0, isize = 0;
	const char *nosize = gi_layout_type_size(l, md, &pl->md_size) != 0 ? md
	                     : gi_layout_type_size(l, fn, &fsize) != 0    ? fn
	                     : gi_layout_type_size(l, ic, &isize) != 0    ? ic
	                                                                  : NULL;
	if (nosize) {
		snprintf(err, errlen, "no layout for %s", nosize);
		return -ENOENT;
	}
	bool ok = MEMBER(md, pl->md_pcheader, 8, "pcHeader") &&
	          MEMBER(md, pl->md_funcnametab, 24, "funcnametab") &&
	          MEMBER(md, pl->md_cutab, 24, "cutab") && MEMBER(md, pl->md_filetab, 24, "filetab") &&
	          MEMBER(md, pl->md_pctab, 24, "pctab") &&
	          MEMBER(md, pl->md_pclntable, 24, "pclntable") && MEMBER(md, pl->md_ftab, 24, "ftab") &&
	          MEMBER(md, pl->md_minpc, 8, "minpc") && MEMBER(md, pl->md_maxpc, 8, "maxpc") &&
	          MEMBER(md, pl->md_text, 8, "text") && MEMBER(md, pl->md_etext, 8, "etext") &&
	          MEMBER(md, pl->md_types, 8, "types") && MEMBER(md, pl->md_etypes, 8, "etypes") &&
	          MEMBER(md, pl->md_gofunc, 8, "gofunc");
	for (int i = 0; i < 8 && ok; i++)
		ok = member(l, md, (const char *const[]){data[i], NULL}, &pl->md_data[i], 8, err,
		            errlen);
	/* the names of Go 1.19 (entryoff, nameoff, func_) and of 1.20 on */
	ok = ok && MEMBER(fn, o[0], 4, "entryOff", "entryoff") &&
	     MEMBER(fn, o[1], 4, "nameOff", "nameoff") && MEMBER(fn, o[2], 4, "pcsp") &&
	     MEMBER(fn, o[3], 4, "pcfile") && MEMBER(fn, o[4], 4, "pcln") &&
	     MEMBER(fn, o[5], 4, "npcdata") && MEMBER(fn, o[6], 4, "cuOffset") && MEMBER(fn, o[7], 1, "funcID") &&
	     MEMBER(fn, o[8], 1, "flag") && MEMBER(fn, o[9], 1, "nfuncdata") &&
	     MEMBER(ic, u[0], 1, "funcID") && MEMBER(ic, u[1], 4, "nameOff", "func_") &&
	     MEMBER(ic, u[2], 4, "parentPc");
	if (!ok)
		return -ENOENT;
	/* the format: pcdata follows the fixed part of _func, which ends with nfuncdata */
	if (fsize != o[9] + 1 || isize > 256) {
		snprintf(err, errlen, "runtime._func (%llu bytes) does not end with nfuncdata (at "
		         "%llu): a function table format goinspect does not know",
		         (unsigned long long)fsize, (unsigned long long)o[9]);
		return -ENOENT;
	}
	pl->fn_size = (uint32_t)fsize;
	pl->fn_entry = (uint32_t)o[0];
	pl->fn_name = (uint32_t)o[1];
	pl->fn_pcsp = (uint32_t)o[2];
	pl->fn_pcfile = (uint32_t)o[3];
	pl->fn_pcln = (uint32_t)o[4];
	pl->fn_npcdata = (uint32_t)o[5];
	pl->fn_cu = (uint32_t)o[6];
	pl->fn_funcid = (uint32_t)o[7];
	pl->fn_flag = (uint32_t)o[8];
	pl->fn_nfuncdata = (uint32_t)o[9];
	pl->ic_size = (uint32_t)isize;
	pl->ic_funcid = (uint32_t)u[0];
	pl->ic_name = (uint32_t)u[1];
	pl->ic_parentpc = (uint32_t)u[2];
	/* the constants, under their names in internal/abi (1.21 on) or the runtime (before) */
	const char *missing = NULL;
	if (GI_LAYOUT_CONST(l, &pl->wrapper_id, "internal/abi.FuncIDWrapper",
	                    "runtime.funcID_wrapper") != 0)
		missing = "internal/abi.FuncIDWrapper";
	else if (GI_LAYOUT_CONST(l, &pl->flag_topframe, "internal/abi.FuncFlagTopFrame",
	                         "runtime.funcFlag_TOPFRAME") != 0)
		missing = "internal/abi.FuncFlagTopFrame";
	else if (GI_LAYOUT_CONST(l, &pl->pcdata_inltree, "internal/abi.PCDATA_InlTreeIndex",
	                         "runtime._PCDATA_InlTreeIndex") != 0)
		missing = "internal/abi.PCDATA_InlTreeIndex";
	else if (GI_LAYOUT_CONST(l, &pl->funcdata_inltree, "internal/abi.FUNCDATA_InlTree",
	                         "runtime._FUNCDATA_InlTree") != 0)
		missing = "internal/abi.FUNCDATA_InlTree";
	else if (GI_LAYOUT_CONST(l, &pl->pc_quantum, "internal/runtime/sys.PCQuantum",
	                         "runtime/internal/sys.PCQuantum") != 0)
		missing = "internal/runtime/sys.PCQuantum";
	if (missing) {
		snprintf(err, errlen, "no constant %s", missing);
		return -ENOENT;
	}
	if (pl->wrapper_id < 0 || pl->wrapper_id > 255 || pl->flag_topframe <= 0 ||
	    pl->flag_topframe > 255 || pl->pcdata_inltree < 0 || pl->pcdata_inltree > 1000 ||
	    pl->funcdata_inltree < 0 || pl->funcdata_inltree > 255 || pl->pc_quantum < 1 ||
	    pl->pc_quantum > 16) {
		snprintf(err, errlen, "implausible function table constants");
		return -ENOENT;
	}
	return 0;
}

int gi_pcln_load(struct gi_remote *m, uint64_t md, const struct gi_pcln_layout *pl,
                 struct gi_pcln **out, char *err, size_t errlen)
{
	*out = NULL;
	uint8_t *hdr = xmalloc(pl->md_size);
	int r = gi_remote_read(m, md, hdr, pl->md_size);
	if (r < 0) {
		snprintf(err, errlen, "cannot read runtime.firstmoduledata: %s", strerror(-r));
		free(hdr);
		return r;
	}
	uint32_t magic = 0;
	if (gi_remote_read(m, gi_le64(hdr + pl->md_pcheader), &magic, 4) != 0 ||
	    (magic != 0xfffffff0 && magic != 0xfffffff1)) {
		snprintf(err, errlen, "unknown function table (pcHeader magic %#x)", magic);
		free(hdr);
		return -ENOTSUP;
	}
	struct gi_pcln *p = xcalloc(1, sizeof *p);
	p->mem = m;
	p->L = *pl;
	p->gofunc = gi_le64(hdr + pl->md_gofunc);
	p->text = gi_le64(hdr + pl->md_text);
	p->etext = gi_le64(hdr + pl->md_etext);
	p->funcnames = read_slice(m, hdr + pl->md_funcnametab, 1, &p->nfuncnames, "funcnametab",
	                          err, errlen);
	if (p->funcnames)
		p->pclntable = read_slice(m, hdr + pl->md_pclntable, 1, &p->npclntable, "pclntable",
		                          err, errlen);
	if (p->pclntable)
		p->ftab = (uint32_t *)read_slice(m, hdr + pl->md_ftab, 8, &p->nftab, "ftab", err,
		                                 errlen);
	if (p->ftab)
		p->cutab = read_slice(m, hdr + pl->md_cutab, 4, &p->ncutab, "cutab", err, errlen);
	if (p->cutab)
		p->filetab = read_slice(m, hdr + pl->md_filetab, 1, &p->nfiletab, "filetab", err,
		                        errlen);
	if (p->filetab)
		p->pctab = read_slice(m, hdr + pl->md_pctab, 1, &p->npctab, "pctab", err, errlen);
	free(hdr);
	if (!p->pctab || p->nftab < 2 || p->etext <= p->text) {
		if (p->pctab)
			snprintf(err, errlen, "implausible function table");
		gi_pcln_free(p);
		return -EINVAL;
	}
	*out = p;
	return 0;
}

/* funcoff of the function holding pc, or UINT64_MAX. */
static uint64_t find_func(struct gi_pcln *p, uint64_t pc)
{
	if (!p || pc < p->text || pc >= p->etext)
		return UINT64_MAX;
	uint64_t off = pc - p->text;
	size_t nf = p->nftab - 1;  /* the last entry marks the end of text */
	if (off < p->ftab[0] || off >= p->ftab[2 * nf])
		return UINT64_MAX;
	size_t lo = 0, hi = nf;    /* the last entry with entryoff <= off */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (p->ftab[2 * mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t funcoff = p->ftab[2 * lo + 1];
	if (funcoff + p->L.fn_size > p->npclntable)
		return UINT64_MAX;
	return funcoff;
}

static uint32_t fu32(struct gi_pcln *p, uint64_t funcoff, unsigned off)
{
	uint32_t v;
	memcpy(&v, p->pclntable + funcoff + off, 4);
	return v;
}

static uint8_t fu8(struct gi_pcln *p, uint64_t funcoff, unsigned off)
{
	return p->pclntable[funcoff + off];
}

static uint64_t func_entry(struct gi_pcln *p, uint64_t funcoff)
{
	return p->text + fu32(p, funcoff, p->L.fn_entry);
}

static const char *name_at(struct gi_pcln *p, int64_t nameoff)
{
	if (nameoff <= 0 || (uint64_t)nameoff >= p->nfuncnames)
		return NULL;
	const char *name = (const char *)p->funcnames + nameoff;
	return memchr(name, 0, p->nfuncnames - (size_t)nameoff) ? name : NULL;
}

static bool uvarint(const uint8_t *q, size_t len, size_t *i, uint32_t *v)
{
	uint32_t x = 0;
	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (*i >= len)
			return false;
		uint8_t b = q[(*i)++];
		x |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return true;
		}
	}
	return false;
}

/* One step of a pc-value table: the next value delta (zig-zag) and pc delta. False at the end
 * of the table (a zero value delta after the first step) or on a malformed entry. */
static bool step(const uint8_t *q, size_t len, size_t *i, bool first, int32_t *val, uint64_t *pc,
                 uint64_t quantum)
{
	uint32_t uv, pcd;
	if (*i >= len || (q[*i] == 0 && !first))
		return false;
	if (!uvarint(q, len, i, &uv) || !uvarint(q, len, i, &pcd))
		return false;
	/* wraps, as the runtime's int32 arithmetic does (no signed overflow on junk tables) */
	*val = (int32_t)((uint32_t)*val + (-(uv & 1) ^ (uv >> 1)));
	*pc += pcd * quantum;
	return true;
}

/* The runtime's pcvalue: the value of table `off` at targetpc, -1 if none. With targetpc
 * UINT64_MAX, the largest value the table takes instead. */
static int32_t pcvalue(struct gi_pcln *p, uint64_t funcoff, uint32_t off, uint64_t targetpc)
{
	if (off == 0 || off >= p->npctab)
		return -1;
	const uint8_t *q = p->pctab + off;
	size_t len = p->npctab - off, i = 0;
	uint64_t pc = func_entry(p, funcoff);
	int32_t val = -1, max = -1;
	uint64_t quantum = (uint64_t)p->L.pc_quantum;
	for (int n = 0; n < 1000000 && step(q, len, &i, n == 0, &val, &pc, quantum); n++) {
		if (targetpc == UINT64_MAX) {
			if (val > max)
				max = val;
		} else if (targetpc < pc) {
			return val;
		}
	}
	return targetpc == UINT64_MAX ? max : -1;
}

static unsigned off_nfuncdata(struct gi_pcln *p)
{
	return p->L.fn_nfuncdata;
}

static int32_t pcdata(struct gi_pcln *p, uint64_t funcoff, uint32_t table, uint64_t pc)
{
	uint32_t npcdata = fu32(p, funcoff, p->L.fn_npcdata);
	if (table >= npcdata)
		return -1;
	uint64_t at = funcoff + off_nfuncdata(p) + 1 + 4 * (uint64_t)table;
	if (at + 4 > p->npclntable)
		return -1;
	uint32_t off;
	memcpy(&off, p->pclntable + at, 4);
	return pcvalue(p, funcoff, off, pc);
}

/* The inline tree of a function (read from the target on first use, then cached). */
static const uint8_t *inline_tree(struct gi_pcln *p, uint64_t funcoff, size_t *len)
{
	for (size_t i = 0; i < p->ninl; i++)
		if (p->inl[i].funcoff == funcoff) {
			*len = p->inl[i].len;
			return p->inl[i].tree;
		}
	GI_GROW(p->inl, p->ninl, p->capinl);
	struct inl_cache *c = &p->inl[p->ninl++];
	c->funcoff = funcoff;
	c->tree = NULL;
	c->len = 0;
	uint32_t npcdata = fu32(p, funcoff, p->L.fn_npcdata);
	uint8_t nfuncdata = fu8(p, funcoff, off_nfuncdata(p));
	uint64_t fd = (uint64_t)p->L.funcdata_inltree, pd = (uint64_t)p->L.pcdata_inltree;
	if (nfuncdata > fd && npcdata < 1000) {
		uint64_t at = funcoff + off_nfuncdata(p) + 1 + 4 * (uint64_t)npcdata + 4 * fd;
		uint32_t off;
		if (at + 4 <= p->npclntable) {
			memcpy(&off, p->pclntable + at, 4);
			if (off != UINT32_MAX) {
				/* The tree's length is not recorded: read as far as the largest index
				 * in the function's InlTreeIndex table reaches. */
				size_t esz = p->L.ic_size, n = 0;
				uint32_t toff = 0;
				if (npcdata > pd)
					memcpy(&toff, p->pclntable + funcoff + off_nfuncdata(p) + 1 + 4 * pd,
					       4);
				int32_t maxix = npcdata > pd ? pcvalue(p, funcoff, toff, UINT64_MAX) : -1;
				if (maxix >= 0 && maxix < 100000) {
					n = (size_t)maxix + 1;
					c->tree = xmalloc(n * esz);
					if (gi_remote_read(p->mem, p->gofunc + off, c->tree, n * esz) == 0) {
						c->len = n;
					} else {
						free(c->tree);
						c->tree = NULL;
					}
				}
			}
		}
	}
	*len = c->len;
	return c->tree;
}

static void file_line(struct gi_pcln *p, uint64_t funcoff, uint64_t pc, const char **file,
                      int *line)
{
	*file = "?";
	*line = pcvalue(p, funcoff, fu32(p, funcoff, p->L.fn_pcln), pc);
	int32_t fileno = pcvalue(p, funcoff, fu32(p, funcoff, p->L.fn_pcfile), pc);
	uint64_t cu = fu32(p, funcoff, p->L.fn_cu);
	if (fileno < 0 || cu + (uint64_t)fileno >= p->ncutab)
		return;
	uint32_t foff;
	memcpy(&foff, p->cutab + 4 * (cu + (uint64_t)fileno), 4);
	if (foff == UINT32_MAX || foff >= p->nfiletab)
		return;
	const char *f = (const char *)p->filetab + foff;
	if (memchr(f, 0, p->nfiletab - foff))
		*file = f;
}

int gi_pcln_frames(struct gi_pcln *p, uint64_t pc, bool ret, struct gi_pcln_frame *out, int max)
{
	uint64_t funcoff = find_func(p, pc);
	if (funcoff == UINT64_MAX || max <= 0)
		return 0;
	uint64_t entry = func_entry(p, funcoff);
	uint64_t tracepc = (ret && pc > entry) ? pc - 1 : pc;
	int n = 0;
	size_t ntree = 0;
	const uint8_t *tree = NULL;
	uint32_t pd = (uint32_t)p->L.pcdata_inltree;
	int32_t ix = pcdata(p, funcoff, pd, tracepc);
	if (ix >= 0)
		tree = inline_tree(p, funcoff, &ntree);
	for (int depth = 0; ix >= 0 && tree && (size_t)ix < ntree && n < max - 1 && depth < 100;
	     depth++) {
		const uint8_t *e = tree + (size_t)ix * p->L.ic_size;
		int32_t nameoff, parentpc;
		memcpy(&nameoff, e + p->L.ic_name, 4);
		memcpy(&parentpc, e + p->L.ic_parentpc, 4);
		const char *name = name_at(p, nameoff);
		struct gi_pcln_frame *f = &out[n++];
		f->func = name ? name : "?";
		file_line(p, funcoff, tracepc, &f->file, &f->line);
		f->pc = pc;
		f->entry = entry;
		f->inlined = true;
		f->wrapper = e[p->L.ic_funcid] == (uint8_t)p->L.wrapper_id;
		tracepc = entry + (uint64_t)parentpc;
		ix = pcdata(p, funcoff, pd, tracepc);
	}
	struct gi_pcln_frame *f = &out[n++];
	const char *name = name_at(p, (int32_t)fu32(p, funcoff, p->L.fn_name));
	f->func = name ? name : "?";
	file_line(p, funcoff, tracepc, &f->file, &f->line);
	f->pc = pc;
	f->entry = entry;
	f->inlined = false;
	f->wrapper = fu8(p, funcoff, p->L.fn_funcid) == (uint8_t)p->L.wrapper_id;
	return n;
}

int gi_pcln_spdelta(struct gi_pcln *p, uint64_t pc, int64_t *delta)
{
	uint64_t funcoff = find_func(p, pc);
	if (funcoff == UINT64_MAX)
		return -ENOENT;
	int32_t d = pcvalue(p, funcoff, fu32(p, funcoff, p->L.fn_pcsp), pc);
	if (d < 0)
		return -ENOENT;
	*delta = d;
	return 0;
}

bool gi_pcln_is_injected_call(struct gi_pcln *p, uint64_t pc, int go_minor)
{
	const char *name = gi_pcln_funcname(p, pc);
	if (!name)
		return false;
	return !strcmp(name, "runtime.sigpanic") ||
	       (gi_go_rule(GI_RULE_PREEMPT_IS_INJECTED, go_minor) &&
	        (!strcmp(name, "runtime.asyncPreempt") || !strcmp(name, "runtime.debugCallV2")));
}

bool gi_pcln_is_topframe(struct gi_pcln *p, uint64_t pc)
{
	uint64_t funcoff = find_func(p, pc);
	if (funcoff == UINT64_MAX)
		return true;
	if (fu8(p, funcoff, p->L.fn_flag) & (uint8_t)p->L.flag_topframe)
		return true;
	const char *name = name_at(p, (int32_t)fu32(p, funcoff, p->L.fn_name));
	return name && (!strcmp(name, "runtime.goexit") || !strcmp(name, "runtime.mstart") ||
	                !strcmp(name, "runtime.rt0_go") || !strcmp(name, "runtime.mcall") ||
	                !strcmp(name, "runtime.morestack"));
}

static const struct pc_info *pc_info(struct gi_pcln *p, uint64_t pc)
{
	if (!p->pcache)
		p->pcache = xcalloc((size_t)1 << PCACHE_BITS, sizeof *p->pcache);
	struct pc_info *c = &p->pcache[(pc * 0x9e3779b97f4a7c15ull) >> (64 - PCACHE_BITS)];
	if (c->pc == pc && pc)
		return c;
	int64_t d = -1;
	c->pc = pc;
	c->known = find_func(p, pc) != UINT64_MAX;
	c->top = gi_pcln_is_topframe(p, pc);
	c->delta = !c->top && gi_pcln_spdelta(p, pc, &d) == 0 && d <= INT32_MAX ? (int32_t)d : -1;
	return c;
}

int gi_unwind(struct gi_pcln *p, uint64_t pc, uint64_t sp, const uint8_t *stk, uint64_t stk_base,
              size_t stk_len, uint64_t *pcs, int max, bool *truncated)
{
	int n = 0;
	*truncated = false;
	while (n < max) {
		const struct pc_info *c = pc_info(p, pc);
		if (c->top) {
			if (!c->known)
				*truncated = true;  /* not Go code: garbage or a torn stack */
			return n;
		}
		pcs[n++] = pc;
		int64_t delta = c->delta;
		if (delta < 0) {
			*truncated = true;
			return n;
		}
		uint64_t fp = sp + (uint64_t)delta + 8;  /* past the return address */
		if (fp < sp || fp - 8 < stk_base || fp > stk_base + stk_len) {
			*truncated = true;
			return n;
		}
		uint64_t lr;
		memcpy(&lr, stk + (fp - 8 - stk_base), 8);
		pc = lr;
		sp = fp;
	}
	*truncated = true;
	return n;
}

const char *gi_pcln_funcname(struct gi_pcln *p, uint64_t pc)
{
	uint64_t funcoff = find_func(p, pc);
	return funcoff == UINT64_MAX ? NULL : name_at(p, (int32_t)fu32(p, funcoff, p->L.fn_name));
}

const char *gi_pcln_func_at(struct gi_pcln *p, uint64_t pc, uint64_t *entry)
{
	uint64_t funcoff = find_func(p, pc);
	if (funcoff == UINT64_MAX)
		return NULL;
	*entry = func_entry(p, funcoff);
	return name_at(p, (int32_t)fu32(p, funcoff, p->L.fn_name));
}

void gi_pcln_free(struct gi_pcln *p)
{
	if (!p)
		return;
	free(p->pcache);
	free(p->funcnames);
	free(p->pclntable);
	free(p->ftab);
	free(p->cutab);
	free(p->filetab);
	free(p->pctab);
	for (size_t i = 0; i < p->ninl; i++)
		free(p->inl[i].tree);
	free(p->inl);
	free(p);
}

int gi_pcln_func_range(struct gi_pcln *p, const char *name, uint64_t *entry, uint64_t *end)
{
	if (!p)
		return -ENOENT;
	for (size_t i = 0; i + 1 < p->nftab; i++) {
		uint64_t fo = p->ftab[2 * i + 1];
		if (fo + p->L.fn_size > p->npclntable)
			continue;
		const char *n = name_at(p, (int32_t)fu32(p, fo, p->L.fn_name));
		if (n && !strcmp(n, name)) {
			*entry = p->text + p->ftab[2 * i];
			*end = p->text + p->ftab[2 * i + 2];
			return 0;
		}
	}
	return -ENOENT;
}
