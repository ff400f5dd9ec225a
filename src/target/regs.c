/* regs.c: a stopped thread's registers, read with PTRACE_GETREGSET (NT_PRSTATUS), the request
 * every architecture has (arm64 has no PTRACE_GETREGS), into the fields the readers use. */
#include "target/target.h"

#include <elf.h>
#include <errno.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

static int getregset(int tid, void *buf, size_t len, struct gi_regs *r)
{
	struct iovec iov = {buf, len};
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	memset(r, 0, sizeof *r);
	return 0;
}

#if defined(__x86_64__)
int gi_regs_read(int tid, struct gi_regs *r)
{
	struct user_regs_struct u;
	int rc = getregset(tid, &u, sizeof u, r);
	if (rc < 0)
		return rc;
	/* DWARF register numbers (System V AMD64 psABI), which libunwind uses too */
	const uint64_t gen[] = {u.rax, u.rdx, u.rcx, u.rbx, u.rsi, u.rdi, u.rbp, u.rsp, u.r8,
	                        u.r9, u.r10, u.r11, u.r12, u.r13, u.r14, u.r15, u.rip};
	memcpy(r->gen, gen, sizeof gen);
	r->ngen = (int)(sizeof gen / sizeof gen[0]);
	r->pc = u.rip;
	r->sp = u.rsp;
	r->fp = u.rbp;
	return 0;
}
#elif defined(__aarch64__)
int gi_regs_read(int tid, struct gi_regs *r)
{
	struct user_pt_regs u;
	int rc = getregset(tid, &u, sizeof u, r);
	if (rc < 0)
		return rc;
	/* DWARF register numbers (AAPCS64): X0-X30 0-30, SP 31; libunwind adds PC as 32 */
	memcpy(r->gen, u.regs, 31 * 8);
	r->gen[31] = u.sp;
	r->gen[32] = u.pc;
	r->ngen = 33;
	r->pc = u.pc;
	r->sp = u.sp;
	r->fp = u.regs[29];
	r->lr = u.regs[30];
	return 0;
}
#else
#error "goinspect reads x86-64 and arm64 threads only"
#endif
