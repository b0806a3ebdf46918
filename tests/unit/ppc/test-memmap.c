// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "lkvm/memmap.h"
#include "lkvm/util.h"

static bool disjoint(const struct memmap_range *a, const struct memmap_range *b)
{
	return !a->size || !b->size || a->start + a->size <= b->start ||
	       b->start + b->size <= a->start;
}

/* What every successful layout must satisfy, whatever the sizes. */
static void check_layout(const struct memmap *m, uint64_t ram)
{
	const struct memmap_range *r[] = { &m->kernel, &m->initrd, &m->fdt, &m->rtas };
	uint64_t boot_top = ram < MEMMAP_BOOT_AREA_MAX ? ram : MEMMAP_BOOT_AREA_MAX;
	size_t i, j;

	assert_int_equal(m->ram_size, ram);
	for (i = 0; i < 4; i++) {
		if (!r[i]->size)
			continue;
		/* inside the boot area, which is inside RAM */
		assert_true(r[i]->start + r[i]->size <= boot_top);
		for (j = i + 1; j < 4; j++)
			if (!disjoint(r[i], r[j]))
				fail_msg("ranges %zu and %zu overlap", i, j);
	}
	assert_int_equal(m->kernel.start, 0);
	assert_true(IS_ALIGNED(m->kernel.size, 64 * KiB));
	assert_int_equal(m->rtas.size, MEMMAP_RTAS_SIZE);
	assert_int_equal(m->rtas.start + m->rtas.size, boot_top);
	assert_int_equal(m->fdt.size, MEMMAP_FDT_MAX_SIZE);
	assert_int_equal(m->fdt.start + m->fdt.size, m->rtas.start);
	if (m->initrd.size) {
		assert_true(IS_ALIGNED(m->initrd.start, MEMMAP_INITRD_ALIGN));
		/* the kernel keeps its slack for early allocations */
		assert_true(m->initrd.start >= m->kernel.size + MEMMAP_KERNEL_SLACK);
	}
	assert_true(IS_ALIGNED(m->devmem_start, GiB));
	assert_true(m->devmem_start >= ram);
	assert_true(m->devmem_start - ram < GiB);
	assert_int_equal(m->nr_pmem, 0);
}

static void test_odd_ram_sizes(void **state)
{
	const struct { uint64_t ram, boot_top, devmem; } c[] = {
		{ 256 * MiB, 256 * MiB, GiB },
		{ 768 * MiB, 768 * MiB, GiB },
		{ GiB, GiB, GiB },
		{ 1280 * MiB, GiB, 2 * GiB },
		{ 4 * GiB, GiB, 4 * GiB },
		{ 4 * GiB + 256 * MiB, GiB, 5 * GiB },
	};
	struct memmap m;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		assert_int_equal(memmap__layout(&m, c[i].ram, 12345679, 7654321), 0);
		check_layout(&m, c[i].ram);
		assert_int_equal(m.rtas.start, c[i].boot_top - 64 * KiB);
		assert_int_equal(m.fdt.start, c[i].boot_top - 64 * KiB - MiB);
		assert_int_equal(m.devmem_start, c[i].devmem);
		assert_int_equal(m.kernel.size, ALIGN_UP(12345679, 64 * KiB));
		assert_int_equal(m.initrd.start,
				 ALIGN_UP(m.kernel.size + MEMMAP_KERNEL_SLACK, 64 * KiB));
		assert_int_equal(m.initrd.size, 7654321);
	}
	assert_int_equal(memmap__layout(&m, 256 * MiB, 20 * MiB, 0), 0);
	check_layout(&m, 256 * MiB);
	assert_int_equal(m.initrd.size, 0);
}

static void test_bad_ram_sizes(void **state)
{
	const uint64_t bad[] = { 0, 300 * MiB, 256 * MiB + 4096, 128 * MiB };
	struct memmap m;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(memmap__layout(&m, bad[i], MiB, 0), -EINVAL);
	/* aligned, but where rounding up would wrap past 2^64 */
	assert_int_equal(memmap__layout(&m, UINT64_MAX - 256 * MiB + 1, MiB, 0), -ERANGE);
	assert_int_equal(memmap__layout(&m, MEMMAP_ADDR_LIMIT + 256 * MiB, MiB, 0), -ERANGE);
	assert_int_equal(memmap__layout(&m, MEMMAP_ADDR_LIMIT, MiB, 0), 0);
}

static void test_initrd_limits(void **state)
{
	uint64_t fdt_start = 256 * MiB - 64 * KiB - MiB;
	uint64_t initrd_start = 16 * MiB + MEMMAP_KERNEL_SLACK;
	struct memmap m;

	(void)state;
	/* an initrd ending right at the device tree fits... */
	assert_int_equal(memmap__layout(&m, 256 * MiB, 16 * MiB,
					fdt_start - initrd_start), 0);
	check_layout(&m, 256 * MiB);
	assert_int_equal(m.initrd.start + m.initrd.size, m.fdt.start);
	/* ...one byte more would overlap it */
	lkvm__clear_error();
	assert_int_equal(memmap__layout(&m, 256 * MiB, 16 * MiB,
					fdt_start - initrd_start + 1), -E2BIG);
	assert_non_null(strstr(lkvm__last_error(), "initrd"));

	/* more RAM does not help beyond the 1 GiB boot area */
	assert_int_equal(memmap__layout(&m, 16 * GiB, 30 * MiB, GiB), -E2BIG);
	assert_int_equal(memmap__layout(&m, 16 * GiB, 30 * MiB, 900 * MiB), 0);
	check_layout(&m, 16 * GiB);
	/* sizes that would wrap any sum */
	assert_int_equal(memmap__layout(&m, 16 * GiB, 30 * MiB, ~0ULL), -E2BIG);
	assert_int_equal(memmap__layout(&m, 16 * GiB, 30 * MiB, ~0ULL - 64 * KiB),
			 -E2BIG);
}

static void test_kernel_too_big(void **state)
{
	struct memmap m;

	(void)state;
	assert_int_equal(memmap__layout(&m, 256 * MiB, 0, 0), -E2BIG);
	assert_int_equal(memmap__layout(&m, 256 * MiB, 256 * MiB + 1, 0), -E2BIG);
	assert_int_equal(memmap__layout(&m, 256 * MiB, ~0ULL, 0), -E2BIG);
	/* fits in RAM, but not with its slack below the device tree */
	lkvm__clear_error();
	assert_int_equal(memmap__layout(&m, 256 * MiB, 240 * MiB, 0), -E2BIG);
	assert_non_null(strstr(lkvm__last_error(), "kernel"));
	/* the largest that fits */
	assert_int_equal(memmap__layout(&m, 256 * MiB,
					256 * MiB - 64 * KiB - MiB - MEMMAP_KERNEL_SLACK,
					0), 0);
	check_layout(&m, 256 * MiB);
	assert_int_equal(memmap__layout(&m, 256 * MiB,
					256 * MiB - 64 * KiB - MiB - MEMMAP_KERNEL_SLACK + 1,
					0), -E2BIG);
}

static void test_pmem_placement(void **state)
{
	struct memmap m;
	uint64_t gpa;

	(void)state;
	assert_int_equal(memmap__layout(&m, 768 * MiB, 20 * MiB, 0), 0);
	assert_int_equal(memmap__alloc_pmem(&m, 256 * MiB, &gpa), 0);
	assert_int_equal(gpa, GiB);
	assert_int_equal(memmap__alloc_pmem(&m, 512 * MiB, &gpa), 0);
	assert_int_equal(gpa, GiB + 256 * MiB);
	assert_int_equal(memmap__alloc_pmem(&m, GiB, &gpa), 0);
	assert_int_equal(gpa, GiB + 768 * MiB);
	assert_int_equal(m.nr_pmem, 3);
	assert_int_equal(m.pmem[2].start, GiB + 768 * MiB);
	assert_int_equal(m.pmem[2].size, GiB);

	/* RAM of 1280M: device memory starts at 2G, never inside RAM */
	assert_int_equal(memmap__layout(&m, 1280 * MiB, 20 * MiB, 0), 0);
	assert_int_equal(memmap__alloc_pmem(&m, 256 * MiB, &gpa), 0);
	assert_int_equal(gpa, 2 * GiB);
	assert_int_equal(memmap__layout(&m, 4 * GiB, 20 * MiB, 0), 0);
	assert_int_equal(memmap__alloc_pmem(&m, 256 * MiB, &gpa), 0);
	assert_int_equal(gpa, 4 * GiB);
}

static void test_pmem_refused(void **state)
{
	struct memmap m;
	uint64_t gpa = 0x1234;
	int i;

	(void)state;
	assert_int_equal(memmap__layout(&m, 256 * MiB, 20 * MiB, 0), 0);
	assert_int_equal(memmap__alloc_pmem(&m, 0, &gpa), -EINVAL);
	assert_int_equal(memmap__alloc_pmem(&m, 100 * MiB, &gpa), -EINVAL);
	assert_int_equal(memmap__alloc_pmem(&m, 256 * MiB + 4096, &gpa), -EINVAL);
	/* aligned but beyond the guest address space, or wrapping */
	assert_int_equal(memmap__alloc_pmem(&m, 1ULL << 50, &gpa), -ERANGE);
	assert_int_equal(memmap__alloc_pmem(&m, ~(256 * MiB - 1), &gpa), -ERANGE);
	assert_int_equal(m.nr_pmem, 0);
	assert_int_equal(gpa, 0x1234);

	for (i = 0; i < LKVM_MAX_NVDIMMS; i++)
		assert_int_equal(memmap__alloc_pmem(&m, 256 * MiB, &gpa), 0);
	assert_int_equal(gpa, GiB + (LKVM_MAX_NVDIMMS - 1) * 256 * MiB);
	assert_int_equal(memmap__alloc_pmem(&m, 256 * MiB, &gpa), -ENOSPC);
	assert_int_equal(m.nr_pmem, LKVM_MAX_NVDIMMS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odd_ram_sizes),
		cmocka_unit_test(test_bad_ram_sizes),
		cmocka_unit_test(test_initrd_limits),
		cmocka_unit_test(test_kernel_too_big),
		cmocka_unit_test(test_pmem_placement),
		cmocka_unit_test(test_pmem_refused),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
