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

int memmap__add_pmem(struct memmap *m, uint64_t size, uint64_t *gpa)
{
	uint64_t start = m->devmem_start;
	unsigned int i;

	if (m->nr_pmem >= LKVM_MAX_NVDIMMS)
		return lkvm__fail(-ENOSPC, "at most %d pmem regions", LKVM_MAX_NVDIMMS);
	if (!size || !IS_ALIGNED(size, MEMMAP_PMEM_ALIGN))
		return lkvm__fail(-EINVAL, "pmem size must be a multiple of 256M");
	for (i = 0; i < m->nr_pmem; i++)
		start = m->pmem[i].start + m->pmem[i].size;
	start = ALIGN_UP(start, MEMMAP_PMEM_ALIGN);
	if (start + size < start || start + size > MEMMAP_ADDR_LIMIT)
		return lkvm__fail(-ERANGE, "pmem regions exceed the guest address space");
	m->pmem[m->nr_pmem++] = (struct memmap_range){ start, size };
	*gpa = start;
	return 0;
}
