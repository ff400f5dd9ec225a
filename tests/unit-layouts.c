/* The built-in tables (src/goruntime/layouts-table.c) against the DWARF of the states fixture
 * built by every Go toolchain found at test time: every member, type size, global size and
 * constant the table has equals DWARF's, every member DWARF has for those types is in the
 * table, and the size-class table, status words and name printing equal the build's own.
 * Also: one table per release of scripts/go-releases (releases.h) and none other, the version
 * policy and the test hook that hides a release, and the function-name rules. */
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
	if (!t && gi_go_release_of(major, minor) == GI_GO_NEWER) {
		printf("%s: newer than the releases known, no table (read through DWARF)\n", ver);
		return;
	}
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
	unsigned consts = 0;
	for (size_t i = 0; i < t->nconsts; i++) {
		int64_t v = 0;
		if (gi_dwarf_const(d, t->consts[i].name, &v) != 0 || v != t->consts[i].value) {
			fprintf(stderr, "  %s %s: table %lld, DWARF %lld\n", ver, t->consts[i].name,
			        (long long)t->consts[i].value, (long long)v);
			CHECK(!"table constant equals DWARF");
		}
		consts++;
	}
	/* what the readers ask for, through the layouts of either source alike */
	struct gi_layout *lt = NULL, *ld = NULL;
	CHECK(gi_layout_from_table(t, &lt) == 0);
	CHECK(gi_layout_from_elf(&elf, &ld, err, sizeof err) == 0);
	struct gi_pcln_layout pt, pd;
	CHECK(gi_layout_pcln(lt, &pt, err, sizeof err) == 0);
	CHECK(gi_layout_pcln(ld, &pd, err, sizeof err) == 0);
	CHECK(memcmp(&pt, &pd, sizeof pt) == 0);
	int nt = -1, nd = -2;
	CHECK(gi_layout_name_pieces(lt, &nt) == 0 && gi_layout_name_pieces(ld, &nd) == 0 && nt == nd);
	CHECK(nt == (minor < 21 ? 0 : minor < 27 ? 3 : 5));
	uint64_t addr, size;
	CHECK((gi_dwarf_var(d, "internal/runtime/gc.SizeClassToSize", &addr, &size) == 0 ||
	       gi_dwarf_var(d, "runtime.class_to_size", &addr, &size) == 0) &&
	      size == 2 * t->nclass_size);
	uint16_t cls[512];
	CHECK(size <= sizeof cls && gi_elf_read_vaddr(&elf, addr, cls, size) == 0 &&
	      !memcmp(cls, t->class_size, size));
	CHECK(gi_dwarf_var(d, "runtime.gStatusStrings", &addr, &size) == 0 &&
	      size == 16 * t->ngstatus);
	for (size_t i = 0; i < t->ngstatus && size == 16 * t->ngstatus; i++) {
		uint64_t h[2];
		char w[257] = "";
		CHECK(gi_elf_read_vaddr(&elf, addr + 16 * i, h, 16) == 0 && h[1] <= 256 &&
		      (!h[1] || gi_elf_read_vaddr(&elf, h[0], w, h[1]) == 0));
		CHECK_STR(w, t->gstatus[i]);
	}
	struct gi_gstatus gs;
	CHECK(gi_gstatus_load(lt, NULL, &gs, err, sizeof err) == 0);
	CHECK(gs.v[GI_GS_WAITING] >= 0 && !strcmp(gi_gstatus_word(&gs, (uint32_t)gs.v[GI_GS_WAITING]), "waiting"));
	CHECK((gs.v[GI_GS_LEAKED] >= 0) == (minor >= 26));
	gi_gstatus_free(&gs);
	gi_layout_close(lt);
	gi_layout_close(ld);
	printf("%s: table go1.%d (from %s): %u members, %u types, %u globals, %u constants checked\n",
	       ver, t->go_minor, t->from, members, types, vars, consts);
	gi_dwarf_close(d);
	gi_elf_close(&elf);
}

/* How the runtime prints names (runtime.funcNamePiecesForPrint, in each form). */
static void name_rules(void)
{
	static const struct { const char *in; int pieces; const char *out; } cases[] = {
		{"main.park[go.shape.int]", 0, "main.park[go.shape.int]"},
		{"main.park[go.shape.int]", 3, "main.park[...]"},
		{"main.park[go.shape.int]", 5, "main.park[...]"},
		{"main.T[go.shape.int].Park[go.shape.string]", 3, "main.T[...]"},
		{"main.T[go.shape.int].Park[go.shape.string]", 5, "main.T[...].Park[...]"},
		{"main.F[go.shape.map[string]int].func1", 5, "main.F[...].func1"},
		{"main.(*T[go.shape.int]).M", 5, "main.(*T[...]).M"},
		{"type:.eq.[2]main.G[go.shape.int]", 3, "type:.eq.[...]"},
		{"type:.eq.[2]main.G[go.shape.int]", 5, "type:.eq.[...]main.G[...]"},
		{"main.x]y[", 5, "main.x]y["},
		{"main.a[b]]c[d]", 5, "main.a[b]]c[d]"},
		{"sync.(*Mutex).Lock", 5, "sync.(*Mutex).Lock"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = gi_func_name_for_print(cases[i].in, cases[i].pieces);
		CHECK_STR(got, cases[i].out);
		free(got);
	}
}

/* The version policy: the releases of scripts/go-releases are known, each with a table made
 * from its own build; older ones are refused; newer ones are read through DWARF. The test hook
 * hide-release=N forgets N and later, their tables and rules. */
static void policy(void)
{
	static const char *const releases[] = {GI_GO_RELEASES};
	const int n = (int)(sizeof releases / sizeof releases[0]);
	CHECK(n == GI_GO_MAX_MINOR - GI_GO_MIN_MINOR + 1);
	CHECK(gi_nltabs == (size_t)n);
	for (int minor = GI_GO_MIN_MINOR; minor <= GI_GO_MAX_MINOR; minor++) {
		const struct gi_ltab *t = gi_ltab_find(minor);
		CHECK(t != NULL);
		if (!t)
			continue;
		CHECK_STR(t->from, releases[minor - GI_GO_MIN_MINOR]);
		uint64_t s;
		CHECK(gi_ltab_member(t, "runtime.g", "atomicstatus", NULL, NULL) == 0);
		CHECK(gi_ltab_type_size(t, "runtime.schedt", &s) == 0 && s > 0);
		CHECK(gi_ltab_var_size(t, "runtime.allgs", &s) == 0 && s == 24);
		CHECK(gi_ltab_const(t, "runtime._Gwaiting", NULL) == 0);
		CHECK(t->nclass_size > 1 && t->ngstatus > 9);
		CHECK(gi_go_release_of(1, minor) == GI_GO_KNOWN);
	}
	CHECK(gi_ltab_find(GI_GO_MIN_MINOR - 1) == NULL && gi_ltab_find(GI_GO_MAX_MINOR + 1) == NULL);
	CHECK(gi_go_release_of(1, GI_GO_MIN_MINOR - 1) == GI_GO_UNSUPPORTED);
	CHECK(gi_go_release_of(2, GI_GO_MIN_MINOR) == GI_GO_UNSUPPORTED);
	CHECK(gi_go_release_of(1, GI_GO_MAX_MINOR + 1) == GI_GO_NEWER);
	CHECK(gi_go_newest_known() == GI_GO_MAX_MINOR);
	CHECK(gi_go_rule(GI_RULE_PPROF_HIDES_INTERNAL_RUNTIME, 24) &&
	      !gi_go_rule(GI_RULE_PPROF_HIDES_INTERNAL_RUNTIME, 23) &&
	      gi_go_rule(GI_RULE_PPROF_HIDES_INTERNAL_RUNTIME, GI_GO_MAX_MINOR + 5));
	/* day one of the newest release */
	char hide[64];
	snprintf(hide, sizeof hide, "hide-release=%d", GI_GO_MAX_MINOR);
	setenv("GOINSPECT_FAULT", hide, 1);
	CHECK(gi_go_newest_known() == GI_GO_MAX_MINOR - 1);
	CHECK(gi_ltab_find(GI_GO_MAX_MINOR) == NULL && gi_ltab_find(GI_GO_MAX_MINOR - 1) != NULL);
	CHECK(gi_go_release_of(1, GI_GO_MAX_MINOR) == GI_GO_NEWER);
	CHECK(gi_go_release_of(1, GI_GO_MAX_MINOR - 1) == GI_GO_KNOWN);
	setenv("GOINSPECT_FAULT", "hide-release=24", 1);
	CHECK(!gi_go_rule(GI_RULE_PPROF_HIDES_INTERNAL_RUNTIME, 24) &&
	      !gi_go_rule(GI_RULE_PPROF_HIDES_INTERNAL_RUNTIME, 30));
	unsetenv("GOINSPECT_FAULT");
	CHECK(gi_go_newest_known() == GI_GO_MAX_MINOR);
	printf("go1.%d to go1.%d known, one table each from %s to %s; go1.%d refused, go1.%d read "
	       "through DWARF\n", GI_GO_MIN_MINOR, GI_GO_MAX_MINOR, releases[0], releases[n - 1],
	       GI_GO_MIN_MINOR - 1, GI_GO_MAX_MINOR + 1);
}

int main(void)
{
	policy();
	name_rules();

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
