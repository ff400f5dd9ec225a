/* export.c: a snapshot in the formats other tools read.
 *
 *   pprof   a gzipped profile.proto, as `go tool pprof` reads it: the goroutine profile (one
 *           sample per goroutine group, value = its count, the group's frames as locations,
 *           its pprof labels as labels); the runtime's heap profile (one sample per
 *           allocation site, the four values alloc_objects, alloc_space, inuse_objects and
 *           inuse_space, as runtime/pprof writes /debug/pprof/heap and /debug/pprof/allocs);
 *           or the heap by size class (one sample per class, values objects and bytes).
 *           Encoded with protobuf-c from third_party/pprof/profile.proto, the published pprof schema, and
 *           compressed with zlib.
 *   folded  one line per goroutine group, "outermost;...;innermost COUNT", as flame graph
 *           tools (flamegraph.pl, speedscope, inferno) read it.
 */
#include "output/output.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "output/profile.pb-c.h"

/* ---- interning: strings, functions and locations get small ids ---- */

struct intern {
	char **keys;       /* item i + 1 of the index */
	uint64_t *ids;
	size_t n, cap;
	struct gi_index index;
};

struct lookup {
	const struct intern *t;
	const char *key;
};

static bool same_key(void *arg, size_t item)
{
	const struct lookup *l = arg;
	return !strcmp(l->t->keys[item - 1], l->key);
}

/* The id of key (ids count from first), added when new; *added tells which. */
static uint64_t intern(struct intern *t, const char *key, uint64_t next_id, bool *added)
{
	uint64_t h = gi_hash_str(GI_HASH_INIT, key);
	struct lookup l = {t, key};
	size_t item = gi_index_find(&t->index, h, same_key, &l);
	*added = !item;
	if (item)
		return t->ids[item - 1];
	GI_GROW(t->keys, t->n, t->cap);
	t->ids = xrealloc(t->ids, t->cap * sizeof *t->ids);
	t->keys[t->n] = xstrdup(key);
	t->ids[t->n++] = next_id;
	gi_index_add(&t->index, h, t->n);
	return next_id;
}

/* intern, with the key made by a format. */
static uint64_t internf(struct intern *t, uint64_t next_id, bool *added, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static uint64_t internf(struct intern *t, uint64_t next_id, bool *added, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *key = xvasprintf(fmt, ap);
	va_end(ap);
	uint64_t id = intern(t, key, next_id, added);
	free(key);
	return id;
}

static void intern_free(struct intern *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->ids);
	gi_index_free(&t->index);
	memset(t, 0, sizeof *t);
}

struct pb {
	Perftools__Profiles__Profile p;
	struct intern strs, funcs, locs;
	size_t cap_str, cap_fn, cap_loc, cap_smp;
};

static int64_t str_id(struct pb *b, const char *s)
{
	bool added;
	uint64_t id = intern(&b->strs, s ? s : "", b->p.n_string_table, &added);
	if (added) {
		GI_GROW(b->p.string_table, b->p.n_string_table, b->cap_str);
		b->p.string_table[b->p.n_string_table++] = xstrdup(s ? s : "");
	}
	return (int64_t)id;
}

static uint64_t func_id(struct pb *b, const char *name, const char *file)
{
	bool added;
	uint64_t id = internf(&b->funcs, b->p.n_function + 1, &added, "%s\n%s", name ? name : "?",
	                      file ? file : "");
	if (!added)
		return id;
	GI_GROW(b->p.function, b->p.n_function, b->cap_fn);
	Perftools__Profiles__Function *f = xmalloc(sizeof *f);
	perftools__profiles__function__init(f);
	f->id = id;
	f->name = str_id(b, name ? name : "?");
	f->system_name = f->name;
	f->filename = str_id(b, file ? file : "");
	b->p.function[b->p.n_function++] = f;
	return id;
}

static uint64_t loc_id(struct pb *b, const char *name, const char *file, int line)
{
	bool added;
	uint64_t id = internf(&b->locs, b->p.n_location + 1, &added, "%s\n%s\n%d",
	                      name ? name : "?", file ? file : "", line);
	if (!added)
		return id;
	GI_GROW(b->p.location, b->p.n_location, b->cap_loc);
	Perftools__Profiles__Location *l = xmalloc(sizeof *l);
	perftools__profiles__location__init(l);
	l->id = id;
	l->mapping_id = 1;
	Perftools__Profiles__Line *ln = xmalloc(sizeof *ln);
	perftools__profiles__line__init(ln);
	ln->function_id = func_id(b, name, file);
	ln->line = line;
	l->line = xmalloc(sizeof *l->line);
	l->line[0] = ln;
	l->n_line = 1;
	b->p.location[b->p.n_location++] = l;
	return id;
}

static Perftools__Profiles__ValueType *value_type(struct pb *b, const char *type, const char *unit)
{
	Perftools__Profiles__ValueType *v = xmalloc(sizeof *v);
	perftools__profiles__value_type__init(v);
	v->type = str_id(b, type);
	v->unit = str_id(b, unit);
	return v;
}

static Perftools__Profiles__Sample *add_sample(struct pb *b, size_t nvalues)
{
	GI_GROW(b->p.sample, b->p.n_sample, b->cap_smp);
	Perftools__Profiles__Sample *s = xmalloc(sizeof *s);
	perftools__profiles__sample__init(s);
	s->value = xcalloc(nvalues, sizeof *s->value);
	s->n_value = nvalues;
	b->p.sample[b->p.n_sample++] = s;
	return s;
}

static void pb_init(struct pb *b, const struct gi_snapshot *s)
{
	memset(b, 0, sizeof *b);
	perftools__profiles__profile__init(&b->p);
	str_id(b, "");  /* string_table[0] */
	/* One mapping for the program, marked as fully symbolized, so that pprof never looks
	 * for the binary to symbolize it again. */
	Perftools__Profiles__Mapping *m = xmalloc(sizeof *m);
	perftools__profiles__mapping__init(m);
	m->id = 1;
	m->filename = str_id(b, s->exe ? s->exe : "");
	m->build_id = str_id(b, s->build_id ? s->build_id : "");
	m->has_functions = m->has_filenames = m->has_line_numbers = m->has_inline_frames = true;
	b->p.mapping = xmalloc(sizeof *b->p.mapping);
	b->p.mapping[0] = m;
	b->p.n_mapping = 1;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (s->time_utc && strptime(s->time_utc, "%Y-%m-%dT%H:%M:%SZ", &tm))
		b->p.time_nanos = (int64_t)timegm(&tm) * 1000000000;
}

static void pb_free(struct pb *b)
{
	Perftools__Profiles__Profile *p = &b->p;
	for (size_t i = 0; i < p->n_sample; i++) {
		for (size_t j = 0; j < p->sample[i]->n_label; j++)
			free(p->sample[i]->label[j]);
		free(p->sample[i]->label);
		free(p->sample[i]->location_id);
		free(p->sample[i]->value);
		free(p->sample[i]);
	}
	free(p->sample);
	for (size_t i = 0; i < p->n_location; i++) {
		for (size_t j = 0; j < p->location[i]->n_line; j++)
			free(p->location[i]->line[j]);
		free(p->location[i]->line);
		free(p->location[i]);
	}
	free(p->location);
	for (size_t i = 0; i < p->n_function; i++)
		free(p->function[i]);
	free(p->function);
	for (size_t i = 0; i < p->n_mapping; i++)
		free(p->mapping[i]);
	free(p->mapping);
	for (size_t i = 0; i < p->n_sample_type; i++)
		free(p->sample_type[i]);
	free(p->sample_type);
	free(p->period_type);
	for (size_t i = 0; i < p->n_string_table; i++)
		free(p->string_table[i]);
	free(p->string_table);
	intern_free(&b->strs);
	intern_free(&b->funcs);
	intern_free(&b->locs);
}

/* The goroutine profile: what runtime/pprof's goroutine profile holds, from the groups. */
static void build_goroutines(struct pb *b, const struct gi_snapshot *s)
{
	b->p.sample_type = xmalloc(sizeof *b->p.sample_type);
	b->p.sample_type[0] = value_type(b, "goroutine", "count");
	b->p.n_sample_type = 1;
	b->p.period_type = value_type(b, "goroutine", "count");
	b->p.period = 1;
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct gi_ggroup *g = &s->groups[i];
		Perftools__Profiles__Sample *sm = add_sample(b, 1);
		sm->value[0] = (int64_t)g->count;
		sm->location_id = xcalloc(g->nframes + 1, sizeof *sm->location_id);
		for (size_t k = 0; k < g->nframes; k++)
			sm->location_id[sm->n_location_id++] =
				loc_id(b, g->frames[k].func, g->frames[k].file, g->frames[k].line);
		if (g->labels.n) {
			sm->label = xcalloc(g->labels.n, sizeof *sm->label);
			for (size_t k = 0; k < g->labels.n; k++) {
				Perftools__Profiles__Label *l = xmalloc(sizeof *l);
				perftools__profiles__label__init(l);
				l->key = str_id(b, g->labels.v[k].key);
				l->str = str_id(b, g->labels.v[k].value);
				sm->label[sm->n_label++] = l;
			}
		}
	}
}

/* The runtime's heap profile, as runtime/pprof's writeHeapProto writes it: period type
 * space/bytes with the sampling rate as period; the values alloc_objects, alloc_space,
 * inuse_objects and inuse_space, each (count, bytes) pair scaled like scaleHeapSample; the
 * stack with the leading frames that form hides (pprof_skip, see memprof.c); a label
 * "bytes" with the size the runtime labels the site with (object_size: the objects' size, on
 * every sample from Go 1.27; before, the sampled average, when any was allocated). The heap
 * profile leaves the default sample type unset (pprof then shows the last, inuse_space); the
 * allocs profile names alloc_space. */
static void build_allocs(struct pb *b, const struct gi_snapshot *s, bool allocs)
{
	const struct gi_memprof *m = &s->mprof;
	static const char *const types[4][2] = {{"alloc_objects", "count"},
	                                        {"alloc_space", "bytes"},
	                                        {"inuse_objects", "count"},
	                                        {"inuse_space", "bytes"}};
	b->p.sample_type = xcalloc(4, sizeof *b->p.sample_type);
	for (size_t i = 0; i < 4; i++)
		b->p.sample_type[i] = value_type(b, types[i][0], types[i][1]);
	b->p.n_sample_type = 4;
	if (allocs)
		b->p.default_sample_type = str_id(b, "alloc_space");
	b->p.period_type = value_type(b, "space", "bytes");
	b->p.period = m->rate;
	for (size_t i = 0; i < m->nsites; i++) {
		const struct gi_memsite *site = &m->sites[i];
		Perftools__Profiles__Sample *sm = add_sample(b, 4);
		sm->value[0] = site->est_alloc_objects;
		sm->value[1] = site->est_alloc_bytes;
		sm->value[2] = site->est_inuse_objects;
		sm->value[3] = site->est_inuse_bytes;
		size_t nall = site->nhidden + site->nframes;
		sm->location_id = xcalloc(nall + 1, sizeof *sm->location_id);
		for (size_t k = site->pprof_skip < nall ? site->pprof_skip : 0; k < nall; k++) {
			const struct gi_frame *f = k < site->nhidden ? &site->hidden[k]
			                                              : &site->frames[k - site->nhidden];
			const char *name = site->symbols && site->symbols[k] ? site->symbols[k] : f->func;
			sm->location_id[sm->n_location_id++] = loc_id(b, name, f->file, f->line);
		}
		if (site->object_size > 0) {
			sm->label = xmalloc(sizeof *sm->label);
			Perftools__Profiles__Label *l = xmalloc(sizeof *l);
			perftools__profiles__label__init(l);
			l->key = str_id(b, "bytes");
			l->num = site->object_size;
			sm->label[0] = l;
			sm->n_label = 1;
		}
	}
}

/* The heap by size class: one sample per class, values objects and bytes. */
static void build_classes(struct pb *b, const struct gi_snapshot *s)
{
	b->p.sample_type = xcalloc(2, sizeof *b->p.sample_type);
	b->p.sample_type[0] = value_type(b, "inuse_objects", "count");
	b->p.sample_type[1] = value_type(b, "inuse_space", "bytes");
	b->p.n_sample_type = 2;
	b->p.default_sample_type = str_id(b, "inuse_space");
	b->p.period_type = value_type(b, "space", "bytes");
	b->p.period = 1;
	const struct gi_heap *h = &s->heap;
	for (size_t i = 0; i < h->nclasses; i++) {
		const struct gi_heap_class *c = &h->classes[i];
		char name[96];
		if (c->size)
			snprintf(name, sizeof name, "size class %d: %llu-byte objects", c->cls,
			         (unsigned long long)c->size);
		else
			snprintf(name, sizeof name, "size class %d: large objects", c->cls);
		Perftools__Profiles__Sample *sm = add_sample(b, 2);
		sm->value[0] = (int64_t)c->objects;
		sm->value[1] = (int64_t)c->bytes;
		sm->location_id = xmalloc(sizeof *sm->location_id);
		sm->location_id[0] = loc_id(b, name, "", 0);
		sm->n_location_id = 1;
		sm->label = xmalloc(sizeof *sm->label);
		Perftools__Profiles__Label *l = xmalloc(sizeof *l);
		perftools__profiles__label__init(l);
		l->key = str_id(b, "object_size");
		l->num = (int64_t)c->size;
		l->num_unit = str_id(b, "bytes");
		sm->label[0] = l;
		sm->n_label = 1;
	}
}

static int write_gz(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	struct gi_out out;
	int rc = gi_out_open(&out, path, err, errlen);
	if (rc)
		return rc;
	errno = 0;
	gzFile gz = gzdopen(out.fd, "wb9");
	if (!gz) {
		int e = errno ? errno : ENOMEM;
		snprintf(err, errlen, "%s", strerror(e));
		close(out.fd);
		gi_out_close(&out, false, err, errlen);
		return -e;
	}
	int ok = len == 0 || gzwrite(gz, data, (unsigned)len) == (int)len;
	int zerr = 0, e = EIO;
	const char *zmsg = ok ? NULL : gzerror(gz, &zerr);
	if (zmsg) {
		e = zerr == Z_ERRNO && errno ? errno : EIO;
		snprintf(err, errlen, "%s", zerr == Z_ERRNO ? strerror(e) : zmsg);
	}
	if (gzclose(gz) != Z_OK && ok) {
		ok = 0;
		e = errno ? errno : EIO;
		snprintf(err, errlen, "%s", strerror(e));
	}
	rc = gi_out_close(&out, ok, err, errlen);
	return ok ? rc : -e;
}

int gi_export_pprof(const struct gi_snapshot *s, enum gi_export_profile what, const char *path,
                    char *err, size_t errlen)
{
	if (what == GI_EXPORT_GOROUTINE && !s->stacks_available) {
		snprintf(err, errlen, "the snapshot has no goroutine stacks to export");
		return -ENODATA;
	}
	if (what == GI_EXPORT_SIZE_CLASSES && !s->heap.has_classes) {
		snprintf(err, errlen, "the snapshot has no heap size classes (heap.size_classes)");
		return -ENODATA;
	}
	if ((what == GI_EXPORT_HEAP || what == GI_EXPORT_ALLOCS) &&
	    (!s->mprof.available || !s->mprof.nsites)) {
		snprintf(err, errlen, "the snapshot has no allocation sites (heap.profile): %s%s",
		         s->mprof.note ? s->mprof.note
		         : s->mprof.available ? "the program has recorded none yet"
		                              : "the heap profile was not read",
		         s->heap.has_classes ? "; --profile size-classes exports the heap by "
		                                "size class" : "");
		return -ENODATA;
	}
	struct pb b;
	pb_init(&b, s);
	switch (what) {
	case GI_EXPORT_GOROUTINE: build_goroutines(&b, s); break;
	case GI_EXPORT_HEAP: build_allocs(&b, s, false); break;
	case GI_EXPORT_ALLOCS: build_allocs(&b, s, true); break;
	case GI_EXPORT_SIZE_CLASSES: build_classes(&b, s); break;
	}
	size_t len = perftools__profiles__profile__get_packed_size(&b.p);
	uint8_t *buf = xmalloc(len ? len : 1);
	perftools__profiles__profile__pack(&b.p, buf);
	pb_free(&b);
	int rc = write_gz(path, buf, len, err, errlen);
	free(buf);
	return rc;
}

static void put_name(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == ';' ? ':' : *s == ' ' || *s == '\n' ? '_' : *s, f);
}

int gi_export_folded(const struct gi_snapshot *s, FILE *f, char *err, size_t errlen)
{
	if (!s->stacks_available) {
		snprintf(err, errlen, "the snapshot has no goroutine stacks to export");
		return -ENODATA;
	}
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct gi_ggroup *g = &s->groups[i];
		for (size_t k = g->nframes; k-- > 0;) {
			put_name(f, g->frames[k].func ? g->frames[k].func : "?");
			if (k)
				fputc(';', f);
		}
		if (!g->nframes)
			fputs("?", f);
		fprintf(f, " %llu\n", (unsigned long long)g->count);
	}
	return 0;
}
