/* proc.c: readers for /proc/PID/{status,task,exe,auxv,smaps} and mapping classification. */
#include "target/target.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *open_proc(int pid, const char *what, int *err)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", pid, what);
	FILE *f = fopen(path, "re");
	if (!f)
		*err = -errno;
	return f;
}

/* Undo the escapes the kernel applies to Name: ("\n" and "\\"). */
static void unescape(char *dst, size_t n, const char *src)
{
	size_t j = 0;
	for (size_t i = 0; src[i] && src[i] != '\n' && j + 1 < n; i++) {
		if (src[i] == '\\' && src[i + 1] == 'n') {
			dst[j++] = '\n';
			i++;
		} else if (src[i] == '\\' && src[i + 1] == '\\') {
			dst[j++] = '\\';
			i++;
		} else {
			dst[j++] = src[i];
		}
	}
	dst[j] = 0;
}

int gi_status_parse(FILE *f, struct gi_proc_status *out)
{
	memset(out, 0, sizeof *out);
	out->seccomp = -1;
	char line[512];
	bool any = false;
	errno = 0;
	while (fgets(line, sizeof line, f)) {
		char *v = strchr(line, ':');
		if (!v)
			continue;
		*v++ = 0;
		while (*v == ' ' || *v == '\t')
			v++;
		any = true;
		if (!strcmp(line, "Name"))
			unescape(out->name, sizeof out->name, v);
		else if (!strcmp(line, "State"))
			out->state = v[0];
		else if (!strcmp(line, "Tgid"))
			out->tgid = atoi(v);
		else if (!strcmp(line, "PPid"))
			out->ppid = atoi(v);
		else if (!strcmp(line, "TracerPid"))
			out->tracer_pid = atoi(v);
		else if (!strcmp(line, "Threads"))
			out->threads = atoi(v);
		else if (!strcmp(line, "Uid"))
			sscanf(v, "%u %u %u", &out->uid_real, &out->uid_eff, &out->uid_saved);
		else if (!strcmp(line, "CapPrm"))
			out->cap_prm = strtoull(v, NULL, 16);
		else if (!strcmp(line, "CapEff"))
			out->cap_eff = strtoull(v, NULL, 16);
		else if (!strcmp(line, "Seccomp"))
			out->seccomp = atoi(v);
	}
	if (ferror(f))
		return errno ? -errno : -EIO;  /* ESRCH: it exited between the open and the read */
	return any ? 0 : -EINVAL;
}

int gi_proc_read_status(int pid, struct gi_proc_status *out)
{
	int err = 0;
	FILE *f = open_proc(pid, "status", &err);
	if (!f)
		return err;
	int r = gi_status_parse(f, out);
	fclose(f);
	return r == -EINVAL ? -ESRCH : r;  /* an empty status: the process went away */
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

bool gi_proc_gone(int pid)
{
	struct gi_proc_status st;
	if (gi_proc_read_status(pid, &st) != 0)
		return true;
	return st.state == 'Z' || st.state == 'X';
}

/* The last NSpid of a task: its ID in the innermost PID namespace; 0 if unknown. */
static int ns_tid(int pid, int tid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/task/%d/status", pid, tid);
	FILE *f = fopen(path, "re");
	int v = 0;
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "NSpid:", 6))
			continue;
		const char *last = strrchr(line, '\t');
		v = atoi(last ? last + 1 : line + 6);
		break;
	}
	if (f)
		fclose(f);
	return v;
}

static bool same_pid_ns(int pid)
{
	char a[64];
	struct stat x, y;
	snprintf(a, sizeof a, "/proc/%d/ns/pid", pid);
	return stat("/proc/self/ns/pid", &x) == 0 && stat(a, &y) == 0 && x.st_ino == y.st_ino &&
	       x.st_dev == y.st_dev;
}

int gi_proc_tidmap(int pid, struct gi_tidmap *m)
{
	memset(m, 0, sizeof *m);
	if (same_pid_ns(pid))
		return 0;
	int *tids;
	size_t n;
	int r = gi_proc_list_tasks(pid, &tids, &n);
	if (r < 0)
		return r;
	m->host = xcalloc(n ? n : 1, sizeof *m->host);
	m->ns = xcalloc(n ? n : 1, sizeof *m->ns);
	for (size_t i = 0; i < n; i++) {
		int v = ns_tid(pid, tids[i]);
		if (v <= 0)
			continue;
		m->host[m->n] = tids[i];
		m->ns[m->n++] = v;
	}
	free(tids);
	/* by the namespace's ID, for the lookups (insertion sort: the IDs come nearly sorted) */
	for (size_t i = 1; i < m->n; i++)
		for (size_t j = i; j > 0 && m->ns[j] < m->ns[j - 1]; j--) {
			int a = m->ns[j], b = m->host[j];
			m->ns[j] = m->ns[j - 1];
			m->host[j] = m->host[j - 1];
			m->ns[j - 1] = a;
			m->host[j - 1] = b;
		}
	return 0;
}

int gi_tidmap_host(const struct gi_tidmap *m, uint64_t tid)
{
	if (!m || !m->n)
		return tid <= INT32_MAX ? (int)tid : 0;
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((uint64_t)m->ns[mid] < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && (uint64_t)m->ns[lo] == tid ? m->host[lo] : 0;
}

void gi_tidmap_free(struct gi_tidmap *m)
{
	free(m->host);
	free(m->ns);
	memset(m, 0, sizeof *m);
}

int gi_proc_list_tasks(int pid, int **tids, size_t *n)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	size_t cap = 64, k = 0;
	int *v = xmalloc(cap * sizeof *v);
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long t = strtol(e->d_name, &end, 10);
		if (*end || t <= 0)
			continue;
		if (k == cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[k++] = (int)t;
	}
	closedir(d);
	qsort(v, k, sizeof *v, int_cmp);
	*tids = v;
	*n = k;
	return 0;
}

int gi_proc_exe_path(int pid, char *buf, size_t n)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", pid);
	ssize_t r = readlink(path, buf, n - 1);
	if (r < 0)
		return -errno;
	buf[r] = 0;
	return 0;
}

int gi_proc_read_auxv(int pid, uint64_t type, uint64_t *val)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/auxv", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	uint64_t v[2];
	int ret = -ENOENT;
	while (read(fd, v, sizeof v) == (ssize_t)sizeof v) {
		if (v[0] == 0)
			break;
		if (v[0] == type) {
			*val = v[1];
			ret = 0;
			break;
		}
	}
	close(fd);
	return ret;
}

static const char *kind_names[GI_MAP_KIND_COUNT] = {
	"executable", "shared-library", "go-heap", "thread-stack", "anonymous", "file", "special",
};

const char *gi_map_kind_name(enum gi_map_kind k)
{
	return (unsigned)k < GI_MAP_KIND_COUNT ? kind_names[k] : "anonymous";
}

int gi_map_kind_parse(const char *name)
{
	for (int i = 0; i < GI_MAP_KIND_COUNT; i++)
		if (!strcmp(name, kind_names[i]))
			return i;
	return -1;
}

/* A smaps header: "start-end perms offset dev inode [path]". */
static bool parse_header(char *line, struct gi_mapping *m)
{
	unsigned long long start, end, off, inode;
	char perms[8], dev[16];
	int pos = 0;
	if (sscanf(line, "%llx-%llx %7s %llx %15s %llu %n", &start, &end, perms, &off, dev, &inode,
	           &pos) < 6 || end < start)
		return false;
	memset(m, 0, sizeof *m);
	m->start = start;
	m->end = end;
	m->offset = off;
	unsigned maj = 0, min = 0;
	if (sscanf(dev, "%x:%x", &maj, &min) == 2)
		m->dev = makedev(maj, min);
	m->inode = inode;
	snprintf(m->perms, sizeof m->perms, "%.4s", perms);
	char *path = line + pos;
	size_t len = strlen(path);
	while (len && (path[len - 1] == '\n' || path[len - 1] == ' '))
		path[--len] = 0;
	m->path = len ? xstrdup(path) : NULL;
	m->size = end - start;
	m->kind = GI_MAP_ANON;
	return true;
}

const struct gi_mapping *gi_memory_find(const struct gi_memory *m, uint64_t addr)
{
	for (size_t i = 0; m && i < m->nmaps; i++)
		if (addr >= m->maps[i].start && addr < m->maps[i].end)
			return &m->maps[i];
	return NULL;
}

int gi_smaps_parse(FILE *f, struct gi_memory *out)
{
	memset(out, 0, sizeof *out);
	size_t cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	struct gi_mapping *cur = NULL;
	while ((len = getline(&line, &lcap, f)) > 0) {
		char *colon = strchr(line, ':');
		char *sp = strchr(line, ' ');
		if (colon && (!sp || colon < sp) && cur) {
			*colon = 0;
			unsigned long long kb = strtoull(colon + 1, NULL, 10);
			uint64_t b = (uint64_t)kb * 1024;
			if (!strcmp(line, "Rss"))
				cur->rss = b;
			else if (!strcmp(line, "Pss"))
				cur->pss = b;
			else if (!strcmp(line, "Anonymous"))
				cur->anonymous = b;
			else if (!strcmp(line, "Swap"))
				cur->swap = b;
			else if (!strcmp(line, "Shared_Dirty") || !strcmp(line, "Private_Dirty"))
				cur->dirty += b;
			continue;
		}
		GI_GROW(out->maps, out->nmaps, cap);
		if (!parse_header(line, &out->maps[out->nmaps])) {
			cur = NULL;
			continue;
		}
		cur = &out->maps[out->nmaps++];
	}
	free(line);
	for (size_t i = 0; i < out->nmaps; i++) {
		const struct gi_mapping *m = &out->maps[i];
		out->size += m->size;
		out->rss += m->rss;
		out->pss += m->pss;
		out->anonymous += m->anonymous;
		out->swap += m->swap;
		out->dirty += m->dirty;
	}
	out->available = true;
	return 0;
}

int gi_proc_read_smaps(int pid, struct gi_memory *out)
{
	int err = 0;
	FILE *f = open_proc(pid, "smaps", &err);
	if (!f)
		return err;
	static char buf[1 << 16];
	setvbuf(f, buf, _IOFBF, sizeof buf);
	int r = gi_smaps_parse(f, out);
	if (ferror(f))
		r = -errno ? -errno : -EIO;
	fclose(f);
	if (r == 0 && out->nmaps == 0)
		r = -ESRCH;  /* an empty smaps: the process has exited */
	return r;
}

static bool is_anon(const struct gi_mapping *m)
{
	return !m->path || !strncmp(m->path, "[anon:", 6);
}

static bool same_exe(const char *path, const char *exe)
{
	if (!exe || !path)
		return false;
	size_t a = strlen(path), b = strlen(exe);
	static const char del[] = " (deleted)";
	size_t dl = sizeof del - 1;
	if (a > dl && !strcmp(path + a - dl, del))
		a -= dl;
	if (b > dl && !strcmp(exe + b - dl, del))
		b -= dl;
	return a == b && !strncmp(path, exe, a);
}

void gi_memory_classify(struct gi_memory *m, const char *exe_path,
                        const uint64_t (*arenas)[2], size_t narenas,
                        const uint64_t *sps, size_t nsps)
{
	for (size_t i = 0; i < m->nmaps; i++) {
		struct gi_mapping *mp = &m->maps[i];
		const char *p = mp->path;
		if (p && p[0] == '[' && strcmp(p, "[heap]") && strcmp(p, "[stack]") &&
		    strncmp(p, "[anon:", 6)) {
			mp->kind = GI_MAP_SPECIAL;
			continue;
		}
		if (is_anon(mp)) {
			mp->kind = GI_MAP_ANON;
			for (size_t a = 0; a < narenas; a++)
				if (mp->start < arenas[a][1] && arenas[a][0] < mp->end) {
					mp->kind = GI_MAP_GO_HEAP;
					break;
				}
			if (mp->kind == GI_MAP_GO_HEAP)
				continue;
			for (size_t s = 0; s < nsps; s++)
				if (sps[s] >= mp->start && sps[s] < mp->end) {
					mp->kind = GI_MAP_STACK;
					break;
				}
			continue;
		}
		if (!strcmp(p, "[stack]"))
			mp->kind = GI_MAP_STACK;
		else if (!strcmp(p, "[heap]"))
			mp->kind = GI_MAP_ANON;
		else if (same_exe(p, exe_path))
			mp->kind = GI_MAP_EXE;
		else {
			const char *base = strrchr(p, '/');
			base = base ? base + 1 : p;
			mp->kind = strstr(base, ".so") ? GI_MAP_LIB : GI_MAP_FILE;
		}
	}
}

uint64_t gi_memory_kind_rss(const struct gi_memory *m, enum gi_map_kind k)
{
	uint64_t r = 0;
	for (size_t i = 0; i < m->nmaps; i++)
		if (m->maps[i].kind == k)
			r += m->maps[i].rss;
	return r;
}

void gi_memory_free(struct gi_memory *m)
{
	for (size_t i = 0; i < m->nmaps; i++)
		free(m->maps[i].path);
	free(m->maps);
	free(m->error);
	memset(m, 0, sizeof *m);
}
