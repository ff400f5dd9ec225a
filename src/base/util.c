/* util.c: messages, allocation, time and size formatting, small tables. */
#include "base/base.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sysexits.h>
#include <string.h>
#include <time.h>

const char *gi_progname = "goinspect";
void (*gi_fatal_hook)(void);

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char *m = xvasprintf(fmt, ap);
	char *safe = gi_escape_controls(m);  /* text from a file or a target: one line, inert */
	fprintf(stderr, "%s: %s%s\n", gi_progname, prefix, safe ? safe : m);
	free(safe);
	free(m);
}

char *gi_escape_controls(const char *s)
{
	if (!s)
		return NULL;
	size_t n = 0;
	bool any = false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
		if (*p < 0x20 || *p == 0x7f || c1) {
			any = true;
			n += 6;
			p += c1;
		} else {
			n++;
		}
	}
	if (!any)
		return NULL;
	char *out = xmalloc(n + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			o += sprintf(o, "\\u%04x", p[1]);  /* a C1 control: U+0080 to U+009F */
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			o += sprintf(o, "\\x%02x", *p);
		} else {
			*o++ = (char)*p;
		}
	}
	*o = 0;
	return out;
}

void gi_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void gi_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

static void oom(size_t n)
{
	if (gi_fatal_hook)
		gi_fatal_hook();
	fprintf(stderr, "%s: out of memory (%zu bytes)\n", gi_progname, n);
	exit(EX_SOFTWARE);  /* 70, goinspect(1) EXIT STATUS */
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		n = 0;
	char *p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void *gi_grow(void *v, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 16;
	return xrealloc(v, *cap * elem);
}

uint64_t gi_hash(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

uint64_t gi_hash_str(uint64_t h, const char *s)
{
	return gi_hash(h, s ? s : "", s ? strlen(s) : 0);
}

static size_t slot_of(uint64_t h, size_t nslots)
{
	return (size_t)(h ^ h >> 29) & (nslots - 1);
}

size_t gi_index_find(const struct gi_index *x, uint64_t h, bool (*eq)(void *arg, size_t item),
                     void *arg)
{
	if (!x->nslots)
		return 0;
	for (size_t j = slot_of(h, x->nslots); x->item[j]; j = (j + 1) & (x->nslots - 1))
		if (x->hash[j] == h && (!eq || eq(arg, x->item[j])))
			return x->item[j];
	return 0;
}

void gi_index_add(struct gi_index *x, uint64_t h, size_t item)
{
	if (2 * (x->n + 1) > x->nslots) {
		size_t ns = x->nslots ? 2 * x->nslots : 256;
		size_t *it = xcalloc(ns, sizeof *it);
		uint64_t *hs = xcalloc(ns, sizeof *hs);
		for (size_t i = 0; i < x->nslots; i++) {
			if (!x->item[i])
				continue;
			size_t j = slot_of(x->hash[i], ns);
			while (it[j])
				j = (j + 1) & (ns - 1);
			it[j] = x->item[i];
			hs[j] = x->hash[i];
		}
		free(x->item);
		free(x->hash);
		x->item = it;
		x->hash = hs;
		x->nslots = ns;
	}
	size_t j = slot_of(h, x->nslots);
	while (x->item[j])
		j = (j + 1) & (x->nslots - 1);
	x->item[j] = item;
	x->hash[j] = h;
	x->n++;
}

void gi_index_free(struct gi_index *x)
{
	free(x->item);
	free(x->hash);
	memset(x, 0, sizeof *x);
}

uint64_t gi_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *gi_fmt_size(char *buf, size_t n, int64_t bytes, bool sign)
{
	static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	const char *s = "";
	uint64_t mag;
	if (bytes < 0) {
		s = "-";
		mag = (uint64_t)(-(bytes + 1)) + 1;
	} else {
		s = (sign && bytes > 0) ? "+" : "";
		mag = (uint64_t)bytes;
	}
	if (mag < 1024) {
		snprintf(buf, n, "%s%" PRIu64 " B", s, mag);
		return buf;
	}
	double v = (double)mag;
	int u = 0;
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, n, v < 10 ? "%s%.2f %s" : v < 100 ? "%s%.1f %s" : "%s%.0f %s", s, v, units[u]);
	return buf;
}

const char *gi_fmt_duration(char *buf, size_t n, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, n, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, n, "%" PRIu64 " us", ns / 1000);
	else if (ns < 1000000000)
		snprintf(buf, n, "%.1f ms", (double)ns / 1e6);
	else
		snprintf(buf, n, "%.2f s", (double)ns / 1e9);
	return buf;
}

void gi_counts_add(struct gi_counts *c, const char *key, uint64_t n)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0) {
			c->v[i].count += n;
			return;
		}
	GI_GROW(c->v, c->n, c->cap);
	c->v[c->n].key = xstrdup(key);
	c->v[c->n].count = n;
	c->n++;
}

uint64_t gi_counts_get(const struct gi_counts *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0)
			return c->v[i].count;
	return 0;
}

static int kv_cmp(const void *a, const void *b)
{
	const struct gi_kv *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->key, y->key);
}

void gi_counts_sort_desc(struct gi_counts *c)
{
	if (c->n > 1)
		qsort(c->v, c->n, sizeof *c->v, kv_cmp);
}

uint64_t gi_counts_sum(const struct gi_counts *c)
{
	uint64_t s = 0;
	for (size_t i = 0; i < c->n; i++)
		s += c->v[i].count;
	return s;
}

void gi_counts_free(struct gi_counts *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].key);
	free(c->v);
	memset(c, 0, sizeof *c);
}

void gi_strmap_add(struct gi_strmap *m, const char *key, const char *value)
{
	GI_GROW(m->v, m->n, m->cap);
	m->v[m->n].key = xstrdup(key);
	m->v[m->n].value = xstrdup(value ? value : "");
	m->n++;
}

const char *gi_strmap_get(const struct gi_strmap *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].key, key) == 0)
			return m->v[i].value;
	return NULL;
}

void gi_strmap_free(struct gi_strmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].value);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

bool gi_utf8_valid(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (!n)
			return false;
		p += n;
	}
	return true;
}

char *gi_utf8_fix(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (!n) {
			*o++ = '?';
			p++;
			continue;
		}
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = 0;
	return out;
}

const char *gi_basename(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path ? path : "?";
}
