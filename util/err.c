// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/*
 * In raw mode the terminal no longer turns "\n" into "\r\n": a bare "\n"
 * would start the next line where this one ended. Only the command knows
 * the mode; any thread may report.
 */
static atomic_bool raw_terminal;

_Static_assert(LKVM_WARN_MAX <= PIPE_BUF, "a report must fit one atomic write");

void lkvm__set_raw_terminal(bool raw)
{
	atomic_store(&raw_terminal, raw);
}

void lkvm__warn(const char *fmt, ...)
{
	static const char prefix[] = "lkvm: ";
	const char *end = atomic_load(&raw_terminal) ? "\r\n" : "\n";
	size_t len = sizeof(prefix) - 1, text_room;
	char line[LKVM_WARN_MAX];
	int saved_errno = errno, n;
	const char *p = line;
	va_list ap;

	memcpy(line, prefix, len);
	/* a long text is cut so that the line end still fits behind it */
	text_room = sizeof(line) - len - strlen(end);
	va_start(ap, fmt);
	n = vsnprintf(line + len, text_room + 1, fmt, ap);
	va_end(ap);
	if (n > 0)
		len += (size_t)n < text_room ? (size_t)n : text_room;
	memcpy(line + len, end, strlen(end));
	len += strlen(end);

	/* one write: a terminal or pipe takes it whole; retry what is left
	 * only if a signal or a full disk cut it short */
	while (len) {
		ssize_t w = write(STDERR_FILENO, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		len -= (size_t)w;
	}
	/* callers report on their way out of a failure: keep its errno */
	errno = saved_errno;
}
