// SPDX-License-Identifier: GPL-2.0
/*
 * The devices' part of the tree: the bus nodes (/vdevice and
 * /ibm,persistent-memory) with every registered device's node under its
 * own bus, the vty node from its plain description, and one device's node
 * on its own for ibm,configure-connector.
 */
#include <errno.h>

#include "lkvm/device.h"
#include "lkvm/fdt.h"
#include "lkvm/memmap.h"
#include "lkvm/pseries.h"
#include "lkvm/util.h"

#include "fdt-internal.h"

/* Writing the devices of one bus under its node; the first error stops. */
struct bus_walk {
	struct fdt_writer *w;
	enum device_bus bus;
};

static int write_node(struct device *dev, void *ctx)
{
	struct bus_walk *walk = ctx;

	if (dev->ops->bus != walk->bus || !dev->ops->fdt_node)
		return 0;
	return dev->ops->fdt_node(dev, walk->w);
}

static int fdt_bus_devices(struct fdt_writer *w, const struct pseries *p,
			   enum device_bus bus)
{
	struct bus_walk walk = { w, bus };

	return device_registry__for_each(p->devices, NULL, write_node, &walk);
}

int fdt__vty_node(struct fdt_writer *w, const char *name, uint32_t reg)
{
	/* no interrupts: the hvc driver polls when the device has none */
	fdtw_begin(w, name);
	fdtw_str(w, "compatible", "hvterm1");
	fdtw_str(w, "device_type", "serial");
	/* the terminal number the guest passes to H_PUT/GET_TERM_CHAR */
	fdtw_u32(w, "reg", reg);
	fdtw_end(w);
	return 0;
}

/*
 * A bus node: the devices under it are addressed by one cell (a vty's
 * terminal number, a vNVDIMM's DRC index) and have no size.
 */
static int bus_node(struct fdt_writer *w, const struct pseries *p,
		    const char *name, const char *compatible, enum device_bus bus)
{
	int ret;

	fdtw_begin(w, name);
	fdtw_str(w, "device_type", name);
	if (compatible)
		fdtw_str(w, "compatible", compatible);
	fdtw_u32(w, "#address-cells", 1);
	fdtw_u32(w, "#size-cells", 0);
	ret = fdt_bus_devices(w, p, bus);
	fdtw_end(w);
	return ret;
}

int fdt__vdevice(struct fdt_writer *w, const struct pseries *p)
{
	return bus_node(w, p, "vdevice", "IBM,vdevice", DEVICE_BUS_VDEVICE);
}

/*
 * The container. Linux probes its children as a platform bus once, at
 * boot, and only follows hot-added ones if it did; so it exists even while
 * empty.
 */
int fdt__pmem(struct fdt_writer *w, const struct pseries *p)
{
	return bus_node(w, p, "ibm,persistent-memory", NULL, DEVICE_BUS_PMEM);
}

int fdt__build_node(const struct device *dev, void *buf, size_t size)
{
	struct fdt_writer w = { .fdt = buf };
	int room = size < MEMMAP_FDT_MAX_SIZE ? (int)size : (int)MEMMAP_FDT_MAX_SIZE;
	int ret = 0;

	if (!dev || !dev->ops->fdt_node || !buf)
		return lkvm__fail(-EINVAL, "device tree: no device node to build");
	w.err = fdt_create(buf, room);
	if (!w.err)
		w.err = fdt_finish_reservemap(buf);
	fdtw_begin(&w, "");
	ret = dev->ops->fdt_node(dev, &w);
	fdtw_end(&w);
	if (!w.err)
		w.err = fdt_finish(buf);
	if (ret)
		return ret;
	if (w.err)
		return lkvm__fail(w.err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL,
				  "device tree node %s: %s", dev->node_name,
				  fdt_strerror(w.err));
	return (int)fdt_totalsize(buf);
}
