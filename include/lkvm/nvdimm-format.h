/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_NVDIMM_FORMAT_H
#define LKVM_NVDIMM_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lkvm/nvdimm.h"

/*
 * `lkvm nvdimm format`: what `ndctl init-labels` + `ndctl create-namespace`
 * leave on a papr_scm vNVDIMM, written on the host so the guest finds its
 * namespace (and /dev/pmem0) at boot without running ndctl.
 *
 * The label area (the last LABEL bytes of the backing) gets two namespace
 * index blocks and one pmem namespace label covering the whole region, in
 * the UEFI 2.7 namespace label format as Linux's libnvdimm reads it, laid
 * out byte for byte as Linux 6.1 and ndctl 76.1 leave a fresh DIMM. In
 * fsdax mode the namespace also gets a pfn info block 4 KiB into its data.
 * Every on-media field is little endian, whatever the host.
 */

#define NVDIMM_LABEL_NAME_LEN	64	/* name, NUL-padded: 63 characters */
#define NVDIMM_NSINDEX_ALIGN	256	/* index blocks are multiples of this */
#define NVDIMM_NSINDEX_HDR	72	/* index block fields before free[] */

/* Namespace label versions (major 1): the minor number. */
enum nvdimm_label_version {
	NVDIMM_LABEL_V1_1 = 1,	/* 128-byte labels, interleave cookie1 */
	NVDIMM_LABEL_V1_2 = 2,	/* 256-byte labels, cookie2, claim class, checksum */
};

enum nvdimm_ns_mode {
	NVDIMM_NS_FSDAX,	/* labels + pfn info block, struct pages in RAM */
	NVDIMM_NS_RAW,		/* labels only */
};

/*
 * fsdax info block: at 4 KiB into the namespace, 4 KiB long, the first
 * 8 KiB reserved for it; the data starts at the first ALIGN boundary
 * after that (the struct-page map lives in guest RAM, not in the image).
 * ALIGN and PAGE_SIZE are those of Linux 6.1 on POWER9/10 with the radix
 * MMU and 64 KiB pages (HPAGE_PMD_SIZE and the subsection size: 2 MiB).
 */
#define NVDIMM_PFN_SB_OFFSET	4096
#define NVDIMM_PFN_SB_SIZE	4096
#define NVDIMM_PFN_RESERVE	8192
#define NVDIMM_PFN_ALIGN	(2ULL << 20)
#define NVDIMM_PFN_PAGE_SIZE	(64ULL << 10)

/* How the label area of one backing divides into index blocks and slots. */
struct nvdimm_label_geometry {
	uint32_t slot_size;	/* bytes per label: 128 (v1.1) or 256 (v1.2) */
	uint32_t nslot;		/* label slots */
	uint64_t index_size;	/* one index block, free bitmap included */
	uint64_t label_off;	/* first slot, after the two index blocks */
};

/* Everything the on-media structures are made of. */
struct nvdimm_format_params {
	uint64_t size;			/* region = namespace raw size */
	uint64_t label_size;		/* label area */
	uint8_t unit_guid[NVDIMM_UUID_LEN];	/* ibm,unit-guid */
	uint8_t ns_uuid[NVDIMM_UUID_LEN];	/* the namespace */
	uint8_t pfn_uuid[NVDIMM_UUID_LEN];	/* fsdax: the info block's own */
	char name[NVDIMM_LABEL_NAME_LEN];	/* NUL-terminated, may be empty */
	enum nvdimm_ns_mode mode;
	enum nvdimm_label_version version;
};

/* Fletcher-64 over little-endian 32-bit words, as libnvdimm checks it. */
uint64_t nvdimm_fletcher64(const void *buf, size_t len);

/*
 * The interleave-set cookie papr_scm derives from the unit GUID, in the
 * form a label of @version must carry.
 */
uint64_t nvdimm_iset_cookie(const uint8_t guid[NVDIMM_UUID_LEN],
			    enum nvdimm_label_version version);

/* 0, or -EINVAL if @label_size cannot hold two index blocks and two slots. */
int nvdimm_label_geometry(uint64_t label_size, enum nvdimm_label_version version,
			  struct nvdimm_label_geometry *g);

/*
 * Fill @area (the whole label area, @len == p->label_size bytes) with the
 * two index blocks and the namespace label (final in slot 1, listed by the
 * current index 0; its superseded UPDATING copy in slot 0, as Linux leaves
 * it); every other byte is zero. 0, or a negative errno with a message;
 * @area is unchanged then.
 */
int nvdimm_format_labels(const struct nvdimm_format_params *p, void *area,
			 size_t len);

/*
 * Fill @sb (NVDIMM_PFN_SB_SIZE bytes) with the fsdax info block that goes
 * NVDIMM_PFN_SB_OFFSET bytes into the namespace. 0 or negative errno.
 */
int nvdimm_format_pfn_sb(const struct nvdimm_format_params *p, void *sb,
			 size_t len);

/* Where the filesystem data starts in the namespace (0 for raw), and its size. */
uint64_t nvdimm_format_data_offset(const struct nvdimm_format_params *p);
uint64_t nvdimm_format_data_size(const struct nvdimm_format_params *p);

/* The info block's UUID, derived from the namespace UUID (reproducible). */
void nvdimm_format_pfn_uuid(const uint8_t ns_uuid[NVDIMM_UUID_LEN],
			    uint8_t out[NVDIMM_UUID_LEN]);

/* `lkvm nvdimm format ...` as the user wrote it. */
struct nvdimm_format_opts {
	struct nvdimm_config cfg;	/* PATH,SIZE,LABEL[,uuid=UUID] */
	enum nvdimm_ns_mode mode;
	enum nvdimm_label_version version;
	bool has_ns_uuid;
	uint8_t ns_uuid[NVDIMM_UUID_LEN];
	char name[NVDIMM_LABEL_NAME_LEN];
};

/* What was written, for the caller to report. */
struct nvdimm_format_result {
	uint8_t unit_guid[NVDIMM_UUID_LEN];
	uint8_t ns_uuid[NVDIMM_UUID_LEN];
	uint8_t pfn_uuid[NVDIMM_UUID_LEN];	/* fsdax only */
	uint64_t cookie;			/* in the label */
	uint64_t data_offset;			/* in the backing file */
	uint64_t data_size;
	bool stale_pfn_sb;	/* raw: an fsdax info block of this namespace remains */
};

/*
 * Open the backing under the rules of `lkvm run --nvdimm` (create a missing
 * or empty file, refuse another size, lock it, settle the unit GUID), write
 * the labels and, for fsdax, the info block, and make them durable.
 */
int nvdimm_format__run(const struct nvdimm_format_opts *o,
		       struct nvdimm_format_result *r);

#endif
