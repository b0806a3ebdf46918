/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_DEVICES_SCM_INTERNAL_H
#define LKVM_DEVICES_SCM_INTERNAL_H

/* Shared by devices/scm-*.c only: the SCM hcalls behind the dispatcher. */

#include <stdint.h>

#include "lkvm/nvdimm.h"

struct pseries;

/*
 * One SCM hcall on the vNVDIMM @d that args[0] names, already looked up
 * (and pinned) by the dispatcher, which answers H_PARAMETER for a DRC
 * index that names no vNVDIMM. Registers as for any hcall handler.
 */
typedef long (*scm_fn)(struct pseries *p, struct nvdimm *d, uint64_t *args);

long scm_read_metadata(struct pseries *p, struct nvdimm *d, uint64_t *args);
long scm_write_metadata(struct pseries *p, struct nvdimm *d, uint64_t *args);
long scm_bind_mem(struct pseries *p, struct nvdimm *d, uint64_t *args);
long scm_unbind_mem(struct pseries *p, struct nvdimm *d, uint64_t *args);
long scm_query_block_mem_binding(struct pseries *p, struct nvdimm *d,
				 uint64_t *args);
long scm_query_logical_mem_binding(struct pseries *p, struct nvdimm *d,
				   uint64_t *args);
long scm_health(struct pseries *p, struct nvdimm *d, uint64_t *args);
long scm_performance_stats(struct pseries *p, struct nvdimm *d,
			   uint64_t *args);
long scm_flush(struct pseries *p, struct nvdimm *d, uint64_t *args);
/* @d is NULL: its DRC index is not the first argument (see the handler) */
long scm_unbind_all(struct pseries *p, struct nvdimm *d, uint64_t *args);

/* The vNVDIMM with DRC index @drc, pinned (scm__put it back), or NULL. */
struct nvdimm *scm__get(struct pseries *p, uint64_t drc);
void scm__put(struct pseries *p, struct nvdimm *d);

#endif
