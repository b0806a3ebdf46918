// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace labels for `lkvm nvdimm format`, built in a caller's buffer.
 *
 * The label area starts with two index blocks, then an array of label
 * slots. Each index block names itself and the other one, says where the
 * slots start and how many there are, and carries a bitmap with one bit
 * per slot (set = free). The reader takes the valid block with the newer
 * sequence number (1 -> 2 -> 3 -> 1). A pmem label describes a namespace
 * covering the whole region of the single-DIMM papr_scm interleave set.
 *
 * The result is byte for byte what a fresh DIMM holds after `ndctl
 * create-namespace` (UUIDs aside): the index blocks start out with
 * sequence numbers 3 (index 0) and 2 (index 1); Linux writes the label
 * once flagged UPDATING into slot 0 and lists it in index 1 (sequence 1),
 * then final into slot 1, listed alone in index 0 (sequence 2, current).
 * Slot 0 keeps the superseded copy that index 1 still lists. v1.2 index
 * blocks are Linux's (no bits past the last slot), v1.1 ones are `ndctl
 * init-labels`' (free bits up to a multiple of 64 slots).
 */
#include <errno.h>
#include <string.h>

#include "lkvm/bytes.h"
#include "lkvm/nvdimm-format.h"
#include "lkvm/util.h"

/* Index block fields (byte offsets). */
enum {
	IDX_SIG = 0,		/* 16 bytes */
	IDX_LABELSIZE = 19,	/* log2(slot size) - 7 */
	IDX_SEQ = 20,		/* le32 */
	IDX_MYOFF = 24,		/* le64 */
	IDX_MYSIZE = 32,
	IDX_OTHEROFF = 40,
	IDX_LABELOFF = 48,
	IDX_NSLOT = 56,		/* le32 */
	IDX_MAJOR = 60,		/* le16 */
	IDX_MINOR = 62,
	IDX_CHECKSUM = 64,	/* le64 */
	IDX_FREE = NVDIMM_NSINDEX_HDR,
};

/* Label fields (byte offsets); v1.1 labels end at 128. */
enum {
	LBL_UUID = 0,
	LBL_NAME = 16,
	LBL_FLAGS = 80,		/* le32 */
	LBL_NLABEL = 84,	/* le16 */
	LBL_POSITION = 86,	/* le16 */
	LBL_ISETCOOKIE = 88,	/* le64 */
	LBL_LBASIZE = 96,
	LBL_DPA = 104,
	LBL_RAWSIZE = 112,
	LBL_SLOT = 120,		/* le32 */
	LBL_TYPE_GUID = 128,	/* v1.2 from here on */
	LBL_ABSTRACTION_GUID = 144,
	LBL_CHECKSUM = 248,	/* le64 */
};

#define LABEL_FLAG_UPDATING	0x8	/* a label being replaced */
#define LABEL_LBASIZE		512	/* the sector size ndctl asks for */

static const char index_sig[16] = "NAMESPACE_INDEX";

/*
 * The claim class of an fsdax namespace ("pfn"). GUIDs are stored with
 * their first three fields little endian: this is 266400ba-fb9f-4677-
 * bcb0-968f11d0d225.
 */
static const uint8_t pfn_claim_guid[16] = {
	0xba, 0x00, 0x64, 0x26, 0x9f, 0xfb, 0x77, 0x46,
	0xbc, 0xb0, 0x96, 0x8f, 0x11, 0xd0, 0xd2, 0x25,
};

/*
 * Two running sums over 32-bit little-endian words: the low one wraps at
 * 32 bits, the high one adds up the low one after every word.
 */
uint64_t nvdimm_fletcher64(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t lo = 0;
	uint64_t hi = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		lo += (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
		      (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
		hi += lo;
	}
	return hi << 32 | lo;
}

/*
 * papr_scm keeps the GUID's 16 bytes in text order and reads the first
 * and the last 8 as little-endian numbers: cookie1 and cookie2. Labels
 * under a v1.1 index carry cookie1, all later versions cookie2.
 */
uint64_t nvdimm_iset_cookie(const uint8_t guid[NVDIMM_UUID_LEN],
			    enum nvdimm_label_version version)
{
	return get_le64(guid + (version == NVDIMM_LABEL_V1_1 ? 0 : 8));
}

/* One index block tracking @nslot slots, rounded up to 256 bytes. */
static uint64_t index_bytes(uint64_t nslot)
{
	return ALIGN_UP(NVDIMM_NSINDEX_HDR + (nslot + 7) / 8, NVDIMM_NSINDEX_ALIGN);
}

/*
 * The slot count is first estimated with index blocks big enough for one
 * slot per slot-sized piece of the whole area; the index blocks actually
 * written are then sized for the slots that remain. Linux computes both
 * the same way and checks offsets and sizes against the result.
 */
int nvdimm_label_geometry(uint64_t label_size, enum nvdimm_label_version version,
			  struct nvdimm_label_geometry *g)
{
	uint64_t slot, guess, nslot, index;

	if (version != NVDIMM_LABEL_V1_1 && version != NVDIMM_LABEL_V1_2)
		return -EINVAL;
	/* the label area size is a 32-bit quantity to papr_scm */
	if (label_size > UINT32_MAX)
		return -EINVAL;
	slot = version == NVDIMM_LABEL_V1_1 ? 128 : 256;
	guess = index_bytes(label_size / slot);
	if (2 * guess > label_size)
		return -EINVAL;
	nslot = (label_size - 2 * guess) / slot;
	index = index_bytes(nslot);
	if (nslot < 2 || 2 * index > label_size - nslot * slot)
		return -EINVAL;
	g->slot_size = slot;
	g->nslot = nslot;
	g->index_size = index;
	g->label_off = 2 * index;
	return 0;
}

static void write_index(uint8_t *blk, const struct nvdimm_label_geometry *g,
			enum nvdimm_label_version version, unsigned int which,
			uint32_t seq, uint32_t used)
{
	uint64_t bits = g->nslot, i;
	uint8_t *free = blk + IDX_FREE;

	/* ndctl's own v1.1 blocks mark whole 64-slot words free */
	if (version == NVDIMM_LABEL_V1_1)
		bits = ALIGN_UP(bits, 64);
	if (bits > (g->index_size - IDX_FREE) * 8)
		bits = (g->index_size - IDX_FREE) * 8;

	memcpy(blk + IDX_SIG, index_sig, sizeof(index_sig));
	blk[IDX_LABELSIZE] = g->slot_size == 256 ? 1 : 0;
	put_le32(blk + IDX_SEQ, seq);
	put_le64(blk + IDX_MYOFF, which * g->index_size);
	put_le64(blk + IDX_MYSIZE, g->index_size);
	put_le64(blk + IDX_OTHEROFF, (1 - which) * g->index_size);
	put_le64(blk + IDX_LABELOFF, g->label_off);
	put_le32(blk + IDX_NSLOT, g->nslot);
	put_le16(blk + IDX_MAJOR, 1);
	put_le16(blk + IDX_MINOR, version);
	/* bit n of the bitmap (byte n / 8, bit n % 8) set: slot n is free */
	for (i = 0; i < bits; i++)
		if (i != used)
			free[i / 8] |= 1u << (i % 8);
	put_le64(blk + IDX_CHECKSUM, 0);
	put_le64(blk + IDX_CHECKSUM, nvdimm_fletcher64(blk, g->index_size));
}

static void write_label(uint8_t *lbl, const struct nvdimm_format_params *p,
			const struct nvdimm_label_geometry *g, uint32_t slot,
			uint32_t flags)
{
	memcpy(lbl + LBL_UUID, p->ns_uuid, NVDIMM_UUID_LEN);
	memcpy(lbl + LBL_NAME, p->name, strnlen(p->name, NVDIMM_LABEL_NAME_LEN));
	put_le32(lbl + LBL_FLAGS, flags);
	put_le16(lbl + LBL_NLABEL, 1);		/* one DIMM in the set */
	put_le16(lbl + LBL_POSITION, 0);
	put_le64(lbl + LBL_ISETCOOKIE, nvdimm_iset_cookie(p->unit_guid, p->version));
	put_le64(lbl + LBL_LBASIZE, LABEL_LBASIZE);
	put_le64(lbl + LBL_DPA, 0);
	put_le64(lbl + LBL_RAWSIZE, p->size);
	put_le32(lbl + LBL_SLOT, slot);
	if (g->slot_size < 256)
		return;
	/* papr_scm gives its interleave set no type GUID: all zero */
	memset(lbl + LBL_TYPE_GUID, 0, 16);
	if (p->mode == NVDIMM_NS_FSDAX)
		memcpy(lbl + LBL_ABSTRACTION_GUID, pfn_claim_guid, 16);
	put_le64(lbl + LBL_CHECKSUM, nvdimm_fletcher64(lbl, g->slot_size));
}

int nvdimm_format_labels(const struct nvdimm_format_params *p, void *area,
			 size_t len)
{
	struct nvdimm_label_geometry g;
	uint8_t *a = area;

	if (nvdimm_label_geometry(p->label_size, p->version, &g))
		return lkvm__fail(-EINVAL,
				  "a %llu-byte label area cannot hold two index blocks and two labels",
				  (unsigned long long)p->label_size);
	if (len != p->label_size)
		return lkvm__fail(-EINVAL, "label buffer of %zu bytes for a %llu-byte label area",
				  len, (unsigned long long)p->label_size);
	if (!p->size || !IS_ALIGNED(p->size, NVDIMM_BLOCK_SIZE))
		return lkvm__fail(-EINVAL, "namespace size %llu is not a non-zero multiple of 256M",
				  (unsigned long long)p->size);
	if (p->mode != NVDIMM_NS_FSDAX && p->mode != NVDIMM_NS_RAW)
		return lkvm__fail(-EINVAL, "unknown namespace mode %d", p->mode);
	if (memchr(p->name, '\0', NVDIMM_LABEL_NAME_LEN) == NULL)
		return lkvm__fail(-EINVAL, "namespace name longer than %d bytes",
				  NVDIMM_LABEL_NAME_LEN - 1);
	if (uuid__is_nil(p->ns_uuid))
		return lkvm__fail(-EINVAL, "the namespace UUID must not be the nil UUID");
	/* Linux ignores every label when the set's cookie is zero */
	if (!nvdimm_iset_cookie(p->unit_guid, p->version))
		return lkvm__fail(-EINVAL,
				  "this unit GUID gives interleave-set cookie 0, which Linux refuses; use another uuid=");

	memset(a, 0, len);
	write_index(a, &g, p->version, 0, 2, 1);
	write_index(a + g.index_size, &g, p->version, 1, 1, 0);
	write_label(a + g.label_off, p, &g, 0, LABEL_FLAG_UPDATING);
	write_label(a + g.label_off + g.slot_size, p, &g, 1, 0);
	return 0;
}
