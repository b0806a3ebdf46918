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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lowest_first),
		cmocka_unit_test(test_free_refused),
		cmocka_unit_test(test_exhaustion),
	};

	return cmocka_run_group_tests_name("kvm-slots", tests, NULL, NULL);
}
