// SPDX-License-Identifier: GPL-2.0
/*
 * The device tree handed to the kernel in r3. There is no firmware: nothing
 * negotiates with the guest (no client-architecture-support), so the tree
 * has to look like what a PAPR hypervisor leaves behind after negotiating
 * with a radix, XICS guest. Everything is written in one pass with libfdt's
 * sequential-write calls, straight into the caller's buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/device.h"
#include "lkvm/fdt.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas.h"
#include "lkvm/rtas-events.h"
#include "lkvm/util.h"

#include "fdt-internal.h"

/*
 * /chosen/ibm,architecture-vec-5 as a hypervisor rewrites it after
 * negotiation. Linux indexes the property directly by option byte number
 * and only trusts bytes below its length, so it must reach byte 26.
 */
#define OV5_LEN			27
#define OV5_XIVE		23	/* 0: XICS (legacy) interrupt controller */
#define OV5_MMU			24
#define OV5_MMU_RADIX		0x40	/* radix only: Linux must use it */
#define OV5_RADIX_GTSE		26
#define OV5_RADIX_GTSE_BIT	0x40	/* guest may issue tlbie itself */

/* Linux's own error-log buffer size: without it, or above, Linux warns. */
#define RTAS_ERROR_LOG_MAX	2048

/*
 * ibm,hypertas-functions. Its mere presence sets FW_FEATURE_LPAR, which is
 * what makes Linux talk to a hypervisor at all (hvc console, VPA, icp-hv).
 * What each name changes in a 6.1 radix guest:
 *   hcall-set-mode   required: H_SET_MODE(LE) gives an LE kernel its
 *                    interrupt endianness (it panics if advertised and the
 *                    call fails), and H_SET_MODE(DAWR) sets breakpoints;
 *   hcall-splpar     registers a dispatch trace log and accounts stolen
 *                    time (H_REGISTER_VPA, which KVM handles);
 *   hcall-dabr       breakpoints through H_SET_DABR (KVM handles it) on
 *                    CPUs without a usable DAWR, such as early POWER9;
 *   hcall-bulk       H_BULK_REMOVE, hash page tables only;
 *   hcall-tce, hcall-multi-tce   IOMMU setup for DMA windows, and there is
 *                    no PCI or DMA-capable VIO device here;
 *   hcall-vio        read only by the ibmvscsi/ibmvfc drivers;
 *   hcall-pft, hcall-interrupt, hcall-sprg0, hcall-copy, hcall-debug set
 *                    feature bits that no 6.1 code tests, and hcall-term and
 *                    hcall-join are not in Linux's table at all.
 * The inert names stay: PAPR platforms list them, other guests and tools
 * reading /proc/device-tree may look, and none makes Linux call anything.
 */
static const char hypertas_functions[] =
	"hcall-pft\0hcall-term\0hcall-dabr\0hcall-interrupt\0hcall-tce\0"
	"hcall-vio\0hcall-splpar\0hcall-bulk\0hcall-set-mode\0hcall-sprg0\0"
	"hcall-copy\0hcall-debug\0hcall-join\0hcall-multi-tce";

static void fdt_root(struct fdt_writer *w)
{
	/* pSeries_probe() accepts the machine only for device_type "chrp" */
	fdtw_str(w, "device_type", "chrp");
	fdtw_str(w, "model", "IBM pSeries (lkvm)");
	fdtw_str(w, "compatible", "lkvm,pseries");
	fdtw_u32(w, "#address-cells", 2);
	fdtw_u32(w, "#size-cells", 2);
	/*
	 * Linux finds a node's interrupt controller by climbing to the first
	 * ancestor with #interrupt-cells, following interrupt-parent on the
	 * way. Nothing above the devices declares one, so the climb ends here
	 * and this sends every device with interrupts to XICS.
	 */
	fdtw_u32(w, "interrupt-parent", FDT_PHANDLE_XICS);
}

/* "/vdevice/" and a device's node name */
#define STDOUT_PATH_MAX	(sizeof("/vdevice/") + DEVICE_NODE_NAME_MAX)

/* The console /chosen points at: the first device that says it is one. */
static int find_stdout(struct device *dev, void *ctx)
{
	if (!dev->is_stdout || dev->ops->bus != DEVICE_BUS_VDEVICE)
		return 0;
	snprintf(ctx, STDOUT_PATH_MAX, "/vdevice/%s", dev->node_name);
	return 1;
}

static void fdt_chosen(struct fdt_writer *w, const struct pseries *p,
		       const char *bootargs)
{
	const struct memmap_range *initrd = &p->map.initrd;
	uint8_t vec5[OV5_LEN] = { 0 };
	char vty[STDOUT_PATH_MAX] = "";

	/* the early hvc console starts only if stdout names a vty node */
	device_registry__for_each(p->devices, NULL, find_stdout, vty);

	/* the length byte counts the option bytes after it, minus one */
	vec5[0] = OV5_LEN - 2;
	vec5[OV5_XIVE] = 0;
	vec5[OV5_MMU] = OV5_MMU_RADIX;
	/* without GTSE Linux would flush TLBs through H_RPT_INVALIDATE */
	vec5[OV5_RADIX_GTSE] = OV5_RADIX_GTSE_BIT;

	fdtw_begin(w, "chosen");
	fdtw_str(w, "bootargs", bootargs ? bootargs : "");
	if (initrd->size) {
		fdtw_u64(w, "linux,initrd-start", initrd->start);
		fdtw_u64(w, "linux,initrd-end", initrd->start + initrd->size);
	}
	if (vty[0]) {
		fdtw_str(w, "stdout-path", vty);
		fdtw_str(w, "linux,stdout-path", vty);
	}
	fdtw_prop(w, "ibm,architecture-vec-5", vec5, sizeof(vec5));
	if (p->has_rng_seed)
		fdtw_prop(w, "rng-seed", p->rng_seed, sizeof(p->rng_seed));
	fdtw_end(w);
}

/* Only RAM: pmem is found through /ibm,persistent-memory and bound later. */
static void fdt_memory(struct fdt_writer *w, const struct pseries *p)
{
	fdt64_t reg[2] = { cpu_to_fdt64(0), cpu_to_fdt64(p->map.ram_size) };

	fdtw_begin(w, "memory@0");
	fdtw_str(w, "device_type", "memory");
	fdtw_prop(w, "reg", reg, sizeof(reg));
	fdtw_end(w);
}

/*
 * XICS, presented through hcalls (H_XIRR, H_EOI, H_IPI... handled by KVM's
 * in-kernel XICS). icp-hv finds this node by compatible; the source side
 * (ics-rtas) needs no node, only the ibm,get-xive and ibm,set-xive tokens
 * in /rtas. The server ranges are read only by the bare-metal ICP driver
 * but describe the servers honestly.
 */
static void fdt_xics(struct fdt_writer *w, const struct pseries *p)
{
	uint32_t servers[2] = { FDT_BOOT_CPU, p->nr_cpus };

	fdtw_begin(w, "interrupt-controller");
	fdtw_str(w, "device_type", "PowerPC-External-Interrupt-Presentation");
	fdtw_str(w, "compatible", "IBM,ppc-xicp");
	fdtw_empty(w, "interrupt-controller");
	/* interrupt number and sense (bit 0 set: level) */
	fdtw_u32(w, "#interrupt-cells", 2);
	/* no interrupt-map addresses: 0, so they are not taken from / */
	fdtw_u32(w, "#address-cells", 0);
	fdtw_cells(w, "ibm,interrupt-server-ranges", servers, 2);
	fdtw_u32(w, "phandle", FDT_PHANDLE_XICS);
	fdtw_end(w);
}

static void fdt_rtas(struct fdt_writer *w, const struct pseries *p,
		     const struct rtas_service *services)
{
	const struct rtas_service *s;

	/* Linux looks for exactly "rtas" directly under / */
	fdtw_begin(w, "rtas");
	for (s = services; s && s->name; s++)
		fdtw_u32(w, s->name, s->token);
	fdtw_prop(w, "ibm,hypertas-functions", hypertas_functions,
		  sizeof(hypertas_functions));
	/* the blob is already in place: no instantiate-rtas without firmware */
	fdtw_u32(w, "linux,rtas-base", (uint32_t)p->map.rtas.start);
	fdtw_u32(w, "linux,rtas-entry", (uint32_t)p->map.rtas.start);
	fdtw_u32(w, "rtas-size", (uint32_t)p->map.rtas.size);
	fdtw_u32(w, "rtas-error-log-max", RTAS_ERROR_LOG_MAX);
	/* rtasd gives up without it; 1, the slowest rate, has it call
	 * event-scan every 30 s (each time on the next CPU) */
	fdtw_u32(w, "rtas-event-scan-rate", 1);
	/* ibm,os-term returns to the caller: Linux then calls it on panic */
	fdtw_prop(w, "ibm,extended-os-term", NULL, 0);
	/*
	 * No ibm,associativity-reference-points: Linux looks for them here,
	 * and without them runs with NUMA off (see fdt/pmem.c).
	 *
	 * No ibm,lrdr-capacity either. A 6.1 guest takes two things from it:
	 * the end of hot-pluggable memory, used only to size PCI dynamic DMA
	 * windows (no PCI here; memory and pmem hot-plug never look at it,
	 * a pmem region's place comes from H_SCM_BIND_MEM), and the maximum
	 * vCPU count, which would become its possible-CPU mask and add a
	 * warning when booted with nr_cpus= below it. Neither is worth a
	 * second statement of what the cpu nodes already say.
	 */
	fdtw_end(w);
}

/*
 * /event-sources: one child per class of events the platform reports
 * (epow-events, hot-plug-events), whose "interrupts" is its XICS source
 * and sense (0: edge). Linux requests hot-plug-events' interrupt at boot
 * and reads a hot-plug log at each one: ppc/rtas-events.c pulses it only
 * with such a log queued. The node itself is where those interrupts
 * resolve, as PAPR has it: an interrupt controller of two cells whose
 * interrupt-ranges list the sources, one pair {first, count} each. Linux
 * hands such a node to XICS, which takes any controller but a Cell one.
 */
static void fdt_event_sources(struct fdt_writer *w)
{
	uint32_t ranges[2 * RTAS_EVENT_NR_SOURCES], irq[2];
	unsigned int i;

	for (i = 0; i < RTAS_EVENT_NR_SOURCES; i++) {
		ranges[2 * i] = rtas_event_sources[i].irq;
		ranges[2 * i + 1] = 1;	/* one source from there */
	}
	fdtw_begin(w, "event-sources");
	fdtw_empty(w, "interrupt-controller");
	fdtw_u32(w, "#interrupt-cells", 2);
	fdtw_cells(w, "interrupt-ranges", ranges, 2 * RTAS_EVENT_NR_SOURCES);
	for (i = 0; i < RTAS_EVENT_NR_SOURCES; i++) {
		irq[0] = rtas_event_sources[i].irq;
		irq[1] = 0;
		fdtw_begin(w, rtas_event_sources[i].node);
		fdtw_cells(w, "interrupts", irq, 2);
		fdtw_end(w);
	}
	fdtw_end(w);
}

static bool is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/* Refuse what would give the guest a wrong or unusable tree. */
static int fdt_check(const struct pseries *p,
		     const struct rtas_service *services)
{
	const struct cpu_info *ci = &p->cpu_info;
	const struct rtas_service *s, *t;

	if (!p->nr_cpus || p->nr_cpus > LKVM_MAX_CPUS)
		return lkvm__fail(-EINVAL, "device tree: %u vCPUs (1 to %d)",
				  p->nr_cpus, LKVM_MAX_CPUS);
	if (!fdt__cpu_generation(ci->pvr))
		return lkvm__fail(-EINVAL,
				  "device tree: unsupported processor (PVR 0x%08x), need POWER9 or POWER10",
				  ci->pvr);
	/* a 0 would be taken as given: time and the lockup watchdog derive
	 * from them, and cache flushes step by the block size */
	if (!ci->timebase_hz || !ci->clock_hz)
		return lkvm__fail(-EINVAL,
				  "device tree: timebase or clock frequency unknown");
	if (!is_pow2(ci->dcache_block) || !is_pow2(ci->icache_block))
		return lkvm__fail(-EINVAL,
				  "device tree: cache block sizes %u/%u are not powers of 2",
				  ci->dcache_block, ci->icache_block);
	if (!p->map.ram_size)
		return lkvm__fail(-EINVAL, "device tree: no memory map");
	/* rtas-base and rtas-size are single cells */
	if (!p->map.rtas.size || p->map.rtas.size > (1ULL << 32) ||
	    p->map.rtas.start > (1ULL << 32) - p->map.rtas.size)
		return lkvm__fail(-EINVAL, "device tree: RTAS must lie below 4G");

	for (s = services; s && s->name; s++) {
		if (!s->name[0])
			return lkvm__fail(-EINVAL,
					  "device tree: RTAS service without a name");
		/* a property twice in one node is a broken tree */
		for (t = services; t != s; t++)
			if (!strcmp(s->name, t->name))
				return lkvm__fail(-EINVAL,
						  "device tree: RTAS service %s twice",
						  s->name);
	}
	return 0;
}

/*
 * One attempt at the whole tree in @room bytes of @buf: 0, libfdt's error
 * (-FDT_ERR_*, positive room for retrying) in *fdt_err, or a device's own
 * refusal (a negative errno with a message).
 */
static int build_in(const struct pseries *p, const char *bootargs,
		    const struct rtas_service *services, void *buf, int room,
		    int *fdt_err)
{
	struct fdt_writer w = { .fdt = buf };
	int ret;

	w.err = fdt_create(buf, room);
	/* Linux reserves its tree and initrd itself, but not RTAS */
	if (!w.err)
		w.err = fdt_add_reservemap_entry(buf, p->map.rtas.start,
						 p->map.rtas.size);
	if (!w.err)
		w.err = fdt_finish_reservemap(buf);

	fdtw_begin(&w, "");
	fdt_root(&w);
	fdt__pmem_drcs(&w);
	fdt_chosen(&w, p, bootargs);
	fdt_memory(&w, p);
	fdt__cpus(&w, p);
	fdt_xics(&w, p);
	fdt_rtas(&w, p, services);
	ret = fdt__vdevice(&w, p);
	fdt_event_sources(&w);
	if (!ret)
		ret = fdt__pmem(&w, p);
	fdtw_end(&w);

	if (!w.err)
		w.err = fdt_finish(buf);
	*fdt_err = w.err;
	return ret;
}

/*
 * libfdt clears the whole buffer it is given to write a tree into, so a
 * tree of a few KiB is first tried in a small part of the room: clearing
 * all of it would cost a megabyte of stores into fresh guest RAM.
 */
#define FDT_FIRST_TRY	(64 << 10)

int fdt__build(const struct pseries *p, const char *bootargs,
	       const struct rtas_service *services, void *buf, size_t size)
{
	int room, try, err, ret;

	if (!p || !buf)
		return lkvm__fail(-EINVAL, "device tree: no machine or buffer");
	err = fdt_check(p, services);
	if (err)
		return err;

	/* never build more than the guest has room for at map.fdt */
	room = size < MEMMAP_FDT_MAX_SIZE ? (int)size : (int)MEMMAP_FDT_MAX_SIZE;
	try = room < FDT_FIRST_TRY ? room : FDT_FIRST_TRY;
	for (;;) {
		ret = build_in(p, bootargs, services, buf, try, &err);
		if (ret)
			return ret;
		if (err != -FDT_ERR_NOSPACE || try >= room)
			break;
		try = try > room / 2 ? room : try * 2;
	}
	if (err == -FDT_ERR_NOSPACE)
		return lkvm__fail(-ENOSPC, "device tree does not fit in %d bytes",
				  room);
	if (err)
		return lkvm__fail(-EINVAL, "device tree: %s", fdt_strerror(err));

	/* must be one of the boot CPU's ibm,ppc-interrupt-server#s */
	fdt_set_boot_cpuid_phys(buf, FDT_BOOT_CPU);
	return (int)fdt_totalsize(buf);
}
