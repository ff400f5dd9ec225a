/* main.c: goinspect COMMAND ...: one table of commands (git's way), --help and --version. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

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

static const struct gi_cmd commands[] = {
	{"snapshot", gi_cmd_snapshot, gi_usage_snapshot},
	{"show", gi_cmd_show, gi_usage_show},
	{"diff", gi_cmd_diff, gi_usage_diff},
	{"export", gi_cmd_export, gi_usage_export},
};

static const struct gi_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* A standard stream that is closed stays taken (by /dev/null, read-only): no file goinspect
 * opens becomes standard output, and writing to it fails (exit 5) instead of going nowhere. */
static void hold_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", O_RDONLY);  /* the lowest free descriptor: fd */
			if (n >= 0 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
}

int main(int argc, char **argv)
{
	hold_std_fds();
	if (argc < 2)
		return gi_usage_error(usage_main, "no command given");
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		fputs(usage_main, stdout);
		return GI_EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("goinspect %s\n", GI_VERSION);
		gi_version_more(stdout);
		return GI_EXIT_OK;
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			fputs(usage_main, stdout);
			return GI_EXIT_OK;
		}
		const struct gi_cmd *c = find_command(argv[2]);
		if (!c)
			return gi_usage_error(usage_main, "no such command '%s'", argv[2]);
		fputs(c->usage, stdout);
		return GI_EXIT_OK;
	}
	const struct gi_cmd *c = find_command(name);
	if (!c)
		return gi_usage_error(usage_main, "no such command '%s'", name);
	return c->fn(argc - 1, argv + 1);
}
