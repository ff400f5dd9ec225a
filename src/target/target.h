/* target: the operating system's view of the target process, and nothing of Go.
 *   proc.c    /proc/PID/{status,task,exe,auxv,smaps}, mappings and their kinds
 *   elf.c     the program's ELF file (libelf): machine, build ids, sections, symbols
 *   regs.c    a stopped thread's registers, the same fields on every architecture
 *   attach.c  PTRACE_SEIZE / INTERRUPT / detach of every thread, signals, the stop bound
 *   remote.c  the target's memory (process_vm_readv, /proc/PID/mem), scratch for the stop
 *   native.c  native stacks of threads in C code (libunwind over a copy taken in the stop)
 *   perm.c    why the kernel refused access to a process, from what /proc shows
 *   debuginfod.c  separate debug files from debuginfod servers, through the host's client
 *             (debuginfod-lib.c: libdebuginfod loaded at run time; debuginfod-exec.c, in
 *             goinspect-static only: the debuginfod-find program)
 * Includes base only. */
#ifndef GI_TARGET_H
#define GI_TARGET_H

#include "base/base.h"

#include <signal.h>

/* ---- proc.c ---- */
struct gi_proc_status {
	char name[64];   /* Name: (comm), unescaped */
	char state;      /* first letter of State: R S D T t Z X I */
	int tgid, ppid;
	int tracer_pid;  /* TracerPid: */
	int threads;     /* Threads: */
	unsigned uid_real, uid_eff, uid_saved;
	uint64_t cap_prm, cap_eff;  /* CapPrm:, CapEff: (hexadecimal) */
	int seccomp;     /* Seccomp: 0 none, 1 strict, 2 filter; -1 not shown */
};
/* All return 0 or -errno (ENOENT: no such process; ESRCH: it exited while it was read;
 * EACCES/EPERM: permission). */
int gi_proc_read_status(int pid, struct gi_proc_status *out);
/* 0; -EINVAL when f holds no field; -errno when reading fails (ESRCH: the process exited
 * after the file was opened). */
int gi_status_parse(FILE *f, struct gi_proc_status *out);
int gi_proc_list_tasks(int pid, int **tids, size_t *n);   /* sorted ascending, caller frees */
int gi_proc_exe_path(int pid, char *buf, size_t n);        /* readlink of /proc/PID/exe */
int gi_proc_read_auxv(int pid, uint64_t type, uint64_t *val);
/* The process has exited (no /proc entry, or a zombie). */
bool gi_proc_gone(int pid);
/* A process in another PID namespace than goinspect's knows its threads by other IDs than the
 * host's (NSpid in /proc/PID/task/TID/status: the last is its own namespace's): the Go runtime
 * records those (m.procid). The pairs, read once before the stop; n is 0 when the process is
 * in goinspect's namespace. */
struct gi_tidmap {
	int *host, *ns;
	size_t n;
};
int gi_proc_tidmap(int pid, struct gi_tidmap *m);
/* The host's ID of the thread the process knows as tid: tid itself when the map is empty (the
 * same namespace), 0 when the map has no such thread. */
int gi_tidmap_host(const struct gi_tidmap *m, uint64_t tid);
void gi_tidmap_free(struct gi_tidmap *m);

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
/* The resident bytes of the mappings of one kind. */
uint64_t gi_memory_kind_rss(const struct gi_memory *m, enum gi_map_kind k);
void gi_memory_free(struct gi_memory *m);

/* ---- elf.c ---- */
struct gi_elf {
	int fd;
	void *elf;            /* Elf * */
	int elfclass;         /* ELFCLASS64 / 32 */
	unsigned machine;     /* EM_X86_64, EM_AARCH64 ... */
	bool pie;             /* ET_DYN */
	uint64_t entry;       /* e_entry */
	char build_id[2 * 64 + 1]; /* hex GNU build id, "" if none */
	char go_build_id[128];     /* the Go linker's build id note, "" if none */
	bool has_dwarf;       /* .debug_info present */
	bool has_symtab;
};
/* 0, or -errno with err (-EACCES: not permitted to read it; -ENOEXEC: not an ELF file). */
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
/* The ELF machine goinspect was built for (EM_X86_64 or EM_AARCH64), and its name. */
unsigned gi_elf_host_machine(void);
const char *gi_elf_machine_name(unsigned machine);

/* ---- regs.c ---- */
/* A stopped thread's registers. pc, sp and fp on every architecture (fp: RBP on x86-64, X29
 * on arm64), lr where there is a link register (X30 on arm64, 0 on x86-64); gen[] every
 * general register by its DWARF number, which is also libunwind's (x86-64: RAX 0 ... R15 15,
 * RIP 16; arm64: X0 ... X30 30, SP 31, PC 32). */
#define GI_NREGS 33
struct gi_regs {
	uint64_t pc, sp, fp, lr;
	uint64_t gen[GI_NREGS];
	int ngen;
};
/* PTRACE_GETREGSET (NT_PRSTATUS). 0 or -errno. */
int gi_regs_read(int tid, struct gi_regs *r);

/* ---- attach.c ---- */
struct gi_thread {
	int tid;
	bool seized;      /* PTRACE_SEIZE succeeded: must be detached */
	bool stopped;     /* in a ptrace stop we reported */
	bool gone;        /* exited while we looked */
	bool group_stop;  /* was (or went) into a group-stop (SIGSTOP, Ctrl-Z): left stopped */
	bool have_regs;
	struct gi_regs regs;
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
/* 0 while the stop may go on; -EINTR when a signal was caught, -ETIMEDOUT past deadline. */
int gi_stop_check(uint64_t deadline);

/* Seizes and stops every thread of pid. 0 on success; -errno on failure to attach at all
 * (-EPERM, -ESRCH, -EINTR when a signal was caught, -ETIMEDOUT when the bound passed before all
 * threads stopped: then a->timed_out is set and whatever stopped stays attached). */
int gi_attach_all(struct gi_attach *a, int pid, uint64_t deadline_ns);
/* Reads every stopped thread's registers. */
void gi_attach_read_regs(struct gi_attach *a);
/* Detaches every thread; safe to call twice. Records t_resumed. */
void gi_detach_all(struct gi_attach *a);
void gi_attach_free(struct gi_attach *a);
/* Every thread exited while we held it (found at the detach): the process is ending. */
bool gi_attach_all_gone(const struct gi_attach *a);

/* ---- remote.c ---- */
struct gi_remote {
	int pid;
	int fd;          /* /proc/PID/mem, when process_vm_readv is refused */
	bool use_fd;
	uint64_t bytes, calls;
	uint64_t garbage_seed, garbage_rate;  /* test hook: see gi_remote_open */
	const uint8_t *local;  /* gi_remote_open_buffer: memory served from here, not a process */
	uint64_t local_base;
	size_t local_len;
};
struct gi_readreq {
	uint64_t addr;
	void *buf;
	size_t len;
	int err;         /* 0 or errno for this request */
};
int gi_remote_open(struct gi_remote *m, int pid);
/* Memory from a buffer holding [base, base+len) of some address space (tests, fuzzing). */
void gi_remote_open_buffer(struct gi_remote *m, uint64_t base, const void *data, size_t len);
/* Reads len bytes exactly. 0 or -errno (-EFAULT unreadable, -ESRCH gone). */
int gi_remote_read(struct gi_remote *m, uint64_t addr, void *buf, size_t len);
/* Reads many requests in few system calls. Returns how many failed; -ESRCH if the process
 * is gone. */
long gi_remote_readv(struct gi_remote *m, struct gi_readreq *r, size_t n);
/* Scratch memory for coalesced reads: blocks that never move, pre-faulted. */
struct gi_scratch {
	struct gi_scratch_block *head;
	size_t min_block;
};
void *gi_scratch_alloc(struct gi_scratch *s, size_t n);
void gi_scratch_free(struct gi_scratch *s);
/* Makes the whole scratch free for reuse (pointers into it become invalid); keeps its pages. */
void gi_scratch_reset(struct gi_scratch *s);
/* Like gi_remote_readv for many small requests close together (such as every g): requests less
 * than maxgap bytes apart are read as one range into sc. A request whose buf is NULL is left
 * pointing into sc (no copy); otherwise it is copied to buf. */
long gi_remote_readv_coalesced(struct gi_remote *m, struct gi_readreq *r, size_t n, size_t maxgap,
                               struct gi_scratch *sc);
int gi_remote_read_u64(struct gi_remote *m, uint64_t addr, uint64_t *v);
void gi_remote_close(struct gi_remote *m);

/* ---- native.c ---- */
/* A thread executing C code, with its native stack. */
struct gi_native_frame {
	char *func;       /* symbol, "?" when unknown */
	uint64_t offset;  /* from the symbol */
	uint64_t ip;
	char *module;     /* the mapped file, NULL if unknown */
};
struct gi_native_stack {
	int tid;
	char *name;       /* /proc/PID/task/TID/comm */
	struct gi_native_frame *frames;
	size_t nframes;
	bool truncated;
};
void gi_native_stack_free(struct gi_native_stack *s);
/* The code the native unwinder cannot name by itself: a function of the program's own code
 * table (Go code, which a stripped binary names only there). func_at returns the name and
 * entry of the function holding pc, or NULL when pc is not in that code. */
struct gi_native_code {
	const char *(*func_at)(void *arg, uint64_t pc, uint64_t *entry);
	void *arg;
};
struct gi_native;
/* While stopped: registers and the top of the stack of every thread whose pc is not in the
 * code table (the Go side covers those). */
void gi_native_capture(const struct gi_attach *at, struct gi_remote *m,
                       const struct gi_native_code *code, int pid, struct gi_native **out);
/* After the stop: unwinds them with libunwind (modules named from maps). */
void gi_native_unwind(struct gi_native *nt, const struct gi_memory *maps,
                      struct gi_native_stack **out, size_t *n);
void gi_native_free(struct gi_native *nt);

/* ---- perm.c: why the kernel refused access to a process (ptrace_may_access, Yama) ---- */
/* What /proc shows of the rules the kernel applies (kernel/ptrace.c __ptrace_may_access, the
 * capability and Yama security modules), for saying in one line why an attach or a read of
 * /proc/PID/exe was refused. */
struct gi_ptrace_facts {
	bool attach;             /* PTRACE_SEIZE refused (Yama applies), not a read of /proc/PID/exe */
	bool self_known, target_known;
	unsigned my_uid;         /* goinspect's real uid */
	uint64_t my_cap_eff, my_cap_prm;
	int my_seccomp;          /* Seccomp: of goinspect */
	bool my_userns_initial;  /* goinspect's uid_map maps every uid to itself */
	unsigned uid[3];         /* the target's real, effective, saved uid */
	uint64_t cap_prm;        /* the target's permitted capabilities */
	bool nondumpable;        /* /proc/PID is root's though the target's uid is not */
	bool other_userns;       /* the target's uid_map differs from goinspect's */
	bool descendant;         /* the target descends from goinspect */
	bool gone;               /* the target has exited */
	bool exiting;            /* one of its threads is exiting (or it runs exec): a zombie */
	int yama;                /* /proc/sys/kernel/yama/ptrace_scope, -1 without Yama */
	char lsm[256];           /* /sys/kernel/security/lsm, "" when not readable */
};
void gi_ptrace_facts_read(int pid, bool attach, struct gi_ptrace_facts *f);
/* Why, in words ("it runs as uid 0 and goinspect as uid 65534, without CAP_SYS_PTRACE"). */
void gi_ptrace_denied_reason(const struct gi_ptrace_facts *f, char *buf, size_t n);
/* ---- debuginfod.c ---- */
/* The separate debug file of the ELF file whose GNU build id is build_id (hex), from the
 * debuginfod servers DEBUGINFOD_URLS names, through the client the host has: servers, cache,
 * timeouts and their variables (DEBUGINFOD_CACHE_PATH, DEBUGINFOD_TIMEOUT, ...) are the
 * client's. 0 with *path set (malloc'd: the file in the client's cache), or -errno:
 * -ENOSYS no lookup made (DEBUGINFOD_URLS unset or empty, no client on the host, or goinspect
 * runs set-user-ID or set-group-ID: the environment is the caller's); -EINVAL build_id is
 * not hex; -ENOENT (or the client's -errno: -ECONNREFUSED, -ETIME, ...) no server gave it.
 * Prints nothing of its own, and the client program's messages are dropped. */
int gi_debuginfod_find(const char *build_id, char **path);
/* The client itself, one of two (the same name, linked into one program or the other):
 * debuginfod-lib.c (in libtarget.a) loads libdebuginfod.so.1 at the first lookup, as
 * elfutils' own libdwfl does; debuginfod-exec.c (goinspect-static, which cannot load a
 * library: a statically linked program's dlopen needs the very C library it was linked with)
 * runs the host's debuginfod-find. build_id is checked hex; returns as above. */
int gi_debuginfod_client_find(const char *build_id, char **path);

#endif
