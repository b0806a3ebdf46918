/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-side access to a fixture's guest memory, through the guest_mem map
 * the handlers use too. Include after defining struct fixture (with its
 * struct pseries p). Test-side writes reach read-only regions as well.
 */
#ifndef LKVM_TEST_FIXTURE_MEM_H
#define LKVM_TEST_FIXTURE_MEM_H

#include <endian.h>
#include <string.h>

#include "lkvm/guest-mem.h"

static inline uint8_t *host_range(struct fixture *f, uint64_t gpa, uint64_t len)
{
	uint8_t *p = guest_mem__ptr(&f->p.mem, gpa, len, false);

	assert_non_null(p);
	return p;
}

static inline uint8_t *host(struct fixture *f, uint64_t gpa)
{
	return host_range(f, gpa, 1);
}

static inline void put32(struct fixture *f, uint64_t gpa, uint32_t v)
{
	v = htobe32(v);
	memcpy(host_range(f, gpa, 4), &v, 4);
}

static inline uint32_t get32(struct fixture *f, uint64_t gpa)
{
	uint32_t v;

	assert_true(guest_mem__read_be32(&f->p.mem, gpa, &v));
	return v;
}

static inline uint64_t get64(struct fixture *f, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, host_range(f, gpa, 8), 8);
	return be64toh(v);
}

#endif
