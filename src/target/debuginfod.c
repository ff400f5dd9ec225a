/* debuginfod.c: separate debug files from debuginfod servers, through the host's client. The
 * client is one of debuginfod-lib.c (libdebuginfod, loaded at run time) or debuginfod-exec.c
 * (the debuginfod-find program, for goinspect-static): this file decides whether to ask at
 * all, the same way for both. */
#include "target/target.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int gi_debuginfod_find(const char *build_id, char **path)
{
	*path = NULL;
	const char *urls = getenv("DEBUGINFOD_URLS");
	if (!urls || !*urls)
		return -ENOSYS;
	/* Set-user-ID or set-group-ID: the servers, the cache and the client program or library
	 * would be the caller's choice, run with goinspect's identity. */
	if (getuid() != geteuid() || getgid() != getegid())
		return -ENOSYS;
	size_t n = strlen(build_id);
	if (n == 0 || n % 2 || n > 2 * 64 || strspn(build_id, "0123456789abcdef") != n)
		return -EINVAL;
	return gi_debuginfod_client_find(build_id, path);
}
