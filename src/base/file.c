/* file.c: files as their names mean them. A file read must be a regular file (a FIFO or a
 * device would block or never end); a file written replaces a regular file atomically, and is
 * written through to anything else (a FIFO, a device, a process's file descriptor), never
 * replaced by a regular file. */
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

const char *gi_file_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	default: return "not a regular file";
	}
}

int gi_open_regular(const char *path, int *fdp, uint64_t *size, char *err, size_t errlen)
{
	*fdp = -1;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s", strerror(e));
		return -e;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		snprintf(err, errlen, "%s", strerror(e));
		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s, not a regular file", gi_file_kind(st.st_mode));
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*fdp = fd;
	if (size)
		*size = (uint64_t)st.st_size;
	return 0;
}

/* ---- writing ---- */

enum how { OUT_NEW, OUT_REPLACE, OUT_THROUGH };

/* A symbolic link of /proc (/proc/self/fd/1, which /dev/stdout names): it stands for an open
 * file of a process, which may have no name at all (a pipe): written through, never
 * resolved by its text. */
static bool proc_link(const char *path)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct statfs sf;
	bool proc = fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
	close(fd);
	return proc;
}

/* The descriptor N when path is /proc/self/fd/N (or /dev/fd/N, thread-self, our own PID),
 * -1 otherwise. */
static int own_fd(const char *path)
{
	char self[32];
	snprintf(self, sizeof self, "/proc/%d/fd/", (int)getpid());
	const char *prefixes[] = {"/proc/self/fd/", "/proc/thread-self/fd/", "/dev/fd/", self};
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(path, prefixes[i], n) || !path[n])
			continue;
		char *end;
		long fd = strtol(path + n, &end, 10);
		return *end || fd < 0 || fd > INT_MAX ? -1 : (int)fd;
	}
	return -1;
}

/* Follows symbolic links (at most 40, as the kernel does) to what path finally names: *out
 * (allocated) and how it is written; *mode: the permissions of the file it replaces. 0, or
 * -errno with err. */
static int resolve(const char *path, char **out, enum how *how, unsigned *mode, char *err,
                   size_t errlen)
{
	char *cur = xstrdup(path);
	*out = NULL;
	for (int hops = 0; hops <= 40; hops++) {
		struct stat st;
		if (lstat(cur, &st) != 0) {
			int e = errno;
			size_t len = strlen(cur);
			if (e == ENOENT && len && cur[len - 1] != '/') {
				*out = cur;
				*how = OUT_NEW;
				return 0;
			}
			if (e == ENOENT)
				snprintf(err, errlen, "no such directory");
			else
				snprintf(err, errlen, "%s", strerror(e));
			free(cur);
			return -e;
		}
		if (S_ISLNK(st.st_mode)) {
			if (proc_link(cur)) {
				*out = cur;
				*how = OUT_THROUGH;
				return 0;
			}
			char target[PATH_MAX];
			ssize_t n = readlink(cur, target, sizeof target - 1);
			if (n < 0) {
				int e = errno;
				snprintf(err, errlen, "%s", strerror(e));
				free(cur);
				return -e;
			}
			target[n] = 0;
			char *next;
			const char *slash = strrchr(cur, '/');
			if (target[0] == '/' || !slash)
				next = xstrdup(target);
			else
				next = xasprintf("%.*s/%s", (int)(slash - cur), cur, target);
			free(cur);
			cur = next;
			continue;
		}
		if (S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s%s", gi_file_kind(st.st_mode),
			         S_ISDIR(st.st_mode) ? ": give a file name" : ", not writable as a file");
			free(cur);
			return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		}
		*out = cur;
		*how = S_ISREG(st.st_mode) ? OUT_REPLACE : OUT_THROUGH;
		*mode = st.st_mode & 07777;
		return 0;
	}
	snprintf(err, errlen, "%s", strerror(ELOOP));
	free(cur);
	return -ELOOP;
}

/* The directory a new file of path goes in. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xasprintf("%.*s", (int)(slash - path), path);
}

int gi_out_check(const char *path, char *err, size_t errlen)
{
	char *real;
	enum how how;
	unsigned mode;
	int rc = resolve(path, &real, &how, &mode, err, errlen);
	if (rc)
		return rc;
	if (how != OUT_THROUGH) {
		char *dir = dir_of(real);
		if (access(dir, W_OK | X_OK) != 0) {
			rc = -errno;
			snprintf(err, errlen, "%s", rc == -ENOENT ? "no such directory" : strerror(-rc));
		}
		free(dir);
	}
	free(real);
	return rc;
}

int gi_out_open(struct gi_out *o, const char *path, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->fd = -1;
	enum how how;
	unsigned mode = 0;
	int rc = resolve(path, &o->path, &how, &mode, err, errlen);
	if (rc)
		return rc;
	int own = own_fd(o->path);
	if (how == OUT_THROUGH && own >= 0) {
		/* one of goinspect's own descriptors (/dev/stdout): written where it stands, as a
		 * shell would, not reopened from its start */
		o->fd = fcntl(own, F_DUPFD_CLOEXEC, 3);
		if (o->fd < 0) {
			rc = -errno;
			snprintf(err, errlen, "%s", strerror(-rc));
			free(o->path);
			o->path = NULL;
		}
		return rc;
	}
	if (how == OUT_THROUGH) {
		/* a FIFO waits here for its reader, as it does for any writer */
		o->fd = open(o->path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
		if (o->fd < 0) {
			rc = -errno;
			snprintf(err, errlen, "%s", strerror(-rc));
			free(o->path);
			o->path = NULL;
		}
		return rc;
	}
	o->tmp = xasprintf("%s.tmpXXXXXX", o->path);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s", rc == -ENOENT ? "no such directory" : strerror(-rc));
		free(o->tmp);
		free(o->path);
		o->tmp = o->path = NULL;
		return rc;
	}
	if (how == OUT_NEW) {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}
	fchmod(o->fd, mode);  /* mkstemp made it 0600: a replaced file keeps its permissions */
	return 0;
}

int gi_out_close(struct gi_out *o, bool ok, char *err, size_t errlen)
{
	int rc = 0;
	if (o->tmp) {
		if (ok && rename(o->tmp, o->path) != 0) {
			rc = -errno;
			snprintf(err, errlen, "%s", strerror(-rc));
		}
		if (!ok || rc)
			unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
	o->fd = -1;
	return rc;
}
