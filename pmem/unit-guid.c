// SPDX-License-Identifier: GPL-2.0
/*
 * Unit GUIDs. The guest derives the interleave-set cookie in its namespace
 * labels from ibm,unit-guid, so a GUID that changes between runs makes the
 * guest's namespaces vanish. A backing therefore keeps its GUID in a small
 * record file (one line of UUID text) that outlives lkvm:
 *
 *   uuid= given, no record        use it, record it if possible
 *   uuid= given, same record      use it
 *   uuid= given, other record     use uuid= for this run, keep the record
 *   no uuid=, record              use the record
 *   no uuid=, no record           random v4 UUID, must be recorded or fail
 *
 * A record is never replaced: a mistyped uuid= must not destroy the only
 * copy of the GUID the guest's labels were written with. Deleting the
 * record is the explicit way to adopt a new uuid= for good.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkvm/nvdimm.h"
#include "lkvm/uuid.h"
#include "lkvm/util.h"
#include "backing-internal.h"

void nvdimm__real_path(const char *path, char out[PATH_MAX])
{
	char dir[PATH_MAX], base[PATH_MAX], real[PATH_MAX];
	size_t rlen, nlen;
	const char *name;

	if (realpath(path, out))
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	name = basename(base);
	nlen = strlen(name);
	if (realpath(dirname(dir), real)) {
		rlen = strlen(real);
		if (rlen == 1)
			rlen = 0;	/* "/": no second slash */
		if (rlen + nlen + 2 <= PATH_MAX) {
			memcpy(out, real, rlen);
			out[rlen] = '/';
			memcpy(out + rlen + 1, name, nlen + 1);
			return;
		}
	}
	snprintf(out, PATH_MAX, "%s", path);
}

/*
 * A file backing's record sits beside the file itself, not beside a
 * symbolic link to it: however the backing is named, it finds its GUID.
 */
int nvdimm_uuid__record_path(const char *backing, const char *devdax_name,
			     char *out, size_t len)
{
	const char *dir = getenv("LKVM_STATE_DIR");
	char real[PATH_MAX];
	int n;

	if (!dir || !*dir)
		dir = NVDIMM_STATE_DIR;
	if (devdax_name) {
		n = snprintf(out, len, "%s/%s.uuid", dir, devdax_name);
	} else {
		nvdimm__real_path(backing, real);
		n = snprintf(out, len, "%s.uuid", real);
	}
	if (n < 0 || (size_t)n >= len)
		return lkvm__fail(-ENAMETOOLONG,
				  "nvdimm %.200s: the unit GUID record's path is too long",
				  backing);
	return 0;
}

/* 0 with the recorded GUID, -ENOENT if there is no record, else a failure. */
static int record_load(const char *record, uint8_t uuid[NVDIMM_UUID_LEN])
{
	char buf[64];
	struct stat st;
	ssize_t n;
	int fd, err;

	fd = open(record, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return lkvm__fail(-errno, "cannot read the unit GUID record %.200s: %s",
				  record, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return lkvm__fail(-EINVAL, "unit GUID record %.200s is not a regular file",
				  record);
	}
	n = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return lkvm__fail(-err, "cannot read the unit GUID record %.200s: %s",
				  record, strerror(err));
	buf[n] = '\0';
	/* one line; tolerate the CR or blanks an editor may leave */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
			 buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (uuid__parse(buf, uuid) || uuid__is_nil(uuid))
		return lkvm__fail(-EINVAL,
				  "unit GUID record %.200s does not hold one UUID line; fix or remove it",
				  record);
	return 0;
}

/* mkdir -p, for the state directory of device-DAX records. */
static int make_dirs(const char *dir)
{
	char buf[PATH_MAX];
	char *p, c;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			return 0;
	}
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Write the record next to its final name, make it durable, then publish
 * it atomically without replacing anything: a reader sees either no record
 * or a whole one, even after a crash. -EEXIST if a record appeared.
 */
static int record_store(const char *record, const uint8_t uuid[NVDIMM_UUID_LEN])
{
	char tmp[PATH_MAX], buf[PATH_MAX], line[NVDIMM_UUID_STR_LEN + 1];
	const char *dir;
	int fd, ret = 0;
	size_t len;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", record) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	snprintf(buf, sizeof(buf), "%s", record);
	dir = dirname(buf);	/* may return "." rather than edit buf */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* only the state directory may be missing: create it */
		ret = make_dirs(dir);
		if (ret)
			return ret;
		snprintf(tmp, sizeof(tmp), "%s.XXXXXX", record);
		fd = mkostemp(tmp, O_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	uuid__format(uuid, line);
	len = strlen(line);
	line[len++] = '\n';
	/* readable by all: the GUID is no secret, and tools may look at it */
	if (fchmod(fd, 0644) < 0) {
		ret = -errno;
	} else {
		ssize_t n = write(fd, line, len);

		/* a one-line write to a fresh file is short only when broken */
		if (n != (ssize_t)len)
			ret = n < 0 ? -errno : -EIO;
		else if (fsync(fd) < 0)
			ret = -errno;
	}
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && renameat2(AT_FDCWD, tmp, AT_FDCWD, record, RENAME_NOREPLACE) < 0) {
		ret = -errno;
		/* filesystems without RENAME_NOREPLACE: link() also never replaces */
		if (ret == -EINVAL || ret == -ENOSYS || ret == -EOPNOTSUPP)
			ret = link(tmp, record) < 0 ? -errno : 0;
	}
	unlink(tmp);
	if (!ret)
		ret = fsync_dir(dir);
	return ret;
}

int nvdimm_uuid__resolve(struct nvdimm *d, const char *record, bool *store)
{
	const struct nvdimm_config *cfg = &d->cfg;
	uint8_t recorded[NVDIMM_UUID_LEN];
	char want[NVDIMM_UUID_STR_LEN], have[NVDIMM_UUID_STR_LEN];
	int ret;

	*store = false;
	ret = record_load(record, recorded);
	if (ret && ret != -ENOENT && !cfg->has_uuid)
		return ret;
	if (cfg->has_uuid) {
		memcpy(d->uuid, cfg->uuid, NVDIMM_UUID_LEN);
		if (ret == -ENOENT) {
			*store = true;
		} else if (ret) {
			lkvm__warn("warning: %s; using uuid= and leaving it alone",
				   lkvm__last_error());
			lkvm__clear_error();
		} else if (memcmp(recorded, cfg->uuid, NVDIMM_UUID_LEN)) {
			/*
			 * The explicit value wins for this run only; the record
			 * keeps the GUID the guest's labels may be bound to.
			 */
			uuid__format(cfg->uuid, want);
			uuid__format(recorded, have);
			lkvm__warn("warning: nvdimm %s: uuid=%s differs from %s recorded in %s; using uuid= for this run and keeping the record (remove it to adopt uuid=)",
				   cfg->path, want, have, record);
		}
	} else if (!ret) {
		memcpy(d->uuid, recorded, NVDIMM_UUID_LEN);
	} else {
		ret = uuid__generate(d->uuid);
		if (ret)
			return ret;
		*store = true;
	}
	uuid__format(d->uuid, d->uuid_str);
	return 0;
}

int nvdimm_uuid__commit(struct nvdimm *d, const char *record)
{
	uint8_t recorded[NVDIMM_UUID_LEN];
	int ret = record_store(record, d->uuid);

	d->created_record = ret == 0;

	if (ret == -EEXIST && !d->cfg.has_uuid) {
		/*
		 * Another lkvm sharing this read-only backing recorded first:
		 * use its GUID so every user presents the same one.
		 */
		ret = record_load(record, recorded);
		if (!ret) {
			memcpy(d->uuid, recorded, NVDIMM_UUID_LEN);
			uuid__format(d->uuid, d->uuid_str);
		}
		return ret;
	}
	/* uuid= carries the GUID on every run: a record is only a bonus */
	if (ret && d->cfg.has_uuid)
		return 0;
	if (ret)
		return lkvm__fail(ret,
				  "nvdimm %.150s: cannot record its unit GUID in %.150s (%s); pass uuid=UUID to choose one",
				  d->cfg.path, record, strerror(-ret));
	return 0;
}
