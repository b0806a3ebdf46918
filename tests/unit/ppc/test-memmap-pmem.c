// SPDX-License-Identifier: GPL-2.0
/* pmem windows in device memory: given out first fit, given back, reused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "lkvm/memmap.h"
#include "lkvm/util.h"

#define W	MEMMAP_PMEM_ALIGN	/* one window unit, 256 MiB */

static uint64_t alloc_ok(struct memmap *m, uint64_t size)
{
	uint64_t gpa = 0;

	assert_int_equal(memmap__alloc_pmem(m, size, &gpa), 0);
	assert_true(memmap__is_pmem(m, gpa, size));
	return gpa;
}

/* Sorted, aligned, disjoint, inside device memory: whatever came before. */
static void check_windows(const struct memmap *m)
{
	uint64_t end = m->devmem_start;
	unsigned int i;

	assert_true(m->nr_pmem <= LKVM_MAX_NVDIMMS);
	for (i = 0; i < m->nr_pmem; i++) {
		const struct memmap_range *r = &m->pmem[i];

		assert_true(r->size && IS_ALIGNED(r->size, W));
		assert_true(IS_ALIGNED(r->start, W));
		/* at or after the previous end: no two windows share a byte */
		assert_true(r->start >= end);
		end = r->start + r->size;
		assert_true(end <= MEMMAP_ADDR_LIMIT);
	}
}

/* Devices given at start, one after another: today's layout, unchanged. */
static void test_start_layout_unchanged(void **state)
{
	const uint64_t ram[] = { 256 * MiB, 768 * MiB, GiB, 1280 * MiB, 4 * GiB };
	const uint64_t sizes[] = { 1 * GiB, W, 3 * W, 2 * GiB, W, 5 * W, W };
	struct memmap m;
	uint64_t want;
	size_t i, j;

	(void)state;
	/* the addresses a run with these devices got before windows were freeable */
	assert_int_equal(memmap__layout(&m, 768 * MiB, 20 * MiB, 0), 0);
	assert_int_equal(alloc_ok(&m, GiB), GiB);
	assert_int_equal(alloc_ok(&m, W), 2 * GiB);
	assert_int_equal(alloc_ok(&m, 3 * W), 2 * GiB + W);
	assert_int_equal(alloc_ok(&m, 2 * GiB), 3 * GiB);

	/* and for any RAM size: each window starts where the one before ends */
	for (i = 0; i < ARRAY_SIZE(ram); i++) {
		assert_int_equal(memmap__layout(&m, ram[i], 20 * MiB, 0), 0);
		want = ALIGN_UP(ram[i], GiB);
		for (j = 0; j < ARRAY_SIZE(sizes); j++) {
			assert_int_equal(alloc_ok(&m, sizes[j]), want);
			want += sizes[j];
		}
		check_windows(&m);
	}
}

static void test_freed_window_reused(void **state)
{
	uint64_t a, b, c, d, gpa;
	struct memmap m;

	(void)state;
	assert_int_equal(memmap__layout(&m, 768 * MiB, 20 * MiB, 0), 0);
	a = alloc_ok(&m, W);
	b = alloc_ok(&m, 2 * W);
	c = alloc_ok(&m, W);
	d = alloc_ok(&m, GiB);
	assert_int_equal(d, GiB + 4 * W);

	/* the same size again lands where the middle one was */
	assert_int_equal(memmap__free_pmem(&m, b), 0);
	assert_false(memmap__is_pmem(&m, b, 2 * W));
	assert_int_equal(alloc_ok(&m, 2 * W), b);

	/* a larger one does not fit in the hole and goes after the last */
	assert_int_equal(memmap__free_pmem(&m, b), 0);
	assert_int_equal(alloc_ok(&m, 3 * W), d + GiB);
	/* a smaller one takes the bottom of the hole, then the rest of it */
	assert_int_equal(alloc_ok(&m, W), b);
	assert_int_equal(alloc_ok(&m, W), b + W);
	assert_int_equal(alloc_ok(&m, W), d + GiB + 3 * W);

	/* the first window's place is free again for the next one */
	assert_int_equal(memmap__free_pmem(&m, a), 0);
	assert_int_equal(memmap__alloc_pmem(&m, W, &gpa), 0);
	assert_int_equal(gpa, GiB);
	assert_true(memmap__is_pmem(&m, c, W));
	check_windows(&m);
}

static void test_alignment(void **state)
{
	const uint64_t ram[] = { 256 * MiB, 1280 * MiB, 3 * GiB + 768 * MiB };
	struct memmap m;
	uint64_t gpa;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ram); i++) {
		assert_int_equal(memmap__layout(&m, ram[i], 20 * MiB, 0), 0);
		gpa = alloc_ok(&m, 3 * W);
		assert_int_equal(gpa, ALIGN_UP(ram[i], GiB));
		/* never inside RAM, and every window on a 256M boundary */
		assert_true(gpa >= ram[i]);
		gpa = alloc_ok(&m, W);
		assert_true(IS_ALIGNED(gpa, W));
		assert_int_equal(gpa, ALIGN_UP(ram[i], GiB) + 3 * W);
	}
	/* sizes that are no multiple of 256M are refused, nothing is taken */
	lkvm__clear_error();
	assert_int_equal(memmap__alloc_pmem(&m, W + 64 * KiB, &gpa), -EINVAL);
	assert_non_null(strstr(lkvm__last_error(), "256M"));
	assert_int_equal(memmap__alloc_pmem(&m, W / 2, &gpa), -EINVAL);
	assert_int_equal(memmap__alloc_pmem(&m, 0, &gpa), -EINVAL);
	assert_int_equal(m.nr_pmem, 2);
}

static void test_unknown_window(void **state)
{
	struct memmap m;
	uint64_t a;

	(void)state;
	assert_int_equal(memmap__layout(&m, 768 * MiB, 20 * MiB, 0), 0);
	assert_int_equal(memmap__free_pmem(&m, GiB), -ENOENT);
	a = alloc_ok(&m, 2 * W);
	/* only a window's start names it, and only its whole range is one */
	lkvm__clear_error();
	assert_int_equal(memmap__free_pmem(&m, a + W), -ENOENT);
	assert_non_null(strstr(lkvm__last_error(), "0x50000000"));
	assert_int_equal(memmap__free_pmem(&m, 0), -ENOENT);
	assert_false(memmap__is_pmem(&m, a, W));
	assert_false(memmap__is_pmem(&m, a + W, W));
	assert_false(memmap__is_pmem(&m, a, 3 * W));
	assert_false(memmap__is_pmem(&m, 0, 768 * MiB));
	assert_true(memmap__is_pmem(&m, a, 2 * W));
	/* given back once, then it is unknown */
	assert_int_equal(memmap__free_pmem(&m, a), 0);
	assert_int_equal(memmap__free_pmem(&m, a), -ENOENT);
	assert_int_equal(m.nr_pmem, 0);
}

static void test_exhaustion(void **state)
{
	uint64_t gpa, last = 0, limit_size;
	struct memmap m;
	int i;

	(void)state;
	assert_int_equal(memmap__layout(&m, 256 * MiB, 20 * MiB, 0), 0);
	for (i = 0; i < LKVM_MAX_NVDIMMS; i++)
		last = alloc_ok(&m, W);
	lkvm__clear_error();
	assert_int_equal(memmap__alloc_pmem(&m, W, &gpa), -ENOSPC);
	assert_non_null(strstr(lkvm__last_error(), "at most"));
	/* one given back makes room for one, in its place */
	assert_int_equal(memmap__free_pmem(&m, GiB + 5 * W), 0);
	assert_int_equal(alloc_ok(&m, W), GiB + 5 * W);
	assert_int_equal(memmap__alloc_pmem(&m, W, &gpa), -ENOSPC);

	/* the address space: exactly up to its end fits, one unit more not */
	assert_int_equal(memmap__free_pmem(&m, GiB + 5 * W), 0);
	limit_size = MEMMAP_ADDR_LIMIT - (last + W);
	assert_int_equal(memmap__alloc_pmem(&m, limit_size + W, &gpa), -ERANGE);
	assert_int_equal(alloc_ok(&m, limit_size), last + W);
	assert_int_equal(memmap__free_pmem(&m, last + W), 0);
	/* sizes that would wrap past 2^64 */
	assert_int_equal(memmap__alloc_pmem(&m, ~(W - 1), &gpa), -ERANGE);
	assert_int_equal(memmap__alloc_pmem(&m, MEMMAP_ADDR_LIMIT, &gpa), -ERANGE);
	check_windows(&m);
}

/* xorshift64: the same sequence on every libc */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* No lower aligned address could have taken @size: first fit, really. */
static void check_first_fit(const struct memmap *m, uint64_t gpa, uint64_t size)
{
	uint64_t a;
	unsigned int i;
	bool clash;

	for (a = m->devmem_start; a < gpa; a += W) {
		clash = false;
		for (i = 0; i < m->nr_pmem; i++) {
			const struct memmap_range *r = &m->pmem[i];

			if (r->start == gpa)
				continue;	/* the one just placed */
			clash |= a < r->start + r->size && r->start < a + size;
		}
		if (!clash)
			fail_msg("0x%llx fits 0x%llx but it went to 0x%llx",
				 (unsigned long long)a, (unsigned long long)size,
				 (unsigned long long)gpa);
	}
}

static void test_random_never_overlap(void **state)
{
	struct memmap_range held[LKVM_MAX_NVDIMMS];
	unsigned int nr = 0, k, step;
	uint64_t seed = 0x5eed1e55c0ffeeULL, size, gpa;
	struct memmap m;

	(void)state;
	assert_int_equal(memmap__layout(&m, 1280 * MiB, 20 * MiB, 0), 0);
	for (step = 0; step < 5000; step++) {
		if (nr < LKVM_MAX_NVDIMMS && next_random(&seed) % 5 < 3) {
			size = (1 + next_random(&seed) % 4) * W;
			gpa = alloc_ok(&m, size);
			check_first_fit(&m, gpa, size);
			held[nr++] = (struct memmap_range){ gpa, size };
		} else if (nr) {
			k = next_random(&seed) % nr;
			assert_int_equal(memmap__free_pmem(&m, held[k].start), 0);
			assert_false(memmap__is_pmem(&m, held[k].start, held[k].size));
			held[k] = held[--nr];
		}
		check_windows(&m);
		assert_int_equal(m.nr_pmem, nr);
		for (k = 0; k < nr; k++)
			assert_true(memmap__is_pmem(&m, held[k].start, held[k].size));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_layout_unchanged),
		cmocka_unit_test(test_freed_window_reused),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_unknown_window),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_random_never_overlap),
	};

	return cmocka_run_group_tests_name("memmap-pmem", tests, NULL, NULL);
}
