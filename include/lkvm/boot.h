/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BOOT_H
#define LKVM_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lkvm/pseries.h"

/*
 * Loadable segments a vmlinux may have: each takes two loader jobs (bytes
 * and bss) beside the initrd's one (LOADER_MAX_JOBS); vmlinux has one or two.
 */
#define ELF_MAX_SEGMENTS 3

/* One PT_LOAD as elf__inspect checked it: bytes [offset, +filesz) of the
 * file at guest physical paddr, then zeroes up to memsz. */
struct elf_segment {
	uint64_t offset, paddr, filesz, memsz;
};

/* Where and how an ELF vmlinux wants to be loaded. */
struct elf_image {
	const uint8_t *data;
	size_t len;
	uint64_t load_end;	/* highest guest address used, bss included */
	uint64_t entry;		/* guest physical entry point */
	/* what elf__load loads: only these, never the file's headers again
	 * (the file may have changed since they were checked) */
	unsigned int nr_segs;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * Check that @data is a 64-bit PowerPC ELF executable whose loadable
 * segments all lie inside the file, and compute where it goes. Returns 0
 * or -ENOEXEC with a one-line reason.
 */
int elf__inspect(struct elf_image *img, const void *data, size_t len);

struct loader;

/*
 * Check that every segment fits in guest memory and queue reading its bytes
 * from @fd (the file @img maps) and zeroing its bss on @l; 0 or -EFAULT.
 * loader__run then read()s them straight from the page cache, which spares
 * faulting in the file's pages first. (Copying into huge-page-backed RAM
 * boots faster than mapping the file's small pages into the guest: fewer
 * guest page faults.)
 */
int elf__load(const struct elf_image *img, struct guest_mem *mem, int fd,
	      struct loader *l);

/* Queue reading the initrd (@len bytes of @fd) to where p->map puts it. */
int boot__load_initrd(struct pseries *p, int fd, size_t len, struct loader *l);

/*
 * Put the RTAS blob and the device tree where p->map says and return the
 * FDT size. The map, guest memory and CPU facts must be set.
 */
int boot__place(struct pseries *p, const char *bootargs);

/* Host CPU facts from /proc/cpuinfo text (timebase, clock); 0 or -EINVAL. */
int cpuinfo__parse(const char *text, struct cpu_info *info);

#endif
