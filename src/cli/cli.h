/* cli: the command line. main.c dispatches through one table of commands; each command is a
 * file of its own (snapshot.c, show.c, diff.c, export.c) that parses its options, calls the
 * library and maps what it returns to an exit status. No capture or analysis work is done
 * here. Includes every layer. */
#ifndef GI_CLI_H
#define GI_CLI_H

#include "capture/capture.h"
#include "output/output.h"

/* Exit codes, documented in goinspect(1) and --help. */
enum gi_exit {
	GI_EXIT_OK = 0,        /* done */
	GI_EXIT_PARTIAL = 1,   /* snapshot written, but some facts could not be read (flagged in it) */
	GI_EXIT_TARGET = 2,    /* the target cannot be inspected: no such process, zombie, exited,
	                          not a Go program, unsupported Go version or architecture */
	GI_EXIT_PERM = 3,      /* not allowed to trace it: permissions, Yama, already traced */
	GI_EXIT_SNAPFILE = 4,  /* a snapshot file cannot be read: missing, truncated, corrupt, newer */
	GI_EXIT_IO = 5,        /* an output file cannot be written */
	GI_EXIT_FAILON = 6,    /* diff --fail-on: a threshold was crossed */
	GI_EXIT_USAGE = 64,    /* bad command line (EX_USAGE) */
	GI_EXIT_INTERNAL = 70, /* a bug in goinspect (EX_SOFTWARE) */
};

/* One command: `goinspect NAME ...` runs fn(argc, argv) with argv[0] = NAME. */
struct gi_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;     /* its --help text; the first line is its synopsis */
};
extern const char gi_usage_snapshot[], gi_usage_show[], gi_usage_diff[], gi_usage_export[];
int gi_cmd_snapshot(int argc, char **argv);
int gi_cmd_show(int argc, char **argv);
int gi_cmd_diff(int argc, char **argv);
int gi_cmd_export(int argc, char **argv);
/* What --version says after its first line: nothing for goinspect (build-shared.c); the
 * libraries linked in and their licenses for goinspect-static (build-static.c). */
void gi_version_more(FILE *f);

/* ---- options.c: every option of every command, in one table ---- */
enum gi_cmd_id { GI_CMD_SNAPSHOT = 1, GI_CMD_SHOW = 2, GI_CMD_DIFF = 4, GI_CMD_EXPORT = 8 };
enum gi_opt {
	GI_OPT_OUTPUT = 1, GI_OPT_MAX_STOP, GI_OPT_GZIP, GI_OPT_NO_STOP, GI_OPT_DEBUGINFO,
	GI_OPT_CONSISTENT, GI_OPT_QUIET, GI_OPT_JSON, GI_OPT_TOP, GI_OPT_ALL, GI_OPT_STATE,
	GI_OPT_FUNC, GI_OPT_GROUP_BY, GI_OPT_ALLOC_STACKS, GI_OPT_STRINGS, GI_OPT_COLOR,
	GI_OPT_FAIL_ON, GI_OPT_HTML, GI_OPT_FORMAT, GI_OPT_PROFILE, GI_OPT_HELP,
};
struct gi_opts {
	enum gi_cmd_id cmd;
	const char *usage;
	int argc;
	char **argv;
	const char *arg;   /* the value of the option just returned */
	struct gi_report_opts *ro;  /* set: the report options (--json, --top, --color) go here */
};
void gi_opt_init(struct gi_opts *p, enum gi_cmd_id cmd, const char *usage, int argc, char **argv);
/* The same for a report (show, diff): its options' defaults into ro (colours on a terminal),
 * and gi_opt_next takes the options reports share into ro itself. */
void gi_opt_init_report(struct gi_opts *p, enum gi_cmd_id cmd, const char *usage, int argc,
                        char **argv, struct gi_report_opts *ro);
/* The next option of the command line: its enum gi_opt (value in p->arg); 0 at the end (the
 * operands start at optind); -GI_EXIT_USAGE after saying, in one line, what is wrong.
 * --help prints the command's usage and returns GI_OPT_HELP. */
int gi_opt_next(struct gi_opts *p);

/* ---- common.c ---- */
/* "goinspect: MESSAGE (see 'goinspect CMD --help')", one line; returns GI_EXIT_USAGE. */
int gi_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "2s", "500ms", "1.5s", "250us", "2" (seconds), "1m" -> ns; -1 if bad. */
int64_t gi_parse_duration(const char *s);
/* A process ID, -1 if s is not one. */
int gi_parse_pid(const char *s);
/* The options the reports share (--json, --top N, --color WHEN), into p->ro: 1 when o was
 * one, 0 when not, -GI_EXIT_USAGE after saying what is wrong. */
int gi_report_option(const struct gi_opts *p, int o);
/* --color=auto: colours on a terminal only, never with NO_COLOR set or TERM=dumb. */
bool gi_color_auto(void);
/* Reads a snapshot file: 0, or says why on stderr and returns GI_EXIT_SNAPFILE. */
int gi_load(const char *path, struct gi_snapshot *s);
/* Flushes standard output: GI_EXIT_OK, or GI_EXIT_IO (said on stderr) when it failed. */
int gi_finish_output(void);

#endif
