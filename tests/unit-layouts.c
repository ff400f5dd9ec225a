/* The built-in layout tables (src/goruntime/layouts-table.c) against the DWARF of the states fixture
 * built by every Go toolchain found at test time: every member, type size and global size the
 * table has equals DWARF's, and every member DWARF has for those types is in the table. */
#include "goruntime/goruntime.h"
#include "unit.h"

#include <stdlib.h>

struct ctx {
	const struct gi_ltab *tab;
	const char *type;
	unsigned seen;
};

static int dwarf_member(void *arg, const char *path, uint64_t off, uint64_t size)
{
	struct ctx *c = arg;
	uint64_t o = ~0ull, s = ~0ull;
	c->seen++;
	if (gi_ltab_member(c->tab, c->type, path, &o, &s) != 0 || o != off || s != size) {
		fprintf(stderr, "  %s.%s: DWARF %llu+%llu, table %lld+%lld\n", c->type, path,
		        (unsigned long long)off, (unsigned long long)size, (long long)o, (long long)s);
		CHECK(!"member in DWARF and table alike");
	}
	return 0;
}

static void check_binary(const char *bin, const char *ver)
{
	int major, minor, patch;
	CHECK(gi_go_version_parse(ver, &major, &minor, &patch) == 0);
	const struct gi_ltab *t = gi_ltab_find(minor);
	CHECK(t != NULL);
	if (!t)
		return;
	struct gi_elf elf;
	char err[256];
	CHECK(gi_elf_open(&elf, bin, err, sizeof err) == 0);
	struct gi_dwarf *d = NULL;
	CHECK(gi_dwarf_open(&elf, &d, err, sizeof err) == 0 && d != NULL);
	if (!d) {
		gi_elf_close(&elf);
		return;
	}
	unsigned members = 0, types = 0, vars = 0;
	for (size_t i = 0; i < t->nmembers; i++) {
		const struct gi_ltab_member *m = &t->members[i];
		uint64_t o = ~0ull, s = ~0ull;
		int r = gi_dwarf_member(d, t->types[m->type].name, m->path, &o, &s);
		if (r != 0 || o != m->off || s != m->size) {
			fprintf(stderr, "  %s %s.%s: table %u+%u, DWARF %lld+%lld\n", ver,
			        t->types[m->type].name, m->path, m->off, m->size, (long long)o,
			        (long long)s);
			CHECK(!"table member equals DWARF");
		}
		members++;
	}
	for (size_t i = 0; i < t->ntypes; i++) {
		uint64_t s = 0;
		int r = gi_dwarf_type_size(d, t->types[i].name, &s);
		CHECK(t->types[i].size ? r == 0 && s == t->types[i].size : r != 0);
		struct ctx c = {t, t->types[i].name, 0};
		if (t->types[i].size)
			gi_dwarf_walk(d, t->types[i].name, dwarf_member, &c);
		types++;
	}
	for (size_t i = 0; i < t->nvars; i++) {
		uint64_t a, s = 0;
		CHECK(gi_dwarf_var(d, t->vars[i].name, &a, &s) == 0 && s == t->vars[i].size);
		vars++;
	}
	printf("%s: table go1.%d (from %s): %u members, %u types, %u globals checked\n", ver,
	       t->go_minor, t->from, members, types, vars);
	gi_dwarf_close(d);
	gi_elf_close(&elf);
}

int main(void)
{
	/* A table for every supported release, each from a build of that release. */
	for (int minor = 19; minor <= 26; minor++) {
		const struct gi_ltab *t = gi_ltab_find(minor);
		CHECK(t != NULL);
		if (!t)
			continue;
		int a, b, c;
		CHECK(gi_go_version_parse(t->from, &a, &b, &c) == 0 && b == minor);
		uint64_t s;
		CHECK(gi_ltab_member(t, "runtime.g", "atomicstatus", NULL, NULL) == 0);
		CHECK(gi_ltab_type_size(t, "runtime.schedt", &s) == 0 && s > 0);
		CHECK(gi_ltab_var_size(t, "runtime.allgs", &s) == 0 && s == 24);
	}
	CHECK(gi_ltab_find(18) == NULL && gi_ltab_find(27) == NULL);

	const char *bd = getenv("GI_BUILDDIR");
	char path[4096], line[64];
	snprintf(path, sizeof path, "%s/fixtures-bin/toolchains.txt", bd ? bd : ".");
	FILE *f = fopen(path, "r");
	int ran = 0;
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char bin[8192];
		snprintf(bin, sizeof bin, "%s/fixtures-bin/%s/states", bd ? bd : ".", line);
		check_binary(bin, line);
		ran++;
	}
	if (f)
		fclose(f);
	if (!ran)
		printf("no fixtures built: only the tables themselves were checked\n");
	return UNIT_DONE();
}
