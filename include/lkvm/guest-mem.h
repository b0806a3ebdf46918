/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GUEST_MEM_H
#define LKVM_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

#define GUEST_MEM_MAX_REGIONS 24

/* One guest-physical range backed by host memory (RAM or a pmem region). */
struct guest_mem_region {
	uint64_t gpa;
	uint64_t size;
	void *host;
	bool readonly;	/* guest writes through lkvm itself are refused too */
};

struct guest_mem {
	unsigned int nr;
	struct guest_mem_region r[GUEST_MEM_MAX_REGIONS];
};

/*
 * The region table may change only while no vCPU thread is inside a
 * handler (the machine is paused or not started yet): the caller sees to
 * that. The lookups below take no lock, as they run on every hcall.
 */

/* Register a region; ranges may not overlap. 0 or -EINVAL/-ENOSPC. */
int guest_mem__add(struct guest_mem *m, uint64_t gpa, uint64_t size, void *host,
		   bool readonly);

/* Forget the region that starts at @gpa (a device unplugged): 0 or -ENOENT. */
int guest_mem__remove(struct guest_mem *m, uint64_t gpa);

/*
 * The one checked way from a guest address to host memory: a pointer to
 * [gpa, gpa + len) if that whole range lies inside one region (and the region
 * is writable when @write), else NULL. Overflow-safe for any guest values.
 */
void *guest_mem__ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len,
		     bool write);

/* Big-endian accessors for PAPR buffers; false if out of guest memory. */
bool guest_mem__read_be32(const struct guest_mem *m, uint64_t gpa, uint32_t *v);
bool guest_mem__write_be32(const struct guest_mem *m, uint64_t gpa, uint32_t v);

#endif
