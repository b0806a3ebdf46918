// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/util.h"

static __thread char last_error[512];

int lkvm__fail(int err, const char *fmt, ...)
{
	char msg[sizeof(last_error)];
	va_list ap;

	/* format aside first: the arguments may include lkvm__last_error() */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* one line, whatever the user or the guest put into the arguments */
	str_escape(last_error, sizeof(last_error), msg, sizeof(msg));
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
