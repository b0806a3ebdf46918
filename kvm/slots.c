// SPDX-License-Identifier: GPL-2.0
/* KVM memory slot numbers: pure code, unit-tested without KVM. */
#include <errno.h>

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
	s->used &= ~(1ULL << slot);
	return 0;
}
