/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_UUID_H
#define LKVM_UUID_H

#include <stdbool.h>
#include <stdint.h>

#define UUID_LEN	16
#define UUID_STR_LEN	37	/* 36 characters + NUL */

/*
 * UUID text: 36 characters, hex digits (either case) with dashes at 8, 13,
 * 18 and 23. parse returns 0 or -EINVAL (the nil UUID parses; callers
 * that must not take it ask uuid__is_nil); format writes lowercase.
 */
int uuid__parse(const char *s, uint8_t uuid[UUID_LEN]);
void uuid__format(const uint8_t uuid[UUID_LEN], char out[UUID_STR_LEN]);
bool uuid__is_nil(const uint8_t uuid[UUID_LEN]);
/* A random (version 4) UUID; 0 or a negative errno with a message. */
int uuid__generate(uint8_t uuid[UUID_LEN]);

#endif
