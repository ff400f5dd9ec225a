/* The readers gi_capture drives (capture.c), each in the same phases, so that the target is
 * stopped only while bytes are copied:
 *   prepare  (target running) layouts, tables, scratch sized and pre-faulted
 *   capture  (target stopped) copying only
 *   after    (target running again) what can be copied then, and checked
 *   analyze  (target running) the figures, into the snapshot
 * Internal to capture/. */
#ifndef GI_CAPTURE_READERS_H
#define GI_CAPTURE_READERS_H

#include "capture/capture.h"

/* ---- goroutines.c: the walk over runtime.allgs ---- */
struct gi_goreader;
/* Before the stop: layouts, wait-reason strings, function table. 0, or -errno with err when
 * the goroutines cannot be read (the snapshot then says why). */
int gi_goreader_prepare(struct gi_target *t, struct gi_goreader **out, char *err,
                        size_t errlen);
/* How the capture will be made (the default, set by prepare: stop, not consistent): with or
 * without a stop, and with every stack copied during it (consistent) or the parked
 * goroutines' stacks after it, by gi_goreader_capture_after. Sizes the pre-faulted scratch. */
void gi_goreader_set_mode(struct gi_goreader *g, bool stop, bool consistent);
/* While stopped: copies allgs, the g fields, sched, the P's and the stacks of the goroutines
 * that are not parked (all of them with --consistent or without a stop). 0, or -errno (-ESRCH
 * gone, -ETIMEDOUT stop bound, -EINTR signal); on other errors err says what could not be read. */
int gi_goreader_capture(struct gi_goreader *g, struct gi_target *t, const struct gi_attach *at,
                        uint64_t deadline, char *err, size_t errlen);
/* After the detach (or after a --no-stop capture): copies the parked goroutines' stacks,
 * then re-reads those goroutines and marks the ones that moved meanwhile (with --no-stop,
 * every goroutine). 0 or -errno. */
int gi_goreader_capture_after(struct gi_goreader *g, struct gi_target *t);
/* Go heap arenas [start,end) read during the capture (for classifying mappings). */
size_t gi_goreader_arenas(struct gi_goreader *g, const uint64_t (**arenas)[2]);
/* After the detach: totals, per-status counts and groups into the snapshot. */
void gi_goreader_analyze(struct gi_goreader *g, struct gi_snapshot *s);
/* The program's function table (NULL when it could not be read). */
struct gi_pcln *gi_goreader_pcln(struct gi_goreader *g);
void gi_goreader_free(struct gi_goreader *g);

/* ---- heap.c: the Go heap ---- */
struct gi_heapreader;
/* Before the stop: layouts of mheap, mspan, the heap statistics and the GC controller; scratch
 * sized from the span count now. 0, or -errno with err when the heap cannot be read. */
int gi_heapreader_prepare(struct gi_target *t, struct gi_heapreader **out, char *err,
                          size_t errlen);
/* While stopped: copies mheap_.allspans, every span struct (in bulk), memstats, gcController
 * and the P's mcaches. 0, or -errno (-ESRCH, -ETIMEDOUT, -EINTR; other errors: err says). */
int gi_heapreader_capture(struct gi_heapreader *h, struct gi_target *t, uint64_t deadline,
                          char *err, size_t errlen);
/* After the detach (and after s->mem is read and classified): size classes, MemStats, the RSS
 * breakdown, then a bounded sample of objects read from the running target. */
void gi_heapreader_analyze(struct gi_heapreader *h, struct gi_target *t, struct gi_snapshot *s);
void gi_heapreader_free(struct gi_heapreader *h);

/* ---- memprof.c: the runtime's heap profile ---- */
/* The heap profile's bucket and record, as the release lays them out. */
#define GI_MEMPROF_MAX_FUTURE 8  /* memRecord.future has 3 cycles; a bound on what is believed */
struct gi_memprof_shape {
	/* runtime.bucket: its size (where the stack starts) and members; the memProfile type */
	uint64_t hdr, b_allnext, b_typ, b_size, b_nstk, memprofile;
	/* runtime.memRecord after the stack: active and nfuture cycles of cyc bytes ... */
	uint64_t rec, rec_active, rec_future, cyc, nfuture;
	/* ... each runtime.memRecordCycle {allocs, frees[, alloc_bytes, free_bytes]}: without
	 * the bytes (Go 1.27 on) they are the counts times bucket.size */
	uint64_t c_allocs, c_frees, c_abytes, c_fbytes;
	bool bytes_recorded;
};
/* From the layouts, every member checked: 0, or -ENOTSUP with err naming the fact that is
 * missing or has a shape goinspect does not know. */
int gi_memprof_shape(struct gi_layout *d, struct gi_memprof_shape *s, char *err, size_t errlen);
struct gi_profreader;
/* Before the stop: where the heap profile's globals are, and the shapes of its buckets and
 * records. -ENOENT when the globals cannot be found, -ENOTSUP for a record shape goinspect does
 * not know; err says which. */
int gi_profreader_prepare(struct gi_target *t, struct gi_profreader **out, char *err,
                          size_t errlen);
/* After the stop: the runtime's heap profile as runtime.MemProfile would return it, every
 * site symbolized with pcln (may be NULL). */
void gi_profreader_read(struct gi_profreader *m, struct gi_target *t, struct gi_pcln *pcln,
                        struct gi_memprof *out);
void gi_profreader_free(struct gi_profreader *m);

#endif
