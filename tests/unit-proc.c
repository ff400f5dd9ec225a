/* Unit tests for proc.c: /proc/PID/status and smaps parsing, mapping classification. */
#include "target/target.h"
#include "unit.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static FILE *data(const char *name)
{
	const char *dir = getenv("GI_SRCDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/data/proc/%s", dir ? dir : ".", name);
	FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(99);
	}
	return f;
}

static const struct gi_mapping *find(const struct gi_memory *m, uint64_t start)
{
	for (size_t i = 0; i < m->nmaps; i++)
		if (m->maps[i].start == start)
			return &m->maps[i];
	return NULL;
}

int main(void)
{
	struct gi_proc_status st;
	FILE *f = data("status");
	CHECK(gi_status_parse(f, &st) == 0);
	fclose(f);
	CHECK_STR(st.name, "my\\prog\nx");
	CHECK(st.state == 't');
	CHECK(st.tgid == 4242 && st.ppid == 1 && st.tracer_pid == 777 && st.threads == 7);
	CHECK(st.uid_real == 1000 && st.uid_eff == 1001);

	struct gi_memory m;
	f = data("smaps");
	CHECK(gi_smaps_parse(f, &m) == 0);
	fclose(f);
	CHECK_U64(m.nmaps, 8);
	CHECK_U64(m.rss, (620 + 3000 + 12 + 160 + 4 + 16 + 8) * 1024ull);
	CHECK_U64(m.pss, (610 + 3000 + 12 + 20 + 4 + 16) * 1024ull);
	CHECK_U64(m.anonymous, (3000 + 12 + 16) * 1024ull);
	CHECK_U64(m.swap, 96 * 1024ull);
	CHECK_U64(m.dirty, (3000 + 12 + 4) * 1024ull);
	CHECK_U64(m.size, (636 + 4096 + 61440 + 132 + 160 + 4 + 132 + 8) * 1024ull);
	const struct gi_mapping *heap = find(&m, 0xc000000000);
	CHECK(heap && heap->end == 0xc000400000 && heap->path == NULL && !strcmp(heap->perms, "rw-p"));
	CHECK(heap && heap->rss == 3000 * 1024 && heap->swap == 96 * 1024);
	const struct gi_mapping *del = find(&m, 0x7f0000200000);
	CHECK(del && del->path && !strcmp(del->path, "/data/my file (deleted)"));
	/* the mapped file's device and inode, as /proc/PID/maps gives them ("fe:00 100") */
	CHECK(del && del->dev == makedev(0xfe, 0) && del->inode == 100);
	CHECK(heap && heap->inode == 0);

	uint64_t arenas[1][2] = {{0xc000000000, 0xc004000000}};
	uint64_t sps[] = {0x7f0000020000, 0xc000001000};
	gi_memory_classify(&m, "/srv/app/server", (const uint64_t(*)[2])arenas, 1, sps, 2);
	CHECK(find(&m, 0x400000)->kind == GI_MAP_EXE);
	CHECK(find(&m, 0xc000000000)->kind == GI_MAP_GO_HEAP);  /* an SP inside stays go-heap */
	CHECK(find(&m, 0xc000400000)->kind == GI_MAP_GO_HEAP);
	CHECK(find(&m, 0x7f0000000000)->kind == GI_MAP_STACK);  /* holds a thread's SP */
	CHECK(find(&m, 0x7f0000100000)->kind == GI_MAP_LIB);
	CHECK(find(&m, 0x7f0000200000)->kind == GI_MAP_FILE);
	CHECK(find(&m, 0x7ffc00000000)->kind == GI_MAP_STACK);
	CHECK(find(&m, 0x7ffc00100000)->kind == GI_MAP_SPECIAL);
	/* A deleted executable is still the executable. */
	gi_memory_classify(&m, "/srv/app/server (deleted)", NULL, 0, NULL, 0);
	CHECK(find(&m, 0x400000)->kind == GI_MAP_EXE);
	CHECK(find(&m, 0xc000000000)->kind == GI_MAP_ANON);  /* no arenas known */
	gi_memory_free(&m);

	f = data("smaps-nonl");
	CHECK(gi_smaps_parse(f, &m) == 0);
	fclose(f);
	CHECK_U64(m.nmaps, 1);
	CHECK_U64(m.rss, 4096);
	gi_memory_classify(&m, NULL, NULL, 0, NULL, 0);
	CHECK(m.maps[0].kind == GI_MAP_ANON);
	gi_memory_free(&m);

	for (int k = 0; k < GI_MAP_KIND_COUNT; k++)
		CHECK(gi_map_kind_parse(gi_map_kind_name(k)) == k);
	CHECK(gi_map_kind_parse("nonsense") == -1);

	/* The live process. */
	CHECK(gi_proc_read_status(getpid(), &st) == 0);
	CHECK(st.tgid == getpid() && st.state == 'R');
	CHECK(gi_proc_read_smaps(getpid(), &m) == 0);
	uint64_t sum = 0;
	for (size_t i = 0; i < m.nmaps; i++)
		sum += m.maps[i].rss;
	CHECK(m.rss > 0 && m.rss == sum);
	gi_memory_free(&m);
	int *tids;
	size_t n;
	CHECK(gi_proc_list_tasks(getpid(), &tids, &n) == 0 && n == 1 && tids[0] == getpid());
	free(tids);
	char exe[4096];
	CHECK(gi_proc_exe_path(getpid(), exe, sizeof exe) == 0 && strstr(exe, "unit-proc"));
	uint64_t pagesz;
	CHECK(gi_proc_read_auxv(getpid(), 6 /* AT_PAGESZ */, &pagesz) == 0 && pagesz == 4096);
	CHECK(gi_proc_read_auxv(getpid(), 9999, &pagesz) == -ENOENT);
	int r = gi_proc_read_status(0x3fffffff, &st);
	CHECK(r == -ENOENT || r == -ESRCH);
	return UNIT_DONE();
}
