/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PMEM_BACKING_INTERNAL_H
#define LKVM_PMEM_BACKING_INTERNAL_H

/* Shared by the files of pmem/ only; the rest of lkvm uses lkvm/nvdimm.h. */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "lkvm/nvdimm.h"

/*
 * Decide d->uuid before the backing is touched: uuid= wins, else the
 * record at @record, else a fresh random one. *store says whether the
 * result still has to be recorded (nvdimm_uuid__commit) once the backing
 * is ready. Fails, changing nothing, on an unreadable or corrupt record.
 */
int nvdimm_uuid__resolve(struct nvdimm *d, const char *record, bool *store);

/*
 * Record d->uuid at @record durably, never replacing an existing record.
 * A GUID that only lives in this process fails here (the user is told to
 * pass uuid=); one given by uuid= is recorded as far as possible.
 */
int nvdimm_uuid__commit(struct nvdimm *d, const char *record);

/*
 * The last step of nvdimm__close and nvdimm__discard, once the mapping is
 * gone: unlock and close the backing and clear what pointed into it.
 */
void nvdimm__release(struct nvdimm *d);

/* The backings' flush operations (backing-flush.c), picked by nvdimm__open. */
extern const struct nvdimm_backing_ops nvdimm_file_ops;	/* page cache */
extern const struct nvdimm_backing_ops nvdimm_pmem_ops;	/* real pmem */
extern const struct nvdimm_backing_ops nvdimm_ro_ops;	/* ro: never writes */

/* Undo the mapping nvdimm__open made (munmap for ro, else pmem_unmap). */
void nvdimm__unmap(struct nvdimm *d, void *map, uint64_t len);

#endif
