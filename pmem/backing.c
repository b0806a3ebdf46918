// SPDX-License-Identifier: GPL-2.0
/*
 * vNVDIMM backings: open, check, lock and map the file or device-DAX
 * device that holds one vNVDIMM (region first, label area in its last
 * LABEL bytes). backing-flush.c makes what the guest wrote durable.
 *
 * A bad backing is refused before anything is written: a file of another
 * size is never truncated or extended, and only a missing or empty file is
 * allocated. Each step of nvdimm__open records in struct nvdimm what it
 * did to the host; if a later step fails, undo_open takes all of it back:
 * a file created here is removed again, an empty file is left empty, a
 * new GUID record is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkvm/limits.h"
#include "lkvm/nvdimm.h"
#include "lkvm/pmem-lib.h"
#include "lkvm/util.h"
#include "backing-internal.h"

/* Make a new backing's size and its directory entry durable. */
static int sync_new_backing(int fd, const char *path, bool created)
{
	char dir[PATH_MAX];
	int dfd, ret = 0;

	if (fsync(fd) < 0)
		return -errno;
	if (!created)
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (fsync(dfd) < 0)
		ret = -errno;
	close(dfd);
	return ret;
}

/* Remove the file we created, unless PATH no longer names it. */
static void remove_created(const char *path, const struct stat *ours)
{
	struct stat st;

	if (!lstat(path, &st) && st.st_dev == ours->st_dev &&
	    st.st_ino == ours->st_ino)
		unlink(path);
}

/*
 * The checks that need no open file, in order: the slot, the
 * configuration, what the path is and the size of a file that exists.
 */
static int check_request(struct nvdimm *d, const struct nvdimm_config *cfg,
			 unsigned int slot, struct nvdimm_probe *probe)
{
	int ret;

	if (slot >= LKVM_MAX_NVDIMMS)
		return lkvm__fail(-EINVAL, "nvdimm slot %u: at most %d devices",
				  slot, LKVM_MAX_NVDIMMS);
	ret = nvdimm_config__validate(cfg);
	if (ret)
		return ret;
	d->cfg = *cfg;
	return nvdimm_backing__classify(d, probe);
}

/*
 * Decide the unit GUID before the backing is touched: a corrupt record
 * stops the open while nothing has been created yet. *store: it still has
 * to be recorded, once the backing is ready.
 */
static int settle_guid(struct nvdimm *d, const struct nvdimm_probe *probe,
		       bool *store)
{
	int ret;

	ret = nvdimm_uuid__record_path(d->cfg.path,
				       d->is_devdax ? probe->devname : NULL,
				       d->record, sizeof(d->record));
	if (ret)
		return ret;
	return nvdimm_uuid__resolve(d, d->record, store);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       (a->st_mode & S_IFMT) == (b->st_mode & S_IFMT);
}

/*
 * Open (or create) and lock the backing classified above; the file is not
 * changed. Sets d->fd, and d->created_backing for a file made here.
 */
static int open_backing(struct nvdimm *d, const struct nvdimm_probe *probe)
{
	const struct nvdimm_config *cfg = &d->cfg;
	const char *path = cfg->path;
	struct stat fst;
	int fl;

	if (!probe->exists) {
		/* the guest's memory: readable by its owner only */
		d->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (d->fd < 0)
			return lkvm__fail(-errno, "cannot create %s: %s", path,
					  strerror(errno));
	} else {
		/* O_NONBLOCK: should PATH turn into a FIFO now, do not hang */
		d->fd = open(path, (cfg->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC |
			     O_NOCTTY | O_NONBLOCK);
		if (d->fd < 0)
			return lkvm__fail(-errno, "cannot open %s %s: %s", path,
					  cfg->readonly ? "for reading" : "for reading and writing",
					  strerror(errno));
	}
	if (fstat(d->fd, &fst) < 0 ||
	    (probe->exists && !same_file(&fst, &probe->st)))
		return lkvm__fail(-EAGAIN, "%s changed while it was being opened", path);
	if (!probe->exists) {
		/* by its identity: the name may be taken by another file later */
		d->created_backing = true;
		d->created_dev = fst.st_dev;
		d->created_ino = fst.st_ino;
	}
	fl = fcntl(d->fd, F_GETFL);
	if (fl < 0 || fcntl(d->fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return lkvm__fail(-errno, "cannot set up %s: %s", path, strerror(errno));
	/*
	 * flock, not fcntl locks: it belongs to this open file, so libpmem
	 * opening and closing the file again cannot drop it, and a second
	 * open in this same process conflicts like another lkvm would.
	 */
	if (flock(d->fd, (cfg->readonly ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK)
			return lkvm__fail(-errno, "cannot lock %s: %s", path,
					  strerror(errno));
		/* whoever holds the lock now owns the file we made */
		d->created_backing = false;
		return lkvm__fail(-EBUSY, "%s is in use by another lkvm (locked)",
				  path);
	}
	return 0;
}

/*
 * With the lock held (no other lkvm resizes the file now): check the size
 * again and give an empty file its blocks. Sets d->allocated.
 */
static int size_backing(struct nvdimm *d, const struct nvdimm_probe *probe)
{
	const char *path = d->cfg.path;
	uint64_t want = d->cfg.size + d->cfg.label_size;
	uint64_t have = probe->size;
	struct stat st;
	int ret;

	if (fstat(d->fd, &st) < 0)
		return lkvm__fail(-errno, "cannot stat %s: %s", path, strerror(errno));
	if (!d->is_devdax) {
		have = st.st_size;
		ret = nvdimm_backing__check_size(d, have);
		if (ret)
			return ret;
	}
	if (have)
		return 0;
	/*
	 * Reserve the blocks now: a full disk must not surface as a guest
	 * write fault or a failed flush later. From here a file that was
	 * empty is emptied again on failure (one made here is removed).
	 */
	d->allocated = !d->created_backing;
	ret = posix_fallocate(d->fd, 0, want);
	if (ret)
		return lkvm__fail(-ret, "cannot allocate %llu bytes for %s: %s",
				  (unsigned long long)want, path, strerror(ret));
	ret = sync_new_backing(d->fd, path, d->created_backing);
	if (ret)
		return lkvm__fail(ret, "cannot sync the new backing %s: %s",
				  path, strerror(-ret));
	return 0;
}

/*
 * Map the whole backing: d->map and d->map_len. *is_pmem: libpmem found
 * real pmem (stores persist without a flush).
 */
static int map_backing(struct nvdimm *d, int *is_pmem)
{
	const struct nvdimm_config *cfg = &d->cfg;
	uint64_t want = cfg->size + cfg->label_size;
	const struct pmem_lib *pm;
	char fdpath[32];
	size_t mapped = 0;
	void *map;

	*is_pmem = 0;
	if (cfg->readonly) {
		/*
		 * Shared and read-only: every guest on the image reads the
		 * same page-cache pages, and nothing the guest does can copy
		 * a page into host memory or change the file. A guest that
		 * ignores "unarmed" and stores into the region makes KVM_RUN
		 * fail with EFAULT (KVM on POWER has no read-only slots to
		 * reflect the fault instead), which stops that guest only.
		 */
		map = mmap(NULL, want, PROT_READ, MAP_SHARED, d->fd, 0);
		if (map == MAP_FAILED)
			return lkvm__fail(-errno, "cannot map %s: %s", cfg->path,
					  strerror(errno));
		d->map = map;
		d->map_len = want;
		return 0;
	}
	/*
	 * libpmem takes a path and opens it again; naming our fd through
	 * /proc makes it map exactly the file checked and locked above, even
	 * if PATH was renamed meanwhile. It tries MAP_SYNC and tells whether
	 * the mapping is real pmem.
	 */
	pm = pmem_lib__get();
	if (!pm)
		return -ENOENT;
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", d->fd);
	map = pm->map_file(fdpath, 0, 0, 0, &mapped, is_pmem);
	if (!map)
		return lkvm__fail(errno ? -errno : -EIO, "cannot map %s: %s",
				  cfg->path, pm->errormsg());
	/* what libpmem mapped is unmapped whole, whatever its size */
	d->map = map;
	d->map_len = mapped;
	if (mapped != want)
		return lkvm__fail(-EINVAL, "%s changed size to %zu bytes while being mapped",
				  cfg->path, mapped);
	return 0;
}

/*
 * The backing is ready: pick how it is made durable, and start the label
 * flusher a page-cache backing needs.
 */
static int go_live(struct nvdimm *d, int is_pmem)
{
	const struct nvdimm_config *cfg = &d->cfg;

	d->is_pmem = !cfg->readonly && is_pmem;
	d->needs_flush_hcall = !d->is_pmem;
	d->data = d->map;
	d->label = d->map + cfg->size;
	d->ops = cfg->readonly ? &nvdimm_ro_ops :
		 d->is_pmem ? &nvdimm_pmem_ops : &nvdimm_file_ops;
	d->attach_time_ns = lkvm__now_ns();
	if (d->ops == &nvdimm_file_ops)
		return nvdimm__start_label_flusher(d);
	return 0;
}

/*
 * Take back, in the reverse order of nvdimm__open's steps, whatever @d
 * records that they did: the label flusher, a new GUID record, the
 * mapping, the blocks given to an empty file or a file made here; then
 * unlock and close. The failure path of nvdimm__open, and nvdimm__discard.
 */
static void undo_open(struct nvdimm *d)
{
	struct stat ours = { .st_dev = d->created_dev, .st_ino = d->created_ino };

	nvdimm__stop_label_flusher(d);
	if (d->created_record)
		unlink(d->record);
	if (d->map)
		nvdimm__unmap(d, d->map, d->map_len);
	if (d->created_backing)
		remove_created(d->cfg.path, &ours);
	else if (d->allocated && ftruncate(d->fd, 0) < 0)
		lkvm__warn("warning: could not empty %s again: %s", d->cfg.path,
			   strerror(errno));
	d->created_record = false;
	d->created_backing = false;
	d->allocated = false;
	d->is_devdax = false;
	nvdimm__release(d);
}

int nvdimm__open(struct nvdimm *d, const struct nvdimm_config *cfg,
		 unsigned int slot)
{
	struct nvdimm_probe probe;
	bool store_guid = false;
	int ret, is_pmem = 0;

	nvdimm__init_backing(d, slot);
	/* every check that needs no open file, then the GUID, then the file */
	ret = check_request(d, cfg, slot, &probe);
	if (!ret)
		ret = settle_guid(d, &probe, &store_guid);
	if (!ret)
		ret = open_backing(d, &probe);
	if (!ret)
		ret = size_backing(d, &probe);
	if (!ret)
		ret = map_backing(d, &is_pmem);
	if (!ret && store_guid)
		ret = nvdimm_uuid__commit(d, d->record);
	if (!ret)
		ret = go_live(d, is_pmem);
	if (ret)
		undo_open(d);
	return ret;
}

void nvdimm__discard(struct nvdimm *d)
{
	/* only a successful open leaves both set; undoing clears them */
	if (!d->map || d->fd < 0)
		return;
	undo_open(d);
}

void nvdimm__init_backing(struct nvdimm *d, unsigned int slot)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->label_lock, NULL);
	pthread_mutex_init(&d->flush_merge.lock, NULL);
	pthread_cond_init(&d->flush_merge.finished, NULL);
	d->fd = -1;
	d->slot = slot;
	d->drc_index = NVDIMM_DRC_BASE | slot;
}
