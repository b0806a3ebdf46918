// SPDX-License-Identifier: GPL-2.0
/* Text from users and guests, made safe to print on one line. */
#include <stdio.h>
#include <string.h>

#include "lkvm/util.h"

size_t str_escape(char *dst, size_t size, const char *src, size_t len)
{
	static const char named[] = { '\n', 'n', '\r', 'r', '\t', 't', 0 };
	size_t out = 0, i;
	const char *n;
	char esc[5];

	if (!size)
		return 0;
	for (i = 0; i < len && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];
		size_t elen = 1;

		if (c >= 0x20 && c < 0x7f) {
			esc[0] = (char)c;
		} else {
			for (n = named; *n && *n != (char)c; n += 2)
				;
			if (*n)
				elen = (size_t)snprintf(esc, sizeof(esc), "\\%c", n[1]);
			else
				elen = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", c);
		}
		/* an escape is never cut in half */
		if (out + elen >= size)
			break;
		for (size_t k = 0; k < elen; k++)
			dst[out++] = esc[k];
	}
	dst[out] = '\0';
	return out;
}

bool str_is_name(const char *s, size_t max)
{
	size_t len = strlen(s);

	return len && len <= max && s[0] != '.' && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == len;
}
