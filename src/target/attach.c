/* attach.c: stopping and resuming the target safely.
 *
 * Rules (see README, "Safety"):
 * - PTRACE_SEIZE + PTRACE_INTERRUPT, never PTRACE_ATTACH (no SIGSTOP is ever queued, so a
 *   goinspect killed at any moment leaves the target running) and never PTRACE_O_EXITKILL.
 * - Every thread of /proc/PID/task is seized; the list is re-read until a pass finds no thread
 *   that is not already stopped.
 * - A signal that reaches a thread while we wait for its stop (a signal-delivery-stop) is
 *   re-injected at once with PTRACE_CONT(sig): nothing is swallowed. Signals that arrive while
 *   the threads are stopped stay pending in the kernel and are delivered after the detach.
 * - A thread that was in a group-stop (SIGSTOP, Ctrl-Z) is detached with no signal and stays
 *   stopped, as it was.
 * - The stop is bounded: waits are interrupted by SIGALRM at the deadline.
 * - SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE only set a flag; the flow checks it, detaches
 *   every thread and re-raises the signal (gi_signals_die).
 */
#include "target/target.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t gi_signal_caught;
static volatile sig_atomic_t alarm_fired;
static struct gi_attach *current;  /* the attachment to undo on fatal paths */

static void on_signal(int sig)
{
	if (!gi_signal_caught)
		gi_signal_caught = sig;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

static void fatal_detach(void)
{
	if (current)
		gi_detach_all(current);
}

void gi_signals_install(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;   /* no SA_RESTART: waitpid returns EINTR */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	gi_fatal_hook = fatal_detach;
}

void gi_signals_die(void)
{
	int sig = gi_signal_caught ? gi_signal_caught : SIGTERM;
	fatal_detach();
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

int gi_stop_check(uint64_t deadline)
{
	if (gi_signal_caught)
		return -EINTR;
	if (gi_now_ns() >= deadline)
		return -ETIMEDOUT;
	return 0;
}

static void arm_alarm(uint64_t deadline)
{
	struct itimerval it;
	memset(&it, 0, sizeof it);
	uint64_t now = gi_now_ns();
	uint64_t left = deadline > now ? deadline - now : 1000;
	it.it_value.tv_sec = (time_t)(left / 1000000000u);
	it.it_value.tv_usec = (suseconds_t)((left % 1000000000u) / 1000);
	if (!it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1;
	alarm_fired = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_alarm(void)
{
	struct itimerval it;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
}

static struct gi_thread *find_thread(struct gi_attach *a, int tid)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->t[i].tid == tid)
			return &a->t[i];
	return NULL;
}

static struct gi_thread *add_thread(struct gi_attach *a, int tid)
{
	GI_GROW(a->t, a->n, a->cap);
	struct gi_thread *t = &a->t[a->n++];
	memset(t, 0, sizeof *t);
	t->tid = tid;
	return t;
}

/* State letter of one thread, '?' if unknown. */
static char task_state(int pid, int tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return '?';
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return (p && p[1] == ' ' && p[2]) ? p[2] : '?';
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Waits until thread t reports its interrupt stop, re-injecting any signal that arrives
 * first. 0 when stopped or gone; -EINTR on a caught signal; -ETIMEDOUT at the deadline. */
static int wait_stop(struct gi_attach *a, struct gi_thread *t)
{
	while (!t->stopped && !t->gone) {
		if (gi_signal_caught)
			return -EINTR;
		if (alarm_fired || gi_now_ns() >= a->deadline)
			return -ETIMEDOUT;
		int st;
		pid_t r = waitpid(t->tid, &st, __WALL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD) {  /* no longer our tracee: it exited */
				t->gone = true;
				return 0;
			}
			return -errno;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			t->gone = true;
			t->seized = false;
			return 0;
		}
		if (!WIFSTOPPED(st))
			continue;
		int sig = WSTOPSIG(st);
		int event = (unsigned)st >> 16;
		if (event == PTRACE_EVENT_STOP) {
			t->stopped = true;
			if (is_stop_signal(sig))
				t->group_stop = true;
			return 0;
		}
		if (event == 0) {
			/* Signal-delivery-stop: give the signal back to the thread and ask again. */
			if (ptrace(PTRACE_CONT, t->tid, 0, (void *)(long)sig) < 0 && errno == ESRCH) {
				t->gone = true;
				return 0;
			}
			a->signals_reinjected++;
			ptrace(PTRACE_INTERRUPT, t->tid, 0, 0);
			continue;
		}
		/* Another ptrace event (none is requested): let it go on. */
		ptrace(PTRACE_CONT, t->tid, 0, 0);
		ptrace(PTRACE_INTERRUPT, t->tid, 0, 0);
	}
	return 0;
}

int gi_attach_all(struct gi_attach *a, int pid, uint64_t deadline_ns)
{
	memset(a, 0, sizeof *a);
	a->pid = pid;
	a->deadline = deadline_ns;
	a->active = true;
	current = a;
	arm_alarm(deadline_ns);
	int ret = 0;

	for (int pass = 0;; pass++) {
		int *tids = NULL;
		size_t ntids = 0;
		int r = gi_proc_list_tasks(pid, &tids, &ntids);
		if (r < 0) {
			ret = (r == -ENOENT) ? -ESRCH : r;
			break;
		}
		size_t fresh = 0;
		for (size_t i = 0; i < ntids; i++) {
			if (find_thread(a, tids[i]))
				continue;
			if (task_state(pid, tids[i]) == 'Z')
				continue;  /* a zombie thread (e.g. an exited group leader) cannot stop */
			if (ptrace(PTRACE_SEIZE, tids[i], 0, 0) < 0) {
				int e = errno;
				if (e == ESRCH)
					continue;  /* exited meanwhile */
				if (a->n == 0 || tids[i] == pid) {
					free(tids);
					ret = -e;
					goto out;
				}
				continue;  /* an exiting thread refuses; the others matter */
			}
			struct gi_thread *t = add_thread(a, tids[i]);
			t->seized = true;
			if (!a->t_first_stop)
				a->t_first_stop = gi_now_ns();
			if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0 && errno == ESRCH)
				t->gone = true;
			fresh++;
		}
		free(tids);
		for (size_t i = 0; i < a->n; i++) {
			r = wait_stop(a, &a->t[i]);
			if (r < 0) {
				ret = r;
				goto out;
			}
		}
		if (fresh == 0)
			break;  /* every thread we know is stopped and none is new */
		if (pass > 1000) {
			ret = -EAGAIN;
			break;
		}
	}
	if (ret == 0) {
		bool any = false;
		for (size_t i = 0; i < a->n; i++)
			any |= a->t[i].stopped;
		if (!any)
			ret = -ESRCH;
	}
out:
	disarm_alarm();
	if (ret == -ETIMEDOUT)
		a->timed_out = true;
	return ret;
}

void gi_attach_read_regs(struct gi_attach *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct gi_thread *t = &a->t[i];
		if (t->stopped && !t->gone)
			t->have_regs = gi_regs_read(t->tid, &t->regs) == 0;
	}
}

void gi_detach_all(struct gi_attach *a)
{
	if (!a || !a->active)
		return;
	for (size_t i = 0; i < a->n; i++) {
		struct gi_thread *t = &a->t[i];
		if (!t->seized || t->gone)
			continue;
		if (!t->stopped) {
			/* The interrupt is still pending: wait briefly for the stop (re-injecting
			 * signals) so the thread can be detached cleanly. If it never comes, our exit
			 * detaches it in the kernel, which also drops the pending interrupt. */
			a->deadline = gi_now_ns() + 200000000u;
			sig_atomic_t saved = gi_signal_caught;
			gi_signal_caught = 0;
			arm_alarm(a->deadline);
			wait_stop(a, t);
			disarm_alarm();
			if (!gi_signal_caught)
				gi_signal_caught = saved;
		}
		if (t->stopped && !t->gone && ptrace(PTRACE_DETACH, t->tid, 0, 0) < 0 &&
		    errno == ESRCH)
			t->gone = true;  /* it exited (or is exiting) while stopped */
		t->seized = false;
		t->stopped = false;
	}
	a->t_resumed = gi_now_ns();
	a->active = false;
	if (current == a)
		current = NULL;
}

void gi_attach_free(struct gi_attach *a)
{
	gi_detach_all(a);
	free(a->t);
	a->t = NULL;
	a->n = a->cap = 0;
}

bool gi_attach_all_gone(const struct gi_attach *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (!a->t[i].gone)
			return false;
	return true;
}
