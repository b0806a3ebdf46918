/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_H
#define LKVM_MACHINE_H

#include <stddef.h>

#include "lkvm/config.h"
#include "lkvm/kvm-vm.h"
#include "lkvm/loader.h"
#include "lkvm/pseries.h"
#include "lkvm/run-state.h"

/* The pseries machine (ppc/) bound to a KVM-HV VM (kvm/). */
struct machine {
	struct pseries p;
	struct kvm_vm vm;
	struct kvm_vcpu vcpu[LKVM_MAX_CPUS];
	unsigned int nr_vcpus;
	void *ram;
	uint64_t ram_size;
	int exit_fd;		/* eventfd: readable once the VM should stop */
	/* running, paused or stopping; it turns stopping with exit_request */
	struct run_state run;
	pthread_mutex_t error_lock;
	char error[512];	/* first vCPU error, reported by the command */
};

struct device_registry;

/*
 * Create the VM, place its RAM and attach every device of @devices (kept
 * by the caller across boots) in guest memory, load the kernel/initrd,
 * build the device tree.
 */
int machine__setup(struct machine *m, const struct vm_config *cfg,
		   const struct mapped_file *kernel,
		   const struct mapped_file *initrd,
		   struct device_registry *devices);
/* Start every vCPU thread. */
int machine__start(struct machine *m);
/* Ask every vCPU to stop and wait for them; a paused machine too. */
void machine__stop(struct machine *m, enum pseries_exit why);
/*
 * Park every vCPU outside KVM_RUN (its thread then sleeps) and return once
 * all of them are; resume lets them run again and returns once all have
 * left their wait. 0, or a negative errno with a message: -EALREADY in
 * that state already, -ESHUTDOWN stopping, -ECANCELED a resume overtook
 * the pause. Called from one controlling thread, the one that stops.
 */
int machine__pause(struct machine *m);
int machine__resume(struct machine *m);
void machine__destroy(struct machine *m);

#endif
