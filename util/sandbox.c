// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp filters from allow-lists (libseccomp). A forbidden syscall is
 * trapped (SIGSYS) so that lkvm can say which thread made which call before
 * it exits. The handler writes with write(2) and leaves with _exit(2); only
 * the syscall's name comes from libseccomp, which allocates it. That is
 * safe enough here: malloc's own syscalls (mmap, munmap, brk, madvise,
 * mprotect) are on every list, so the trapped call never comes from inside
 * malloc with its lock held.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include <seccomp.h>

#include "lkvm/sandbox.h"
#include "lkvm/util.h"

static atomic_bool enabled;
static __thread const char *thread_name = "unknown";

/* Every thread: exiting, signals, locks, time, and glibc's own doings. */
static const char *const common[] = {
	"exit", "exit_group", "rt_sigreturn", "rt_sigprocmask", "restart_syscall",
	"futex", "sched_yield", "clock_gettime", "clock_nanosleep", "nanosleep",
	"gettid", "getpid", "tgkill", "madvise", "munmap", "mmap", "mprotect",
	"brk", "write", "sigaltstack", NULL,
};

void sandbox__enable(bool on)
{
	atomic_store(&enabled, on);
}

bool sandbox__enabled(void)
{
	return atomic_load(&enabled);
}

static void put(const char *s)
{
	if (write(STDERR_FILENO, s, strlen(s)) < 0) {
		/* nothing more can be said */
	}
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char num[24], *p = num + sizeof(num);
	const char *name;
	int nr = si->si_syscall;
	unsigned int v = nr < 0 ? 0 : (unsigned int)nr;

	(void)sig;
	(void)uc;
	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	put("\r\nlkvm: seccomp: the ");
	put(thread_name);
	put(" thread made a syscall it is not allowed: ");
	put(name ? name : "?");
	put(" (");
	put(p);
	put("); stopping (lkvm run --seccomp=off turns the filters off)\r\n");
	_exit(SANDBOX_EXIT);
}

static int add_names(scmp_filter_ctx ctx, const char *const *names)
{
	int nr, ret;

	for (; names && *names; names++) {
		nr = seccomp_syscall_resolve_name(*names);
		if (nr == __NR_SCMP_ERROR)
			continue;	/* not a syscall on this architecture */
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (ret < 0 && ret != -EEXIST)
			return ret;
	}
	return 0;
}

static int add_ioctls(scmp_filter_ctx ctx, const struct sandbox_policy *p)
{
	unsigned int i;
	int ret;

	for (i = 0; i < p->nr_ioctls; i++) {
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_EQ, p->ioctls[i]));
		if (ret < 0)
			return ret;
	}
	if (p->ioctl_type)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
					SCMP_A1(SCMP_CMP_MASKED_EQ, 0xff00,
						(p->ioctl_type & 0xff) << 8));
	return 0;
}

int sandbox__apply(const struct sandbox_policy *p)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	scmp_filter_ctx ctx;
	int ret;

	if (!sandbox__enabled())
		return 0;
	thread_name = p->thread;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return lkvm__fail(-errno, "seccomp: cannot catch SIGSYS: %s", strerror(errno));
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		return lkvm__fail(-ENOMEM, "seccomp: cannot start a filter");
	ret = add_names(ctx, common);
	if (!ret)
		ret = add_names(ctx, p->syscalls);
	if (!ret)
		ret = add_ioctls(ctx, p);
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret < 0)
		return lkvm__fail(ret, "seccomp: cannot load the %s thread's filter: %s",
				  p->thread, strerror(-ret));
	return 0;
}

unsigned int sandbox__count(const struct sandbox_policy *p)
{
	const char *const *n;
	unsigned int count = 0;

	for (n = common; *n; n++)
		count += seccomp_syscall_resolve_name(*n) != __NR_SCMP_ERROR;
	for (n = p->syscalls; n && *n; n++)
		count += seccomp_syscall_resolve_name(*n) != __NR_SCMP_ERROR;
	return count + (p->nr_ioctls || p->ioctl_type ? 1 : 0);
}
