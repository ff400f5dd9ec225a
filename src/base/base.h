/* base: what every layer may use. Allocation that never returns NULL, the messages goinspect
 * prints, sizes and durations as text, small tables, little-endian reads, fault points.
 *
 * The layers, bottom to top (a folder may include only its own header and those below it;
 * see HACKING.md):
 *   base       this folder
 *   target     the operating system: /proc, ELF files, ptrace, remote memory, native stacks
 *   goruntime  knowledge of the Go runtime: releases, layouts, DWARF, tables, pclntab, globals
 *   model      the snapshot: every struct once, its teardown, its JSON reader and writer
 *   capture    reading a live program into a snapshot (one entry point, gi_capture)
 *   analysis   what grew between snapshots: diff, trend, noise, verdict, --fail-on
 *   output     text, JSON, HTML, pprof and folded stacks
 *   cli        the command line: one file per command
 *
 * Error convention, for every layer below cli:
 *  - A function that can fail returns int: 0 on success, a negative errno value on failure
 *    (-ESRCH: the process is gone; -EPERM/-EACCES: not permitted; -ETIMEDOUT: the stop bound
 *    passed; -EINTR: a signal was caught; -EFAULT: memory unreadable; -ENOENT: not found;
 *    -EINVAL: data that makes no sense; -ENOTSUP: a Go release or build it cannot read).
 *  - Where a user must be told why, the function also takes `char *err, size_t errlen` and
 *    writes one line there (no "goinspect:" prefix, no newline); the errno says what kind of
 *    failure it was, so no caller ever reads the text to decide what to do.
 *  - A constructor returns its object through an out parameter (`struct x **out`), never
 *    NULL for failure.
 *  - What is read only in part is not a failure: it is recorded in the snapshot (its
 *    warnings, and the `partial` flag), and the function returns 0.
 * Allocation failure is not an error return: xmalloc and friends print one line and exit with
 * status 70 (EX_SOFTWARE), after gi_fatal_hook (set while the target is stopped, to resume it).
 */
#ifndef GI_BASE_H
#define GI_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

/* ---- messages (util.c) ---- */
extern const char *gi_progname;
void gi_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* "goinspect: ...\n" */
void gi_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* "goinspect: warning: ...\n" */

/* ---- allocation (util.c) ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);                       /* NULL stays NULL */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Called on out-of-memory before exiting; the target layer sets it to resume the target. */
extern void (*gi_fatal_hook)(void);

/* ---- text (util.c) ---- */
/* Control characters (C0, DEL, and C1 in UTF-8) written as "\x1b" or "\u009b", so that text
 * from a target or a file cannot move a terminal's cursor, retitle it or break a line: a new
 * string, or NULL when s has none (or is NULL). gi_err and gi_warn apply it. */
char *gi_escape_controls(const char *s);
/* Text read from the target can hold any bytes; the snapshot is JSON, which is UTF-8. */
bool gi_utf8_valid(const char *s);
char *gi_utf8_fix(const char *s);                   /* invalid bytes become '?' */
/* "512 B", "4.0 KiB", "12.3 MiB", "1.50 GiB"; with sign: "+4.0 KiB", "-1 B", "0 B" */
const char *gi_fmt_size(char *buf, size_t n, int64_t bytes, bool sign);
/* "850 us", "3.2 ms", "1.25 s" */
const char *gi_fmt_duration(char *buf, size_t n, uint64_t ns);
/* The same, into a buffer that lives until the end of the enclosing full expression. */
#define GI_SIZE(v) gi_fmt_size((char[32]){0}, 32, (int64_t)(v), false)
#define GI_DSIZE(v) gi_fmt_size((char[32]){0}, 32, (int64_t)(v), true)
#define GI_DUR(v) gi_fmt_duration((char[32]){0}, 32, (v))
/* The last element of a path ("main.go" of "/src/app/main.go"); "?" for NULL. */
const char *gi_basename(const char *path);

uint64_t gi_now_ns(void);                           /* CLOCK_MONOTONIC */

/* ---- little-endian reads of copied memory (every target is little-endian) ---- */
static inline uint64_t gi_le64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}
static inline uint32_t gi_le32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
/* An unsigned integer of size bytes (1, 2, 4 or 8; larger sizes read their first 8). */
static inline uint64_t gi_le(const void *p, uint64_t size)
{
	uint64_t v = 0;
	memcpy(&v, p, size > 8 ? 8 : size);
	if (size < 8)
		v &= (1ull << (8 * size)) - 1;
	return v;
}

/* ---- growing arrays and hash indexes (util.c) ---- */
/* Makes room for one more element in an array of n elements with room for *cap (doubling,
 * from 16); returns the array, maybe moved. */
void *gi_grow(void *v, size_t n, size_t *cap, size_t elem);
#define GI_GROW(v, n, cap) ((v) = gi_grow((v), (n), &(cap), sizeof *(v)))

/* FNV-1a over bytes, continuing h (start with GI_HASH_INIT). */
#define GI_HASH_INIT 1469598103934665603ull
uint64_t gi_hash(uint64_t h, const void *p, size_t n);
uint64_t gi_hash_str(uint64_t h, const char *s);

/* An index of items the caller keeps (in an array, say), by hash: open addressing over item
 * numbers, which start at 1. */
struct gi_index {
	size_t *item;       /* per slot: the item, 0 for an empty slot */
	uint64_t *hash;     /* per slot: its hash */
	size_t nslots, n;
};
/* The first item with hash h that eq says is the one sought (eq NULL: any item with that
 * hash); 0 when there is none. */
size_t gi_index_find(const struct gi_index *x, uint64_t h, bool (*eq)(void *arg, size_t item),
                     void *arg);
void gi_index_add(struct gi_index *x, uint64_t h, size_t item);
void gi_index_free(struct gi_index *x);

/* ---- small tables (util.c) ---- */
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

/* An ordered list of key -> string (build settings, labels). */
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

/* ---- files (file.c) ---- */
/* What a file of this st_mode is, in words: "a directory", "a FIFO", "a character device". */
const char *gi_file_kind(unsigned mode);
/* Opens a file to read that must be a regular file: anything else (a FIFO, a device, a
 * directory) is refused at once, without waiting on it or reading it (-EINVAL, -EISDIR).
 * *fd, and *size (may be NULL) its size. 0, or -errno with the reason in err. */
int gi_open_regular(const char *path, int *fd, uint64_t *size, char *err, size_t errlen);
/* A file to write, as its name means it: symbolic links are followed to the file they name
 * (the link stays); a regular file, or a new one, is written to a temporary file beside it
 * that gi_out_close renames over it (so a failure leaves what was there, and a replaced file
 * keeps its permissions); anything else that is not a directory or a socket (a FIFO, a device
 * such as /dev/null, a process's file descriptor such as /dev/stdout) is written through, in
 * place, never replaced. A directory is refused (-EISDIR), a socket too (-EINVAL). */
struct gi_out {
	int fd;      /* write here; the caller closes it (fclose, gzclose) before gi_out_close */
	char *path;  /* the file written: where the symbolic links led */
	char *tmp;   /* the temporary file, NULL when written through */
};
/* 0, or -errno with the reason in err (without the path). */
int gi_out_open(struct gi_out *o, const char *path, char *err, size_t errlen);
/* After the caller closed o->fd: ok, the temporary file takes the file's place; not ok, it
 * is removed. 0, or -errno with err. */
int gi_out_close(struct gi_out *o, bool ok, char *err, size_t errlen);
/* Would gi_out_open refuse path? The same checks, and that its directory is writable, with
 * nothing created or opened: to refuse a bad name before work that would be lost. */
int gi_out_check(const char *path, char *err, size_t errlen);

/* ---- fault points (fault.c): GOINSPECT_FAULT=point[=value],... for the tests ---- */
enum gi_fault_point {
	GI_FAULT_STOP_SLEEP,      /* stop-sleep=MS: copying in the stop takes MS longer */
	GI_FAULT_KILL_TARGET,     /* kill-target: the target dies while it is stopped */
	GI_FAULT_STACKS_TIMEOUT,  /* stacks-timeout: the stop bound passes while stacks are copied */
	GI_FAULT_NO_DWARF,        /* no-dwarf: the binary's DWARF is ignored, as if stripped */
	GI_FAULT_TABLE,           /* table=MINOR: the built-in table of go1.MINOR is used */
	GI_FAULT_PRINT_GLOBALS,   /* print-globals: globals located without symbols, on stderr */
	GI_FAULT_NATIVE_NO_FILES, /* native-no-files: no mapped file can be opened */
	GI_FAULT_READ_GARBAGE,    /* read-garbage=SEED[:RATE]: remote reads return corrupted bytes */
	GI_FAULT_INPUT_LIMIT,     /* input-limit=BYTES: the largest snapshot read (not 1 GiB) */
	GI_FAULT_HIDE_RELEASE,    /* hide-release=MINOR: go1.MINOR and later are unknown: their
	                           * tables and rules hidden, as on the day go1.MINOR came out */
	GI_FAULT_COUNT
};
/* The point's value ("" when given bare), or NULL when it is not set. A GOINSPECT_FAULT that
 * names no known point is refused at the first call, with one line and exit status 64. */
const char *gi_fault(enum gi_fault_point p);

#endif
