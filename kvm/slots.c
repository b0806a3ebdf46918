// SPDX-License-Identifier: GPL-2.0
/*
 * KVM memory slot numbers and their dirty-log buffers: pure code,
 * unit-tested without KVM.
 */
#include <errno.h>
#include <stdlib.h>

#include "lkvm/kvm-slots.h"
#include "lkvm/limits.h"
#include "lkvm/util.h"

/* RAM and every vNVDIMM at once must always find a number */
_Static_assert(1 + LKVM_MAX_NVDIMMS <= KVM_SLOTS_MAX, "too few KVM memory slots");
_Static_assert(KVM_SLOTS_MAX <= 64, "the slot bitmap is one 64-bit word");

bool kvm_slots__in_use(const struct kvm_slots *s, unsigned int slot)
{
	return slot < KVM_SLOTS_MAX && (s->used >> slot & 1);
}

int kvm_slots__alloc(struct kvm_slots *s, unsigned int *slot)
{
	unsigned int n;

	for (n = 0; n < KVM_SLOTS_MAX; n++) {
		if (!kvm_slots__in_use(s, n)) {
			s->used |= 1ULL << n;
			*slot = n;
			return 0;
		}
	}
	return lkvm__fail(-ENOSPC, "all %d KVM memory slots are in use",
			  KVM_SLOTS_MAX);
}

int kvm_slots__free(struct kvm_slots *s, unsigned int slot)
{
	if (!kvm_slots__in_use(s, slot))
		return -ENOENT;
	free(s->log[slot].bitmap);
	s->log[slot] = (struct kvm_slot_log){ .bitmap = NULL };
	s->used &= ~(1ULL << slot);
	return 0;
}

void kvm_slots__destroy(struct kvm_slots *s)
{
	unsigned int n;

	for (n = 0; n < KVM_SLOTS_MAX; n++)
		kvm_slots__free(s, n);
}

/* 64-bit words for @pages bits */
static uint64_t bitmap_words(uint64_t pages)
{
	return pages / 64 + (pages % 64 != 0);
}

int kvm_slots__log_dirty(struct kvm_slots *s, unsigned int slot, uint64_t pages)
{
	uint64_t *bitmap;

	if (!kvm_slots__in_use(s, slot))
		return lkvm__fail(-ENOENT, "KVM memory slot %u is not in use", slot);
	if (!pages || s->log[slot].bitmap)
		return lkvm__fail(-EINVAL, "KVM memory slot %u: %s", slot,
				  pages ? "its dirty log exists already" : "no pages to log");
	/* KVM writes whole words: the buffer ends on one */
	bitmap = calloc(bitmap_words(pages), sizeof(*bitmap));
	if (!bitmap)
		return lkvm__fail(-ENOMEM, "no memory for the dirty log of %llu pages",
				  (unsigned long long)pages);
	s->log[slot] = (struct kvm_slot_log){ .bitmap = bitmap, .pages = pages };
	return 0;
}

uint64_t *kvm_slots__dirty_bitmap(const struct kvm_slots *s, unsigned int slot)
{
	return kvm_slots__in_use(s, slot) ? s->log[slot].bitmap : NULL;
}

uint64_t kvm_slots__count_dirty(const struct kvm_slots *s, unsigned int slot)
{
	const struct kvm_slot_log *log;
	uint64_t n = 0, i, words, last;

	if (!kvm_slots__dirty_bitmap(s, slot))
		return 0;
	log = &s->log[slot];
	words = bitmap_words(log->pages);
	for (i = 0; i < words; i++)
		n += (uint64_t)__builtin_popcountll(log->bitmap[i]);
	/* bits past the last page are no pages: never count them */
	if (log->pages % 64) {
		last = log->bitmap[words - 1] >> (log->pages % 64);
		n -= (uint64_t)__builtin_popcountll(last);
	}
	return n;
}
