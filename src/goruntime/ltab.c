/* ltab.c: lookups in the built-in tables (layouts-table.c), and the size-class table. */
#include "goruntime/goruntime.h"

#include <errno.h>

/* class_to_size, identical in Go 1.19 through 1.26 (runtime/sizeclasses.go, from 1.25
 * internal/runtime/gc/sizeclasses.go). The target's own table is read when its DWARF names it,
 * or when it is found in a stripped binary's data (globals.c); this one is used only when
 * neither, and the snapshot says so. */
const uint32_t gi_builtin_class_size[GI_NUM_SIZE_CLASSES] = {
	0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288,
	320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536,
	1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192,
	9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768};

int gi_ltab_member(const struct gi_ltab *t, const char *type, const char *path, uint64_t *off,
                   uint64_t *size)
{
	for (size_t i = 0; t && i < t->nmembers; i++) {
		const struct gi_ltab_member *m = &t->members[i];
		if (strcmp(m->path, path) || strcmp(t->types[m->type].name, type))
			continue;
		if (off)
			*off = m->off;
		if (size)
			*size = m->size;
		return 0;
	}
	return -ENOENT;
}

int gi_ltab_type_size(const struct gi_ltab *t, const char *type, uint64_t *size)
{
	for (size_t i = 0; t && i < t->ntypes; i++)
		if (!strcmp(t->types[i].name, type) && t->types[i].size) {
			if (size)
				*size = t->types[i].size;
			return 0;
		}
	return -ENOENT;
}

int gi_ltab_var_size(const struct gi_ltab *t, const char *name, uint64_t *size)
{
	for (size_t i = 0; t && i < t->nvars; i++)
		if (!strcmp(t->vars[i].name, name)) {
			if (size)
				*size = t->vars[i].size;
			return 0;
		}
	return -ENOENT;
}
