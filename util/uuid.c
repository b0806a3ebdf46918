// SPDX-License-Identifier: GPL-2.0
/* UUIDs as text and bytes, the nil check, and random ones (see uuid.h). */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "lkvm/util.h"
#include "lkvm/uuid.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_dash_pos(unsigned int i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

int uuid__parse(const char *s, uint8_t uuid[UUID_LEN])
{
	uint8_t out[UUID_LEN];
	unsigned int i = 0, n = 0;

	if (!s || strlen(s) != UUID_STR_LEN - 1)
		return -EINVAL;
	/* every group has an even number of digits: pairs never meet a dash */
	while (i < UUID_STR_LEN - 1) {
		int hi, lo;

		if (is_dash_pos(i)) {
			if (s[i++] != '-')
				return -EINVAL;
			continue;
		}
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[n++] = hi << 4 | lo;
		i += 2;
	}
	memcpy(uuid, out, sizeof(out));
	return 0;
}

void uuid__format(const uint8_t uuid[UUID_LEN],
			 char out[UUID_STR_LEN])
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i, o = 0;

	for (i = 0; i < UUID_LEN; i++) {
		if (is_dash_pos(o))
			out[o++] = '-';
		out[o++] = hex[uuid[i] >> 4];
		out[o++] = hex[uuid[i] & 15];
	}
	out[o] = '\0';
}

bool uuid__is_nil(const uint8_t uuid[UUID_LEN])
{
	static const uint8_t nil[UUID_LEN];

	return !memcmp(uuid, nil, sizeof(nil));
}

/* A random (version 4, RFC 4122 variant) UUID from the kernel's CSPRNG. */
int uuid__generate(uint8_t uuid[UUID_LEN])
{
	size_t got = 0;

	while (got < UUID_LEN) {
		ssize_t n = getrandom(uuid + got, UUID_LEN - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lkvm__fail(-errno, "cannot get random bytes for a UUID: %s",
					  strerror(errno));
		got += n;
	}
	uuid[6] = (uuid[6] & 0x0f) | 0x40;
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
	return 0;
}
