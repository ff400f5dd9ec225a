/* write.c: the snapshot as a JSON document (goinspect-snapshot(5)), written atomically,
 * plain or gzip. */
#include "model/model.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* A JSON string (text from the target made valid UTF-8), or null. */
static json_t *str_or_null(const char *s)
{
	if (!s)
		return json_null();
	if (gi_utf8_valid(s))
		return json_string(s);
	char *f = gi_utf8_fix(s);
	json_t *j = json_string(f);
	free(f);
	return j;
}

/* json_object_set_new with a key that may hold any bytes. */
static void set_any_key(json_t *obj, const char *key, json_t *v)
{
	if (gi_utf8_valid(key)) {
		json_object_set_new(obj, key, v);
		return;
	}
	char *f = gi_utf8_fix(key);
	json_object_set_new(obj, f, v);
	free(f);
}

static json_t *u64(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *hex(uint64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
	return json_string(b);
}

static json_t *counts_json(const struct gi_counts *c)
{
	json_t *o = json_object();
	for (size_t i = 0; i < c->n; i++)
		set_any_key(o, c->v[i].key, u64(c->v[i].count));
	return o;
}

static json_t *frame_json(const struct gi_frame *f)
{
	return json_pack("{s:o, s:o, s:i}", "function", str_or_null(f->func), "file",
	                 str_or_null(f->file), "line", f->line);
}

static json_t *groups_json(const struct gi_snapshot *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct gi_ggroup *g = &s->groups[i];
		json_t *frames = json_array(), *goids = json_array();
		for (size_t j = 0; j < g->nframes; j++)
			json_array_append_new(frames, frame_json(&g->frames[j]));
		for (size_t j = 0; j < g->ngoids; j++)
			json_array_append_new(goids, u64(g->goids[j]));
		json_t *labels = json_object();
		for (size_t j = 0; j < g->labels.n; j++)
			set_any_key(labels, g->labels.v[j].key, str_or_null(g->labels.v[j].value));
		json_array_append_new(a, json_pack(
			"{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "count", u64(g->count),
			"labels", labels,
			"wait_reason", str_or_null(g->wait_reason), "statuses", counts_json(&g->statuses),
			"wait_min_ns", g->wait_min_ns >= 0 ? json_integer(g->wait_min_ns) : json_null(),
			"wait_max_ns", g->wait_max_ns >= 0 ? json_integer(g->wait_max_ns) : json_null(),
			"created_by", g->created_by.func ? frame_json(&g->created_by) : json_null(),
			"frames", frames, "goids", goids, "truncated", g->truncated));
	}
	return a;
}

#define ALL_MARK "\001goroutines.all\001"

/* The figures of a table whose `in` is `in`, into o. */
static void put_figures(json_t *o, const void *base, const struct gi_figure *f, size_t n,
                        const char *in)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(f[i].in, in))
			json_object_set_new(o, f[i].name, u64(*GI_FIGURE(base, &f[i])));
}

static json_t *heap_json(const struct gi_heap *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "available", json_boolean(h->available));
	json_object_set_new(o, "error", str_or_null(h->error));
	put_figures(o, h, gi_heap_figures, gi_nheap_figures, "");
	/* Integers past 2^53 do not survive JSON tools that use doubles (jq): "none" is null. */
	json_object_set_new(o, "next_gc", h->next_gc > (1ull << 53) ? json_null() : u64(h->next_gc));
	json_object_set_new(o, "next_gc_note", str_or_null(h->next_gc_note));
	json_object_set_new(o, "gogc", json_integer(h->gogc));
	json_object_set_new(o, "memory_limit", h->memory_limit == INT64_MAX ? json_null()
	                                                                   : json_integer(h->memory_limit));
	json_object_set_new(o, "gc_in_progress", json_boolean(h->gc_in_progress));
	const char *const sub[] = {"spans", "span_walk"};
	for (size_t k = 0; k < 2; k++) {
		json_t *x = json_object();
		put_figures(x, h, gi_heap_figures, gi_nheap_figures, sub[k]);
		json_object_set_new(o, sub[k], x);
	}
	json_t *cls = json_array();
	for (size_t i = 0; i < h->nclasses; i++) {
		const struct gi_heap_class *c = &h->classes[i];
		json_t *e = json_object();
		json_object_set_new(e, "class", json_integer(c->cls));
		put_figures(e, c, gi_heap_class_figures, gi_nheap_class_figures, "");
		json_object_set_new(e, "free_slots", u64(c->slots > c->objects ? c->slots - c->objects : 0));
		double frag = c->pages ? 1.0 - (double)c->bytes / ((double)c->pages * 8192.0) : 0.0;
		json_object_set_new(e, "fragmentation", json_real(frag < 0 ? 0 : frag));
		if (c->have_counts) {
			json_object_set_new(e, "mallocs", u64(c->mallocs));
			json_object_set_new(e, "frees", u64(c->frees));
		}
		json_t *st = json_array();
		for (size_t j = 0; j < c->strings.n; j++)
			json_array_append_new(st, json_pack("{s:s, s:o}", "string", c->strings.v[j].key,
			                                    "count", u64(c->strings.v[j].count)));
		json_object_set_new(e, "strings", st);
		json_array_append_new(cls, e);
	}
	json_object_set_new(o, "size_classes", cls);
	json_t *hist = json_array();
	for (int i = 0; i < GI_LARGE_HIST; i++)
		if (h->large_hist[i])
			json_array_append_new(hist, json_pack("{s:o, s:o}", "below_bytes",
			                                      i == GI_LARGE_HIST - 1 ? json_null()
			                                                             : u64(1ull << (i + 15)),
			                                      "count", u64(h->large_hist[i])));
	json_object_set_new(o, "large_objects", hist);
	if (h->rss_available) {
		json_t *r = json_object();
		struct gi_heap_rss rs = h->rss;
		for (int i = 0; i < GI_HEAP_RSS_N; i++)
			json_object_set_new(r, gi_heap_rss_names[i], u64(*gi_heap_rss_field(&rs, i)));
		json_object_set_new(o, "rss", r);
	} else {
		json_object_set_new(o, "rss", json_null());
	}
	return o;
}

static json_t *memprof_json(const struct gi_memprof *p)
{
	json_t *sites = json_array();
	for (size_t i = 0; i < p->nsites; i++) {
		const struct gi_memsite *m = &p->sites[i];
		json_t *frames = json_array(), *pcs = json_array(), *hidden = json_array();
		for (size_t j = 0; j < m->nhidden + m->nframes; j++) {
			json_t *f = frame_json(j < m->nhidden ? &m->hidden[j] : &m->frames[j - m->nhidden]);
			if (m->symbols && m->symbols[j])
				json_object_set_new(f, "symbol", json_string(m->symbols[j]));
			json_array_append_new(j < m->nhidden ? hidden : frames, f);
		}
		for (size_t j = 0; j < m->npcs; j++)
			json_array_append_new(pcs, hex(m->pcs[j]));
		json_array_append_new(sites, json_pack(
			"{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:o, s:o}",
			"inuse_objects", (json_int_t)m->est_inuse_objects,
			"inuse_bytes", (json_int_t)m->est_inuse_bytes,
			"alloc_objects", (json_int_t)m->est_alloc_objects,
			"alloc_bytes", (json_int_t)m->est_alloc_bytes,
			"sampled", "inuse_objects", (json_int_t)m->inuse_objects,
			"inuse_bytes", (json_int_t)m->inuse_bytes,
			"alloc_objects", (json_int_t)m->alloc_objects,
			"alloc_bytes", (json_int_t)m->alloc_bytes,
			"frames", frames, "pcs", pcs));
		json_t *site = json_array_get(sites, json_array_size(sites) - 1);
		json_object_set_new(site, "hidden_frames", hidden);
		json_object_set_new(site, "pprof_skip", json_integer((json_int_t)m->pprof_skip));
		json_object_set_new(site, "object_size", json_integer((json_int_t)m->object_size));
	}
	return json_pack("{s:b, s:o, s:I, s:o}", "available", p->available, "note",
	                 str_or_null(p->note), "rate", (json_int_t)p->rate, "sites", sites);
}

static json_t *build(const struct gi_snapshot *s, bool placeholder)
{
	json_t *root = json_object();
	json_object_set_new(root, "format_version", json_integer(s->format_version));
	json_object_set_new(root, "tool", json_pack("{s:s, s:o}", "name", "goinspect", "version",
	                                            str_or_null(s->tool_version)));
	json_t *settings = json_object();
	for (size_t i = 0; i < s->build_settings.n; i++)
		set_any_key(settings, s->build_settings.v[i].key,
		                    str_or_null(s->build_settings.v[i].value));
	json_object_set_new(root, "target", json_pack(
		"{s:i, s:o, s:o, s:o, s:{s:o, s:o}, s:o, s:o, s:b, s:b, s:i}",
		"pid", s->pid, "exe", str_or_null(s->exe), "comm", str_or_null(s->comm),
		"go_version", str_or_null(s->go_version),
		"main_module", "path", str_or_null(s->main_path), "version", str_or_null(s->main_version),
		"build_settings", settings, "build_id", str_or_null(s->build_id),
		"pie", s->pie, "dwarf", s->has_dwarf, "threads", s->threads));
	json_object_set_new(json_object_get(root, "target"), "layouts", str_or_null(s->layouts));
	json_object_set_new(json_object_get(root, "target"), "release_known",
	                    json_boolean(s->release_known));
	json_t *warn = json_array();
	for (size_t i = 0; i < s->nwarnings; i++)
		json_array_append_new(warn, str_or_null(s->warnings[i]));
	json_object_set_new(root, "capture", json_pack(
		"{s:o, s:o, s:o, s:o, s:b, s:o}", "time", str_or_null(s->time_utc),
		"pause_ns", u64(s->pause_ns), "total_ns", u64(s->total_ns),
		"max_stop_ns", u64(s->max_stop_ns), "partial", s->partial, "warnings", warn));
	json_object_set_new(json_object_get(root, "capture"), "stopped", json_boolean(s->stopped));
	json_object_set_new(root, "goroutines", json_pack(
		"{s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "available", s->gor_available,
		"error", str_or_null(s->gor_error), "total", u64(s->gor_total),
		"system", u64(s->gor_system), "allglen", u64(s->gor_allglen),
		"by_status", counts_json(&s->by_status),
		"system_by_status", counts_json(&s->system_by_status)));
	json_t *gor = json_object_get(root, "goroutines");
	json_object_set_new(gor, "stacks_available", json_boolean(s->stacks_available));
	json_object_set_new(gor, "inconsistent", u64(s->gor_inconsistent));
	json_object_set_new(gor, "no_stack", u64(s->gor_nostack));
	json_object_set_new(gor, "groups", groups_json(s));
	if (placeholder) {
		/* Written by stream_all: a JSON object per goroutine is costly with hundreds of
		 * thousands of them. */
		json_object_set_new(gor, "all", json_string(ALL_MARK));
		goto memory;
	}
	json_t *all = json_array();
	for (size_t i = 0; i < s->nall; i++) {
		const struct gi_goroutine *g = &s->all[i];
		json_array_append_new(all, json_pack(
			"{s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b}", "goid", u64(g->goid),
			"status", str_or_null(g->status),
			"wait_ns", g->wait_ns >= 0 ? json_integer(g->wait_ns) : json_null(),
			"group", g->group >= 0 ? json_integer(g->group) : json_null(),
			"parent_goid", g->parent_goid ? u64(g->parent_goid) : json_null(),
			"tid", g->tid ? json_integer(g->tid) : json_null(), "locked", g->locked,
			"system", g->system));
	}
	json_object_set_new(gor, "all", all);
memory:;
	json_t *nat = json_array();
	for (size_t i = 0; i < s->nnative; i++) {
		const struct gi_native_stack *t = &s->native[i];
		json_t *fr = json_array();
		for (size_t j = 0; j < t->nframes; j++)
			json_array_append_new(fr, json_pack("{s:o, s:o, s:o, s:o}", "function",
			                                    str_or_null(t->frames[j].func), "offset",
			                                    u64(t->frames[j].offset), "ip", hex(t->frames[j].ip),
			                                    "module", str_or_null(t->frames[j].module)));
		json_array_append_new(nat, json_pack("{s:i, s:o, s:o, s:b}", "tid", t->tid, "name",
		                                     str_or_null(t->name), "frames", fr, "truncated",
		                                     t->truncated));
	}
	json_object_set_new(root, "native_threads", json_pack("{s:b, s:o}", "available",
	                                                      s->native_available, "threads", nat));
	const struct gi_memory *m = &s->mem;
	json_t *maps = json_array();
	for (size_t i = 0; i < m->nmaps; i++) {
		const struct gi_mapping *mp = &m->maps[i];
		json_array_append_new(maps, json_pack(
			"{s:o, s:o, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
			"start", hex(mp->start), "end", hex(mp->end), "perms", mp->perms,
			"offset", u64(mp->offset), "path", str_or_null(mp->path),
			"kind", gi_map_kind_name(mp->kind), "size", u64(mp->size), "rss", u64(mp->rss),
			"pss", u64(mp->pss), "anonymous", u64(mp->anonymous), "swap", u64(mp->swap),
			"dirty", u64(mp->dirty)));
	}
	json_object_set_new(root, "memory", json_pack(
		"{s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "available", m->available,
		"error", str_or_null(m->error), "size", u64(m->size), "rss", u64(m->rss),
		"pss", u64(m->pss), "anonymous", u64(m->anonymous), "swap", u64(m->swap),
		"dirty", u64(m->dirty), "mappings", maps));
	json_object_set_new(root, "heap", heap_json(&s->heap));
	json_t *heap = json_object_get(root, "heap");
	if (!heap) {
		heap = json_object();
		json_object_set_new(root, "heap", heap);
	}
	json_object_set_new(heap, "profile", memprof_json(&s->mprof));
	return root;
}

void *gi_snapshot_to_json(const struct gi_snapshot *s)
{
	return build(s, false);
}

/* Output to a stdio stream or a gzip stream; ok turns false on the first error. */
struct sink {
	FILE *f;
	gzFile gz;
	bool ok;
};

static void emit(struct sink *o, const char *buf, size_t len)
{
	if (!o->ok || !len)
		return;
	if (o->gz)
		o->ok = gzwrite(o->gz, buf, (unsigned)len) == (int)len;
	else
		o->ok = fwrite(buf, 1, len, o->f) == len;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void emit_string(struct sink *o, const char *str)
{
	if (str && !gi_utf8_valid(str)) {
		char *f = gi_utf8_fix(str);
		emit_string(o, f);
		free(f);
		return;
	}
	char buf[512];
	size_t n = 0;
	buf[n++] = '"';
	for (const unsigned char *c = (const unsigned char *)(str ? str : ""); *c; c++) {
		if (n > sizeof buf - 8) {
			emit(o, buf, n);
			n = 0;
		}
		if (*c == '"' || *c == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)*c;
		} else if (*c < 0x20) {
			n += (size_t)snprintf(buf + n, 8, "\\u%04x", *c);
		} else {
			buf[n++] = (char)*c;
		}
	}
	buf[n++] = '"';
	emit(o, buf, n);
}

/* Appends the decimal form of v, or "null" when absent. */
static char *put_num(char *p, bool present, bool neg, uint64_t v)
{
	if (!present) {
		memcpy(p, "null", 4);
		return p + 4;
	}
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*p++ = '-';
	while (n)
		*p++ = t[--n];
	return p;
}

static char *put_str(char *p, const char *lit)
{
	size_t n = strlen(lit);
	memcpy(p, lit, n);
	return p + n;
}

/* goroutines.all, one goroutine a line; written by hand (a million goroutines make a
 * million records: building them as JSON objects first would double the memory and the
 * time). Statuses are the runtime's short strings; anything else goes through emit_string. */
static void stream_all(struct sink *o, const struct gi_snapshot *s)
{
	emit(o, "[", 1);
	for (size_t i = 0; i < s->nall && o->ok; i++) {
		const struct gi_goroutine *g = &s->all[i];
		char buf[320], *p = buf;
		p = put_str(p, i ? ",\n  {\"goid\": " : "\n  {\"goid\": ");
		p = put_num(p, true, false, g->goid > INT64_MAX ? INT64_MAX : g->goid);
		p = put_str(p, ", \"status\": ");
		const char *st = g->status ? g->status : "";
		bool plain = strlen(st) < 128;
		for (const unsigned char *c = (const unsigned char *)st; *c && plain; c++)
			plain = *c >= 0x20 && *c < 0x80 && *c != '"' && *c != '\\';
		if (plain) {
			*p++ = '"';
			p = put_str(p, st);
			*p++ = '"';
		} else {
			emit(o, buf, (size_t)(p - buf));
			emit_string(o, g->status);
			p = buf;
		}
		p = put_str(p, ", \"wait_ns\": ");
		p = put_num(p, g->wait_ns >= 0, false, (uint64_t)g->wait_ns);
		p = put_str(p, ", \"group\": ");
		p = put_num(p, g->group >= 0, false, (uint64_t)g->group);
		p = put_str(p, ", \"parent_goid\": ");
		p = put_num(p, g->parent_goid != 0, false,
		            g->parent_goid > INT64_MAX ? INT64_MAX : g->parent_goid);
		p = put_str(p, ", \"tid\": ");
		p = put_num(p, g->tid != 0, g->tid < 0, (uint64_t)(g->tid < 0 ? -(int64_t)g->tid : g->tid));
		p = put_str(p, g->locked ? ", \"locked\": true" : ", \"locked\": false");
		p = put_str(p, g->system ? ", \"system\": true}" : ", \"system\": false}");
		emit(o, buf, (size_t)(p - buf));
	}
	emit(o, "\n ]", 3);
}

static void emit_document(struct sink *o, const struct gi_snapshot *s, size_t indent)
{
	json_t *root = build(s, true);
	char *text = json_dumps(root, JSON_INDENT(indent) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text) {
		o->ok = false;
		return;
	}
	const char *mark = strstr(text, "\"\\u0001goroutines.all\\u0001\"");
	if (mark) {
		emit(o, text, (size_t)(mark - text));
		stream_all(o, s);
		const char *rest = mark + strlen("\"\\u0001goroutines.all\\u0001\"");
		emit(o, rest, strlen(rest));
	} else {
		emit(o, text, strlen(text));
	}
	emit(o, "\n", 1);
	free(text);
}

int gi_snapshot_print(FILE *f, const struct gi_snapshot *s)
{
	struct sink o = {f, NULL, true};
	emit_document(&o, s, 2);
	return o.ok ? 0 : -EIO;
}

int gi_snapshot_write(const struct gi_snapshot *s, const char *path, bool gzip, char *err,
                      size_t errlen)
{
	struct gi_out out;
	int ret = gi_out_open(&out, path, err, errlen);
	if (ret)
		return ret;
	bool ok;
	errno = 0;
	if (gzip) {
		gzFile gz = gzdopen(out.fd, "wb6");
		if (gz)
			gzbuffer(gz, 1u << 20);
		struct sink o = {NULL, gz, gz != NULL};
		if (gz)
			emit_document(&o, s, 1);
		ok = o.ok;
		if (gz ? gzclose(gz) != Z_OK : (close(out.fd), 1))
			ok = false;
	} else {
		FILE *f = fdopen(out.fd, "w");
		if (f)
			setvbuf(f, NULL, _IOFBF, 1u << 20);
		struct sink o = {f, NULL, f != NULL};
		if (f)
			emit_document(&o, s, 1);
		ok = o.ok;
		if (f ? fclose(f) != 0 : (close(out.fd), 1))
			ok = false;
	}
	if (!ok) {
		ret = errno ? -errno : -EIO;
		snprintf(err, errlen, "%s", errno ? strerror(errno) : "write failed");
	}
	int rc = gi_out_close(&out, ok, err, errlen);  /* (not ok: only removes, err kept) */
	return ok ? rc : ret;
}
