/* common.c: what the commands share: usage errors, option values, reading snapshots. */
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

int gi_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	/* One line: what is wrong, and where the command's usage is ("usage: goinspect CMD ..."
	 * names the command; the main usage has COMMAND there). */
	char cmd[32] = "";
	if (sscanf(usage, "usage: goinspect %31[a-z]", cmd) != 1)
		cmd[0] = 0;
	gi_err("%s (see 'goinspect %s%s--help')", m, cmd, cmd[0] ? " " : "");
	free(m);
	return GI_EXIT_USAGE;
}

int64_t gi_parse_duration(const char *s)
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

int gi_parse_pid(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v <= 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

bool gi_color_auto(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	if (nc && *nc)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(STDOUT_FILENO);
}

int gi_load(const char *path, struct gi_snapshot *s)
{
	char err[512];
	if (gi_snapshot_read(path, s, err, sizeof err) != 0) {
		gi_err("%s: %s", path, err);
		return GI_EXIT_SNAPFILE;
	}
	if (gi_snapshot_doubt(s, err, sizeof err))
		gi_warn("%s: %s", path, err);
	return 0;
}

int gi_finish_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		gi_err("error writing output: %s", strerror(errno));
		return GI_EXIT_IO;
	}
	return GI_EXIT_OK;
}

int gi_report_option(const struct gi_opts *p, int o)
{
	const char *v = p->arg;
	struct gi_report_opts *ro = p->ro;
	switch (o) {
	case GI_OPT_JSON:
		ro->json = true;
		ro->color = false;
		return 1;
	case GI_OPT_TOP: {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || end == v || n < 0 || n > 1000000)
			return -gi_usage_error(p->usage, "bad --top '%s'", v);
		ro->top = (int)n;
		return 1;
	}
	case GI_OPT_COLOR:
		if (!strcmp(v, "always") || !strcmp(v, "never") || !strcmp(v, "auto"))
			ro->color = !ro->json && (!strcmp(v, "auto") ? gi_color_auto() : v[0] == 'a');
		else
			return -gi_usage_error(p->usage, "bad --color '%s' (auto, always, never)", v);
		return 1;
	}
	return 0;
}
