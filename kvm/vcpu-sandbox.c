// SPDX-License-Identifier: GPL-2.0
/* The vCPU threads' seccomp allow-list (applied in kvm/vcpu.c). */
#include <linux/kvm.h>

#include "lkvm/kvm-vm.h"
#include "lkvm/sandbox.h"

/*
 * What a vCPU thread does once running: KVM_RUN and the few register
 * ioctls of start-cpu and the interrupt endianness, the console's writes
 * and waits, flushes of vNVDIMM backings, kicks of other vCPUs, and
 * KVM_IRQ_LINE: check-exception and event-scan pulse an event source's
 * interrupt again while logs still wait; KVM_GET_DIRTY_LOG: a vNVDIMM
 * flush counts the pages it made durable.
 */
static const char *const vcpu_syscalls[] = {
	"poll", "ppoll", "fdatasync", "fsync", "msync", NULL,
};

static const unsigned long vcpu_ioctls[] = {
	KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS, KVM_GET_ONE_REG,
	KVM_SET_ONE_REG, KVM_IRQ_LINE, KVM_GET_DIRTY_LOG,
#ifdef __powerpc64__	/* its argument's type is POWER's (unit tests run elsewhere) */
	KVM_PPC_CONFIGURE_V3_MMU,
#endif
};

const struct sandbox_policy kvm_vcpu_policy = {
	.thread = "vCPU",
	.syscalls = vcpu_syscalls,
	.ioctls = vcpu_ioctls,
	.nr_ioctls = sizeof(vcpu_ioctls) / sizeof(vcpu_ioctls[0]),
};
