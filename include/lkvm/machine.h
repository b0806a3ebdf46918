/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_H
#define LKVM_MACHINE_H

#include <stddef.h>

#include "lkvm/kvm-vm.h"
#include "lkvm/loader.h"
#include "lkvm/pseries.h"
#include "lkvm/run-state.h"

struct nvdimm_config;
struct sandbox_policy;

/*
 * What a VM is made of, as plain values: the command fills it from its
 * options, the control API will from its requests. Strings and the
 * vNVDIMM array are the caller's, for the VM's life.
 */
struct vm_params {
	const char *name;		/* the guest's name (never empty) */
	const char *kernel;
	const char *initrd;		/* or NULL */
	const char *cmdline;		/* or NULL */
	uint64_t ram_size;
	unsigned int nr_cpus;
	bool debug;
	bool panic_stops;		/* a guest panic stops the VM */
	const struct nvdimm_config *nvdimm;
	unsigned int nr_nvdimms;
	const char (*nvdimm_id)[32];	/* each one's id, "" for nvdimmSLOT; or NULL */
	/* the main thread's seccomp allow-list, from the first start on */
	const struct sandbox_policy *main_policy;
};

/* The pseries machine (ppc/) bound to a KVM-HV VM (kvm/), for one boot. */
struct machine {
	struct pseries p;
	struct kvm_vm vm;
	struct kvm_vcpu vcpu[LKVM_MAX_CPUS];
	unsigned int nr_vcpus;
	void *ram;
	uint64_t ram_size;
	int exit_fd;		/* eventfd: readable once the VM should stop */
	int drc_event_fd;	/* eventfd the guest's connector moves signal, or -1 */
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
int machine__setup(struct machine *m, const struct vm_params *params,
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
