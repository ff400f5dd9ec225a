/* globals.c: the runtime's globals in a binary without symbols or DWARF.
 *
 * What survives stripping (-ldflags="-s -w") is the function table (.gopclntab) and the code.
 *  1. The pclntab header (pcHeader) is found by section name or by its magic; moduledata is the
 *     one word-aligned place in the data that points to it (Go 1.26 keeps moduledata in a
 *     section of its own, .go.module, and leaves pcHeader.textStart zero: moduledata.text is
 *     used instead), its members where the release's table says (Go 1.27 moved gofunc and
 *     etypes). It is looked for in the live process, where PIE pointers are relocated.
 *  2. The release's built-in table is checked against the binary's own type descriptors of the
 *     types the runtime allocates (g, m, p, mspan, sudog, hchan, mcache) and of the function
 *     table's (moduledata, _func, pcHeader); a table that does not fit is refused (see
 *     check_descriptors).
 *  3. Runtime functions are found by name in the function table, and their code (copied from
 *     the live process) is disassembled with capstone for RIP-relative operands: a recipe per
 *     global says which operand of which function holds it. Struct members are located with
 *     the built-in layout of the release (e.g. mcommoninit takes &sched.lock).
 *  4. Each location is cross-checked against what it must hold (len(allgs) == allglen, allp[i]
 *     has id i, allm points to an m whose thread is one of the process's, ...). A global whose
 *     check fails is not reported: the reader then says what it lacks.
 * Every recipe is checked against the DWARF of the unstripped build for every Go toolchain by
 * tests/globals.test.
 */
#include "goruntime/goruntime.h"

#include <capstone/capstone.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FUNC 65536
#define MAX_REFS 512

struct ref {
	uint64_t addr;  /* runtime address the operand points to */
	bool lea;       /* the address is taken (lea), not loaded or stored */
	uint64_t call;  /* for a lea: the target of a call within the next few instructions (the
	                 * method it is the receiver of), 0 if none */
};

struct ctx {
	struct gi_target *t;
	const struct gi_ltab *tab;
	const struct gi_pcln_layout *pl;  /* moduledata's layout, from the table */
	struct gi_pcln *pcln;
	csh cs;
	uint64_t md;             /* runtime.firstmoduledata (runtime address) */
	uint64_t mheap;          /* runtime.mheap_, once found */
	uint64_t ranges[4][2];   /* noptrdata, data, bss, noptrbss (runtime addresses) */
	gi_globals_cb cb;
	void *arg;
};

/* In the module's data or bss. */
static bool in_data(struct ctx *c, uint64_t a, uint64_t size)
{
	for (int i = 0; i < 4; i++)
		if (a >= c->ranges[i][0] && a + size <= c->ranges[i][1] && a + size >= a)
			return true;
	return false;
}

static bool mem_off(struct ctx *c, const char *type, const char *path, uint64_t *off)
{
	return gi_ltab_member(c->tab, type, path, off, NULL) == 0;
}

/* ---- pcHeader and moduledata ---- */

static bool pcheader_ok(const uint8_t *p)
{
	uint32_t magic;
	memcpy(&magic, p, 4);
	return (magic == 0xfffffff0 || magic == 0xfffffff1) && p[4] == 0 && p[5] == 0 &&
	       p[6] == 1 && p[7] == 8;
}

/* Link-time addresses of pcHeader candidates: the section, else the magic anywhere in the
 * non-executable loaded parts of the file (externally linked binaries have no such section). */
static size_t pcheader_candidates(struct gi_elf *e, uint64_t *out, size_t max)
{
	size_t n = 0, len;
	uint64_t addr;
	const char *names[] = {".gopclntab", ".data.rel.ro.gopclntab"};
	for (size_t i = 0; i < 2 && n < max; i++) {
		const uint8_t *p = gi_elf_section(e, names[i], &len, &addr);
		if (p && len >= 8 && pcheader_ok(p))
			out[n++] = addr;
	}
	if (n)
		return n;
	size_t fsize, nph;
	const uint8_t *file = (const uint8_t *)elf_rawfile((Elf *)e->elf, &fsize);
	if (!file || elf_getphdrnum((Elf *)e->elf, &nph) != 0)
		return 0;
	for (size_t i = 0; i < nph && n < max; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr((Elf *)e->elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    (ph.p_flags & PF_X) || ph.p_offset + ph.p_filesz > fsize)
			continue;
		uint64_t start = (ph.p_vaddr + 7) & ~7ull;
		for (uint64_t a = start; a + 8 <= ph.p_vaddr + ph.p_filesz && n < max; a += 8)
			if (pcheader_ok(file + ph.p_offset + (a - ph.p_vaddr)))
				out[n++] = a;
	}
	return n;
}

static bool moduledata_ok(struct ctx *c, uint64_t md, uint64_t pch)
{
	const struct gi_pcln_layout *pl = c->pl;
	uint8_t h[1024];
	if (pl->md_size > sizeof h || gi_remote_read(&c->t->mem, md, h, pl->md_size) != 0 ||
	    gi_le64(h + pl->md_pcheader) != pch)
		return false;
	uint64_t minpc = gi_le64(h + pl->md_minpc), maxpc = gi_le64(h + pl->md_maxpc),
	         text = gi_le64(h + pl->md_text), etext = gi_le64(h + pl->md_etext);
	uint64_t ftab = gi_le64(h + pl->md_ftab), nftab = gi_le64(h + pl->md_ftab + 8),
	         nfn = gi_le64(h + pl->md_funcnametab + 8);
	if (!(text && text <= minpc && minpc < maxpc && maxpc <= etext) || !ftab || nftab < 2 ||
	    !nfn || gi_le64(h + pl->md_funcnametab) < pch)
		return false;
	for (int i = 0; i < 4; i++) {  /* noptrdata, data, bss, noptrbss: [start, end) pairs */
		uint64_t s = gi_le64(h + pl->md_data[2 * i]), e = gi_le64(h + pl->md_data[2 * i + 1]);
		if (e < s || e - s > (1ull << 34))
			return false;
		c->ranges[i][0] = s;
		c->ranges[i][1] = e;
	}
	/* the first function starts at minpc */
	uint32_t ent;
	return gi_remote_read(&c->t->mem, ftab, &ent, 4) == 0 && text + ent == minpc;
}

/* Scans the live copy of [lo, hi) for an aligned word equal to pch that starts a valid
 * moduledata. */
static uint64_t scan_for_moduledata(struct ctx *c, uint64_t lo, uint64_t hi, uint64_t pch)
{
	const size_t chunk = 1u << 20;
	uint8_t *buf = xmalloc(chunk);
	uint64_t found = 0;
	lo = (lo + 7) & ~7ull;
	for (uint64_t a = lo; a < hi && !found; a += chunk) {
		size_t n = hi - a < chunk ? (size_t)(hi - a) : chunk;
		n &= ~(size_t)7;
		if (!n || gi_remote_read(&c->t->mem, a, buf, n) != 0)
			continue;
		for (size_t i = 0; i + 8 <= n; i += 8)
			if (gi_le64(buf + i) == pch && moduledata_ok(c, a + i, pch)) {
				found = a + i;
				break;
			}
	}
	free(buf);
	return found;
}

static uint64_t find_moduledata(struct ctx *c, char *err, size_t errlen)
{
	struct gi_elf *e = c->t->elf;
	uint64_t cand[8];
	size_t nc = pcheader_candidates(e, cand, 8);
	if (!nc) {
		snprintf(err, errlen, "no Go function table (.gopclntab) in the binary");
		return 0;
	}
	size_t nph;
	if (elf_getphdrnum((Elf *)e->elf, &nph) != 0)
		return 0;
	/* sections where moduledata lives first, then every non-executable loaded segment */
	const char *secs[] = {".go.module", ".noptrdata", ".data"};
	for (size_t k = 0; k < nc; k++) {
		uint64_t pch = cand[k] + c->t->bias;
		for (size_t i = 0; i < 3; i++) {
			size_t len;
			uint64_t addr;
			if (gi_elf_section(e, secs[i], &len, &addr)) {
				uint64_t md = scan_for_moduledata(c, addr + c->t->bias,
				                                  addr + c->t->bias + len, pch);
				if (md)
					return md;
			}
		}
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr((Elf *)e->elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
			    (ph.p_flags & PF_X))
				continue;
			uint64_t md = scan_for_moduledata(c, ph.p_vaddr + c->t->bias,
			                                  ph.p_vaddr + ph.p_filesz + c->t->bias, pch);
			if (md)
				return md;
		}
	}
	snprintf(err, errlen, "runtime.firstmoduledata not found (no data word points to the "
	                      "function table)");
	return 0;
}

/* ---- disassembly ---- */

/* RIP-relative memory operands of a runtime function, in code order. */
static size_t refs_of(struct ctx *c, const char *func, struct ref *out, size_t max)
{
	uint64_t entry, end;
	if (gi_pcln_func_range(c->pcln, func, &entry, &end) != 0 || end <= entry)
		return 0;
	size_t len = end - entry > MAX_FUNC ? MAX_FUNC : (size_t)(end - entry);
	uint8_t *code = xmalloc(len);
	size_t n = 0;
	if (gi_remote_read(&c->t->mem, entry, code, len) == 0) {
		cs_insn *insn = cs_malloc(c->cs);
		const uint8_t *p = code;
		size_t left = len;
		uint64_t pc = entry;
		size_t last_lea = SIZE_MAX;  /* the lea waiting for its call */
		int since = 0;
		while (n < max && left && cs_disasm_iter(c->cs, &p, &left, &pc, insn)) {
			cs_x86 *x = &insn->detail->x86;
			if (insn->id == X86_INS_CALL && last_lea != SIZE_MAX && x->op_count == 1 &&
			    x->operands[0].type == X86_OP_IMM) {
				out[last_lea].call = (uint64_t)x->operands[0].imm;
				last_lea = SIZE_MAX;
			}
			if (last_lea != SIZE_MAX && ++since > 4)
				last_lea = SIZE_MAX;
			for (int i = 0; i < x->op_count && n < max; i++) {
				if (x->operands[i].type != X86_OP_MEM ||
				    x->operands[i].mem.base != X86_REG_RIP)
					continue;
				out[n].addr = insn->address + insn->size + (uint64_t)x->operands[i].mem.disp;
				out[n].lea = insn->id == X86_INS_LEA;
				out[n].call = 0;
				if (out[n].lea) {
					last_lea = n;
					since = 0;
				}
				n++;
			}
		}
		cs_free(insn, 1);
	}
	free(code);
	return n;
}

static bool has_ref(const struct ref *r, size_t n, uint64_t a)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].addr == a)
			return true;
	return false;
}

/* ---- the binary's own type descriptors ----
 * Types the runtime allocates on the heap (g, m, p, mspan, ...) keep a descriptor with field
 * names and offsets even in a stripped binary (internal/abi.Type, 48 bytes: Size @0, Kind @23,
 * Str (nameOff from moduledata.types) @40; StructType: Fields []StructField @56; StructField
 * {Name *byte, Typ *Type, Offset uintptr}; a name is a flags byte, a uvarint length and the
 * bytes). The built-in table of the release is checked against them, so that a patch release
 * whose layout differs from the one the table was made from is refused, not misread. */

/* Reads a name (flags, uvarint length, bytes) at runtime address a into out. */
static bool read_name(struct ctx *c, uint64_t a, char *out, size_t max)
{
	uint8_t h[3];
	if (gi_remote_read(&c->t->mem, a, h, 3) != 0)
		return false;
	size_t len = h[1] & 0x7f, skip = 2;
	if (h[1] & 0x80) {
		len |= (size_t)(h[2] & 0x7f) << 7;
		skip = 3;
		if (h[2] & 0x80)
			return false;
	}
	if (len + 1 > max || gi_remote_read(&c->t->mem, a + skip, out, len) != 0)
		return false;
	out[len] = 0;
	return true;
}

/* Compares the descriptor of type (e.g. "runtime.g") with the table: 1 equal, 0 not found,
 * -1 differs (err says where). */
static int check_descriptor(struct ctx *c, const uint8_t *types, size_t ntypes, uint64_t base,
                            const char *type, char *err, size_t errlen)
{
	char want[64];
	snprintf(want, sizeof want, "*%s", type);
	size_t wl = strlen(want);
	uint64_t tsize;
	if (wl > 127 || gi_ltab_type_size(c->tab, type, &tsize) != 0)
		return 0;
	uint32_t offs[8];
	size_t noffs = 0;
	for (size_t i = 1; i + 1 + wl <= ntypes && noffs < 8; i++)
		if (types[i] == wl && !memcmp(types + i + 1, want, wl))
			offs[noffs++] = (uint32_t)(i - 1);
	for (size_t p = 0; p + 72 <= ntypes; p += 8) {
		uint32_t str;
		memcpy(&str, types + p + 40, 4);
		bool named = false;
		for (size_t k = 0; k < noffs; k++)
			named |= str == offs[k];
		if (!named || (types[p + 23] & 31) != 25 || !(types[p + 20] & 2))
			continue;
		uint64_t size = gi_le64(types + p), fields = gi_le64(types + p + 56),
		         nfields = gi_le64(types + p + 64);
		if (size != tsize) {
			snprintf(err, errlen, "%s is %llu bytes in the binary, %llu in the table", type,
			         (unsigned long long)size, (unsigned long long)tsize);
			return -1;
		}
		if (!fields || nfields == 0 || nfields > 4096)
			continue;
		uint8_t *f = xmalloc(nfields * 24);
		if (gi_remote_read(&c->t->mem, fields, f, nfields * 24) != 0) {
			free(f);
			continue;
		}
		int r = 1;
		for (uint64_t i = 0; i < nfields && r == 1; i++) {
			char name[256];
			uint64_t off = gi_le64(f + 24 * i + 16), toff;
			if (!read_name(c, gi_le64(f + 24 * i), name, sizeof name)) {
				r = 0;
				break;
			}
			if (!strcmp(name, "_"))
				continue;
			if (gi_ltab_member(c->tab, type, name, &toff, NULL) != 0 || toff != off) {
				snprintf(err, errlen, "%s.%.64s is at offset %llu in the binary, %s in "
				         "the table", type, name, (unsigned long long)off,
				         gi_ltab_member(c->tab, type, name, NULL, NULL) ? "absent" :
				         "elsewhere");
				r = -1;
			}
		}
		(void)base;
		free(f);
		return r;
	}
	return 0;
}

static int check_descriptors(struct ctx *c, char *checked, size_t checkedlen, char *err,
                             size_t errlen)
{
	uint64_t ot, oe, types = 0, etypes = 0;
	checked[0] = 0;
	if (!mem_off(c, "runtime.moduledata", "types", &ot) ||
	    !mem_off(c, "runtime.moduledata", "etypes", &oe) ||
	    gi_remote_read_u64(&c->t->mem, c->md + ot, &types) != 0 ||
	    gi_remote_read_u64(&c->t->mem, c->md + oe, &etypes) != 0 || etypes <= types ||
	    etypes - types > (512u << 20)) {
		snprintf(err, errlen, "moduledata.types is not where the table says");
		return -1;
	}
	size_t n = (size_t)(etypes - types);
	uint8_t *buf = xmalloc(n);
	int rc = 0;
	if (gi_remote_read(&c->t->mem, types, buf, n) == 0) {
		static const char *const list[] = {"runtime.g", "runtime.m", "runtime.p",
		                                   "runtime.mspan", "runtime.sudog", "runtime.hchan",
		                                   "runtime.moduledata", "runtime._func",
		                                   "runtime.pcHeader", "runtime.mcache"};
		for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
			int r = check_descriptor(c, buf, n, types, list[i], err, errlen);
			if (r < 0) {
				rc = -1;
				break;
			}
			if (r == 0 && i == 0) {
				/* every release keeps it (new(g) in malg): not finding it means the
				 * table does not even describe moduledata right */
				snprintf(err, errlen, "the binary's type descriptor of runtime.g was not "
				         "found through the table's moduledata layout");
				rc = -1;
				break;
			}
			if (r > 0) {
				size_t l = strlen(checked);
				snprintf(checked + l, checkedlen - l, "%s%s", l ? ", " : "", list[i] + 8);
			}
		}
	}
	free(buf);
	return rc;
}

/* ---- recipes ---- */

static void report(struct ctx *c, const char *name, uint64_t addr)
{
	c->cb(c->arg, name, addr);
}

/* allglen and allgptr: the two loads of forEachGRace (atomicAllG); allgs: the slice whose
 * three words allgadd touches. Checked: len(allgs) == allglen and &allgs[0] == allgptr. */
static void find_allgs(struct ctx *c)
{
	struct ref r[MAX_REFS];
	size_t n = refs_of(c, "runtime.forEachGRace", r, MAX_REFS);
	if (n < 2 || !in_data(c, r[0].addr, 8) || !in_data(c, r[1].addr, 8))
		return;
	uint64_t a_len = r[0].addr, a_ptr = r[1].addr;
	n = refs_of(c, "runtime.allgadd", r, MAX_REFS);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = r[i].addr;
		if (!in_data(c, x, 24) || !has_ref(r, n, x + 8) || !has_ref(r, n, x + 16))
			continue;
		for (int tries = 0; tries < 5; tries++) {
			uint64_t s[3], len, ptr;
			if (gi_remote_read(&c->t->mem, x, s, sizeof s) != 0 ||
			    gi_remote_read_u64(&c->t->mem, a_len, &len) != 0 ||
			    gi_remote_read_u64(&c->t->mem, a_ptr, &ptr) != 0)
				return;
			if (s[1] == len && s[0] == ptr && len <= s[2] && len > 0) {
				report(c, "runtime.allgs", x);
				report(c, "runtime.allglen", a_len);
				report(c, "runtime.allgptr", a_ptr);
				return;
			}
		}
	}
}

/* sched: mcommoninit takes &sched.lock first; allm: the first word it loads outside sched.
 * Checked: sched.mnext and sched.maxmcount plausible; allm points to an m whose procid is a
 * thread of the process, as its own PID namespace numbers it (or 0 while it starts). */
static void find_sched_allm(struct ctx *c)
{
	struct ref r[MAX_REFS];
	size_t n = refs_of(c, "runtime.mcommoninit", r, MAX_REFS);
	uint64_t lock_off, ssize = 0;
	if (!mem_off(c, "runtime.schedt", "lock", &lock_off) ||
	    gi_ltab_type_size(c->tab, "runtime.schedt", &ssize) != 0)
		return;
	uint64_t sched = 0;
	for (size_t i = 0; i < n && !sched; i++)
		if (r[i].lea)
			sched = r[i].addr - lock_off;
	if (!sched || !in_data(c, sched, ssize))
		return;
	uint64_t off_mnext, off_max, mnext = 0;
	uint32_t maxm = 0;
	if (mem_off(c, "runtime.schedt", "mnext", &off_mnext) &&
	    mem_off(c, "runtime.schedt", "maxmcount", &off_max) &&
	    gi_remote_read_u64(&c->t->mem, sched + off_mnext, &mnext) == 0 &&
	    gi_remote_read(&c->t->mem, sched + off_max, &maxm, 4) == 0 && mnext > 0 &&
	    mnext < 10000000 && maxm > 0)
		report(c, "runtime.sched", sched);
	else
		return;
	uint64_t off_procid;
	if (!mem_off(c, "runtime.m", "procid", &off_procid))
		return;
	for (size_t i = 0; i < n; i++) {
		/* allm is both loaded (mp.alllink = allm) and address-taken (atomicstorep) */
		uint64_t a = r[i].addr;
		if (r[i].lea || (a >= sched && a < sched + ssize) || !in_data(c, a, 8))
			continue;
		bool taken = false;
		for (size_t k = 0; k < n; k++)
			taken |= r[k].lea && r[k].addr == a;
		if (!taken)
			continue;
		uint64_t m = 0, procid = 1;
		if (gi_remote_read_u64(&c->t->mem, a, &m) != 0 || !m ||
		    gi_remote_read_u64(&c->t->mem, m + off_procid, &procid) != 0)
			return;
		/* procid is the thread's ID in the program's own PID namespace */
		int host = gi_tidmap_host(&c->t->tids, procid);
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/task/%d", c->t->pid, host);
		if (procid == 0 || (host > 0 && access(path, F_OK) == 0))
			report(c, "runtime.allm", a);
		return;
	}
}

/* allp: the slice checkdead ranges over (it loads its pointer and length). Checked:
 * 0 < len <= cap and allp[i].id == i. */
static void find_allp(struct ctx *c)
{
	struct ref r[MAX_REFS];
	size_t n = refs_of(c, "runtime.checkdead", r, MAX_REFS);
	uint64_t off_id;
	if (!mem_off(c, "runtime.p", "id", &off_id))
		return;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = r[i].addr, s[3];
		if (r[i].lea || !in_data(c, x, 24) || !has_ref(r, n, x + 8) ||
		    gi_remote_read(&c->t->mem, x, s, sizeof s) != 0)
			continue;
		if (!s[0] || !s[1] || s[1] > s[2] || s[2] > 1000000)
			continue;
		bool ok = true;
		for (uint64_t k = 0; k < s[1] && k < 8 && ok; k++) {
			uint64_t pp = 0;
			int32_t id = -1;
			ok = gi_remote_read_u64(&c->t->mem, s[0] + 8 * k, &pp) == 0 && pp &&
			     gi_remote_read(&c->t->mem, pp + off_id, &id, 4) == 0 && id == (int32_t)k;
		}
		if (ok) {
			report(c, "runtime.allp", x);
			return;
		}
	}
}

/* mheap_: mallocinit's first lea of a place in the module's data that can hold an mheap whose
 * allspans is a non-empty slice of readable spans (the receiver of mheap_.init). */
static void find_mheap(struct ctx *c)
{
	struct ref r[MAX_REFS];
	size_t n = refs_of(c, "runtime.mallocinit", r, MAX_REFS);
	uint64_t hsize, off_spans, off_base;
	if (gi_ltab_type_size(c->tab, "runtime.mheap", &hsize) != 0 ||
	    !mem_off(c, "runtime.mheap", "allspans", &off_spans) ||
	    !mem_off(c, "runtime.mspan", "startAddr", &off_base))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!r[i].lea || !in_data(c, r[i].addr, 8))
			continue;
		uint64_t s[3], span = 0, base = 0;
		if (in_data(c, r[i].addr, hsize) &&
		    gi_remote_read(&c->t->mem, r[i].addr + off_spans, s, sizeof s) == 0 && s[0] &&
		    s[1] > 0 && s[1] <= s[2] && s[2] < (1ull << 32) &&
		    gi_remote_read_u64(&c->t->mem, s[0], &span) == 0 && span &&
		    gi_remote_read_u64(&c->t->mem, span + off_base, &base) == 0 && base) {
			report(c, "runtime.mheap_", r[i].addr);
			c->mheap = r[i].addr;
			return;
		}
	}
}

/* gcphase: gcSweep's first operand, the load of its check that the phase is off, followed by
 * the lea of mheap_ (mheap_.lock), in every release from 1.19 to 1.27. It must hold a phase:
 * _GCoff, _GCmark or _GCmarktermination (setGCPhase, which only stores it, is inlined). */
static void find_gcphase(struct ctx *c)
{
	struct ref r[MAX_REFS];
	size_t n = refs_of(c, "runtime.gcSweep", r, MAX_REFS);
	uint32_t phase = 0;
	if (n >= 2 && !r[0].lea && in_data(c, r[0].addr, 4) && r[1].lea &&
	    (!c->mheap || r[1].addr == c->mheap) &&
	    gi_remote_read(&c->t->mem, r[0].addr, &phase, 4) == 0 && phase <= 2)
		report(c, "runtime.gcphase", r[0].addr);
}

/* class_to_size (internal/runtime/gc.SizeClassToSize from 1.25): an initialised array of
 * uint16 in the module's noptrdata, found by its content, the one the built-in table of the
 * release has (taken from a build's data). Found means the target's table is that one; a
 * runtime with other size classes is not matched, and the heap reader then says it used the
 * built-in table. */
static void find_class_sizes(struct ctx *c)
{
	const char *name = gi_ltab_var_size(c->tab, "internal/runtime/gc.SizeClassToSize", NULL) == 0
	                           ? "internal/runtime/gc.SizeClassToSize"
	                           : "runtime.class_to_size";
	uint8_t want[1024];
	size_t nwant = c->tab->nclass_size * 2;
	if (nwant < 4 || nwant > sizeof want)
		return;
	for (size_t i = 0; i < c->tab->nclass_size; i++) {
		want[2 * i] = (uint8_t)c->tab->class_size[i];
		want[2 * i + 1] = (uint8_t)(c->tab->class_size[i] >> 8);
	}
	uint64_t lo = c->ranges[0][0], hi = c->ranges[0][1];  /* noptrdata */
	const size_t chunk = 1 << 20;
	uint8_t *buf = xmalloc(chunk + nwant);
	for (uint64_t a = lo & ~1ull; a < hi; a += chunk) {
		size_t len = hi - a > chunk + nwant ? chunk + nwant : (size_t)(hi - a);
		if (len < nwant || gi_remote_read(&c->t->mem, a, buf, len) != 0)
			break;
		for (size_t i = 0; i + nwant <= len; i += 2)
			if (buf[i] == want[0] && buf[i + 2] == want[2] && !memcmp(buf + i, want, nwant)) {
				report(c, name, a + i);
				free(buf);
				return;
			}
	}
	free(buf);
}

/* fingStatus (fingRunning in Go 1.19): the first word isSystemGoroutine reads. */
static void find_fing(struct ctx *c)
{
	struct ref r[MAX_REFS];
	size_t n = refs_of(c, "runtime.isSystemGoroutine", r, MAX_REFS);
	const char *name = gi_ltab_var_size(c->tab, "runtime.fingStatus", NULL) == 0
	                           ? "runtime.fingStatus"
	                           : "runtime.fingRunning";
	for (size_t i = 0; i < n; i++)
		if (in_data(c, r[i].addr, 1)) {
			report(c, name, r[i].addr);
			return;
		}
}

/* The receiver of a method of a global: the address func takes (lea) just before it calls a
 * function whose name starts with method (e.g. "runtime.(*gcControllerState)."). 0 if none. */
static uint64_t receiver(struct ctx *c, const char *func, const char *method)
{
	struct ref r[MAX_REFS];
	size_t n = refs_of(c, func, r, MAX_REFS), ml = strlen(method);
	for (size_t i = 0; i < n; i++) {
		const char *callee = r[i].call ? gi_pcln_funcname(c->pcln, r[i].call) : NULL;
		if (r[i].lea && callee && !strncmp(callee, method, ml))
			return r[i].addr;
	}
	return 0;
}

/* A member of a struct found at base holds an int of size bytes in [lo, hi]. */
static bool holds(struct ctx *c, uint64_t base, const char *type, const char *path, int64_t lo,
                  int64_t hi)
{
	uint64_t off, size;
	int64_t v = 0;
	if (gi_ltab_member(c->tab, type, path, &off, &size) != 0 || size > 8 ||
	    gi_remote_read(&c->t->mem, base + off, &v, size) != 0)
		return false;
	if (size < 8 && (v >> (8 * size - 1) & 1))
		v |= -((int64_t)1 << (8 * size));  /* sign-extend */
	return v >= lo && v <= hi;
}

/* memstats and gcController. Where the program can call runtime.ReadMemStats, readmemstats_m
 * takes the address of memstats first and loads gcController.heapInUse. Every program has
 * mcache.refill, which calls memstats.heapStats.acquire (and release) and gcController.update:
 * the receivers are their addresses. Each is checked by what the struct must hold (the heap
 * statistics' generation is 0, 1 or 2; GOGC is off (-1) or a percent; the memory limit is
 * positive). */
static void find_memstats(struct ctx *c)
{
	struct ref r[MAX_REFS];
	size_t n = refs_of(c, "runtime.readmemstats_m", r, MAX_REFS);
	uint64_t msize, gsize, off_inuse, ms = 0, gc = 0;
	if (gi_ltab_type_size(c->tab, "runtime.mstats", &msize) != 0 ||
	    gi_ltab_type_size(c->tab, "runtime.gcControllerState", &gsize) != 0 ||
	    !mem_off(c, "runtime.gcControllerState", "heapInUse", &off_inuse))
		return;
	for (size_t i = 0; i < n && !(ms && gc); i++) {
		if (r[i].lea && !ms && in_data(c, r[i].addr, msize))
			ms = r[i].addr;
		else if (!r[i].lea && !gc && in_data(c, r[i].addr - off_inuse, gsize))
			gc = r[i].addr - off_inuse;
	}
	uint64_t off_stats;
	if (!ms && mem_off(c, "runtime.mstats", "heapStats", &off_stats) &&
	    (ms = receiver(c, "runtime.(*mcache).refill", "runtime.(*consistentHeapStats).")))
		ms -= off_stats;
	if (!gc)
		gc = receiver(c, "runtime.(*mcache).refill", "runtime.(*gcControllerState).");
	if (ms && holds(c, ms, "runtime.mstats", "heapStats.gen", 0, 2))
		report(c, "runtime.memstats", ms);
	if (gc && holds(c, gc, "runtime.gcControllerState", "gcPercent", -1, 1 << 30) &&
	    holds(c, gc, "runtime.gcControllerState", "memoryLimit", 1, INT64_MAX))
		report(c, "runtime.gcController", gc);
}

/* waitReasonStrings ([N]string, N from the built-in table): recognised by its strings in the
 * module's data: "", "GC assist marking", "IO wait", as in every release. */
static void find_wait_reasons(struct ctx *c)
{
	uint64_t size;
	if (gi_ltab_var_size(c->tab, "runtime.waitReasonStrings", &size) != 0 || size < 48)
		return;
	uint64_t lo = c->ranges[1][0], hi = c->ranges[1][1];  /* data, edata */
	if (hi <= lo || hi - lo > (64u << 20))
		return;
	size_t len = (size_t)(hi - lo);
	uint8_t *buf = xmalloc(len);
	if (gi_remote_read(&c->t->mem, lo, buf, len) == 0) {
		for (size_t i = 0; i + 48 <= len; i += 8) {
			if (gi_le64(buf + i + 8) != 0 || gi_le64(buf + i + 24) != 17 ||
			    gi_le64(buf + i + 40) != 7)
				continue;
			char s1[17], s2[7];
			if (gi_remote_read(&c->t->mem, gi_le64(buf + i + 16), s1, 17) == 0 &&
			    !memcmp(s1, "GC assist marking", 17) &&
			    gi_remote_read(&c->t->mem, gi_le64(buf + i + 32), s2, 7) == 0 &&
			    !memcmp(s2, "IO wait", 7) && i + size <= len) {
				report(c, "runtime.waitReasonStrings", lo + i);
				break;
			}
		}
	}
	free(buf);
}

/* The heap profile's globals.
 * MemProfileRate: the last word profilealloc loads (it loads mcache0 first, for a thread with
 * no P; then MemProfileRate, once more where nextSample is inlined). Checked: 0 <= rate < 2^40.
 * disableMemoryProfiling: the flag tested just before MemProfileRate is set from it (in
 * schedinit from Go 1.20; in the package's initialisation of MemProfileRate in 1.19).
 * Checked: 0 or 1, and 1 only with the rate 0.
 * mbuckets: the first word mProf_FlushLocked loads (the bucket list's head). Checked: nil, or
 * a memory-profile bucket (bucket.typ is the constant memProfile, at most 1024 frames).
 * mProfCycle: the first word mProf_Flush touches (mProfCycle.setFlushed). Checked: in the
 * module's data. */
static void find_memprof(struct ctx *c)
{
	struct ref r[MAX_REFS];
	size_t n = refs_of(c, "runtime.profilealloc", r, MAX_REFS);
	uint64_t a_rate = 0;
	int64_t rate = -1;
	for (size_t i = n; i-- > 0 && !a_rate;)
		if (!r[i].lea && in_data(c, r[i].addr, 8)) {
			if (i > 0 && gi_remote_read(&c->t->mem, r[i].addr, &rate, 8) == 0 && rate >= 0 &&
			    rate < (1ll << 40))
				a_rate = r[i].addr;
			break;
		}
	if (a_rate)
		report(c, "runtime.MemProfileRate", a_rate);
	const char *setters[] = {"runtime.schedinit", "runtime.init"};
	bool found = false;
	for (size_t f = 0; f < 2 && !found && a_rate; f++) {
		n = refs_of(c, setters[f], r, MAX_REFS);
		for (size_t i = 1; i < n && !found; i++) {
			uint8_t flag = 2;
			if (r[i].addr != a_rate || r[i - 1].lea || r[i - 1].addr == a_rate ||
			    !in_data(c, r[i - 1].addr, 1) ||
			    gi_remote_read(&c->t->mem, r[i - 1].addr, &flag, 1) != 0 || flag > 1 ||
			    (flag == 1 && rate != 0))
				continue;
			report(c, "runtime.disableMemoryProfiling", r[i - 1].addr);
			found = true;
		}
	}
	uint64_t off_typ, off_nstk, typ, nstk;
	int64_t memprofile;
	n = refs_of(c, "runtime.mProf_FlushLocked", r, MAX_REFS);
	for (size_t i = 0; i < n && mem_off(c, "runtime.bucket", "typ", &off_typ) &&
	                   mem_off(c, "runtime.bucket", "nstk", &off_nstk) &&
	                   gi_ltab_const(c->tab, "runtime.memProfile", &memprofile) == 0; i++) {
		uint64_t head = 1;
		if (!in_data(c, r[i].addr, 8) || gi_remote_read_u64(&c->t->mem, r[i].addr, &head) != 0)
			continue;
		if (!head || (gi_remote_read_u64(&c->t->mem, head + off_typ, &typ) == 0 &&
		              gi_remote_read_u64(&c->t->mem, head + off_nstk, &nstk) == 0 &&
		              typ == (uint64_t)memprofile && nstk <= 1024))
			report(c, "runtime.mbuckets", r[i].addr);
		break;
	}
	n = refs_of(c, "runtime.mProf_Flush", r, MAX_REFS);
	for (size_t i = 0; i < n; i++)
		if (in_data(c, r[i].addr, 4)) {
			report(c, "runtime.mProfCycle", r[i].addr);
			break;
		}
}

int gi_globals_locate(struct gi_target *t, const struct gi_ltab *tab,
                      const struct gi_pcln_layout *pl, gi_globals_cb cb, void *arg,
                      char *checked, size_t checkedlen, char *err, size_t errlen)
{
	struct ctx c = {.t = t, .tab = tab, .pl = pl, .cb = cb, .arg = arg};
	c.md = find_moduledata(&c, err, errlen);
	if (!c.md)
		return -ENOENT;
	char derr[256];
	if (check_descriptors(&c, checked, checkedlen, derr, sizeof derr) != 0) {
		snprintf(err, errlen, "the built-in layouts for go1.%d do not fit this binary: %s",
		         tab->go_minor, derr);
		return -ENOTSUP;
	}
	int r = gi_pcln_load(&t->mem, c.md, pl, &c.pcln, err, errlen);
	if (r < 0)
		return r;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &c.cs) != CS_ERR_OK) {
		snprintf(err, errlen, "capstone cannot disassemble x86-64");
		gi_pcln_free(c.pcln);
		return -ENOTSUP;
	}
	cs_option(c.cs, CS_OPT_DETAIL, CS_OPT_ON);
	report(&c, "runtime.firstmoduledata", c.md);
	find_allgs(&c);
	find_sched_allm(&c);
	find_allp(&c);
	find_mheap(&c);
	find_gcphase(&c);
	find_class_sizes(&c);
	find_fing(&c);
	find_memstats(&c);
	find_wait_reasons(&c);
	find_memprof(&c);
	cs_close(&c.cs);
	gi_pcln_free(c.pcln);
	return 0;
}
