/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_KVM_CAPS_H
#define LKVM_KVM_CAPS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What a host's KVM offers, as read from /dev/kvm and a test VM. Filled by
 * kvm__read_caps() (needs /dev/kvm) and judged by kvm_caps__verdict() (pure,
 * so unit tests feed it any host they like).
 */
struct kvm_caps {
	bool have_dev_kvm;	/* /dev/kvm could be opened */
	int api_version;	/* KVM_GET_API_VERSION, 12 for every usable KVM */
	bool vm_hv;		/* KVM_CREATE_VM(KVM_VM_PPC_HV) worked */
	bool vm_pr;		/* KVM_CREATE_VM(KVM_VM_PPC_PR) worked */
	bool mmu_radix;		/* KVM_CAP_PPC_MMU_RADIX */
	bool mmu_hash_v3;	/* KVM_CAP_PPC_MMU_HASH_V3 */
	bool papr;		/* KVM_CAP_PPC_PAPR */
	bool one_reg;		/* KVM_CAP_ONE_REG */
	bool irq_xics;		/* KVM_CAP_IRQ_XICS */
	bool xics_device;	/* KVM_CREATE_DEVICE(XICS) in test mode */
	bool irq_xive;		/* KVM_CAP_PPC_IRQ_XIVE */
	bool rtas;		/* KVM_CAP_PPC_RTAS */
	bool enable_hcall;	/* KVM_CAP_PPC_ENABLE_HCALL */
	bool nested_hv;		/* KVM_CAP_PPC_NESTED_HV */
	bool user_memory;	/* KVM_CAP_USER_MEMORY */
	int smt;		/* KVM_CAP_PPC_SMT: threads per core */
	int smt_possible;	/* KVM_CAP_PPC_SMT_POSSIBLE: bitmap of modes */
	int nr_vcpus;		/* KVM_CAP_NR_VCPUS */
	int max_vcpus;		/* KVM_CAP_MAX_VCPUS */
};

/* KVM's API version that lkvm was written against. */
#define LKVM_KVM_API_VERSION 12

/*
 * Can this host run lkvm guests? Returns true, or false with the first
 * blocking reason written to @why.
 */
bool kvm_caps__verdict(const struct kvm_caps *caps, char *why, size_t len);

/* Print the capabilities in plain words, one per line. */
void kvm_caps__describe(const struct kvm_caps *caps, char *buf, size_t len);

#endif
