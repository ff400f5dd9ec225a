/* output: snapshots and diffs as people and other tools read them. Nothing here computes a
 * figure a diff shows: analysis does, once.
 *   text.c     aligned text: colours, wrapping, widths
 *   show.c     the snapshot summary and `show` (text; --json prints the snapshot document)
 *   diff.c     `diff` as text and as JSON
 *   memprof.c  the runtime's heap profile (allocation sites) in show and diff
 *   html.c     diff --html: one self-contained page
 *   export.c   pprof profiles (protobuf-c, third_party/pprof/profile.proto) and folded stacks
 * Includes every layer below it but cli (capture is never needed to print). */
#ifndef GI_OUTPUT_H
#define GI_OUTPUT_H

#include "analysis/analysis.h"

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

/* ---- show.c ---- */
/* The few lines `snapshot` prints about the file it wrote. */
void gi_report_summary(FILE *out, const struct gi_snapshot *s, const char *path);
int gi_report_show(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o);

/* ---- diff.c ---- */
/* diff of two or more snapshots (paths: their file names, for the trend). */
int gi_report_diff(FILE *out, const struct gi_diff *d, const char *const *paths,
                   const struct gi_report_opts *o);

/* ---- memprof.c ---- */
void gi_report_memprof_show(FILE *out, const struct gi_snapshot *s, const struct gi_report_opts *o);
void gi_report_memprof_diff(FILE *out, const struct gi_diff *d, const struct gi_report_opts *o);
/* {"sites": [...]} for diff --json's heap.profile (a json_t *). */
void *gi_report_memprof_diff_json(const struct gi_diff *d);

/* ---- html.c ---- */
/* One self-contained page (no external resource): the verdict, a flame graph of the stacks
 * that grew, bar charts of what grew. 0, or -errno with err. */
int gi_html_write(const struct gi_diff *d, const char *const *paths, const char *out,
                  char *err, size_t errlen);

/* ---- export.c ---- */
enum gi_export_profile {
	GI_EXPORT_GOROUTINE,     /* the goroutine profile, from the groups */
	GI_EXPORT_HEAP,          /* the runtime's heap profile by allocation site (inuse_space) */
	GI_EXPORT_ALLOCS,        /* the same, alloc_space first (/debug/pprof/allocs) */
	GI_EXPORT_SIZE_CLASSES,  /* the heap by size class */
};
/* A gzipped pprof profile.proto. 0; -errno with err when the file cannot be written; -ENODATA
 * with err when the snapshot lacks what is asked. */
int gi_export_pprof(const struct gi_snapshot *s, enum gi_export_profile what, const char *path,
                    char *err, size_t errlen);
/* Folded stacks ("outer;...;inner COUNT" per group). 0, or -ENODATA with err. */
int gi_export_folded(const struct gi_snapshot *s, FILE *f, char *err, size_t errlen);

/* ---- text.c: shared by the text reports ---- */
#define GI_C_BOLD "\033[1m"
#define GI_C_RED "\033[31m"
#define GI_C_GREEN "\033[32m"
#define GI_C_YELLOW "\033[33m"
#define GI_C_DIM "\033[2m"
#define GI_C_OFF "\033[0m"
/* code when colours are on, else "". */
const char *gi_paint(const struct gi_report_opts *o, const char *code);
/* At most o->top of n rows (all when top is 0). */
size_t gi_rows(const struct gi_report_opts *o, size_t n);
/* A delta right-aligned in w columns, green for growth, red... (see text.c). */
void gi_print_delta(FILE *out, const struct gi_report_opts *o, int w, int64_t delta,
                    const char *text);
/* "+12", "-3", "0" */
const char *gi_fmt_count(char *buf, size_t n, int64_t v);
/* s cut to w columns with "..." when longer. */
const char *gi_fit(char *buf, size_t n, const char *s, size_t w);
/* text wrapped at 80 columns: the first line after first, the others after indent. */
void gi_wrap(FILE *out, const char *first, const char *indent, const char *text);
/* A jansson document (json_t *), indented, its keys in order; the reference is released. */
void gi_print_json(FILE *out, void *json);
/* "2026-11-22T15:00:00Z" to seconds, (time_t)-1 when it is not one. */
long long gi_parse_time(const char *s);
/* Every string of the snapshot with its control characters escaped (gi_escape_controls), for
 * text printed to a terminal: function names, labels, paths, strings sampled from the heap
 * come from the target or a file and may hold escape sequences. Not for JSON, which escapes
 * them itself. */
void gi_text_safe(struct gi_snapshot *s);

#endif
