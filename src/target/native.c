/* native.c: native stacks of the threads that are executing C code (cgo calls, threads made
 * by C libraries), unwound with libunwind.
 *
 * During the stop only the registers and the top of each such thread's stack are copied.
 * libunwind runs afterwards, over the copy, through accessors of our own: registers come
 * from the copy, stack memory from the copy, anything else (unwind tables, text) from the
 * target's memory, which does not change. Unwind tables are found in the target's memory too:
 * the module's ELF program headers (mapped with its first page) give PT_GNU_EH_FRAME, whose
 * binary-search table libunwind searches through our memory accessor, so a program in a
 * container, whose libraries are not at the same paths on the host (or are other files there),
 * unwinds by its own tables. libunwind-ptrace's accessors, which open the files named in
 * /proc/PID/maps, are used only where a module has no such table. Symbol names come from the
 * very file the target mapped (the device and inode /proc/PID/maps gives, found at its path on
 * the host or under the program's root), read with libelf; never from another file that
 * happens to be at that path. Its resume hook is replaced, so it can never resume a thread.
 */
#include "target/target.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <libunwind-ptrace.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* libunwind's search of a binary-search unwind table (.eh_frame_hdr), exported by
 * libunwind for each architecture (libunwind-ptrace calls it the same way) but not declared
 * in its headers. */
#if defined(__aarch64__)
#define dwarf_search_unwind_table _Uaarch64_dwarf_search_unwind_table
#else
#define dwarf_search_unwind_table _Ux86_64_dwarf_search_unwind_table
#endif
extern int dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip, unw_dyn_info_t *di,
                                     unw_proc_info_t *pi, int need_unwind_info, void *arg);

#define STACK_COPY (64u << 10)
#define MAX_FRAMES 64

struct cthread {
	int tid;
	struct gi_regs regs;
	uint8_t *stk;      /* [regs.sp, regs.sp + len) */
	size_t len;
};

struct gi_native {
	int pid;
	struct gi_remote *mem;
	struct gi_native_code code;  /* the program's own code table: names of Go code */
	struct cthread *t;
	size_t n;
};

static const char *code_func(const struct gi_native *nt, uint64_t pc, uint64_t *entry)
{
	return nt->code.func_at ? nt->code.func_at(nt->code.arg, pc, entry) : NULL;
}

void gi_native_capture(const struct gi_attach *at, struct gi_remote *m,
                       const struct gi_native_code *code, int pid, struct gi_native **out)
{
	struct gi_native *nt = xcalloc(1, sizeof *nt);
	nt->pid = pid;
	nt->mem = m;
	if (code)
		nt->code = *code;
	nt->t = xcalloc(at->n ? at->n : 1, sizeof *nt->t);
	for (size_t i = 0; i < at->n; i++) {
		const struct gi_thread *th = &at->t[i];
		uint64_t entry;
		if (!th->have_regs || code_func(nt, th->regs.pc, &entry))
			continue;  /* not stopped, or in Go code: the goroutine walk covers it */
		struct cthread *c = &nt->t[nt->n++];
		c->tid = th->tid;
		c->regs = th->regs;
		c->stk = xmalloc(STACK_COPY);
		/* Page by page: the stack may end before STACK_COPY. */
		uint64_t sp = th->regs.sp;
		size_t first = 4096 - (sp & 4095);
		while (c->len < STACK_COPY) {
			size_t chunk = c->len ? 4096 : first;
			if (c->len + chunk > STACK_COPY)
				chunk = STACK_COPY - c->len;
			if (gi_remote_read(m, sp + c->len, c->stk + c->len, chunk) != 0)
				break;
			c->len += chunk;
		}
	}
	*out = nt;
}

/* The thread being unwound: libunwind's callbacks receive the UPT handle as their argument,
 * so our own state is here (goinspect is single-threaded after the stop). */
static struct {
	struct gi_native *nt;
	struct cthread *c;
	const struct gi_memory *maps;
} cur;

static int acc_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write, void *arg)
{
	(void)as;
	(void)arg;
	if (write)
		return -UNW_EINVAL;
	struct cthread *c = cur.c;
	if (addr >= c->regs.sp && c->len >= 8 && addr - c->regs.sp <= c->len - 8) {
		memcpy(val, c->stk + (addr - c->regs.sp), 8);
		return 0;
	}
	return gi_remote_read(cur.nt->mem, addr, val, 8) == 0 ? 0 : -UNW_EINVAL;
}

static int acc_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write, void *arg)
{
	(void)as;
	(void)arg;
	if (write)
		return -UNW_EINVAL;
	const struct gi_regs *r = &cur.c->regs;
	if (reg < 0 || reg >= r->ngen)
		return -UNW_EBADREG;
	*val = r->gen[reg];  /* libunwind numbers the registers as DWARF does */
	return 0;
}

static int acc_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write,
                     void *arg)
{
	(void)as;
	(void)reg;
	(void)val;
	(void)write;
	(void)arg;
	return -UNW_EBADREG;
}

static int no_resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	(void)as;
	(void)c;
	(void)arg;
	return -UNW_EINVAL;  /* never: the threads are ours only to look at */
}

/* The module (mapped ELF file) holding ip, from the target's memory: its mapping, program
 * headers and load bias (runtime address - link-time address). 0, or -1. */
struct module {
	const struct gi_mapping *m;
	Elf64_Phdr ph[64];
	int nph;
	uint64_t bias;
};

static int module_of_ip(uint64_t ip, struct module *mo)
{
	const struct gi_memory *mm = cur.maps;
	const struct gi_mapping *m = gi_memory_find(mm, ip), *first = NULL;
	if (!m || !m->path || m->path[0] != '/')
		return -1;
	for (size_t i = 0; i < mm->nmaps; i++)
		if (mm->maps[i].path && !strcmp(mm->maps[i].path, m->path) && mm->maps[i].offset == 0 &&
		    mm->maps[i].start <= m->start && (!first || mm->maps[i].start > first->start))
			first = &mm->maps[i];
	if (!first)
		return -1;
	Elf64_Ehdr eh;
	if (gi_remote_read(cur.nt->mem, first->start, &eh, sizeof eh) != 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || !eh.e_phnum || eh.e_phnum > 64 ||
	    eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr) > first->end - first->start ||
	    gi_remote_read(cur.nt->mem, first->start + eh.e_phoff, mo->ph,
	                eh.e_phnum * sizeof *mo->ph) != 0)
		return -1;
	mo->nph = eh.e_phnum;
	const Elf64_Phdr *load0 = NULL;
	for (int i = 0; i < mo->nph && !load0; i++)
		if (mo->ph[i].p_type == PT_LOAD)
			load0 = &mo->ph[i];
	if (!load0 || load0->p_offset != 0)
		return -1;
	mo->m = m;
	mo->bias = first->start - (load0->p_vaddr & ~(uint64_t)4095);
	return 0;
}

/* The unwind table of the module holding ip, from the target's memory: di for libunwind's
 * table search. 0, or -1 when the module has none there. */
static int table_from_memory(uint64_t ip, unw_dyn_info_t *di)
{
	struct module mo;
	if (module_of_ip(ip, &mo) != 0)
		return -1;
	const Elf64_Phdr *ph = mo.ph, *text = NULL, *ehf = NULL;
	uint64_t bias = mo.bias;
	for (int i = 0; i < mo.nph; i++) {
		if (ph[i].p_type == PT_GNU_EH_FRAME)
			ehf = &ph[i];
		else if (ph[i].p_type == PT_LOAD && ip >= bias + ph[i].p_vaddr &&
		         ip < bias + ph[i].p_vaddr + ph[i].p_memsz)
			text = &ph[i];
	}
	if (!ehf)
		return -1;
	uint8_t hdr[12];
	uint64_t at = bias + ehf->p_vaddr;
	/* version 1; eh_frame_ptr any; fde_count udata4; table datarel|sdata4 */
	if (!text || gi_remote_read(cur.nt->mem, at, hdr, sizeof hdr) != 0 || hdr[0] != 1 ||
	    hdr[2] != 0x03 || hdr[3] != 0x3b)
		return -1;
	uint32_t count;
	memcpy(&count, hdr + 8, 4);
	if (!count || count > (1u << 24))
		return -1;
	memset(di, 0, sizeof *di);
	di->format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di->start_ip = bias + text->p_vaddr;
	di->end_ip = di->start_ip + text->p_memsz;
	di->u.rti.segbase = at;
	di->u.rti.table_data = at + 12;
	di->u.rti.table_len = (uint64_t)count * 8 / sizeof(unw_word_t);
	return 0;
}

static int acc_find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
                              int need_unwind_info, void *arg)
{
	unw_dyn_info_t di;
	if (table_from_memory(ip, &di) == 0)
		return dwarf_search_unwind_table(as, ip, &di, pi, need_unwind_info, arg);
	if (gi_fault(GI_FAULT_NATIVE_NO_FILES))  /* test hook: as if no mapped file could be opened */
		return -UNW_ENOINFO;
	return _UPT_find_proc_info(as, ip, pi, need_unwind_info, arg);
}

/* The file behind a mapping, opened only when it is the very file the target mapped (the
 * device and inode /proc/PID/maps gives): at its path as the host sees it, else as the
 * program sees it (its root, for a container). -1 when neither is. */
static int open_mapped(const struct gi_mapping *m)
{
	char p[4096 + 64];
	for (int k = 0; k < 2 && m->inode; k++) {
		if (k == 0)
			snprintf(p, sizeof p, "%s", m->path);
		else
			snprintf(p, sizeof p, "/proc/%d/root%s", cur.nt->pid, m->path);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_ino == m->inode && st.st_dev == m->dev)
			return fd;
		close(fd);
	}
	return -1;
}

/* The function symbol (.symtab, else .dynsym) of elf holding link-time address a. */
static bool symbol_at(Elf *elf, uint64_t a, char *buf, size_t len, uint64_t *off)
{
	uint64_t best = 0;
	bool found = false;
	for (int pass = 0; pass < 2 && !found; pass++) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			if (!gelf_getshdr(scn, &sh) ||
			    sh.sh_type != (pass == 0 ? SHT_SYMTAB : SHT_DYNSYM) || !sh.sh_entsize)
				continue;
			Elf_Data *d = elf_getdata(scn, NULL);
			size_t n = d ? sh.sh_size / sh.sh_entsize : 0;
			for (size_t i = 0; i < n; i++) {
				GElf_Sym sym;
				if (!gelf_getsym(d, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
				    !sym.st_value || a < sym.st_value ||
				    a >= sym.st_value + (sym.st_size ? sym.st_size : 1) ||
				    (found && sym.st_value <= best))
					continue;
				const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (!name || !*name)
					continue;
				snprintf(buf, len, "%s", name);
				best = sym.st_value;
				found = true;
			}
		}
	}
	if (found)
		*off = a - best;
	return found;
}

/* Symbol names, from the very file the target mapped (never from another file that happens to
 * be at the same path on the host), read with libelf. */
static int acc_get_proc_name(unw_addr_space_t as, unw_word_t ip, char *buf, size_t len,
                             unw_word_t *off, void *arg)
{
	(void)as;
	(void)arg;
	struct module mo;
	if (gi_fault(GI_FAULT_NATIVE_NO_FILES) || module_of_ip(ip, &mo) != 0)
		return -UNW_ENOINFO;
	int fd = open_mapped(mo.m);
	if (fd < 0)
		return -UNW_ENOINFO;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	uint64_t o = 0;
	bool ok = elf && symbol_at(elf, ip - mo.bias, buf, len, &o);
	if (elf)
		elf_end(elf);
	close(fd);
	if (!ok)
		return -UNW_ENOINFO;
	*off = o;
	return 0;
}

static char *thread_name(int pid, int tid)
{
	char path[64], buf[64] = "";
	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pid, tid);
	FILE *f = fopen(path, "re");
	if (f) {
		if (fgets(buf, sizeof buf, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
	return xstrdup(buf);
}

void gi_native_unwind(struct gi_native *nt, const struct gi_memory *maps,
                      struct gi_native_stack **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (!nt)
		return;
	unw_accessors_t acc = _UPT_accessors;
	acc.access_mem = acc_mem;
	acc.access_reg = acc_reg;
	acc.access_fpreg = acc_fpreg;
	acc.resume = no_resume;
	acc.find_proc_info = acc_find_proc_info;
	acc.get_proc_name = acc_get_proc_name;
	unw_addr_space_t as = unw_create_addr_space(&acc, 0);
	if (!as)
		return;
	struct gi_native_stack *v = xcalloc(nt->n ? nt->n : 1, sizeof *v);
	size_t nv = 0;
	for (size_t i = 0; i < nt->n; i++) {
		struct cthread *c = &nt->t[i];
		struct gi_native_stack *o = &v[nv++];
		o->tid = c->tid;
		o->name = thread_name(nt->pid, c->tid);
		o->frames = xcalloc(MAX_FRAMES, sizeof *o->frames);
		void *upt = _UPT_create(c->tid);
		unw_cursor_t cursor;
		cur.nt = nt;
		cur.c = c;
		cur.maps = maps;
		if (!upt || unw_init_remote(&cursor, as, upt) != 0) {
			o->truncated = true;
			if (upt)
				_UPT_destroy(upt);
			continue;
		}
		int step = 1;
		while (o->nframes < MAX_FRAMES && step > 0) {
			unw_word_t ip = 0, off = 0;
			uint64_t entry = 0;
			char name[256];
			if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || !ip)
				break;
			struct gi_native_frame *f = &o->frames[o->nframes++];
			f->ip = ip;
			/* an outer frame's ip is a return address: its call is the byte before */
			const char *gofn = code_func(nt, ip - (o->nframes > 1), &entry);
			if (unw_get_proc_name(&cursor, name, sizeof name, &off) == 0) {
				f->func = xstrdup(name);
				f->offset = off;
			} else if (gofn && gofn[0] && ip >= entry) {
				/* Go code (the cgo call's frames): named by the function table, which
				 * stripping keeps */
				f->func = xstrdup(gofn);
				f->offset = ip - entry;
			} else {
				f->func = xstrdup("?");
			}
			const struct gi_mapping *mp = gi_memory_find(maps, ip);
			f->module = xstrdup(mp ? mp->path : NULL);
			step = unw_step(&cursor);
		}
		o->truncated = step < 0 || o->nframes == MAX_FRAMES;
		_UPT_destroy(upt);
	}
	unw_destroy_addr_space(as);
	*out = v;
	*nout = nv;
}

void gi_native_stack_free(struct gi_native_stack *s)
{
	for (size_t j = 0; j < s->nframes; j++) {
		free(s->frames[j].func);
		free(s->frames[j].module);
	}
	free(s->frames);
	free(s->name);
	memset(s, 0, sizeof *s);
}

void gi_native_free(struct gi_native *nt)
{
	if (!nt)
		return;
	for (size_t i = 0; i < nt->n; i++)
		free(nt->t[i].stk);
	free(nt->t);
	free(nt);
}
