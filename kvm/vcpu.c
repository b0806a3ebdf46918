// SPDX-License-Identifier: GPL-2.0
/* vCPUs: creation, boot registers, and the thread that runs KVM_RUN. */
#include <errno.h>
#include <stdatomic.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lkvm/kvm-vm.h"
#include "lkvm/run-state.h"
#include "lkvm/sandbox.h"
#include "lkvm/util.h"

#define LPCR_ILE (1ULL << 25)	/* interrupts taken little-endian */
#define VCPU_STACK_SIZE (256 << 10)

static void kick_handler(int sig)
{
	(void)sig;	/* only here to make KVM_RUN return -EINTR */
}

void kvm__install_kick_handler(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	sigaction(KVM_KICK_SIGNAL, &sa, NULL);	/* no SA_RESTART on purpose */
}

int kvm_vcpu__create(struct kvm_vm *vm, struct kvm_vcpu *vcpu, unsigned int id)
{
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->id = id;
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		return lkvm__fail(-errno, "cannot create vCPU %u: %s", id, strerror(errno));
	vcpu->run_size = vm->run_size;
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		close(vcpu->fd);
		return lkvm__fail(-errno, "cannot map vCPU %u's run area", id);
	}
	/* without PAPR mode KVM_RUN fails with EINVAL on pseries guests */
	if (ioctl(vcpu->fd, KVM_ENABLE_CAP, &papr) < 0) {
		kvm_vcpu__destroy(vcpu);
		return lkvm__fail(-errno, "vCPU %u: cannot enable PAPR mode: %s", id,
				  strerror(errno));
	}
	pthread_mutex_init(&vcpu->lock, NULL);
	pthread_cond_init(&vcpu->wake, NULL);
	return 0;
}

void kvm_vcpu__destroy(struct kvm_vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd > 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

int kvm_vcpu__set_entry(struct kvm_vcpu *vcpu, uint64_t pc, uint64_t msr,
			uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0)
		return lkvm__fail(-errno, "vCPU %u: KVM_GET_REGS: %s", vcpu->id,
				  strerror(errno));
	regs.pc = pc;
	regs.msr = msr;
	regs.gpr[3] = r3;
	regs.gpr[4] = r4;
	regs.gpr[5] = r5;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		return lkvm__fail(-errno, "vCPU %u: KVM_SET_REGS: %s", vcpu->id,
				  strerror(errno));
	return 0;
}

int kvm_vcpu__get_pvr(struct kvm_vcpu *vcpu, uint32_t *pvr)
{
	struct kvm_sregs sregs;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return lkvm__fail(-errno, "vCPU %u: KVM_GET_SREGS: %s", vcpu->id,
				  strerror(errno));
	*pvr = sregs.pvr;
	return 0;
}

int kvm_vcpu__set_ile(struct kvm_vcpu *vcpu, bool little_endian)
{
	uint64_t lpcr;
	struct kvm_one_reg reg = {
		.id = KVM_REG_PPC_LPCR_64,
		.addr = (uintptr_t)&lpcr,
	};

	if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) < 0)
		return -errno;
	lpcr = little_endian ? lpcr | LPCR_ILE : lpcr & ~LPCR_ILE;
	if (ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) < 0)
		return -errno;
	return 0;
}

int kvm_vcpu__connect_xics(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
			   unsigned int server)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_IRQ_XICS,
		.args = { (uint64_t)vm->xics_fd, server },
	};

	if (ioctl(vcpu->fd, KVM_ENABLE_CAP, &cap) < 0)
		return lkvm__fail(-errno, "vCPU %u: cannot connect to the XICS: %s",
				  vcpu->id, strerror(errno));
	return 0;
}

/*
 * A vCPU parked by stop-self left KVM_RUN on that hcall, and KVM writes
 * the hcall's result into r3 and its arguments into r4-r12 at the start
 * of the next KVM_RUN, over whatever KVM_SET_REGS put there (Linux
 * kvm_arch_vcpu_ioctl_run, hcall_needed). A KVM_RUN with immediate_exit
 * set does that write and returns -EINTR without entering the guest, so
 * the entry state of start-cpu set afterwards is the one the CPU starts
 * with.
 */
static int complete_pending_hcall(struct kvm_vcpu *vcpu)
{
	int ret = 0;

	if (!vcpu->hcall_pending)
		return 0;
	vcpu->run->immediate_exit = 1;
	if (ioctl(vcpu->fd, KVM_RUN, 0) == 0 || (errno != EINTR && errno != EAGAIN))
		ret = lkvm__fail(-EIO, "vCPU %u: cannot complete its stop-self call",
				 vcpu->id);
	vcpu->run->immediate_exit = 0;
	vcpu->hcall_pending = false;
	return ret;
}

/*
 * Park a stopped vCPU until start-cpu or the end of the VM. It counts as
 * parked for a pause all along, and a start-cpu that comes while the
 * machine is paused holds it in run_state__leave_stopped until resume.
 */
static int wait_for_start(struct kvm_vcpu *vcpu)
{
	bool stopping;
	uint64_t pc, r3;
	int ret;

	run_state__enter_stopped(vcpu->run_state);
	pthread_mutex_lock(&vcpu->lock);
	while (!vcpu->start_pending && !vcpu->ops->stopping(vcpu->ctx))
		pthread_cond_wait(&vcpu->wake, &vcpu->lock);
	pc = vcpu->start_pc;
	r3 = vcpu->start_r3;
	vcpu->start_pending = false;
	pthread_mutex_unlock(&vcpu->lock);
	/* before any ioctl: a paused vCPU's registers must stay as they are */
	stopping = run_state__leave_stopped(vcpu->run_state);
	if (stopping || vcpu->ops->stopping(vcpu->ctx))
		return 1;
	ret = complete_pending_hcall(vcpu);
	if (ret)
		return ret;
	/* start-cpu enters with the MMU off, 64-bit, as the boot CPU does */
	return kvm_vcpu__set_entry(vcpu, pc, KVM_PPC_ENTRY_MSR, r3, 0, 0);
}

static int handle_exit(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	vcpu->hcall_pending = run->exit_reason == KVM_EXIT_PAPR_HCALL;
	switch (run->exit_reason) {
	case KVM_EXIT_PAPR_HCALL:
		atomic_fetch_add_explicit(&vcpu->stats.hcall_exits, 1,
					  memory_order_relaxed);
		run->papr_hcall.ret = vcpu->ops->hcall(vcpu->ctx, vcpu,
						       run->papr_hcall.nr,
						       run->papr_hcall.args);
		return 0;
	case KVM_EXIT_INTR:
		atomic_fetch_add_explicit(&vcpu->stats.intr_exits, 1,
					  memory_order_relaxed);
		return 0;
	default:
		return lkvm__fail(-EIO, "vCPU %u: unexpected KVM exit %u", vcpu->id,
				  run->exit_reason);
	}
}

static void *vcpu_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	bool running = vcpu->start_pending;
	int ret = sandbox__apply(&kvm_vcpu_policy);

	vcpu->start_pending = false;
	while (!ret && !vcpu->ops->stopping(vcpu->ctx)) {
		/* a pause holds the thread here, between two KVM_RUN calls */
		if (run_state__park_if_paused(vcpu->run_state))
			break;
		if (!running) {
			ret = wait_for_start(vcpu);
			if (ret)
				break;
			running = true;
		}
		ret = vcpu->ops->before_run(vcpu->ctx, vcpu);
		if (ret)
			break;
		vcpu->hcall_pending = false;	/* every KVM_RUN completes it */
		atomic_fetch_add_explicit(&vcpu->stats.runs, 1, memory_order_relaxed);
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				atomic_fetch_add_explicit(&vcpu->stats.kicks, 1,
							  memory_order_relaxed);
				vcpu->run->immediate_exit = 0;
				continue;
			}
			/* on POWER, what a store into a read-only slot gives */
			ret = lkvm__fail(-errno, "vCPU %u: KVM_RUN: %s%s", vcpu->id,
					 strerror(errno), errno != EFAULT ? "" :
					 " (the guest stored into read-only memory, such as a read-only vNVDIMM)");
			break;
		}
		ret = handle_exit(vcpu);
		if (ret)
			break;
		if (vcpu->ops->parked(vcpu->ctx, vcpu))
			running = false;
	}
	if (ret < 0)
		vcpu->ops->failed(vcpu->ctx, vcpu, ret);
	/* last: a pause that waits for this thread must not wait forever */
	run_state__remove_vcpu(vcpu->run_state);
	return NULL;
}

int kvm_vcpu__start_thread(struct kvm_vcpu *vcpu, bool running)
{
	pthread_attr_t attr;
	int ret;

	/*
	 * A vCPU thread needs little stack. The default 8 MiB mapping would be
	 * backed by 2 MiB transparent huge pages as soon as it is touched,
	 * which alone would triple lkvm's resident memory.
	 */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, VCPU_STACK_SIZE);
	vcpu->start_pending = running;
	/* counted before it exists, so that no pause can miss it */
	run_state__add_vcpu(vcpu->run_state);
	ret = pthread_create(&vcpu->thread, &attr, vcpu_thread, vcpu);
	pthread_attr_destroy(&attr);
	if (ret) {
		run_state__remove_vcpu(vcpu->run_state);
		return lkvm__fail(-ret, "cannot start vCPU %u's thread", vcpu->id);
	}
	vcpu->thread_started = true;
	return 0;
}

int kvm_vcpu__wake(struct kvm_vcpu *vcpu, uint64_t pc, uint64_t r3)
{
	pthread_mutex_lock(&vcpu->lock);
	vcpu->start_pc = pc;
	vcpu->start_r3 = r3;
	vcpu->start_pending = true;
	pthread_cond_signal(&vcpu->wake);
	pthread_mutex_unlock(&vcpu->lock);
	return 0;
}

void kvm_vcpu__kick(struct kvm_vcpu *vcpu)
{
	if (!vcpu->thread_started)
		return;
	/* immediate_exit closes the window between the check and KVM_RUN */
	vcpu->run->immediate_exit = 1;
	pthread_mutex_lock(&vcpu->lock);
	pthread_cond_signal(&vcpu->wake);
	pthread_mutex_unlock(&vcpu->lock);
	pthread_kill(vcpu->thread, KVM_KICK_SIGNAL);
}

void kvm_vcpu__join(struct kvm_vcpu *vcpu)
{
	if (vcpu->thread_started)
		pthread_join(vcpu->thread, NULL);
	vcpu->thread_started = false;
}
