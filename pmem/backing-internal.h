/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PMEM_BACKING_INTERNAL_H
#define LKVM_PMEM_BACKING_INTERNAL_H

/* Shared by the files of pmem/ only; the rest of lkvm uses lkvm/nvdimm.h. */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "lkvm/nvdimm.h"

/* What a backing's path is, found before anything is opened. */
struct nvdimm_probe {
	struct stat st;		/* the path as it was looked at */
	bool exists;
	char devname[64];	/* device DAX: its kernel name ("dax0.0") */
	uint64_t size;		/* device DAX: its size from sysfs */
};

/*
 * Classify d->cfg.path without opening it (backing-classify.c): missing
 * or an empty regular file (both only without ro), a regular file of the
 * right size, or a device-DAX device of the right size (sets
 * d->is_devdax). Anything else is refused with a message; nothing changes.
 */
int nvdimm_backing__classify(struct nvdimm *d, struct nvdimm_probe *probe);

/*
 * A backing holds exactly SIZE + LABEL bytes; an empty regular file is
 * fine for a writable device (it gets allocated). Nothing is changed.
 */
int nvdimm_backing__check_size(struct nvdimm *d, uint64_t have);

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
 * The last step of nvdimm__close, nvdimm__discard and a failed
 * nvdimm__open, once the mapping is gone: unlock and close the backing (if
 * open) and clear what pointed into it.
 */
void nvdimm__release(struct nvdimm *d);

/* The backings' flush operations (backing-flush.c), picked by nvdimm__open. */
extern const struct nvdimm_backing_ops nvdimm_file_ops;	/* page cache */
extern const struct nvdimm_backing_ops nvdimm_pmem_ops;	/* real pmem */
extern const struct nvdimm_backing_ops nvdimm_ro_ops;	/* ro: never writes */

/* Undo the mapping nvdimm__open made (munmap for ro, else pmem_unmap). */
void nvdimm__unmap(struct nvdimm *d, void *map, uint64_t len);

#endif
