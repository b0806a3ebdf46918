// SPDX-License-Identifier: GPL-2.0
/*
 * ibm,configure-connector: the guest reads a plugged device's node one
 * step per call (the node's name, each property, the end of each node) and
 * builds its own copy, which it then attaches under /ibm,persistent-memory.
 * The node is built afresh on each call by fdt__build_node (a device's
 * description does not change while it is plugged); the connector keeps
 * only where the walk stands, so no blob outlives a call.
 */
#include <stdalign.h>
#include <string.h>

#include <libfdt.h>

#include "lkvm/bytes.h"
#include "lkvm/device.h"
#include "lkvm/drc.h"
#include "lkvm/fdt.h"
#include "lkvm/guest-mem.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas.h"

#include "drc-internal.h"

/*
 * Room for a node with a property as big as the work area takes: a bigger
 * one could not be handed over anyway. On the vCPU's stack (256 KiB).
 */
#define DRC_NODE_BLOB_MAX	(2 * DRC_CC_WORK_AREA_SIZE)

/* The room for names and values after the work area's five words. */
#define DRC_CC_ROOM		(DRC_CC_WORK_AREA_SIZE - DRC_CC_DATA_OFF)

/* A node begins: its name (with its unit address), NUL-terminated. */
static int32_t cc_node(uint8_t *wa, const char *name)
{
	size_t n = strlen(name) + 1;

	if (n > DRC_CC_ROOM)
		return RTAS_OUT_HW_ERROR;
	put_be32(wa + DRC_CC_NAME_OFF, DRC_CC_DATA_OFF);
	memcpy(wa + DRC_CC_DATA_OFF, name, n);
	return DRC_CC_NEXT_CHILD;
}

/*
 * A property: its name, and its value right after the name's NUL (where
 * QEMU puts it; the guest goes by the offsets). All of it or nothing.
 */
static int32_t cc_property(uint8_t *wa, const char *name, const void *value,
			   int len)
{
	size_t n = strlen(name) + 1;

	if (len < 0 || n > DRC_CC_ROOM || (size_t)len > DRC_CC_ROOM - n)
		return RTAS_OUT_HW_ERROR;
	put_be32(wa + DRC_CC_NAME_OFF, DRC_CC_DATA_OFF);
	memcpy(wa + DRC_CC_DATA_OFF, name, n);
	put_be32(wa + DRC_CC_PROP_LEN_OFF, (uint32_t)len);
	put_be32(wa + DRC_CC_PROP_VALUE_OFF, (uint32_t)(DRC_CC_DATA_OFF + n));
	memcpy(wa + DRC_CC_DATA_OFF + n, value, (size_t)len);
	return DRC_CC_NEXT_PROPERTY;
}

/*
 * The next step of @d's walk of @blob (a tree with the device's node under
 * its root) into the work area @wa. The root itself is not handed over:
 * the guest puts the node under a parent of its own.
 */
static int32_t cc_step(struct drc *d, const void *blob, uint8_t *wa)
{
	int off = d->cc_offset ? d->cc_offset : fdt_first_subnode(blob, 0);
	const char *name;
	const void *value;
	int next, len;

	for (;;) {
		if (off < 0)
			return RTAS_OUT_HW_ERROR;
		switch (fdt_next_tag(blob, off, &next)) {
		case FDT_NOP:
			off = next;
			continue;
		case FDT_BEGIN_NODE:
			d->cc_offset = next;
			d->cc_depth++;
			name = fdt_get_name(blob, off, NULL);
			return name ? cc_node(wa, name) : RTAS_OUT_HW_ERROR;
		case FDT_PROP:
			d->cc_offset = next;
			value = fdt_getprop_by_offset(blob, off, &name, &len);
			return value ? cc_property(wa, name, value, len) :
				       RTAS_OUT_HW_ERROR;
		case FDT_END_NODE:
			if (!d->cc_depth)
				return RTAS_OUT_HW_ERROR;
			d->cc_offset = next;
			return --d->cc_depth ? DRC_CC_PREV_PARENT : DRC_CC_DONE;
		default:
			/* FDT_END, or a bad offset: the node never closed */
			return RTAS_OUT_HW_ERROR;
		}
	}
}

/* Build the node of the device the guest names @index, and step. */
static int32_t cc_call(struct pseries *p, struct drc *d, uint32_t index,
		       uint8_t *wa)
{
	alignas(8) uint8_t blob[DRC_NODE_BLOB_MAX];
	struct device *dev;
	int size;

	dev = p->devices ? device_registry__get(p->devices, index, NULL) : NULL;
	if (!dev)
		return RTAS_OUT_HW_ERROR;	/* the VM side broke its order */
	size = fdt__build_node(dev, blob, sizeof(blob));
	device_registry__put(p->devices, dev);
	if (size < 0)
		return RTAS_OUT_HW_ERROR;
	return cc_step(d, blob, wa);
}

/* args: the work area's address, low and high 32 bits */
void drc__configure_connector(struct pseries *p, unsigned int cpu,
			      uint32_t nargs, const uint32_t *args,
			      uint32_t nret, uint32_t *rets)
{
	int32_t status = RTAS_OUT_PARAM_ERROR;
	uint8_t *wa;
	struct drc *d;
	uint32_t index;

	(void)cpu;
	if (!rtas__counts(nargs, 2, nret, 1, rets))
		return;
	/* all of it up front, so no answer is ever cut short */
	wa = guest_mem__ptr(&p->mem, args[0] | (uint64_t)args[1] << 32,
			    DRC_CC_WORK_AREA_SIZE, true);
	if (!wa) {
		rets[0] = (uint32_t)status;
		return;
	}
	index = get_be32(wa + DRC_CC_INDEX_OFF);

	pthread_mutex_lock(&p->drcs.lock);
	d = drc__find(&p->drcs, index);
	if (d && d->state != DRC_UNISOLATED && d->state != DRC_CONFIGURED) {
		status = DRC_CC_NOT_CONFIGURABLE;
	} else if (d) {
		status = cc_call(p, d, index, wa);
		if (status == DRC_CC_DONE)
			d->state = DRC_CONFIGURED;
		/* done, or given up: the guest may read the node again */
		if (status == DRC_CC_DONE || status < 0)
			drc__rewind(d);
	}
	pthread_mutex_unlock(&p->drcs.lock);
	rets[0] = (uint32_t)status;
	if (status == DRC_CC_DONE)
		drc__notify(p);
}
