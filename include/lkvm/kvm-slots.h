/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_KVM_SLOTS_H
#define LKVM_KVM_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * KVM memory slot numbers, handed out lowest free first so that a number
 * given back (a vNVDIMM unplugged) is used again. Pure bookkeeping: the
 * ioctls are kvm_vm__add_memory() and kvm_vm__remove_memory().
 *
 * lkvm maps its RAM and each of at most LKVM_MAX_NVDIMMS vNVDIMMs in one
 * slot apiece. 64 numbers leave room for that with a margin, fit in one
 * 64-bit word, and stay well below the few hundred user slots KVM on POWER
 * accepts (KVM_CAP_NR_MEMSLOTS).
 */
#define KVM_SLOTS_MAX	64

struct kvm_slots {
	uint64_t used;		/* bit n set: slot n is in use */
};

/* The lowest free number in @slot: 0, or -ENOSPC with a message. */
int kvm_slots__alloc(struct kvm_slots *s, unsigned int *slot);
/* Give @slot back: 0, or -ENOENT if it was not in use. */
int kvm_slots__free(struct kvm_slots *s, unsigned int slot);
bool kvm_slots__in_use(const struct kvm_slots *s, unsigned int slot);

#endif
