/* layout.c: where the runtime's globals are and how its structs are laid out.
 *
 * Every module that reads runtime structures asks here, never DWARF directly, so that the
 * source of a layout can change without the readers knowing: DWARF when the binary has it;
 * (to come) the binary's own type descriptors, built-in per-release tables and globals located
 * by disassembly for stripped binaries. Addresses returned are runtime addresses (load bias
 * applied).
 */
#include "target.h"

#include <stdlib.h>
#include <string.h>

struct gi_layout {
	struct gi_dwarf *dw;  /* NULL without DWARF */
	uint64_t bias;
	int go_minor;
	char source[64];
};

struct gi_layout *gi_layout_open(struct gi_target *t, char *err, size_t errlen)
{
	char derr[256] = "";
	struct gi_dwarf *dw = gi_dwarf_open(t->elf, derr, sizeof derr);
	if (!dw) {
		snprintf(err, errlen, "%s; stripped binaries are not supported yet", derr);
		return NULL;
	}
	struct gi_layout *l = xcalloc(1, sizeof *l);
	l->dw = dw;
	l->bias = t->bias;
	l->go_minor = t->go_minor;
	snprintf(l->source, sizeof l->source, "DWARF");
	return l;
}

int gi_layout_var(struct gi_layout *l, const char *name, uint64_t *addr, uint64_t *size)
{
	uint64_t a, s = 0;
	if (!l || !l->dw || gi_dwarf_var(l->dw, name, &a, &s) != 0)
		return -1;
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
	if (!l || !l->dw || gi_dwarf_member(l->dw, type, path, &o, &s) != 0)
		return -1;
	if (off)
		*off = o;
	if (size)
		*size = s;
	return 0;
}

int gi_layout_type_size(struct gi_layout *l, const char *type, uint64_t *size)
{
	if (!l || !l->dw)
		return -1;
	return gi_dwarf_type_size(l->dw, type, size);
}

const char *gi_layout_source(const struct gi_layout *l)
{
	return l ? l->source : "none";
}

void gi_layout_release(struct gi_layout *l)
{
	if (l && l->dw) {
		gi_dwarf_close(l->dw);
		l->dw = NULL;
	}
}

void gi_layout_close(struct gi_layout *l)
{
	if (!l)
		return;
	gi_layout_release(l);
	free(l);
}
