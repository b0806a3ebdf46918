/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_KVM_SLOTS_H
#define LKVM_KVM_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * KVM memory slot numbers, handed out lowest free first so that a number
 * given back (a vNVDIMM unplugged) is used again, and the buffers the
 * dirty logs of slots that keep one are read into. Pure bookkeeping: the
 * ioctls are kvm_vm__add_memory(), kvm_vm__remove_memory() and
 * kvm_vm__get_dirty_log().
 *
 * lkvm maps its RAM and each of at most LKVM_MAX_NVDIMMS vNVDIMMs in one
 * slot apiece. 64 numbers leave room for that with a margin, fit in one
 * 64-bit word, and stay well below the few hundred user slots KVM on POWER
 * accepts (KVM_CAP_NR_MEMSLOTS).
 */
#define KVM_SLOTS_MAX	64

/*
 * KVM_GET_DIRTY_LOG's buffer for one slot: a bit per host page, in 64-bit
 * words as KVM writes them (unsigned long on a 64-bit host). Made when the
 * slot is mapped, so that reading the log allocates nothing; one reader at
 * a time (the caller sees to it).
 */
struct kvm_slot_log {
	uint64_t *bitmap;	/* NULL: the slot logs nothing */
	uint64_t pages;		/* the slot's size in host pages */
};

struct kvm_slots {
	uint64_t used;		/* bit n set: slot n is in use */
	struct kvm_slot_log log[KVM_SLOTS_MAX];
};

/* The lowest free number in @slot: 0, or -ENOSPC with a message. */
int kvm_slots__alloc(struct kvm_slots *s, unsigned int *slot);
/* Give @slot back, and its log buffer: 0, or -ENOENT if it was not in use. */
int kvm_slots__free(struct kvm_slots *s, unsigned int slot);
bool kvm_slots__in_use(const struct kvm_slots *s, unsigned int slot);
/* Give every number and buffer back: the VM is gone. */
void kvm_slots__destroy(struct kvm_slots *s);

/*
 * Slot @slot, in use, will log the dirty pages of its @pages host pages:
 * its buffer, zeroed. 0, -ENOENT (not in use), -EINVAL (no pages, or a
 * log already), -ENOMEM; with a message.
 */
int kvm_slots__log_dirty(struct kvm_slots *s, unsigned int slot, uint64_t pages);
/* Its buffer for KVM_GET_DIRTY_LOG, NULL if @slot logs nothing. */
uint64_t *kvm_slots__dirty_bitmap(const struct kvm_slots *s, unsigned int slot);
/* How many of its pages the buffer of @slot marks dirty (0: no log). */
uint64_t kvm_slots__count_dirty(const struct kvm_slots *s, unsigned int slot);

#endif
