/* model: the snapshot, the one description of a program that every later step works on.
 *   model.c     teardown, warnings, the frame that names a stack or an allocation site
 *   write.c     the JSON document (goinspect-snapshot(5)), written atomically, gzip or plain
 *   read.c      reading it back (plain or gzip), every value checked
 * Capture fills it from a live program, read.c from a file, and analysis and output read it,
 * whichever way it came. Includes base, target and goruntime. */
#ifndef GI_MODEL_H
#define GI_MODEL_H

#include "goruntime/goruntime.h"

#define GI_FORMAT_VERSION 1

/* A stack frame, symbolized (inlined calls are frames of their own). */
struct gi_frame {
	char *func, *file;
	int line;
};
/* Goroutines with identical stacks, as the runtime's debug=1 goroutine profile groups them. */
struct gi_ggroup {
	uint64_t count;
	char *wait_reason;            /* the group's most common status or wait reason */
	struct gi_counts statuses;    /* every status or wait reason in the group */
	int64_t wait_min_ns, wait_max_ns;  /* since the GC first saw them blocked; -1: unknown */
	struct gi_frame *frames;      /* innermost first, runtime.goexit excluded */
	size_t nframes;
	struct gi_frame created_by;   /* func NULL when unknown */
	struct gi_strmap labels;      /* pprof labels (runtime/pprof.Do), sorted by key */
	uint64_t goids[5];            /* a few goroutine ids, lowest first */
	size_t ngoids;
	bool truncated;               /* the stack could not be unwound to its end */
};
void gi_ggroup_free(struct gi_ggroup *g);
/* One user goroutine. */
struct gi_goroutine {
	uint64_t goid;
	uint64_t parent_goid;  /* the goroutine that created it (Go 1.21+), 0 if unknown */
	char *status;          /* wait reason or status, as in by_status */
	int64_t wait_ns;       /* as wait_min_ns; -1 unknown */
	int64_t group;         /* index into groups, -1 if not in a group */
	int tid;               /* the thread running it, 0 if none */
	bool locked;           /* locked to its OS thread (runtime.LockOSThread) */
	bool system;           /* a system goroutine (left out of the total and the groups) */
};

/* The Go heap: spans by size class, MemStats as runtime.ReadMemStats computes them. Every
 * figure is optional in a snapshot read back (older formats, a heap not read): the has_*
 * flags say which are there, and absent ones are left out of any comparison, never guessed. */
#define GI_LARGE_HIST 16
/* A size class is an mspan's spanclass >> 1, and spanclass a uint8: whatever the release,
 * none is 128 or more. */
#define GI_SIZE_CLASS_LIMIT 128
/* The classes of every release a snapshot without heap.size_class_count comes from (goinspect
 * before it recorded them read Go 1.19 to 1.27 only, which all have 68). */
#define GI_SIZE_CLASSES_BEFORE_COUNT 68
struct gi_heap_class {
	int cls;               /* size class; 0 = large objects */
	uint64_t size;         /* object size (class_to_size); 0 for class 0 */
	uint64_t spans, pages; /* in-use spans of the class and their pages */
	uint64_t objects;      /* objects in use: sum of allocCount */
	uint64_t bytes;        /* objects * size (class 0: the large objects' sizes) */
	uint64_t slots;        /* object slots in those spans (nelems) */
	uint64_t mallocs, frees;  /* the runtime's cumulative counters (MemStats.BySize) */
	bool have_counts;      /* mallocs/frees read */
	struct gi_counts strings;  /* most common printable strings in a sample of its objects */
	uint64_t sampled;      /* objects whose contents were sampled */
};
struct gi_heap_rss {       /* resident memory by owner, bytes (see goinspect-snapshot(5)) */
	uint64_t go_heap_inuse, go_heap_free, go_stacks, runtime_metadata, thread_stacks;
	uint64_t binary_and_libraries, outside_go, other;
};
/* The heap's plain counters as the snapshot names them: a uint64_t at offset `off` of a
 * struct gi_heap (or, for gi_heap_class_figures, of a struct gi_heap_class), in the object
 * `in` of heap ("" for heap itself). The writer and the reader both go by these tables. */
struct gi_figure {
	const char *in, *name;
	size_t off;
};
extern const struct gi_figure gi_heap_figures[], gi_heap_class_figures[];
extern const size_t gi_nheap_figures, gi_nheap_class_figures;
#define GI_FIGURE(base, f) ((uint64_t *)((char *)(base) + (f)->off))
/* Its fields by index, with their names in the snapshot. */
#define GI_HEAP_RSS_N 8
#define GI_HEAP_RSS_OUTSIDE_GO 6  /* outside_go's index */
extern const char *const gi_heap_rss_names[GI_HEAP_RSS_N];
/* The same in words, as show and diff print them ("outside the Go runtime (C, cgo, mmap)"). */
extern const char *const gi_heap_rss_labels[GI_HEAP_RSS_N];
uint64_t *gi_heap_rss_field(struct gi_heap_rss *r, int i);
struct gi_heap {
	bool available;
	char *error;
	bool has_inuse, has_objects, has_stack, has_classes;  /* see above */
	struct gi_heap_class *classes;  /* every class with in-use spans or live objects, by class */
	size_t nclasses;
	uint64_t large_hist[GI_LARGE_HIST];  /* large objects by size: bucket i < 2^(i+15) bytes */
	uint64_t spans_total, spans_inuse, spans_manual, spans_dead;
	uint64_t manual_pages;       /* pages of manual spans (goroutine stacks and other) */
	uint64_t walk_objects, walk_bytes, walk_inuse_bytes;  /* from the span walk */
	/* MemStats, computed as runtime.ReadMemStats does */
	uint64_t heap_inuse, heap_objects, heap_alloc, heap_idle, heap_released, heap_sys;
	uint64_t stack_inuse, stack_sys, sys, next_gc, num_gc, mallocs, frees, total_alloc;
	uint64_t unflushed_objects, unflushed_bytes;  /* still counted in the P's mcaches */
	uint64_t size_class_count;   /* the target's size classes, class 0 included; 0 unknown */
	int64_t gogc;                /* GOGC percent; -1 = off */
	int64_t memory_limit;        /* bytes; INT64_MAX = none */
	bool gc_in_progress;
	char *next_gc_note;          /* why next_gc is not exact, NULL when it is */
	bool rss_available;
	struct gi_heap_rss rss;
};
void gi_heap_free(struct gi_heap *h);
/* The class cls of h, NULL when h has none. */
const struct gi_heap_class *gi_heap_class_find(const struct gi_heap *h, int cls);

/* One allocation site of the runtime's heap profile: a bucket's stack and counts. */
struct gi_memsite {
	uint64_t *pcs;               /* the recorded stack (return addresses), innermost first */
	size_t npcs;
	struct gi_frame *frames;     /* symbolized like the runtime's debug=1 heap profile */
	size_t nframes;
	struct gi_frame *hidden;     /* the leading runtime frames debug=1 hides, before frames */
	size_t nhidden;
	size_t pprof_skip;           /* leading frames of hidden+frames the protobuf form hides */
	char **symbols;              /* per frame of hidden+frames: the linker's name where the
	                              * printed one differs (a generic function's type arguments
	                              * print as [...]), which the protobuf form uses; else NULL */
	/* as sampled (what the runtime's debug=1 heap profile prints) ... */
	int64_t inuse_objects, inuse_bytes, alloc_objects, alloc_bytes;
	/* the size the runtime's protocol buffer form labels the site's samples with ("bytes"):
	 * the objects' size (Go 1.27 on, for every site), AllocBytes / AllocObjects before (0:
	 * no label, when nothing was counted) */
	int64_t object_size;
	/* ... and scaled to estimates of the whole, as pprof shows them */
	int64_t est_inuse_objects, est_inuse_bytes, est_alloc_objects, est_alloc_bytes;
};
struct gi_memprof {
	bool available;     /* read (sites may still be none) */
	char *note;         /* why there are no sites: profiling off, not linked, unreadable */
	int64_t rate;       /* runtime.MemProfileRate in force */
	struct gi_memsite *sites;  /* by inuse_bytes, largest first */
	size_t nsites;
};
void gi_memprof_free(struct gi_memprof *p);

struct gi_snapshot {
	int format_version;
	char *tool_version;
	/* target */
	int pid;
	char *exe;            /* path of the executable as the target's /proc/PID/exe names it */
	char *comm;
	char *go_version;
	char *main_path, *main_version;
	struct gi_strmap build_settings;
	char *build_id;
	bool pie, has_dwarf;
	bool release_known;    /* false: a Go release newer than goinspect knows, read from DWARF */
	char *layouts;         /* where the runtime layouts came from: "DWARF", "built-in tables (go1.22)..." */
	int threads;
	/* capture */
	char *time_utc;       /* "2026-11-22T15:00:00Z" */
	uint64_t pause_ns, total_ns, max_stop_ns;
	bool stopped;         /* false with --no-stop: read while the program ran */
	bool partial;
	char **warnings;
	size_t nwarnings;
	/* goroutines */
	bool gor_available;
	char *gor_error;
	uint64_t gor_total;   /* == runtime.NumGoroutine() */
	uint64_t gor_system;  /* live system goroutines, excluded from total */
	uint64_t gor_allglen; /* len(runtime.allgs), dead ones included */
	struct gi_counts by_status;         /* user goroutines: wait reason or status -> count */
	struct gi_counts system_by_status;  /* the same for system goroutines */
	bool stacks_available;              /* groups were read */
	uint64_t gor_inconsistent;          /* goroutines that moved while their stacks were read */
	uint64_t gor_nostack;               /* running where their stacks could not be followed */
	struct gi_ggroup *groups;           /* user goroutines by stack, largest group first */
	size_t ngroups;
	struct gi_goroutine *all;           /* every user goroutine, by goid */
	size_t nall;
	/* threads executing C code (cgo calls, C libraries' threads) */
	bool native_available;
	struct gi_native_stack *native;
	size_t nnative;
	/* memory */
	struct gi_memory mem;
	struct gi_heap heap;
	/* the runtime's own heap profile (its sampled allocation sites) */
	struct gi_memprof mprof;
};
void gi_snapshot_add_warning(struct gi_snapshot *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gi_snapshot_free(struct gi_snapshot *s);
/* Calls fn on every string the snapshot owns (the pointer, which fn may replace by another
 * allocated string, freeing the old; NULL ones too). Keep in step with gi_snapshot_free. */
void gi_snapshot_strings(struct gi_snapshot *s, void (*fn)(char **str, void *arg), void *arg);
/* Figures of a snapshot that disagree with each other though each is possible (the
 * goroutines counted by status against the runtime's total, which a capture can see while
 * goroutines come and go): 0, or 1 with one line in msg. */
int gi_snapshot_doubt(const struct gi_snapshot *s, char *msg, size_t n);

/* The frame that names a stack (frames innermost first) for a reader, the one place that
 * decides it: the innermost in the program's own code; else the outermost outside the runtime
 * that is not I/O plumbing (gi_func_is_io_plumbing: a server's connection goroutine is
 * net/http.(*conn).serve, not internal/poll.runtime_pollWait); else the outermost outside
 * the runtime; else (only runtime frames) the innermost or, with outermost_last, the
 * outermost (an allocation the runtime made on its own behalf says more by its caller than
 * by runtime.mallocgc). NULL when there are no frames. */
const struct gi_frame *gi_frames_where(const struct gi_frame *f, size_t n, bool outermost_last);
/* The same frames: function, file and line, in order. */
bool gi_frames_equal(const struct gi_frame *a, size_t na, const struct gi_frame *b, size_t nb);
/* What a goroutine group is "doing" and where an allocation site allocated. */
const struct gi_frame *gi_group_where(const struct gi_ggroup *g);
const struct gi_frame *gi_memsite_where(const struct gi_memsite *m);

/* ---- write.c ---- */
/* Writes path as gi_out_open means it: a regular file atomically (temp file + rename), a FIFO
 * or a device through. gzip: compress with zlib. 0, or -errno with err. */
int gi_snapshot_write(const struct gi_snapshot *s, const char *path, bool gzip,
                      char *err, size_t errlen);
/* The JSON document (a jansson json_t *), as written to the file and printed by show --json. */
void *gi_snapshot_to_json(const struct gi_snapshot *s);
/* The same document printed (streamed: cheap with many goroutines). 0 or -EIO. */
int gi_snapshot_print(FILE *f, const struct gi_snapshot *s);

/* ---- read.c ---- */
/* Reads plain or gzip JSON. 0, or -errno with a one-line reason in err (no "goinspect:"
 * prefix): -ENOENT and the like for the file, -EINVAL for what is not a snapshot or is
 * corrupt, -ENOTSUP for a newer format. */
int gi_snapshot_read(const char *path, struct gi_snapshot *out, char *err, size_t errlen);

#endif
