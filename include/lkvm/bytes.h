/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BYTES_H
#define LKVM_BYTES_H

/*
 * Byte order at any address: big-endian for PAPR buffers in guest memory
 * (the guest picks the address, so nothing is aligned), little-endian for
 * the namespace labels and info blocks of the NVDIMM format. The one
 * place that does it; memcpy keeps unaligned access defined.
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#define LKVM_BYTES_ACCESSORS(bits, order)					\
static inline uint##bits##_t get_##order##bits(const void *p)			\
{										\
	uint##bits##_t v;							\
										\
	memcpy(&v, p, sizeof(v));						\
	return order##bits##toh(v);						\
}										\
										\
static inline void put_##order##bits(void *p, uint##bits##_t v)		\
{										\
	v = hto##order##bits(v);						\
	memcpy(p, &v, sizeof(v));						\
}

LKVM_BYTES_ACCESSORS(16, le)
LKVM_BYTES_ACCESSORS(32, le)
LKVM_BYTES_ACCESSORS(64, le)
LKVM_BYTES_ACCESSORS(16, be)
LKVM_BYTES_ACCESSORS(32, be)
LKVM_BYTES_ACCESSORS(64, be)

#undef LKVM_BYTES_ACCESSORS

#endif
