// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "lkvm/util.h"

static __thread char last_error[512];

int lkvm__fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}

const char *lkvm__last_error(void)
{
	return last_error[0] ? last_error : "unknown error";
}

void lkvm__clear_error(void)
{
	last_error[0] = '\0';
}
