// SPDX-License-Identifier: GPL-2.0
/* Loading libpmem on demand (see pmem-lib.h for why). */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include "lkvm/pmem-lib.h"
#include "lkvm/util.h"

static struct pmem_lib lib;
static const struct pmem_lib *loaded;
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen("libpmem.so.1", RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(load_error, sizeof(load_error), "cannot load libpmem: %s", dlerror());
		return;
	}
	lib.map_file = (void *(*)(const char *, size_t, int, unsigned int, size_t *,
				  int *))dlsym(h, "pmem_map_file");
	lib.unmap = (int (*)(void *, size_t))dlsym(h, "pmem_unmap");
	lib.persist = (void (*)(const void *, size_t))dlsym(h, "pmem_persist");
	lib.errormsg = (const char *(*)(void))dlsym(h, "pmem_errormsg");
	if (!lib.map_file || !lib.unmap || !lib.persist || !lib.errormsg) {
		snprintf(load_error, sizeof(load_error), "libpmem lacks a function lkvm needs");
		return;
	}
	loaded = &lib;
}

const struct pmem_lib *pmem_lib__get(void)
{
	pthread_once(&once, load);
	if (!loaded)
		lkvm__fail(-ENOENT, "%s", load_error);
	return loaded;
}
