// SPDX-License-Identifier: GPL-2.0
/* Boot image files (kernel, initrd): open, checked, mapped read-only. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkvm/loader.h"
#include "lkvm/util.h"

int mapped_file__open(struct mapped_file *f, const char *path, const char *what)
{
	struct stat st;
	int fd;

	*f = (struct mapped_file){ .path = path, .fd = -1 };
	fd = open_regular(path, what, &st);
	if (fd < 0)
		return fd;
	if (st.st_size == 0) {
		close(fd);
		return lkvm__fail(-EINVAL, "%s %s: not a regular, non-empty file", what, path);
	}
	f->len = (size_t)st.st_size;
	f->data = mmap(NULL, f->len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f->data == MAP_FAILED) {
		f->data = NULL;
		close(fd);
		return lkvm__fail(-errno, "%s %s: cannot map: %s", what, path, strerror(errno));
	}
	f->fd = fd;
	return 0;
}

void mapped_file__close(struct mapped_file *f)
{
	if (f->data)
		munmap(f->data, f->len);
	if (f->fd >= 0)
		close(f->fd);
	f->data = NULL;
	f->fd = -1;
}
