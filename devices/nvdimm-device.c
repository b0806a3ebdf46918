// SPDX-License-Identifier: GPL-2.0
/*
 * The vNVDIMM as a device of the machine: its identity (slot, DRC index,
 * node name), its place in guest memory on each boot or hot-plug, and its
 * ibm,pmemory node. The SCM hcalls it serves are in scm-*.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/device.h"
#include "lkvm/fdt.h"
#include "lkvm/guest-mem.h"
#include "lkvm/memmap.h"
#include "lkvm/nvdimm.h"
#include "lkvm/pseries.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"

void nvdimm__as_device(struct nvdimm *d)
{
	d->dev.ops = &nvdimm_device_ops;
	d->dev.index = d->drc_index;
	snprintf(d->dev.node_name, sizeof(d->dev.node_name), "ibm,pmemory@%x",
		 d->drc_index);
}

void nvdimm__init(struct nvdimm *d, unsigned int slot)
{
	nvdimm__init_backing(d, slot);
	nvdimm__as_device(d);
}

/*
 * A window of device memory, the checked accessor's view of it, and a KVM
 * memory slot: all three or none.
 */
static int nvdimm_attach(struct device *dev, struct pseries *p)
{
	struct nvdimm *d = nvdimm__of(dev);
	uint64_t size = d->cfg.size;
	bool logs;
	int ret;

	ret = memmap__alloc_pmem(&p->map, size, &d->gpa);
	if (ret)
		return ret;
	/* lkvm never writes a read-only device's region itself */
	ret = guest_mem__add(&p->mem, d->gpa, size, d->data, d->cfg.readonly);
	if (ret) {
		ret = lkvm__fail(ret, "cannot register %s in guest memory",
				 d->cfg.path);
		goto free_window;
	}
	/*
	 * KVM on POWER has no read-only slots: the mapping itself refuses.
	 * What a flush makes durable is counted from KVM's dirty log, so only
	 * a device with flushes to count logs: not a read-only one (nothing
	 * to make durable), nor real pmem (no flush hcall).
	 */
	logs = d->needs_flush_hcall && !d->cfg.readonly;
	ret = p->ops->map_memory(p->ops_ctx, d->gpa, size, d->data,
				 logs ? PSERIES_MAP_LOG_DIRTY : 0, &d->mem_slot);
	if (ret)
		goto remove_region;
	d->logs_dirty = logs;
	return 0;

remove_region:
	guest_mem__remove(&p->mem, d->gpa);
free_window:
	memmap__free_pmem(&p->map, d->gpa);
	return ret;
}

static void nvdimm_detach(struct device *dev, struct pseries *p)
{
	struct nvdimm *d = nvdimm__of(dev);

	d->logs_dirty = false;
	p->ops->unmap_memory(p->ops_ctx, d->mem_slot);
	guest_mem__remove(&p->mem, d->gpa);
	memmap__free_pmem(&p->map, d->gpa);
}

static int nvdimm_fdt_node(const struct device *dev, struct fdt_writer *w)
{
	const struct nvdimm *d = container_of(dev, const struct nvdimm, dev);
	struct fdt_pmem pm = {
		.drc_index = d->drc_index,
		.size = d->cfg.size,
		.label_size = d->cfg.label_size,
		.uuid_str = d->uuid_str,
		.flush_required = d->needs_flush_hcall,
	};

	return fdt__pmem_node(w, dev->node_name, &pm);
}

const struct device_ops nvdimm_device_ops = {
	.kind = "nvdimm",
	.bus = DEVICE_BUS_PMEM,
	.attach = nvdimm_attach,
	.detach = nvdimm_detach,
	.fdt_node = nvdimm_fdt_node,
};
