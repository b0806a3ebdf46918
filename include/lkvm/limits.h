/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_LIMITS_H
#define LKVM_LIMITS_H

/*
 * What one lkvm VM can have. Every layer sizes its tables from these, so
 * they sit apart from the option parser (config.h), which checks them.
 */
#define LKVM_MAX_CPUS		256
#define LKVM_MAX_NVDIMMS	16
#define LKVM_DEFAULT_RAM	(512ULL << 20)
/* pseries hands memory out in 256 MiB logical memory blocks (LMBs) */
#define LKVM_RAM_ALIGN		(256ULL << 20)
#define LKVM_MAX_RAM		(1ULL << 40)

/*
 * How the guest names and sizes persistent memory, the same for the
 * device tree, the DRCs and the vNVDIMM: PMEM DRC index = base | slot,
 * regions are whole ibm,block-size blocks.
 */
#define LKVM_PMEM_DRC_BASE	0x90000000u
#define LKVM_PMEM_BLOCK_SIZE	(256ULL << 20)

#endif
