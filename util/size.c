// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lkvm/util.h"

int parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		d = *s - '0';
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int suffix_shift(const char *suffix)
{
	static const struct {
		char c;
		int shift;
	} units[] = { { 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'T', 40 } };
	size_t i;

	if (!*suffix)
		return 0;
	if (!strcasecmp(suffix, "B"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (toupper((unsigned char)suffix[0]) != units[i].c)
			continue;
		/* "2G", "2GB" and "2GiB" all mean 2 * 2^30 */
		if (!suffix[1] || !strcasecmp(suffix + 1, "B") ||
		    !strcasecmp(suffix + 1, "iB"))
			return units[i].shift;
	}
	return -1;
}

int parse_size(const char *s, uint64_t *out)
{
	char digits[32];
	size_t n = 0;
	uint64_t v;
	int shift, ret;

	if (!s)
		return -EINVAL;
	while (isdigit((unsigned char)s[n]))
		n++;
	if (n == 0 || n >= sizeof(digits))
		return n == 0 ? -EINVAL : -ERANGE;
	memcpy(digits, s, n);
	digits[n] = '\0';
	shift = suffix_shift(s + n);
	if (shift < 0)
		return -EINVAL;
	ret = parse_uint(digits, 0, UINT64_MAX, &v);
	if (ret)
		return ret;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

const char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "TGMK";
	int shift = 40;
	size_t i;

	for (i = 0; i < 4; i++, shift -= 10) {
		if (bytes && IS_ALIGNED(bytes, 1ULL << shift)) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(bytes >> shift), units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
	return buf;
}
