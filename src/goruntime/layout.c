/* layout.c: where the runtime's globals are and how its structs are laid out.
 *
 * Every module that reads runtime structures asks here, never DWARF directly, so that the
 * source of a layout can change without the readers knowing:
 *  - DWARF when the binary has it (or --debuginfo, or debuginfod): layouts, globals and the
 *    runtime's constants, for any release, a newer one than the tables included;
 *  - else the built-in table of the binary's Go release (layouts-table.c, generated from the
 *    DWARF and data of real builds) for layouts and constants, and the globals located through
 *    the function table and disassembly (globals.c). A stripped binary of a release with no
 *    table is refused, never guessed.
 * Addresses returned are runtime addresses (load bias applied).
 */
#include "goruntime/goruntime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct var {
	char *name;
	uint64_t addr;  /* runtime address */
};

struct gi_layout {
	struct gi_dwarf *dw;        /* DWARF, or NULL */
	struct gi_elf dbg;          /* debug file fetched from debuginfod (fd -1 if none) */
	const struct gi_ltab *tab;  /* built-in table (no DWARF) */
	struct var *vars;           /* globals located without symbols */
	size_t nvars;
	uint64_t bias;
	int go_minor;
	char source[256];
	char *note;                 /* globals that could not be located, or NULL */
};

static void add_var(void *arg, const char *name, uint64_t addr)
{
	struct gi_layout *l = arg;
	if (gi_fault(GI_FAULT_PRINT_GLOBALS))  /* test hook: tests/globals.test compares with DWARF */
		fprintf(stderr, "global %s %#llx\n", name, (unsigned long long)(addr - l->bias));
	l->vars = xrealloc(l->vars, (l->nvars + 1) * sizeof *l->vars);
	l->vars[l->nvars].name = xstrdup(name);
	l->vars[l->nvars].addr = addr;
	l->nvars++;
}

/* DWARF from a debuginfod server (DEBUGINFOD_URLS), by the binary's GNU build id, through the
 * host's debuginfod client (target/debuginfod.c); none when there is no client. */
static struct gi_dwarf *from_debuginfod(struct gi_layout *l, struct gi_target *t)
{
	if (!t->elf->build_id[0])
		return NULL;
	char *path = NULL;
	if (gi_debuginfod_find(t->elf->build_id, &path) < 0)
		return NULL;
	struct gi_dwarf *dw = NULL;
	char err[256];
	if (gi_elf_open(&l->dbg, path, err, sizeof err) == 0) {
		if (gi_elf_same_build(t->elf, &l->dbg))
			gi_dwarf_open(&l->dbg, &dw, err, sizeof err);
		if (dw)
			snprintf(l->source, sizeof l->source, "DWARF from debuginfod");
		else
			gi_elf_close(&l->dbg);
	}
	free(path);
	return dw;
}

int gi_layout_open(struct gi_target *t, struct gi_layout **out, char *err, size_t errlen)
{
	char derr[256] = "";
	bool nodw = gi_fault(GI_FAULT_NO_DWARF) != NULL;  /* test hook: as if stripped */
	*out = NULL;
	struct gi_layout *l = xcalloc(1, sizeof *l);
	l->dbg.fd = -1;
	l->bias = t->bias;
	l->go_minor = t->go_minor;
	struct gi_dwarf *dw = NULL;
	if (!nodw && gi_dwarf_open(t->elf, &dw, derr, sizeof derr) == 0)
		snprintf(l->source, sizeof l->source, "DWARF");
	if (!dw && !nodw && t->debug) {
		int r = gi_dwarf_open(t->debug, &dw, derr, sizeof derr);
		if (r < 0) {
			snprintf(err, errlen, "--debuginfo %s: %s", t->debug_path, derr);
			free(l);
			return r;
		}
		snprintf(l->source, sizeof l->source, "DWARF from --debuginfo");
	}
	if (!dw && !nodw)
		dw = from_debuginfod(l, t);
	if (dw) {
		l->dw = dw;
		*out = l;
		return 0;
	}
	const char *forced = gi_fault(GI_FAULT_TABLE);  /* test hook: another release's table */
	l->tab = gi_ltab_find(forced ? atoi(forced) : t->go_minor);
	if (!l->tab) {
		snprintf(err, errlen, "the binary has no DWARF and goinspect has no built-in layouts "
		                      "for go1.%d", t->go_minor);
		gi_layout_close(l);
		return -ENOTSUP;
	}
	char checked[128] = "";
	struct gi_pcln_layout pl;
	char perr[256];
	if (gi_layout_pcln(l, &pl, perr, sizeof perr) != 0) {
		snprintf(err, errlen, "the built-in layouts for go1.%d: %s", l->tab->go_minor, perr);
		gi_layout_close(l);
		return -ENOTSUP;
	}
	int r = gi_globals_locate(t, l->tab, &pl, add_var, l, checked, sizeof checked, err, errlen);
	if (r < 0) {
		gi_layout_close(l);
		return r;
	}
	snprintf(l->source, sizeof l->source, "built-in tables (go1.%d%s%s%s); globals from the "
	         "function table and disassembly", l->tab->go_minor, checked[0] ? "; " : "", checked,
	         checked[0] ? " checked against the binary's type descriptors" : "");
	/* Say which of the globals the readers use could not be located (and checked). */
	static const char *const used[] = {
		"runtime.allgs", "runtime.allglen", "runtime.sched", "runtime.allp", "runtime.allm",
		"runtime.mheap_", "runtime.waitReasonStrings", "runtime.fingStatus",
		"runtime.memstats", "runtime.gcController", "runtime.MemProfileRate",
		"runtime.disableMemoryProfiling", "runtime.mbuckets", "runtime.mProfCycle",
		"runtime.gcphase",
	};
	for (size_t i = 0; i < sizeof used / sizeof used[0]; i++) {
		const char *name = used[i];
		if (!strcmp(name, "runtime.fingStatus") &&
		    gi_ltab_var_size(l->tab, name, NULL) != 0)
			name = "runtime.fingRunning";
		if (gi_layout_var(l, name, NULL, NULL) == 0)
			continue;
		char *n = xasprintf("%s%s%s", l->note ? l->note : "", l->note ? ", " : "", name);
		free(l->note);
		l->note = n;
	}
	if (l->note) {
		char *n = xasprintf("runtime globals not located in the stripped binary (what needs "
		                    "them is not read): %s", l->note);
		free(l->note);
		l->note = n;
	}
	*out = l;
	return 0;
}

int gi_layout_from_table(const struct gi_ltab *tab, struct gi_layout **out)
{
	struct gi_layout *l = xcalloc(1, sizeof *l);
	l->dbg.fd = -1;
	l->tab = tab;
	l->go_minor = tab->go_minor;
	snprintf(l->source, sizeof l->source, "built-in tables (go1.%d)", tab->go_minor);
	*out = l;
	return 0;
}

int gi_layout_from_elf(struct gi_elf *e, struct gi_layout **out, char *err, size_t errlen)
{
	struct gi_dwarf *dw;
	*out = NULL;
	int r = gi_dwarf_open(e, &dw, err, errlen);
	if (r < 0)
		return r;
	struct gi_layout *l = xcalloc(1, sizeof *l);
	l->dbg.fd = -1;
	l->dw = dw;
	snprintf(l->source, sizeof l->source, "DWARF");
	*out = l;
	return 0;
}

int gi_layout_var(struct gi_layout *l, const char *name, uint64_t *addr, uint64_t *size)
{
	uint64_t a, s = 0;
	if (!l)
		return -ENOENT;
	if (l->tab) {
		for (size_t i = 0; i < l->nvars; i++)
			if (!strcmp(l->vars[i].name, name)) {
				if (gi_ltab_var_size(l->tab, name, size) != 0)
					return -ENOENT;
				if (addr)
					*addr = l->vars[i].addr;
				return 0;
			}
		return -ENOENT;
	}
	if (!l->dw || gi_dwarf_var(l->dw, name, &a, &s) != 0)
		return -ENOENT;
	if (addr)
		*addr = a + l->bias;
	if (size)
		*size = s;
	return 0;
}

int gi_layout_member(struct gi_layout *l, const char *type, const char *path, uint64_t *off,
                     uint64_t *size)
{
	uint64_t o, s;
	if (l && l->tab)
		return gi_ltab_member(l->tab, type, path, off, size);
	if (!l || !l->dw || gi_dwarf_member(l->dw, type, path, &o, &s) != 0)
		return -ENOENT;
	if (off)
		*off = o;
	if (size)
		*size = s;
	return 0;
}

int gi_layout_type_size(struct gi_layout *l, const char *type, uint64_t *size)
{
	if (l && l->tab)
		return gi_ltab_type_size(l->tab, type, size);
	if (!l || !l->dw)
		return -ENOENT;
	return gi_dwarf_type_size(l->dw, type, size);
}

int gi_layout_const(struct gi_layout *l, const char *name, int64_t *value)
{
	if (l && l->tab)
		return gi_ltab_const(l->tab, name, value);
	if (!l || !l->dw)
		return -ENOENT;
	return gi_dwarf_const(l->dw, name, value);
}

int gi_layout_const_of(struct gi_layout *l, const char *const *names, int64_t *value,
                       const char **found)
{
	for (; *names; names++)
		if (gi_layout_const(l, *names, value) == 0) {
			if (found)
				*found = *names;
			return 0;
		}
	return -ENOENT;
}

int gi_layout_name_pieces(struct gi_layout *l, int *pieces)
{
	if (l && l->tab) {
		*pieces = l->tab->name_pieces;
		return 0;
	}
	if (!l || !l->dw)
		return -ENOENT;
	if (gi_dwarf_func_results(l->dw, "runtime.funcNamePiecesForPrint", pieces) != 0)
		*pieces = 0;  /* Go 1.19, 1.20: names print as the function table has them */
	return 0;
}

const struct gi_ltab *gi_layout_table(const struct gi_layout *l)
{
	return l ? l->tab : NULL;
}

bool gi_layout_field(struct gi_layout *l, const char *type, const char *path,
                     struct gi_field *f)
{
	f->ok = gi_layout_member(l, type, path, &f->off, &f->size) == 0;
	return f->ok;
}

const char *gi_layout_need(struct gi_layout *l, const struct gi_need *need, size_t n, char *buf,
                           size_t len)
{
	for (size_t i = 0; i < n; i++) {
		const struct gi_need *x = &need[i];
		if (x->path ? gi_layout_field(l, x->type, x->path, x->f)
		            : gi_layout_var(l, x->type, x->addr, x->size) == 0)
			continue;
		snprintf(buf, len, "%s%s%s", x->type, x->path ? "." : "", x->path ? x->path : "");
		return buf;
	}
	return NULL;
}

void gi_fields_window(struct gi_field *const *f, size_t n, uint64_t *lo, uint64_t *hi)
{
	*lo = UINT64_MAX;
	*hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (!f[i]->ok)
			continue;
		if (f[i]->off < *lo)
			*lo = f[i]->off;
		if (f[i]->off + f[i]->size > *hi)
			*hi = f[i]->off + f[i]->size;
	}
	if (*lo > *hi)
		*lo = *hi = 0;
}

const char *gi_layout_source(const struct gi_layout *l)
{
	return l ? l->source : "none";
}

const char *gi_layout_note(const struct gi_layout *l)
{
	return l ? l->note : NULL;
}

void gi_layout_release(struct gi_layout *l)
{
	if (l && l->dw) {
		gi_dwarf_close(l->dw);
		l->dw = NULL;
	}
	if (l && l->dbg.fd >= 0)
		gi_elf_close(&l->dbg);
}

void gi_layout_close(struct gi_layout *l)
{
	if (!l)
		return;
	gi_layout_release(l);
	for (size_t i = 0; i < l->nvars; i++)
		free(l->vars[i].name);
	free(l->vars);
	free(l->note);
	free(l);
}
