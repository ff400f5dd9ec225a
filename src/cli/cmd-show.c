/* cmd-show.c: goinspect show FILE: the full report of one snapshot. */
#include "cli/cli.h"

#include <getopt.h>  /* optind */
#include <regex.h>
#include <stdlib.h>

const char gi_usage_show[] =
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

int gi_cmd_show(int argc, char **argv)
{
	const char *usage = gi_usage_show;
	struct gi_report_opts ro;
	regex_t func_re;
	bool have_re = false;
	struct gi_opts p;
	int o, rc = GI_EXIT_OK;
	gi_opt_init_report(&p, GI_CMD_SHOW, usage, argc, argv, &ro);
	while ((o = gi_opt_next(&p)) > 0) {
		const char *v = p.arg;
		switch (o) {
		case GI_OPT_ALLOC_STACKS: ro.alloc_stacks = true; break;
		case GI_OPT_ALL: ro.all = true; break;
		case GI_OPT_STATE: ro.state = v; break;
		case GI_OPT_FUNC: {
			if (have_re)
				regfree(&func_re);
			int e = regcomp(&func_re, v, REG_EXTENDED | REG_NOSUB);
			if (e) {
				char msg[256];
				regerror(e, &func_re, msg, sizeof msg);
				rc = gi_usage_error(usage, "bad --func '%s': %s", v, msg);
				goto out;
			}
			have_re = true;
			ro.func_re = &func_re;
			break;
		}
		case GI_OPT_GROUP_BY:
			if (strcmp(v, "stack") && strcmp(v, "function") && strcmp(v, "creator") &&
			    strcmp(v, "reason") && !(strncmp(v, "label=", 6) == 0 && v[6])) {
				rc = gi_usage_error(usage, "bad --group-by '%s' (stack, function, creator, "
				                           "reason, label=KEY)", v);
				goto out;
			}
			ro.group_by = v;
			break;
		case GI_OPT_STRINGS: {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || end == v || n < 0 || n > 65535) {
				rc = gi_usage_error(usage, "bad --strings '%s' (a size class: a number, 0 "
				                           "for large objects)", v);
				goto out;
			}
			ro.strings_class = (int)n;
			ro.strings = true;
			break;
		}
		case GI_OPT_HELP: rc = GI_EXIT_OK; goto out;
		}
	}
	if (o < 0) {
		rc = -o;
		goto out;
	}
	if (argc - optind != 1) {
		rc = gi_usage_error(usage, "show takes one snapshot file");
		goto out;
	}
	struct gi_snapshot s;
	if ((rc = gi_load(argv[optind], &s)) != 0)
		goto out;
	if (!ro.json)
		gi_text_safe(&s);
	gi_report_show(stdout, &s, &ro);
	gi_snapshot_free(&s);
	rc = gi_finish_output();
out:
	if (have_re)
		regfree(&func_re);
	return rc;
}
