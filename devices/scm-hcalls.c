// SPDX-License-Identifier: GPL-2.0
/*
 * The SCM hcalls through which the guest's papr_scm driver finds, binds and
 * labels a vNVDIMM, and asks for its health. (Performance statistics are in
 * scm-stats.c, flush in scm-flush.c.)
 *
 * Binding is stateless: a device's region is mapped into the guest when the
 * device is attached, so the bind family only reports or checks addresses.
 * Every bind, on every boot, kexec or driver reload, gets the same answer,
 * and unbinding changes nothing a later bind or query could notice.
 *
 * Every register comes from an untrusted guest. All arithmetic on them is
 * written so that it cannot wrap, and the label area is only ever touched
 * inside [0, label_size).
 */
#include <stdatomic.h>
#include <stdbool.h>

#include "lkvm/device.h"
#include "lkvm/nvdimm.h"
#include "lkvm/pmem-lib.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"

#include "scm-internal.h"
#include "lkvm/util.h"

/* ibm,number-of-blocks as the device tree advertises it */
static uint64_t nr_blocks(const struct nvdimm *d)
{
	return d->cfg.size / NVDIMM_BLOCK_SIZE;
}

/* Bytes of the guest-visible region, a whole number of blocks. */
static uint64_t region_size(const struct nvdimm *d)
{
	return nr_blocks(d) * NVDIMM_BLOCK_SIZE;
}

/* A device without a mapped label area has none the guest may touch. */
static uint64_t label_size(const struct nvdimm *d)
{
	return d->label ? d->cfg.label_size : 0;
}

/* Linux never moves more than 8 bytes per call, and only these sizes. */
static bool metadata_len_ok(uint64_t len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

/* [off, off + len) inside the label area, without computing off + len */
static bool in_label(const struct nvdimm *d, uint64_t off, uint64_t len)
{
	uint64_t size = label_size(d);

	return off <= size && len <= size - off;
}

/*
 * args: DRC index, offset, length -> r4 = the bytes as a big-endian number,
 * right-aligned: the byte at @offset is the most significant one, so the
 * guest gets the label bytes back unchanged whatever its endianness.
 */
long scm_read_metadata(struct pseries *p, struct nvdimm *d, uint64_t *args)
{
	uint64_t off = args[1], len = args[2], val = 0, i;

	(void)p;
	if (!metadata_len_ok(len))
		return H_P3;
	if (!in_label(d, off, len))
		return H_P2;
	pthread_mutex_lock(&d->label_lock);
	for (i = 0; i < len; i++)
		val = val << 8 | d->label[off + i];
	pthread_mutex_unlock(&d->label_lock);
	args[0] = val;
	atomic_fetch_add(&d->label_reads, 1);
	return H_SUCCESS;
}

/*
 * args: DRC index, offset, data, length. The same packing as the read:
 * @data holds @length bytes right-aligned, most significant first.
 */
long scm_write_metadata(struct pseries *p, struct nvdimm *d, uint64_t *args)
{
	uint64_t off = args[1], val = args[2], len = args[3], i;

	(void)p;
	if (!metadata_len_ok(len))
		return H_P4;
	if (!in_label(d, off, len))
		return H_P2;
	/* bits above @len bytes would be silently lost: refuse them */
	if (len < 8 && val >> (8 * len))
		return H_P2;
	/*
	 * A read-only backing may well be mapped read-only, so the check
	 * comes before any store. The guest saw UNARMED in the health bits
	 * and keeps the region read-only; a write here is a guest bug.
	 */
	if (d->cfg.readonly)
		return H_P2;

	pthread_mutex_lock(&d->label_lock);
	for (i = len; i-- > 0; val >>= 8)
		d->label[off + i] = val & 0xff;
	pthread_mutex_unlock(&d->label_lock);
	/*
	 * On real persistent memory stores are durable once out of the CPU
	 * caches, and the guest will not flush (there is no flush hcall for
	 * such devices), so push them out now. Page-cache backings become
	 * durable with the backing's flush, which covers the label too.
	 */
	if (d->is_pmem)
		pmem_lib__persist(d->label + off, len);
	else
		nvdimm__label_written(d);
	atomic_fetch_add(&d->label_writes, 1);
	return H_SUCCESS;
}

/*
 * args: DRC index, first block, number of blocks, target address, continue
 * token -> r4 = continue token (none), r5 = guest address of the first
 * block, r6 = blocks bound. Linux takes r5 from the first call only and
 * loops on H_BUSY, which lkvm never returns.
 */
long scm_bind_mem(struct pseries *p, struct nvdimm *d, uint64_t *args)
{
	uint64_t start = args[1], count = args[2], target = args[3];
	uint64_t token = args[4], blocks;

	(void)p;
	/* lkvm finishes every bind in one call, so it issues no tokens */
	if (token)
		return H_P5;
	/*
	 * The region sits where it was mapped at attach time and cannot
	 * move; the guest may learn where through the query hcalls.
	 */
	if (target != SCM_BIND_ANY_ADDR)
		return H_OVERLAP;
	blocks = nr_blocks(d);
	if (start > blocks)
		return H_P2;
	if (count > blocks - start)
		return H_P3;
	args[0] = 0;
	args[1] = d->gpa + start * NVDIMM_BLOCK_SIZE;
	args[2] = count;
	atomic_fetch_add(&d->binds, 1);
	return H_SUCCESS;
}

/*
 * args: DRC index, guest address of the first block, number of blocks,
 * continue token -> r5 = blocks unbound. Nothing is unmapped: the next
 * bind reports the same address (Linux does not call this one today).
 */
long scm_unbind_mem(struct pseries *p, struct nvdimm *d, uint64_t *args)
{
	uint64_t addr = args[1], count = args[2], token = args[3], off;

	(void)p;
	if (token)
		return H_P4;
	if (!IS_ALIGNED(addr, NVDIMM_BLOCK_SIZE))
		return H_P2;
	if (!count)
		return H_P3;
	/* any range outside the device, however it is outside, is H_P3 */
	if (addr < d->gpa)
		return H_P3;
	off = addr - d->gpa;
	if (off > region_size(d) ||
	    count > (region_size(d) - off) / NVDIMM_BLOCK_SIZE)
		return H_P3;
	args[0] = 0;
	args[1] = count;
	return H_SUCCESS;
}

/*
 * args: scope, DRC index (scope DRC only), continue token -> r4 = continue
 * token (none), r5 = blocks unbound. Linux calls it with scope DRC when
 * the driver goes away or a bind has to be redone, and only logs errors.
 */
static int add_blocks(struct device *dev, void *ctx)
{
	*(uint64_t *)ctx += nr_blocks(nvdimm__of(dev));
	return 0;
}

/* Not looked up by the dispatcher: the DRC, if any, is the second argument. */
long scm_unbind_all(struct pseries *p, struct nvdimm *none, uint64_t *args)
{
	uint64_t scope = args[0], drc = args[1], token = args[2], blocks = 0;
	struct nvdimm *d;

	(void)none;
	if (token)
		return H_P4;
	if (scope == H_UNBIND_SCOPE_DRC) {
		d = scm__get(p, drc);
		/* here the DRC is the second parameter, hence not H_PARAMETER */
		if (!d)
			return H_P2;
		blocks = nr_blocks(d);
		scm__put(p, d);
	} else if (scope == H_UNBIND_SCOPE_ALL) {
		device_registry__for_each(p->devices, &nvdimm_device_ops,
					  add_blocks, &blocks);
	} else {
		return H_PARAMETER;
	}
	args[0] = 0;
	args[1] = blocks;
	return H_SUCCESS;
}

/*
 * args: DRC index, block index -> r4 = guest address of that block. Linux
 * asks for the first and the last block after a bind answered H_OVERLAP
 * and insists they are (blocks - 1) block sizes apart, which holds here.
 */
long scm_query_block_mem_binding(struct pseries *p, struct nvdimm *d,
				 uint64_t *args)
{
	uint64_t block = args[1];

	(void)p;
	if (block >= nr_blocks(d))
		return H_P2;
	args[0] = d->gpa + block * NVDIMM_BLOCK_SIZE;
	return H_SUCCESS;
}

/*
 * args: DRC index, guest address -> r4 = index of the block holding that
 * address. The inverse of the block query for every address of a block.
 */
long scm_query_logical_mem_binding(struct pseries *p, struct nvdimm *d,
				   uint64_t *args)
{
	uint64_t addr = args[1];

	(void)p;
	if (addr < d->gpa || addr - d->gpa >= region_size(d))
		return H_P2;
	args[0] = (addr - d->gpa) / NVDIMM_BLOCK_SIZE;
	return H_SUCCESS;
}

/*
 * args: DRC index -> r4 = health bitmap, r5 = the bits lkvm can report at
 * all; Linux uses r4 & r5.
 */
long scm_health(struct pseries *p, struct nvdimm *d, uint64_t *args)
{
	uint64_t health = 0;

	(void)p;
	/*
	 * A read-only backing cannot persist anything: "unarmed" makes
	 * libnvdimm create the region read-only, so the guest never tries.
	 */
	if (d->cfg.readonly)
		health |= NVDIMM_HEALTH_UNARMED;
	/*
	 * Once a flush failed, data the guest was told about (H_HARDWARE)
	 * may be lost: that is what the "failed to persist" bit says, and it
	 * stays set for the life of the device, as lost data stays lost.
	 */
	if (atomic_load(&d->flush_failed))
		health |= NVDIMM_HEALTH_SHUTDOWN_DIRTY;
	args[0] = health;
	args[1] = SCM_HEALTH_VALID_MASK;
	return H_SUCCESS;
}
