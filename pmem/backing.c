// SPDX-License-Identifier: GPL-2.0
/*
 * vNVDIMM backings: open, check, lock and map the file or device-DAX
 * device that holds one vNVDIMM (region first, label area in its last
 * LABEL bytes). backing-flush.c makes what the guest wrote durable.
 *
 * A bad backing is refused before anything is written: a file of another
 * size is never truncated or extended, and only a missing or empty file is
 * allocated. If a later step fails, a file created here is removed again
 * and an empty file is left empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lkvm/limits.h"
#include "lkvm/nvdimm.h"
#include "lkvm/pmem-lib.h"
#include "lkvm/util.h"
#include "backing-internal.h"

/*
 * Is @st a device-DAX character device? 1 with its kernel name ("dax0.0")
 * and usable size from sysfs, 0 for any other character device, negative
 * errno with a message when sysfs does not give the size.
 */
static int devdax_probe(const char *path, const struct stat *st, char *name,
			size_t name_len, uint64_t *size)
{
	char sys[64], link[PATH_MAX], file[96];
	unsigned long long v;
	const char *base;
	ssize_t n;
	FILE *f;
	int ok;

	snprintf(sys, sizeof(sys), "/sys/dev/char/%u:%u",
		 major(st->st_rdev), minor(st->st_rdev));
	snprintf(file, sizeof(file), "%s/subsystem", sys);
	n = readlink(file, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	base = strrchr(link, '/');
	if (strcmp(base ? base + 1 : link, "dax"))
		return 0;
	n = readlink(sys, link, sizeof(link) - 1);
	if (n < 0)
		return lkvm__fail(-errno, "%s: cannot resolve %s: %s", path, sys,
				  strerror(errno));
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (strlen(base) >= name_len)
		return lkvm__fail(-ENAMETOOLONG, "%s: device name %.80s is too long",
				  path, base);
	memcpy(name, base, strlen(base) + 1);
	snprintf(file, sizeof(file), "%s/size", sys);
	f = fopen(file, "re");
	if (!f)
		return lkvm__fail(-errno, "%s: cannot read the device-DAX size from %s: %s",
				  path, file, strerror(errno));
	ok = fscanf(f, "%llu", &v) == 1;
	fclose(f);
	if (!ok)
		return lkvm__fail(-EINVAL, "%s: %s does not hold a size", path, file);
	*size = v;
	return 1;
}

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
 * A backing holds exactly SIZE + LABEL bytes; an empty regular file is
 * fine for a writable device (it gets allocated). Nothing is changed.
 */
static int size_check(struct nvdimm *d, uint64_t have)
{
	const struct nvdimm_config *cfg = &d->cfg;
	uint64_t want = cfg->size + cfg->label_size;
	char a[32], b[32];

	format_size(cfg->size, a, sizeof(a));
	format_size(cfg->label_size, b, sizeof(b));
	if (!have && !d->is_devdax && cfg->readonly)
		return lkvm__fail(-EINVAL,
				  "%s is empty; a read-only backing must already hold %llu bytes (%s + %s)",
				  cfg->path, (unsigned long long)want, a, b);
	if ((have || d->is_devdax) && have != want)
		return lkvm__fail(-EINVAL, "%s%s is %llu bytes, expected %llu (%s + %s)",
				  cfg->path, d->is_devdax ? " (device DAX)" : "",
				  (unsigned long long)have,
				  (unsigned long long)want, a, b);
	return 0;
}

/*
 * What PATH is, before anything is opened: *exists, and for device DAX its
 * name and size. A regular file of the wrong size is refused right here.
 */
static int classify_backing(struct nvdimm *d, struct stat *st, bool *exists,
			    char *devname, size_t devname_len, uint64_t *devsize)
{
	const struct nvdimm_config *cfg = &d->cfg;
	const char *path = cfg->path;
	uint64_t want = cfg->size + cfg->label_size;
	int ret;

	*exists = false;
	if (stat(path, st) < 0) {
		if (errno != ENOENT)
			return lkvm__fail(-errno, "cannot access %s: %s", path,
					  strerror(errno));
		if (!lstat(path, st))
			return lkvm__fail(-ENOENT, "%s is a dangling symbolic link", path);
		if (cfg->readonly)
			return lkvm__fail(-ENOENT,
					  "%s does not exist (a read-only backing must already hold SIZE + LABEL bytes)",
					  path);
		return 0;
	}
	*exists = true;
	if (S_ISDIR(st->st_mode))
		return lkvm__fail(-EISDIR,
				  "%s is a directory, not a backing file or device-DAX device",
				  path);
	if (S_ISREG(st->st_mode))
		return size_check(d, st->st_size);
	if (!S_ISCHR(st->st_mode))
		return lkvm__fail(-EINVAL, "%s is not a regular file or device-DAX device",
				  path);
	ret = devdax_probe(path, st, devname, devname_len, devsize);
	if (ret < 0)
		return ret;
	if (!ret)
		return lkvm__fail(-ENODEV, "%s is a character device but not device DAX",
				  path);
	/* device DAX refuses private mappings */
	if (cfg->readonly)
		return lkvm__fail(-EINVAL, "%s: ro is not supported on device DAX", path);
	d->is_devdax = true;
	if (*devsize != want)
		return size_check(d, *devsize);
	return 0;
}

/*
 * Open (or create) and lock the backing classified above; the file is not
 * changed. Returns the fd, or a negative errno with a message.
 */
static int open_backing(struct nvdimm *d, const struct stat *st, bool exists,
			bool *created)
{
	const struct nvdimm_config *cfg = &d->cfg;
	const char *path = cfg->path;
	struct stat fst = { 0 };
	int fd, ret, fl;

	*created = false;
	if (!exists) {
		/* the guest's memory: readable by its owner only */
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return lkvm__fail(-errno, "cannot create %s: %s", path,
					  strerror(errno));
		*created = true;
	} else {
		/* O_NONBLOCK: should PATH turn into a FIFO now, do not hang */
		fd = open(path, (cfg->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC |
			  O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			return lkvm__fail(-errno, "cannot open %s %s: %s", path,
					  cfg->readonly ? "for reading" : "for reading and writing",
					  strerror(errno));
	}
	if (fstat(fd, &fst) < 0 ||
	    (exists && (fst.st_dev != st->st_dev || fst.st_ino != st->st_ino ||
			(fst.st_mode & S_IFMT) != (st->st_mode & S_IFMT)))) {
		ret = lkvm__fail(-EAGAIN, "%s changed while it was being opened", path);
		goto fail;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		ret = lkvm__fail(-errno, "cannot set up %s: %s", path, strerror(errno));
		goto fail;
	}
	/*
	 * flock, not fcntl locks: it belongs to this open file, so libpmem
	 * opening and closing the file again cannot drop it, and a second
	 * open in this same process conflicts like another lkvm would.
	 */
	if (flock(fd, (cfg->readonly ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			ret = lkvm__fail(-EBUSY, "%s is in use by another lkvm (locked)",
					 path);
			/* whoever holds the lock now owns the file we made */
			*created = false;
		} else {
			ret = lkvm__fail(-errno, "cannot lock %s: %s", path,
					 strerror(errno));
		}
		goto fail;
	}
	return fd;
fail:
	if (*created)
		remove_created(path, &fst);
	*created = false;
	close(fd);
	return ret;
}

int nvdimm__open(struct nvdimm *d, const struct nvdimm_config *cfg,
		 unsigned int slot)
{
	const char *path = cfg->path;
	char record[PATH_MAX], devname[64], fdpath[32];
	bool exists, created = false, allocated = false, store = false;
	uint64_t want, have = 0;
	struct stat st = { 0 };
	size_t mapped = 0;
	void *map = NULL;
	int fd = -1, ret, is_pmem = 0;

	nvdimm__init(d, slot);
	if (slot >= LKVM_MAX_NVDIMMS)
		return lkvm__fail(-EINVAL, "nvdimm slot %u: at most %d devices",
				  slot, LKVM_MAX_NVDIMMS);
	ret = nvdimm_config__validate(cfg);
	if (ret)
		return ret;
	d->cfg = *cfg;
	want = cfg->size + cfg->label_size;

	/* every check that needs no open file, then the GUID, then the file */
	ret = classify_backing(d, &st, &exists, devname, sizeof(devname), &have);
	if (!ret)
		ret = nvdimm_uuid__record_path(path, d->is_devdax ? devname : NULL,
					       record, sizeof(record));
	if (!ret)
		ret = nvdimm_uuid__resolve(d, record, &store);
	if (ret)
		goto fail;
	fd = open_backing(d, &st, exists, &created);
	if (fd < 0) {
		ret = fd;
		goto fail;
	}
	/* the lock is held: from here on no other lkvm resizes the file */
	if (fstat(fd, &st) < 0) {
		ret = lkvm__fail(-errno, "cannot stat %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!d->is_devdax) {
		have = st.st_size;
		ret = size_check(d, have);
		if (ret)
			goto fail;
	}

	if (!have) {
		/*
		 * Reserve the blocks now: a full disk must not surface as a
		 * guest write fault or a failed flush later.
		 */
		allocated = true;
		ret = posix_fallocate(fd, 0, want);
		if (ret) {
			ret = lkvm__fail(-ret, "cannot allocate %llu bytes for %s: %s",
					 (unsigned long long)want, path, strerror(ret));
			goto fail;
		}
		ret = sync_new_backing(fd, path, created);
		if (ret) {
			ret = lkvm__fail(ret, "cannot sync the new backing %s: %s",
					 path, strerror(-ret));
			goto fail;
		}
	}

	if (cfg->readonly) {
		/*
		 * Shared and read-only: every guest on the image reads the
		 * same page-cache pages, and nothing the guest does can copy
		 * a page into host memory or change the file. A guest that
		 * ignores "unarmed" and stores into the region makes KVM_RUN
		 * fail with EFAULT (KVM on POWER has no read-only slots to
		 * reflect the fault instead), which stops that guest only.
		 */
		map = mmap(NULL, want, PROT_READ, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED) {
			map = NULL;
			ret = lkvm__fail(-errno, "cannot map %s: %s", path,
					 strerror(errno));
			goto fail;
		}
	} else {
		/*
		 * libpmem takes a path and opens it again; naming our fd
		 * through /proc makes it map exactly the file checked and
		 * locked above, even if PATH was renamed meanwhile. It tries
		 * MAP_SYNC and tells whether the mapping is real pmem.
		 */
		const struct pmem_lib *pm = pmem_lib__get();

		if (!pm) {
			ret = -ENOENT;
			goto fail;
		}
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		map = pm->map_file(fdpath, 0, 0, 0, &mapped, &is_pmem);
		if (!map) {
			ret = lkvm__fail(errno ? -errno : -EIO, "cannot map %s: %s",
					 path, pm->errormsg());
			goto fail;
		}
		if (mapped != want) {
			ret = lkvm__fail(-EINVAL, "%s changed size to %zu bytes while being mapped",
					 path, mapped);
			goto fail;
		}
	}

	if (store) {
		ret = nvdimm_uuid__commit(d, record);
		if (ret)
			goto fail;
	}

	d->fd = fd;
	d->is_pmem = !cfg->readonly && is_pmem;
	d->needs_flush_hcall = !d->is_pmem;
	d->map = map;
	d->map_len = want;
	d->data = map;
	d->label = (uint8_t *)map + cfg->size;
	d->ops = cfg->readonly ? &nvdimm_ro_ops :
		 d->is_pmem ? &nvdimm_pmem_ops : &nvdimm_file_ops;
	d->attach_time_ns = lkvm__now_ns();
	d->created_backing = created;
	d->created_dev = st.st_dev;
	d->created_ino = st.st_ino;
	d->allocated = allocated && !created;
	snprintf(d->record, sizeof(d->record), "%s", record);
	if (d->ops == &nvdimm_file_ops) {
		ret = nvdimm__start_label_flusher(d);
		if (ret) {
			nvdimm__close(d);
			return ret;
		}
	}
	return 0;

fail:
	if (map)
		nvdimm__unmap(d, map, want);
	if (created) {
		remove_created(path, &st);
	} else if (allocated && ftruncate(fd, 0) < 0) {
		fprintf(stderr, "lkvm: warning: could not empty %s again: %s\n",
			path, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	d->fd = -1;
	d->is_devdax = false;
	return ret;
}

void nvdimm__discard(struct nvdimm *d)
{
	struct stat ours = { .st_dev = d->created_dev, .st_ino = d->created_ino };

	if (!d->map || d->fd < 0)
		return;
	nvdimm__stop_label_flusher(d);
	nvdimm__unmap(d, d->map, d->map_len);
	if (d->created_backing)
		remove_created(d->cfg.path, &ours);
	else if (d->allocated && ftruncate(d->fd, 0) < 0)
		lkvm__fail(-errno, "could not empty %s again", d->cfg.path);
	if (d->created_record)
		unlink(d->record);
	nvdimm__release(d);
}
