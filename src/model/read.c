/* read.c: a snapshot file read back (plain or gzip JSON), every value checked. */
#include "model/model.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#define GI_MAX_INPUT (1024u << 20)
#define MAX_ITEMS 10000000u

struct rd {
	char *err;
	size_t errlen;
	bool bad;
};

static void fail(struct rd *r, const char *fmt, ...)
{
	if (r->bad)
		return;
	r->bad = true;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
}

/* The value under key when it is of the kind ok() accepts; NULL when absent (or null), and
 * NULL with the reading failed when it is of another kind. */
static json_t *value(struct rd *r, json_t *o, const char *key, int (*ok)(const json_t *),
                     const char *kind)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	if (!v || json_is_null(v))
		return NULL;
	if (!ok(v)) {
		fail(r, "truncated or corrupt snapshot: \"%s\" is not %s", key, kind);
		return NULL;
	}
	return v;
}

static int is_object(const json_t *v) { return json_is_object(v); }
static int is_string(const json_t *v) { return json_is_string(v); }
static int is_bool(const json_t *v) { return json_is_boolean(v); }
static int is_u64(const json_t *v) { return json_is_integer(v) && json_integer_value(v) >= 0; }
static int is_int(const json_t *v) { return json_is_integer(v); }

static json_t *obj(struct rd *r, json_t *parent, const char *key, bool required)
{
	json_t *v = value(r, parent, key, is_object, "an object");
	if (!v && required && !r->bad)
		fail(r, "truncated or corrupt snapshot: no \"%s\" object", key);
	return v;
}

static char *get_str(struct rd *r, json_t *o, const char *key)
{
	json_t *v = value(r, o, key, is_string, "a string");
	return v ? xstrdup(json_string_value(v)) : NULL;
}

static uint64_t get_u64(struct rd *r, json_t *o, const char *key)
{
	json_t *v = value(r, o, key, is_u64, "a non-negative integer");
	return v ? (uint64_t)json_integer_value(v) : 0;
}

static bool get_bool(struct rd *r, json_t *o, const char *key)
{
	json_t *v = value(r, o, key, is_bool, "true or false");
	return v && json_is_true(v);
}

static uint64_t get_hex(struct rd *r, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s = json_string_value(v);
	char *end;
	if (!s || strncmp(s, "0x", 2) != 0) {
		fail(r, "truncated or corrupt snapshot: \"%s\" is not a hex address", key);
		return 0;
	}
	errno = 0;
	unsigned long long x = strtoull(s + 2, &end, 16);
	if (*end || errno)
		fail(r, "truncated or corrupt snapshot: bad address \"%s\"", s);
	return x;
}

static void get_counts(struct rd *r, json_t *o, const char *key, struct gi_counts *c)
{
	json_t *v = value(r, o, key, is_object, "an object"), *n;
	const char *k;
	json_object_foreach(v, k, n) {
		if (!is_u64(n)) {
			fail(r, "truncated or corrupt snapshot: count \"%s\" is not an integer", k);
			return;
		}
		gi_counts_add(c, k, (uint64_t)json_integer_value(n));
	}
}

static int64_t get_i64_or(struct rd *r, json_t *o, const char *key, int64_t dflt)
{
	json_t *v = value(r, o, key, is_int, "an integer");
	return v ? json_integer_value(v) : dflt;
}

static void read_frame(struct rd *r, json_t *o, struct gi_frame *f)
{
	if (!json_is_object(o)) {
		fail(r, "truncated or corrupt snapshot: a frame is not an object");
		return;
	}
	f->func = get_str(r, o, "function");
	f->file = get_str(r, o, "file");
	f->line = (int)get_i64_or(r, o, "line", 0);
}

/* An allocation site's frames; a frame without a name or file is shown as "?". A frame's
 * "symbol" goes to (*sym)[base + index], the array made when the first one is seen. */
static struct gi_frame *read_site_frames(struct rd *r, json_t *fr, size_t *n, char ***sym,
                                          size_t base, size_t cap)
{
	*n = 0;
	if (!fr || !json_is_array(fr) || json_array_size(fr) > MAX_ITEMS)
		return NULL;
	struct gi_frame *v = xcalloc(json_array_size(fr) + 1, sizeof *v);
	json_t *f;
	size_t j;
	json_array_foreach(fr, j, f) {
		struct gi_frame *g = &v[(*n)++];
		read_frame(r, f, g);
		if (!g->func)
			g->func = xstrdup("?");
		if (!g->file)
			g->file = xstrdup("?");
		json_t *sy = json_is_object(f) ? json_object_get(f, "symbol") : NULL;
		if (sy && json_is_string(sy) && base + j < cap) {
			if (!*sym)
				*sym = xcalloc(cap, sizeof **sym);
			(*sym)[base + j] = xstrdup(json_string_value(sy));
		}
	}
	return v;
}

static size_t array_len(json_t *a)
{
	return a && json_is_array(a) && json_array_size(a) <= MAX_ITEMS ? json_array_size(a) : 0;
}

static void read_memprof(struct rd *r, json_t *o, struct gi_memprof *p)
{
	p->available = get_bool(r, o, "available");
	p->note = get_str(r, o, "note");
	p->rate = get_i64_or(r, o, "rate", 0);
	json_t *a = json_object_get(o, "sites"), *e;
	if (!a || json_is_null(a))
		return;
	if (!json_is_array(a) || json_array_size(a) > MAX_ITEMS) {
		fail(r, "truncated or corrupt snapshot: \"sites\" is not an array");
		return;
	}
	p->sites = xcalloc(json_array_size(a) + 1, sizeof *p->sites);
	size_t i;
	json_array_foreach(a, i, e) {
		if (!json_is_object(e) || r->bad) {
			fail(r, "truncated or corrupt snapshot: allocation site %zu is not an object", i);
			return;
		}
		struct gi_memsite *m = &p->sites[p->nsites++];
		m->est_inuse_objects = get_i64_or(r, e, "inuse_objects", 0);
		m->est_inuse_bytes = get_i64_or(r, e, "inuse_bytes", 0);
		m->est_alloc_objects = get_i64_or(r, e, "alloc_objects", 0);
		m->est_alloc_bytes = get_i64_or(r, e, "alloc_bytes", 0);
		json_t *sm = json_object_get(e, "sampled");
		if (sm && json_is_object(sm)) {
			m->inuse_objects = get_i64_or(r, sm, "inuse_objects", 0);
			m->inuse_bytes = get_i64_or(r, sm, "inuse_bytes", 0);
			m->alloc_objects = get_i64_or(r, sm, "alloc_objects", 0);
			m->alloc_bytes = get_i64_or(r, sm, "alloc_bytes", 0);
		}
		json_t *hf = json_object_get(e, "hidden_frames"), *ff = json_object_get(e, "frames");
		size_t nh = array_len(hf), cap = nh + array_len(ff);
		m->hidden = read_site_frames(r, hf, &m->nhidden, &m->symbols, 0, cap);
		m->frames = read_site_frames(r, ff, &m->nframes, &m->symbols, nh, cap);
		/* absent in older snapshots: what the runtime labelled samples with then */
		m->object_size = get_i64_or(r, e, "object_size",
		                            m->alloc_objects > 0 ? m->alloc_bytes / m->alloc_objects : 0);
		int64_t skip = get_i64_or(r, e, "pprof_skip", 0);
		m->pprof_skip = skip > 0 && (uint64_t)skip <= m->nhidden + m->nframes ? (size_t)skip : 0;
		size_t j;
		json_t *pcs = json_object_get(e, "pcs"), *pc;
		if (pcs && json_is_array(pcs) && json_array_size(pcs) <= MAX_ITEMS) {
			m->pcs = xcalloc(json_array_size(pcs) + 1, sizeof *m->pcs);
			json_array_foreach(pcs, j, pc) if (json_is_string(pc))
				m->pcs[m->npcs++] = strtoull(json_string_value(pc), NULL, 16);
		}
	}
}

static void read_groups(struct rd *r, json_t *gor, struct gi_snapshot *s)
{
	json_t *a = json_object_get(gor, "groups");
	if (!a || json_is_null(a))
		return;
	if (!json_is_array(a) || json_array_size(a) > MAX_ITEMS) {
		fail(r, "truncated or corrupt snapshot: \"groups\" is not an array");
		return;
	}
	size_t n = json_array_size(a);
	s->groups = xcalloc(n ? n : 1, sizeof *s->groups);
	for (size_t i = 0; i < n && !r->bad; i++) {
		json_t *e = json_array_get(a, i);
		if (!json_is_object(e)) {
			fail(r, "truncated or corrupt snapshot: group %zu is not an object", i);
			return;
		}
		struct gi_ggroup *g = &s->groups[s->ngroups++];
		g->count = get_u64(r, e, "count");
		g->wait_reason = get_str(r, e, "wait_reason");
		get_counts(r, e, "statuses", &g->statuses);
		g->wait_min_ns = get_i64_or(r, e, "wait_min_ns", -1);
		g->wait_max_ns = get_i64_or(r, e, "wait_max_ns", -1);
		json_t *cb = json_object_get(e, "created_by");
		if (cb && !json_is_null(cb))
			read_frame(r, cb, &g->created_by);
		g->truncated = get_bool(r, e, "truncated");
		json_t *lab = json_object_get(e, "labels"), *lv;
		const char *lk;
		if (lab && json_is_object(lab))
			json_object_foreach(lab, lk, lv) if (json_is_string(lv))
				gi_strmap_add(&g->labels, lk, json_string_value(lv));
		json_t *fr = json_object_get(e, "frames"), *f;
		size_t j;
		if (fr && json_is_array(fr) && json_array_size(fr) <= MAX_ITEMS) {
			g->frames = xcalloc(json_array_size(fr) + 1, sizeof *g->frames);
			json_array_foreach(fr, j, f) read_frame(r, f, &g->frames[g->nframes++]);
		} else if (fr && !json_is_null(fr)) {
			fail(r, "truncated or corrupt snapshot: \"frames\" is not an array");
		}
		json_t *ids = json_object_get(e, "goids"), *id;
		if (ids && json_is_array(ids))
			json_array_foreach(ids, j, id) if (json_is_integer(id) && g->ngoids < 5)
				g->goids[g->ngoids++] = (uint64_t)json_integer_value(id);
	}
}

static void read_all(struct rd *r, json_t *gor, struct gi_snapshot *s)
{
	json_t *a = json_object_get(gor, "all"), *e;
	if (!a || json_is_null(a))
		return;
	if (!json_is_array(a) || json_array_size(a) > MAX_ITEMS) {
		fail(r, "truncated or corrupt snapshot: \"all\" is not an array");
		return;
	}
	s->all = xcalloc(json_array_size(a) + 1, sizeof *s->all);
	size_t i;
	json_array_foreach(a, i, e) {
		if (!json_is_object(e)) {
			fail(r, "truncated or corrupt snapshot: goroutine %zu is not an object", i);
			return;
		}
		struct gi_goroutine *g = &s->all[s->nall++];
		g->goid = get_u64(r, e, "goid");
		g->status = get_str(r, e, "status");
		g->wait_ns = get_i64_or(r, e, "wait_ns", -1);
		g->group = get_i64_or(r, e, "group", -1);
		if (g->group >= (int64_t)s->ngroups)
			fail(r, "corrupt snapshot: goroutine %llu in group %lld of %zu",
			     (unsigned long long)g->goid, (long long)g->group, s->ngroups);
		g->parent_goid = get_u64(r, e, "parent_goid");
		g->tid = (int)get_i64_or(r, e, "tid", 0);
		g->locked = get_bool(r, e, "locked");
		if (json_object_get(e, "system"))
			g->system = get_bool(r, e, "system");
	}
}

/* A non-negative integer under key: a figure the snapshot has. */
static bool has_u64(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

static void read_heap(struct rd *r, json_t *o, struct gi_heap *h)
{
	h->available = get_bool(r, o, "available");
	/* what the snapshot has: every figure of a heap not marked unavailable that is there */
	json_t *av = json_object_get(o, "available");
	bool any = !(av && json_is_false(av));
	h->has_inuse = any && has_u64(o, "heap_inuse");
	h->has_objects = any && has_u64(o, "heap_objects");
	h->has_stack = any && has_u64(o, "stack_inuse");
	h->has_classes = any && json_is_array(json_object_get(o, "size_classes"));
	h->error = get_str(r, o, "error");
	for (size_t i = 0; i < gi_nheap_figures; i++) {
		const struct gi_figure *f = &gi_heap_figures[i];
		json_t *in = *f->in ? json_object_get(o, f->in) : o;
		if (json_is_object(in))
			*GI_FIGURE(h, f) = get_u64(r, in, f->name);
	}
	json_t *ng = json_object_get(o, "next_gc");
	h->next_gc = ng && json_is_null(ng) ? UINT64_MAX : get_u64(r, o, "next_gc");
	h->next_gc_note = get_str(r, o, "next_gc_note");
	h->gogc = get_i64_or(r, o, "gogc", 100);
	h->memory_limit = get_i64_or(r, o, "memory_limit", INT64_MAX);
	h->gc_in_progress = get_bool(r, o, "gc_in_progress");
	json_t *cls = json_object_get(o, "size_classes"), *e;
	size_t i;
	if (cls && (!json_is_array(cls) || json_array_size(cls) > MAX_ITEMS)) {
		fail(r, "truncated or corrupt snapshot: bad \"size_classes\"");
		return;
	}
	if (cls) {
		h->classes = xcalloc(json_array_size(cls) + 1, sizeof *h->classes);
		json_array_foreach(cls, i, e) {
			if (!json_is_object(e)) {
				fail(r, "truncated or corrupt snapshot: size class %zu is not an object", i);
				return;
			}
			struct gi_heap_class *c = &h->classes[h->nclasses++];
			uint64_t cv = get_u64(r, e, "class");
			uint64_t ncls = h->size_class_count ? h->size_class_count
			                                    : GI_SIZE_CLASSES_BEFORE_COUNT;
			if (ncls > GI_SIZE_CLASS_LIMIT)
				ncls = GI_SIZE_CLASS_LIMIT;
			if (cv >= ncls) {
				fail(r, "corrupt snapshot: size class %llu does not exist (0 to %llu)",
				     (unsigned long long)cv, (unsigned long long)ncls - 1);
				return;
			}
			c->cls = (int)cv;
			for (size_t k = 0; k < gi_nheap_class_figures; k++)
				*GI_FIGURE(c, &gi_heap_class_figures[k]) =
					get_u64(r, e, gi_heap_class_figures[k].name);
			c->have_counts = json_object_get(e, "mallocs") != NULL;
			c->mallocs = get_u64(r, e, "mallocs");
			c->frees = get_u64(r, e, "frees");
			json_t *st = json_object_get(e, "strings"), *x;
			size_t j;
			if (json_is_array(st))
				json_array_foreach(st, j, x) {
					const char *str = json_string_value(json_object_get(x, "string"));
					if (str)
						gi_counts_add(&c->strings, str, get_u64(r, x, "count"));
				}
		}
	}
	json_t *hist = json_object_get(o, "large_objects");
	if (json_is_array(hist))
		json_array_foreach(hist, i, e) {
			json_t *b = json_object_get(e, "below_bytes");
			int k = GI_LARGE_HIST - 1;
			if (json_is_integer(b))
				for (k = 0; k < GI_LARGE_HIST - 1 &&
				            (uint64_t)json_integer_value(b) > (1ull << (k + 15)); k++)
					;
			h->large_hist[k] = get_u64(r, e, "count");
		}
	json_t *rs = json_object_get(o, "rss");
	if (json_is_object(rs)) {
		h->rss_available = true;
		for (int k = 0; k < GI_HEAP_RSS_N; k++)
			*gi_heap_rss_field(&h->rss, k) = get_u64(r, rs, gi_heap_rss_names[k]);
	}
}

static int too_large(uint64_t limit, char *err, size_t errlen)
{
	if (limit < 1024)
		snprintf(err, errlen, "larger than %llu bytes: not a snapshot",
		         (unsigned long long)limit);
	else
		snprintf(err, errlen, "larger than %s (%llu bytes): not a snapshot", GI_SIZE(limit),
		         (unsigned long long)limit);
	return -EFBIG;
}

/* The whole file, decompressed: a regular file (a FIFO or a device is refused at once, not
 * waited on), at most GI_MAX_INPUT bytes (GOINSPECT_FAULT=input-limit=BYTES for the tests),
 * refused before it is read when its size says so. 0, or -errno with err. */
static int slurp(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
	*out = NULL;
	uint64_t limit = GI_MAX_INPUT, size = 0;
	const char *fl = gi_fault(GI_FAULT_INPUT_LIMIT);
	if (fl && *fl)
		limit = strtoull(fl, NULL, 10);
	int fd;
	int rc = gi_open_regular(path, &fd, &size, err, errlen);
	if (rc)
		return rc;
	unsigned char magic[2] = {0, 0};
	bool gzip = pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
	if (!gzip && size > limit) {
		close(fd);
		return too_large(limit, err, errlen);
	}
	gzFile gz = gzdopen(fd, "rb");
	if (!gz) {
		int e = errno ? errno : ENOMEM;
		snprintf(err, errlen, "%s", strerror(e));
		close(fd);
		return -e;
	}
	/* plain: the file's size, read in one go; gzip: doubling, up to the limit exactly */
	size_t cap = !gzip && size ? (size_t)size : limit < (1u << 16) ? (size_t)limit : 1u << 16;
	size_t n = 0;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		char probe;
		int k;
		if (n == cap) {  /* full: one byte more says whether there is more */
			k = gzread(gz, &probe, 1);
			if (k == 0)
				break;  /* exactly at the limit, or at the size fstat gave: the end */
			if (k > 0 && n >= limit) {
				free(buf);
				gzclose(gz);
				return too_large(limit, err, errlen);
			}
			if (k > 0) {
				cap = cap > limit / 2 ? (size_t)limit : cap * 2;
				buf = xrealloc(buf, cap + 1);
				buf[n++] = probe;
				continue;
			}
		} else {
			size_t want = cap - n > (1u << 30) ? 1u << 30 : cap - n;
			k = gzread(gz, buf + n, (unsigned)want);
		}
		if (k < 0) {
			int zerr;
			const char *m = gzerror(gz, &zerr);
			int e = zerr == Z_ERRNO ? errno : EINVAL;
			snprintf(err, errlen, "truncated or corrupt snapshot: %s",
			         zerr == Z_ERRNO ? strerror(e) : m);
			free(buf);
			gzclose(gz);
			return -e;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	int zerr = Z_OK;
	gzerror(gz, &zerr);
	gzclose(gz);
	if (zerr == Z_BUF_ERROR) {  /* a gzip stream cut short */
		snprintf(err, errlen, "truncated or corrupt snapshot: compressed data ends early");
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* "2026-11-22T15:00:00Z", as the writer puts it. */
static bool utc_time(const char *t)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	if (strlen(t) != sizeof pat - 1)
		return false;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9') : t[i] != pat[i])
			return false;
	int mon = atoi(t + 5), day = atoi(t + 8), h = atoi(t + 11), m = atoi(t + 14),
	    sec = atoi(t + 17);
	return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && h <= 23 && m <= 59 && sec <= 60;
}

/* Values each of the right type, but impossible: refused like a corrupt file. */
static void check_values(struct rd *r, const struct gi_snapshot *s)
{
	if (s->time_utc && !utc_time(s->time_utc))
		fail(r, "corrupt snapshot: capture.time is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)");
	const struct gi_heap *h = &s->heap;
	bool seen[GI_SIZE_CLASS_LIMIT] = {false};
	for (size_t i = 0; i < h->nclasses && !r->bad; i++) {
		/* (a class's size and bytes are copied from the target, whose memory may lie: a
		 * snapshot goinspect wrote must read back, so they are not judged here) */
		const struct gi_heap_class *c = &h->classes[i];
		if (seen[c->cls])
			fail(r, "corrupt snapshot: size class %d is there twice", c->cls);
		seen[c->cls] = true;
	}
	for (size_t i = 0; i < s->mem.nmaps && !r->bad; i++) {
		const struct gi_mapping *m = &s->mem.maps[i];
		if (m->end <= m->start)
			fail(r, "corrupt snapshot: mapping %zu ends before it starts", i);
		else if (m->rss > m->size)
			fail(r, "corrupt snapshot: mapping %zu has more resident bytes than it maps", i);
	}
}

int gi_snapshot_doubt(const struct gi_snapshot *s, char *msg, size_t n)
{
	uint64_t counted = gi_counts_sum(&s->by_status);
	if (s->gor_available && counted != s->gor_total) {
		snprintf(msg, n, "its goroutines by status add up to %llu, its goroutine total is "
		         "%llu", (unsigned long long)counted, (unsigned long long)s->gor_total);
		return 1;
	}
	return 0;
}

int gi_snapshot_read(const char *path, struct gi_snapshot *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	size_t len = 0;
	char *text;
	int rc = slurp(path, &text, &len, err, errlen);
	if (rc < 0)
		return rc;
	if (len == 0) {
		snprintf(err, errlen, "empty file: not a goinspect snapshot");
		free(text);
		return -EINVAL;
	}
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!root) {
		snprintf(err, errlen, "truncated or corrupt snapshot: JSON error at line %d column %d: %s",
		         je.line, je.column, je.text);
		return -EINVAL;
	}
	struct rd r = {err, errlen, false};
	json_t *fv = json_is_object(root) ? json_object_get(root, "format_version") : NULL;
	if (!fv || !json_is_integer(fv)) {
		snprintf(err, errlen, "not a goinspect snapshot (no format_version)");
		json_decref(root);
		return -EINVAL;
	}
	if (json_integer_value(fv) > GI_FORMAT_VERSION || json_integer_value(fv) < 1) {
		snprintf(err, errlen, "format_version %lld is newer than this goinspect reads (%d)",
		         (long long)json_integer_value(fv), GI_FORMAT_VERSION);
		json_decref(root);
		return -ENOTSUP;
	}
	s->format_version = (int)json_integer_value(fv);
	json_t *tool = obj(&r, root, "tool", false);
	s->tool_version = get_str(&r, tool, "version");
	json_t *t = obj(&r, root, "target", true);
	if (t) {
		s->pid = (int)get_u64(&r, t, "pid");
		s->exe = get_str(&r, t, "exe");
		s->comm = get_str(&r, t, "comm");
		s->go_version = get_str(&r, t, "go_version");
		json_t *mm = obj(&r, t, "main_module", false);
		s->main_path = get_str(&r, mm, "path");
		s->main_version = get_str(&r, mm, "version");
		json_t *bs = obj(&r, t, "build_settings", false);
		const char *k;
		json_t *v;
		if (bs)
			json_object_foreach(bs, k, v) if (json_is_string(v))
				gi_strmap_add(&s->build_settings, k, json_string_value(v));
		s->build_id = get_str(&r, t, "build_id");
		s->pie = get_bool(&r, t, "pie");
		s->has_dwarf = get_bool(&r, t, "dwarf");
		s->layouts = get_str(&r, t, "layouts");
		/* absent in snapshots older than the field: every release was a known one then */
		s->release_known = !json_object_get(t, "release_known") || get_bool(&r, t, "release_known");
		s->threads = (int)get_u64(&r, t, "threads");
	}
	json_t *c = obj(&r, root, "capture", true);
	if (c) {
		s->time_utc = get_str(&r, c, "time");
		s->pause_ns = get_u64(&r, c, "pause_ns");
		s->total_ns = get_u64(&r, c, "total_ns");
		s->max_stop_ns = get_u64(&r, c, "max_stop_ns");
		s->partial = get_bool(&r, c, "partial");
		json_t *stopped = json_object_get(c, "stopped");
		s->stopped = !stopped || get_bool(&r, c, "stopped");
		json_t *w = json_object_get(c, "warnings");
		size_t i;
		json_t *v;
		if (json_is_array(w))
			json_array_foreach(w, i, v) if (json_is_string(v))
				gi_snapshot_add_warning(s, "%s", json_string_value(v));
	}
	json_t *g = obj(&r, root, "goroutines", true);
	if (g) {
		s->gor_available = get_bool(&r, g, "available");
		s->gor_error = get_str(&r, g, "error");
		s->gor_total = get_u64(&r, g, "total");
		s->gor_system = get_u64(&r, g, "system");
		s->gor_allglen = get_u64(&r, g, "allglen");
		get_counts(&r, g, "by_status", &s->by_status);
		get_counts(&r, g, "system_by_status", &s->system_by_status);
		s->stacks_available = get_bool(&r, g, "stacks_available");
		s->gor_inconsistent = get_u64(&r, g, "inconsistent");
		if (json_object_get(g, "no_stack"))
			s->gor_nostack = get_u64(&r, g, "no_stack");
		read_groups(&r, g, s);
		read_all(&r, g, s);
	}
	json_t *heap = obj(&r, root, "heap", false);
	json_t *prof = heap ? obj(&r, heap, "profile", false) : NULL;
	if (prof)
		read_memprof(&r, prof, &s->mprof);
	json_t *nt = obj(&r, root, "native_threads", false);
	if (nt) {
		s->native_available = get_bool(&r, nt, "available");
		json_t *arr = json_object_get(nt, "threads"), *e;
		size_t i;
		if (arr && json_is_array(arr) && json_array_size(arr) < 100000) {
			s->native = xcalloc(json_array_size(arr) + 1, sizeof *s->native);
			json_array_foreach(arr, i, e) {
				if (!json_is_object(e))
					continue;
				struct gi_native_stack *ct = &s->native[s->nnative++];
				ct->tid = (int)get_u64(&r, e, "tid");
				ct->name = get_str(&r, e, "name");
				ct->truncated = get_bool(&r, e, "truncated");
				json_t *fr = json_object_get(e, "frames"), *f;
				size_t j;
				if (fr && json_is_array(fr) && json_array_size(fr) < 100000) {
					ct->frames = xcalloc(json_array_size(fr) + 1, sizeof *ct->frames);
					json_array_foreach(fr, j, f) {
						if (!json_is_object(f))
							continue;
						struct gi_native_frame *nf = &ct->frames[ct->nframes++];
						nf->func = get_str(&r, f, "function");
						nf->offset = get_u64(&r, f, "offset");
						nf->module = get_str(&r, f, "module");
						json_t *ip = json_object_get(f, "ip");
						nf->ip = json_is_string(ip) ? get_hex(&r, f, "ip") : 0;
					}
				}
			}
		}
	}
	json_t *m = obj(&r, root, "memory", true);
	if (m) {
		struct gi_memory *mem = &s->mem;
		mem->available = get_bool(&r, m, "available");
		mem->error = get_str(&r, m, "error");
		mem->size = get_u64(&r, m, "size");
		mem->rss = get_u64(&r, m, "rss");
		mem->pss = get_u64(&r, m, "pss");
		mem->anonymous = get_u64(&r, m, "anonymous");
		mem->swap = get_u64(&r, m, "swap");
		mem->dirty = get_u64(&r, m, "dirty");
		json_t *maps = json_object_get(m, "mappings");
		if (maps && !json_is_array(maps))
			fail(&r, "truncated or corrupt snapshot: \"mappings\" is not an array");
		else if (maps && json_array_size(maps) > MAX_ITEMS)
			fail(&r, "corrupt snapshot: %zu mappings", json_array_size(maps));
		else if (maps && json_array_size(maps)) {
			size_t n = json_array_size(maps);
			mem->maps = xcalloc(n, sizeof *mem->maps);
			for (size_t i = 0; i < n && !r.bad; i++) {
				json_t *e = json_array_get(maps, i);
				if (!json_is_object(e)) {
					fail(&r, "truncated or corrupt snapshot: mapping %zu is not an object", i);
					break;
				}
				struct gi_mapping *mp = &mem->maps[mem->nmaps++];
				mp->start = get_hex(&r, e, "start");
				mp->end = get_hex(&r, e, "end");
				char *perms = get_str(&r, e, "perms");
				snprintf(mp->perms, sizeof mp->perms, "%s", perms ? perms : "----");
				free(perms);
				mp->offset = get_u64(&r, e, "offset");
				mp->path = get_str(&r, e, "path");
				char *kind = get_str(&r, e, "kind");
				int k = kind ? gi_map_kind_parse(kind) : -1;
				mp->kind = k < 0 ? GI_MAP_ANON : (enum gi_map_kind)k;
				free(kind);
				mp->size = get_u64(&r, e, "size");
				mp->rss = get_u64(&r, e, "rss");
				mp->pss = get_u64(&r, e, "pss");
				mp->anonymous = get_u64(&r, e, "anonymous");
				mp->swap = get_u64(&r, e, "swap");
				mp->dirty = get_u64(&r, e, "dirty");
			}
		}
	}
	json_t *hp = obj(&r, root, "heap", false);  /* older snapshots have none */
	if (hp)
		read_heap(&r, hp, &s->heap);
	json_decref(root);
	if (!r.bad)
		check_values(&r, s);
	if (r.bad) {
		gi_snapshot_free(s);
		return -EINVAL;
	}
	return 0;
}
