// SPDX-License-Identifier: GPL-2.0
/* KVM memory slot numbers: lowest free first, given back, never twice. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <cmocka.h>

#include "lkvm/kvm-slots.h"
#include "lkvm/util.h"

static unsigned int alloc_ok(struct kvm_slots *s)
{
	unsigned int slot = UINT_MAX;

	assert_int_equal(kvm_slots__alloc(s, &slot), 0);
	assert_true(kvm_slots__in_use(s, slot));
	return slot;
}

static void test_lowest_first(void **state)
{
	struct kvm_slots s = { 0 };

	(void)state;
	assert_false(kvm_slots__in_use(&s, 0));
	assert_int_equal(alloc_ok(&s), 0);
	assert_int_equal(alloc_ok(&s), 1);
	assert_int_equal(alloc_ok(&s), 2);
	assert_int_equal(alloc_ok(&s), 3);

	/* a number given back is the next one out, the lowest first */
	assert_int_equal(kvm_slots__free(&s, 2), 0);
	assert_false(kvm_slots__in_use(&s, 2));
	assert_true(kvm_slots__in_use(&s, 1));
	assert_true(kvm_slots__in_use(&s, 3));
	assert_int_equal(kvm_slots__free(&s, 0), 0);
	assert_int_equal(alloc_ok(&s), 0);
	assert_int_equal(alloc_ok(&s), 2);
	assert_int_equal(alloc_ok(&s), 4);
}

static void test_free_refused(void **state)
{
	struct kvm_slots s = { 0 };

	(void)state;
	assert_int_equal(kvm_slots__free(&s, 0), -ENOENT);
	assert_int_equal(alloc_ok(&s), 0);
	assert_int_equal(kvm_slots__free(&s, 1), -ENOENT);
	/* out of range: neither in use nor a shift past the bitmap */
	assert_false(kvm_slots__in_use(&s, KVM_SLOTS_MAX));
	assert_int_equal(kvm_slots__free(&s, KVM_SLOTS_MAX), -ENOENT);
	assert_int_equal(kvm_slots__free(&s, UINT_MAX), -ENOENT);
	assert_int_equal(kvm_slots__free(&s, 0), 0);
	assert_int_equal(kvm_slots__free(&s, 0), -ENOENT);
	assert_int_equal(s.used, 0);
}

static void test_exhaustion(void **state)
{
	struct kvm_slots s = { 0 };
	unsigned int i, slot = UINT_MAX;

	(void)state;
	for (i = 0; i < KVM_SLOTS_MAX; i++)
		assert_int_equal(alloc_ok(&s), i);
	lkvm__clear_error();
	assert_int_equal(kvm_slots__alloc(&s, &slot), -ENOSPC);
	assert_int_equal(slot, UINT_MAX);
	assert_non_null(strstr(lkvm__last_error(), "slots"));
	/* the last and a middle one, given back, come out again */
	assert_int_equal(kvm_slots__free(&s, KVM_SLOTS_MAX - 1), 0);
	assert_int_equal(alloc_ok(&s), KVM_SLOTS_MAX - 1);
	assert_int_equal(kvm_slots__free(&s, 17), 0);
	assert_int_equal(alloc_ok(&s), 17);
	assert_int_equal(kvm_slots__alloc(&s, &slot), -ENOSPC);
}

/*
 * A slot that logs dirty pages has a buffer with a bit per page, whole
 * 64-bit words as KVM writes them; its count is the bits of its pages.
 */
static void test_dirty_log_buffer(void **state)
{
	struct kvm_slots s = { 0 };
	uint64_t *b;

	(void)state;
	assert_int_equal(alloc_ok(&s), 0);
	assert_int_equal(alloc_ok(&s), 1);
	assert_null(kvm_slots__dirty_bitmap(&s, 1));
	assert_int_equal(kvm_slots__count_dirty(&s, 1), 0);
	/* 130 pages: three words, the last one two pages wide */
	assert_int_equal(kvm_slots__log_dirty(&s, 1, 130), 0);
	b = kvm_slots__dirty_bitmap(&s, 1);
	assert_non_null(b);
	assert_int_equal(b[0] | b[1] | b[2], 0);
	assert_int_equal(kvm_slots__count_dirty(&s, 1), 0);
	b[0] = 0x8000000000000001ULL;
	b[1] = 0xffULL << 20;
	b[2] = 0x2;			/* page 129, the last one */
	assert_int_equal(kvm_slots__count_dirty(&s, 1), 11);
	/* bits past the last page are no pages */
	b[2] = 0x2 | 0xf0;
	assert_int_equal(kvm_slots__count_dirty(&s, 1), 11);
	b[0] = b[1] = ~0ULL;
	b[2] = ~0ULL;
	assert_int_equal(kvm_slots__count_dirty(&s, 1), 130);
	/* the other slot logs nothing */
	assert_null(kvm_slots__dirty_bitmap(&s, 0));

	/* one buffer per slot; a slot not in use, or of no pages, gets none */
	assert_int_equal(kvm_slots__log_dirty(&s, 1, 130), -EINVAL);
	assert_int_equal(kvm_slots__log_dirty(&s, 0, 0), -EINVAL);
	assert_int_equal(kvm_slots__log_dirty(&s, 2, 64), -ENOENT);
	assert_int_equal(kvm_slots__log_dirty(&s, KVM_SLOTS_MAX, 64), -ENOENT);
	assert_null(kvm_slots__dirty_bitmap(&s, KVM_SLOTS_MAX));

	/* given back with its number: the number comes back without it */
	assert_int_equal(kvm_slots__free(&s, 1), 0);
	assert_null(kvm_slots__dirty_bitmap(&s, 1));
	assert_int_equal(alloc_ok(&s), 1);
	assert_null(kvm_slots__dirty_bitmap(&s, 1));
	assert_int_equal(kvm_slots__count_dirty(&s, 1), 0);
	assert_int_equal(kvm_slots__log_dirty(&s, 1, 64), 0);
	kvm_slots__dirty_bitmap(&s, 1)[0] = ~0ULL;
	assert_int_equal(kvm_slots__count_dirty(&s, 1), 64);

	/* the VM gone: every number and buffer too (ASan sees a leak) */
	assert_int_equal(kvm_slots__log_dirty(&s, 0, 1 << 20), 0);
	kvm_slots__destroy(&s);
	assert_int_equal(s.used, 0);
	assert_null(kvm_slots__dirty_bitmap(&s, 0));
	assert_int_equal(alloc_ok(&s), 0);
	kvm_slots__destroy(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lowest_first),
		cmocka_unit_test(test_free_refused),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_dirty_log_buffer),
	};

	return cmocka_run_group_tests_name("kvm-slots", tests, NULL, NULL);
}
