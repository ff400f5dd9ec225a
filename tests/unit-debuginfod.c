/* Unit tests for debuginfod.c and debuginfod-exec.c (goinspect-static's client): when a lookup
 * is made at all, the build id checked, and what a debuginfod-find on PATH answers (here a
 * shell script standing in for it) turned into a path or an errno, without hanging on its
 * output or printing its messages. */
#include "target/target.h"
#include "unit.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/gi-unit-debuginfod.XXXXXX";
static char fake[256], argsfile[256], debugfile[256];

/* debuginfod-find on PATH: a script with this body (or none) */
static void client(const char *body)
{
	unlink(fake);
	if (!body)
		return;
	FILE *f = fopen(fake, "w");
	if (!f) {
		perror(fake);
		exit(99);
	}
	fprintf(f, "#!/bin/sh\necho \"$@\" > '%s'\n%s\n", argsfile, body);
	fclose(f);
	chmod(fake, 0755);
}

static int find(const char *id, char **path)
{
	*path = (char *)"unset";
	return gi_debuginfod_find(id, path);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 99;
	}
	snprintf(fake, sizeof fake, "%s/debuginfod-find", dir);
	snprintf(argsfile, sizeof argsfile, "%s/args", dir);
	snprintf(debugfile, sizeof debugfile, "%s/debuginfo", dir);
	FILE *f = fopen(debugfile, "w");
	fputs("not really ELF", f);
	fclose(f);
	setenv("PATH", dir, 1);
	const char *id = "0123456789abcdef0123456789abcdef01234567";
	char *path;
	char body[1024];
	snprintf(body, sizeof body, "echo '%s'", debugfile);

	/* no DEBUGINFOD_URLS: no lookup, the client is not even run */
	client(body);
	unsetenv("DEBUGINFOD_URLS");
	CHECK(find(id, &path) == -ENOSYS && path == NULL);
	setenv("DEBUGINFOD_URLS", "", 1);
	CHECK(find(id, &path) == -ENOSYS && path == NULL);
	CHECK(access(argsfile, F_OK) < 0);
	setenv("DEBUGINFOD_URLS", "http://127.0.0.1:1", 1);

	/* the build id goes on the command line: hex, lower case, whole bytes, at most 64 */
	CHECK(find("", &path) == -EINVAL && path == NULL);
	CHECK(find("abc", &path) == -EINVAL);
	CHECK(find("ABCD", &path) == -EINVAL);
	CHECK(find("ab cd", &path) == -EINVAL);
	CHECK(find("--help", &path) == -EINVAL);
	char longid[2 * 65 + 1];
	memset(longid, 'a', sizeof longid - 1);
	longid[sizeof longid - 1] = 0;
	CHECK(find(longid, &path) == -EINVAL);
	CHECK(access(argsfile, F_OK) < 0);

	/* found: the path it prints, after `debuginfod-find debuginfo ID` */
	CHECK(find(id, &path) == 0);
	CHECK_STR(path, debugfile);
	free(path);
	char args[256] = "";
	f = fopen(argsfile, "r");
	CHECK(f && fgets(args, sizeof args, f));
	if (f)
		fclose(f);
	char want[256];
	snprintf(want, sizeof want, "debuginfo %s\n", id);
	CHECK_STR(args, want);

	/* its messages are read and dropped, however many, while it writes the path */
	snprintf(body, sizeof body, "i=0; while [ $i -lt 2000 ]; do echo 'progress: some message of a line' >&2; "
	         "i=$((i + 1)); done; echo '%s'", debugfile);
	client(body);
	CHECK(find(id, &path) == 0);
	CHECK_STR(path, debugfile);
	free(path);

	/* not found, or an answer that is not one absolute path to a readable file */
	client("echo 'Server query failed: No such file or directory' >&2; exit 2");
	CHECK(find(id, &path) == -ENOENT && path == NULL);
	client("echo debuginfo");
	CHECK(find(id, &path) == -ENOENT && path == NULL);
	client("echo /nonexistent/debuginfo");
	CHECK(find(id, &path) == -ENOENT);
	snprintf(body, sizeof body, "echo '%s'; echo '%s'", debugfile, debugfile);
	client(body);
	CHECK(find(id, &path) == -ENOENT);
	snprintf(body, sizeof body, "echo '%s'; kill -9 $$", debugfile);
	client(body);
	CHECK(find(id, &path) == -ENOENT);
	/* more than a path's worth on stdout: read to the end, refused */
	client("i=0; while [ $i -lt 1000 ]; do echo /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; i=$((i + 1)); done");
	CHECK(find(id, &path) == -ENOENT && path == NULL);

	/* no client: none on PATH, or not executable */
	client(NULL);
	CHECK(find(id, &path) == -ENOSYS && path == NULL);
	client("exit 0");
	chmod(fake, 0644);
	CHECK(find(id, &path) == -ENOSYS);

	unlink(fake);
	unlink(argsfile);
	unlink(debugfile);
	rmdir(dir);
	return UNIT_DONE();
}
