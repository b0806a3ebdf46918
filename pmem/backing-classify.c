// SPDX-License-Identifier: GPL-2.0
/*
 * What a vNVDIMM backing's path is, checked before anything is opened or
 * created: a regular file of the right size (or empty, to be allocated),
 * a device-DAX device of the right size, or nothing yet. A regular file of
 * another size is refused here, before nvdimm__open touches anything.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lkvm/nvdimm.h"
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

int nvdimm_backing__check_size(struct nvdimm *d, uint64_t have)
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

int nvdimm_backing__classify(struct nvdimm *d, struct nvdimm_probe *probe)
{
	const struct nvdimm_config *cfg = &d->cfg;
	const char *path = cfg->path;
	uint64_t want = cfg->size + cfg->label_size;
	struct stat *st = &probe->st;
	int ret;

	memset(probe, 0, sizeof(*probe));
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
	probe->exists = true;
	if (S_ISDIR(st->st_mode))
		return lkvm__fail(-EISDIR,
				  "%s is a directory, not a backing file or device-DAX device",
				  path);
	if (S_ISREG(st->st_mode))
		return nvdimm_backing__check_size(d, st->st_size);
	if (!S_ISCHR(st->st_mode))
		return lkvm__fail(-EINVAL, "%s is not a regular file or device-DAX device",
				  path);
	ret = devdax_probe(path, st, probe->devname, sizeof(probe->devname),
			   &probe->size);
	if (ret < 0)
		return ret;
	if (!ret)
		return lkvm__fail(-ENODEV, "%s is a character device but not device DAX",
				  path);
	/* device DAX refuses private mappings */
	if (cfg->readonly)
		return lkvm__fail(-EINVAL, "%s: ro is not supported on device DAX", path);
	d->is_devdax = true;
	if (probe->size != want)
		return nvdimm_backing__check_size(d, probe->size);
	return 0;
}
