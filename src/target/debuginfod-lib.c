/* debuginfod-lib.c: the debuginfod client of goinspect (the dynamically linked program):
 * libdebuginfod.so.1, loaded at the first lookup, as elfutils' libdwfl loads it. goinspect
 * neither links it nor needs it: the library and the ~30 it brings (curl, a TLS stack, ...)
 * are loaded only when a stripped program is looked up with DEBUGINFOD_URLS set, and a host
 * without it simply makes no lookups. goinspect-static links debuginfod-exec.c instead. */
#include "target/target.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef HAVE_CONFIG_H
#include "config.h"  /* HAVE_ELFUTILS_DEBUGINFOD_H */
#endif
#ifdef HAVE_ELFUTILS_DEBUGINFOD_H
/* Only to check that the declarations below agree with the library's own. */
#include <elfutils/debuginfod.h>
#endif

/* The library's interface (debuginfod_find_debuginfo(3)), used through dlsym. */
typedef struct debuginfod_client debuginfod_client;
debuginfod_client *debuginfod_begin(void);
int debuginfod_find_debuginfo(debuginfod_client *client, const unsigned char *build_id,
                              int build_id_len, char **path);
void debuginfod_end(debuginfod_client *client);

static struct {
	__typeof__(debuginfod_begin) *begin;
	__typeof__(debuginfod_find_debuginfo) *find;
	__typeof__(debuginfod_end) *end;
} lib;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

/* All three functions or none. The library stays loaded: it is loaded once per process. */
static void lib_load(void)
{
	void *h = dlopen("libdebuginfod.so.1", RTLD_LAZY | RTLD_LOCAL);
	if (!h)
		return;
	lib.begin = (__typeof__(lib.begin))dlsym(h, "debuginfod_begin");
	lib.find = (__typeof__(lib.find))dlsym(h, "debuginfod_find_debuginfo");
	lib.end = (__typeof__(lib.end))dlsym(h, "debuginfod_end");
	if (!lib.begin || !lib.find || !lib.end) {
		lib.begin = NULL;
		dlclose(h);
	}
}

int gi_debuginfod_client_find(const char *build_id, char **path)
{
	*path = NULL;
	pthread_once(&lib_once, lib_load);
	if (!lib.begin)
		return -ENOSYS;
	debuginfod_client *c = lib.begin();
	if (!c)
		return -ENOMEM;
	/* build_id_len 0: a hex string, as debuginfod-find takes it */
	int fd = lib.find(c, (const unsigned char *)build_id, 0, path);
	lib.end(c);
	if (fd < 0) {
		free(*path);
		*path = NULL;
		return fd;
	}
	close(fd);
	if (!*path)
		return -ENOENT;
	return 0;
}
