/* model.c: the snapshot's teardown and warnings, and which frame names a stack. */
#include "model/model.h"

#include <stddef.h>
#include <stdlib.h>

void gi_snapshot_add_warning(struct gi_snapshot *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *w = xvasprintf(fmt, ap);
	va_end(ap);
	s->warnings = xrealloc(s->warnings, (s->nwarnings + 1) * sizeof *s->warnings);
	s->warnings[s->nwarnings++] = w;
}

static void frame_free(struct gi_frame *f)
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
	for (size_t i = 0; i < s->nnative; i++)
		gi_native_stack_free(&s->native[i]);
	free(s->native);
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

static void frames_strings(struct gi_frame *f, size_t n, void (*fn)(char **, void *), void *arg)
{
	for (size_t i = 0; f && i < n; i++) {
		fn(&f[i].func, arg);
		fn(&f[i].file, arg);
	}
}

static void counts_strings(struct gi_counts *c, void (*fn)(char **, void *), void *arg)
{
	for (size_t i = 0; i < c->n; i++)
		fn(&c->v[i].key, arg);
}

static void strmap_strings(struct gi_strmap *m, void (*fn)(char **, void *), void *arg)
{
	for (size_t i = 0; i < m->n; i++) {
		fn(&m->v[i].key, arg);
		fn(&m->v[i].value, arg);
	}
}

void gi_snapshot_strings(struct gi_snapshot *s, void (*fn)(char **str, void *arg), void *arg)
{
	char **top[] = {&s->tool_version, &s->exe, &s->comm, &s->go_version, &s->main_path,
	                &s->main_version, &s->build_id, &s->layouts, &s->time_utc, &s->gor_error,
	                &s->mem.error, &s->heap.error, &s->heap.next_gc_note, &s->mprof.note};
	for (size_t i = 0; i < sizeof top / sizeof *top; i++)
		fn(top[i], arg);
	strmap_strings(&s->build_settings, fn, arg);
	for (size_t i = 0; i < s->nwarnings; i++)
		fn(&s->warnings[i], arg);
	counts_strings(&s->by_status, fn, arg);
	counts_strings(&s->system_by_status, fn, arg);
	for (size_t i = 0; i < s->ngroups; i++) {
		struct gi_ggroup *g = &s->groups[i];
		fn(&g->wait_reason, arg);
		counts_strings(&g->statuses, fn, arg);
		frames_strings(g->frames, g->nframes, fn, arg);
		frames_strings(&g->created_by, 1, fn, arg);
		strmap_strings(&g->labels, fn, arg);
	}
	for (size_t i = 0; i < s->nall; i++)
		fn(&s->all[i].status, arg);
	for (size_t i = 0; i < s->heap.nclasses; i++)
		counts_strings(&s->heap.classes[i].strings, fn, arg);
	for (size_t i = 0; i < s->mem.nmaps; i++)
		fn(&s->mem.maps[i].path, arg);
	for (size_t i = 0; i < s->mprof.nsites; i++) {
		struct gi_memsite *m = &s->mprof.sites[i];
		frames_strings(m->frames, m->nframes, fn, arg);
		frames_strings(m->hidden, m->nhidden, fn, arg);
		for (size_t j = 0; m->symbols && j < m->nhidden + m->nframes; j++)
			fn(&m->symbols[j], arg);
	}
	for (size_t i = 0; i < s->nnative; i++) {
		struct gi_native_stack *ns = &s->native[i];
		fn(&ns->name, arg);
		for (size_t j = 0; j < ns->nframes; j++) {
			fn(&ns->frames[j].func, arg);
			fn(&ns->frames[j].module, arg);
		}
	}
}

void gi_heap_free(struct gi_heap *h)
{
	for (size_t i = 0; i < h->nclasses; i++)
		gi_counts_free(&h->classes[i].strings);
	free(h->classes);
	free(h->error);
	free(h->next_gc_note);
	memset(h, 0, sizeof *h);
}

const struct gi_heap_class *gi_heap_class_find(const struct gi_heap *h, int cls)
{
	for (size_t i = 0; i < h->nclasses; i++)
		if (h->classes[i].cls == cls)
			return &h->classes[i];
	return NULL;
}

#define H(in, name, f) {in, name, offsetof(struct gi_heap, f)}
const struct gi_figure gi_heap_figures[] = {
	H("", "heap_inuse", heap_inuse), H("", "heap_objects", heap_objects),
	H("", "heap_alloc", heap_alloc), H("", "heap_idle", heap_idle),
	H("", "heap_released", heap_released), H("", "heap_sys", heap_sys),
	H("", "stack_inuse", stack_inuse), H("", "stack_sys", stack_sys), H("", "sys", sys),
	H("", "mallocs", mallocs), H("", "frees", frees), H("", "total_alloc", total_alloc),
	H("", "num_gc", num_gc), H("", "unflushed_objects", unflushed_objects),
	H("", "unflushed_bytes", unflushed_bytes), H("", "size_class_count", size_class_count),
	H("spans", "total", spans_total), H("spans", "in_use", spans_inuse),
	H("spans", "manual", spans_manual), H("spans", "dead", spans_dead),
	H("spans", "manual_pages", manual_pages),
	H("span_walk", "objects", walk_objects), H("span_walk", "bytes", walk_bytes),
	H("span_walk", "in_use_bytes", walk_inuse_bytes),
};
const size_t gi_nheap_figures = sizeof gi_heap_figures / sizeof gi_heap_figures[0];
#define C(name, f) {"", name, offsetof(struct gi_heap_class, f)}
const struct gi_figure gi_heap_class_figures[] = {
	C("size", size), C("spans", spans), C("objects", objects), C("bytes", bytes),
	C("pages", pages), C("slots", slots), C("sampled", sampled),
};
const size_t gi_nheap_class_figures =
	sizeof gi_heap_class_figures / sizeof gi_heap_class_figures[0];

const char *const gi_heap_rss_names[GI_HEAP_RSS_N] = {
	"go_heap_inuse", "go_heap_free", "go_stacks", "runtime_metadata", "thread_stacks",
	"binary_and_libraries", "outside_go", "other"};
const char *const gi_heap_rss_labels[GI_HEAP_RSS_N] = {
	"Go heap, objects in use", "Go heap, free but resident", "goroutine stacks",
	"Go runtime metadata", "thread stacks", "binary and libraries",
	"outside the Go runtime (C, cgo, mmap)", "other"};

uint64_t *gi_heap_rss_field(struct gi_heap_rss *r, int i)
{
	uint64_t *f[GI_HEAP_RSS_N] = {&r->go_heap_inuse, &r->go_heap_free, &r->go_stacks,
	                              &r->runtime_metadata, &r->thread_stacks,
	                              &r->binary_and_libraries, &r->outside_go, &r->other};
	return f[i];
}

const struct gi_frame *gi_frames_where(const struct gi_frame *f, size_t n, bool outermost_last)
{
	/* the innermost frame of the program's own code */
	for (size_t i = 0; i < n; i++)
		if (gi_func_is_user(f[i].func))
			return &f[i];
	/* else what the standard library was doing for it: the outermost frame outside the
	 * runtime that is not I/O plumbing (net/http.(*conn).serve, not the
	 * internal/poll.runtime_pollWait it waits in), else the outermost outside the runtime */
	const struct gi_frame *plumbing = NULL;
	for (size_t i = n; i-- > 0;) {
		if (!f[i].func || gi_func_is_runtime(f[i].func, 0))
			continue;
		if (!gi_func_is_io_plumbing(f[i].func))
			return &f[i];
		if (!plumbing)
			plumbing = &f[i];
	}
	if (plumbing)
		return plumbing;
	if (!n)
		return NULL;
	return outermost_last ? &f[n - 1] : &f[0];
}

bool gi_frames_equal(const struct gi_frame *a, size_t na, const struct gi_frame *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].line != b[i].line || strcmp(a[i].func ? a[i].func : "", b[i].func ? b[i].func : "") ||
		    strcmp(a[i].file ? a[i].file : "", b[i].file ? b[i].file : ""))
			return false;
	return true;
}

const struct gi_frame *gi_group_where(const struct gi_ggroup *g)
{
	return gi_frames_where(g->frames, g->nframes, false);
}

const struct gi_frame *gi_memsite_where(const struct gi_memsite *m)
{
	return gi_frames_where(m->frames, m->nframes, true);
}

void gi_memprof_free(struct gi_memprof *p)
{
	for (size_t i = 0; i < p->nsites; i++) {
		struct gi_memsite *m = &p->sites[i];
		free(m->pcs);
		for (size_t j = 0; j < m->nframes; j++) {
			free(m->frames[j].func);
			free(m->frames[j].file);
		}
		free(m->frames);
		for (size_t j = 0; j < m->nhidden; j++) {
			free(m->hidden[j].func);
			free(m->hidden[j].file);
		}
		free(m->hidden);
		if (m->symbols)
			for (size_t j = 0; j < m->nhidden + m->nframes; j++)
				free(m->symbols[j]);
		free(m->symbols);
	}
	free(p->sites);
	free(p->note);
	memset(p, 0, sizeof *p);
}
