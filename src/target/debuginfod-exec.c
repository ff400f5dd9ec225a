/* debuginfod-exec.c: the debuginfod client of goinspect-static: the host's debuginfod-find
 * program (elfutils' command-line client; Debian: the debuginfod package), run as
 * `debuginfod-find debuginfo BUILD_ID` from PATH, with goinspect's environment (so
 * DEBUGINFOD_URLS, DEBUGINFOD_CACHE_PATH and DEBUGINFOD_TIMEOUT mean what they mean to the
 * library). It prints the cached file's path on stdout and exits 0, or exits non-zero.
 *
 * Why not libdebuginfod: a statically linked program cannot load it safely (glibc's dlopen
 * in a static program needs the very glibc it was linked with, and the library would bring
 * the host's own C library into the process beside the linked one), and linking it in would
 * bring curl and a TLS stack. goinspect links debuginfod-lib.c instead; the two define the
 * same function, and a program has one of them. Where debuginfod-find is not on PATH, no
 * lookup is made (-ENOSYS) and goinspect goes on without it. */
#include "target/target.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

int gi_debuginfod_client_find(const char *build_id, char **path)
{
	*path = NULL;
	/* stdout: the path; stderr: its messages, read and dropped (no /dev/null needed: an empty
	 * root or container may have none) */
	int out[2] = {-1, -1}, errp[2] = {-1, -1};
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		int r = -errno;
		close_pair(out);
		close_pair(errp);
		return r;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	char *argv[] = {"debuginfod-find", "debuginfo", (char *)build_id, NULL};
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(errp[1]);
	out[1] = errp[1] = -1;
	if (rc != 0) {
		close_pair(out);
		close_pair(errp);
		return rc == ENOENT || rc == EACCES ? -ENOSYS : -rc;
	}

	char buf[4096], junk[512];
	size_t n = 0;
	bool overflow = false;
	struct pollfd pf[2] = {{.fd = out[0], .events = POLLIN}, {.fd = errp[0], .events = POLLIN}};
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			bool keep = i == 0 && n < sizeof buf - 1;  /* stdout, while it fits */
			ssize_t r = keep ? read(pf[i].fd, buf + n, sizeof buf - 1 - n)
			                 : read(pf[i].fd, junk, sizeof junk);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				pf[i].fd = -1;  /* end of file (closed below) */
			else if (keep)
				n += (size_t)r;
			else if (i == 0)
				overflow = true;
		}
	}
	close_pair(out);
	close_pair(errp);
	buf[n] = 0;
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -ECHILD;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -ENOENT;
	/* one line, an absolute path */
	size_t len = strcspn(buf, "\n");
	if (overflow || buf[0] != '/' || (buf[len] == '\n' && buf[len + 1] != 0))
		return -ENOENT;
	buf[len] = 0;
	if (access(buf, R_OK) < 0)
		return -ENOENT;
	*path = xstrdup(buf);
	return 0;
}
