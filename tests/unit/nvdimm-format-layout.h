/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' own reader of what `lkvm nvdimm format` writes: the on-media
 * structures as Linux 6.1 declares them (drivers/nvdimm/label.h: struct
 * nd_namespace_index, struct nvdimm_efi_label; pfn.h: struct nd_pfn_sb)
 * and the checks libnvdimm makes before it believes a label (label.c:
 * __nd_label_validate, best_seq, slot_valid; namespace_devs.c:
 * create_namespace_pmem, has_uuid_at_pos), written again here so that a
 * mistake in lkvm's code is not mirrored by the test. Also a helper that
 * runs the `lkvm nvdimm format` option parser on a line of words.
 */
#ifndef LKVM_TEST_NVDIMM_FORMAT_LAYOUT_H
#define LKVM_TEST_NVDIMM_FORMAT_LAYOUT_H

#include <endian.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lkvm/config.h"
#include "lkvm/nvdimm-format.h"

struct t_index {
	uint8_t sig[16];
	uint8_t flags[3];
	uint8_t labelsize;
	uint32_t seq;
	uint64_t myoff;
	uint64_t mysize;
	uint64_t otheroff;
	uint64_t labeloff;
	uint32_t nslot;
	uint16_t major;
	uint16_t minor;
	uint64_t checksum;
	uint8_t free[];
};

struct t_label {
	uint8_t uuid[16];
	char name[64];
	uint32_t flags;
	uint16_t nlabel;
	uint16_t position;
	uint64_t isetcookie;
	uint64_t lbasize;
	uint64_t dpa;
	uint64_t rawsize;
	uint32_t slot;
	uint8_t align;
	uint8_t reserved[3];
	uint8_t type_guid[16];
	uint8_t abstraction_guid[16];
	uint8_t reserved2[88];
	uint64_t checksum;
};

struct t_pfn_sb {
	uint8_t signature[16];
	uint8_t uuid[16];
	uint8_t parent_uuid[16];
	uint32_t flags;
	uint16_t version_major;
	uint16_t version_minor;
	uint64_t dataoff;
	uint64_t npfns;
	uint32_t mode;
	uint32_t start_pad;
	uint32_t end_trunc;
	uint32_t align;
	uint32_t page_size;
	uint16_t page_struct_size;
	uint8_t padding[3994];
	uint64_t checksum;
};

_Static_assert(sizeof(struct t_index) == 72, "index header");
_Static_assert(offsetof(struct t_label, isetcookie) == 88, "label cookie");
_Static_assert(offsetof(struct t_label, type_guid) == 128, "v1.2 part");
_Static_assert(sizeof(struct t_label) == 256, "v1.2 label");
_Static_assert(offsetof(struct t_pfn_sb, page_struct_size) == 92, "pfn sb");
_Static_assert(sizeof(struct t_pfn_sb) == 4096, "pfn sb size");

enum { T_CLAIM_NONE, T_CLAIM_PFN, T_CLAIM_OTHER };

/* What t_read_labels found. */
struct t_found {
	int version;		/* minor: 1 or 2 */
	int current;		/* index block in force */
	uint32_t seq[2];
	int nlabels;		/* valid labels listed by the current index */
	int used_in_other;	/* slots in use according to the other index */
	uint32_t slot;
	uint8_t uuid[16];
	char name[65];
	uint32_t flags;
	uint64_t lbasize, dpa, rawsize;
	int claim;
};

static inline uint64_t t_fletcher64(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t hi = 0;
	uint32_t lo = 0, w;
	size_t i;

	for (i = 0; i < len / 4; i++) {
		memcpy(&w, p + 4 * i, 4);
		lo += le32toh(w);
		hi += lo;
	}
	return hi << 32 | lo;
}

/* Fletcher-64 of @len bytes with the 8-byte checksum at @off read as 0. */
static inline uint64_t t_checksum_with_zero(const uint8_t *buf, size_t len,
					    size_t off)
{
	uint8_t *copy = malloc(len);
	uint64_t sum;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	memset(copy + off, 0, 8);
	sum = t_fletcher64(copy, len);
	free(copy);
	return sum;
}

static inline bool t_all_zero(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

/* papr_scm: bytes 0-7 (cookie1) or 8-15 (cookie2) of the GUID, LE. */
static inline uint64_t t_cookie(const uint8_t guid[16], int minor)
{
	const uint8_t *b = guid + (minor == 1 ? 0 : 8);
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static inline uint64_t t_index_size(uint64_t nslot)
{
	return (72 + (nslot + 7) / 8 + 255) / 256 * 256;
}

/* label.c: nvdimm_num_label_slots, then sizeof_namespace_index. */
static inline bool t_geometry(uint64_t area, uint64_t slot, uint64_t *nslot,
			      uint64_t *isz)
{
	uint64_t first = t_index_size(area / slot);

	if (2 * first > area)
		return false;
	*nslot = (area - 2 * first) / slot;
	*isz = t_index_size(*nslot);
	return *nslot >= 2 && 2 * *isz <= area - *nslot * slot;
}

static inline bool t_index_valid(const uint8_t *area, uint64_t len, int i,
				 uint64_t slot, uint64_t isz)
{
	struct t_index x;
	const uint8_t *p = area + i * isz;
	unsigned int ver;
	uint64_t want;

	memcpy(&x, p, sizeof(x));
	if (memcmp(x.sig, "NAMESPACE_INDEX\0", 16))
		return false;
	ver = le16toh(x.major) * 100 + le16toh(x.minor);
	if (ver >= 102 && (x.labelsize > 1 || (128u << x.labelsize) != slot))
		return false;
	if (ver < 102 && slot != 128)
		return false;
	if (t_checksum_with_zero(p, isz, 64) != le64toh(x.checksum))
		return false;
	if (!(le32toh(x.seq) & 3))
		return false;
	if (le64toh(x.myoff) != i * isz || le64toh(x.otheroff) != (1 - i) * isz ||
	    le64toh(x.labeloff) != 2 * isz)
		return false;
	if (le64toh(x.mysize) > isz || le64toh(x.mysize) < 72)
		return false;
	want = (uint64_t)le32toh(x.nslot) * slot + 2 * isz;
	return want <= len;
}

static inline bool t_slot_free(const uint8_t *index, uint32_t n)
{
	return index[72 + n / 8] & (1u << (n % 8));
}

/* Which index is current, by the 1 -> 2 -> 3 -> 1 sequence rule. */
static inline int t_best(uint32_t s0, uint32_t s1)
{
	static const uint32_t next[] = { 0, 2, 3, 1 };

	s0 &= 3;
	s1 &= 3;
	if (s0 == 0 || s0 == s1)
		return 1;
	if (s1 == 0)
		return 0;
	return next[s0] == s1 ? 1 : 0;
}

static inline int t_read_labels(const uint8_t *area, uint64_t len,
				const uint8_t guid[16], uint64_t region,
				struct t_found *f)
{
	static const uint8_t pfn_guid[16] = {
		0xba, 0x00, 0x64, 0x26, 0x9f, 0xfb, 0x77, 0x46,
		0xbc, 0xb0, 0x96, 0x8f, 0x11, 0xd0, 0xd2, 0x25,
	};
	static const uint8_t zero[16];
	uint64_t slot = 0, nslot, isz = 0;
	const uint8_t *cur, *other;
	bool v[2] = { false, false };
	struct t_index x;
	struct t_label l;
	uint32_t i;

	memset(f, 0, sizeof(*f));
	for (slot = 128; slot <= 256; slot *= 2) {
		if (!t_geometry(len, slot, &nslot, &isz))
			continue;
		v[0] = t_index_valid(area, len, 0, slot, isz);
		v[1] = t_index_valid(area, len, 1, slot, isz);
		if (v[0] || v[1])
			break;
	}
	if (!v[0] || !v[1])
		fail_msg("index blocks valid: %d %d", v[0], v[1]);
	memcpy(&x, area, sizeof(x));
	f->seq[0] = le32toh(x.seq);
	memcpy(&x, area + isz, sizeof(x));
	f->seq[1] = le32toh(x.seq);
	f->current = t_best(f->seq[0], f->seq[1]);
	cur = area + f->current * isz;
	other = area + (1 - f->current) * isz;
	memcpy(&x, cur, sizeof(x));
	f->version = le16toh(x.minor);
	nslot = le32toh(x.nslot);
	for (i = 0; i < nslot; i++) {
		const uint8_t *p = area + 2 * isz + i * slot;

		if (!t_slot_free(other, i))
			f->used_in_other++;
		if (t_slot_free(cur, i))
			continue;
		memset(&l, 0, sizeof(l));
		memcpy(&l, p, slot);
		if (le32toh(l.slot) != i)
			continue;
		if (slot == 256 && t_checksum_with_zero(p, 256, 248) != le64toh(l.checksum))
			continue;
		if (f->nlabels++)
			continue;
		f->slot = i;
		memcpy(f->uuid, l.uuid, 16);
		memcpy(f->name, l.name, 64);
		f->flags = le32toh(l.flags);
		f->lbasize = le64toh(l.lbasize);
		f->dpa = le64toh(l.dpa);
		f->rawsize = le64toh(l.rawsize);
		/* what create_namespace_pmem / has_uuid_at_pos insist on */
		if (le64toh(l.isetcookie) != t_cookie(guid, f->version))
			fail_msg("label cookie %#llx, want %#llx",
				 (unsigned long long)le64toh(l.isetcookie),
				 (unsigned long long)t_cookie(guid, f->version));
		if (le16toh(l.nlabel) != 1 || le16toh(l.position) != 0)
			fail_msg("nlabel %u position %u", le16toh(l.nlabel),
				 le16toh(l.position));
		if (f->dpa + f->rawsize > region || !f->rawsize)
			fail_msg("label outside the region");
		if (slot == 256 && memcmp(l.type_guid, zero, 16))
			fail_msg("type GUID is not papr_scm's (zero)");
		f->claim = slot < 256 || !memcmp(l.abstraction_guid, zero, 16) ?
			   T_CLAIM_NONE :
			   !memcmp(l.abstraction_guid, pfn_guid, 16) ? T_CLAIM_PFN :
			   T_CLAIM_OTHER;
	}
	return f->nlabels ? 0 : -1;
}

/* Parse "format SPEC ARGS..." (ARGS separated by blanks, or NULL). */
static inline int t_parse(struct nvdimm_format_opts *o, const char *spec,
			  const char *args)
{
	char buf[512], *argv[16], *tok, *save = NULL;
	int argc = 0;

	argv[argc++] = "format";
	if (spec)
		argv[argc++] = (char *)spec;
	snprintf(buf, sizeof(buf), "%s", args ? args : "");
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return nvdimm_format_opts__parse(argc, argv, o);
}

#endif
