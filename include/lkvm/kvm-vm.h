/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_KVM_VM_H
#define LKVM_KVM_VM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lkvm/kvm-slots.h"

/*
 * A KVM-HV virtual machine: the VM and device file descriptors and the
 * memory slots. Knows POWER's KVM interface, not the pseries machine.
 */
struct run_state;
struct sandbox_policy;

struct kvm_vm {
	int kvm_fd;
	int vm_fd;
	int xics_fd;
	size_t run_size;	/* mmap size of each vCPU's struct kvm_run */
	uint64_t page_size;	/* the host's: a dirty log has a bit per page */
	struct kvm_slots slots;	/* memory slot numbers in use */
};

int kvm_vm__create(struct kvm_vm *vm, const char *dev);
void kvm_vm__destroy(struct kvm_vm *vm);
/* How a memory slot is mapped (kvm_vm__add_memory's @flags). */
#define KVM_VM_MEM_READONLY	(1U << 0)	/* guest stores fault (not on POWER) */
#define KVM_VM_MEM_LOG_DIRTY	(1U << 1)	/* KVM logs the pages stored to */

/*
 * Map @size bytes of @host at guest address @gpa in the lowest free memory
 * slot, whose number goes to @slot_out unless it is NULL.
 */
int kvm_vm__add_memory(struct kvm_vm *vm, uint64_t gpa, uint64_t size,
		       void *host, unsigned int flags, unsigned int *slot_out);
/* Unmap memory slot @slot; its number is free again. 0 or -errno. */
int kvm_vm__remove_memory(struct kvm_vm *vm, unsigned int slot);
/*
 * How many host pages (vm->page_size bytes) of @slot, mapped with
 * KVM_VM_MEM_LOG_DIRTY, the guest stored to since the last call (or since
 * the mapping), counting afresh from now: KVM_GET_DIRTY_LOG. One call at
 * a time per slot, and none while the slot is removed. 0 or -errno with a
 * message.
 */
int kvm_vm__get_dirty_log(struct kvm_vm *vm, unsigned int slot, uint64_t *pages);
int kvm_vm__create_xics(struct kvm_vm *vm);
/* Add interrupt source @irq (masked; @level or edge) to the in-kernel XICS. */
int kvm_vm__xics_source(struct kvm_vm *vm, uint32_t irq, bool level);
/* Set XICS source @irq's input line: KVM_IRQ_LINE. 0 or -errno, message. */
int kvm_vm__irq_line(struct kvm_vm *vm, uint32_t irq, bool level);
int kvm_vm__define_rtas_token(struct kvm_vm *vm, const char *name,
			      uint32_t token);
/* Speculation characteristics for the guest; -errno if KVM cannot tell. */
int kvm_vm__get_cpu_char(struct kvm_vm *vm, uint64_t *character, uint64_t *behaviour);
int kvm_vm__configure_mmu(struct kvm_vm *vm, uint64_t flags,
			  uint64_t process_table);

struct kvm_vcpu;

/* 64-bit mode, machine checks on, MMU off, big-endian: how Linux expects
 * to be entered, at boot and by RTAS start-cpu (its entry code switches
 * itself to little-endian) */
#define KVM_PPC_ENTRY_MSR 0x8000000000001000ULL

/* What the run loop asks of the machine that owns the vCPUs. */
struct kvm_vcpu_ops {
	/* before each KVM_RUN: apply pending register changes; <0 stops */
	int (*before_run)(void *ctx, struct kvm_vcpu *vcpu);
	/* a KVM_EXIT_PAPR_HCALL: returns r3, may rewrite args (r4..r12) */
	long (*hcall)(void *ctx, struct kvm_vcpu *vcpu, uint64_t nr,
		      uint64_t *args);
	/* after an hcall: should this vCPU stop (RTAS stop-self)? */
	bool (*parked)(void *ctx, struct kvm_vcpu *vcpu);
	/* should the whole VM stop now? */
	bool (*stopping)(void *ctx);
	/* a vCPU hit an error it cannot continue from */
	void (*failed)(void *ctx, struct kvm_vcpu *vcpu, int err);
};

struct kvm_vcpu {
	unsigned int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	bool thread_started;

	/* start/stop: a stopped vCPU waits here, outside KVM_RUN */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool start_pending;
	uint64_t start_pc, start_r3;
	/* it left KVM_RUN on an hcall whose result KVM has yet to write back */
	bool hcall_pending;

	unsigned int ile_gen;	/* last LPCR[ILE] generation applied */

	/* what the vCPU did, written by its thread only, read by anyone */
	struct kvm_vcpu_stats {
		_Atomic uint64_t runs;		/* KVM_RUN calls */
		_Atomic uint64_t hcall_exits;	/* KVM_EXIT_PAPR_HCALL */
		_Atomic uint64_t intr_exits;	/* KVM_EXIT_INTR */
		_Atomic uint64_t kicks;		/* KVM_RUN left early (EINTR) */
	} stats;
	/* the owner's pause state: the thread parks on it between KVM_RUNs */
	struct run_state *run_state;
	const struct kvm_vcpu_ops *ops;
	void *ctx;
};

/* a vCPU thread's seccomp allow-list (lkvm/sandbox.h), applied as it starts */
extern const struct sandbox_policy kvm_vcpu_policy;

int kvm_vcpu__create(struct kvm_vm *vm, struct kvm_vcpu *vcpu, unsigned int id);
void kvm_vcpu__destroy(struct kvm_vcpu *vcpu);
int kvm_vcpu__set_entry(struct kvm_vcpu *vcpu, uint64_t pc, uint64_t msr,
			uint64_t r3, uint64_t r4, uint64_t r5);
int kvm_vcpu__get_pvr(struct kvm_vcpu *vcpu, uint32_t *pvr);
int kvm_vcpu__set_ile(struct kvm_vcpu *vcpu, bool little_endian);
int kvm_vcpu__connect_xics(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
			   unsigned int server);

/* Run the vCPU on its own thread; @running says whether it starts at once. */
int kvm_vcpu__start_thread(struct kvm_vcpu *vcpu, bool running);
/* Wake a stopped vCPU at @pc with r3 = @r3 (RTAS start-cpu). */
int kvm_vcpu__wake(struct kvm_vcpu *vcpu, uint64_t pc, uint64_t r3);
/* Make the vCPU leave KVM_RUN (or its wait) and look at ops->stopping
 * and its run state. */
void kvm_vcpu__kick(struct kvm_vcpu *vcpu);
void kvm_vcpu__join(struct kvm_vcpu *vcpu);

/* The signal that kicks vCPU threads out of KVM_RUN. */
#define KVM_KICK_SIGNAL SIGUSR1
void kvm__install_kick_handler(void);

#endif
