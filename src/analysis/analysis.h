/* analysis: what grew between two or more snapshots of one program, and what it means. Every
 * figure a diff shows (text, JSON, HTML) is computed here once; output only prints it.
 *   trend.c   noise floors and the shape of a series (steady growth, a one-off step, ...)
 *   diff.c    goroutine groups, statuses, size classes, MemStats, memory kinds and mappings
 *             matched across the snapshots, and the verdict
 *   sites.c   allocation sites of the runtime's heap profile matched across snapshots
 *   failon.c  diff --fail-on limits
 * Model in, model out: includes base, target, goruntime and model. */
#ifndef GI_ANALYSIS_H
#define GI_ANALYSIS_H

#include "model/model.h"

/* ---- trend.c ---- */
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

/* ---- sites.c ---- */
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

/* ---- diff.c ---- */
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
/* Goroutines per status or wait reason, first and last snapshot. */
struct gi_status_delta {
	const char *key;
	uint64_t before, after;
	int64_t delta;
};
/* A mapping in the first and last snapshot, matched by address and path (a or b NULL: only
 * in the other). */
struct gi_map_delta {
	const struct gi_mapping *a, *b;
	int64_t delta;                  /* RSS */
};
/* Mappings of one kind, first and last snapshot. */
struct gi_kind_delta {
	uint64_t maps_before, maps_after;
	uint64_t rss_before, rss_after;
	int64_t delta;
};
struct gi_claim {
	const char *kind;   /* goroutines, heap, heap-site, rss, rss-outside-heap */
	char *text;
	int64_t value;      /* the delta the claim states */
	int64_t ref;        /* index into groups, classes or sites; -1 */
};
struct gi_diff {
	const struct gi_snapshot *const *snaps;
	size_t nsnaps;
	bool stacks_known, stuck_known, heap_known, heap_objects_known, stack_known,
	     classes_known;
	int64_t gor_delta, rss_delta, rss_goheap_delta, rss_outside_delta;
	int64_t pss_delta, anonymous_delta, swap_delta;
	int64_t heap_inuse_delta, heap_objects_delta, stack_inuse_delta;
	struct gi_status_delta *statuses;  /* by delta, largest growth first */
	size_t nstatuses;
	struct gi_group_delta *groups;  /* growth first (largest first), then the shrunk */
	size_t ngroups;
	size_t **uidx;                  /* [snapshot][group] -> index into groups */
	uint64_t stuck;
	struct gi_class_delta *classes; /* by bytes_delta, largest first */
	size_t nclasses;
	/* the other MemStats totals, where both snapshots have the heap */
	bool memstats_known;
	int64_t heap_alloc_delta, heap_idle_delta, heap_released_delta, heap_sys_delta,
	        sys_delta, num_gc_delta;
	/* the RSS breakdown (gi_heap_rss, by index), where both snapshots have it */
	bool rss_breakdown_known;
	int64_t rss_breakdown_delta[GI_HEAP_RSS_N];
	int64_t rss_in_go_heap_delta;   /* Go heap in use + free but resident + goroutine stacks */
	struct gi_kind_delta kinds[GI_MAP_KIND_COUNT];
	struct gi_map_delta *maps;      /* by the size of the change, largest first */
	size_t nmaps;
	int64_t *gor_series, *rss_series, *heap_series;
	enum gi_shape gor_shape, rss_shape, heap_shape;
	struct gi_site_delta *sites;    /* allocation sites, first to last (gi_memsite_deltas) */
	size_t nsites;
	struct gi_claim *claims;        /* the verdict; none when nothing grew beyond noise */
	size_t nclaims;
};
struct gi_diff *gi_diff_new(const struct gi_snapshot *const *snaps, size_t n);
void gi_diff_free(struct gi_diff *d);

/* ---- failon.c: diff --fail-on goroutines=+N,heap=+SIZE,rss=+SIZE ---- */
struct gi_failon {
	bool has_goroutines, has_heap, has_rss;
	int64_t goroutines, heap, rss;
};
/* 0, or with err -EINVAL (not a limit) or -ERANGE (beyond what a delta can be). */
int gi_failon_parse(const char *spec, struct gi_failon *f, char *err, size_t errlen);
/* The number of limits passed (each said on msg), or -ENOENT with err when a snapshot lacks
 * the figure a limit is on. */
int gi_failon_check(const struct gi_failon *f, const struct gi_diff *d, FILE *msg,
                    char *err, size_t errlen);

#endif
