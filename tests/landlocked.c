/* landlocked COMMAND [ARG...]: runs COMMAND inside a Landlock domain of its own, which the
 * kernel keeps from tracing or inspecting any process outside it (Landlock's ptrace rule),
 * whatever its capabilities: a security module refusing ptrace to root with CAP_SYS_PTRACE.
 * The domain restricts nothing else that matters (only the creation of device nodes).
 * Exits 77 (skip) when the kernel has no Landlock. */
#include <errno.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: landlocked COMMAND [ARG...]\n");
		return 64;
	}
	struct landlock_ruleset_attr attr = {.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_CHAR};
	long fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (fd < 0) {
		fprintf(stderr, "landlocked: no Landlock: %s\n", strerror(errno));
		return 77;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_landlock_restrict_self, fd, 0) != 0) {
		fprintf(stderr, "landlocked: %s\n", strerror(errno));
		return 77;
	}
	close((int)fd);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "landlocked: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
