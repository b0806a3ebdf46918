// SPDX-License-Identifier: GPL-2.0
/*
 * --nvdimm PATH,SIZE,LABEL[,uuid=UUID][,ro]: parsing and the checks that
 * need no file (one value at a time), plus the check of the whole set.
 * Nothing here creates or changes a file; a bad value is refused before
 * nvdimm__open ever sees it. The rules themselves are the backing's
 * (pmem/config.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lkvm/config.h"
#include "lkvm/limits.h"
#include "lkvm/nvdimm.h"
#include "lkvm/util.h"

static int parse_one_size(const char *path, const char *what,
			  const char *text, uint64_t *out)
{
	int ret;

	if (!*text)
		return nvdimm_config__fail(-EINVAL, path,
				"empty %s (expected %s)", what, NVDIMM_USAGE);
	ret = parse_size(text, out);
	if (ret == -ERANGE)
		return nvdimm_config__fail(ret, path,
				"%s '%.40s' is too large", what, text);
	if (ret)
		return nvdimm_config__fail(ret, path,
				"%s '%.40s' is not a size (e.g. 256M, 2816M, 128K)", what, text);
	return 0;
}

static int parse_option(const char *path, char *opt, struct nvdimm_config *cfg,
			bool *seen_uuid, bool *seen_ro)
{
	const char *val;

	if (!*opt)
		return nvdimm_config__fail(-EINVAL, path,
				"empty option after LABEL (expected uuid=UUID or ro)");
	if (!strcmp(opt, "ro")) {
		if (*seen_ro)
			return nvdimm_config__fail(-EINVAL, path,
					"'ro' given twice");
		*seen_ro = true;
		cfg->readonly = true;
		return 0;
	}
	if (!strncmp(opt, "ro=", 3))
		return nvdimm_config__fail(-EINVAL, path,
				"'%.40s': ro takes no value", opt);
	if (strncmp(opt, "uuid=", 5))
		return nvdimm_config__fail(-EINVAL, path,
				"unknown option '%.40s' (expected uuid=UUID or ro)", opt);
	if (*seen_uuid)
		return nvdimm_config__fail(-EINVAL, path,
				"uuid= given twice");
	*seen_uuid = true;
	val = opt + 5;
	if (!*val)
		return nvdimm_config__fail(-EINVAL, path,
				"uuid= is empty");
	if (uuid__parse(val, cfg->uuid))
		return nvdimm_config__fail(-EINVAL, path,
				"uuid=%.60s is not a UUID (36 characters: 8-4-4-4-12 hex digits)",
				val);
	if (uuid__is_nil(cfg->uuid))
		return nvdimm_config__fail(-EINVAL, path,
				"uuid=%s is the nil UUID; give a real one", val);
	cfg->has_uuid = true;
	return 0;
}

/*
 * Fields are split at every comma, so a PATH that contains a comma cannot
 * be given: there is no escape syntax (use a symbolic link without one).
 */
int nvdimm_config__parse(const char *arg, struct nvdimm_config *cfg)
{
	bool seen_uuid = false, seen_ro = false;
	char *copy, *rest, *path, *size, *label, *opt;
	int ret = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (!arg || !*arg)
		return lkvm__fail(-EINVAL, "--nvdimm: empty value (expected %s)",
				  NVDIMM_USAGE);
	copy = strdup(arg);
	if (!copy)
		return lkvm__fail(-ENOMEM, "--nvdimm: out of memory");
	rest = copy;
	path = strsep(&rest, ",");
	if (!*path) {
		ret = lkvm__fail(-EINVAL, "--nvdimm '%.100s': empty PATH (expected %s)",
				 arg, NVDIMM_USAGE);
		goto out;
	}
	if (strlen(path) >= sizeof(cfg->path)) {
		ret = lkvm__fail(-ENAMETOOLONG, "--nvdimm %.100s...: PATH is too long (%zu characters)",
				 path, strlen(path));
		goto out;
	}
	size = strsep(&rest, ",");
	if (!size) {
		ret = nvdimm_config__fail(-EINVAL, path,
				"missing SIZE and LABEL (expected %s)", NVDIMM_USAGE);
		goto out;
	}
	label = strsep(&rest, ",");
	if (!label) {
		ret = nvdimm_config__fail(-EINVAL, path,
				"missing LABEL (expected %s)", NVDIMM_USAGE);
		goto out;
	}
	ret = parse_one_size(path, "SIZE", size, &cfg->size);
	if (!ret)
		ret = parse_one_size(path, "LABEL", label, &cfg->label_size);
	if (!ret)
		ret = nvdimm_config__check_sizes(path, cfg->size, size,
						 cfg->label_size, label);
	while (!ret && (opt = strsep(&rest, ",")))
		ret = parse_option(path, opt, cfg, &seen_uuid, &seen_ro);
	if (ret)
		goto out;
	strcpy(cfg->path, path);
	ret = nvdimm_config__validate(cfg);
out:
	free(copy);
	if (ret)
		memset(cfg, 0, sizeof(*cfg));
	return ret;
}

int nvdimm_configs__check(const struct nvdimm_config *cfgs, unsigned int n)
{
	char (*keys)[PATH_MAX];
	struct stat *st;
	bool *exists;
	unsigned int i, j;
	int ret = 0;

	if (n > LKVM_MAX_NVDIMMS)
		return lkvm__fail(-E2BIG, "--nvdimm: at most %d devices (got %u)",
				  LKVM_MAX_NVDIMMS, n);
	if (!n)
		return 0;
	keys = calloc(n, sizeof(*keys));
	st = calloc(n, sizeof(*st));
	exists = calloc(n, sizeof(*exists));
	if (!keys || !st || !exists) {
		ret = lkvm__fail(-ENOMEM, "--nvdimm: out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		nvdimm__real_path(cfgs[i].path, keys[i]);
		exists[i] = stat(cfgs[i].path, &st[i]) == 0;
	}
	for (i = 0; i < n && !ret; i++) {
		for (j = i + 1; j < n && !ret; j++) {
			bool same_file = exists[i] && exists[j] &&
					 st[i].st_dev == st[j].st_dev &&
					 st[i].st_ino == st[j].st_ino;

			if (!strcmp(cfgs[i].path, cfgs[j].path))
				ret = lkvm__fail(-EINVAL,
						 "--nvdimm %.200s: used twice (devices %u and %u); each vNVDIMM needs its own backing",
						 cfgs[i].path, i, j);
			else if (same_file || !strcmp(keys[i], keys[j]))
				ret = lkvm__fail(-EINVAL,
						 "--nvdimm: %.150s and %.150s are the same backing (devices %u and %u)",
						 cfgs[i].path, cfgs[j].path, i, j);
		}
	}
out:
	free(keys);
	free(st);
	free(exists);
	return ret;
}
