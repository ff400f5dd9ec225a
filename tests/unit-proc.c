/* Unit tests for proc.c: /proc/PID/status and smaps parsing, mapping classification. */
#include "target/target.h"
#include "unit.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
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

static void reason_is(const struct gi_ptrace_facts *f, const char *want)
{
	char buf[512];
	gi_ptrace_denied_reason(f, buf, sizeof buf);
	CHECK_STR(buf, want);
}

/* Why access was refused, from the facts /proc shows: never "need root" to root. */
static void perm_reasons(void)
{
	const uint64_t all = 0x1ffffffffffull, ptrace = 1ull << 19;
	struct gi_ptrace_facts root = {.attach = true, .self_known = true, .target_known = true,
	                               .my_uid = 0, .my_cap_eff = all, .my_cap_prm = all,
	                               .my_userns_initial = true, .cap_prm = all, .yama = -1};
	struct gi_ptrace_facts f = root;
	reason_is(&f, "goinspect has CAP_SYS_PTRACE, so a Linux security module refused (Landlock, "
	              "AppArmor, SELinux or a BPF program)");
	snprintf(f.lsm, sizeof f.lsm, "landlock,lockdown,yama,bpf");
	reason_is(&f, "goinspect has CAP_SYS_PTRACE, so a Linux security module refused (active: "
	              "landlock,lockdown,yama,bpf)");
	f.my_seccomp = 2;
	reason_is(&f, "goinspect has CAP_SYS_PTRACE but runs under a seccomp filter, which may "
	              "forbid ptrace");
	/* during exec (de_thread: the other threads are zombies), root gets EPERM too */
	f = root;
	f.exiting = true;
	reason_is(&f, "one of its threads was exiting, or it was replacing itself (exec): try again");
	f.exiting = false;
	f.yama = 3;
	reason_is(&f, "Yama ptrace_scope is 3: no process may be traced until reboot");
	f.yama = 1;  /* CAP_SYS_PTRACE passes Yama 1 and 2 */
	f.my_userns_initial = false;
	f.other_userns = true;
	reason_is(&f, "it is outside goinspect's user namespace, where goinspect's CAP_SYS_PTRACE "
	              "does not count");

	/* without CAP_SYS_PTRACE */
	struct gi_ptrace_facts user = {.attach = true, .self_known = true, .target_known = true,
	                               .my_uid = 1000, .uid = {1000, 1000, 1000},
	                               .my_userns_initial = true, .yama = 0};
	f = user;
	f.uid[1] = f.uid[2] = 0;
	reason_is(&f, "it runs as uid 0 and goinspect as uid 1000, without CAP_SYS_PTRACE");
	f = user;
	f.nondumpable = true;
	reason_is(&f, "it is not dumpable (a set-user-ID or file-capability program, an executable "
	              "it may not read, or prctl PR_SET_DUMPABLE 0), and goinspect runs without "
	              "CAP_SYS_PTRACE");
	f = user;
	f.cap_prm = ptrace | (1ull << 12) | (1ull << 21) | (1ull << 0);
	reason_is(&f, "it holds capabilities goinspect lacks (CAP_CHOWN, CAP_NET_ADMIN and 2 more), "
	              "and goinspect runs without CAP_SYS_PTRACE");
	f = user;
	f.yama = 1;
	reason_is(&f, "Yama ptrace_scope is 1: only an ancestor of it, or a process with "
	              "CAP_SYS_PTRACE, may trace it");
	f.descendant = true;
	reason_is(&f, "a Linux security module refused (Landlock, AppArmor, SELinux or a BPF "
	              "program), and goinspect runs without CAP_SYS_PTRACE");
	f.yama = 2;
	reason_is(&f, "Yama ptrace_scope is 2: only a process with CAP_SYS_PTRACE may trace, and "
	              "goinspect runs without CAP_SYS_PTRACE");
	f = user;
	f.attach = false;  /* reading /proc/PID/exe: Yama does not apply */
	f.yama = 1;
	f.exiting = true;
	reason_is(&f, "a Linux security module refused (Landlock, AppArmor, SELinux or a BPF "
	              "program), and goinspect runs without CAP_SYS_PTRACE");
	f = root;
	f.gone = true;
	reason_is(&f, "it exited meanwhile");

	/* The live facts of a process of our own: same uid, not in another namespace, our child. */
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	usleep(20000);
	gi_ptrace_facts_read(child, true, &f);
	CHECK(f.self_known && f.target_known && !f.gone && !f.nondumpable && !f.other_userns);
	CHECK(f.descendant && f.uid[1] == geteuid() && !f.exiting);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	gi_ptrace_facts_read(child, true, &f);
	CHECK(f.gone);
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
	CHECK(st.uid_real == 1000 && st.uid_eff == 1001 && st.uid_saved == 1001);
	CHECK_U64(st.cap_prm, 0x1fffeffffffull);
	CHECK_U64(st.cap_eff, 1ull << 19);
	CHECK(st.seccomp == 2);

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

	/* A process that exits between the open of its status and the read: ESRCH (the kernel's
	 * answer), not EIO, so that it is said to have exited. */
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", (int)child);
	f = fopen(path, "re");
	CHECK(f != NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (f) {
		CHECK(gi_status_parse(f, &st) == -ESRCH);
		fclose(f);
	}

	perm_reasons();
	return UNIT_DONE();
}
