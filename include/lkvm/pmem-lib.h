/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PMEM_LIB_H
#define LKVM_PMEM_LIB_H

#include <stdbool.h>
#include <stddef.h>

/*
 * libpmem, loaded on first use. Linking it would load libpmem, libndctl,
 * libdaxctl, libkmod and libcrypto into every lkvm, several MiB of resident
 * memory for guests that have no vNVDIMM. These are libpmem's own
 * functions, resolved with dlopen only when a vNVDIMM is opened.
 */
struct pmem_lib {
	void *(*map_file)(const char *path, size_t len, int flags, unsigned int mode,
			  size_t *mapped_lenp, int *is_pmemp);
	int (*unmap)(void *addr, size_t len);
	void (*persist)(const void *addr, size_t len);
	const char *(*errormsg)(void);
};

/* libpmem's functions, or NULL with a one-line message if it is missing. */
const struct pmem_lib *pmem_lib__get(void);

/*
 * Make [addr, addr + len) of a real-pmem mapping durable: libpmem's
 * pmem_persist, except on POWER CPUs before ISA 3.1 (see pmem/pmem-lib.c).
 */
void pmem_lib__persist(const void *addr, size_t len);

#endif
