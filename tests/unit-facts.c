/* The facts goinspect reads a release with, resolved from its layouts, and the checks that
 * refuse a release whose runtime differs (what a Go release newer than the tables is read
 * with): the function table's layout, the heap profile's record shape and the goroutine
 * statuses, from the built-in tables of every release, and from copies of the newest table
 * with one fact changed as a future release might change it. Each change must be refused with
 * the fact named, never read. */
#include "capture/readers.h"
#include "unit.h"

#include <stdlib.h>

/* A copy of a table whose members, constants and status words can be changed. */
struct tab {
	struct gi_ltab t;
	struct gi_ltab_type *types;
	struct gi_ltab_member *members;
	struct gi_ltab_const *consts;
	const char **gstatus;
};

static void tab_copy(struct tab *c, const struct gi_ltab *t)
{
	c->t = *t;
	c->types = malloc(t->ntypes * sizeof *c->types);
	memcpy(c->types, t->types, t->ntypes * sizeof *c->types);
	c->members = malloc(t->nmembers * sizeof *c->members);
	memcpy(c->members, t->members, t->nmembers * sizeof *c->members);
	c->consts = malloc(t->nconsts * sizeof *c->consts);
	memcpy(c->consts, t->consts, t->nconsts * sizeof *c->consts);
	c->gstatus = malloc(t->ngstatus * sizeof *c->gstatus);
	memcpy(c->gstatus, t->gstatus, t->ngstatus * sizeof *c->gstatus);
	c->t.types = c->types;
	c->t.members = c->members;
	c->t.consts = c->consts;
	c->t.gstatus = c->gstatus;
}

static void tab_free(struct tab *c)
{
	free(c->types);
	free(c->members);
	free(c->consts);
	free(c->gstatus);
}

static struct gi_ltab_member *member(struct tab *c, const char *type, const char *path)
{
	for (size_t i = 0; i < c->t.nmembers; i++)
		if (!strcmp(c->types[c->members[i].type].name, type) && !strcmp(c->members[i].path, path))
			return &c->members[i];
	return NULL;
}

static struct gi_ltab_type *type(struct tab *c, const char *name)
{
	for (size_t i = 0; i < c->t.ntypes; i++)
		if (!strcmp(c->types[i].name, name))
			return &c->types[i];
	return NULL;
}

/* Resolves the facts from table t: 0 if all fit; else the first refusal's message in err. */
static int facts(const struct gi_ltab *t, char *err, size_t errlen)
{
	struct gi_layout *l;
	struct gi_pcln_layout pl;
	struct gi_memprof_shape ms;
	struct gi_gstatus gs;
	err[0] = 0;
	gi_layout_from_table(t, &l);
	int r = gi_layout_pcln(l, &pl, err, errlen);
	if (!r)
		r = gi_memprof_shape(l, &ms, err, errlen);
	if (!r) {
		r = gi_gstatus_load(l, NULL, &gs, err, errlen);
		if (!r)
			gi_gstatus_free(&gs);
	}
	gi_layout_close(l);
	return r;
}

#define REFUSED(what, t, pattern) do { \
	char e_[512]; \
	int r_ = facts(t, e_, sizeof e_); \
	CHECK(r_ < 0); \
	CHECK(strstr(e_, pattern) != NULL); \
	printf("  %s: refused: %s\n", what, e_); \
} while (0)

int main(void)
{
	char err[512];
	/* every release's table: every fact resolves; the record shape is the release's */
	for (size_t i = 0; i < gi_nltabs; i++) {
		const struct gi_ltab *t = gi_ltabs[i];
		CHECK(facts(t, err, sizeof err) == 0);
		struct gi_layout *l;
		struct gi_memprof_shape ms;
		gi_layout_from_table(t, &l);
		CHECK(gi_memprof_shape(l, &ms, err, sizeof err) == 0);
		/* bytes are recorded through Go 1.26, computed from bucket.size from 1.27 */
		CHECK(ms.bytes_recorded == (t->go_minor <= 26));
		CHECK(ms.nfuture == 3 && ms.hdr == 48 && ms.rec == (ms.bytes_recorded ? 128u : 64u));
		struct gi_pcln_layout pl;
		CHECK(gi_layout_pcln(l, &pl, err, sizeof err) == 0);
		/* moduledata.gofunc: 304 (1.19), 320 (1.20 to 1.26), 344 (1.27) */
		CHECK_U64(pl.md_gofunc, t->go_minor == 19 ? 304 : t->go_minor <= 26 ? 320 : 344);
		gi_layout_close(l);
		printf("go1.%d: gofunc @%llu, memRecord %llu bytes (%s)\n", t->go_minor,
		       (unsigned long long)pl.md_gofunc, (unsigned long long)ms.rec,
		       ms.bytes_recorded ? "bytes recorded" : "bytes from the bucket's size");
	}

	/* the newest release's table, changed as a release might change it */
	const struct gi_ltab *newest = gi_ltabs[gi_nltabs - 1];
	struct tab c;
	struct gi_ltab_member *m;

	tab_copy(&c, newest);  /* a third word in memRecordCycle */
	m = member(&c, "runtime.memRecordCycle", "frees");
	CHECK(m != NULL);
	if (m)
		m->path = "frees_objects";
	REFUSED("memRecordCycle without frees", &c.t, "runtime.memRecordCycle");
	tab_free(&c);

	tab_copy(&c, newest);  /* memRecordCycle grows a member: memRecord no longer fits it */
	CHECK(type(&c, "runtime.memRecordCycle") != NULL);
	type(&c, "runtime.memRecordCycle")->size = 24;
	REFUSED("memRecordCycle of 24 bytes", &c.t, "runtime.memRecord");
	tab_free(&c);

	/* a release that records one byte count of the two (from one that records both) */
	for (size_t i = 0; i < gi_nltabs; i++) {
		if (gi_ltab_member(gi_ltabs[i], "runtime.memRecordCycle", "free_bytes", NULL, NULL))
			continue;
		tab_copy(&c, gi_ltabs[i]);
		m = member(&c, "runtime.memRecordCycle", "free_bytes");
		if (m)
			m->path = "free_objects";
		REFUSED("memRecordCycle with alloc_bytes but no free_bytes", &c.t,
		        "runtime.memRecordCycle is neither");
		tab_free(&c);
		break;
	}

	tab_copy(&c, newest);  /* moduledata loses gofunc */
	m = member(&c, "runtime.moduledata", "gofunc");
	CHECK(m != NULL);
	if (m)
		m->path = "gofuncs";
	REFUSED("moduledata without gofunc", &c.t, "runtime.moduledata.gofunc");
	tab_free(&c);

	tab_copy(&c, newest);  /* _func grows past nfuncdata: a function table format unknown */
	type(&c, "runtime._func")->size += 4;
	REFUSED("_func grown past nfuncdata", &c.t, "does not end with nfuncdata");
	tab_free(&c);

	tab_copy(&c, newest);  /* a status renumbered: its word no longer matches */
	for (size_t i = 0; i < c.t.nconsts; i++)
		if (!strcmp(c.consts[i].name, "runtime._Gwaiting"))
			c.consts[i].value = 5;
	REFUSED("_Gwaiting renumbered", &c.t, "gStatusStrings[_Gwaiting = 5]");
	tab_free(&c);

	tab_copy(&c, newest);  /* a constant renamed away */
	for (size_t i = 0; i < c.t.nconsts; i++)
		if (!strcmp(c.consts[i].name, "internal/abi.FuncIDWrapper"))
			c.consts[i].name = "internal/abi.FuncIDWrapperX";
	REFUSED("FuncIDWrapper renamed", &c.t, "internal/abi.FuncIDWrapper");
	tab_free(&c);

	return UNIT_DONE();
}
