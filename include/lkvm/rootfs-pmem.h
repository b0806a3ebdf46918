/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ROOTFS_PMEM_H
#define LKVM_ROOTFS_PMEM_H

#include <stddef.h>

#include "lkvm/nvdimm.h"

/* Root-filesystem images carry a label area of this size at their end. */
#define ROOTFS_PMEM_LABEL_SIZE (128ULL << 10)

/*
 * --rootfs-pmem IMAGE: describe IMAGE as a read-only vNVDIMM (SIZE = file
 * size - 128K) and find the type of the filesystem where its namespace's
 * data starts ("ext4" or "xfs", into @fstype). Returns 0 or a negative
 * errno with a one-line message. Reads the image, never writes it.
 */
int rootfs_pmem__config(const char *path, struct nvdimm_config *cfg,
			char *fstype, size_t fstype_len);

#endif
