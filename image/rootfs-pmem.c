// SPDX-License-Identifier: GPL-2.0
/*
 * A Kata-style root filesystem on a read-only vNVDIMM: an image made by
 * `lkvm nvdimm format` (labels, fsdax info block) with a filesystem where
 * the namespace's data starts, so the guest mounts /dev/pmem0 as / at boot.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkvm/nvdimm-format.h"
#include "lkvm/rootfs-pmem.h"
#include "lkvm/util.h"

/* where Linux's fsdax info block keeps the data offset (struct nd_pfn_sb) */
#define PFN_SB_DATAOFF 56
#define EXT4_MAGIC_OFFSET 1080	/* superblock at 1024, s_magic at 56 */
#define EXT4_MAGIC 0xEF53

/* Where the filesystem starts: after the info block for fsdax, else at 0. */
static uint64_t data_offset(int fd, uint64_t size)
{
	char sig[16];
	uint64_t off;

	if (!read_fully(fd, sig, sizeof(sig), NVDIMM_PFN_SB_OFFSET) ||
	    memcmp(sig, "NVDIMM_PFN_INFO", 16))
		return 0;
	if (!read_fully(fd, &off, sizeof(off), NVDIMM_PFN_SB_OFFSET + PFN_SB_DATAOFF))
		return 0;
	off = le64toh(off);
	return off < size ? off : 0;
}

static const char *fs_type(int fd, uint64_t off)
{
	uint16_t magic;
	char xfs[4];

	if (read_fully(fd, &magic, sizeof(magic), off + EXT4_MAGIC_OFFSET) &&
	    le16toh(magic) == EXT4_MAGIC)
		return "ext4";
	if (read_fully(fd, xfs, sizeof(xfs), off) && !memcmp(xfs, "XFSB", 4))
		return "xfs";
	return NULL;
}

int rootfs_pmem__config(const char *path, struct nvdimm_config *cfg,
			char *fstype, size_t fstype_len)
{
	const char *type;
	struct stat st;
	uint64_t size;
	int fd;

	memset(cfg, 0, sizeof(*cfg));
	if (strlen(path) >= sizeof(cfg->path))
		return lkvm__fail(-ENAMETOOLONG, "--rootfs-pmem: path too long");
	fd = open_regular(path, "--rootfs-pmem", &st);
	if (fd < 0)
		return fd;
	size = (uint64_t)st.st_size;
	if (size <= ROOTFS_PMEM_LABEL_SIZE ||
	    !IS_ALIGNED(size - ROOTFS_PMEM_LABEL_SIZE, NVDIMM_BLOCK_SIZE)) {
		close(fd);
		return lkvm__fail(-EINVAL, "--rootfs-pmem %s: %llu bytes is not SIZE + 128K "
				  "with SIZE a multiple of 256M (make images with lkvm nvdimm format)",
				  path, (unsigned long long)size);
	}
	size -= ROOTFS_PMEM_LABEL_SIZE;
	type = fs_type(fd, data_offset(fd, size));
	close(fd);
	if (!type)
		return lkvm__fail(-EINVAL, "--rootfs-pmem %s: no ext4 or XFS file system "
				  "where the namespace's data starts", path);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	cfg->size = size;
	cfg->label_size = ROOTFS_PMEM_LABEL_SIZE;
	cfg->readonly = true;
	snprintf(fstype, fstype_len, "%s", type);
	return 0;
}
