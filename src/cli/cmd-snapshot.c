/* cmd-snapshot.c: goinspect snapshot PID: capture (capture/), write, summarise. */
#include "cli/cli.h"

#include <getopt.h>  /* optind */
#include <stdlib.h>
#include <time.h>

const char gi_usage_snapshot[] =
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

static void default_name(char *buf, size_t n, int pid, time_t when)
{
	struct tm tm;
	gmtime_r(&when, &tm);
	snprintf(buf, n, "goinspect-%d-%04d%02d%02dT%02d%02d%02dZ.snap", pid, tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int gi_cmd_snapshot(int argc, char **argv)
{
	const char *usage = gi_usage_snapshot;
	struct gi_capture_opts co = {.max_stop_ns = 2000000000};
	const char *out = NULL;
	bool gz = false, quiet = false;
	struct gi_opts p;
	int o;
	gi_opt_init(&p, GI_CMD_SNAPSHOT, usage, argc, argv);
	while ((o = gi_opt_next(&p)) > 0) {
		switch (o) {
		case GI_OPT_OUTPUT: out = p.arg; break;
		case GI_OPT_MAX_STOP: {
			int64_t v = gi_parse_duration(p.arg);
			if (v <= 0)
				return gi_usage_error(usage, "bad --max-stop '%s' (e.g. 2s, 500ms)", p.arg);
			co.max_stop_ns = (uint64_t)v;
			break;
		}
		case GI_OPT_GZIP: gz = true; break;
		case GI_OPT_NO_STOP: co.no_stop = true; break;
		case GI_OPT_DEBUGINFO: co.debuginfo = p.arg; break;
		case GI_OPT_CONSISTENT: co.consistent = true; break;
		case GI_OPT_QUIET: quiet = true; break;
		case GI_OPT_HELP: return GI_EXIT_OK;
		}
	}
	if (o < 0)
		return -o;
	if (argc - optind != 1)
		return gi_usage_error(usage, "snapshot takes one PID");
	if (co.no_stop && co.consistent)
		return gi_usage_error(usage, "--consistent needs the stop that --no-stop omits");
	co.pid = gi_parse_pid(argv[optind]);
	if (co.pid < 0)
		return gi_usage_error(usage, "'%s' is not a process ID", argv[optind]);

	/* A name that cannot be written is refused before the target is stopped. */
	char name[128], err[512];
	if (out && gi_out_check(out, err, sizeof err) != 0) {
		gi_err("cannot write %s: %s", out, err);
		return GI_EXIT_IO;
	}

	time_t wall = time(NULL);
	struct gi_snapshot s;
	struct gi_capture_result res;
	int rc;
	switch (gi_capture(&co, &s, &res)) {
	case GI_CAPTURE_OK: rc = GI_EXIT_OK; break;
	case GI_CAPTURE_NOT_PERMITTED: rc = GI_EXIT_PERM; break;
	case GI_CAPTURE_NO_TARGET: default: rc = GI_EXIT_TARGET; break;
	}
	if (rc != GI_EXIT_OK) {
		gi_err("%s", res.message);
		gi_snapshot_free(&s);
		return rc;
	}
	if (!out) {
		default_name(name, sizeof name, co.pid, wall);
		out = name;
	}
	if (gi_snapshot_write(&s, out, gz, err, sizeof err) != 0) {
		gi_err("cannot write %s: %s", out, err);
		gi_snapshot_free(&s);
		return GI_EXIT_IO;
	}
	gi_text_safe(&s);  /* written as read; printed inert (the program's name, ...) */
	if (quiet)
		printf("%s\n", out);
	else
		gi_report_summary(stdout, &s, out);
	if (fflush(stdout) != 0 && gi_signal_caught)
		gi_signals_die();  /* SIGPIPE: die of it, as the output's reader expects */
	rc = gi_finish_output();  /* the file is written, but what says so was lost: exit 5 */
	if (rc == GI_EXIT_OK && s.partial)
		rc = GI_EXIT_PARTIAL;
	gi_snapshot_free(&s);
	return rc;
}
