/* perm.c: why the kernel refused goinspect access to a process, said from what /proc shows.
 *
 * The rules (kernel/ptrace.c __ptrace_may_access and ptrace_attach, security/commoncap.c
 * cap_ptrace_access_check, security/yama): a tracer needs the target's real, effective and
 * saved uid (and gids) to be its own, or CAP_SYS_PTRACE in the target's user namespace; a
 * target that is not dumpable needs CAP_SYS_PTRACE too; without it, the target's permitted
 * capabilities must be a subset of the tracer's, in the same user namespace; Yama may narrow
 * attaching further (1: descendants only, 2: CAP_SYS_PTRACE only, 3: nobody); other security
 * modules (Landlock, AppArmor, SELinux, BPF) may refuse on their own; and attaching to a
 * thread that is exiting is refused with the same EPERM, as happens while a process
 * replaces itself (exec). */
#include "target/target.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAP_SYS_PTRACE_BIT 19

/* The first line of a small file, its runs of blanks made one space; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t n)
{
	buf[0] = 0;
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char line[512];
	if (fgets(line, sizeof line, f)) {
		size_t j = 0;
		for (size_t i = 0; line[i] && line[i] != '\n' && j + 1 < n; i++) {
			bool blank = line[i] == ' ' || line[i] == '\t';
			if (blank && (j == 0 || buf[j - 1] == ' '))
				continue;
			buf[j++] = blank ? ' ' : line[i];
		}
		while (j && buf[j - 1] == ' ')
			j--;
		buf[j] = 0;
	}
	fclose(f);
}

void gi_ptrace_facts_read(int pid, bool attach, struct gi_ptrace_facts *f)
{
	memset(f, 0, sizeof *f);
	f->attach = attach;
	char buf[512], path[64];
	read_line("/proc/sys/kernel/yama/ptrace_scope", buf, sizeof buf);
	f->yama = buf[0] ? atoi(buf) : -1;
	read_line("/sys/kernel/security/lsm", f->lsm, sizeof f->lsm);

	struct gi_proc_status me, st;
	f->my_uid = attach ? getuid() : geteuid();  /* real ids attach, the file-system ids read */
	if (gi_proc_read_status(getpid(), &me) == 0) {
		f->self_known = true;
		f->my_cap_eff = me.cap_eff;
		f->my_cap_prm = me.cap_prm;
		f->my_seccomp = me.seccomp;
	}
	char mine[512];
	read_line("/proc/self/uid_map", mine, sizeof mine);
	f->my_userns_initial = !strcmp(mine, "0 0 4294967295");
	snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
	read_line(path, buf, sizeof buf);
	f->other_userns = mine[0] && buf[0] && strcmp(mine, buf) != 0;

	int rc = gi_proc_read_status(pid, &st);
	if (rc == -ENOENT || rc == -ESRCH || (rc == 0 && (st.state == 'X' ||
	                                                 (st.state == 'Z' && st.threads <= 1)))) {
		f->gone = true;
		return;
	}
	if (rc == 0) {
		f->target_known = true;
		f->uid[0] = st.uid_real;
		f->uid[1] = st.uid_eff;
		f->uid[2] = st.uid_saved;
		f->cap_prm = st.cap_prm;
		/* the files of /proc/PID belong to the process's effective uid while it is
		 * dumpable, to root when it is not (fs/proc/base.c task_dump_owner; not the
		 * directory itself) */
		struct stat sb;
		snprintf(path, sizeof path, "/proc/%d/status", pid);
		f->nondumpable = stat(path, &sb) == 0 && st.uid_eff != 0 && sb.st_uid != st.uid_eff;
	}
	/* a thread that has exited (exit_state set) cannot be attached: EPERM */
	int *tids = NULL;
	size_t nt = 0;
	if (gi_proc_list_tasks(pid, &tids, &nt) == 0)
		for (size_t i = 0; i < nt && !f->exiting; i++) {
			struct gi_proc_status ts;
			if (tids[i] != pid && gi_proc_read_status(tids[i], &ts) == 0)
				f->exiting = ts.state == 'Z' || ts.state == 'X';
		}
	free(tids);
	/* an ancestor of the target (Yama 1 lets it attach) */
	int p = pid, me_pid = getpid();
	for (int hops = 0; p > 1 && hops < 4096 && !f->descendant; hops++) {
		struct gi_proc_status ps;
		if (gi_proc_read_status(p, &ps) != 0)
			break;
		p = ps.ppid;
		f->descendant = p == me_pid;
	}
}

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

/* "CAP_NET_ADMIN, CAP_SYS_ADMIN and 3 more" for the bits of mask. */
static void cap_list(uint64_t mask, char *buf, size_t n)
{
	size_t len = 0;
	int named = 0, more = 0;
	buf[0] = 0;
	for (int b = 0; b < 64; b++) {
		if (!(mask >> b & 1))
			continue;
		if (named == 2) {
			more++;
			continue;
		}
		char other[16];
		snprintf(other, sizeof other, "capability %d", b);
		const char *name = b < (int)(sizeof cap_names / sizeof *cap_names) ? cap_names[b] : other;
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", named ? ", " : "", name);
		named++;
	}
	if (more && len < n)
		snprintf(buf + len, n - len, " and %d more", more);
}

void gi_ptrace_denied_reason(const struct gi_ptrace_facts *f, char *buf, size_t n)
{
	bool cap = f->self_known && (f->my_cap_eff >> CAP_SYS_PTRACE_BIT & 1);
	const char *exiting = "one of its threads was exiting, or it was replacing itself (exec): "
	                      "try again";
	char lsm[320];
	snprintf(lsm, sizeof lsm, "%s%s%s", f->lsm[0] ? " (active: " : "", f->lsm,
	         f->lsm[0] ? ")" : " (Landlock, AppArmor, SELinux or a BPF program)");
	if (f->gone) {
		snprintf(buf, n, "it exited meanwhile");
		return;
	}
	if (f->attach && f->yama == 3) {
		snprintf(buf, n, "Yama ptrace_scope is 3: no process may be traced until reboot");
		return;
	}
	if (cap) {
		if (!f->my_userns_initial && f->other_userns)
			snprintf(buf, n, "it is outside goinspect's user namespace, where goinspect's "
			         "CAP_SYS_PTRACE does not count");
		else if (f->attach && f->exiting)
			snprintf(buf, n, "%s", exiting);
		else if (f->attach && f->my_seccomp == 2)
			snprintf(buf, n, "goinspect has CAP_SYS_PTRACE but runs under a seccomp filter, "
			         "which may forbid ptrace");
		else
			snprintf(buf, n, "goinspect has CAP_SYS_PTRACE, so a Linux security module "
			         "refused%s", lsm);
		return;
	}
	const char *need = f->self_known ? "without CAP_SYS_PTRACE"
	                                 : "and its capabilities are unknown";
	uint64_t missing = f->cap_prm & ~f->my_cap_prm;
	char caps[256];
	if (f->attach && f->yama == 2)
		snprintf(buf, n, "Yama ptrace_scope is 2: only a process with CAP_SYS_PTRACE may "
		         "trace, and goinspect runs %s", need);
	else if (f->target_known &&
	         (f->uid[0] != f->my_uid || f->uid[1] != f->my_uid || f->uid[2] != f->my_uid))
		snprintf(buf, n, "it runs as uid %u and goinspect as uid %u, %s", f->uid[1],
		         f->my_uid, need);
	else if (f->nondumpable)
		snprintf(buf, n, "it is not dumpable (a set-user-ID or file-capability program, an "
		         "executable it may not read, or prctl PR_SET_DUMPABLE 0), and goinspect "
		         "runs %s", need);
	else if (f->other_userns)
		snprintf(buf, n, "it is in another user namespace, and goinspect runs %s there",
		         need);
	else if (f->target_known && f->self_known && missing) {
		cap_list(missing, caps, sizeof caps);
		snprintf(buf, n, "it holds capabilities goinspect lacks (%s), and goinspect runs %s",
		         caps, need);
	} else if (f->attach && f->yama == 1 && !f->descendant)
		snprintf(buf, n, "Yama ptrace_scope is 1: only an ancestor of it, or a process with "
		         "CAP_SYS_PTRACE, may trace it");
	else if (f->attach && f->exiting)
		snprintf(buf, n, "%s", exiting);
	else
		snprintf(buf, n, "a Linux security module refused%s, and goinspect runs %s", lsm, need);
}
