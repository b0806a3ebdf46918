/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_SCM_H
#define LKVM_SCM_H

#include <stdint.h>

#include "lkvm/nvdimm.h"

struct pseries;

/*
 * The PAPR SCM hcalls (devices/scm-*.c) through which the guest's papr_scm
 * driver binds, labels, queries and flushes a vNVDIMM.
 */

/* H_SCM_UNBIND_ALL scopes */
#define H_UNBIND_SCOPE_ALL	1
#define H_UNBIND_SCOPE_DRC	2

/* H_SCM_BIND_MEM target address meaning "wherever the device is" */
#define SCM_BIND_ANY_ADDR	UINT64_MAX

/*
 * H_SCM_PERFORMANCE_STATS buffer, all big-endian: 8-byte eye-catcher,
 * u32 version, u32 number of entries, then entries of an 8-byte ASCII id
 * (space padded) and a u64 value.
 */
#define SCM_STATS_EYECATCHER	"SCMSTATS"
#define SCM_STATS_VERSION	1
#define SCM_STATS_HDR_SIZE	16
#define SCM_STATS_ENTRY_SIZE	16
/*
 * The most entries one call may name (H_P3 beyond): a few times the
 * statistics there are, so that repeats are fine but one hcall cannot keep
 * a vCPU (and a stop) busy for seconds with 2^32 lookups.
 */
#define SCM_STATS_MAX_REQUEST	64
#define SCM_STAT_ID_LEN		8

/* The H_SCM_HEALTH bits lkvm can report, returned as the valid mask. */
#define SCM_HEALTH_VALID_MASK	(NVDIMM_HEALTH_UNARMED | \
				 NVDIMM_HEALTH_SHUTDOWN_DIRTY)

/* The vNVDIMM kind's device operations (devices/nvdimm-device.c). */
extern const struct device_ops nvdimm_device_ops;

static inline struct nvdimm *nvdimm__of(struct device *dev)
{
	return container_of(dev, struct nvdimm, dev);
}

/*
 * An opened vNVDIMM becomes a device of the machine: kind, index (its DRC
 * index) and device-tree node name. Then it can be registered.
 */
void nvdimm__as_device(struct nvdimm *d);

/* nvdimm__init_backing and nvdimm__as_device: how tests build devices. */
void nvdimm__init(struct nvdimm *d, unsigned int slot);

/*
 * The vNVDIMM kind serves the SCM hcalls (one dispatcher for the family).
 * Once, at program start: 0 or a negative errno with a message.
 */
int scm__register(void);

/*
 * How many H_SCM_FLUSH calls are inside the flush of @d right now, either
 * running the backing flush or waiting for one to serve them. For tests
 * and diagnostics: the answer may be stale as soon as it is returned.
 */
unsigned int scm__flush_waiters(struct nvdimm *d);

#endif
