/* capture: a live Go program read into a snapshot, through one entry point.
 *   capture.c     gi_capture: the checks on the target, the order of the readers around the
 *                 stop, and what makes a snapshot partial
 *   goroutines.c  the goroutine walk (readers.h)
 *   heap.c        the heap's spans and MemStats
 *   memprof.c     the runtime's heap profile
 * Includes base, target, goruntime and model. */
#ifndef GI_CAPTURE_H
#define GI_CAPTURE_H

#include "model/model.h"

struct gi_capture_opts {
	int pid;
	uint64_t max_stop_ns;    /* the stop bound (--max-stop) */
	bool no_stop;            /* read while the program runs (--no-stop) */
	bool consistent;         /* every stack copied during the stop (--consistent) */
	const char *debuginfo;   /* DWARF from this file (--debuginfo), or NULL */
};

/* What became of a capture; the command line maps each to its exit status. */
enum gi_capture_status {
	GI_CAPTURE_OK,           /* the snapshot is filled; s->partial says whether in full */
	GI_CAPTURE_NO_TARGET,    /* cannot be inspected: no such process, a zombie, a thread, it
	                          * exited, not Go, an unsupported Go release or architecture,
	                          * gccgo, a --debuginfo file of another build */
	GI_CAPTURE_NOT_PERMITTED,/* not permitted to trace it: permissions, Yama, already traced */
};
struct gi_capture_result {
	enum gi_capture_status status;
	char message[1024];      /* why, when not OK: one line, without "goinspect: " */
};

/* Reads the program opts->pid into s (which it initialises). A signal caught meanwhile
 * (SIGINT, SIGTERM, ...) resumes the target and re-raises it: gi_capture does not return. */
enum gi_capture_status gi_capture(const struct gi_capture_opts *opts, struct gi_snapshot *s,
                                  struct gi_capture_result *r);

#endif
