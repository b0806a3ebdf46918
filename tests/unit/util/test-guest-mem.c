// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "lkvm/guest-mem.h"

/* RAM at 0x10000, a read-only region right after it, one far up */
#define RAM_GPA		0x10000ULL
#define RAM_SIZE	0x4000ULL
#define RO_GPA		(RAM_GPA + RAM_SIZE)
#define RO_SIZE		0x1000ULL
#define HIGH_GPA	(1ULL << 40)
#define HIGH_SIZE	0x1000ULL

static uint8_t ram[RAM_SIZE], ro[RO_SIZE], high[HIGH_SIZE];

static int setup(void **state)
{
	static struct guest_mem m;

	memset(&m, 0, sizeof(m));
	memset(ram, 0, sizeof(ram));
	memset(ro, 0x5a, sizeof(ro));
	assert_int_equal(guest_mem__add(&m, RAM_GPA, RAM_SIZE, ram, false), 0);
	assert_int_equal(guest_mem__add(&m, RO_GPA, RO_SIZE, ro, true), 0);
	assert_int_equal(guest_mem__add(&m, HIGH_GPA, HIGH_SIZE, high, false), 0);
	*state = &m;
	return 0;
}

static void test_edges(void **state)
{
	struct guest_mem *m = *state;

	assert_ptr_equal(guest_mem__ptr(m, RAM_GPA, RAM_SIZE, true), ram);
	assert_ptr_equal(guest_mem__ptr(m, RAM_GPA, 1, false), ram);
	assert_ptr_equal(guest_mem__ptr(m, RAM_GPA + RAM_SIZE - 4, 4, true),
			 ram + RAM_SIZE - 4);
	assert_ptr_equal(guest_mem__ptr(m, RAM_GPA + RAM_SIZE - 1, 1, false),
			 ram + RAM_SIZE - 1);
	assert_ptr_equal(guest_mem__ptr(m, HIGH_GPA + HIGH_SIZE - 8, 8, true),
			 high + HIGH_SIZE - 8);
	/* one byte too many, one byte before, nothing there */
	assert_null(guest_mem__ptr(m, RAM_GPA, RAM_SIZE + 1, false));
	assert_null(guest_mem__ptr(m, RAM_GPA + RAM_SIZE - 4, 5, false));
	assert_null(guest_mem__ptr(m, RAM_GPA - 1, 1, false));
	assert_null(guest_mem__ptr(m, RAM_GPA - 1, 2, false));
	assert_null(guest_mem__ptr(m, 0, 1, false));
	assert_null(guest_mem__ptr(m, HIGH_GPA + HIGH_SIZE, 1, false));
	assert_null(guest_mem__ptr(m, HIGH_GPA - 4, 8, false));
	/* adjacent regions are still two: no range may span them */
	assert_null(guest_mem__ptr(m, RO_GPA - 2, 4, false));
	assert_non_null(guest_mem__ptr(m, RO_GPA, 4, false));
}

static void test_overflow(void **state)
{
	struct guest_mem *m = *state;
	uint32_t v;

	assert_null(guest_mem__ptr(m, ~0ULL - 3, 8, false));
	assert_null(guest_mem__ptr(m, ~0ULL, 1, false));
	assert_null(guest_mem__ptr(m, ~0ULL, ~0ULL, false));
	/* offsets inside a region plus a huge length must not wrap */
	assert_null(guest_mem__ptr(m, RAM_GPA + 8, ~0ULL - 4, false));
	assert_null(guest_mem__ptr(m, RAM_GPA, ~0ULL, false));
	assert_null(guest_mem__ptr(m, HIGH_GPA + 1, ~0ULL - HIGH_GPA, false));
	assert_false(guest_mem__read_be32(m, ~0ULL - 1, &v));
	assert_false(guest_mem__write_be32(m, ~0ULL - 1, 1));
	assert_false(guest_mem__read_be32(m, RAM_GPA + RAM_SIZE - 2, &v));
}

static void test_readonly(void **state)
{
	struct guest_mem *m = *state;
	uint32_t v = 0;

	assert_null(guest_mem__ptr(m, RO_GPA, 4, true));
	assert_null(guest_mem__ptr(m, RO_GPA + RO_SIZE - 1, 1, true));
	assert_false(guest_mem__write_be32(m, RO_GPA, 0x11223344));
	assert_int_equal(ro[0], 0x5a);
	assert_true(guest_mem__read_be32(m, RO_GPA, &v));
	assert_int_equal(v, 0x5a5a5a5a);
}

static void test_big_endian(void **state)
{
	struct guest_mem *m = *state;
	const uint8_t want[4] = { 0x11, 0x22, 0x33, 0x44 };
	uint32_t v = 0;

	assert_true(guest_mem__write_be32(m, RAM_GPA + 6, 0x11223344));
	assert_memory_equal(ram + 6, want, 4);
	assert_int_equal(ram[5], 0);
	assert_int_equal(ram[10], 0);
	assert_true(guest_mem__read_be32(m, RAM_GPA + 6, &v));
	assert_int_equal(v, 0x11223344);
	/* the last word of a region, then one byte past it */
	assert_true(guest_mem__write_be32(m, RAM_GPA + RAM_SIZE - 4, 0xdeadbeef));
	assert_false(guest_mem__write_be32(m, RAM_GPA + RAM_SIZE - 3, 0xdeadbeef));
	assert_int_equal(ro[0], 0x5a);
}

static void test_add_refused(void **state)
{
	struct guest_mem *m = *state;
	static uint8_t spare[16];
	struct guest_mem fresh = { 0 };
	unsigned int i;

	/* same range, overlapping at either end, contained, containing */
	assert_int_equal(guest_mem__add(m, RAM_GPA, RAM_SIZE, spare, false), -EINVAL);
	assert_int_equal(guest_mem__add(m, RAM_GPA - 0x1000, 0x1001, spare, false),
			 -EINVAL);
	assert_int_equal(guest_mem__add(m, RO_GPA + RO_SIZE - 1, 16, spare, false),
			 -EINVAL);
	assert_int_equal(guest_mem__add(m, RAM_GPA + 16, 16, spare, false), -EINVAL);
	assert_int_equal(guest_mem__add(m, 0, 1ULL << 41, spare, false), -EINVAL);
	/* empty, hostless, or wrapping past 2^64 */
	assert_int_equal(guest_mem__add(m, 0, 0, spare, false), -EINVAL);
	assert_int_equal(guest_mem__add(m, 0, 16, NULL, false), -EINVAL);
	assert_int_equal(guest_mem__add(m, ~0ULL - 7, 16, spare, false), -EINVAL);
	assert_int_equal(m->nr, 3);
	/* touching, not overlapping, is fine */
	assert_int_equal(guest_mem__add(m, RAM_GPA - 16, 16, spare, false), 0);
	assert_ptr_equal(guest_mem__ptr(m, RAM_GPA - 16, 16, false), spare);
	assert_ptr_equal(guest_mem__ptr(m, RAM_GPA, 1, false), ram);

	for (i = 0; i < GUEST_MEM_MAX_REGIONS; i++)
		assert_int_equal(guest_mem__add(&fresh, i * 0x1000ULL, 0x1000, spare,
						false), 0);
	assert_int_equal(guest_mem__add(&fresh, 1ULL << 32, 0x1000, spare, false),
			 -ENOSPC);
}

/* A region given back is gone for every accessor; the others stay. */
static void test_remove(void **state)
{
	struct guest_mem *m = *state;
	uint32_t v = 0;

	assert_int_equal(guest_mem__remove(m, RO_GPA), 0);
	assert_int_equal(m->nr, 2);
	assert_null(guest_mem__ptr(m, RO_GPA, 1, false));
	assert_null(guest_mem__ptr(m, RO_GPA + RO_SIZE - 4, 4, false));
	assert_false(guest_mem__read_be32(m, RO_GPA, &v));
	assert_false(guest_mem__write_be32(m, RO_GPA + 8, 1));
	/* its neighbours below and far above */
	assert_ptr_equal(guest_mem__ptr(m, RAM_GPA + RAM_SIZE - 4, 4, true),
			 ram + RAM_SIZE - 4);
	assert_true(guest_mem__write_be32(m, HIGH_GPA, 0xcafef00d));
	assert_true(guest_mem__read_be32(m, HIGH_GPA, &v));
	assert_int_equal(v, 0xcafef00d);
	/* only a region's start names it; gone is gone */
	assert_int_equal(guest_mem__remove(m, RAM_GPA + 16), -ENOENT);
	assert_int_equal(guest_mem__remove(m, RO_GPA), -ENOENT);
	assert_non_null(guest_mem__ptr(m, RAM_GPA, 1, false));

	/* the range can be registered again, writable this time */
	assert_int_equal(guest_mem__add(m, RO_GPA, RO_SIZE, ro, false), 0);
	assert_true(guest_mem__write_be32(m, RO_GPA, 0x01020304));
	assert_int_equal(ro[3], 0x04);
	assert_int_equal(guest_mem__remove(m, RAM_GPA), 0);
	assert_null(guest_mem__ptr(m, RAM_GPA, 1, false));
	assert_ptr_equal(guest_mem__ptr(m, RO_GPA, 4, false), ro);
	assert_ptr_equal(guest_mem__ptr(m, HIGH_GPA, 4, false), high);
}

/* A full table has room again after a removal. */
static void test_remove_makes_room(void **state)
{
	static uint8_t spare[0x1000];
	struct guest_mem m = { 0 };
	unsigned int i;

	(void)state;
	for (i = 0; i < GUEST_MEM_MAX_REGIONS; i++)
		assert_int_equal(guest_mem__add(&m, i * 0x1000ULL, 0x1000, spare,
						false), 0);
	assert_int_equal(guest_mem__add(&m, 1ULL << 32, 0x1000, spare, false),
			 -ENOSPC);
	assert_int_equal(guest_mem__remove(&m, 5 * 0x1000ULL), 0);
	assert_int_equal(guest_mem__add(&m, 1ULL << 32, 0x1000, spare, false), 0);
	assert_null(guest_mem__ptr(&m, 5 * 0x1000ULL, 1, false));
	/* the last one, moved down in the table, is still found */
	assert_ptr_equal(guest_mem__ptr(&m, (GUEST_MEM_MAX_REGIONS - 1) * 0x1000ULL,
					1, false), spare);
	assert_ptr_equal(guest_mem__ptr(&m, (1ULL << 32) + 8, 8, true), spare + 8);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
	const struct CMUnitTest tests[] = {
		T(test_edges),
		T(test_overflow),
		T(test_readonly),
		T(test_big_endian),
		T(test_add_refused),
		T(test_remove),
		cmocka_unit_test(test_remove_makes_room),
	};

	return cmocka_run_group_tests_name("guest-mem", tests, NULL, NULL);
}
