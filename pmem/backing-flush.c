// SPDX-License-Identifier: GPL-2.0
/*
 * Making a vNVDIMM durable, and letting it go. What "durable" takes
 * depends on the backing nvdimm__open found: fdatasync for page-cache
 * files, pmem_persist for real pmem, nothing for a read-only device.
 */
#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lkvm/nvdimm.h"
#include "lkvm/pmem-lib.h"
#include "lkvm/util.h"
#include "backing-internal.h"

/*
 * Page-cache backing. The guest's stores land in the file's own page-cache
 * pages (a MAP_SHARED mapping): Linux marks them dirty at the write fault
 * and write-protects them again when writing them back, so the pages the
 * guest touched are always known dirty to the file. fdatasync() of the file
 * then writes back region and label area and the allocation metadata the
 * data needs; msync(MS_SYNC) of the whole mapping would add nothing, as
 * Linux implements it as a data sync of the same file range.
 *
 * A writeback error is reported once per open file and the failed pages
 * are marked clean: a later fdatasync() could "succeed" with the data gone.
 * So the first failure sticks, for both syncs below.
 */
static int sticky_result(struct nvdimm *d, int sync_ret)
{
	int err = errno;

	if (!sync_ret)
		return 0;
	atomic_store(&d->flush_failed, true);
	return -err;
}

static int file_flush(struct nvdimm *d)
{
	if (atomic_load(&d->flush_failed))
		return -EIO;
	return sticky_result(d, fdatasync(d->fd));
}

/*
 * The label area alone: msync(MS_SYNC) of its range is a ranged data sync
 * (its pages, the metadata they need, the disk cache). Unlike fdatasync it
 * leaves the region's dirty pages to the guest's own flushes: writing them
 * back here would write-protect pages the guest is busy writing (say, the
 * memmap of a namespace it is creating) and make it fault them back in.
 * The label starts at SIZE, a multiple of 256 MiB, so it is page-aligned.
 */
static int file_flush_labels(struct nvdimm *d)
{
	if (atomic_load(&d->flush_failed))
		return -EIO;
	return sticky_result(d, msync(d->label, d->cfg.label_size, MS_SYNC));
}

/*
 * Real pmem (device DAX, or DAX with MAP_SYNC): no flush hcall is offered,
 * the guest writes back its own stores from the CPU caches, and the file
 * system metadata is kept current by MAP_SYNC. What lkvm itself stored is
 * the label area (H_SCM_WRITE_METADATA): persist that.
 */
static int pmem_backing_flush(struct nvdimm *d)
{
	pmem_lib__persist(d->label, d->cfg.label_size);
	return 0;
}

/* ro: the guest's writes live in private pages and must never reach the file. */
static int ro_flush(struct nvdimm *d)
{
	(void)d;
	return 0;
}

const struct nvdimm_backing_ops nvdimm_file_ops = {
	.flush = file_flush, .flush_labels = file_flush_labels,
};
const struct nvdimm_backing_ops nvdimm_pmem_ops = {
	.flush = pmem_backing_flush, .flush_labels = pmem_backing_flush,
};
const struct nvdimm_backing_ops nvdimm_ro_ops = {
	.flush = ro_flush, .flush_labels = ro_flush,
};

void nvdimm__unmap(struct nvdimm *d, void *map, uint64_t len)
{
	/* pmem_map_file mappings are registered with libpmem: unmap there */
	if (d->cfg.readonly)
		munmap(map, len);
	else
		pmem_lib__get()->unmap(map, len);
}

/*
 * A flush lkvm itself wants (at close, or for the label area): the
 * statistics are left to H_SCM_FLUSH, which counts the guest's flushes,
 * but a failure still marks the device, as its data may be lost.
 */
int nvdimm__flush(struct nvdimm *d)
{
	int ret;

	if (!d->ops || !d->ops->flush)
		return lkvm__fail(-EBADF, "nvdimm %u is not open", d->slot);
	ret = d->ops->flush(d);
	if (!ret)
		return 0;
	if (ret > 0)
		ret = -EIO;
	atomic_store(&d->flush_failed, true);
	return lkvm__fail(ret, "flushing %s failed: %s", d->cfg.path,
			  strerror(-ret));
}

void nvdimm__close(struct nvdimm *d)
{
	/* only a successful open leaves both set; closing clears them */
	if (!d->map || d->fd < 0)
		return;
	nvdimm__stop_label_flusher(d);
	if (!d->cfg.readonly && nvdimm__flush(d))
		lkvm__warn("%s; data written since the last good flush may be lost",
			   lkvm__last_error());
	nvdimm__unmap(d, d->map, d->map_len);
	nvdimm__release(d);
}

void nvdimm__release(struct nvdimm *d)
{
	/* a failed open may not have got as far as opening */
	if (d->fd >= 0) {
		flock(d->fd, LOCK_UN);
		close(d->fd);
	}
	d->fd = -1;
	d->map = NULL;
	d->data = NULL;
	d->label = NULL;
	d->map_len = 0;
	d->ops = NULL;
}
