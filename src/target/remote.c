/* remote.c: reading the target's memory.
 *
 * process_vm_readv with many iovecs per call (IOV_MAX at a time); when the kernel refuses it
 * (ENOSYS, EPERM under some seccomp policies) the same requests go through pread on
 * /proc/PID/mem. A short transfer stops at the first unreadable remote range: that request is
 * marked failed and the batch goes on after it.
 */
#include "target/target.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef IOV_MAX
#define IOV_MAX 1024
#endif

int gi_remote_open(struct gi_remote *m, int pid)
{
	memset(m, 0, sizeof *m);
	m->pid = pid;
	m->fd = -1;
	/* Test hook GOINSPECT_FAULT=read-garbage=SEED[:RATE]: about one 8-byte word in RATE
	 * (default 64) of everything read from the target is replaced by garbage (random bits,
	 * huge or small numbers, pointers into the same read), as memory that changes or lies
	 * under a reader would look. */
	const char *v = gi_fault(GI_FAULT_READ_GARBAGE);
	if (v) {
		char *end;
		m->garbage_seed = strtoull(v, &end, 10) * 0x9e3779b97f4a7c15ull + 1;
		m->garbage_rate = *end == ':' ? strtoull(end + 1, NULL, 10) : 64;
		if (!m->garbage_rate)
			m->garbage_rate = 64;
	}
	return 0;
}

void gi_remote_open_buffer(struct gi_remote *m, uint64_t base, const void *data, size_t len)
{
	memset(m, 0, sizeof *m);
	m->fd = -1;
	m->local = data;
	m->local_base = base;
	m->local_len = len;
}

/* Requests served from a buffer (gi_remote_open_buffer): what the parsers see in tests. */
static long readv_local(struct gi_remote *m, struct gi_readreq *r, size_t n)
{
	long failed = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t off = r[i].addr - m->local_base;
		r[i].err = 0;
		if (r[i].addr < m->local_base || off > m->local_len || r[i].len > m->local_len - off) {
			r[i].err = EFAULT;
			failed++;
			continue;
		}
		memcpy(r[i].buf, m->local + off, r[i].len);
		m->bytes += r[i].len;
	}
	m->calls++;
	return failed;
}

static uint64_t next_rand(uint64_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 7;
	*st ^= *st << 17;
	return *st;
}

static void corrupt(struct gi_remote *m, uint8_t *buf, size_t len, uint64_t addr)
{
	for (size_t off = 0; off + 8 <= len; off += 8) {
		if (next_rand(&m->garbage_seed) % m->garbage_rate)
			continue;
		uint64_t r = next_rand(&m->garbage_seed), v;
		switch (r % 5) {
		case 0: v = r; break;                                   /* random bits */
		case 1: v = UINT64_MAX - (r >> 60); break;              /* huge */
		case 2: v = r % 64; break;                              /* small */
		case 3: v = addr + (r % (len + 1)); break;              /* into this read */
		default: v = 0; break;
		}
		memcpy(buf + off, &v, 8);
	}
}

static long readv_raw(struct gi_remote *m, struct gi_readreq *r, size_t n);

long gi_remote_readv(struct gi_remote *m, struct gi_readreq *r, size_t n)
{
	long f = m->local ? readv_local(m, r, n) : readv_raw(m, r, n);
	if (m->garbage_rate && f >= 0)
		for (size_t i = 0; i < n; i++)
			if (!r[i].err)
				corrupt(m, r[i].buf, r[i].len, r[i].addr);
	return f;
}

void gi_remote_close(struct gi_remote *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

static int open_fd(struct gi_remote *m)
{
	if (m->fd >= 0)
		return 0;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/mem", m->pid);
	m->fd = open(path, O_RDONLY | O_CLOEXEC);
	return m->fd < 0 ? -errno : 0;
}

static int read_fd(struct gi_remote *m, struct gi_readreq *r)
{
	size_t done = 0;
	while (done < r->len) {
		ssize_t n = pread(m->fd, (char *)r->buf + done, r->len - done,
		                  (off_t)(r->addr + done));
		m->calls++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EIO ? EFAULT : errno;
		}
		if (n == 0)
			return done ? EFAULT : ESRCH;  /* EOF: the process is gone */
		done += (size_t)n;
		m->bytes += (uint64_t)n;
	}
	return 0;
}

static long readv_raw(struct gi_remote *m, struct gi_readreq *r, size_t n)
{
	long failed = 0;
	size_t i = 0;
	struct iovec local[IOV_MAX], remote[IOV_MAX];

	while (i < n && !m->use_fd) {
		size_t k = 0;
		while (k < IOV_MAX && i + k < n) {
			local[k].iov_base = r[i + k].buf;
			local[k].iov_len = r[i + k].len;
			remote[k].iov_base = (void *)(uintptr_t)r[i + k].addr;
			remote[k].iov_len = r[i + k].len;
			r[i + k].err = 0;
			k++;
		}
		ssize_t got = process_vm_readv(m->pid, local, k, remote, k, 0);
		m->calls++;
		if (got < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			if (e == ENOSYS || e == EPERM) {
				if (open_fd(m) == 0) {
					m->use_fd = true;
					break;
				}
			}
			if (e == ESRCH)
				return -ESRCH;
			/* The first request is unreadable (EFAULT): mark it and go on after it. */
			r[i].err = e;
			failed++;
			i++;
			continue;
		}
		m->bytes += (uint64_t)got;
		size_t left = (size_t)got, j = 0;
		while (j < k && left >= r[i + j].len) {
			left -= r[i + j].len;
			j++;
		}
		if (j == k) {
			i += k;
			continue;
		}
		r[i + j].err = EFAULT;  /* the transfer stopped inside or at this one */
		failed++;
		i += j + 1;
	}
	for (; i < n; i++) {
		r[i].err = read_fd(m, &r[i]);
		if (r[i].err == ESRCH)
			return -ESRCH;
		if (r[i].err)
			failed++;
	}
	return failed;
}

int gi_remote_read(struct gi_remote *m, uint64_t addr, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	struct gi_readreq r = {.addr = addr, .buf = buf, .len = len};
	long f = gi_remote_readv(m, &r, 1);
	if (f < 0)
		return (int)f;
	return r.err ? -r.err : 0;
}

int gi_remote_read_u64(struct gi_remote *m, uint64_t addr, uint64_t *v)
{
	return gi_remote_read(m, addr, v, sizeof *v);
}

/* ---- coalesced reads ---- */

/* A scratch area made of blocks that never move, so pointers into it stay valid. Blocks are
 * mapped with MAP_POPULATE: the pages exist before the target is stopped, and the copy does
 * not pay a page fault per 4 KiB. */
struct gi_scratch_block {
	struct gi_scratch_block *next;
	size_t cap, used;
	uint8_t *p;
};

void *gi_scratch_alloc(struct gi_scratch *s, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct gi_scratch_block *b = s->head;
	if (!b || b->cap - b->used < n) {
		/* The first block has the estimated size; when the estimate was short, further
		 * blocks are small (4 MiB, or the request). */
		size_t want = b ? (size_t)4 << 20 : s->min_block;
		size_t cap = n > want ? n : want;
		cap = (cap + 4095) & ~(size_t)4095;
		void *p = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		b = xcalloc(1, sizeof *b);
		b->p = p;
		b->cap = cap;
		b->next = s->head;
		s->head = b;
	}
	void *r = b->p + b->used;
	b->used += n;
	return r;
}

void gi_scratch_reset(struct gi_scratch *s)
{
	for (struct gi_scratch_block *b = s->head; b; b = b->next)
		b->used = 0;
}

void gi_scratch_free(struct gi_scratch *s)
{
	while (s->head) {
		struct gi_scratch_block *b = s->head;
		s->head = b->next;
		munmap(b->p, b->cap);
		free(b);
	}
}

struct half_read {
	struct gi_remote m;  /* a copy: its counters are added back afterwards */
	struct gi_readreq *r;
	size_t n;
	long failed;
};

static void *read_half(void *arg)
{
	struct half_read *h = arg;
	h->failed = gi_remote_readv(&h->m, h->r, h->n);
	return NULL;
}

/* gi_remote_readv of large ranges, split between two threads when there is much to copy: the
 * kernel's cost is pinning and copying pages, which two CPUs do in about half the time. */
static long readv_split(struct gi_remote *m, struct gi_readreq *r, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += r[i].len;
	if (total < (8u << 20) || n < 2)
		return gi_remote_readv(m, r, n);
	size_t k = 0;
	for (uint64_t acc = 0; k < n && acc < total / 2; k++)
		acc += r[k].len;
	struct half_read h = {*m, r + k, n - k, 0};
	pthread_t th;
	if (pthread_create(&th, NULL, read_half, &h) != 0)
		return gi_remote_readv(m, r, n);
	long f = gi_remote_readv(m, r, k);
	pthread_join(th, NULL);
	m->bytes += h.m.bytes;
	m->calls += h.m.calls;
	if (f < 0 || h.failed < 0)
		return f < 0 ? f : h.failed;
	return f + h.failed;
}

/* Sorts request indices by address: LSD radix sort on the 48 address bits in use. */
static void sort_by_addr(const struct gi_readreq *r, size_t n, size_t *idx)
{
	size_t *tmp = xmalloc(n * sizeof *tmp);
	size_t *a = idx, *b = tmp;
	for (int shift = 0; shift < 64; shift += 16) {
		size_t count[65537] = {0};
		bool any = false;
		for (size_t i = 0; i < n; i++) {
			uint64_t d = (r[a[i]].addr >> shift) & 0xffff;
			count[d + 1]++;
			any |= (r[a[i]].addr >> shift) != 0;
		}
		if (!any)
			break;
		for (size_t d = 0; d < 65536; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++)
			b[count[(r[a[i]].addr >> shift) & 0xffff]++] = a[i];
		size_t *t = a;
		a = b;
		b = t;
	}
	if (a != idx)
		memcpy(idx, a, n * sizeof *idx);
	free(tmp);
}

long gi_remote_readv_coalesced(struct gi_remote *m, struct gi_readreq *r, size_t n, size_t maxgap,
                            struct gi_scratch *sc)
{
	if (n == 0)
		return 0;
	size_t *idx = xmalloc(n * sizeof *idx);
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_by_addr(r, n, idx);

	/* Ranges of requests (in address order) that are read as one, at most 4 MiB each. */
	struct range {
		size_t first, count;
	} *rg = xmalloc(n * sizeof *rg);
	struct gi_readreq *big = xmalloc(n * sizeof *big);
	size_t nrg = 0;
	const uint64_t cap = 4u << 20;
	for (size_t i = 0; i < n;) {
		uint64_t lo = r[idx[i]].addr, hi = lo + r[idx[i]].len;
		size_t j = i + 1;
		while (j < n) {
			const struct gi_readreq *q = &r[idx[j]];
			uint64_t qe = q->addr + q->len;
			if (q->addr > hi + maxgap || (qe > hi ? qe : hi) - lo > cap)
				break;
			if (qe > hi)
				hi = qe;
			j++;
		}
		rg[nrg] = (struct range){i, j - i};
		big[nrg] = (struct gi_readreq){lo, NULL, (size_t)(hi - lo), 0};
		nrg++;
		i = j;
	}
	long failed = 0;
	for (size_t k = 0; k < nrg; k++) {
		big[k].buf = gi_scratch_alloc(sc, big[k].len);
		if (!big[k].buf) {
			failed = -ENOMEM;
			goto out;
		}
	}
	failed = readv_split(m, big, nrg);
	if (failed < 0)
		goto out;
	failed = 0;
	for (size_t k = 0; k < nrg; k++) {
		for (size_t j = 0; j < rg[k].count; j++) {
			struct gi_readreq *q = &r[idx[rg[k].first + j]];
			if (!big[k].err) {
				uint8_t *src = (uint8_t *)big[k].buf + (q->addr - big[k].addr);
				if (q->buf)
					memcpy(q->buf, src, q->len);
				else
					q->buf = src;
				q->err = 0;
				continue;
			}
			/* Some page of the range is unreadable: read its requests alone. */
			if (!q->buf)
				q->buf = (uint8_t *)big[k].buf + (q->addr - big[k].addr);
			long f = gi_remote_readv(m, q, 1);
			if (f < 0) {
				failed = f;
				goto out;
			}
			failed += q->err != 0;
		}
	}
out:
	free(big);
	free(rg);
	free(idx);
	return failed;
}
