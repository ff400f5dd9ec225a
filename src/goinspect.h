/* goinspect: shared types and helpers.
 *
 * The program is split one file per concept:
 *   main.c      command line, the snapshot command's flow, exit codes
 *   util.c      error printing, allocation, time and size formatting, count tables
 *   proc.c      /proc/PID/{status,task,maps,smaps,auxv} readers, mapping classification
 *   elfinfo.c   the target's ELF file and its .go.buildinfo
 *   attach.c    PTRACE_SEIZE / INTERRUPT / detach of every thread, signal safety, stop bound
 *   remote.c    reading the target's memory (process_vm_readv, /proc/PID/mem fallback)
 *   dwarf.c     runtime globals and struct layouts from the target's DWARF (libdw)
 *   pclntab.c   function names from .gopclntab
 *   goroutines.c  the walk over runtime.allgs: totals, per status and wait reason
 *   snapshot.c  snapshot file format v1 (JSON, optionally gzip) writer and reader
 *   report.c    show and diff, text and JSON
 */
#ifndef GOINSPECT_H
#define GOINSPECT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define GI_FORMAT_VERSION 1

/* Exit codes, documented in goinspect(1) and --help. */
enum gi_exit {
	GI_EXIT_OK = 0,        /* done */
	GI_EXIT_PARTIAL = 1,   /* snapshot written, but some facts could not be read (flagged in it) */
	GI_EXIT_TARGET = 2,    /* the target cannot be inspected: no such process, zombie, exited,
	                          not a Go program, unsupported Go version or architecture */
	GI_EXIT_PERM = 3,      /* not allowed to trace it: permissions, Yama, already traced */
	GI_EXIT_SNAPFILE = 4,  /* a snapshot file cannot be read: missing, truncated, corrupt, newer */
	GI_EXIT_IO = 5,        /* an output file cannot be written */
	GI_EXIT_FAILON = 6,    /* diff --fail-on: a threshold was crossed */
	GI_EXIT_USAGE = 64,    /* bad command line */
	GI_EXIT_INTERNAL = 70, /* a bug in goinspect */
};

/* ---- util.c ---- */
extern const char *gi_progname;
void gi_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* "goinspect: ...\n" */
void gi_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* "goinspect: warning: ...\n" */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);                       /* NULL stays NULL */
/* Text read from the target can hold any bytes; the snapshot is JSON, which is UTF-8. */
bool gi_utf8_valid(const char *s);
char *gi_utf8_fix(const char *s);                   /* invalid bytes become '?' */
/* Is this function the program's own code rather than Go's standard library? Standard
 * packages have no dot in their first path element ("sync", "internal/poll"); module paths
 * do ("github.com/x/y"), and so does nothing in package main. */
bool gi_func_is_user(const char *func);
/* The name as the runtime prints it: a generic function's type arguments become "[...]"
 * (runtime.funcNameForPrint). Newly allocated. */
char *gi_func_name_for_print(const char *name);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Called by the allocation helpers on out-of-memory before exiting; attach.c sets it to
 * detach every thread first. */
extern void (*gi_fatal_hook)(void);

uint64_t gi_now_ns(void);                           /* CLOCK_MONOTONIC */
/* "512 B", "4.0 KiB", "12.3 MiB", "1.50 GiB"; with sign: "+4.0 KiB", "-1 B", "0 B" */
const char *gi_fmt_size(char *buf, size_t n, int64_t bytes, bool sign);
/* "850 us", "3.2 ms", "1.25 s" */
const char *gi_fmt_duration(char *buf, size_t n, uint64_t ns);

/* An ordered table of key -> count (goroutines per status, ...). Keys are owned copies. */
struct gi_kv {
	char *key;
	uint64_t count;
};
struct gi_counts {
	struct gi_kv *v;
	size_t n, cap;
};
void gi_counts_add(struct gi_counts *c, const char *key, uint64_t n);
uint64_t gi_counts_get(const struct gi_counts *c, const char *key);
void gi_counts_sort_desc(struct gi_counts *c); /* by count descending, then key */
uint64_t gi_counts_sum(const struct gi_counts *c);
void gi_counts_free(struct gi_counts *c);

/* An ordered list of key -> string (build settings). */
struct gi_strpair {
	char *key, *value;
};
struct gi_strmap {
	struct gi_strpair *v;
	size_t n, cap;
};
void gi_strmap_add(struct gi_strmap *m, const char *key, const char *value);
const char *gi_strmap_get(const struct gi_strmap *m, const char *key);
void gi_strmap_free(struct gi_strmap *m);

/* ---- proc.c ---- */
struct gi_proc_status {
	char name[64];   /* Name: (comm), unescaped */
	char state;      /* first letter of State: R S D T t Z X I */
	int tgid, ppid;
	int tracer_pid;  /* TracerPid: */
	int threads;     /* Threads: */
	unsigned uid_real, uid_eff;
};
/* All return 0 or -errno (ENOENT/ESRCH: no such process; EACCES/EPERM: permission). */
int gi_proc_read_status(int pid, struct gi_proc_status *out);
int gi_status_parse(FILE *f, struct gi_proc_status *out);
int gi_proc_list_tasks(int pid, int **tids, size_t *n);   /* sorted ascending, caller frees */
int gi_proc_exe_path(int pid, char *buf, size_t n);        /* readlink of /proc/PID/exe */
int gi_proc_read_auxv(int pid, uint64_t type, uint64_t *val);

enum gi_map_kind {
	GI_MAP_EXE,      /* "executable": the target's own binary */
	GI_MAP_LIB,      /* "shared-library": other file mappings that are ELF code/data (.so) */
	GI_MAP_GO_HEAP,  /* "go-heap": anonymous memory inside the Go heap arenas */
	GI_MAP_STACK,    /* "thread-stack": [stack] or a mapping holding a thread's stack pointer */
	GI_MAP_ANON,     /* "anonymous": other anonymous memory ([heap], mmap by C or the runtime) */
	GI_MAP_FILE,     /* "file": other file mappings */
	GI_MAP_SPECIAL,  /* "special": [vdso], [vvar], [vsyscall] and other kernel pseudo-mappings */
	GI_MAP_KIND_COUNT
};
const char *gi_map_kind_name(enum gi_map_kind k);
int gi_map_kind_parse(const char *name);  /* -1 when unknown */

struct gi_mapping {
	uint64_t start, end, offset;  /* addresses [start, end) */
	char perms[5];                /* "r-xp" */
	char *path;                   /* NULL for anonymous; "[heap]" etc. kept as the kernel prints */
	enum gi_map_kind kind;
	/* bytes, from smaps */
	uint64_t size, rss, pss, anonymous, swap, dirty; /* dirty = Shared_Dirty + Private_Dirty */
	uint64_t dev, inode;          /* the mapped file as the kernel names it (live reads only) */
};
struct gi_memory {
	bool available;
	char *error;  /* why not, when !available */
	uint64_t size, rss, pss, anonymous, swap, dirty;  /* sums over the mappings */
	struct gi_mapping *maps;
	size_t nmaps;
};
int gi_proc_read_smaps(int pid, struct gi_memory *out);   /* fills maps and totals */
/* The mapping holding addr, NULL when none does. */
const struct gi_mapping *gi_memory_find(const struct gi_memory *m, uint64_t addr);
int gi_smaps_parse(FILE *f, struct gi_memory *out);
/* Sets every mapping's kind. arenas: [start,end) pairs of Go heap arenas (may be empty);
 * sps: the threads' stack pointers (may be empty). exe_path: the target's executable as
 * maps names it (may be NULL). */
void gi_memory_classify(struct gi_memory *m, const char *exe_path,
                        const uint64_t (*arenas)[2], size_t narenas,
                        const uint64_t *sps, size_t nsps);
void gi_memory_free(struct gi_memory *m);

/* ---- elfinfo.c ---- */
struct gi_buildinfo {
	char *go_version;    /* "go1.26.8" */
	char *main_path;     /* main module path, NULL if none recorded */
	char *main_version;  /* "(devel)", "v1.2.3" */
	char *main_sum;
	struct gi_strmap settings;  /* "build" lines: -compiler=gc, CGO_ENABLED=1, GOARCH=amd64 ... */
};
void gi_buildinfo_free(struct gi_buildinfo *b);
/* Parses the contents of a .go.buildinfo section. Returns 0, or -1 with a one-line reason in
 * err. Pointer-format (pre-1.18) headers fill only what they can and return -2 with err set. */
int gi_buildinfo_parse(const uint8_t *sec, size_t len, struct gi_buildinfo *out,
                       char *err, size_t errlen);
/* "go1.26.8" -> 1 26 8; "go1.21rc2" -> 1 21 0; "devel go1.27-..." -> 1 27 0. 0 or -1. */
int gi_go_version_parse(const char *s, int *major, int *minor, int *patch);

struct gi_elf {
	int fd;
	void *elf;            /* Elf * */
	int elfclass;         /* ELFCLASS64 / 32 */
	unsigned machine;     /* EM_X86_64 ... */
	bool pie;             /* ET_DYN */
	uint64_t entry;       /* e_entry */
	char build_id[2 * 64 + 1]; /* hex GNU build id, "" if none */
	char go_build_id[128];     /* the Go linker's build id note, "" if none */
	bool has_dwarf;       /* .debug_info present */
	bool has_symtab;
};
int gi_elf_open(struct gi_elf *e, const char *path, char *err, size_t errlen);
/* Section contents (decompressed if SHF_COMPRESSED) by name; NULL if absent. */
const uint8_t *gi_elf_section(struct gi_elf *e, const char *name, size_t *len, uint64_t *addr);
/* Built by gccgo (a .go_export section, or linked with libgo.so). */
bool gi_elf_is_gccgo(struct gi_elf *e);
/* Reads file bytes backing link-time address vaddr (PT_LOAD with filesz). 0 or -1. */
int gi_elf_read_vaddr(struct gi_elf *e, uint64_t vaddr, void *buf, size_t len);
/* Link-time address of a .symtab symbol; 0 or -1. */
int gi_elf_symbol(struct gi_elf *e, const char *name, uint64_t *addr, uint64_t *size);
void gi_elf_close(struct gi_elf *e);
/* Both files come from the same build: every build id both have (GNU, Go) is equal, and
 * there is at least one. */
bool gi_elf_same_build(const struct gi_elf *a, const struct gi_elf *b);

/* A goroutine stack frame, symbolized (inlined calls are frames of their own). */
struct gi_gframe {
	char *func, *file;
	int line;
};
/* Goroutines with identical stacks, as the runtime's debug=1 goroutine profile groups them. */
struct gi_ggroup {
	uint64_t count;
	char *wait_reason;            /* the group's most common status or wait reason */
	struct gi_counts statuses;    /* every status or wait reason in the group */
	int64_t wait_min_ns, wait_max_ns;  /* since the GC first saw them blocked; -1: unknown */
	struct gi_gframe *frames;     /* innermost first, runtime.goexit excluded */
	size_t nframes;
	struct gi_gframe created_by;  /* func NULL when unknown */
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

/* A thread executing C code, with its native stack (libunwind). */
struct gi_nframe {
	char *func;       /* symbol, "?" when unknown */
	uint64_t offset;  /* from the symbol */
	uint64_t ip;
	char *module;     /* the mapped file, NULL if unknown */
};
struct gi_cthread {
	int tid;
	char *name;       /* /proc/PID/task/TID/comm */
	struct gi_nframe *frames;
	size_t nframes;
	bool truncated;
};

/* The heap half of a snapshot, as diff reads it (heap.* in goinspect-snapshot(5)): every
 * figure is optional, and absent ones are left out of the comparison, never guessed. */
struct gi_heapclass {
	int cls;                /* size class; 0: large objects */
	uint64_t size;          /* object size in bytes; 0 for large objects */
	uint64_t spans, objects, bytes;
};
struct gi_heapview {
	bool available;
	bool has_inuse, has_objects, has_stack, has_classes;
	uint64_t heap_inuse, heap_objects, stack_inuse;
	struct gi_heapclass *classes;
	size_t nclasses;
};

/* The Go heap (heap.c): spans by size class, MemStats computed from the runtime's globals. */
#define GI_NUM_SIZE_CLASSES 68
#define GI_LARGE_HIST 16
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
struct gi_heap {
	bool available;
	char *error;
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
	int64_t gogc;                /* GOGC percent; -1 = off */
	int64_t memory_limit;        /* bytes; INT64_MAX = none */
	bool gc_in_progress;
	char *next_gc_note;          /* why next_gc is not exact, NULL when it is */
	bool rss_available;
	struct gi_heap_rss rss;
};
void gi_heap_free(struct gi_heap *h);

/* ---- snapshot.c ---- */
/* One allocation site of the runtime's heap profile: a bucket's stack and counts. */
struct gi_memsite {
	uint64_t *pcs;               /* the recorded stack (return addresses), innermost first */
	size_t npcs;
	struct gi_gframe *frames;    /* symbolized like the runtime's debug=1 heap profile */
	size_t nframes;
	struct gi_gframe *hidden;    /* the leading runtime frames debug=1 hides, before frames */
	size_t nhidden;
	size_t pprof_skip;           /* leading frames of hidden+frames the protobuf form hides */
	char **symbols;              /* per frame of hidden+frames: the linker's name where the
	                              * printed one differs (a generic function's type arguments
	                              * print as [...]), which the protobuf form uses; else NULL */
	/* as sampled (what the runtime's debug=1 heap profile prints) ... */
	int64_t inuse_objects, inuse_bytes, alloc_objects, alloc_bytes;
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
/* pprof's scaling of a sampled (count, bytes) pair to an estimate of the whole. */
void gi_memprof_scale(int64_t count, int64_t size, int64_t rate, int64_t *ecount,
                      int64_t *esize);

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
	struct gi_cthread *native;
	size_t nnative;
	/* memory */
	struct gi_memory mem;
	struct gi_heapview heapv;  /* read back from heap.* (leak.c) */
	struct gi_heap heap;
	/* the runtime's own heap profile (its sampled allocation sites) */
	struct gi_memprof mprof;
};
void gi_snapshot_add_warning(struct gi_snapshot *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gi_snapshot_free(struct gi_snapshot *s);
/* Writes atomically (temp file + rename). gzip: compress with zlib. 0 or -1 with err. */
int gi_snapshot_write(const struct gi_snapshot *s, const char *path, bool gzip,
                      char *err, size_t errlen);
/* Reads plain or gzip JSON. 0, or -1 with a one-line reason in err (no "goinspect:" prefix). */
int gi_snapshot_read(const char *path, struct gi_snapshot *out, char *err, size_t errlen);
/* The JSON document (a jansson json_t *), as written to the file and printed by show --json. */
void *gi_snapshot_to_json(const struct gi_snapshot *s);
/* The same document printed (streamed: cheap with many goroutines). 0 or -1. */
int gi_snapshot_print(FILE *f, const struct gi_snapshot *s);

/* ---- report.c ---- */
struct gi_report_opts {
	bool json;
	bool color;      /* ANSI colours (a terminal, NO_COLOR unset, or --color=always) */
	int top;         /* rows per table, 0 = all */
	bool all;        /* show: every goroutine, like a debug=2 dump */
	bool alloc_stacks;     /* show: allocation sites with their whole stacks */
	const char *state;     /* show: only goroutines in this status or wait reason */
	const void *func_re;   /* show: only stacks with a function matching (a regex_t *) */
	const char *group_by;  /* show: stack (default), function, creator, reason */
	bool strings;          /* show --strings: the strings of size class strings_class */
	int strings_class;
};
void gi_report_summary(FILE *out, const struct gi_snapshot *s, const char *path);
/* report-memprof.c: allocation sites (the runtime's heap profile) in show and diff. */
void gi_report_memprof_show(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o);
struct gi_diff;
void gi_report_memprof_diff(FILE *out, const struct gi_diff *d, const struct gi_report_opts *o);
/* {"sites": [...]} for diff --json's heap.profile (a json_t *). */
void *gi_report_memprof_diff_json(const struct gi_diff *d);
/* An allocation site's change between two snapshots (a or b NULL: only in the other), in
 * estimated in-use bytes and objects. */
struct gi_site_delta {
	const struct gi_memsite *a, *b;
	int64_t bytes, objects;
};
/* The sites whose in-use bytes changed, growth first, largest first; sites are matched by
 * their symbolized frames. */
struct gi_site_delta *gi_memsite_deltas(const struct gi_memprof *a, const struct gi_memprof *b,
                                        size_t *n);
/* The frame that names a site: the innermost in the program's own code, else the innermost
 * outside the runtime, else the outermost; NULL when it has none. */
const struct gi_gframe *gi_memsite_where(const struct gi_memsite *m);
int gi_report_show(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o);
struct gi_diff;
/* diff of two or more snapshots (paths: their file names, for the trend). */
int gi_report_diff(FILE *out, const struct gi_diff *d, const char *const *paths,
                   const struct gi_report_opts *o);

/* What a group is "doing": its first frame in the program's own code, else the first frame
 * outside the runtime (report.c). */
const struct gi_gframe *gi_group_where(const struct gi_ggroup *g);

/* ---- leak.c: what grew between snapshots, and the verdict ---- */
void gi_heapview_read(const void *json_root, struct gi_heapview *h);
void gi_heapview_free(struct gi_heapview *h);

/* Noise: growth below these floors is never called growth. A change counts when it is at
 * least the absolute floor AND at least the percentage of the earlier value. Documented in
 * goinspect(1), NOISE. */
#define GI_NOISE_GOROUTINES 10            /* goroutines, per group or in total */
#define GI_NOISE_GOROUTINES_PCT 5
#define GI_NOISE_CLASS_BYTES (256 << 10)  /* bytes, per heap size class */
#define GI_NOISE_HEAP_BYTES (1 << 20)     /* bytes, heap in use */
#define GI_NOISE_RSS_BYTES (4 << 20)      /* bytes, RSS in total or outside the Go heap */
#define GI_NOISE_PCT 10
enum gi_measure { GI_M_GOROUTINES, GI_M_CLASS, GI_M_HEAP, GI_M_RSS };
bool gi_beyond_noise(enum gi_measure m, int64_t delta, uint64_t before);

/* The shape of a series over three or more snapshots. */
enum gi_shape {
	GI_SHAPE_NONE,        /* fewer than three snapshots */
	GI_SHAPE_FLAT,        /* no step and no total beyond noise */
	GI_SHAPE_STEADY,      /* grew beyond noise in total, and at every step */
	GI_SHAPE_STEP,        /* one step holds >= 80% of the growth, no other moved > 10% of it */
	GI_SHAPE_IRREGULAR,   /* grew beyond noise, otherwise */
	GI_SHAPE_SHRINKING,   /* fell beyond noise in total */
	GI_SHAPE_FLUCTUATING, /* steps beyond noise that cancel out */
};
enum gi_shape gi_series_shape(enum gi_measure m, const int64_t *v, size_t n, size_t *step_at);
const char *gi_shape_name(enum gi_shape s);  /* "steady growth" */
const char *gi_shape_word(enum gi_shape s);  /* "steady", for JSON */

struct gi_group_delta {
	const struct gi_ggroup *a, *b;  /* in the first and last snapshot; NULL: absent there */
	const struct gi_ggroup *rep;    /* the first one seen */
	const struct gi_ggroup **per;   /* per snapshot */
	int64_t *series;                /* count per snapshot */
	int64_t delta;                  /* last - first */
	uint64_t stuck;                 /* same goid, stack and status in the first and last */
	enum gi_shape shape;
	size_t step_at, order;
};
struct gi_class_delta {
	int cls;
	uint64_t size;
	uint64_t objects_before, objects_after, bytes_before, bytes_after;
	int64_t objects_delta, bytes_delta;
	int64_t *series;                /* bytes per snapshot */
	enum gi_shape shape;
	size_t step_at;
};
struct gi_claim {
	const char *kind;   /* goroutines, heap, rss, rss-outside-heap */
	char *text;
	int64_t value;      /* the delta the claim states */
	int64_t ref;        /* index into groups or classes; -1 */
};
struct gi_diff {
	const struct gi_snapshot *const *snaps;
	size_t nsnaps;
	bool stacks_known, stuck_known, heap_known, heap_objects_known, stack_known,
	     classes_known;
	int64_t gor_delta, rss_delta, rss_goheap_delta, rss_outside_delta;
	int64_t heap_inuse_delta, heap_objects_delta, stack_inuse_delta;
	struct gi_group_delta *groups;  /* growth first (largest first), then the shrunk */
	size_t ngroups;
	size_t **uidx;                  /* [snapshot][group] -> index into groups */
	uint64_t stuck;
	struct gi_class_delta *classes; /* by bytes_delta, largest first */
	size_t nclasses;
	int64_t *gor_series, *rss_series, *heap_series;
	enum gi_shape gor_shape, rss_shape, heap_shape;
	struct gi_site_delta *sites;    /* allocation sites, first to last (gi_memsite_deltas) */
	size_t nsites;
	struct gi_claim *claims;        /* the verdict; none when nothing grew beyond noise */
	size_t nclaims;
};
struct gi_diff *gi_diff_new(const struct gi_snapshot *const *snaps, size_t n);
void gi_diff_free(struct gi_diff *d);

/* diff --fail-on goroutines=+N,heap=+SIZE,rss=+SIZE */
struct gi_failon {
	bool has_goroutines, has_heap, has_rss;
	int64_t goroutines, heap, rss;
};
int gi_failon_parse(const char *spec, struct gi_failon *f, char *err, size_t errlen);
/* The number of thresholds crossed (each said on msg), or -1 with err when a snapshot lacks
 * the figure a threshold is on. */
int gi_failon_check(const struct gi_failon *f, const struct gi_diff *d, FILE *msg,
                    char *err, size_t errlen);

/* ---- export.c ---- */
enum gi_export_profile {
	GI_EXPORT_GOROUTINE,     /* the goroutine profile, from the groups */
	GI_EXPORT_HEAP,          /* the runtime's heap profile by allocation site (inuse_space) */
	GI_EXPORT_ALLOCS,        /* the same, alloc_space first (/debug/pprof/allocs) */
	GI_EXPORT_SIZE_CLASSES,  /* the heap by size class */
};
/* A gzipped pprof profile.proto. 0; -1 with err when the file cannot be written; -2 when the
 * snapshot lacks what is asked. */
int gi_export_pprof(const struct gi_snapshot *s, enum gi_export_profile what, const char *path,
                    char *err, size_t errlen);
/* Folded stacks ("outer;...;inner COUNT" per group). 0, or -2 with err. */
int gi_export_folded(const struct gi_snapshot *s, FILE *f, char *err, size_t errlen);

/* ---- html.c: diff --html ---- */
/* One self-contained page (no external resource): the verdict, a flame graph of the stacks
 * that grew, bar charts of what grew. 0, or -1 with err. */
int gi_html_write(const struct gi_diff *d, const char *const *paths, const char *out,
                  char *err, size_t errlen);

#endif
