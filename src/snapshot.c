/* snapshot.c: snapshot file format v1 (see goinspect-snapshot(5)): JSON, optionally gzip. */
#include "goinspect.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define GI_MAX_INPUT (1024u << 20)
#define MAX_ITEMS 10000000u

void gi_snapshot_add_warning(struct gi_snapshot *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	s->warnings = xrealloc(s->warnings, (s->nwarnings + 1) * sizeof *s->warnings);
	s->warnings[s->nwarnings++] = xstrdup(buf);
}

static void frame_free(struct gi_gframe *f)
{
	free(f->func);
	free(f->file);
}

void gi_ggroup_free(struct gi_ggroup *g)
{
	free(g->wait_reason);
	gi_counts_free(&g->statuses);
	for (size_t i = 0; i < g->nframes; i++)
		frame_free(&g->frames[i]);
	free(g->frames);
	frame_free(&g->created_by);
	gi_strmap_free(&g->labels);
	memset(g, 0, sizeof *g);
}

void gi_snapshot_free(struct gi_snapshot *s)
{
	for (size_t i = 0; i < s->nnative; i++) {
		struct gi_cthread *t = &s->native[i];
		for (size_t j = 0; j < t->nframes; j++) {
			free(t->frames[j].func);
			free(t->frames[j].module);
		}
		free(t->frames);
		free(t->name);
	}
	free(s->native);
	gi_heapview_free(&s->heapv);
	for (size_t i = 0; i < s->nall; i++)
		free(s->all[i].status);
	free(s->all);
	for (size_t i = 0; i < s->ngroups; i++)
		gi_ggroup_free(&s->groups[i]);
	free(s->groups);
	free(s->tool_version);
	free(s->exe);
	free(s->comm);
	free(s->go_version);
	free(s->main_path);
	free(s->main_version);
	gi_strmap_free(&s->build_settings);
	free(s->build_id);
	free(s->layouts);
	free(s->time_utc);
	for (size_t i = 0; i < s->nwarnings; i++)
		free(s->warnings[i]);
	free(s->warnings);
	free(s->gor_error);
	gi_counts_free(&s->by_status);
	gi_counts_free(&s->system_by_status);
	gi_memory_free(&s->mem);
	gi_heap_free(&s->heap);
	gi_memprof_free(&s->mprof);
	memset(s, 0, sizeof *s);
}

/* ---- writing ---- */

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

static json_t *frame_json(const struct gi_gframe *f)
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

#define HEAP_U64(o, st, f) json_object_set_new(o, #f, u64((st)->f))
static const char *const rss_names[8] = {"go_heap_inuse", "go_heap_free", "go_stacks",
                                         "runtime_metadata", "thread_stacks",
                                         "binary_and_libraries", "outside_go", "other"};
static uint64_t *rss_field(struct gi_heap_rss *r, int i)
{
	uint64_t *f[8] = {&r->go_heap_inuse, &r->go_heap_free, &r->go_stacks, &r->runtime_metadata,
	                  &r->thread_stacks, &r->binary_and_libraries, &r->outside_go, &r->other};
	return f[i];
}

static json_t *heap_json(const struct gi_heap *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "available", json_boolean(h->available));
	json_object_set_new(o, "error", str_or_null(h->error));
	HEAP_U64(o, h, heap_inuse);
	HEAP_U64(o, h, heap_objects);
	HEAP_U64(o, h, heap_alloc);
	HEAP_U64(o, h, heap_idle);
	HEAP_U64(o, h, heap_released);
	HEAP_U64(o, h, heap_sys);
	HEAP_U64(o, h, stack_inuse);
	HEAP_U64(o, h, stack_sys);
	HEAP_U64(o, h, sys);
	HEAP_U64(o, h, mallocs);
	HEAP_U64(o, h, frees);
	HEAP_U64(o, h, total_alloc);
	/* Integers past 2^53 do not survive JSON tools that use doubles (jq): "none" is null. */
	json_object_set_new(o, "next_gc", h->next_gc > (1ull << 53) ? json_null() : u64(h->next_gc));
	json_object_set_new(o, "next_gc_note", str_or_null(h->next_gc_note));
	HEAP_U64(o, h, num_gc);
	json_object_set_new(o, "gogc", json_integer(h->gogc));
	json_object_set_new(o, "memory_limit", h->memory_limit == INT64_MAX ? json_null()
	                                                                   : json_integer(h->memory_limit));
	json_object_set_new(o, "gc_in_progress", json_boolean(h->gc_in_progress));
	HEAP_U64(o, h, unflushed_objects);
	HEAP_U64(o, h, unflushed_bytes);
	json_object_set_new(o, "spans", json_pack("{s:o, s:o, s:o, s:o, s:o}", "total",
	                                          u64(h->spans_total), "in_use", u64(h->spans_inuse),
	                                          "manual", u64(h->spans_manual), "dead",
	                                          u64(h->spans_dead), "manual_pages",
	                                          u64(h->manual_pages)));
	json_object_set_new(o, "span_walk", json_pack("{s:o, s:o, s:o}", "objects",
	                                              u64(h->walk_objects), "bytes",
	                                              u64(h->walk_bytes), "in_use_bytes",
	                                              u64(h->walk_inuse_bytes)));
	json_t *cls = json_array();
	for (size_t i = 0; i < h->nclasses; i++) {
		const struct gi_heap_class *c = &h->classes[i];
		json_t *e = json_object();
		json_object_set_new(e, "class", json_integer(c->cls));
		HEAP_U64(e, c, size);
		HEAP_U64(e, c, spans);
		HEAP_U64(e, c, objects);
		HEAP_U64(e, c, bytes);
		HEAP_U64(e, c, pages);
		HEAP_U64(e, c, slots);
		json_object_set_new(e, "free_slots", u64(c->slots > c->objects ? c->slots - c->objects : 0));
		double frag = c->pages ? 1.0 - (double)c->bytes / ((double)c->pages * 8192.0) : 0.0;
		json_object_set_new(e, "fragmentation", json_real(frag < 0 ? 0 : frag));
		if (c->have_counts) {
			HEAP_U64(e, c, mallocs);
			HEAP_U64(e, c, frees);
		}
		HEAP_U64(e, c, sampled);
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
		for (int i = 0; i < 8; i++)
			json_object_set_new(r, rss_names[i], u64(*rss_field(&rs, i)));
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
		const struct gi_cthread *t = &s->native[i];
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
	return o.ok ? 0 : -1;
}

int gi_snapshot_write(const struct gi_snapshot *s, const char *path, bool gzip, char *err,
                      size_t errlen)
{
	char *text = NULL;
	char *tmp = xasprintf("%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	int ret = -1;
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto out;
	}
	fchmod(fd, 0644);
	if (gzip) {
		gzFile gz = gzdopen(fd, "wb6");
		if (gz)
			gzbuffer(gz, 1u << 20);
		struct sink o = {NULL, gz, gz != NULL};
		if (gz)
			emit_document(&o, s, 1);
		bool ok = o.ok;
		if (gz ? gzclose(gz) != Z_OK : (close(fd), 1))
			ok = false;
		if (!ok) {
			snprintf(err, errlen, "%s", errno ? strerror(errno) : "gzip write failed");
			unlink(tmp);
			goto out;
		}
	} else {
		FILE *f = fdopen(fd, "w");
		if (f)
			setvbuf(f, NULL, _IOFBF, 1u << 20);
		struct sink o = {f, NULL, f != NULL};
		if (f)
			emit_document(&o, s, 1);
		bool ok = o.ok;
		if (f ? fclose(f) != 0 : (close(fd), 1))
			ok = false;
		if (!ok) {
			snprintf(err, errlen, "%s", strerror(errno));
			unlink(tmp);
			goto out;
		}
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	free(text);
	return ret;
}

/* ---- reading ---- */

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

static json_t *obj(struct rd *r, json_t *parent, const char *key, bool required)
{
	json_t *v = json_object_get(parent, key);
	if (!v || json_is_null(v)) {
		if (required)
			fail(r, "truncated or corrupt snapshot: no \"%s\" object", key);
		return NULL;
	}
	if (!json_is_object(v)) {
		fail(r, "truncated or corrupt snapshot: \"%s\" is not an object", key);
		return NULL;
	}
	return v;
}

static char *get_str(struct rd *r, json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		fail(r, "truncated or corrupt snapshot: \"%s\" is not a string", key);
		return NULL;
	}
	return xstrdup(json_string_value(v));
}

static uint64_t get_u64(struct rd *r, json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		fail(r, "truncated or corrupt snapshot: \"%s\" is not a non-negative integer", key);
		return 0;
	}
	return (uint64_t)json_integer_value(v);
}

static bool get_bool(struct rd *r, json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	if (!v || json_is_null(v))
		return false;
	if (!json_is_boolean(v)) {
		fail(r, "truncated or corrupt snapshot: \"%s\" is not true or false", key);
		return false;
	}
	return json_is_true(v);
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
	json_t *v = o ? json_object_get(o, key) : NULL;
	if (!v || json_is_null(v))
		return;
	if (!json_is_object(v)) {
		fail(r, "truncated or corrupt snapshot: \"%s\" is not an object", key);
		return;
	}
	const char *k;
	json_t *n;
	json_object_foreach(v, k, n) {
		if (!json_is_integer(n) || json_integer_value(n) < 0) {
			fail(r, "truncated or corrupt snapshot: count \"%s\" is not an integer", k);
			return;
		}
		gi_counts_add(c, k, (uint64_t)json_integer_value(n));
	}
}

static int64_t get_i64_or(struct rd *r, json_t *o, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return dflt;
	if (!json_is_integer(v)) {
		fail(r, "truncated or corrupt snapshot: \"%s\" is not an integer", key);
		return dflt;
	}
	return json_integer_value(v);
}

static void read_frame(struct rd *r, json_t *o, struct gi_gframe *f)
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
static struct gi_gframe *read_site_frames(struct rd *r, json_t *fr, size_t *n, char ***sym,
                                          size_t base, size_t cap)
{
	*n = 0;
	if (!fr || !json_is_array(fr) || json_array_size(fr) > MAX_ITEMS)
		return NULL;
	struct gi_gframe *v = xcalloc(json_array_size(fr) + 1, sizeof *v);
	json_t *f;
	size_t j;
	json_array_foreach(fr, j, f) {
		struct gi_gframe *g = &v[(*n)++];
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

static void read_heap(struct rd *r, json_t *o, struct gi_heap *h)
{
	h->available = get_bool(r, o, "available");
	h->error = get_str(r, o, "error");
	h->heap_inuse = get_u64(r, o, "heap_inuse");
	h->heap_objects = get_u64(r, o, "heap_objects");
	h->heap_alloc = get_u64(r, o, "heap_alloc");
	h->heap_idle = get_u64(r, o, "heap_idle");
	h->heap_released = get_u64(r, o, "heap_released");
	h->heap_sys = get_u64(r, o, "heap_sys");
	h->stack_inuse = get_u64(r, o, "stack_inuse");
	h->stack_sys = get_u64(r, o, "stack_sys");
	h->sys = get_u64(r, o, "sys");
	h->mallocs = get_u64(r, o, "mallocs");
	h->frees = get_u64(r, o, "frees");
	h->total_alloc = get_u64(r, o, "total_alloc");
	json_t *ng = json_object_get(o, "next_gc");
	h->next_gc = ng && json_is_null(ng) ? UINT64_MAX : get_u64(r, o, "next_gc");
	h->next_gc_note = get_str(r, o, "next_gc_note");
	h->num_gc = get_u64(r, o, "num_gc");
	h->gogc = get_i64_or(r, o, "gogc", 100);
	h->memory_limit = get_i64_or(r, o, "memory_limit", INT64_MAX);
	h->gc_in_progress = get_bool(r, o, "gc_in_progress");
	h->unflushed_objects = get_u64(r, o, "unflushed_objects");
	h->unflushed_bytes = get_u64(r, o, "unflushed_bytes");
	json_t *sp = json_object_get(o, "spans");
	if (json_is_object(sp)) {
		h->spans_total = get_u64(r, sp, "total");
		h->spans_inuse = get_u64(r, sp, "in_use");
		h->spans_manual = get_u64(r, sp, "manual");
		h->spans_dead = get_u64(r, sp, "dead");
		h->manual_pages = get_u64(r, sp, "manual_pages");
	}
	json_t *sw = json_object_get(o, "span_walk");
	if (json_is_object(sw)) {
		h->walk_objects = get_u64(r, sw, "objects");
		h->walk_bytes = get_u64(r, sw, "bytes");
		h->walk_inuse_bytes = get_u64(r, sw, "in_use_bytes");
	}
	json_t *cls = json_object_get(o, "size_classes"), *e;
	size_t i;
	if (cls && (!json_is_array(cls) || json_array_size(cls) > GI_NUM_SIZE_CLASSES)) {
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
			c->cls = (int)get_u64(r, e, "class");
			c->size = get_u64(r, e, "size");
			c->spans = get_u64(r, e, "spans");
			c->objects = get_u64(r, e, "objects");
			c->bytes = get_u64(r, e, "bytes");
			c->pages = get_u64(r, e, "pages");
			c->slots = get_u64(r, e, "slots");
			c->have_counts = json_object_get(e, "mallocs") != NULL;
			c->mallocs = get_u64(r, e, "mallocs");
			c->frees = get_u64(r, e, "frees");
			c->sampled = get_u64(r, e, "sampled");
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
		for (int k = 0; k < 8; k++)
			*rss_field(&h->rss, k) = get_u64(r, rs, rss_names[k]);
	}
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	gzFile gz = gzopen(path, "rb");
	if (!gz) {
		snprintf(err, errlen, "%s", strerror(errno ? errno : ENOMEM));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap >= GI_MAX_INPUT) {
				snprintf(err, errlen, "larger than %u MiB: not a snapshot", GI_MAX_INPUT >> 20);
				free(buf);
				gzclose(gz);
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		int k = gzread(gz, buf + n, (unsigned)(cap - n));
		if (k < 0) {
			int zerr;
			const char *m = gzerror(gz, &zerr);
			snprintf(err, errlen, "truncated or corrupt snapshot: %s",
			         zerr == Z_ERRNO ? strerror(errno) : m);
			free(buf);
			gzclose(gz);
			return NULL;
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
		return NULL;
	}
	*len = n;
	return buf;
}

int gi_snapshot_read(const char *path, struct gi_snapshot *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	size_t len = 0;
	char *text = slurp(path, &len, err, errlen);
	if (!text)
		return -1;
	if (len == 0) {
		snprintf(err, errlen, "empty file: not a goinspect snapshot");
		free(text);
		return -1;
	}
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (!root) {
		snprintf(err, errlen, "truncated or corrupt snapshot: JSON error at line %d column %d: %s",
		         je.line, je.column, je.text);
		return -1;
	}
	struct rd r = {err, errlen, false};
	json_t *fv = json_is_object(root) ? json_object_get(root, "format_version") : NULL;
	if (!fv || !json_is_integer(fv)) {
		snprintf(err, errlen, "not a goinspect snapshot (no format_version)");
		json_decref(root);
		return -1;
	}
	if (json_integer_value(fv) > GI_FORMAT_VERSION || json_integer_value(fv) < 1) {
		snprintf(err, errlen, "format_version %lld is newer than this goinspect reads (%d)",
		         (long long)json_integer_value(fv), GI_FORMAT_VERSION);
		json_decref(root);
		return -1;
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
				struct gi_cthread *ct = &s->native[s->nnative++];
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
						struct gi_nframe *nf = &ct->frames[ct->nframes++];
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
	gi_heapview_read(root, &s->heapv);
	json_t *hp = obj(&r, root, "heap", false);  /* older snapshots have none */
	if (hp)
		read_heap(&r, hp, &s->heap);
	json_decref(root);
	if (r.bad) {
		gi_snapshot_free(s);
		return -1;
	}
	return 0;
}
