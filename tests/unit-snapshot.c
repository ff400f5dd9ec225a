/* Unit tests for snapshot.c and report.c: exact round trips (plain and gzip), refusals of
 * corrupt input, and the show/diff outputs. */
#include "output/output.h"

#include <errno.h>
#include "unit.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/gi-unit-snapshot.XXXXXX";

static void make(struct gi_snapshot *s, uint64_t chan_send, uint64_t heap_rss)
{
	memset(s, 0, sizeof *s);
	s->format_version = GI_FORMAT_VERSION;
	s->tool_version = xstrdup("0.1.0");
	s->pid = 4242;
	s->exe = xstrdup("/srv/app/server");
	s->comm = xstrdup("server");
	s->go_version = xstrdup("go1.26.8");
	s->main_path = xstrdup("example.com/svc");
	s->main_version = xstrdup("v1.2.3");
	gi_strmap_add(&s->build_settings, "GOARCH", "amd64");
	gi_strmap_add(&s->build_settings, "-ldflags", "-s -w");
	s->build_id = xstrdup("abcdef");
	s->pie = true;
	s->has_dwarf = true;
	s->threads = 7;
	s->time_utc = xstrdup(heap_rss > (10u << 20) ? "2026-11-22T15:01:40Z" : "2026-11-22T15:00:00Z");
	s->pause_ns = 3200000;
	s->total_ns = 25100000;
	s->max_stop_ns = 2000000000;
	gi_snapshot_add_warning(s, "a warning with \"quotes\" and \\ and \n");
	s->gor_available = true;
	s->gor_total = chan_send + 4;
	s->gor_system = 5;
	s->gor_allglen = chan_send + 20;
	gi_counts_add(&s->by_status, "chan send", chan_send);
	gi_counts_add(&s->by_status, "select", 3);
	gi_counts_add(&s->by_status, "chan receive", 1);
	gi_counts_add(&s->system_by_status, "GC worker (idle)", 5);
	s->stacks_available = true;
	s->ngroups = 1;
	s->groups = xcalloc(1, sizeof *s->groups);
	struct gi_ggroup *g = &s->groups[0];
	g->count = chan_send;
	g->wait_reason = xstrdup("chan send");
	gi_counts_add(&g->statuses, "chan send", chan_send);
	g->wait_min_ns = -1;
	g->wait_max_ns = 120000000000;
	g->nframes = 2;
	g->frames = xcalloc(2, sizeof *g->frames);
	g->frames[0] = (struct gi_frame){xstrdup("runtime.gopark"), xstrdup("proc.go"), 363};
	g->frames[1] = (struct gi_frame){xstrdup("main.handle"), xstrdup("/src/main.go"), 23};
	g->created_by = (struct gi_frame){xstrdup("main.serve"), xstrdup("/src/main.go"), 31};
	g->goids[0] = 7;
	g->goids[1] = 9;
	g->ngoids = 2;
	s->nall = 3;
	s->all = xcalloc(3, sizeof *s->all);
	s->all[0] = (struct gi_goroutine){7, 1, xstrdup("chan send"), 120000000000, 0, 0, false, false};
	s->all[1] = (struct gi_goroutine){9, 0, xstrdup("odd \"status\"\\\n"), -1, -1, 4321, true, false};
	s->all[2] = (struct gi_goroutine){12, 7, xstrdup("gc worker (idle)"), -1, -1, 0, false, true};
	struct gi_memory *m = &s->mem;
	m->available = true;
	m->nmaps = 3;
	m->maps = xcalloc(3, sizeof *m->maps);
	m->maps[0] = (struct gi_mapping){0x400000, 0x500000, 0, "r-xp", xstrdup("/srv/app/server"),
	                                 GI_MAP_EXE, 0x100000, 900000, 800000, 0, 0, 0, 0, 0};
	m->maps[1] = (struct gi_mapping){0xc000000000, 0xc004000000, 0, "rw-p", NULL, GI_MAP_GO_HEAP,
	                                 0x4000000, heap_rss, heap_rss, heap_rss, 4096, heap_rss, 0, 0};
	m->maps[2] = (struct gi_mapping){0x7fff0000, 0x7fff8000, 0, "rw-p", xstrdup("[stack]"),
	                                 GI_MAP_STACK, 0x8000, 8192, 8192, 8192, 0, 8192, 0, 0};
	struct gi_heap *h = &s->heap;
	h->available = true;
	h->has_inuse = h->has_objects = h->has_stack = h->has_classes = true;  /* as a capture sets them */
	h->heap_inuse = heap_rss;
	h->heap_objects = chan_send * 3;
	h->stack_inuse = 65536;
	h->memory_limit = INT64_MAX;
	h->gogc = 100;
	h->nclasses = 2;
	h->classes = xcalloc(2, sizeof *h->classes);
	h->classes[0] = (struct gi_heap_class){.cls = 0, .spans = 1, .pages = 8, .objects = 1,
	                                       .bytes = 65536, .slots = 1, .have_counts = true};
	h->classes[1] = (struct gi_heap_class){.cls = 32, .size = 1024, .spans = chan_send / 8,
	                                       .pages = chan_send / 8, .objects = chan_send,
	                                       .bytes = chan_send * 1024, .slots = chan_send,
	                                       .mallocs = chan_send + 5, .frees = 5,
	                                       .have_counts = true, .sampled = 256};
	gi_counts_add(&h->classes[1].strings, "GET /api/v1/items", 200);
	h->large_hist[1] = 1;
	h->rss_available = true;
	h->rss.go_heap_inuse = heap_rss;
	h->rss.outside_go = heap_rss / 2;
	for (size_t i = 0; i < 3; i++) {
		m->size += m->maps[i].size;
		m->rss += m->maps[i].rss;
		m->pss += m->maps[i].pss;
		m->anonymous += m->maps[i].anonymous;
		m->swap += m->maps[i].swap;
		m->dirty += m->maps[i].dirty;
	}
}

static char *path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void write_text(const char *name, const char *text)
{
	char *p = path(name);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	free(p);
}

static void expect_refused(const char *name, const char *text, const char *msg)
{
	struct gi_snapshot s;
	char err[512] = "";
	write_text(name, text);
	char *p = path(name);
	int r = gi_snapshot_read(p, &s, err, sizeof err);
	CHECK(r < 0);
	if (!strstr(err, msg))
		fprintf(stderr, "%s: got error \"%s\", want \"%s\"\n", name, err, msg);
	CHECK(strstr(err, msg) != NULL);
	CHECK(strchr(err, '\n') == NULL);
	free(p);
}

/* The frame that names a stack (gi_frames_where), on the stacks of real servers. */
static const char *where(const char *const *funcs, size_t n, bool outermost_last)
{
	struct gi_frame f[16];
	memset(f, 0, sizeof f);
	for (size_t i = 0; i < n; i++)
		f[i].func = (char *)funcs[i];
	const struct gi_frame *w = gi_frames_where(f, n, outermost_last);
	return w ? w->func : "(none)";
}
#define WHERE(outermost_last, ...) \
	where((const char *const[]){__VA_ARGS__}, \
	      sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), outermost_last)

static void frames_where(void)
{
	/* caddy's idle connections: no frame of the program's own, the server's goroutine */
	CHECK_STR(WHERE(false, "runtime.gopark", "runtime.netpollblock",
	                "internal/poll.runtime_pollWait", "internal/poll.(*pollDesc).wait",
	                "internal/poll.(*FD).Read", "net.(*netFD).Read", "net.(*conn).Read",
	                "net/http.(*connReader).Read", "bufio.(*Reader).fill",
	                "bufio.(*Reader).Peek", "net/http.(*conn).serve", "runtime.goexit"),
	          "net/http.(*conn).serve");
	/* the program's own code first, the innermost of it */
	CHECK_STR(WHERE(false, "runtime.gopark", "runtime.chansend", "main.handle",
	                "github.com/x/y.(*S).Run", "net/http.(*conn).serve", "runtime.goexit"),
	          "main.handle");
	CHECK_STR(WHERE(false, "runtime.gopark", "sync.runtime_SemacquireMutex",
	                "sync.(*Mutex).Lock", "go.etcd.io/bbolt.(*DB).beginRWTx", "runtime.goexit"),
	          "go.etcd.io/bbolt.(*DB).beginRWTx");
	/* nothing but plumbing outside the runtime: the outermost of it */
	CHECK_STR(WHERE(false, "runtime.gopark", "internal/poll.runtime_pollWait",
	                "internal/poll.(*FD).Read", "os.(*File).Read", "io.copyBuffer", "io.Copy",
	                "runtime.goexit"),
	          "io.Copy");
	/* the standard library, not plumbing: the outermost */
	CHECK_STR(WHERE(false, "runtime.gopark", "time.Sleep",
	                "net/http.(*persistConn).readLoop", "runtime.goexit"),
	          "net/http.(*persistConn).readLoop");
	/* only the runtime: innermost, or outermost for an allocation */
	CHECK_STR(WHERE(false, "runtime.gopark", "runtime.bgsweep", "runtime.goexit"),
	          "runtime.gopark");
	CHECK_STR(WHERE(true, "runtime.malg", "runtime.newproc1", "runtime.systemstack"),
	          "runtime.systemstack");
	CHECK_STR(WHERE(true, "runtime.mallocgc", "bufio.NewReaderSize", "net/http.newBufioReader",
	                "net/http.(*conn).serve"),
	          "net/http.(*conn).serve");
	CHECK(gi_frames_where(NULL, 0, false) == NULL);
	CHECK(gi_func_is_io_plumbing("net.(*conn).Read") && !gi_func_is_io_plumbing("net/http.Get"));
	CHECK(gi_func_is_io_plumbing("internal/poll.runtime_pollWait"));
	CHECK(!gi_func_is_io_plumbing("network.Read") && !gi_func_is_io_plumbing("main.io"));
}

int main(void)
{
	if (!mkdtemp(dir))
		return 99;
	frames_where();
	struct gi_snapshot a, b, r;
	char err[512];
	make(&a, 1000, 8 << 20);
	make(&b, 1777, 20 << 20);

	for (int gz = 0; gz < 2; gz++) {
		char *p = path(gz ? "a.snap.gz" : "a.snap");
		CHECK(gi_snapshot_write(&a, p, gz, err, sizeof err) == 0);
		FILE *f = fopen(p, "rb");
		int c0 = fgetc(f), c1 = fgetc(f);
		fclose(f);
		CHECK(gz ? (c0 == 0x1f && c1 == 0x8b) : c0 == '{');
		CHECK(gi_snapshot_read(p, &r, err, sizeof err) == 0);
		/* Exact round trip: the documents are equal. */
		json_t *ja = gi_snapshot_to_json(&a), *jr = gi_snapshot_to_json(&r);
		CHECK(json_equal(ja, jr));
		json_decref(ja);
		json_decref(jr);
		CHECK_STR(r.warnings[0], a.warnings[0]);
		CHECK(r.mem.maps[1].kind == GI_MAP_GO_HEAP && r.mem.maps[1].start == 0xc000000000);
		CHECK(r.mem.maps[1].path == NULL && r.pie && r.threads == 7);
		CHECK_U64(gi_counts_get(&r.by_status, "chan send"), 1000);
		CHECK(r.ngroups == 1 && r.groups[0].nframes == 2 && r.groups[0].wait_min_ns == -1);
		CHECK(r.groups[0].wait_max_ns == 120000000000 && r.groups[0].goids[1] == 9);
		CHECK_STR(r.groups[0].created_by.func, "main.serve");
		CHECK(r.nall == 3 && r.all[1].tid == 4321 && r.all[1].locked && r.all[1].group == -1);
		CHECK_STR(r.all[1].status, "odd \"status\"\\\n");
		CHECK(r.all[0].wait_ns == 120000000000 && r.all[0].parent_goid == 1 && r.all[2].goid == 12);
		CHECK(r.heap.available && r.heap.nclasses == 2 && r.heap.classes[1].cls == 32);
		CHECK(r.heap.classes[1].objects == 1000 && r.heap.classes[1].mallocs == 1005);
		CHECK(r.heap.memory_limit == INT64_MAX && r.heap.large_hist[1] == 1);
		CHECK_U64(gi_counts_get(&r.heap.classes[1].strings, "GET /api/v1/items"), 200);
		CHECK(r.heap.rss_available && r.heap.rss.outside_go == (4u << 20));
		CHECK(r.all[2].system && !r.all[0].system && r.all[2].group == -1);
		gi_snapshot_free(&r);
		free(p);
	}
	char *p = path("nodir/x.snap");
	CHECK(gi_snapshot_write(&a, p, false, err, sizeof err) == -ENOENT && strstr(err, "no such directory"));
	free(p);

	expect_refused("empty.snap", "", "empty file");
	expect_refused("garbage.snap", "\x01\x02garbage", "truncated or corrupt snapshot");
	expect_refused("array.snap", "[1,2]", "not a goinspect snapshot");
	expect_refused("nover.snap", "{\"target\": {}}", "not a goinspect snapshot");
	expect_refused("v2.snap", "{\"format_version\": 2}", "format_version 2 is newer than this goinspect reads (1)");
	expect_refused("trunc.snap", "{\"format_version\": 1, \"target\": {\"pid\": 1", "JSON error at line 1");
	expect_refused("notarget.snap", "{\"format_version\": 1}", "no \"target\" object");
	expect_refused("badtype.snap", "{\"format_version\": 1, \"target\": {\"pid\": \"x\"}, \"capture\": {},"
	               "\"goroutines\": {}, \"memory\": {}}", "\"pid\" is not a non-negative integer");
	expect_refused("badmaps.snap", "{\"format_version\": 1, \"target\": {}, \"capture\": {},"
	               "\"goroutines\": {}, \"memory\": {\"mappings\": 3}}", "not an array");
	expect_refused("badaddr.snap", "{\"format_version\": 1, \"target\": {}, \"capture\": {},"
	               "\"goroutines\": {}, \"memory\": {\"mappings\": [{\"start\": 5}]}}", "hex address");
	/* A snapshot without "heap" (written before the heap was read) reads, heap not available. */
	write_text("noheap.snap", "{\"format_version\": 1, \"target\": {\"pid\": 9},"
	           "\"capture\": {}, \"goroutines\": {}, \"memory\": {}}");
	p = path("noheap.snap");
	CHECK(gi_snapshot_read(p, &r, err, sizeof err) == 0 && !r.heap.available && !r.heap.nclasses);
	gi_snapshot_free(&r);
	free(p);
	expect_refused("badheap.snap", "{\"format_version\": 1, \"target\": {}, \"capture\": {},"
	               "\"goroutines\": {}, \"memory\": {}, \"heap\": {\"size_classes\": 3}}",
	               "bad \"size_classes\"");
	/* Unknown fields are ignored. */
	write_text("future.snap", "{\"format_version\": 1, \"target\": {\"pid\": 9, \"new\": [1]},"
	           "\"capture\": {}, \"goroutines\": {}, \"memory\": {}, \"later\": {\"x\": 1}}");
	p = path("future.snap");
	CHECK(gi_snapshot_read(p, &r, err, sizeof err) == 0 && r.pid == 9);
	gi_snapshot_free(&r);
	free(p);

	/* show, text and JSON */
	char *buf;
	size_t len;
	struct gi_report_opts o = {0};
	FILE *f = open_memstream(&buf, &len);
	gi_report_show(f, &a, &o);
	fclose(f);
	CHECK(strstr(buf, "Goroutines: 1004 (NumGoroutine), plus 5 system") != NULL);
	CHECK(strstr(buf, "1000  chan send") != NULL);
	CHECK(strstr(buf, "Mappings:") != NULL && strstr(buf, "0000c000000000") != NULL);
	CHECK(strstr(buf, "Heap: in use 8.00 MiB, 3000 objects") != NULL);
	CHECK(strstr(buf, "     32    1024       1000   1000 KiB") != NULL);
	CHECK(strstr(buf, "4.00 MiB  outside the Go runtime") != NULL);
	free(buf);
	o.strings = true;
	o.strings_class = 32;
	f = open_memstream(&buf, &len);
	gi_report_show(f, &a, &o);
	fclose(f);
	CHECK(strstr(buf, "size class 32 (1024 bytes): 1000 objects in use, 256 sampled") != NULL);
	CHECK(strstr(buf, "     200  GET /api/v1/items") != NULL);
	free(buf);
	o.strings = false;
	o.json = true;
	f = open_memstream(&buf, &len);
	gi_report_show(f, &a, &o);
	fclose(f);
	json_error_t je;
	json_t *j = json_loads(buf, 0, &je);
	CHECK(j != NULL);
	CHECK(json_integer_value(json_object_get(j, "format_version")) == 1);
	CHECK(json_integer_value(json_object_get(json_object_get(j, "target"), "pid")) == 4242);
	CHECK(json_integer_value(json_object_get(json_object_get(j, "capture"), "pause_ns")) == 3200000);
	CHECK(json_integer_value(json_object_get(json_object_get(j, "goroutines"), "total")) == 1004);
	CHECK(json_array_size(json_object_get(json_object_get(j, "memory"), "mappings")) == 3);
	json_decref(j);
	free(buf);

	/* diff, JSON and text */
	const struct gi_snapshot *ab[2] = {&a, &b};
	struct gi_diff *dd = gi_diff_new(ab, 2);
	f = open_memstream(&buf, &len);
	gi_report_diff(f, dd, NULL, &o);
	fclose(f);
	j = json_loads(buf, 0, &je);
	CHECK(j != NULL);
	json_t *g = json_object_get(j, "goroutines"), *m = json_object_get(j, "memory");
	CHECK(json_integer_value(json_object_get(g, "total_delta")) == 777);
	CHECK(json_integer_value(json_object_get(m, "rss_delta")) == (12 << 20));
	json_t *first = json_array_get(json_object_get(m, "mappings"), 0);
	CHECK(json_integer_value(json_object_get(first, "rss_delta")) == (12 << 20));
	CHECK(!strcmp(json_string_value(json_object_get(first, "change")), "grown"));
	json_t *s0 = json_array_get(json_object_get(g, "by_status"), 0);
	CHECK(!strcmp(json_string_value(json_object_get(s0, "status")), "chan send"));
	CHECK(json_integer_value(json_object_get(s0, "delta")) == 777);
	json_t *hp = json_object_get(j, "heap");
	CHECK(json_integer_value(json_object_get(hp, "heap_inuse_delta")) == (12 << 20));
	json_t *c0 = json_array_get(json_object_get(hp, "size_classes"), 0);
	CHECK(json_integer_value(json_object_get(c0, "class")) == 32);
	CHECK(json_integer_value(json_object_get(c0, "size")) == 1024);
	CHECK(json_integer_value(json_object_get(c0, "objects_delta")) == 777);
	CHECK(json_integer_value(json_object_get(c0, "bytes_delta")) == 777 * 1024);
	json_decref(j);
	free(buf);
	o.json = false;
	f = open_memstream(&buf, &len);
	gi_report_diff(f, dd, NULL, &o);
	fclose(f);
	gi_diff_free(dd);
	CHECK(strstr(buf, "Goroutines: 1004 -> 1781 (+777)") != NULL);
	CHECK(strstr(buf, "(100 s apart)") != NULL);
	CHECK(strstr(buf, "Memory: RSS 8.87 MiB -> 20.9 MiB (+12.0 MiB)") != NULL);
	CHECK(strstr(buf, "+777  chan send") != NULL);
	CHECK(strstr(buf, "    +777        1  chan send\n") != NULL);  /* goroutine 7, in both */
	CHECK(strstr(buf, "  main.handle (main.go:23)\n") != NULL);
	CHECK(strstr(buf, "created by main.serve") != NULL);
	/* (the heap's text diff is read from the snapshot files: see tests/leak.test) */
	free(buf);

	gi_snapshot_free(&a);
	gi_snapshot_free(&b);
	char *cmd = xasprintf("rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	free(cmd);
	return UNIT_DONE();
}
