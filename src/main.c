/* main.c: command line, the snapshot command's flow, exit codes. */
#include "target.h"

#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <limits.h>
#include <elf.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIN_GO_MINOR 19
#define MAX_GO_MINOR 26

static const char usage_main[] =
	"usage: goinspect COMMAND [OPTIONS] ARGS\n"
	"\n"
	"Look inside a running Go program from the outside: goroutines and memory,\n"
	"without a pprof endpoint, a Go toolchain or a restart.\n"
	"\n"
	"commands:\n"
	"  snapshot [-o FILE] [--max-stop DURATION] [--gzip] [-q] PID\n"
	"                      stop PID briefly, copy what is needed, write a snapshot file\n"
	"  show [--json] [--top N] FILE\n"
	"                      the full report of a snapshot\n"
	"  diff [--json] [--top N] [--fail-on LIMITS] [--html FILE] A B [C...]\n"
	"                      what grew between the snapshots: the verdict first\n"
	"  export [--format pprof|folded] [--profile PROFILE] [-o OUT] FILE\n"
	"                      a snapshot as a pprof profile or folded stacks\n"
	"  help [COMMAND]      help on a command\n"
	"\n"
	"options: --help, --version\n"
	"\n"
	"exit status: 0 ok; 1 snapshot written but partial; 2 target cannot be inspected\n"
	"(no such process, zombie, exited, not Go, unsupported Go version or architecture,\n"
	"gccgo, --debuginfo not from the same build);\n"
	"3 not permitted to trace it; 4 a snapshot file cannot be read; 5 an output file\n"
	"cannot be written; 6 diff --fail-on: a limit was crossed; 64 usage error;\n"
	"70 internal error.\n"
	"\n"
	"See goinspect(1) and goinspect-snapshot(5).\n";

static const char usage_snapshot[] =
	"usage: goinspect snapshot [-o FILE] [--max-stop DURATION] [--consistent | --no-stop]\n"
	"                          [--debuginfo FILE] [--gzip] [-q] PID\n"
	"\n"
	"Attach to PID (PTRACE_SEIZE, every thread), copy the goroutines, the stacks of those\n"
	"not parked and the runtime's counters, detach, copy the parked goroutines' stacks\n"
	"(and check that they did not move), read /proc/PID/smaps and write the snapshot.\n"
	"\n"
	"  -o, --output FILE       write FILE (default ./goinspect-PID-YYYYMMDDTHHMMSSZ.snap)\n"
	"      --max-stop DURATION bound on how long the target stays stopped (default 2s;\n"
	"                          e.g. 500ms, 1.5s, 2). Past it goinspect resumes the\n"
	"                          target and writes a snapshot flagged partial (exit 1)\n"
	"      --consistent        copy every goroutine's stack during the stop (a longer\n"
	"                          pause; no goroutine can move before its stack is read)\n"
	"      --no-stop           do not stop the program at all: read it while it runs,\n"
	"                          then read every goroutine again and leave out of the\n"
	"                          groups (and count) those that moved meanwhile\n"
	"      --debuginfo FILE    take DWARF from FILE, an unstripped copy (or the separate\n"
	"                          debug file) of the program's build: its build id must\n"
	"                          match. Without DWARF, layouts come from built-in tables\n"
	"                          (or from debuginfod when DEBUGINFOD_URLS is set)\n"
	"  -z, --gzip              compress the snapshot with gzip\n"
	"  -q, --quiet             print only the snapshot's file name\n"
	"  -h, --help              this help\n";

static const char usage_show[] =
	"usage: goinspect show [--json] [--top N] [--all] [--state S] [--func REGEX]\n"
	"                      [--group-by KEY] [--alloc-stacks] [--strings CLASS] FILE\n"
	"\n"
	"Print the full report of a snapshot: target, capture, goroutines by status and\n"
	"wait reason, goroutines grouped by stack, the Go heap by size class with the\n"
	"runtime's MemStats and where the RSS goes, allocation sites (the runtime's heap\n"
	"profile), memory by kind and a pmap-like table of mappings.\n"
	"\n"
	"  -j, --json           print the snapshot as JSON (the documented contract)\n"
	"  -n, --top N          at most N rows per table, N groups\n"
	"  -a, --all            every goroutine with its stack, like a debug=2 dump\n"
	"  -s, --state S        only goroutines in status or wait reason S (\"chan send\")\n"
	"  -f, --func REGEX     only stacks with a function matching REGEX (extended)\n"
	"  -g, --group-by KEY   stack (default), function (first frame in the program's\n"
	"                       own code), creator (created by), reason (wait reason)\n"
	"                       or label=NAME (the value of a pprof label)\n"
	"      --strings CLASS  the printable strings most common in a sample of the\n"
	"                       live objects of size class CLASS (0 = large objects)\n"
	"      --alloc-stacks   every allocation site with its whole stack\n"
	"  -h, --help           this help\n";

static const char usage_diff[] =
	"usage: goinspect diff [--json] [--top N] [--fail-on LIMITS] [--html FILE] A B [C...]\n"
	"\n"
	"Compare snapshots of the same program, oldest first: the verdict (what grew\n"
	"beyond noise, and what it looks like), goroutines per status, goroutine groups\n"
	"by growth with those stuck since the first snapshot, heap size classes, RSS per\n"
	"kind and per mapping. With three or more snapshots, the trend of each: steady\n"
	"growth or a one-off step.\n"
	"\n"
	"  -j, --json           print the difference as JSON\n"
	"  -n, --top N          at most N rows per table\n"
	"      --fail-on LIMITS exit 6 when the growth from the first to the last snapshot\n"
	"                       passes a limit: goroutines=+N,heap=+SIZE,rss=+SIZE\n"
	"                       (SIZE: 512KiB, 64MiB, 1GiB)\n"
	"      --html FILE      also write a self-contained HTML report: the verdict, a\n"
	"                       flame graph of the stacks that grew, bar charts\n"
	"      --color WHEN     auto (a terminal, unless NO_COLOR is set), always, never\n"
	"  -h, --help           this help\n";

static int usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(const char *usage, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	const char *nl = strchr(usage, '\n');
	gi_err("%s", buf);
	fprintf(stderr, "%.*s\nTry 'goinspect --help'.\n", (int)(nl ? nl - usage : 0), usage);
	return GI_EXIT_USAGE;
}

/* "2s", "500ms", "1.5s", "250us", "2" (seconds), "1m" -> ns. -1 if bad. */
static int64_t parse_duration(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	double mult = 1e9;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		mult = 1e9;
	else if (!strcmp(end, "ms"))
		mult = 1e6;
	else if (!strcmp(end, "us"))
		mult = 1e3;
	else if (!strcmp(end, "ns"))
		mult = 1;
	else if (!strcmp(end, "m"))
		mult = 60e9;
	else
		return -1;
	double ns = v * mult;
	if (ns > 3600e9)
		return -1;
	return (int64_t)ns;
}

static int parse_pid(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v <= 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

/* ---- snapshot ---- */

struct snap_ctx {
	int pid;
	char exe[PATH_MAX];
	struct gi_proc_status st;
};

static int exit_for_errno(int e)
{
	return (e == EPERM || e == EACCES) ? GI_EXIT_PERM : GI_EXIT_TARGET;
}

static int yama_scope(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int v = -1;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int report_attach_error(struct snap_ctx *c, int e)
{
	struct gi_proc_status st;
	if (e == ESRCH || e == ENOENT) {
		gi_err("PID %d exited before it could be stopped", c->pid);
		return GI_EXIT_TARGET;
	}
	if (e == EPERM || e == EACCES) {
		if (gi_proc_read_status(c->pid, &st) == 0 && st.tracer_pid) {
			struct gi_proc_status tr;
			if (gi_proc_read_status(st.tracer_pid, &tr) == 0)
				gi_err("PID %d (%s) is already being traced by PID %d (%s)", c->pid,
				       c->exe, st.tracer_pid, tr.name);
			else
				gi_err("PID %d (%s) is already being traced by PID %d", c->pid, c->exe,
				       st.tracer_pid);
			return GI_EXIT_PERM;
		}
		int yama = yama_scope();
		if (yama >= 1)
			gi_err("cannot attach to PID %d (%s): permission denied (Yama ptrace_scope is "
			       "%d: %s)", c->pid, c->exe, yama,
			       yama == 3 ? "ptrace is disabled until reboot"
			                 : "run as root or with CAP_SYS_PTRACE");
		else if (geteuid() != 0 && c->st.uid_eff != geteuid())
			gi_err("cannot attach to PID %d (%s): permission denied (it belongs to uid %u; "
			       "run as root or with CAP_SYS_PTRACE)", c->pid, c->exe, c->st.uid_eff);
		else
			gi_err("cannot attach to PID %d (%s): permission denied (need root or "
			       "CAP_SYS_PTRACE)", c->pid, c->exe);
		return GI_EXIT_PERM;
	}
	gi_err("cannot attach to PID %d (%s): %s", c->pid, c->exe, strerror(e));
	return GI_EXIT_TARGET;
}

static bool target_gone(int pid)
{
	struct gi_proc_status st;
	if (gi_proc_read_status(pid, &st) != 0)
		return true;
	return st.state == 'Z' || st.state == 'X';
}

static void default_name(char *buf, size_t n, int pid, time_t when)
{
	struct tm tm;
	gmtime_r(&when, &tm);
	snprintf(buf, n, "goinspect-%d-%04d%02d%02dT%02d%02d%02dZ.snap", pid, tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* GOINSPECT_FAULT=stop-sleep=MS: copying is slow. Cut short by the stop bound like a real
 * copy; returns true when the bound passed. */
static bool fault_stop_sleep(uint64_t deadline)
{
	const char *v = gi_fault("stop-sleep");
	if (!v)
		return false;
	long ms = atol(v);
	uint64_t end = gi_now_ns() + (uint64_t)ms * 1000000u;
	while (!gi_signal_caught && gi_now_ns() < end) {
		if (gi_now_ns() >= deadline)
			return true;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	return false;
}

static int cmd_snapshot(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"max-stop", required_argument, NULL, 'm'},
		{"gzip", no_argument, NULL, 'z'},
		{"no-stop", no_argument, NULL, 'N'},
		{"debuginfo", required_argument, NULL, 'D'},
		{"consistent", no_argument, NULL, 'C'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *out = NULL;
	int64_t max_stop = 2000000000;
	bool gz = false, quiet = false, no_stop = false, consistent = false;
	const char *debuginfo = NULL;
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "+o:zqh", opts, NULL)) != -1) {
		switch (o) {
		case 'o': out = optarg; break;
		case 'm':
			max_stop = parse_duration(optarg);
			if (max_stop <= 0)
				return usage_error(usage_snapshot, "bad --max-stop '%s' (e.g. 2s, 500ms)",
				                   optarg);
			break;
		case 'z': gz = true; break;
		case 'N': no_stop = true; break;
		case 'D': debuginfo = optarg; break;
		case 'C': consistent = true; break;
		case 'q': quiet = true; break;
		case 'h': fputs(usage_snapshot, stdout); return GI_EXIT_OK;
		default: return usage_error(usage_snapshot, "bad option");
		}
	}
	if (argc - optind != 1)
		return usage_error(usage_snapshot, "snapshot takes one PID");
	if (no_stop && consistent)
		return usage_error(usage_snapshot, "--consistent needs the stop that --no-stop omits");
	struct snap_ctx c;
	memset(&c, 0, sizeof c);
	c.pid = parse_pid(argv[optind]);
	if (c.pid < 0)
		return usage_error(usage_snapshot, "'%s' is not a process ID", argv[optind]);

	uint64_t t0 = gi_now_ns();
	time_t wall = time(NULL);

	/* Know the target before stopping it. */
	int r = gi_proc_read_status(c.pid, &c.st);
	if (r == -ENOENT || r == -ESRCH) {
		gi_err("no process with PID %d", c.pid);
		return GI_EXIT_TARGET;
	}
	if (r < 0) {
		gi_err("cannot read /proc/%d/status: %s", c.pid, strerror(-r));
		return exit_for_errno(-r);
	}
	if (c.st.state == 'Z' || c.st.state == 'X') {
		gi_err("PID %d (%s) is a zombie: it has exited but has not been reaped", c.pid,
		       c.st.name);
		return GI_EXIT_TARGET;
	}
	if (c.st.tgid && c.st.tgid != c.pid) {
		gi_err("PID %d is a thread of process %d: give the process ID", c.pid, c.st.tgid);
		return GI_EXIT_TARGET;
	}
	r = gi_proc_exe_path(c.pid, c.exe, sizeof c.exe);
	if (r < 0) {
		if (r == -EACCES || r == -EPERM)
			gi_err("cannot attach to PID %d (%s): permission denied (need root or "
			       "CAP_SYS_PTRACE, or the same user)", c.pid, c.st.name);
		else if (r == -ENOENT)
			gi_err("PID %d (%s) has no executable (a kernel thread or exiting)", c.pid,
			       c.st.name);
		else
			gi_err("cannot read /proc/%d/exe: %s", c.pid, strerror(-r));
		return exit_for_errno(-r);
	}
	char exe_file[64], err[512];
	snprintf(exe_file, sizeof exe_file, "/proc/%d/exe", c.pid);
	struct gi_elf elf;
	if (gi_elf_open(&elf, exe_file, err, sizeof err) != 0) {
		if (strstr(err, "ermission"))
			gi_err("cannot attach to PID %d (%s): permission denied reading its executable",
			       c.pid, c.exe);
		else
			gi_err("PID %d (%s) is not a Go program: %s", c.pid, c.exe, err);
		return strstr(err, "ermission") ? GI_EXIT_PERM : GI_EXIT_TARGET;
	}
	size_t bilen;
	const uint8_t *bisec = gi_elf_section(&elf, ".go.buildinfo", &bilen, NULL);
	if (!bisec && gi_elf_is_gccgo(&elf)) {
		gi_err("PID %d (%s) was built by gccgo: only the gc toolchain is supported", c.pid,
		       c.exe);
		gi_elf_close(&elf);
		return GI_EXIT_TARGET;
	}
	if (!bisec) {
		gi_err("PID %d (%s) is not a Go program: no .go.buildinfo section", c.pid, c.exe);
		gi_elf_close(&elf);
		return GI_EXIT_TARGET;
	}
	struct gi_buildinfo bi;
	memset(&bi, 0, sizeof bi);
	r = gi_buildinfo_parse(bisec, bilen, &bi, err, sizeof err);
	int gmaj = 0, gmin = 0, gpatch = 0;
	if (r == -2 || (r == 0 && gi_go_version_parse(bi.go_version, &gmaj, &gmin, &gpatch) == 0 &&
	                (gmaj != 1 || gmin < MIN_GO_MINOR || gmin > MAX_GO_MINOR))) {
		gi_err("PID %d (%s) was built with %s: unsupported Go version (goinspect supports "
		       "go1.%d to go1.%d)", c.pid, c.exe, bi.go_version ? bi.go_version : err,
		       MIN_GO_MINOR, MAX_GO_MINOR);
		gi_buildinfo_free(&bi);
		gi_elf_close(&elf);
		return GI_EXIT_TARGET;
	}
	if (r != 0 || gmaj == 0) {
		gi_err("PID %d (%s): unreadable Go build information: %s", c.pid, c.exe,
		       r ? err : "no Go version");
		gi_buildinfo_free(&bi);
		gi_elf_close(&elf);
		return GI_EXIT_TARGET;
	}
	const char *compiler = gi_strmap_get(&bi.settings, "-compiler");
	if (compiler && strcmp(compiler, "gc") != 0) {
		gi_err("PID %d (%s) was built by %s: only the gc toolchain is supported", c.pid,
		       c.exe, compiler);
		gi_buildinfo_free(&bi);
		gi_elf_close(&elf);
		return GI_EXIT_TARGET;
	}
	if (elf.elfclass != ELFCLASS64 || elf.machine != EM_X86_64) {
		gi_err("PID %d (%s) is not an x86-64 program: goinspect reads linux/amd64 "
		       "targets only", c.pid, c.exe);
		gi_buildinfo_free(&bi);
		gi_elf_close(&elf);
		return GI_EXIT_TARGET;
	}
	/* DWARF from an unstripped copy of the same build (the binary's own DWARF comes first). */
	struct gi_elf dbg;
	memset(&dbg, 0, sizeof dbg);
	dbg.fd = -1;
	if (debuginfo) {
		char derr[256];
		const char *why = NULL;
		if (gi_elf_open(&dbg, debuginfo, derr, sizeof derr) != 0)
			why = derr;
		else if (!gi_elf_same_build(&elf, &dbg))
			why = "not from the same build as the program (build ids differ or are missing)";
		else if (!dbg.has_dwarf)
			why = "it has no DWARF either";
		if (why) {
			gi_err("--debuginfo %s: %s", debuginfo, why);
			gi_elf_close(&dbg);
			gi_buildinfo_free(&bi);
			gi_elf_close(&elf);
			return GI_EXIT_TARGET;
		}
	}
	if (c.st.tracer_pid) {
		int rc = report_attach_error(&c, EPERM);
		gi_elf_close(&dbg);
		gi_buildinfo_free(&bi);
		gi_elf_close(&elf);
		return rc;
	}

	struct gi_snapshot s;
	memset(&s, 0, sizeof s);
	s.format_version = GI_FORMAT_VERSION;
	s.tool_version = xstrdup(GI_VERSION);
	s.pid = c.pid;
	s.exe = xstrdup(c.exe);
	s.comm = xstrdup(c.st.name);
	s.go_version = xstrdup(bi.go_version);
	s.main_path = xstrdup(bi.main_path);
	s.main_version = xstrdup(bi.main_version);
	for (size_t i = 0; i < bi.settings.n; i++)
		gi_strmap_add(&s.build_settings, bi.settings.v[i].key, bi.settings.v[i].value);
	s.build_id = xstrdup(elf.build_id);
	s.pie = elf.pie;
	s.has_dwarf = elf.has_dwarf;
	s.max_stop_ns = (uint64_t)max_stop;

	struct gi_target t;
	memset(&t, 0, sizeof t);
	t.pid = c.pid;
	t.go_major = gmaj;
	t.go_minor = gmin;
	t.elf = &elf;
	if (debuginfo) {
		t.debug = &dbg;
		t.debug_path = debuginfo;
	}
	gi_mem_open(&t.mem, c.pid);
	uint64_t entry = 0;
	if (elf.pie && gi_proc_read_auxv(c.pid, 9 /* AT_ENTRY */, &entry) == 0)
		t.bias = entry - elf.entry;
	t.lay = gi_layout_open(&t, err, sizeof err);
	struct gi_gor *gor = NULL;
	if (!t.lay) {
		s.gor_error = xasprintf("goroutines not read: %s", err);
	} else {
		gor = gi_gor_prepare(&t, err, sizeof err);
		if (gor)
			gi_gor_set_mode(gor, !no_stop, consistent);
		else
			s.gor_error = xasprintf("goroutines not read: %s", err);
	}
	struct gi_heap_rd *heap = t.lay ? gi_heap_prepare(&t, err, sizeof err) : NULL;
	if (!heap)
		s.heap.error = xasprintf("heap not read: %s", t.lay ? err : "no runtime layouts");
	bool heap_tried = heap != NULL;  /* layouts known: failing to read it makes it partial */
	if (t.lay)
		s.layouts = xstrdup(gi_layout_source(t.lay));
	if (gi_layout_note(t.lay))
		gi_snapshot_add_warning(&s, "%s", gi_layout_note(t.lay));
	struct gi_mprof *mprof = t.lay ? gi_mprof_prepare(&t) : NULL;
	gi_layout_release(t.lay);  /* layouts are resolved: give libdw's memory back before the copy */

	/* The stop. Nothing but copying happens in it. */
	gi_signals_install();
	struct gi_attach at;
	memset(&at, 0, sizeof at);
	struct gi_native *native = NULL;
	s.stopped = !no_stop;
	uint64_t deadline = gi_now_ns() + (no_stop ? 60000000000ull : (uint64_t)max_stop);
	int ar = no_stop ? 0 : gi_attach_all(&at, c.pid, deadline);
	int exit_code = GI_EXIT_OK;
	if (ar == -EINTR || gi_signal_caught)
		gi_signals_die();
	if (ar < 0 && ar != -ETIMEDOUT) {
		gi_detach_all(&at);
		exit_code = report_attach_error(&c, -ar);
		goto out;
	}
	if (ar == 0) {
		if (gi_fault("kill-target")) {
			/* The target dies mid-snapshot. SIGKILL takes effect asynchronously: wait
			 * (bounded) until the kernel has ended it, so the case is deterministic. */
			kill(c.pid, SIGKILL);
			for (int i = 0; i < 2000 && !target_gone(c.pid); i++) {
				struct timespec ts = {0, 1000000};
				nanosleep(&ts, NULL);
			}
		}
		if (fault_stop_sleep(deadline))
			at.timed_out = true;
		if (gi_signal_caught)
			gi_signals_die();
		gi_attach_read_regs(&at);
		if (gor && gi_gor_pcln(gor))
			native = gi_native_capture(&at, &t.mem, gi_gor_pcln(gor), c.pid);
		if (gor && !at.timed_out) {
			r = gi_gor_capture(gor, &t, no_stop ? NULL : &at, deadline, err, sizeof err);
			if (r == -EINTR)
				gi_signals_die();
			if (r == -ETIMEDOUT)
				at.timed_out = true;
			else if (r < 0 && r != -ESRCH)  /* -ESRCH: judged below */
				s.gor_error = xasprintf("goroutines not read: %s", err);
		}
		if (heap && !at.timed_out) {
			r = gi_heap_capture(heap, &t, deadline, err, sizeof err);
			if (r == -EINTR)
				gi_signals_die();
			if (r == -ETIMEDOUT)  /* the goroutines are kept; the heap is left out */
				s.heap.error = xstrdup("heap not read: the stop bound (--max-stop) passed "
				                       "while the heap was copied");
			else if (r < 0 && r != -ESRCH)
				s.heap.error = xasprintf("heap not read: %s", err);
		}
	}
	gi_detach_all(&at);
	if (gi_signal_caught)
		gi_signals_die();
	s.pause_ns = at.t_first_stop ? at.t_resumed - at.t_first_stop : 0;
	s.threads = no_stop ? c.st.threads : (int)at.n;
	if (target_gone(c.pid) || (at.n && gi_attach_all_gone(&at))) {
		gi_err("PID %d exited during the snapshot", c.pid);
		exit_code = GI_EXIT_TARGET;
		goto out;
	}
	if (gor && !at.timed_out && !s.gor_error) {
		/* The program runs again: the parked goroutines' stacks, then the check that
		 * they stayed where they were. */
		r = gi_gor_capture_after(gor, &t);
		if (r == -EINTR || gi_signal_caught)
			gi_signals_die();
		if (r == -ESRCH) {
			gi_err("PID %d exited during the snapshot", c.pid);
			exit_code = GI_EXIT_TARGET;
			goto out;
		}
		if (r < 0)
			gi_snapshot_add_warning(&s, "goroutine stacks read after the stop: %s",
			                        strerror(-r));
	}
	if (at.timed_out) {
		char b[32];
		gi_snapshot_add_warning(&s, "the stop bound (--max-stop %s) passed before "
		                            "everything was copied: the target was resumed and "
		                            "this snapshot is partial",
		                        gi_fmt_duration(b, sizeof b, (uint64_t)max_stop));
		if (!s.gor_error)
			s.gor_error = xstrdup("goroutines not read: the stop bound passed first");
	}

	/* After the stop: memory map, then the analysis of what was copied. */
	const uint64_t(*arenas)[2] = NULL;
	size_t narenas = gor ? gi_gor_arenas(gor, &arenas) : 0;
	uint64_t *sps = xcalloc(at.n ? at.n : 1, sizeof *sps);
	size_t nsps = 0;
	for (size_t i = 0; i < at.n; i++)
		if (at.t[i].have_regs)
			sps[nsps++] = at.t[i].regs.rsp;
	r = gi_proc_read_smaps(c.pid, &s.mem);
	if (r < 0) {
		if (target_gone(c.pid)) {
			free(sps);
			gi_err("PID %d exited during the snapshot", c.pid);
			exit_code = GI_EXIT_TARGET;
			goto out;
		}
		s.mem.available = false;
		s.mem.error = xasprintf("cannot read /proc/%d/smaps: %s", c.pid, strerror(-r));
	} else {
		gi_memory_classify(&s.mem, c.exe, arenas, narenas, sps, nsps);
		if (!narenas && gor && !at.timed_out)
			gi_snapshot_add_warning(&s, "Go heap arenas unknown: heap mappings are "
			                            "classified as anonymous");
	}
	free(sps);
	if (gor && !s.gor_error)
		gi_gor_analyze(gor, &s);
	if (mprof)
		gi_mprof_read(mprof, &t, gor ? gi_gor_pcln(gor) : NULL, &s.mprof);
	else
		s.mprof.note = xstrdup(t.lay ? "the runtime's heap profile was not found"
		                             : "the runtime's heap profile was not read: no layouts");
	gi_native_analyze(native, &s);  /* needs s.mem, to name modules */
	if (!s.heap.error)
		gi_heap_analyze(heap, &t, &s);  /* needs s.mem classified; samples objects */
	if (!s.heap.available && !s.heap.error)
		s.heap.error = xstrdup("heap not read: the stop bound passed first");
	if (s.heap.error && heap_tried)  /* no layouts (stripped): said in heap.error alone */
		gi_snapshot_add_warning(&s, "%s", s.heap.error);
	gi_heap_rd_free(heap);
	heap = NULL;
	gi_gor_free(gor);  /* the copy is no longer needed: give its memory back */
	gor = NULL;
	if (s.gor_error) {
		s.gor_available = false;
		gi_snapshot_add_warning(&s, "%s", s.gor_error);
	}
	s.partial = at.timed_out || !s.gor_available || !s.mem.available ||
	            (s.gor_available && !s.stacks_available) ||
	            (heap_tried && !s.heap.available);

	char when[32];
	struct tm tm;
	gmtime_r(&wall, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	s.time_utc = xstrdup(when);
	char name[128];
	if (!out) {
		default_name(name, sizeof name, c.pid, wall);
		out = name;
	}
	s.total_ns = gi_now_ns() - t0;
	if (gi_signal_caught)
		gi_signals_die();
	if (gi_snapshot_write(&s, out, gz, err, sizeof err) != 0) {
		gi_err("cannot write %s: %s", out, err);
		exit_code = GI_EXIT_IO;
		goto out;
	}
	if (quiet)
		printf("%s\n", out);
	else
		gi_report_summary(stdout, &s, out);
	if (fflush(stdout) != 0 && gi_signal_caught)
		gi_signals_die();
	exit_code = s.partial ? GI_EXIT_PARTIAL : GI_EXIT_OK;
out:
	gi_heap_rd_free(heap);
	gi_attach_free(&at);
	gi_native_free(native);
	gi_gor_free(gor);
	gi_mprof_free(mprof);
	gi_layout_close(t.lay);
	gi_elf_close(&dbg);
	gi_mem_close(&t.mem);
	gi_snapshot_free(&s);
	gi_buildinfo_free(&bi);
	gi_elf_close(&elf);
	return exit_code;
}

/* ---- show and diff ---- */

static regex_t func_re;
static const char *fail_on_spec, *html_path;

/* --color=auto (the default): colours on a terminal only, and never when NO_COLOR is set to
 * anything (no-color.org) or TERM is dumb. */
static bool color_auto(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	if (nc && *nc)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(STDOUT_FILENO);
}

static int parse_report_opts(int argc, char **argv, const char *usage, struct gi_report_opts *ro,
                             int nfiles)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"top", required_argument, NULL, 'n'},
		{"all", no_argument, NULL, 'a'},
		{"state", required_argument, NULL, 's'},
		{"func", required_argument, NULL, 'f'},
		{"group-by", required_argument, NULL, 'g'},
		{"color", required_argument, NULL, 'C'},
		{"colour", required_argument, NULL, 'C'},
		{"fail-on", required_argument, NULL, 'F'},
		{"html", required_argument, NULL, 'H'},
		{"alloc-stacks", no_argument, NULL, 'S'},
		{"strings", required_argument, NULL, 'K'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	memset(ro, 0, sizeof *ro);
	ro->color = color_auto();
	bool show = usage == usage_show;
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, show ? "+jn:as:f:g:h" : "+jn:h", opts, NULL)) != -1) {
		if (!show && (o == 'a' || o == 's' || o == 'f' || o == 'g' || o == 'S' || o == 'K'))
			return usage_error(usage, "--all, --state, --func, --group-by, "
			                          "--alloc-stacks and --strings are for show");
		if (show && (o == 'F' || o == 'H' || o == 'C'))
			return usage_error(usage, "--fail-on, --html and --color are for diff");
		switch (o) {
		case 'S': ro->alloc_stacks = true; break;
		case 'C':
			if (!strcmp(optarg, "always"))
				ro->color = true;
			else if (!strcmp(optarg, "never"))
				ro->color = false;
			else if (!strcmp(optarg, "auto"))
				ro->color = color_auto();
			else
				return usage_error(usage, "bad --color '%s' (auto, always, never)", optarg);
			break;
		case 'F': fail_on_spec = optarg; break;
		case 'H': html_path = optarg; break;
		case 'a': ro->all = true; break;
		case 's': ro->state = optarg; break;
		case 'f': {
			int rc = regcomp(&func_re, optarg, REG_EXTENDED | REG_NOSUB);
			if (rc) {
				char msg[256];
				regerror(rc, &func_re, msg, sizeof msg);
				return usage_error(usage, "bad --func '%s': %s", optarg, msg);
			}
			ro->func_re = &func_re;
			break;
		}
		case 'g':
			if (strcmp(optarg, "stack") && strcmp(optarg, "function") &&
			    strcmp(optarg, "creator") && strcmp(optarg, "reason") &&
			    !(strncmp(optarg, "label=", 6) == 0 && optarg[6]))
				return usage_error(usage, "bad --group-by '%s' (stack, function, creator, "
				                          "reason, label=KEY)", optarg);
			ro->group_by = optarg;
			break;
		case 'K': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v >= GI_NUM_SIZE_CLASSES)
				return usage_error(usage, "bad --strings '%s' (a size class, 0 to %d)",
				                   optarg, GI_NUM_SIZE_CLASSES - 1);
			ro->strings_class = (int)v;
			ro->strings = true;
			break;
		}
		case 'j': ro->json = true; break;
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 1000000)
				return usage_error(usage, "bad --top '%s'", optarg);
			ro->top = (int)v;
			break;
		}
		case 'h': fputs(usage, stdout); return -1;
		default: return usage_error(usage, "bad option");
		}
	}
	if (nfiles == 1 && argc - optind != 1)
		return usage_error(usage, "show takes one snapshot file");
	if (nfiles == 2 && argc - optind < 2)
		return usage_error(usage, "diff takes two or more snapshot files, oldest first");
	if (ro->json)
		ro->color = false;
	return 0;
}

static int load(const char *path, struct gi_snapshot *s)
{
	char err[512];
	if (gi_snapshot_read(path, s, err, sizeof err) != 0) {
		gi_err("%s: %s", path, err);
		return GI_EXIT_SNAPFILE;
	}
	return 0;
}

static int finish_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		gi_err("error writing output: %s", strerror(errno));
		return GI_EXIT_IO;
	}
	return GI_EXIT_OK;
}

static int cmd_show(int argc, char **argv)
{
	struct gi_report_opts ro;
	int r = parse_report_opts(argc, argv, usage_show, &ro, 1);
	if (r)
		return r < 0 ? GI_EXIT_OK : r;
	struct gi_snapshot s;
	memset(&s, 0, sizeof s);
	if ((r = load(argv[optind], &s)) != 0)
		return r;
	gi_report_show(stdout, &s, &ro);
	gi_snapshot_free(&s);
	return finish_output();
}

static int cmd_diff(int argc, char **argv)
{
	struct gi_report_opts ro;
	int r = parse_report_opts(argc, argv, usage_diff, &ro, 2);
	if (r)
		return r < 0 ? GI_EXIT_OK : r;
	struct gi_failon fo;
	char err[512];
	if (fail_on_spec && gi_failon_parse(fail_on_spec, &fo, err, sizeof err) != 0)
		return usage_error(usage_diff, "bad --fail-on: %s", err);
	size_t n = (size_t)(argc - optind);
	struct gi_snapshot *s = xcalloc(n, sizeof *s);
	const struct gi_snapshot **sp = xcalloc(n, sizeof *sp);
	const char *const *paths = (const char *const *)(argv + optind);
	int rc = GI_EXIT_OK;
	size_t loaded = 0;
	for (; loaded < n; loaded++) {
		if ((rc = load(paths[loaded], &s[loaded])) != 0)
			goto out;
		sp[loaded] = &s[loaded];
	}
	for (size_t i = 1; i < n; i++)
		if (s[0].pid != s[i].pid || (s[0].exe && s[i].exe && strcmp(s[0].exe, s[i].exe) != 0)) {
			gi_warn("the snapshots are of different processes (PID %d %s, PID %d %s)",
			        s[0].pid, s[0].exe ? s[0].exe : "?", s[i].pid, s[i].exe ? s[i].exe : "?");
			break;
		}
	struct gi_diff *d = gi_diff_new(sp, n);
	if (html_path && gi_html_write(d, paths, html_path, err, sizeof err) != 0) {
		gi_err("cannot write %s: %s", html_path, err);
		gi_diff_free(d);
		rc = GI_EXIT_IO;
		goto out;
	}
	gi_report_diff(stdout, d, paths, &ro);
	rc = finish_output();
	if (rc == GI_EXIT_OK && fail_on_spec) {
		fflush(stdout);
		int crossed = gi_failon_check(&fo, d, stderr, err, sizeof err);
		if (crossed < 0) {
			gi_err("%s", err);
			rc = GI_EXIT_SNAPFILE;
		} else if (crossed > 0) {
			rc = GI_EXIT_FAILON;
		}
	}
	gi_diff_free(d);
out:
	for (size_t i = 0; i < loaded; i++)
		gi_snapshot_free(&s[i]);
	free(s);
	free(sp);
	return rc;
}

/* ---- export ---- */

static const char usage_export[] =
	"usage: goinspect export [--format pprof|folded] [--profile PROFILE] [-o OUT] FILE\n"
	"\n"
	"Write a snapshot in a format other tools read:\n"
	"  pprof   a gzipped profile.proto, for `go tool pprof` (also with -base to compare\n"
	"          two exports)\n"
	"  folded  folded stacks (\"outer;...;inner COUNT\") of the goroutine groups, for\n"
	"          flame graph tools\n"
	"\n"
	"Profiles (pprof):\n"
	"  goroutine     the goroutine groups, the same counts as goinspect's own (default)\n"
	"  heap          the runtime's heap profile by allocation site, as /debug/pprof/heap:\n"
	"                alloc_objects, alloc_space, inuse_objects, inuse_space\n"
	"  allocs        the same, alloc_space shown first, as /debug/pprof/allocs\n"
	"  size-classes  the heap by size class: objects and bytes in use per class\n"
	"\n"
	"  -f, --format F       pprof (default) or folded\n"
	"  -p, --profile P      goroutine (default), heap, allocs or size-classes\n"
	"  -o, --output OUT     write OUT (default: FILE without .snap, plus .pb.gz,\n"
	"                       .heap.pb.gz, .allocs.pb.gz, .classes.pb.gz or .folded;\n"
	"                       - for standard output with folded)\n"
	"  -h, --help           this help\n";

static int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"profile", required_argument, NULL, 'p'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	static const struct {
		const char *name, *ext;
		enum gi_export_profile what;
	} profiles[] = {
		{"goroutine", ".pb.gz", GI_EXPORT_GOROUTINE},
		{"heap", ".heap.pb.gz", GI_EXPORT_HEAP},
		{"allocs", ".allocs.pb.gz", GI_EXPORT_ALLOCS},
		{"size-classes", ".classes.pb.gz", GI_EXPORT_SIZE_CLASSES},
	};
	const char *format = "pprof", *profile = "goroutine", *out = NULL;
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "+f:p:o:h", opts, NULL)) != -1) {
		switch (o) {
		case 'f': format = optarg; break;
		case 'p': profile = optarg; break;
		case 'o': out = optarg; break;
		case 'h': fputs(usage_export, stdout); return GI_EXIT_OK;
		default: return usage_error(usage_export, "bad option");
		}
	}
	if (strcmp(format, "pprof") && strcmp(format, "folded"))
		return usage_error(usage_export, "bad --format '%s' (pprof, folded)", format);
	size_t pi = 0;
	while (pi < sizeof profiles / sizeof *profiles && strcmp(profile, profiles[pi].name))
		pi++;
	if (pi == sizeof profiles / sizeof *profiles)
		return usage_error(usage_export,
		                   "bad --profile '%s' (goroutine, heap, allocs, size-classes)", profile);
	bool pprof = !strcmp(format, "pprof");
	if (pi && !pprof)
		return usage_error(usage_export, "--profile %s is for --format pprof", profile);
	if (argc - optind != 1)
		return usage_error(usage_export, "export takes one snapshot file");
	const char *in = argv[optind];
	char defname[PATH_MAX];
	if (!out) {
		size_t len = strlen(in);
		const char *ext = pprof ? profiles[pi].ext : ".folded";
		if (len > 5 && !strcmp(in + len - 5, ".snap"))
			len -= 5;
		else if (len > 8 && !strcmp(in + len - 8, ".snap.gz"))
			len -= 8;
		if (len + strlen(ext) >= sizeof defname)
			return usage_error(usage_export, "file name too long: give -o");
		memcpy(defname, in, len);
		memcpy(defname + len, ext, strlen(ext) + 1);
		out = defname;
	}
	if (pprof && !strcmp(out, "-"))
		return usage_error(usage_export, "a pprof profile is binary: give -o FILE");
	struct gi_snapshot s;
	int r = load(in, &s);
	if (r)
		return r;
	char err[512];
	int rc = GI_EXIT_OK;
	if (pprof) {
		r = gi_export_pprof(&s, profiles[pi].what, out, err, sizeof err);
	} else {
		FILE *f = strcmp(out, "-") ? fopen(out, "we") : stdout;
		if (!f) {
			snprintf(err, sizeof err, "%s", strerror(errno));
			r = -1;
		} else {
			r = gi_export_folded(&s, f, err, sizeof err);
			if (f != stdout && fclose(f) != 0 && r == 0) {
				snprintf(err, sizeof err, "%s", strerror(errno));
				r = -1;
			}
		}
	}
	if (r == -2) {
		gi_err("%s: %s", in, err);
		rc = GI_EXIT_SNAPFILE;
	} else if (r < 0) {
		gi_err("cannot write %s: %s", out, err);
		rc = GI_EXIT_IO;
	} else if (strcmp(out, "-")) {
		printf("%s\n", out);
		rc = finish_output();
	} else {
		rc = finish_output();
	}
	gi_snapshot_free(&s);
	return rc;
}

static const char *usage_for(const char *cmd)
{
	if (!strcmp(cmd, "snapshot"))
		return usage_snapshot;
	if (!strcmp(cmd, "show"))
		return usage_show;
	if (!strcmp(cmd, "diff"))
		return usage_diff;
	if (!strcmp(cmd, "export"))
		return usage_export;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error(usage_main, "no command given");
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage_main, stdout);
		return GI_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("goinspect %s\n", GI_VERSION);
		return GI_EXIT_OK;
	}
	if (!strcmp(cmd, "help")) {
		if (argc < 3) {
			fputs(usage_main, stdout);
			return GI_EXIT_OK;
		}
		const char *u = usage_for(argv[2]);
		if (!u)
			return usage_error(usage_main, "no such command '%s'", argv[2]);
		fputs(u, stdout);
		return GI_EXIT_OK;
	}
	if (!strcmp(cmd, "snapshot"))
		return cmd_snapshot(argc - 1, argv + 1);
	if (!strcmp(cmd, "show"))
		return cmd_show(argc - 1, argv + 1);
	if (!strcmp(cmd, "diff"))
		return cmd_diff(argc - 1, argv + 1);
	if (!strcmp(cmd, "export"))
		return cmd_export(argc - 1, argv + 1);
	return usage_error(usage_main, "no such command '%s'", cmd);
}
