// SPDX-License-Identifier: GPL-2.0
/*
 * What makes a vNVDIMM configuration one lkvm can back: the size and label
 * rules and the unit GUID, however the configuration was given (--nvdimm
 * now, the control API later). Messages name the device by its path.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "lkvm/nvdimm.h"
#include "lkvm/util.h"
#include "lkvm/uuid.h"

/* Backing files are at most this big: a file offset is a signed 64-bit number. */
#define NVDIMM_MAX_BACKING	((uint64_t)INT64_MAX)

/* One line naming the device by its path, then the problem. */
int nvdimm_config__fail(int err, const char *path, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lkvm__fail(err, "--nvdimm %.100s: %s", path, msg);
}

/*
 * The size rules, naming the values as the user wrote them (@size_text,
 * @label_text) so the message points at the part to fix.
 */
int nvdimm_config__check_sizes(const char *path, uint64_t size,
			       const char *size_text, uint64_t label,
			       const char *label_text)
{
	if (!size)
		return nvdimm_config__fail(-EINVAL, path,
				"SIZE '%.40s' must not be zero (a multiple of 256M)", size_text);
	if (!IS_ALIGNED(size, NVDIMM_BLOCK_SIZE))
		return nvdimm_config__fail(-EINVAL, path,
				"SIZE '%.40s' (%llu bytes) is not a multiple of 256M",
				size_text, (unsigned long long)size);
	if (label < NVDIMM_MIN_LABEL_SIZE)
		return nvdimm_config__fail(-EINVAL, path,
				"LABEL '%.40s' (%llu bytes) is smaller than the minimum 128K",
				label_text, (unsigned long long)label);
	if (label > NVDIMM_MAX_LABEL_SIZE)
		return nvdimm_config__fail(-EINVAL, path,
				"LABEL '%.40s' is larger than the maximum 16M", label_text);
	if (size > NVDIMM_MAX_BACKING - label)
		return nvdimm_config__fail(-EOVERFLOW, path,
				"SIZE '%.40s' + LABEL '%.40s' overflows the largest possible file (8E)",
				size_text, label_text);
	return 0;
}

int nvdimm_config__validate(const struct nvdimm_config *cfg)
{
	char a[32], b[32];
	int ret;

	if (!cfg->path[0])
		return lkvm__fail(-EINVAL, "--nvdimm: empty PATH (expected %s)",
				  NVDIMM_USAGE);
	ret = nvdimm_config__check_sizes(cfg->path, cfg->size,
					 format_size(cfg->size, a, sizeof(a)),
					 cfg->label_size,
					 format_size(cfg->label_size, b, sizeof(b)));
	if (ret)
		return ret;
	if (cfg->has_uuid && uuid__is_nil(cfg->uuid))
		return nvdimm_config__fail(-EINVAL, cfg->path,
				"uuid= must not be the nil UUID");
	return 0;
}
