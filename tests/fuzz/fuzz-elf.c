// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the ELF loader. The input is the kernel file; what
 * elf__inspect accepts is loaded into 1 MiB of guest RAM (exactly that
 * much memory, so ASan sees any write past it) through the loader, as
 * lkvm run does, from a file holding the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lkvm/boot.h"
#include "lkvm/guest-mem.h"
#include "lkvm/loader.h"

#define RAM (1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct guest_mem mem = { 0 };
	struct loader l = { .nr_jobs = 0 };
	struct elf_image img;
	uint8_t *copy, *ram;

	if (fd < 0)
		fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	if (elf__inspect(&img, copy, size) == 0) {
		if (ftruncate(fd, 0) == 0 && write(fd, data, size) == (ssize_t)size) {
			ram = malloc(RAM);
			guest_mem__add(&mem, 0, RAM, ram, false);
			if (elf__load(&img, &mem, fd, &l) == 0)
				loader__run(&l, 2);
			free(ram);
		}
	}
	free(copy);
	return 0;
}
