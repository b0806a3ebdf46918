/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MEMMAP_H
#define LKVM_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "lkvm/limits.h"

/*
 * The guest physical memory map: the one source of truth read by the memory
 * slots (kvm/), the loaders (ppc/boot) and the device tree (fdt/).
 *
 *   0                kernel image (ELF segments incl. bss)
 *   after kernel     initrd (64 KiB aligned)
 *   top of boot area RTAS blob, just below it the device tree
 *   RAM end          ... (hole)
 *   ALIGN_UP(RAM, 1 GiB)  device memory: pmem windows on 256 MiB boundaries
 *
 * The boot area is the first min(RAM, 1 GiB): Linux instantiates RTAS and
 * keeps early allocations below 1 GiB, and real-mode code must reach both.
 */
#define MEMMAP_BOOT_AREA_MAX	(1ULL << 30)
#define MEMMAP_FDT_MAX_SIZE	(1ULL << 20)
#define MEMMAP_RTAS_SIZE	(64ULL << 10)
#define MEMMAP_INITRD_ALIGN	(64ULL << 10)
#define MEMMAP_DEVMEM_ALIGN	(1ULL << 30)
/* the guest physical address space lkvm hands out: 1 PiB (radix, 52 bits) */
#define MEMMAP_ADDR_LIMIT	(1ULL << 50)
#define MEMMAP_PMEM_ALIGN	(256ULL << 20)
/* headroom after the kernel image for its early allocations */
#define MEMMAP_KERNEL_SLACK	(16ULL << 20)

struct memmap_range {
	uint64_t start;
	uint64_t size;
};

struct memmap {
	uint64_t ram_size;
	struct memmap_range kernel;
	struct memmap_range initrd;	/* size 0: none */
	struct memmap_range fdt;	/* reserved room, MEMMAP_FDT_MAX_SIZE */
	struct memmap_range rtas;
	uint64_t devmem_start;		/* RAM rounded up to 1 GiB */
	/*
	 * The allocated pmem windows, sorted by address and packed at the
	 * front; changed only by memmap__alloc_pmem() and memmap__free_pmem().
	 */
	unsigned int nr_pmem;
	struct memmap_range pmem[LKVM_MAX_NVDIMMS];
};

/*
 * Place kernel, initrd, device tree and RTAS for a guest with @ram_size
 * bytes of RAM. Returns 0 or a negative errno with a message when they do
 * not fit (overlap is refused).
 */
int memmap__layout(struct memmap *m, uint64_t ram_size, uint64_t kernel_size,
		   uint64_t initrd_size);

/*
 * Give out a pmem window of @size bytes (a non-zero multiple of
 * MEMMAP_PMEM_ALIGN) in device memory and store its GPA in @gpa: the lowest
 * free aligned gap that fits, so that a window given back is reused and
 * devices placed one after another at start get consecutive windows.
 * Returns 0, -EINVAL (size), -ENOSPC (LKVM_MAX_NVDIMMS windows in use) or
 * -ERANGE (no room below MEMMAP_ADDR_LIMIT), with a message.
 */
int memmap__alloc_pmem(struct memmap *m, uint64_t size, uint64_t *gpa);

/* Give back the window that starts at @gpa: 0, or -ENOENT with a message. */
int memmap__free_pmem(struct memmap *m, uint64_t gpa);

/* Is [@gpa, @gpa + @size) exactly one allocated pmem window? */
bool memmap__is_pmem(const struct memmap *m, uint64_t gpa, uint64_t size);

#endif
