/* cmd-show.c: goinspect show FILE: the full report of one snapshot. */
#include "cli/cli.h"

#include <getopt.h>
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
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"top", required_argument, NULL, 'n'},
		{"all", no_argument, NULL, 'a'},
		{"state", required_argument, NULL, 's'},
		{"func", required_argument, NULL, 'f'},
		{"group-by", required_argument, NULL, 'g'},
		{"alloc-stacks", no_argument, NULL, 'S'},
		{"strings", required_argument, NULL, 'K'},
		{"color", required_argument, NULL, 'C'},
		{"colour", required_argument, NULL, 'C'},
		{"fail-on", required_argument, NULL, 'F'},
		{"html", required_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	const char *usage = gi_usage_show;
	struct gi_report_opts ro;
	memset(&ro, 0, sizeof ro);
	ro.color = gi_color_auto();
	regex_t func_re;
	bool have_re = false;
	int o, rc = GI_EXIT_OK;
	optind = 1;
	while ((o = getopt_long(argc, argv, "+jn:as:f:g:h", opts, NULL)) != -1) {
		switch (o) {
		case 'C': case 'F': case 'H':
			rc = gi_usage_error(usage, "--fail-on, --html and --color are for diff");
			goto out;
		case 'S': ro.alloc_stacks = true; break;
		case 'a': ro.all = true; break;
		case 's': ro.state = optarg; break;
		case 'f': {
			if (have_re)
				regfree(&func_re);
			int e = regcomp(&func_re, optarg, REG_EXTENDED | REG_NOSUB);
			if (e) {
				char msg[256];
				regerror(e, &func_re, msg, sizeof msg);
				rc = gi_usage_error(usage, "bad --func '%s': %s", optarg, msg);
				goto out;
			}
			have_re = true;
			ro.func_re = &func_re;
			break;
		}
		case 'g':
			if (strcmp(optarg, "stack") && strcmp(optarg, "function") &&
			    strcmp(optarg, "creator") && strcmp(optarg, "reason") &&
			    !(strncmp(optarg, "label=", 6) == 0 && optarg[6])) {
				rc = gi_usage_error(usage, "bad --group-by '%s' (stack, function, creator, "
				                           "reason, label=KEY)", optarg);
				goto out;
			}
			ro.group_by = optarg;
			break;
		case 'K': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v >= GI_NUM_SIZE_CLASSES) {
				rc = gi_usage_error(usage, "bad --strings '%s' (a size class, 0 to %d)",
				                    optarg, GI_NUM_SIZE_CLASSES - 1);
				goto out;
			}
			ro.strings_class = (int)v;
			ro.strings = true;
			break;
		}
		case 'j': ro.json = true; break;
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 0 || v > 1000000) {
				rc = gi_usage_error(usage, "bad --top '%s'", optarg);
				goto out;
			}
			ro.top = (int)v;
			break;
		}
		case 'h': fputs(usage, stdout); goto out;
		default: rc = gi_usage_error(usage, "bad option"); goto out;
		}
	}
	if (argc - optind != 1) {
		rc = gi_usage_error(usage, "show takes one snapshot file");
		goto out;
	}
	if (ro.json)
		ro.color = false;
	struct gi_snapshot s;
	if ((rc = gi_load(argv[optind], &s)) != 0)
		goto out;
	gi_report_show(stdout, &s, &ro);
	gi_snapshot_free(&s);
	rc = gi_finish_output();
out:
	if (have_re)
		regfree(&func_re);
	return rc;
}
