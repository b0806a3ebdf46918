// SPDX-License-Identifier: GPL-2.0
/* Small system helpers shared by every part of lkvm. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/util.h"

uint64_t lkvm__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t lkvm__thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

bool read_fully(int fd, void *dst, size_t len, uint64_t off)
{
	uint8_t *p = dst;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return true;
}

int open_regular(const char *path, const char *what, struct stat *st)
{
	struct stat fst;
	int fd, fl;

	/* a FIFO would block open() and a device would be opened (a tty
	 * becoming our terminal, a watchdog armed): look before opening */
	if (stat(path, st) < 0)
		return lkvm__fail(-errno, "%s %s: %s", what, path, strerror(errno));
	if (!S_ISREG(st->st_mode))
		return lkvm__fail(-EINVAL, "%s %s: not a regular file", what, path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return lkvm__fail(-errno, "%s %s: %s", what, path, strerror(errno));
	/* and what was opened is what was looked at, not a swapped path */
	if (fstat(fd, &fst) < 0 || fst.st_dev != st->st_dev || fst.st_ino != st->st_ino ||
	    !S_ISREG(fst.st_mode)) {
		close(fd);
		return lkvm__fail(-EAGAIN, "%s %s: changed while it was being opened",
				  what, path);
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		close(fd);
		return lkvm__fail(-errno, "%s %s: %s", what, path, strerror(errno));
	}
	*st = fst;
	return fd;
}
