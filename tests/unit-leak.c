/* Unit tests for leak.c, export.c and html.c on hand-made snapshot documents: group matching,
 * stuck goroutines, the verdict and its noise floors, the heap half (heap.* present, partly
 * present, absent), trend shapes, --fail-on, the pprof and folded exports, the HTML page. */
#include "output/output.h"

#include <errno.h>
#include "unit.h"
#include "output/profile.pb-c.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

static char dir[] = "/tmp/gi-unit-leak-XXXXXX";

/* ---- building snapshot documents ---- */

struct tgroup {
	const char *func, *file;  /* the leaf frame in the program's code */
	int line;
	const char *status;
	uint64_t count;
	uint64_t first_goid;      /* goroutines first_goid .. first_goid+count-1 */
	const char *moved_status; /* when set: the first goroutine has this status instead */
};

struct tdoc {
	struct tgroup g[8];
	size_t ng;
	uint64_t heap_rss, anon_rss;
	json_t *heap;             /* the "heap" object, or NULL */
	bool nostacks;            /* goroutines counted, stacks not read */
	const char *time;
};

static json_t *frame(const char *f, const char *file, int line)
{
	return json_pack("{s:s, s:s, s:i}", "function", f, "file", file, "line", line);
}

static char *write_doc(const struct tdoc *d, const char *name)
{
	json_t *groups = json_array(), *all = json_array(), *bys = json_object();
	uint64_t total = 0;
	for (size_t i = 0; i < d->ng; i++) {
		const struct tgroup *g = &d->g[i];
		json_t *frames = json_pack("[o, o, o]", frame("runtime.gopark", "/go/src/runtime/proc.go", 435),
		                           frame(g->func, g->file, g->line),
		                           frame("main.worker", "/src/app/server.go", 12));
		json_array_append_new(groups, json_pack(
			"{s:I, s:s, s:o, s:o, s:[I]}", "count", (json_int_t)g->count, "wait_reason",
			g->status, "frames", frames, "created_by",
			frame("main.serve", "/src/app/server.go", 40), "goids", (json_int_t)g->first_goid));
		for (uint64_t k = 0; k < g->count; k++) {
			const char *st = k == 0 && g->moved_status ? g->moved_status : g->status;
			json_array_append_new(all, json_pack("{s:I, s:s, s:i}", "goid",
			                                     (json_int_t)(g->first_goid + k), "status", st,
			                                     "group", (int)i));
			json_t *c = json_object_get(bys, st);
			json_object_set_new(bys, st, json_integer((c ? json_integer_value(c) : 0) + 1));
		}
		total += g->count;
	}
	json_t *maps = json_pack(
		"[{s:s, s:s, s:s, s:s, s:I, s:I}, {s:s, s:s, s:s, s:s, s:I, s:I}]",
		"start", "0xc000000000", "end", "0xc040000000", "perms", "rw-p", "kind", "go-heap",
		"size", (json_int_t)(1 << 30), "rss", (json_int_t)d->heap_rss,
		"start", "0x7f0000000000", "end", "0x7f0010000000", "perms", "rw-p", "kind", "anonymous",
		"size", (json_int_t)(256 << 20), "rss", (json_int_t)d->anon_rss);
	if (d->nostacks) {
		json_decref(groups);
		json_decref(all);
	}
	json_t *root = json_pack(
		"{s:i, s:{s:i, s:s, s:s}, s:{s:s}, s:{s:b, s:I, s:o, s:b, s:o, s:o}, "
		"s:{s:b, s:I, s:o}}",
		"format_version", 1, "target", "pid", 42, "exe", "/srv/app", "comm", "app",
		"capture", "time", d->time ? d->time : "2026-11-23T08:00:00Z",
		"goroutines", "available", 1, "total", (json_int_t)total, "by_status", bys,
		"stacks_available", !d->nostacks, "groups", d->nostacks ? json_array() : groups,
		"all", d->nostacks ? json_array() : all,
		"memory", "available", 1, "rss", (json_int_t)(d->heap_rss + d->anon_rss),
		"mappings", maps);
	if (d->heap)
		json_object_set(root, "heap", d->heap);
	char *path = xasprintf("%s/%s", dir, name);
	if (json_dump_file(root, path, 0) != 0)
		fprintf(stderr, "cannot write %s\n", path);
	json_decref(root);
	return path;
}

static void load(const struct tdoc *d, const char *name, struct gi_snapshot *s)
{
	char *p = write_doc(d, name);
	char err[256];
	int r = gi_snapshot_read(p, s, err, sizeof err);
	if (r)
		fprintf(stderr, "%s: %s\n", p, err);
	CHECK(r == 0);
	free(p);
}

static json_t *heap_doc(uint64_t inuse, uint64_t n512, bool classes)
{
	json_t *h = json_pack("{s:I, s:I, s:I}", "heap_inuse", (json_int_t)inuse, "heap_objects",
	                      (json_int_t)(n512 + 100), "stack_inuse", (json_int_t)(1 << 20));
	if (classes)
		json_object_set_new(h, "size_classes", json_pack(
			"[{s:i, s:i, s:i, s:I, s:I}, {s:i, s:i, s:i, s:i, s:i}]",
			"class", 32, "size", 512, "spans", 1, "objects", (json_int_t)n512, "bytes",
			(json_int_t)(n512 * 512), "class", 5, "size", 64, "spans", 1, "objects", 100,
			"bytes", 6400));
	return h;
}

static bool has(const char *hay, const char *needle)
{
	bool ok = hay && strstr(hay, needle);
	if (!ok)
		fprintf(stderr, "  \"%s\"\n  does not contain \"%s\"\n", hay ? hay : "(null)", needle);
	return ok;
}

static const struct gi_claim *claim_of(const struct gi_diff *d, const char *kind)
{
	for (size_t i = 0; i < d->nclaims; i++)
		if (!strcmp(d->claims[i].kind, kind))
			return &d->claims[i];
	return NULL;
}

/* ---- the tests ---- */

static void test_groups_and_verdict(void)
{
	struct tdoc a = {.g = {{"main.leakedHandler.func1", "/src/app/server.go", 88, "chan send", 5, 100, NULL},
	                       {"main.poll", "/src/app/poll.go", 7, "select", 3, 200, NULL},
	                       {"main.idle", "/src/app/idle.go", 9, "sleep", 2, 300, NULL}},
	                 .ng = 3, .heap_rss = 8 << 20, .anon_rss = 2 << 20};
	struct tdoc b = {.g = {{"main.leakedHandler.func1", "/src/app/server.go", 88, "chan send", 782, 100, NULL},
	                       {"main.fresh", "/src/app/fresh.go", 3, "IO wait", 12, 5000, NULL},
	                       {"main.idle", "/src/app/idle.go", 9, "sleep", 2, 300, NULL}},
	                 .ng = 3, .heap_rss = 8 << 20, .anon_rss = 2 << 20};
	struct gi_snapshot sa, sb;
	load(&a, "a.snap", &sa);
	load(&b, "b.snap", &sb);
	const struct gi_snapshot *v[2] = {&sa, &sb};
	struct gi_diff *d = gi_diff_new(v, 2);
	CHECK(d->stacks_known && d->stuck_known);
	CHECK_U64(d->ngroups, 4);
	/* growth first, largest first; then the vanished */
	CHECK_U64((uint64_t)d->groups[0].delta, 777);
	CHECK_U64(d->groups[0].stuck, 5);
	CHECK_U64((uint64_t)d->groups[1].delta, 12);
	CHECK(d->groups[1].a == NULL);     /* new */
	CHECK(d->groups[2].delta == 0);    /* main.idle, unchanged: its 2 are stuck too */
	CHECK_U64(d->groups[2].stuck, 2);
	CHECK(d->groups[3].delta == -3 && d->groups[3].b == NULL);  /* vanished */
	CHECK_U64(d->stuck, 7);
	const struct gi_claim *c = claim_of(d, "goroutines");
	CHECK(c && c->value == 777 && c->ref == 0);
	CHECK(c && has(c->text, "goroutine leak: +777 goroutines blocked in chan send at "
	                        "main.leakedHandler.func1 (server.go:88), created by main.serve "
	                        "(server.go:40); none of the 5 there in the first snapshot exited"));
	/* +12 in a new group: beyond noise (10, and 5% of 0), said as new */
	CHECK(d->nclaims >= 2 && !strcmp(d->claims[1].kind, "goroutines"));
	CHECK(d->nclaims >= 2 && has(d->claims[1].text, "+12 goroutines blocked in IO wait at "
	                                                "main.fresh (fresh.go:3)"));
	CHECK(d->nclaims >= 2 && has(d->claims[1].text, "a stack the first snapshot did not have"));
	CHECK(claim_of(d, "heap") == NULL);   /* no heap figures: nothing said, nothing guessed */
	CHECK(claim_of(d, "rss") == NULL && claim_of(d, "rss-outside-heap") == NULL);
	CHECK(!d->heap_known && !d->classes_known);

	/* The text report: verdict first, and the figures it states are in the tables. */
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct gi_report_opts o = {0};
	const char *paths[2] = {"a.snap", "b.snap"};
	gi_report_diff(m, d, paths, &o);
	fclose(m);
	CHECK(has(buf, "\nVerdict:\n  * goroutine leak: +777 goroutines"));
	CHECK(strstr(buf, "Verdict:") < strstr(buf, "Goroutines:"));
	CHECK(has(buf, "       5      782     +777        5  chan send\n"));
	CHECK(has(buf, "main.leakedHandler.func1 (server.go:88)\n"));
	CHECK(has(buf, "created by main.serve (server.go:40)\n"));
	CHECK(has(buf, "\n         0       12      +12        -  IO wait (new)\n"));
	CHECK(has(buf, "\n         3        0       -3        -  select (gone)\n"));
	CHECK(has(buf, "7 stuck since the first snapshot"));
	CHECK(!strstr(buf, "\033["));  /* no colour unless asked */
	size_t maxw = 0, w = 0;
	for (const char *p = buf; *p; p++) {
		if (*p == '\n') {
			if (w > maxw)
				maxw = w;
			w = 0;
		} else {
			w++;
		}
	}
	CHECK(maxw <= 80);
	free(buf);

	/* The JSON report: verdict[] first, stuck per group. */
	buf = NULL;
	m = open_memstream(&buf, &len);
	o.json = true;
	gi_report_diff(m, d, paths, &o);
	fclose(m);
	json_error_t je;
	json_t *j = json_loads(buf, 0, &je);
	CHECK(j != NULL);
	CHECK(!strcmp(json_object_iter_key(json_object_iter_next(j, json_object_iter(j))),
	              "verdict"));
	CHECK(json_array_size(json_object_get(j, "verdict")) == d->nclaims);
	json_t *g0 = json_array_get(json_object_get(json_object_get(j, "goroutines"), "groups"), 0);
	CHECK(json_integer_value(json_object_get(g0, "stuck")) == 5);
	CHECK(!strcmp(json_string_value(json_object_get(g0, "change")), "grown"));
	CHECK(json_integer_value(json_object_get(json_object_get(j, "goroutines"), "stuck")) == 7);
	CHECK(json_is_false(json_object_get(json_object_get(j, "heap"), "available")));
	json_decref(j);
	free(buf);

	/* --color=always paints the deltas. */
	buf = NULL;
	m = open_memstream(&buf, &len);
	o.json = false;
	o.color = true;
	gi_report_diff(m, d, paths, &o);
	fclose(m);
	CHECK(has(buf, "\033[31m    +777\033[0m"));
	free(buf);
	gi_diff_free(d);
	gi_snapshot_free(&sa);
	gi_snapshot_free(&sb);
}

static void test_stuck_needs_same_status(void)
{
	struct tdoc a = {.g = {{"main.h", "/src/app/h.go", 5, "chan send", 20, 100, NULL},
	                       {"main.spin", "/src/app/s.go", 8, "runnable", 3, 900, NULL}},
	                 .ng = 2, .heap_rss = 1 << 20, .anon_rss = 1 << 20};
	struct tdoc b = a;
	b.g[0].count = 60;
	b.g[0].moved_status = "chan receive";  /* goroutine 100: same stack, another status */
	struct gi_snapshot sa, sb;
	load(&a, "a.snap", &sa);
	load(&b, "b.snap", &sb);
	const struct gi_snapshot *v[2] = {&sa, &sb};
	struct gi_diff *d = gi_diff_new(v, 2);
	CHECK_U64(d->groups[0].stuck, 19);
	/* not blocked: at the same place, but not stuck */
	CHECK(d->groups[1].delta == 0 && d->groups[1].a && d->groups[1].b);
	CHECK_U64(d->groups[1].stuck, 0);
	CHECK_U64(d->stuck, 19);
	const struct gi_claim *c = claim_of(d, "goroutines");
	CHECK(c && has(c->text, "; 19 of the 20 there in the first snapshot are still blocked there"));
	gi_diff_free(d);
	gi_snapshot_free(&sa);
	gi_snapshot_free(&sb);
}

static void test_noise(void)
{
	/* +9 goroutines: below the floor of 10. */
	CHECK(!gi_beyond_noise(GI_M_GOROUTINES, 9, 0));
	CHECK(gi_beyond_noise(GI_M_GOROUTINES, 10, 0));
	/* +40 on 1000: above 10 but under 5% */
	CHECK(!gi_beyond_noise(GI_M_GOROUTINES, 40, 1000));
	CHECK(gi_beyond_noise(GI_M_GOROUTINES, 50, 1000));
	CHECK(!gi_beyond_noise(GI_M_GOROUTINES, -500, 1000));
	CHECK(!gi_beyond_noise(GI_M_CLASS, (256 << 10) - 1, 0));
	CHECK(gi_beyond_noise(GI_M_CLASS, 256 << 10, 0));
	CHECK(!gi_beyond_noise(GI_M_RSS, 3 << 20, 0));
	CHECK(!gi_beyond_noise(GI_M_RSS, 8 << 20, 100 << 20));  /* 8%: under 10% */
	CHECK(gi_beyond_noise(GI_M_RSS, 10 << 20, 100 << 20));

	/* Two snapshots where nothing grew beyond noise: no verdict. */
	struct tdoc a = {.g = {{"main.h", "/src/app/h.go", 5, "chan send", 1000, 100, NULL}}, .ng = 1,
	                 .heap_rss = 100 << 20, .anon_rss = 10 << 20,
	                 .heap = heap_doc(100 << 20, 1000, true)};
	struct tdoc b = a;
	b.g[0].count = 1040;
	b.heap_rss += 5 << 20;                /* +5 MiB on 110 MiB: under 10% */
	b.heap = heap_doc((100 << 20) + (900 << 10), 1400, true);  /* +900 KiB: under 1 MiB; */
	/* the 512-byte class: +400 objects = +200 KiB, under 256 KiB */
	struct gi_snapshot sa, sb;
	load(&a, "a.snap", &sa);
	load(&b, "b.snap", &sb);
	json_decref(a.heap);
	json_decref(b.heap);
	const struct gi_snapshot *v[2] = {&sa, &sb};
	struct gi_diff *d = gi_diff_new(v, 2);
	CHECK_U64(d->nclaims, 0);
	CHECK(d->heap_known && d->classes_known);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct gi_report_opts o = {0};
	gi_report_diff(m, d, NULL, &o);
	fclose(m);
	CHECK(has(buf, "Verdict: nothing grew beyond noise"));
	free(buf);
	gi_diff_free(d);
	gi_snapshot_free(&sa);
	gi_snapshot_free(&sb);
}

static void test_no_stacks(void)
{
	/* Goroutines counted but their stacks not read: growth said, without a place. */
	struct tdoc a = {.g = {{"main.h", "/src/app/h.go", 5, "chan send", 20, 100, NULL}}, .ng = 1,
	                 .heap_rss = 1 << 20, .anon_rss = 1 << 20};
	struct tdoc b = a;
	b.g[0].count = 220;
	b.nostacks = true;
	struct gi_snapshot sa, sb;
	load(&a, "a.snap", &sa);
	load(&b, "b.snap", &sb);
	const struct gi_snapshot *v[2] = {&sa, &sb};
	struct gi_diff *d = gi_diff_new(v, 2);
	CHECK(!d->stacks_known && !d->stuck_known && d->ngroups == 0);
	const struct gi_claim *c = claim_of(d, "goroutines");
	CHECK(c && has(c->text, "goroutines +200 (20 -> 220), where is unknown: the stacks were "
	                        "not read in both snapshots"));
	gi_diff_free(d);
	gi_snapshot_free(&sa);
	gi_snapshot_free(&sb);
}

static void test_heap_claims(void)
{
	/* 512-byte objects: +3072 objects, +1.5 MiB; RSS +20 MiB outside the Go heap. */
	struct tdoc a = {.g = {{"main.h", "/src/app/h.go", 5, "chan send", 5, 100, NULL}}, .ng = 1,
	                 .heap_rss = 16 << 20, .anon_rss = 4 << 20,
	                 .heap = heap_doc(10 << 20, 1000, true)};
	struct tdoc b = a;
	b.anon_rss += 20 << 20;
	b.heap = heap_doc((10 << 20) + (3 << 19), 4072, true);
	struct gi_snapshot sa, sb;
	load(&a, "a.snap", &sa);
	load(&b, "b.snap", &sb);
	CHECK(sa.heap.has_inuse && sa.heap.has_classes);
	CHECK_U64(sa.heap.nclasses, 2);
	CHECK_U64(sa.heap.heap_inuse, 10 << 20);
	const struct gi_snapshot *v[2] = {&sa, &sb};
	struct gi_diff *d = gi_diff_new(v, 2);
	const struct gi_claim *c = claim_of(d, "heap");
	CHECK(c && has(c->text, "heap: +1.50 MiB in 512-byte objects (+3072 objects)"));
	CHECK(c && c->value == 3 << 19);
	/* without the RSS breakdown, growth outside the heap arenas is not blamed on C */
	c = claim_of(d, "rss-outside-heap");
	CHECK(c && has(c->text, "RSS +20.0 MiB outside the Go heap (anonymous +20.0 MiB); without "
	                        "the RSS breakdown of both snapshots, C memory and the Go "
	                        "runtime's own cannot be told apart"));
	CHECK(claim_of(d, "goroutines") == NULL);
	CHECK_U64(d->classes[0].cls, 32);
	CHECK(d->classes[0].objects_delta == 3072);
	CHECK(d->heap_inuse_delta == 3 << 19);
	/* JSON: heap.size_classes[] and heap.heap_inuse_delta */
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct gi_report_opts o = {.json = true};
	gi_report_diff(m, d, NULL, &o);
	fclose(m);
	json_t *j = json_loads(buf, 0, NULL);
	json_t *h = json_object_get(j, "heap");
	CHECK(json_integer_value(json_object_get(h, "heap_inuse_delta")) == 3 << 19);
	json_t *c0 = json_array_get(json_object_get(h, "size_classes"), 0);
	CHECK(json_integer_value(json_object_get(c0, "class")) == 32);
	CHECK(json_integer_value(json_object_get(c0, "size")) == 512);
	CHECK(json_integer_value(json_object_get(c0, "objects_delta")) == 3072);
	CHECK(json_integer_value(json_object_get(c0, "bytes_delta")) == 3072 * 512);
	json_decref(j);
	free(buf);
	/* text: the heap table backs the claim */
	buf = NULL;
	m = open_memstream(&buf, &len);
	o.json = false;
	gi_report_diff(m, d, NULL, &o);
	fclose(m);
	CHECK(has(buf, "   32     512 B      4072     +3072   1.99 MiB  +1.50 MiB\n"));
	CHECK(has(buf, "Heap: in use 10.0 MiB -> 11.5 MiB (+1.50 MiB)"));
	free(buf);
	gi_diff_free(d);

	/* heap_inuse only (no classes): the claim is on the heap in use. */
	json_decref(b.heap);
	b.heap = json_pack("{s:I}", "heap_inuse", (json_int_t)(30 << 20));
	json_decref(a.heap);
	a.heap = json_pack("{s:I}", "heap_inuse", (json_int_t)(10 << 20));
	gi_snapshot_free(&sa);
	gi_snapshot_free(&sb);
	load(&a, "a.snap", &sa);
	load(&b, "b.snap", &sb);
	d = gi_diff_new(v, 2);
	c = claim_of(d, "heap");
	CHECK(c && has(c->text, "heap: in use +20.0 MiB (10.0 MiB -> 30.0 MiB)"));
	CHECK(!d->classes_known);
	gi_diff_free(d);
	gi_snapshot_free(&sa);
	gi_snapshot_free(&sb);

	/* heap in only one snapshot: nothing compared. */
	json_decref(b.heap);
	b.heap = NULL;
	load(&a, "a.snap", &sa);
	load(&b, "b.snap", &sb);
	d = gi_diff_new(v, 2);
	CHECK(claim_of(d, "heap") == NULL && !d->heap_known);
	struct gi_failon f;
	char err[256];
	CHECK(gi_failon_parse("heap=+1MiB", &f, err, sizeof err) == 0);
	CHECK(gi_failon_check(&f, d, stderr, err, sizeof err) == -ENOENT);
	CHECK(has(err, "no heap figures"));
	gi_diff_free(d);
	gi_snapshot_free(&sa);
	gi_snapshot_free(&sb);
	json_decref(a.heap);
}

static void test_shapes(void)
{
	int64_t steady[] = {10, 110, 210, 310}, step[] = {10, 12, 512, 515}, flat[] = {10, 12, 11, 13},
	        fluct[] = {10, 300, 12, 14}, irr[] = {10, 200, 190, 400}, shrink[] = {500, 300, 100};
	size_t at = 9;
	CHECK(gi_series_shape(GI_M_GOROUTINES, steady, 4, NULL) == GI_SHAPE_STEADY);
	CHECK(gi_series_shape(GI_M_GOROUTINES, step, 4, &at) == GI_SHAPE_STEP);
	CHECK_U64(at, 1);
	CHECK(gi_series_shape(GI_M_GOROUTINES, flat, 4, NULL) == GI_SHAPE_FLAT);
	CHECK(gi_series_shape(GI_M_GOROUTINES, fluct, 4, NULL) == GI_SHAPE_FLUCTUATING);
	CHECK(gi_series_shape(GI_M_GOROUTINES, irr, 4, NULL) == GI_SHAPE_IRREGULAR);
	CHECK(gi_series_shape(GI_M_GOROUTINES, shrink, 3, NULL) == GI_SHAPE_SHRINKING);
	CHECK(gi_series_shape(GI_M_GOROUTINES, steady, 2, NULL) == GI_SHAPE_NONE);

	/* Three snapshots: one group grows steadily, another in one step. */
	struct tdoc s[3];
	memset(s, 0, sizeof s);
	for (int i = 0; i < 3; i++) {
		s[i].ng = 2;
		s[i].heap_rss = 10 << 20;
		s[i].anon_rss = 1 << 20;
		s[i].g[0] = (struct tgroup){"main.leak", "/src/app/l.go", 1, "chan send",
		                            (uint64_t)(5 + 100 * i), 100, NULL};
		s[i].g[1] = (struct tgroup){"main.burst", "/src/app/b.go", 2, "select",
		                            i < 2 ? 3 : 403, 5000, NULL};
	}
	struct gi_snapshot ss[3];
	load(&s[0], "a.snap", &ss[0]);
	load(&s[1], "b.snap", &ss[1]);
	load(&s[2], "c.snap", &ss[2]);
	const struct gi_snapshot *v[3] = {&ss[0], &ss[1], &ss[2]};
	struct gi_diff *d = gi_diff_new(v, 3);
	CHECK(d->groups[0].delta == 400 && d->groups[0].shape == GI_SHAPE_STEP);
	CHECK(d->groups[1].delta == 200 && d->groups[1].shape == GI_SHAPE_STEADY);
	CHECK(d->nclaims >= 2 && has(d->claims[0].text, "a one-off step, between snapshots 2 and 3"));
	CHECK(d->nclaims >= 2 && has(d->claims[1].text, "steady growth, at every step of the 3 snapshots"));
	CHECK(d->gor_shape == GI_SHAPE_STEADY);  /* 8 -> 108 -> 608: up at each step, no 80% step */
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct gi_report_opts o = {.json = true};
	const char *paths[3] = {"a.snap", "b.snap", "c.snap"};
	gi_report_diff(m, d, paths, &o);
	fclose(m);
	json_t *j = json_loads(buf, 0, NULL);
	json_t *g1 = json_array_get(json_object_get(json_object_get(j, "goroutines"), "groups"), 1);
	CHECK(!strcmp(json_string_value(json_object_get(g1, "shape")), "steady"));
	CHECK(json_integer_value(json_array_get(json_object_get(g1, "series"), 1)) == 105);
	CHECK(json_array_size(json_object_get(json_object_get(j, "trend"), "snapshots")) == 3);
	json_decref(j);
	free(buf);
	gi_diff_free(d);
	for (int i = 0; i < 3; i++)
		gi_snapshot_free(&ss[i]);
}

static void test_failon(void)
{
	struct gi_failon f;
	char err[256];
	CHECK(gi_failon_parse("goroutines=+100,heap=+64MiB,rss=+1.5GiB", &f, err, sizeof err) == 0);
	CHECK(f.has_goroutines && f.goroutines == 100);
	CHECK(f.has_heap && f.heap == 64 << 20);
	CHECK(f.has_rss && f.rss == 3ll << 29);
	CHECK(gi_failon_parse("rss=+512K", &f, err, sizeof err) == 0 && f.rss == 512 << 10 &&
	      !f.has_goroutines);
	CHECK(gi_failon_parse("goroutines=100", &f, err, sizeof err) == -EINVAL);
	CHECK(gi_failon_parse("goroutines=+10MiB", &f, err, sizeof err) == -EINVAL);
	CHECK(gi_failon_parse("threads=+1", &f, err, sizeof err) == -EINVAL);
	CHECK(gi_failon_parse("heap=+3parsecs", &f, err, sizeof err) == -EINVAL);

	struct tdoc a = {.g = {{"main.h", "/src/app/h.go", 5, "chan send", 5, 100, NULL}}, .ng = 1,
	                 .heap_rss = 1 << 20, .anon_rss = 1 << 20};
	struct tdoc b = a;
	b.g[0].count = 105;
	b.anon_rss += 3 << 20;
	struct gi_snapshot sa, sb;
	load(&a, "a.snap", &sa);
	load(&b, "b.snap", &sb);
	const struct gi_snapshot *v[2] = {&sa, &sb};
	struct gi_diff *d = gi_diff_new(v, 2);
	FILE *devnull = fopen("/dev/null", "w");
	gi_failon_parse("goroutines=+100", &f, err, sizeof err);
	CHECK(gi_failon_check(&f, d, devnull, err, sizeof err) == 0);   /* +100 is not past +100 */
	gi_failon_parse("goroutines=+99,rss=+2MiB", &f, err, sizeof err);
	CHECK(gi_failon_check(&f, d, devnull, err, sizeof err) == 2);
	gi_failon_parse("rss=+3MiB", &f, err, sizeof err);
	CHECK(gi_failon_check(&f, d, devnull, err, sizeof err) == 0);
	fclose(devnull);
	gi_diff_free(d);
	gi_snapshot_free(&sa);
	gi_snapshot_free(&sb);
}

static void test_exports(void)
{
	struct tdoc a = {.g = {{"main.h", "/src/app/h.go", 5, "chan send", 500, 100, NULL},
	                       {"main.p", "/src/app/p.go", 6, "select", 3, 1000, NULL}},
	                 .ng = 2, .heap_rss = 1 << 20, .anon_rss = 1 << 20,
	                 .heap = heap_doc(10 << 20, 3000, true)};
	struct gi_snapshot s;
	load(&a, "a.snap", &s);
	json_decref(a.heap);
	char *path = xasprintf("%s/a.pb.gz", dir), err[256];
	CHECK(gi_export_pprof(&s, GI_EXPORT_GOROUTINE, path, err, sizeof err) == 0);
	/* read it back: gunzip, unpack with protobuf-c */
	gzFile gz = gzopen(path, "rb");
	static uint8_t buf[1 << 20];
	int n = gzread(gz, buf, sizeof buf);
	gzclose(gz);
	CHECK(n > 0);
	Perftools__Profiles__Profile *p = perftools__profiles__profile__unpack(NULL, (size_t)n, buf);
	CHECK(p != NULL);
	if (p) {
		CHECK_STR(p->string_table[0], "");
		CHECK_U64(p->n_sample_type, 1);
		CHECK_STR(p->string_table[p->sample_type[0]->type], "goroutine");
		CHECK_STR(p->string_table[p->sample_type[0]->unit], "count");
		CHECK_U64(p->n_sample, 2);
		CHECK(p->sample[0]->value[0] == 500 && p->sample[1]->value[0] == 3);
		CHECK_U64(p->sample[0]->n_location_id, 3);
		/* leaf first: runtime.gopark, then main.h, then main.worker; shared frames shared */
		uint64_t leaf = p->sample[0]->location_id[0];
		CHECK(leaf == p->sample[1]->location_id[0]);
		Perftools__Profiles__Location *l = p->location[p->sample[0]->location_id[1] - 1];
		CHECK(l->id == p->sample[0]->location_id[1]);
		Perftools__Profiles__Function *fn = p->function[l->line[0]->function_id - 1];
		CHECK_STR(p->string_table[fn->name], "main.h");
		CHECK_STR(p->string_table[fn->filename], "/src/app/h.go");
		CHECK(l->line[0]->line == 5);
		CHECK(p->time_nanos == 1795420800ll * 1000000000);
		perftools__profiles__profile__free_unpacked(p, NULL);
	}
	/* the heap by size class: one sample per class, objects and bytes */
	CHECK(gi_export_pprof(&s, GI_EXPORT_SIZE_CLASSES, path, err, sizeof err) == 0);
	gz = gzopen(path, "rb");
	n = gzread(gz, buf, sizeof buf);
	gzclose(gz);
	p = perftools__profiles__profile__unpack(NULL, (size_t)(n > 0 ? n : 0), buf);
	CHECK(p != NULL);
	if (p) {
		CHECK_U64(p->n_sample_type, 2);
		CHECK_STR(p->string_table[p->sample_type[1]->type], "inuse_space");
		CHECK_U64(p->n_sample, 2);
		CHECK(p->sample[0]->value[0] == 3000 && p->sample[0]->value[1] == 3000 * 512);
		CHECK(p->sample[0]->n_label == 1 && p->sample[0]->label[0]->num == 512);
		perftools__profiles__profile__free_unpacked(p, NULL);
	}
	/* folded */
	char *fb = NULL;
	size_t flen = 0;
	FILE *m = open_memstream(&fb, &flen);
	CHECK(gi_export_folded(&s, m, err, sizeof err) == 0);
	fclose(m);
	CHECK_STR(fb, "main.worker;main.h;runtime.gopark 500\nmain.worker;main.p;runtime.gopark 3\n");
	free(fb);
	/* no heap: said, nothing written */
	gi_heap_free(&s.heap);
	CHECK(gi_export_pprof(&s, GI_EXPORT_SIZE_CLASSES, path, err, sizeof err) == -ENODATA);
	CHECK(has(err, "no heap size classes"));
	/* unwritable */
	CHECK(gi_export_pprof(&s, GI_EXPORT_GOROUTINE, "/nonexistent/dir/x.pb.gz", err, sizeof err) == -ENOENT);
	unlink(path);
	free(path);
	gi_snapshot_free(&s);
}

static void test_html(void)
{
	struct tdoc a = {.g = {{"main.h", "/src/app/h.go", 5, "chan send", 5, 100, NULL}}, .ng = 1,
	                 .heap_rss = 1 << 20, .anon_rss = 1 << 20,
	                 .heap = heap_doc(10 << 20, 1000, true)};
	struct tdoc b = a;
	b.g[0].count = 505;
	b.g[0].func = "main.h<script>";  /* escaped, not run */
	b.heap = heap_doc(12 << 20, 5000, true);
	struct gi_snapshot sa, sb;
	load(&a, "a.snap", &sa);
	load(&b, "b.snap", &sb);
	json_decref(a.heap);
	json_decref(b.heap);
	/* different stacks now (the function differs): +505 new, -5 gone */
	const struct gi_snapshot *v[2] = {&sa, &sb};
	struct gi_diff *d = gi_diff_new(v, 2);
	char *path = xasprintf("%s/r.html", dir), err[256];
	const char *paths[2] = {"a.snap", "b.snap"};
	CHECK(gi_html_write(d, paths, path, err, sizeof err) == 0);
	FILE *f = fopen(path, "r");
	static char page[1 << 20];
	size_t n = f ? fread(page, 1, sizeof page - 1, f) : 0;
	if (f)
		fclose(f);
	page[n] = 0;
	CHECK(has(page, "<!DOCTYPE html>"));
	CHECK(has(page, "goroutine leak: +505 goroutines blocked in chan send at main.h&lt;script&gt;"));
	CHECK(!strstr(page, "<script"));
	CHECK(has(page, "data-func=\"main.h&lt;script&gt;\" data-value=\"505\""));
	CHECK(has(page, "class 32: 512-byte objects"));
	/* self-contained: nothing loaded from elsewhere */
	CHECK(!strstr(page, "src=") && !strstr(page, "href=") && !strstr(page, "url(") &&
	      !strstr(page, "@import"));
	CHECK(gi_html_write(d, paths, "/nonexistent/dir/r.html", err, sizeof err) == -ENOENT);
	unlink(path);
	free(path);
	gi_diff_free(d);
	gi_snapshot_free(&sa);
	gi_snapshot_free(&sb);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	test_groups_and_verdict();
	test_stuck_needs_same_status();
	test_noise();
	test_no_stacks();
	test_heap_claims();
	test_shapes();
	test_failon();
	test_exports();
	test_html();
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	return UNIT_DONE();
}
