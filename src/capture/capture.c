/* capture.c: gi_capture, a live program into a snapshot.
 *
 * In order, so that the target is stopped only while bytes are copied:
 *  1. the target is known before it is touched: /proc, its ELF file, its Go build
 *     information (version, compiler, architecture), --debuginfo;
 *  2. prepare (target running): layouts, tables, scratch, for each reader;
 *  3. the stop: every thread seized and interrupted (attach.c), registers read, then the
 *     readers copy; bounded by --max-stop;
 *  4. after the detach: the parked goroutines' stacks (checked not to have moved), the memory
 *     map, then the analysis of the copy: goroutines, native stacks, heap, heap profile.
 * A snapshot that lacks what it should have is partial (s->partial, with a warning saying
 * what), never silently incomplete.
 */
#include "capture/readers.h"

#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What is known of the target before it is touched. */
struct preflight {
	int pid;
	char exe[PATH_MAX];
	struct gi_proc_status st;
	struct gi_elf elf, dbg;
	struct gi_buildinfo bi;
	int go_major, go_minor;
	bool release_known;  /* else newer than the releases goinspect knows */
};

static enum gi_capture_status fail(struct gi_capture_result *r, enum gi_capture_status st,
                                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum gi_capture_status fail(struct gi_capture_result *r, enum gi_capture_status st,
                                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
	r->status = st;
	return st;
}

static enum gi_capture_status for_errno(int e)
{
	return (e == EPERM || e == EACCES) ? GI_CAPTURE_NOT_PERMITTED : GI_CAPTURE_NO_TARGET;
}

/* Permission denied to PID (attach: PTRACE_SEIZE; else reading /proc/PID/exe), and why. */
static enum gi_capture_status denied(const struct preflight *c, const char *name, bool attach,
                                     struct gi_capture_result *r)
{
	struct gi_ptrace_facts f;
	char why[512];
	gi_ptrace_facts_read(c->pid, attach, &f);
	if (f.gone)
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d exited before it could be %s", c->pid,
		            attach ? "stopped" : "read");
	gi_ptrace_denied_reason(&f, why, sizeof why);
	return fail(r, GI_CAPTURE_NOT_PERMITTED, "cannot attach to PID %d (%s): permission "
	            "denied: %s", c->pid, name, why);
}

/* Why attaching failed, in one line. */
static enum gi_capture_status attach_error(const struct preflight *c, int e,
                                           struct gi_capture_result *r)
{
	struct gi_proc_status st;
	if (e == ESRCH || e == ENOENT)
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d exited before it could be stopped", c->pid);
	if (e == EPERM || e == EACCES) {
		if (gi_proc_read_status(c->pid, &st) == 0 && st.tracer_pid) {
			struct gi_proc_status tr;
			if (gi_proc_read_status(st.tracer_pid, &tr) == 0)
				return fail(r, GI_CAPTURE_NOT_PERMITTED, "PID %d (%s) is already being "
				            "traced by PID %d (%s)", c->pid, c->exe, st.tracer_pid, tr.name);
			return fail(r, GI_CAPTURE_NOT_PERMITTED, "PID %d (%s) is already being traced "
			            "by PID %d", c->pid, c->exe, st.tracer_pid);
		}
		return denied(c, c->exe, true, r);
	}
	return fail(r, GI_CAPTURE_NO_TARGET, "cannot attach to PID %d (%s): %s", c->pid, c->exe,
	            strerror(e));
}

/* Step 1: is it a process goinspect can read? Fills c, or says why not. */
static enum gi_capture_status preflight(struct preflight *c, const struct gi_capture_opts *o,
                                        struct gi_capture_result *r)
{
	char err[512];
	int rc = gi_proc_read_status(c->pid, &c->st);
	if (rc == -ENOENT)
		return fail(r, GI_CAPTURE_NO_TARGET, "no process with PID %d", c->pid);
	if (rc < 0 && (rc == -ESRCH || gi_proc_gone(c->pid)))
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d exited before it could be read", c->pid);
	if (rc < 0)
		return fail(r, for_errno(-rc), "cannot read /proc/%d/status: %s", c->pid,
		            strerror(-rc));
	if (c->st.state == 'Z' || c->st.state == 'X')
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) is a zombie: it has exited but has "
		            "not been reaped", c->pid, c->st.name);
	if (c->st.tgid && c->st.tgid != c->pid)
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d is a thread of process %d: give the "
		            "process ID", c->pid, c->st.tgid);
	rc = gi_proc_exe_path(c->pid, c->exe, sizeof c->exe);
	if (rc == -EACCES || rc == -EPERM)
		return denied(c, c->st.name, false, r);
	if (rc == -ENOENT && gi_proc_gone(c->pid))
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d exited before it could be read", c->pid);
	if (rc == -ENOENT)
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) has no executable (a kernel thread "
		            "or exiting)", c->pid, c->st.name);
	if (rc < 0)
		return fail(r, GI_CAPTURE_NO_TARGET, "cannot read /proc/%d/exe: %s", c->pid,
		            strerror(-rc));
	char exe_file[64];
	snprintf(exe_file, sizeof exe_file, "/proc/%d/exe", c->pid);
	rc = gi_elf_open(&c->elf, exe_file, err, sizeof err);
	struct stat sb;
	if ((rc == -EACCES || rc == -EPERM) && stat(exe_file, &sb) == 0)  /* the file's own mode */
		return fail(r, GI_CAPTURE_NOT_PERMITTED, "cannot read the executable of PID %d (%s): "
		            "permission denied: it is mode %04o, owned by uid %u, and goinspect runs "
		            "as uid %u", c->pid, c->exe, (unsigned)(sb.st_mode & 07777),
		            (unsigned)sb.st_uid, (unsigned)geteuid());
	if (rc == -EACCES || rc == -EPERM)
		return denied(c, c->exe, false, r);
	if (rc < 0)
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) is not a Go program: %s", c->pid,
		            c->exe, err);
	size_t bilen;
	const uint8_t *bisec = gi_elf_section(&c->elf, ".go.buildinfo", &bilen, NULL);
	if (!bisec && gi_elf_is_gccgo(&c->elf))
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) was built by gccgo: only the gc "
		            "toolchain is supported", c->pid, c->exe);
	if (!bisec)
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) is not a Go program: no "
		            ".go.buildinfo section", c->pid, c->exe);
	rc = gi_buildinfo_parse(bisec, bilen, &c->bi, err, sizeof err);
	int patch = 0;
	enum gi_go_release rel = GI_GO_UNSUPPORTED;
	if (rc == 0 && gi_go_version_parse(c->bi.go_version, &c->go_major, &c->go_minor,
	                                   &patch) == 0)
		rel = gi_go_release_of(c->go_major, c->go_minor);
	if (rc == -ENOTSUP || (rc == 0 && c->go_major && rel == GI_GO_UNSUPPORTED))
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) was built with %s: unsupported Go "
		            "version (goinspect supports go1.%d to go1.%d, and later releases through "
		            "their DWARF)", c->pid, c->exe, c->bi.go_version ? c->bi.go_version : err,
		            GI_GO_MIN_MINOR, gi_go_newest_known());
	c->release_known = rel == GI_GO_KNOWN;
	if (rc != 0 || c->go_major == 0)
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s): unreadable Go build information: "
		            "%s", c->pid, c->exe, rc ? err : "no Go version");
	const char *compiler = gi_strmap_get(&c->bi.settings, "-compiler");
	if (compiler && strcmp(compiler, "gc") != 0)
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) was built by %s: only the gc "
		            "toolchain is supported", c->pid, c->exe, compiler);
	if (c->elf.elfclass != ELFCLASS64 || c->elf.machine != gi_elf_host_machine())
		return fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) is not an %s program: goinspect "
		            "reads linux/%s targets only", c->pid, c->exe,
		            gi_elf_machine_name(gi_elf_host_machine()),
		            gi_elf_host_machine() == EM_AARCH64 ? "arm64" : "amd64");
	/* DWARF from an unstripped copy of the same build (the binary's own DWARF comes first). */
	if (o->debuginfo) {
		char derr[256];
		const char *why = NULL;
		if (gi_elf_open(&c->dbg, o->debuginfo, derr, sizeof derr) != 0)
			why = derr;
		else if (!gi_elf_same_build(&c->elf, &c->dbg))
			why = "not from the same build as the program (build ids differ or are missing)";
		else if (!c->dbg.has_dwarf)
			why = "it has no DWARF either";
		if (why)
			return fail(r, GI_CAPTURE_NO_TARGET, "--debuginfo %s: %s", o->debuginfo, why);
	}
	if (c->st.tracer_pid)
		return attach_error(c, EPERM, r);
	return GI_CAPTURE_OK;
}

/* GOINSPECT_FAULT=stop-sleep=MS: copying is slow. Cut short by the stop bound like a real
 * copy; returns true when the bound passed. */
static bool fault_stop_sleep(uint64_t deadline)
{
	const char *v = gi_fault(GI_FAULT_STOP_SLEEP);
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

/* GOINSPECT_FAULT=kill-target: the target dies mid-snapshot. SIGKILL takes effect
 * asynchronously: wait (bounded) until the kernel has ended it, so the case is deterministic. */
static void fault_kill_target(int pid)
{
	if (!gi_fault(GI_FAULT_KILL_TARGET))
		return;
	kill(pid, SIGKILL);
	for (int i = 0; i < 2000 && !gi_proc_gone(pid); i++) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
}

/* The native unwinder's view of the program's own code: its function table. */
static const char *pcln_func_at(void *arg, uint64_t pc, uint64_t *entry)
{
	return gi_pcln_func_at(arg, pc, entry);
}

static void fill_target(struct gi_snapshot *s, const struct preflight *c,
                        const struct gi_capture_opts *o)
{
	s->format_version = GI_FORMAT_VERSION;
	s->tool_version = xstrdup(GI_VERSION);
	s->pid = c->pid;
	s->exe = xstrdup(c->exe);
	s->comm = xstrdup(c->st.name);
	s->go_version = xstrdup(c->bi.go_version);
	s->main_path = xstrdup(c->bi.main_path);
	s->main_version = xstrdup(c->bi.main_version);
	for (size_t i = 0; i < c->bi.settings.n; i++)
		gi_strmap_add(&s->build_settings, c->bi.settings.v[i].key, c->bi.settings.v[i].value);
	s->build_id = xstrdup(c->elf.build_id);
	s->pie = c->elf.pie;
	s->has_dwarf = c->elf.has_dwarf;
	s->max_stop_ns = o->max_stop_ns;
	s->stopped = !o->no_stop;
}

/* s without prefix, when it starts with it. */
static const char *after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) ? s : s + n;
}

/* Everything the capture holds, released on every path. */
struct run {
	struct preflight c;
	struct gi_target t;
	struct gi_attach at;
	struct gi_goreader *gor;
	struct gi_heapreader *heap;
	struct gi_profreader *mprof;
	struct gi_native *native;
};

static void run_free(struct run *x)
{
	gi_heapreader_free(x->heap);
	gi_attach_free(&x->at);
	gi_native_free(x->native);
	gi_goreader_free(x->gor);
	gi_profreader_free(x->mprof);
	gi_layout_close(x->t.lay);
	gi_elf_close(&x->c.dbg);
	gi_remote_close(&x->t.mem);
	gi_tidmap_free(&x->t.tids);
	gi_buildinfo_free(&x->c.bi);
	gi_elf_close(&x->c.elf);
}

/* Step 3, the stop: nothing but copying happens in it. -errno when attaching failed. */
static int stop_and_copy(struct run *x, const struct gi_capture_opts *o, struct gi_snapshot *s)
{
	char err[512];
	uint64_t deadline = gi_now_ns() + (o->no_stop ? 60000000000ull : o->max_stop_ns);
	int ar = o->no_stop ? 0 : gi_attach_all(&x->at, x->c.pid, deadline);
	if (ar == -EINTR || gi_signal_caught)
		gi_signals_die();
	if (ar < 0 && ar != -ETIMEDOUT) {
		gi_detach_all(&x->at);
		return ar;
	}
	if (ar == 0) {
		fault_kill_target(x->c.pid);
		if (fault_stop_sleep(deadline))
			x->at.timed_out = true;
		if (gi_signal_caught)
			gi_signals_die();
		gi_attach_read_regs(&x->at);
		struct gi_pcln *pcln = x->gor ? gi_goreader_pcln(x->gor) : NULL;
		if (pcln) {
			struct gi_native_code code = {pcln_func_at, pcln};
			gi_native_capture(&x->at, &x->t.mem, &code, x->c.pid, &x->native);
		}
		if (x->gor && !x->at.timed_out) {
			int r = gi_goreader_capture(x->gor, &x->t, o->no_stop ? NULL : &x->at, deadline,
			                            err, sizeof err);
			if (r == -EINTR)
				gi_signals_die();
			if (r == -ETIMEDOUT)
				x->at.timed_out = true;
			else if (r < 0 && r != -ESRCH)  /* -ESRCH: judged after the detach */
				s->gor_error = xasprintf("goroutines not read: %s", err);
		}
		if (x->heap && !x->at.timed_out) {
			int r = gi_heapreader_capture(x->heap, &x->t, deadline, err, sizeof err);
			if (r == -EINTR)
				gi_signals_die();
			if (r == -ETIMEDOUT)  /* the goroutines are kept; the heap is left out */
				s->heap.error = xstrdup("heap not read: the stop bound (--max-stop) passed "
				                        "while the heap was copied");
			else if (r < 0 && r != -ESRCH)
				s->heap.error = xasprintf("heap not read: %s", err);
		}
	}
	gi_detach_all(&x->at);
	if (gi_signal_caught)
		gi_signals_die();
	s->pause_ns = x->at.t_first_stop ? x->at.t_resumed - x->at.t_first_stop : 0;
	s->threads = o->no_stop ? x->c.st.threads : (int)x->at.n;
	return 0;
}

enum gi_capture_status gi_capture(const struct gi_capture_opts *o, struct gi_snapshot *s,
                                  struct gi_capture_result *r)
{
	memset(s, 0, sizeof *s);
	memset(r, 0, sizeof *r);
	uint64_t t0 = gi_now_ns();
	time_t wall = time(NULL);
	struct run x;
	memset(&x, 0, sizeof x);
	x.c.pid = o->pid;
	x.c.elf.fd = x.c.dbg.fd = -1;
	gi_remote_open(&x.t.mem, o->pid);  /* closed by run_free on every path */
	enum gi_capture_status st = preflight(&x.c, o, r);
	if (st != GI_CAPTURE_OK) {
		run_free(&x);
		return st;
	}
	fill_target(s, &x.c, o);
	char err[512];

	/* Step 2: prepare, while the target runs. */
	struct gi_target *t = &x.t;
	t->pid = x.c.pid;
	t->go_major = x.c.go_major;
	t->go_minor = x.c.go_minor;
	t->release_known = x.c.release_known;
	s->release_known = x.c.release_known;
	t->elf = &x.c.elf;
	if (o->debuginfo) {
		t->debug = &x.c.dbg;
		t->debug_path = o->debuginfo;
	}
	gi_proc_tidmap(x.c.pid, &t->tids);  /* before the stop: /proc reads */
	uint64_t entry = 0;
	if (x.c.elf.pie && gi_proc_read_auxv(x.c.pid, AT_ENTRY, &entry) == 0)
		t->bias = entry - x.c.elf.entry;
	int lr = gi_layout_open(t, &t->lay, err, sizeof err);
	if (lr < 0) {
		s->gor_error = xasprintf("goroutines not read: %s", err);
	} else if (gi_goreader_prepare(t, &x.gor, err, sizeof err) < 0) {
		s->gor_error = xasprintf("goroutines not read: %s", err);
	} else {
		gi_goreader_set_mode(x.gor, !o->no_stop, o->consistent);
	}
	if (!t->lay || gi_heapreader_prepare(t, &x.heap, err, sizeof err) < 0)
		s->heap.error = xasprintf("heap not read: %s", t->lay ? err : "no runtime layouts");
	bool heap_tried = t->lay != NULL;  /* layouts known: failing to read it makes it partial */
	if (t->lay)
		s->layouts = xstrdup(gi_layout_source(t->lay));
	if (gi_layout_note(t->lay))
		gi_snapshot_add_warning(s, "%s", gi_layout_note(t->lay));
	char perr[512] = "no runtime layouts";
	if (t->lay && gi_profreader_prepare(t, &x.mprof, perr, sizeof perr) < 0)
		s->mprof.note = xasprintf("the runtime's heap profile was not read: %s", perr);
	gi_layout_release(t->lay);  /* layouts are resolved: give libdw's memory back */
	if (!t->release_known) {
		/* A release newer than goinspect knows: read only if every fact could be had from
		 * the binary and fits; else refused, with the fact, before it is touched. */
		int newest = gi_go_newest_known();
		if (lr == -ENOTSUP)
			st = fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) was built with %s, newer than the "
			          "Go releases goinspect knows (go1.%d at most), and has no DWARF: give "
			          "the DWARF of the same build with --debuginfo FILE", x.c.pid, x.c.exe,
			          x.c.bi.go_version, newest);
		else if (s->gor_error || s->heap.error || !x.mprof)
			st = fail(r, GI_CAPTURE_NO_TARGET, "PID %d (%s) was built with %s, newer than the "
			          "Go releases goinspect knows (go1.%d at most), and its runtime differs "
			          "from what goinspect reads: %s", x.c.pid, x.c.exe, x.c.bi.go_version,
			          newest,
			          s->gor_error ? after(s->gor_error, "goroutines not read: ")
			          : s->heap.error ? after(s->heap.error, "heap not read: ") : perr);
		if (st != GI_CAPTURE_OK)
			goto out;
		gi_snapshot_add_warning(s, "%s is newer than the Go releases goinspect knows (go1.%d at "
		                           "most): everything was read from its DWARF (layouts, "
		                           "constants, record shapes), each fact checked",
		                        x.c.bi.go_version, newest);
	}

	/* Step 3: the stop. */
	gi_signals_install();
	int ar = stop_and_copy(&x, o, s);
	if (ar < 0) {
		st = attach_error(&x.c, -ar, r);
		goto out;
	}
	if (gi_proc_gone(x.c.pid) || (x.at.n && gi_attach_all_gone(&x.at))) {
		st = fail(r, GI_CAPTURE_NO_TARGET, "PID %d exited during the snapshot", x.c.pid);
		goto out;
	}

	/* Step 4: after the stop. */
	if (x.gor && !x.at.timed_out && !s->gor_error) {
		/* The program runs again: the parked goroutines' stacks, then the check that they
		 * stayed where they were. */
		int rc = gi_goreader_capture_after(x.gor, t);
		if (rc == -EINTR || gi_signal_caught)
			gi_signals_die();
		if (rc == -ESRCH) {
			st = fail(r, GI_CAPTURE_NO_TARGET, "PID %d exited during the snapshot", x.c.pid);
			goto out;
		}
		if (rc < 0)
			gi_snapshot_add_warning(s, "goroutine stacks read after the stop: %s",
			                        strerror(-rc));
	}
	if (x.at.timed_out) {
		gi_snapshot_add_warning(s, "the stop bound (--max-stop %s) passed before "
		                           "everything was copied: the target was resumed and "
		                           "this snapshot is partial", GI_DUR(o->max_stop_ns));
		if (!s->gor_error)
			s->gor_error = xstrdup("goroutines not read: the stop bound passed first");
	}

	/* The memory map, classified with what the stop copied, then the analysis. */
	const uint64_t(*arenas)[2] = NULL;
	size_t narenas = x.gor ? gi_goreader_arenas(x.gor, &arenas) : 0;
	uint64_t *sps = xcalloc(x.at.n ? x.at.n : 1, sizeof *sps);
	size_t nsps = 0;
	for (size_t i = 0; i < x.at.n; i++)
		if (x.at.t[i].have_regs)
			sps[nsps++] = x.at.t[i].regs.sp;
	int rc = gi_proc_read_smaps(x.c.pid, &s->mem);
	if (rc < 0) {
		if (gi_proc_gone(x.c.pid)) {
			free(sps);
			st = fail(r, GI_CAPTURE_NO_TARGET, "PID %d exited during the snapshot", x.c.pid);
			goto out;
		}
		s->mem.available = false;
		s->mem.error = xasprintf("cannot read /proc/%d/smaps: %s", x.c.pid, strerror(-rc));
	} else {
		gi_memory_classify(&s->mem, x.c.exe, arenas, narenas, sps, nsps);
		if (!narenas && x.gor && !x.at.timed_out)
			gi_snapshot_add_warning(s, "Go heap arenas unknown: heap mappings are "
			                           "classified as anonymous");
	}
	free(sps);
	if (x.gor && !s->gor_error)
		gi_goreader_analyze(x.gor, s);
	if (x.mprof)
		gi_profreader_read(x.mprof, t, x.gor ? gi_goreader_pcln(x.gor) : NULL, &s->mprof);
	else if (!s->mprof.note)
		s->mprof.note = xstrdup("the runtime's heap profile was not read: no layouts");
	gi_native_unwind(x.native, &s->mem, &s->native, &s->nnative);  /* names modules by maps */
	s->native_available = x.native != NULL;
	if (!s->heap.error)
		gi_heapreader_analyze(x.heap, t, s);  /* needs s->mem classified; samples objects */
	if (!s->heap.available && !s->heap.error)
		s->heap.error = xstrdup("heap not read: the stop bound passed first");
	if (s->heap.error && heap_tried)  /* no layouts (stripped): said in heap.error alone */
		gi_snapshot_add_warning(s, "%s", s->heap.error);
	gi_heapreader_free(x.heap);
	x.heap = NULL;
	gi_goreader_free(x.gor);  /* the copy is no longer needed: give its memory back */
	x.gor = NULL;
	if (s->gor_error) {
		s->gor_available = false;
		gi_snapshot_add_warning(s, "%s", s->gor_error);
	}
	s->partial = x.at.timed_out || !s->gor_available || !s->mem.available ||
	             (s->gor_available && !s->stacks_available) ||
	             (heap_tried && !s->heap.available);

	char when[32];
	struct tm tm;
	gmtime_r(&wall, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	s->time_utc = xstrdup(when);
	s->total_ns = gi_now_ns() - t0;
	if (gi_signal_caught)
		gi_signals_die();
out:
	run_free(&x);
	return st;
}
