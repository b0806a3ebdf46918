// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: everything a guest can reach through hcalls, RTAS
 * (H_RTAS) and the SCM hcalls included, against guest memory of exactly
 * the size the input gives (so ASan sees any access past it) and two
 * vNVDIMMs whose kinds (page-cache file, read-only, real pmem) the input
 * picks.
 *
 * Input: RAM size (le16, 1..65536), that many bytes of guest RAM, device
 * kinds (1 byte), then up to 32 calls of (selector byte, 9 le64 registers).
 * Bits 4-5 of the kinds byte set the connectors as the guest finds them
 * (set_connectors), so that RTAS's connector services, a hot-plug event's
 * log and configure-connector's walk of a device's node are reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "lkvm/bytes.h"
#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/drc.h"
#include "lkvm/hcall.h"
#include "lkvm/nvdimm.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas-events.h"
#include "lkvm/scm.h"

#define DATA_STUB	4096
#define PMEM_GPA	(4ULL << 30)
#define MAX_CALLS	32

static const uint64_t hcalls[] = {
	H_GET_TERM_CHAR, H_PUT_TERM_CHAR, H_GET_CPU_CHARACTERISTICS, H_SET_MODE,
	H_REGISTER_PROC_TBL, H_SCM_READ_METADATA, H_SCM_WRITE_METADATA,
	H_SCM_BIND_MEM, H_SCM_UNBIND_MEM, H_SCM_QUERY_BLOCK_MEM_BINDING,
	H_SCM_QUERY_LOGICAL_MEM_BINDING, H_SCM_UNBIND_ALL, H_SCM_HEALTH,
	H_SCM_PERFORMANCE_STATS, H_SCM_FLUSH, H_RTAS,
};

static int fake_configure_mmu(void *ctx, uint64_t flags, uint64_t table)
{
	(void)ctx;
	(void)flags;
	(void)table;
	return 0;
}

static int fake_start_cpu(void *ctx, unsigned int cpu, uint64_t pc, uint64_t r3)
{
	(void)ctx;
	(void)pc;
	(void)r3;
	return cpu & 1 ? -1 : 0;
}

static void fake_request_exit(void *ctx)
{
	(void)ctx;
}

/* flushes count pages (a failing count would warn at every input) */
static int fake_harvest_dirty(void *ctx, unsigned int slot, uint64_t *pages,
			      uint64_t *page_size)
{
	(void)ctx;
	*pages = slot + 1;
	*page_size = 65536;
	return 0;
}

/* an event's interrupt: nobody to raise it for */
static int fake_irq_pulse(void *ctx, uint32_t irq)
{
	(void)ctx;
	(void)irq;
	return 0;
}

static const struct pseries_ops fake_ops = {
	.configure_mmu = fake_configure_mmu,
	.start_cpu = fake_start_cpu,
	.request_exit = fake_request_exit,
	.harvest_dirty = fake_harvest_dirty,
	.irq_pulse = fake_irq_pulse,
};

static int fake_flush(struct nvdimm *d)
{
	(void)d;
	return 0;
}

static const struct nvdimm_backing_ops fake_backing = { .flush = fake_flush };

/* kind: 0 page-cache file, 1 read-only, 2 real pmem */
static void device_init(struct nvdimm *d, unsigned int slot, unsigned int kind,
			uint64_t blocks)
{
	nvdimm__init(d, slot);
	d->cfg.size = blocks * NVDIMM_BLOCK_SIZE;
	d->cfg.label_size = NVDIMM_MIN_LABEL_SIZE;
	d->cfg.readonly = kind == 1;
	d->is_pmem = kind == 2;
	d->needs_flush_hcall = kind != 2;
	/* as attach leaves them: a writable page-cache device logs */
	d->logs_dirty = kind == 0;
	d->mem_slot = slot + 1;
	d->map_len = DATA_STUB + NVDIMM_MIN_LABEL_SIZE;
	d->map = calloc(1, d->map_len);
	d->data = d->map;
	d->label = d->map + DATA_STUB;
	d->gpa = PMEM_GPA + slot * 4 * NVDIMM_BLOCK_SIZE;
	d->ops = &fake_backing;
	/* the unit GUID the node carries, which configure-connector hands out */
	snprintf(d->uuid_str, sizeof(d->uuid_str),
		 "01c682d5-483f-4906-9c4f-6be4638b451%u", slot);
}

/*
 * @mode: 0 no connector present; 1 both devices in the boot tree
 * (CONFIGURED); 2 the first at boot, the second being hot-plugged (its ADD
 * event queued); 3 both at boot, the first asked back (REMOVE queued).
 */
static void set_connectors(struct pseries *p, struct device_registry *devices,
			   struct nvdimm dev[2], unsigned int mode)
{
	if (mode == 0)
		return;
	if (mode == 2)
		device_registry__remove(devices, &dev[1].dev);
	drc__boot(p);
	if (mode == 2) {
		device_registry__add(devices, &dev[1].dev);
		if (drc__plug(p, 1) ||
		    rtas_events__request_hotplug(p, RTAS_HOTPLUG_ACTION_ADD, dev[1].drc_index))
			abort();
	}
	if (mode == 3 &&
	    (drc__unplug_requested(p, 0) ||
	     rtas_events__request_hotplug(p, RTAS_HOTPLUG_ACTION_REMOVE, dev[0].drc_index)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pseries p;
	static struct device_registry devices;
	static struct console con;
	static struct nvdimm dev[2];
	static int null_fd = -1;
	uint64_t args[HCALL_NR_ARGS];
	size_t ram_len, i, n;
	uint8_t *ram;

	if (size < 3)
		return 0;
	ram_len = (size_t)(data[0] | data[1] << 8) + 1;
	if (size - 2 < ram_len + 1)
		return 0;
	/* exactly ram_len bytes: one past the end is outside the allocation */
	ram = malloc(ram_len);
	memcpy(ram, data + 2, ram_len);
	data += 2 + ram_len;
	size -= 2 + ram_len;

	if (null_fd < 0)
		null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	pseries__init(&p);
	guest_mem__add(&p.mem, 0, ram_len, ram, false);
	p.nr_cpus = 4;
	p.ops = &fake_ops;
	p.panic_stops = true;	/* as lkvm run's default: no report printed */
	console__init(&con, null_fd);
	p.cpu_char.valid = data[0] & 0x80;
	device_init(&dev[0], 0, data[0] % 3, 4);
	device_init(&dev[1], 1, (data[0] >> 2) % 3, 1);
	/* the devices register their calls, as lkvm run does at start */
	if (console__register() || scm__register())
		abort();
	device_registry__init(&devices);
	device_registry__add(&devices, &con.dev);
	device_registry__add(&devices, &dev[0].dev);
	device_registry__add(&devices, &dev[1].dev);
	p.devices = &devices;
	set_connectors(&p, &devices, dev, (data[0] >> 4) & 3);
	data++;
	size--;

	for (n = 0; n < MAX_CALLS && size >= 1 + 8 * HCALL_NR_ARGS; n++) {
		uint64_t nr = hcalls[data[0] % (sizeof(hcalls) / sizeof(hcalls[0]))];

		/* now and then a number nobody serves */
		if (data[0] >= 0xf0)
			nr = get_le64(data + 1);
		for (i = 0; i < HCALL_NR_ARGS; i++)
			args[i] = get_le64(data + 1 + 8 * i);
		hcall__dispatch(&p, data[0] & 3, nr, args);
		data += 1 + 8 * HCALL_NR_ARGS;
		size -= 1 + 8 * HCALL_NR_ARGS;
	}
	device_registry__destroy(&devices);
	free(dev[0].map);
	free(dev[1].map);
	free(ram);
	return 0;
}
