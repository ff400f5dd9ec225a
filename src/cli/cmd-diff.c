/* cmd-diff.c: goinspect diff A B [C...]: what grew (analysis/), printed (output/). */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>

const char gi_usage_diff[] =
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

int gi_cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"top", required_argument, NULL, 'n'},
		{"color", required_argument, NULL, 'C'},
		{"colour", required_argument, NULL, 'C'},
		{"fail-on", required_argument, NULL, 'F'},
		{"html", required_argument, NULL, 'H'},
		{"all", no_argument, NULL, 'a'},
		{"state", required_argument, NULL, 's'},
		{"func", required_argument, NULL, 'f'},
		{"group-by", required_argument, NULL, 'g'},
		{"alloc-stacks", no_argument, NULL, 'S'},
		{"strings", required_argument, NULL, 'K'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *usage = gi_usage_diff;
	struct gi_report_opts ro;
	memset(&ro, 0, sizeof ro);
	ro.color = gi_color_auto();
	const char *fail_on_spec = NULL, *html_path = NULL;
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "+jn:h", opts, NULL)) != -1) {
		switch (o) {
		case 'a': case 's': case 'f': case 'g': case 'S': case 'K':
			return gi_usage_error(usage, "--all, --state, --func, --group-by, "
			                             "--alloc-stacks and --strings are for show");
		case 'C':
			if (!strcmp(optarg, "always"))
				ro.color = true;
			else if (!strcmp(optarg, "never"))
				ro.color = false;
			else if (!strcmp(optarg, "auto"))
				ro.color = gi_color_auto();
			else
				return gi_usage_error(usage, "bad --color '%s' (auto, always, never)", optarg);
			break;
		case 'F': fail_on_spec = optarg; break;
		case 'H': html_path = optarg; break;
		case 'j': ro.json = true; break;
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 1000000)
				return gi_usage_error(usage, "bad --top '%s'", optarg);
			ro.top = (int)v;
			break;
		}
		case 'h': fputs(usage, stdout); return GI_EXIT_OK;
		default: return gi_usage_error(usage, "bad option");
		}
	}
	if (argc - optind < 2)
		return gi_usage_error(usage, "diff takes two or more snapshot files, oldest first");
	if (ro.json)
		ro.color = false;
	struct gi_failon fo;
	char err[512];
	if (fail_on_spec && gi_failon_parse(fail_on_spec, &fo, err, sizeof err) != 0)
		return gi_usage_error(usage, "bad --fail-on: %s", err);
	size_t n = (size_t)(argc - optind);
	struct gi_snapshot *s = xcalloc(n, sizeof *s);
	const struct gi_snapshot **sp = xcalloc(n, sizeof *sp);
	const char *const *paths = (const char *const *)(argv + optind);
	int rc = GI_EXIT_OK;
	size_t loaded = 0;
	for (; loaded < n; loaded++) {
		if ((rc = gi_load(paths[loaded], &s[loaded])) != 0)
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
	rc = gi_finish_output();
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
