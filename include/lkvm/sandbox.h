/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_SANDBOX_H
#define LKVM_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

/*
 * seccomp allow-lists, one per kind of thread, each stated by the code
 * that owns the thread (vCPUs in kvm/, label flushers in pmem/, the
 * main thread's event loop in vm/vm.c). A thread applies its own
 * once its set-up is done; any syscall not on the list stops lkvm with a
 * message naming the thread and the syscall.
 */
struct sandbox_policy {
	const char *thread;		/* named in the message */
	const char *const *syscalls;	/* by name, NULL-terminated; names the
					 * running architecture lacks are skipped */
	/* ioctl: allowed only with these requests (and none if empty)... */
	const unsigned long *ioctls;
	unsigned int nr_ioctls;
	/* ...or any request of this type (_IOC_TYPE), when non-zero */
	unsigned int ioctl_type;
};

/* Exit code of a process stopped by its sandbox: a fault of lkvm's own,
 * not the guest's (4), so it gets its own number. */
#define SANDBOX_EXIT 6

/* Off unless a command turns it on (lkvm run, unless --seccomp=off). */
void sandbox__enable(bool on);
bool sandbox__enabled(void);

/*
 * Restrict the calling thread (and threads it starts later) to @p's
 * syscalls and those every thread needs. No-op when not enabled.
 * Returns 0 or a negative errno with a message.
 */
int sandbox__apply(const struct sandbox_policy *p);

/* How many syscalls @p allows, the common ones included (for reports). */
unsigned int sandbox__count(const struct sandbox_policy *p);

#endif
