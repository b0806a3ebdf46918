// SPDX-License-Identifier: GPL-2.0
/* Loading libpmem on demand (see pmem-lib.h for why). */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/auxv.h>
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

#if defined(__powerpc64__)
#include <asm/cputable.h>

#define CACHE_LINE 128	/* every POWER8/9/10 */

/*
 * libpmem 1.12 writes back cache lines with the ISA 3.1 forms of dcbf and
 * sync. POWER8/9 hardware executes them as the older instructions, but the
 * emulated POWER9 that the project tests on (QEMU 7.2) rejects them with
 * SIGILL. On CPUs before ISA 3.1 do what those encodings mean there:
 * dcbst every line, then a full sync, as Linux's own pmem code did.
 */
static bool needs_pre_isa31_persist(void)
{
	return !(getauxval(AT_HWCAP2) & PPC_FEATURE2_ARCH_3_1);
}

static void pre_isa31_persist(const void *addr, size_t len)
{
	uintptr_t p = (uintptr_t)addr & ~(uintptr_t)(CACHE_LINE - 1);
	uintptr_t end = (uintptr_t)addr + len;

	for (; p < end; p += CACHE_LINE)
		__asm__ __volatile__("dcbst 0,%0" : : "r"(p) : "memory");
	__asm__ __volatile__("sync" : : : "memory");
}
#else
static bool needs_pre_isa31_persist(void)
{
	return false;
}

static void pre_isa31_persist(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
}
#endif

void pmem_lib__persist(const void *addr, size_t len)
{
	const struct pmem_lib *pm;

	if (needs_pre_isa31_persist()) {
		pre_isa31_persist(addr, len);
		return;
	}
	pm = pmem_lib__get();
	if (pm)
		pm->persist(addr, len);
}
