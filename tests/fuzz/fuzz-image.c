// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the readers of pmem images a user hands to lkvm
 * (--rootfs-pmem): the namespace's fsdax info block and the file system
 * superblock behind it. The input is the start of a 256 MiB + 128 KiB
 * image (the rest is holes).
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lkvm/nvdimm.h"
#include "lkvm/rootfs-pmem.h"

#define IMAGE ((256ULL << 20) + (128 << 10))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[32];
	struct nvdimm_config cfg;
	char fstype[16];

	if (fd < 0) {
		fd = memfd_create("fuzz-image", MFD_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (size > (1 << 20) || ftruncate(fd, 0) || ftruncate(fd, IMAGE) ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	rootfs_pmem__config(path, &cfg, fstype, sizeof(fstype));
	return 0;
}
