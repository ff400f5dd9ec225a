/* cmd-diff.c: goinspect diff A B [C...]: what grew (analysis/), printed (output/). */
#include "cli/cli.h"

#include <getopt.h>  /* optind */
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
	const char *usage = gi_usage_diff;
	struct gi_report_opts ro;
	const char *fail_on_spec = NULL, *html_path = NULL;
	struct gi_opts p;
	int o, rc;
	gi_opt_init_report(&p, GI_CMD_DIFF, usage, argc, argv, &ro);
	while ((o = gi_opt_next(&p)) > 0) {
		if (o == GI_OPT_FAIL_ON)
			fail_on_spec = p.arg;
		else if (o == GI_OPT_HTML)
			html_path = p.arg;
		else if (o == GI_OPT_HELP)
			return GI_EXIT_OK;
	}
	if (o < 0)
		return -o;
	if (argc - optind < 2)
		return gi_usage_error(usage, "diff takes two or more snapshot files, oldest first");
	struct gi_failon fo;
	char err[512];
	if (fail_on_spec && gi_failon_parse(fail_on_spec, &fo, err, sizeof err) != 0)
		return gi_usage_error(usage, "bad --fail-on: %s", err);
	if (html_path && gi_out_check(html_path, err, sizeof err) != 0) {
		gi_err("cannot write %s: %s", html_path, err);
		return GI_EXIT_IO;
	}
	size_t n = (size_t)(argc - optind);
	struct gi_snapshot *s = xcalloc(n, sizeof *s);
	const struct gi_snapshot **sp = xcalloc(n, sizeof *sp);
	const char *const *paths = (const char *const *)(argv + optind);
	rc = GI_EXIT_OK;
	size_t loaded = 0;
	for (; loaded < n; loaded++) {
		if ((rc = gi_load(paths[loaded], &s[loaded])) != 0)
			goto out;
		if (!ro.json)
			gi_text_safe(&s[loaded]);
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
