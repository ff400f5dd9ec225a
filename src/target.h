/* goinspect: the live target: attach (attach.c), memory (remote.c), DWARF layouts (dwarf.c),
 * function names (pclntab.c) and the goroutine walk (goroutines.c). */
#ifndef GOINSPECT_TARGET_H
#define GOINSPECT_TARGET_H

#include "goinspect.h"

#include <signal.h>
#include <sys/user.h>

/* ---- attach.c ---- */
struct gi_thread {
	int tid;
	bool seized;      /* PTRACE_SEIZE succeeded: must be detached */
	bool stopped;     /* in a ptrace stop we reported */
	bool gone;        /* exited while we looked */
	bool group_stop;  /* was (or went) into a group-stop (SIGSTOP, Ctrl-Z): left stopped */
	bool have_regs;
	struct user_regs_struct regs;
};

struct gi_attach {
	int pid;
	struct gi_thread *t;
	size_t n, cap;
	uint64_t t_first_stop;  /* CLOCK_MONOTONIC at the first PTRACE_INTERRUPT */
	uint64_t t_resumed;     /* after the last detach */
	uint64_t deadline;      /* stop bound: CLOCK_MONOTONIC */
	bool timed_out;         /* the stop bound passed */
	bool active;
	unsigned signals_reinjected;
};

/* Signal caught by goinspect (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE); 0 if none. */
extern volatile sig_atomic_t gi_signal_caught;
void gi_signals_install(void);
/* Detach (if attached), restore the default action and re-raise the caught signal. */
void gi_signals_die(void) __attribute__((noreturn));

/* Seizes and stops every thread of pid. 0 on success; -errno on failure to attach at all
 * (-EPERM, -ESRCH, -EINTR when a signal was caught, -ETIMEDOUT when the bound passed before all
 * threads stopped: then a->timed_out is set and whatever stopped stays attached). */
int gi_attach_all(struct gi_attach *a, int pid, uint64_t deadline_ns);
/* Reads every stopped thread's registers (PTRACE_GETREGS). */
void gi_attach_read_regs(struct gi_attach *a);
/* Detaches every thread; safe to call twice. Records t_resumed. */
void gi_detach_all(struct gi_attach *a);
void gi_attach_free(struct gi_attach *a);
/* Every thread exited while we held it (found at the detach): the process is ending. */
bool gi_attach_all_gone(const struct gi_attach *a);

/* ---- remote.c ---- */
struct gi_mem {
	int pid;
	int fd;          /* /proc/PID/mem, when process_vm_readv is refused */
	bool use_fd;
	uint64_t bytes, calls;
	uint64_t garbage_seed, garbage_rate;  /* test hook: see gi_mem_open */
	const uint8_t *local;  /* gi_mem_open_buffer: memory served from here, not a process */
	uint64_t local_base;
	size_t local_len;
};
struct gi_readreq {
	uint64_t addr;
	void *buf;
	size_t len;
	int err;         /* 0 or errno for this request */
};
int gi_mem_open(struct gi_mem *m, int pid);
/* Memory from a buffer holding [base, base+len) of some address space (tests, fuzzing). */
void gi_mem_open_buffer(struct gi_mem *m, uint64_t base, const void *data, size_t len);
/* Reads len bytes exactly. 0 or -errno (-EFAULT unreadable, -ESRCH gone). */
int gi_mem_read(struct gi_mem *m, uint64_t addr, void *buf, size_t len);
/* Reads many requests in few system calls. Returns how many failed; -ESRCH if the process
 * is gone. */
long gi_mem_readv(struct gi_mem *m, struct gi_readreq *r, size_t n);
/* Scratch memory for coalesced reads: blocks that never move, pre-faulted. */
struct gi_scratch {
	struct gi_scratch_block *head;
	size_t min_block;
};
void *gi_scratch_alloc(struct gi_scratch *s, size_t n);
void gi_scratch_free(struct gi_scratch *s);
/* Makes the whole scratch free for reuse (pointers into it become invalid); keeps its pages. */
void gi_scratch_reset(struct gi_scratch *s);
/* Like gi_mem_readv for many small requests close together (such as every g): requests less
 * than maxgap bytes apart are read as one range into sc. A request whose buf is NULL is left
 * pointing into sc (no copy); otherwise it is copied to buf. */
long gi_mem_readv_coalesced(struct gi_mem *m, struct gi_readreq *r, size_t n, size_t maxgap,
                            struct gi_scratch *sc);
int gi_mem_read_u64(struct gi_mem *m, uint64_t addr, uint64_t *v);
void gi_mem_close(struct gi_mem *m);

/* ---- dwarf.c ---- */
struct gi_dwarf;
struct gi_dwarf *gi_dwarf_open(struct gi_elf *e, char *err, size_t errlen);
/* Link-time address and size of a global variable such as "runtime.allgs". 0 or -1. */
int gi_dwarf_var(struct gi_dwarf *d, const char *name, uint64_t *addr, uint64_t *size);
int gi_dwarf_type_size(struct gi_dwarf *d, const char *type, uint64_t *size);
/* Offset and size of a (nested) member: type "runtime.schedt", path "gFree.stack.size". */
int gi_dwarf_member(struct gi_dwarf *d, const char *type, const char *path,
                    uint64_t *off, uint64_t *size);
/* Calls cb for every member of a struct type, nested structs flattened into dotted paths
 * (not through pointers), parents before their members, blank (_) fields left out; stops at
 * a non-zero return. */
typedef int (*gi_dwarf_member_cb)(void *arg, const char *path, uint64_t off, uint64_t size);
int gi_dwarf_walk(struct gi_dwarf *d, const char *type, gi_dwarf_member_cb cb, void *arg);
void gi_dwarf_close(struct gi_dwarf *d);

/* ---- layout.c ---- */
/* Where the runtime's globals are and how its structs are laid out; every reader of runtime
 * structures asks here. The source is DWARF for now. */
struct gi_layout;
struct gi_target;
struct gi_layout *gi_layout_open(struct gi_target *t, char *err, size_t errlen);
/* Runtime address (bias applied) and size of a global such as "runtime.allgs". 0 or -1. */
int gi_layout_var(struct gi_layout *l, const char *name, uint64_t *addr, uint64_t *size);
/* Offset and size of a (nested) member: type "runtime.schedt", path "gFree.stack.size". */
int gi_layout_member(struct gi_layout *l, const char *type, const char *path, uint64_t *off,
                     uint64_t *size);
int gi_layout_type_size(struct gi_layout *l, const char *type, uint64_t *size);
/* "DWARF", ...: where the layouts came from. */
const char *gi_layout_source(const struct gi_layout *l);
/* A warning for the snapshot (globals that could not be located), or NULL. */
const char *gi_layout_note(const struct gi_layout *l);
/* Gives back what the layouts were read from (libdw's memory) once every module has resolved
 * what it needs; lookups fail afterwards. */
void gi_layout_release(struct gi_layout *l);
void gi_layout_close(struct gi_layout *l);

/* ---- layouts-table.c (generated by scripts/gen-layouts.sh from DWARF) ---- */
/* Runtime layouts per Go release, for binaries without DWARF. */
struct gi_ltab_type { const char *name; uint32_t size; };  /* size 0: not in this release */
struct gi_ltab_member { int type; const char *path; uint32_t off, size; };  /* type: index */
struct gi_ltab_var { const char *name; uint32_t size; };
struct gi_ltab {
	int go_minor;
	const char *from;  /* the toolchain whose build's DWARF the table was taken from */
	const struct gi_ltab_type *types;
	size_t ntypes;
	const struct gi_ltab_member *members;
	size_t nmembers;
	const struct gi_ltab_var *vars;
	size_t nvars;
};
extern const struct gi_ltab gi_ltabs[];
extern const size_t gi_nltabs;
/* The table for a Go minor release, NULL if there is none. */
const struct gi_ltab *gi_ltab_find(int go_minor);

/* Lookups in one table (layout.c). 0 or -1. */
int gi_ltab_member(const struct gi_ltab *t, const char *type, const char *path, uint64_t *off,
                   uint64_t *size);
int gi_ltab_type_size(const struct gi_ltab *t, const char *type, uint64_t *size);
int gi_ltab_var_size(const struct gi_ltab *t, const char *name, uint64_t *size);

/* ---- globals.c ---- */
/* Locates the runtime's globals in a binary without symbols (function table, disassembly),
 * reading the live target; cb is called with the runtime address of each one found and
 * checked. The table is first checked against the binary's own type descriptors (checked
 * gets the types compared, e.g. "g, m, p"). 0, or -1 with err when moduledata or the function
 * table cannot be found, or the table does not fit the binary. */
typedef void (*gi_globals_cb)(void *arg, const char *name, uint64_t addr);
int gi_globals_locate(struct gi_target *t, const struct gi_ltab *tab, gi_globals_cb cb,
                      void *arg, char *checked, size_t checkedlen, char *err, size_t errlen);

/* ---- pclntab.c ---- */
struct gi_pcln;
/* Reads the function table through the live runtime.firstmoduledata at runtime address md. */
struct gi_pcln *gi_pcln_load(struct gi_mem *m, uint64_t md, char *err, size_t errlen);
/* Function name for a runtime pc, NULL if outside Go text. */
const char *gi_pcln_funcname(struct gi_pcln *p, uint64_t pc);
void gi_pcln_free(struct gi_pcln *p);
/* Entry and end (runtime addresses) of the function named name. 0 or -1. */
int gi_pcln_func_range(struct gi_pcln *p, const char *name, uint64_t *entry, uint64_t *end);
/* A logical frame: inlined calls are frames of their own. */
struct gi_frame {
	const char *func, *file;  /* point into the tables */
	int line;
	uint64_t pc, entry;
	bool inlined;
	bool wrapper;   /* compiler-generated (go statement or method wrapper): tracebacks hide it */
};
/* Logical frames at pc, innermost first. ret: pc is a return address (look up pc-1, as
 * tracebacks do). Returns the count, 0 when pc is not in Go code. */
int gi_pcln_frames(struct gi_pcln *p, uint64_t pc, bool ret, struct gi_frame *out, int max);
/* Frame size at pc (bytes from SP to the return address). 0, or -1 if unknown. */
int gi_pcln_spdelta(struct gi_pcln *p, uint64_t pc, int64_t *delta);
/* Where unwinding stops: goexit, mstart and the other top frames, or not Go code. */
bool gi_pcln_is_topframe(struct gi_pcln *p, uint64_t pc);
/* Unwinds a goroutine from pc/sp over a copy of its stack [stk_base, stk_base+stk_len): the
 * chain of physical frame pcs (the first is pc). Stops at a top frame (not included); sets
 * *truncated when it stopped on anything implausible or at max. */
int gi_unwind(struct gi_pcln *p, uint64_t pc, uint64_t sp, const uint8_t *stk, uint64_t stk_base,
              size_t stk_len, uint64_t *pcs, int max, bool *truncated);

/* ---- heap.c ---- */
/* The runtime's class_to_size table (bytes per object of each size class), the same in every
 * release from 1.19 to 1.26. */
extern const uint32_t gi_builtin_class_size[];

/* ---- goroutines.c ---- */
struct gi_target {
	int pid;
	int go_major, go_minor;
	uint64_t bias;          /* load bias: runtime address = link-time address + bias */
	struct gi_elf *elf;
	struct gi_elf *debug;   /* --debuginfo: DWARF from an unstripped copy of the same build */
	const char *debug_path;
	struct gi_layout *lay;  /* NULL when no layouts could be had */
	struct gi_mem mem;
};
struct gi_gor;  /* goroutine walk state */
/* Before the stop: layouts, wait-reason strings, function table. NULL with err when the
 * goroutines cannot be read (the snapshot then says why). */
struct gi_gor *gi_gor_prepare(struct gi_target *t, char *err, size_t errlen);
/* While stopped: copies allgs, the g fields, sched, the P's and the stacks of the goroutines
 * that are not parked (all of them with --consistent or without a stop). 0, or -errno (-ESRCH gone,
 * -ETIMEDOUT stop bound, -EINTR signal); on other errors err says what could not be read. */
int gi_gor_capture(struct gi_gor *g, struct gi_target *t, const struct gi_attach *at,
                   uint64_t deadline, char *err, size_t errlen);
/* How the capture will be made (the default, set by prepare: stop, not consistent): with or
 * without a stop, and with every stack copied during it (consistent) or the parked
 * goroutines' stacks after it, by gi_gor_capture_after. Sizes the pre-faulted scratch. */
void gi_gor_set_mode(struct gi_gor *g, bool stop, bool consistent);
/* After the detach (or after a --no-stop capture): copies the parked goroutines' stacks,
 * then re-reads those goroutines and marks the ones that moved meanwhile (with --no-stop,
 * every goroutine). 0 or -errno. */
int gi_gor_capture_after(struct gi_gor *g, struct gi_target *t);
/* Go heap arenas [start,end) read during the capture (for classifying mappings). */
size_t gi_gor_arenas(struct gi_gor *g, const uint64_t (**arenas)[2]);
/* After the detach: totals and per-status counts into the snapshot. */
void gi_gor_analyze(struct gi_gor *g, struct gi_snapshot *s);
void gi_gor_free(struct gi_gor *g);

struct gi_pcln *gi_gor_pcln(struct gi_gor *g);

/* ---- heap.c ---- */
struct gi_heap_rd;  /* heap reader state */
/* Before the stop: layouts of mheap, mspan, the heap statistics and the GC controller; scratch
 * sized from the span count now. NULL with err when the heap cannot be read. */
struct gi_heap_rd *gi_heap_prepare(struct gi_target *t, char *err, size_t errlen);
/* While stopped: copies mheap_.allspans, every span struct (in bulk), memstats, gcController
 * and the P's mcaches. 0, or -errno (-ESRCH, -ETIMEDOUT, -EINTR; other errors: err says). */
int gi_heap_capture(struct gi_heap_rd *h, struct gi_target *t, uint64_t deadline, char *err,
                    size_t errlen);
/* After the detach (and after s->mem is read and classified): size classes, MemStats, the RSS
 * breakdown, then a bounded sample of objects read from the running target. */
void gi_heap_analyze(struct gi_heap_rd *h, struct gi_target *t, struct gi_snapshot *s);
void gi_heap_rd_free(struct gi_heap_rd *h);
/* ---- memprof.c ---- */
struct gi_mprof;
/* Before the stop: where the heap profile's globals are; NULL when they cannot be found. */
struct gi_mprof *gi_mprof_prepare(struct gi_target *t);
/* After the stop: the runtime's heap profile as runtime.MemProfile would return it, every
 * site symbolized with pcln (may be NULL). */
void gi_mprof_read(struct gi_mprof *m, struct gi_target *t, struct gi_pcln *pcln,
                   struct gi_memprof *out);
void gi_mprof_free(struct gi_mprof *m);

/* ---- native.c ---- */
struct gi_native;
/* While stopped: registers and the top of the stack of every thread not in Go code. */
struct gi_native *gi_native_capture(const struct gi_attach *at, struct gi_mem *m,
                                    struct gi_pcln *pcln, int pid);
/* After the stop: unwinds them with libunwind into s->native (names modules with s->mem). */
void gi_native_analyze(struct gi_native *nt, struct gi_snapshot *s);
void gi_native_free(struct gi_native *nt);

/* GOINSPECT_FAULT test hook: value of a key ("stop-sleep") or NULL; "" for a bare flag. */
const char *gi_fault(const char *key);

#endif
