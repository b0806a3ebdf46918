/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICE_H
#define LKVM_DEVICE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct device;
struct fdt_writer;
struct pseries;

/*
 * A device the guest sees, as the machine knows it: what the pseries core
 * (ppc/), the device tree (fdt/) and the boot need, and nothing of how the
 * device works. Each kind (devices/console.c, devices/nvdimm-device.c)
 * embeds a struct device in its own state and registers its hcalls and
 * RTAS services once, at program start; instances are then added to and
 * removed from a machine's registry, at start or while the guest runs.
 */

/* The node of the pseries tree a device's own node goes under. */
enum device_bus {
	DEVICE_BUS_VDEVICE,	/* /vdevice: virtual I/O (the vty) */
	DEVICE_BUS_PMEM,	/* /ibm,persistent-memory: vNVDIMMs */
};

#define DEVICE_NODE_NAME_MAX	48

struct device_ops {
	const char *kind;		/* "vty", "nvdimm": for messages */
	enum device_bus bus;
	/*
	 * Give the device its guest resources in machine @p (a new boot, or
	 * a hot-plug): memory windows, slots. 0 or negative errno with a
	 * message. NULL: nothing to place.
	 */
	int (*attach)(struct device *dev, struct pseries *p);
	/* Take them back (hot-unplug); the guest no longer uses them. */
	void (*detach)(struct device *dev, struct pseries *p);
	/*
	 * Write the device's node (named dev->node_name) into @w, from the
	 * device's plain description. Errors stick in @w (fdt/'s writer) or,
	 * for a device that would give the guest a wrong node, are returned
	 * as a negative errno with a message.
	 */
	int (*fdt_node)(const struct device *dev, struct fdt_writer *w);
};

struct device {
	const struct device_ops *ops;
	/*
	 * How the guest names the device in hcalls: a PMEM DRC index, or a
	 * vty's unit address. The two ranges never meet (0x9... vs 0x3...).
	 */
	uint32_t index;
	char node_name[DEVICE_NODE_NAME_MAX];	/* e.g. "vty@30000000" */
	bool is_stdout;		/* the console /chosen points at */

	/* owned by the registry */
	bool registered;
	unsigned int pins;	/* vCPU handlers using it right now */
};

/*
 * The devices of one VM, kept across guest reboots.
 *
 * Concurrency rule: vCPU threads look devices up by index while the main
 * thread may add or remove them. A lookup pins the device (a reference
 * count taken under the registry's mutex, which is held only for the
 * search); removal unlinks the device at once, so that no new lookup finds
 * it, and then waits until the last pin is dropped. So a handler that got
 * a device may use it until it puts it back, and the remover may free the
 * device as soon as registry__remove() returns. The mutex never covers the
 * work of a handler: a slow flush on one device delays only the removal of
 * that device.
 */
#define DEVICE_REGISTRY_MAX	32

struct device_registry {
	pthread_mutex_t lock;
	pthread_cond_t unpinned;
	unsigned int nr;
	struct device *dev[DEVICE_REGISTRY_MAX];	/* in attach order */
};

void device_registry__init(struct device_registry *r);
void device_registry__destroy(struct device_registry *r);

/* Add @dev: -EEXIST when its index is taken, -ENOSPC when full. */
int device_registry__add(struct device_registry *r, struct device *dev);

/*
 * Unlink @dev (no lookup finds it from now on) and wait for its pins to
 * go. -ENOENT if it is not registered.
 */
int device_registry__remove(struct device_registry *r, struct device *dev);

/*
 * The device the guest names @index (a whole 64-bit register: upper bits
 * name nothing), pinned; NULL if none. @ops, if given, must match too.
 * Every device got must be put back with device_registry__put().
 */
struct device *device_registry__get(struct device_registry *r, uint64_t index,
				    const struct device_ops *ops);
void device_registry__put(struct device_registry *r, struct device *dev);

/*
 * Call @fn for every device (of kind @ops, if given) in attach order, under
 * the registry's lock, until it returns non-zero, which is returned. For
 * the main thread's own walks (boot, device tree); @fn must not call back
 * into the registry.
 */
int device_registry__for_each(struct device_registry *r,
			      const struct device_ops *ops,
			      int (*fn)(struct device *dev, void *ctx), void *ctx);

#endif
