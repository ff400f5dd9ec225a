/* dwarf.c: runtime globals, struct layouts and constants from the target's DWARF (libdw).
 *
 * Go emits no name index, so the top-level DIEs of every compile unit are walked once and the
 * ones of the runtime's packages (runtime, runtime/..., internal/runtime/..., internal/abi:
 * variables, types, constants and functions) are kept in a sorted table.
 * Struct members are looked up by dotted path ("gFree.stack.size"), following typedefs.
 * Constants are the DW_TAG_constant entries Go writes for package-level integer constants
 * ("runtime._Gwaiting", "internal/abi.FuncIDWrapper").
 */
#include "goruntime/goruntime.h"

#include <errno.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	const char *name;  /* owned by libdw's string table */
	Dwarf_Off off;
	int tag;
};

struct gi_dwarf {
	Dwarf *dw;
	struct entry *e;
	size_t n, cap;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->tag > y->tag) - (x->tag < y->tag);
}

int gi_dwarf_open(struct gi_elf *e, struct gi_dwarf **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!e->has_dwarf) {
		snprintf(err, errlen, "the binary has no DWARF debug information (stripped)");
		return -ENOENT;
	}
	Dwarf *dw = dwarf_begin_elf((Elf *)e->elf, DWARF_C_READ, NULL);
	if (!dw) {
		snprintf(err, errlen, "cannot read DWARF: %s", dwarf_errmsg(-1));
		return -EINVAL;
	}
	struct gi_dwarf *d = xcalloc(1, sizeof *d);
	d->dw = dw;

	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;
		if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
			do {
				int tag = dwarf_tag(&child);
				if (tag != DW_TAG_variable && tag != DW_TAG_structure_type &&
				    tag != DW_TAG_typedef && tag != DW_TAG_constant &&
				    tag != DW_TAG_subprogram)
					continue;
				const char *name = dwarf_diename(&child);
				/* the runtime and its packages: runtime/pprof, internal/runtime/gc
				 * (the size classes from 1.25), internal/runtime/pprof/label (1.26),
				 * internal/abi (the function table's constants from 1.21) */
				if (!name || (strncmp(name, "runtime.", 8) != 0 &&
				              strncmp(name, "runtime/", 8) != 0 &&
				              strncmp(name, "internal/runtime/", 17) != 0 &&
				              strncmp(name, "internal/abi.", 13) != 0))
					continue;
				if (tag == DW_TAG_subprogram && strncmp(name, "runtime.", 8) != 0)
					continue;
				GI_GROW(d->e, d->n, d->cap);
				d->e[d->n++] = (struct entry){name, dwarf_dieoffset(&child), tag};
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
	if (d->n == 0) {
		snprintf(err, errlen, "DWARF has no runtime package entries");
		gi_dwarf_close(d);
		return -ENOENT;
	}
	qsort(d->e, d->n, sizeof *d->e, entry_cmp);
	*out = d;
	return 0;
}

void gi_dwarf_close(struct gi_dwarf *d)
{
	if (!d)
		return;
	dwarf_end(d->dw);
	free(d->e);
	free(d);
}

/* First entry with this name and one of the wanted tags. */
static bool lookup(struct gi_dwarf *d, const char *name, int tag1, int tag2, Dwarf_Die *out)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(d->e[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < d->n && strcmp(d->e[i].name, name) == 0; i++)
		if (d->e[i].tag == tag1 || d->e[i].tag == tag2)
			return dwarf_offdie(d->dw, d->e[i].off, out) != NULL;
	return false;
}

int gi_dwarf_var(struct gi_dwarf *d, const char *name, uint64_t *addr, uint64_t *size)
{
	Dwarf_Die die, type;
	if (!d || !lookup(d, name, DW_TAG_variable, DW_TAG_variable, &die))
		return -ENOENT;
	/* Go writes DW_AT_location as a plain block holding one DW_OP_addr (even in DWARF 4,
	 * where libdw's dwarf_getlocation refuses block forms), so decode it by hand. */
	Dwarf_Attribute at;
	Dwarf_Block blk;
	if (!dwarf_attr(&die, DW_AT_location, &at) || dwarf_formblock(&at, &blk) != 0 ||
	    blk.length != 9 || blk.data[0] != DW_OP_addr)
		return -ENOENT;
	uint64_t a = 0;
	for (int i = 8; i >= 1; i--)
		a = (a << 8) | blk.data[i];
	*addr = a;
	if (size) {
		*size = 0;
		Dwarf_Word sz;
		if (dwarf_attr(&die, DW_AT_type, &at) && dwarf_formref_die(&at, &type) &&
		    dwarf_aggregate_size(&type, &sz) == 0)
			*size = sz;
	}
	return 0;
}

/* Follows typedefs (and nothing else) to the underlying type. */
static bool strip_typedefs(Dwarf_Die *die)
{
	for (int i = 0; i < 16 && dwarf_tag(die) == DW_TAG_typedef; i++) {
		Dwarf_Attribute at;
		if (!dwarf_attr(die, DW_AT_type, &at) || !dwarf_formref_die(&at, die))
			return false;
	}
	return true;
}

static bool find_type(struct gi_dwarf *d, const char *name, Dwarf_Die *out)
{
	if (!d || !lookup(d, name, DW_TAG_structure_type, DW_TAG_typedef, out))
		return false;
	return strip_typedefs(out);
}

int gi_dwarf_type_size(struct gi_dwarf *d, const char *type, uint64_t *size)
{
	Dwarf_Die die;
	Dwarf_Word sz;
	if (!find_type(d, type, &die) || dwarf_aggregate_size(&die, &sz) != 0)
		return -ENOENT;
	*size = sz;
	return 0;
}

int gi_dwarf_member(struct gi_dwarf *d, const char *type, const char *path,
                    uint64_t *off, uint64_t *size)
{
	Dwarf_Die cur;
	if (!find_type(d, type, &cur))
		return -ENOENT;
	uint64_t total = 0;
	const char *p = path;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		Dwarf_Die m;
		bool found = false;
		if (dwarf_tag(&cur) != DW_TAG_structure_type || dwarf_child(&cur, &m) != 0)
			return -ENOENT;
		do {
			const char *mn = dwarf_diename(&m);
			if (dwarf_tag(&m) == DW_TAG_member && mn && strlen(mn) == len &&
			    memcmp(mn, p, len) == 0) {
				found = true;
				break;
			}
		} while (dwarf_siblingof(&m, &m) == 0);
		if (!found)
			return -ENOENT;
		Dwarf_Attribute at;
		Dwarf_Word loc = 0;
		if (dwarf_attr(&m, DW_AT_data_member_location, &at) && dwarf_formudata(&at, &loc) != 0)
			return -ENOENT;
		total += loc;
		if (!dwarf_attr(&m, DW_AT_type, &at) || !dwarf_formref_die(&at, &cur) ||
		    !strip_typedefs(&cur))
			return -ENOENT;
		p += len;
		if (*p == '.')
			p++;
	}
	if (off)
		*off = total;
	if (size) {
		Dwarf_Word sz;
		if (dwarf_aggregate_size(&cur, &sz) != 0)
			return -ENOENT;
		*size = sz;
	}
	return 0;
}

static int walk_members(Dwarf_Die *st, const char *prefix, uint64_t base, int depth,
                        gi_dwarf_member_cb cb, void *arg)
{
	Dwarf_Die m;
	if (depth > 8 || dwarf_tag(st) != DW_TAG_structure_type || dwarf_child(st, &m) != 0)
		return 0;
	do {
		const char *mn = dwarf_diename(&m);
		if (dwarf_tag(&m) != DW_TAG_member || !mn || !strcmp(mn, "_"))
			continue;  /* blank fields (padding) cannot be named */
		Dwarf_Attribute at;
		Dwarf_Word loc = 0, sz = 0;
		if (dwarf_attr(&m, DW_AT_data_member_location, &at) && dwarf_formudata(&at, &loc) != 0)
			return -ENOENT;
		Dwarf_Die ty;
		if (!dwarf_attr(&m, DW_AT_type, &at) || !dwarf_formref_die(&at, &ty) ||
		    !strip_typedefs(&ty) || dwarf_aggregate_size(&ty, &sz) != 0)
			return -ENOENT;
		char path[512];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", mn);
		int r = cb(arg, path, base + loc, sz);
		if (r)
			return r;
		r = walk_members(&ty, path, base + loc, depth + 1, cb, arg);
		if (r)
			return r;
	} while (dwarf_siblingof(&m, &m) == 0);
	return 0;
}

int gi_dwarf_walk(struct gi_dwarf *d, const char *type, gi_dwarf_member_cb cb, void *arg)
{
	Dwarf_Die cur;
	if (!find_type(d, type, &cur))
		return -ENOENT;
	return walk_members(&cur, "", 0, 0, cb, arg);
}

int gi_dwarf_const(struct gi_dwarf *d, const char *name, int64_t *value)
{
	Dwarf_Die die;
	Dwarf_Attribute at;
	Dwarf_Sword v;
	if (!d || !lookup(d, name, DW_TAG_constant, DW_TAG_constant, &die) ||
	    !dwarf_attr(&die, DW_AT_const_value, &at) || dwarf_formsdata(&at, &v) != 0)
		return -ENOENT;
	if (value)
		*value = v;
	return 0;
}

int gi_dwarf_func_results(struct gi_dwarf *d, const char *name, int *n)
{
	Dwarf_Die die, c;
	if (!d || !lookup(d, name, DW_TAG_subprogram, DW_TAG_subprogram, &die))
		return -ENOENT;
	*n = 0;
	if (dwarf_child(&die, &c) != 0)
		return 0;
	do {
		/* Go marks a function's results as formal parameters with
		 * DW_AT_variable_parameter set */
		Dwarf_Attribute at;
		bool out = false;
		if (dwarf_tag(&c) == DW_TAG_formal_parameter &&
		    dwarf_attr(&c, DW_AT_variable_parameter, &at) && dwarf_formflag(&at, &out) == 0 &&
		    out)
			(*n)++;
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}
