/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by ppc/drc.c and ppc/drc-connector.c; the API is lkvm/drc.h. */
#ifndef LKVM_DRC_INTERNAL_H
#define LKVM_DRC_INTERNAL_H

#include <stdint.h>

#include "lkvm/drc.h"

/* The connector the guest names @index, or NULL; the caller holds the lock. */
struct drc *drc__find(struct drc_table *t, uint32_t index);

/* Tell the VM side the guest moved a connector (pseries_ops.drc_changed). */
void drc__notify(struct pseries *p);

/* The next configure-connector walk starts at the node again. */
static inline void drc__rewind(struct drc *d)
{
	d->cc_offset = 0;
	d->cc_depth = 0;
}

#endif
