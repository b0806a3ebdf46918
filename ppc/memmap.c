// SPDX-License-Identifier: GPL-2.0
/* Placing everything in guest physical memory, once (see memmap.h). */
#include <errno.h>
#include <string.h>

#include "lkvm/memmap.h"
#include "lkvm/util.h"

int memmap__layout(struct memmap *m, uint64_t ram_size, uint64_t kernel_size,
		   uint64_t initrd_size)
{
	uint64_t boot_top, low_end;
	char a[32], b[32];

	memset(m, 0, sizeof(*m));
	if (!ram_size || !IS_ALIGNED(ram_size, LKVM_RAM_ALIGN))
		return lkvm__fail(-EINVAL, "RAM size must be a multiple of 256M");
	/* every sum and rounding below stays far from 2^64 */
	if (ram_size > MEMMAP_ADDR_LIMIT)
		return lkvm__fail(-ERANGE, "RAM size beyond the guest address space");
	if (!kernel_size || kernel_size > ram_size)
		return lkvm__fail(-E2BIG, "kernel image does not fit in RAM");
	m->ram_size = ram_size;
	m->devmem_start = ALIGN_UP(ram_size, MEMMAP_DEVMEM_ALIGN);

	boot_top = ram_size < MEMMAP_BOOT_AREA_MAX ? ram_size : MEMMAP_BOOT_AREA_MAX;
	m->rtas = (struct memmap_range){ boot_top - MEMMAP_RTAS_SIZE, MEMMAP_RTAS_SIZE };
	m->fdt = (struct memmap_range){ m->rtas.start - MEMMAP_FDT_MAX_SIZE,
					MEMMAP_FDT_MAX_SIZE };
	m->kernel = (struct memmap_range){ 0, ALIGN_UP(kernel_size, 64 * KiB) };

	/* the kernel needs room after its image before anything else */
	low_end = m->kernel.size + MEMMAP_KERNEL_SLACK;
	if (initrd_size) {
		m->initrd.start = ALIGN_UP(low_end, MEMMAP_INITRD_ALIGN);
		m->initrd.size = initrd_size;
		if (initrd_size > m->fdt.start ||
		    m->initrd.start > m->fdt.start - initrd_size)
			return lkvm__fail(-E2BIG,
				"kernel (%s) and initrd (%s) do not fit below 1G of guest RAM; "
				"give more memory (-m)",
				format_size(kernel_size, a, sizeof(a)),
				format_size(initrd_size, b, sizeof(b)));
		low_end = m->initrd.start + initrd_size;
	}
	if (low_end > m->fdt.start)
		return lkvm__fail(-E2BIG, "kernel (%s) does not fit in guest RAM",
				  format_size(kernel_size, a, sizeof(a)));
	return 0;
}

/*
 * Windows are kept sorted, so the free gaps are the spaces between
 * neighbours: the first one that fits is the lowest address that fits.
 * Sizes are multiples of MEMMAP_PMEM_ALIGN and devmem_start is aligned to
 * 1 GiB, so every window end, and with it every gap, is aligned too.
 */
int memmap__alloc_pmem(struct memmap *m, uint64_t size, uint64_t *gpa)
{
	uint64_t start = m->devmem_start;
	unsigned int i;

	if (m->nr_pmem >= LKVM_MAX_NVDIMMS)
		return lkvm__fail(-ENOSPC, "at most %d pmem regions", LKVM_MAX_NVDIMMS);
	if (!size || !IS_ALIGNED(size, MEMMAP_PMEM_ALIGN))
		return lkvm__fail(-EINVAL, "pmem size must be a multiple of 256M");
	for (i = 0; i < m->nr_pmem; i++) {
		if (m->pmem[i].start - start >= size)
			break;
		start = m->pmem[i].start + m->pmem[i].size;
	}
	/* start never passes the limit, so the difference cannot wrap */
	if (start > MEMMAP_ADDR_LIMIT || size > MEMMAP_ADDR_LIMIT - start)
		return lkvm__fail(-ERANGE, "pmem regions exceed the guest address space");
	memmove(&m->pmem[i + 1], &m->pmem[i],
		(m->nr_pmem - i) * sizeof(m->pmem[0]));
	m->pmem[i] = (struct memmap_range){ start, size };
	m->nr_pmem++;
	*gpa = start;
	return 0;
}

static int find_pmem(const struct memmap *m, uint64_t gpa)
{
	unsigned int i;

	/* bounded by the array too: the device tree checks trust no count */
	for (i = 0; i < m->nr_pmem && i < LKVM_MAX_NVDIMMS; i++)
		if (m->pmem[i].start == gpa)
			return (int)i;
	return -ENOENT;
}

int memmap__free_pmem(struct memmap *m, uint64_t gpa)
{
	int i = find_pmem(m, gpa);

	if (i < 0)
		return lkvm__fail(i, "no pmem region starts at 0x%llx",
				  (unsigned long long)gpa);
	m->nr_pmem--;
	memmove(&m->pmem[i], &m->pmem[i + 1],
		(m->nr_pmem - (unsigned int)i) * sizeof(m->pmem[0]));
	m->pmem[m->nr_pmem] = (struct memmap_range){ 0, 0 };
	return 0;
}

bool memmap__is_pmem(const struct memmap *m, uint64_t gpa, uint64_t size)
{
	int i = find_pmem(m, gpa);

	return i >= 0 && m->pmem[i].size == size;
}
