/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_FDT_H
#define LKVM_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lkvm/limits.h"

struct device;
struct fdt_writer;	/* a tree being written (fdt/fdt-internal.h) */
struct pseries;
struct rtas_service;

/*
 * Build the pseries device tree for @p (memory map, CPUs, and every device
 * of p->devices under its bus node) with @bootargs and one /rtas token
 * property per entry of @services (terminated by a NULL name) into @buf.
 * Returns the blob size or a negative errno with the message in
 * lkvm__last_error().
 */
int fdt__build(const struct pseries *p, const char *bootargs,
	       const struct rtas_service *services, void *buf, size_t size);

/*
 * A tree holding only @dev's node, under the root: what the guest gets
 * node by node from ibm,configure-connector when the device is plugged in.
 * Returns the blob size or a negative errno with a message.
 */
int fdt__build_node(const struct device *dev, void *buf, size_t size);

/*
 * The plain descriptions devices write their nodes from. fdt/ knows the
 * PAPR layout of a node; the device knows its own state.
 */
#define FDT_PMEM_DRC_BASE	LKVM_PMEM_DRC_BASE	/* DRC index = base | slot */
#define FDT_PMEM_BLOCK_SIZE	LKVM_PMEM_BLOCK_SIZE	/* ibm,block-size */

struct fdt_pmem {
	uint32_t drc_index;
	uint64_t size;		/* guest-visible bytes, whole blocks */
	uint64_t label_size;
	const char *uuid_str;	/* the unit GUID, 36 characters */
	bool flush_required;	/* stores are durable only after H_SCM_FLUSH */
};

/* An ibm,pmemory node @name: 0, or -EINVAL with a message for a bad one. */
int fdt__pmem_node(struct fdt_writer *w, const char *name,
		   const struct fdt_pmem *pm);

/* An hvterm vty node @name whose terminal number is @reg. */
int fdt__vty_node(struct fdt_writer *w, const char *name, uint32_t reg);

#endif
