/* options.c: every option of every command, in one table. A command asks for the next of its
 * options (gi_opt_next); an option of another command is refused by name ("--html is for
 * diff"), one nobody has as a bad option. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>

#define SNAP GI_CMD_SNAPSHOT
#define SHOW GI_CMD_SHOW
#define DIFF GI_CMD_DIFF
#define EXPORT GI_CMD_EXPORT

static const struct gi_option {
	const char *name;
	int has_arg;
	char letter;      /* its short form, 0 if none */
	enum gi_opt id;
	unsigned cmds;    /* the commands that take it */
} options[] = {
	{"output", required_argument, 'o', GI_OPT_OUTPUT, SNAP | EXPORT},
	{"max-stop", required_argument, 0, GI_OPT_MAX_STOP, SNAP},
	{"gzip", no_argument, 'z', GI_OPT_GZIP, SNAP},
	{"no-stop", no_argument, 0, GI_OPT_NO_STOP, SNAP},
	{"debuginfo", required_argument, 0, GI_OPT_DEBUGINFO, SNAP},
	{"consistent", no_argument, 0, GI_OPT_CONSISTENT, SNAP},
	{"quiet", no_argument, 'q', GI_OPT_QUIET, SNAP},
	{"json", no_argument, 'j', GI_OPT_JSON, SHOW | DIFF},
	{"top", required_argument, 'n', GI_OPT_TOP, SHOW | DIFF},
	{"all", no_argument, 'a', GI_OPT_ALL, SHOW},
	{"state", required_argument, 's', GI_OPT_STATE, SHOW},
	{"func", required_argument, 'f', GI_OPT_FUNC, SHOW},
	{"group-by", required_argument, 'g', GI_OPT_GROUP_BY, SHOW},
	{"alloc-stacks", no_argument, 0, GI_OPT_ALLOC_STACKS, SHOW},
	{"strings", required_argument, 0, GI_OPT_STRINGS, SHOW},
	{"color", required_argument, 0, GI_OPT_COLOR, DIFF},
	{"colour", required_argument, 0, GI_OPT_COLOR, DIFF},
	{"fail-on", required_argument, 0, GI_OPT_FAIL_ON, DIFF},
	{"html", required_argument, 0, GI_OPT_HTML, DIFF},
	{"format", required_argument, 'f', GI_OPT_FORMAT, EXPORT},
	{"profile", required_argument, 'p', GI_OPT_PROFILE, EXPORT},
	{"help", no_argument, 'h', GI_OPT_HELP, SNAP | SHOW | DIFF | EXPORT},
};
#define NOPTS (sizeof options / sizeof options[0])

static const char *cmd_names(unsigned cmds)
{
	static char buf[64];
	static const char *const names[] = {"snapshot", "show", "diff", "export"};
	buf[0] = 0;
	for (unsigned i = 0; i < 4; i++)
		if (cmds & (1u << i))
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? " and " : "",
			         names[i]);
	return buf;
}

void gi_opt_init(struct gi_opts *p, enum gi_cmd_id cmd, const char *usage, int argc, char **argv)
{
	memset(p, 0, sizeof *p);
	p->cmd = cmd;
	p->usage = usage;
	p->argc = argc;
	p->argv = argv;
	optind = 1;
}

void gi_opt_init_report(struct gi_opts *p, enum gi_cmd_id cmd, const char *usage, int argc,
                        char **argv, struct gi_report_opts *ro)
{
	gi_opt_init(p, cmd, usage, argc, argv);
	memset(ro, 0, sizeof *ro);
	ro->color = gi_color_auto();
	p->ro = ro;
}

static int next(struct gi_opts *p);

int gi_opt_next(struct gi_opts *p)
{
	for (;;) {
		int o = next(p), r;
		if (o <= 0 || !p->ro || (r = gi_report_option(p, o)) == 0)
			return o;
		if (r < 0)
			return r;
	}
}

static int next(struct gi_opts *p)
{
	/* getopt_long's tables: every long option (others' too, to name them), this command's
	 * letters; a long option returns its index + 256, a letter itself */
	static struct option longopts[NOPTS + 1];
	char letters[2 * NOPTS + 3] = "+:";  /* stop at the first operand; ':' for a missing value */
	size_t k = 2;
	for (size_t i = 0; i < NOPTS; i++) {
		longopts[i] = (struct option){options[i].name, options[i].has_arg, NULL, (int)i + 256};
		if (options[i].letter && (options[i].cmds & p->cmd)) {
			letters[k++] = options[i].letter;
			if (options[i].has_arg)
				letters[k++] = ':';
		}
	}
	letters[k] = 0;
	memset(&longopts[NOPTS], 0, sizeof longopts[NOPTS]);
	opterr = 0;  /* said here, in one line */
	int c = getopt_long(p->argc, p->argv, letters, longopts, NULL);
	if (c == -1)
		return 0;
	const struct gi_option *o = NULL;
	if (c >= 256) {
		o = &options[c - 256];
	} else if (c != '?' && c != ':') {
		for (size_t i = 0; i < NOPTS && !o; i++)
			if (options[i].letter == c && (options[i].cmds & p->cmd))
				o = &options[i];
	}
	if (!o) {
		const char *arg = p->argv[optind - 1] ? p->argv[optind - 1] : "";
		if (c == ':')
			return -gi_usage_error(p->usage, "option '%s' needs a value", arg);
		return -gi_usage_error(p->usage, "bad option '%s'", arg);
	}
	if (!(o->cmds & p->cmd))
		return -gi_usage_error(p->usage, "--%s is for %s", o->name, cmd_names(o->cmds));
	p->arg = optarg;
	if (o->id == GI_OPT_HELP)
		fputs(p->usage, stdout);
	return o->id;
}
