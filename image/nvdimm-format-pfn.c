// SPDX-License-Identifier: GPL-2.0
/*
 * The fsdax info block ("pfn" superblock) for `lkvm nvdimm format`, built
 * in a caller's buffer.
 *
 * It sits 4 KiB into the namespace and tells the guest where the data
 * starts and where the struct pages of the namespace live. lkvm asks for
 * them in guest RAM ("map": "mem"), so the guest kernel never writes its
 * page map into the image, and a read-only image stays untouched. The
 * first 8 KiB of the namespace are reserved for the info block, and the
 * data starts at the next 2 MiB boundary (the namespace itself starts on
 * a 256 MiB boundary of guest memory). The size is a multiple of 256 MiB,
 * so nothing is cut off the end.
 */
#include <errno.h>
#include <string.h>

#include "lkvm/bytes.h"
#include "lkvm/nvdimm-format.h"
#include "lkvm/util.h"

/* Info block fields (byte offsets), version 1.4. */
enum {
	PFN_SIGNATURE = 0,	/* 16 bytes */
	PFN_UUID = 16,
	PFN_PARENT_UUID = 32,
	PFN_FLAGS = 48,		/* le32 */
	PFN_VERSION_MAJOR = 52,	/* le16 */
	PFN_VERSION_MINOR = 54,	/* le16 */
	PFN_DATAOFF = 56,	/* le64, from the namespace start */
	PFN_NPFNS = 64,		/* le64 */
	PFN_MODE = 72,		/* le32 */
	PFN_START_PAD = 76,	/* le32 */
	PFN_END_TRUNC = 80,	/* le32 */
	PFN_ALIGN = 84,		/* le32 */
	PFN_PAGE_SIZE = 88,	/* le32 */
	PFN_PAGE_STRUCT_SIZE = 92, /* le16 */
	PFN_CHECKSUM = NVDIMM_PFN_SB_SIZE - 8,
};

#define PFN_MODE_RAM		1	/* struct pages in system RAM */
#define PFN_PAGE_STRUCT		64	/* the most a struct page may take */

static const char pfn_sig[16] = "NVDIMM_PFN_INFO";

uint64_t nvdimm_format_data_offset(const struct nvdimm_format_params *p)
{
	if (p->mode != NVDIMM_NS_FSDAX)
		return 0;
	return ALIGN_UP(NVDIMM_PFN_RESERVE, NVDIMM_PFN_ALIGN);
}

uint64_t nvdimm_format_data_size(const struct nvdimm_format_params *p)
{
	return p->size - nvdimm_format_data_offset(p);
}

int nvdimm_format_pfn_sb(const struct nvdimm_format_params *p, void *sb,
			 size_t len)
{
	uint64_t off = nvdimm_format_data_offset(p);
	uint8_t *b = sb;

	if (len != NVDIMM_PFN_SB_SIZE)
		return lkvm__fail(-EINVAL, "info block buffer of %zu bytes (need %d)",
				  len, NVDIMM_PFN_SB_SIZE);
	if (p->mode != NVDIMM_NS_FSDAX)
		return lkvm__fail(-EINVAL, "only an fsdax namespace has an info block");
	if (!p->size || !IS_ALIGNED(p->size, NVDIMM_BLOCK_SIZE))
		return lkvm__fail(-EINVAL, "namespace size %llu is not a non-zero multiple of 256M",
				  (unsigned long long)p->size);

	memset(b, 0, len);
	memcpy(b + PFN_SIGNATURE, pfn_sig, sizeof(pfn_sig));
	memcpy(b + PFN_UUID, p->pfn_uuid, NVDIMM_UUID_LEN);
	memcpy(b + PFN_PARENT_UUID, p->ns_uuid, NVDIMM_UUID_LEN);
	put_le32(b + PFN_FLAGS, 0);
	put_le16(b + PFN_VERSION_MAJOR, 1);
	put_le16(b + PFN_VERSION_MINOR, 4);
	put_le64(b + PFN_DATAOFF, off);
	put_le64(b + PFN_NPFNS, (p->size - off) / NVDIMM_PFN_PAGE_SIZE);
	put_le32(b + PFN_MODE, PFN_MODE_RAM);
	put_le32(b + PFN_START_PAD, 0);
	put_le32(b + PFN_END_TRUNC, 0);
	put_le32(b + PFN_ALIGN, NVDIMM_PFN_ALIGN);
	put_le32(b + PFN_PAGE_SIZE, NVDIMM_PFN_PAGE_SIZE);
	put_le16(b + PFN_PAGE_STRUCT_SIZE, PFN_PAGE_STRUCT);
	put_le64(b + PFN_CHECKSUM, nvdimm_fletcher64(b, len));
	return 0;
}

/* A 64-bit finaliser with good avalanche (every input bit moves every output bit). */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The info block UUID only has to be unique and stable: derive it from
 * the namespace UUID, so formatting twice with the same namespace UUID
 * writes the same bytes. It is shaped as a random (version 4) UUID.
 */
void nvdimm_format_pfn_uuid(const uint8_t ns_uuid[NVDIMM_UUID_LEN],
			    uint8_t out[NVDIMM_UUID_LEN])
{
	uint64_t hi = 0, lo = 0, a, b;
	int i;

	for (i = 0; i < 8; i++) {
		hi = hi << 8 | ns_uuid[i];
		lo = lo << 8 | ns_uuid[8 + i];
	}
	a = mix64(hi ^ mix64(lo ^ 0x6c6b766d2d706662ULL));
	b = mix64(lo ^ a);
	for (i = 7; i >= 0; i--, a >>= 8, b >>= 8) {
		out[i] = a;
		out[8 + i] = b;
	}
	out[6] = (out[6] & 0x0f) | 0x40;
	out[8] = (out[8] & 0x3f) | 0x80;
}
