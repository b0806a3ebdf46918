// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm nvdimm format` on a backing: open it exactly as `lkvm run
 * --nvdimm` does (nvdimm__open: file rules, lock, unit GUID), build the
 * labels and the info block in memory, then store them and make them
 * durable. Everything that can be checked is checked before the backing
 * is opened; nothing is written unless every structure could be built.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/nvdimm-format.h"
#include "lkvm/pmem-lib.h"
#include "lkvm/util.h"

/* Is there an info block naming @ns_uuid as its parent at @sb? */
static bool has_own_info_block(const uint8_t *sb, const uint8_t *ns_uuid)
{
	return !memcmp(sb, "NVDIMM_PFN_INFO", 16) &&
	       !memcmp(sb + 32, ns_uuid, NVDIMM_UUID_LEN);
}

/* Build everything once with a stand-in GUID: refuse bad input early. */
static int dry_run(struct nvdimm_format_params *p, const struct nvdimm_format_opts *o,
		   uint8_t *labels, uint8_t *sb)
{
	int ret;

	if (o->cfg.has_uuid)
		memcpy(p->unit_guid, o->cfg.uuid, NVDIMM_UUID_LEN);
	else
		memset(p->unit_guid, 0xff, NVDIMM_UUID_LEN);
	ret = nvdimm_format_labels(p, labels, p->label_size);
	if (!ret && p->mode == NVDIMM_NS_FSDAX)
		ret = nvdimm_format_pfn_sb(p, sb, NVDIMM_PFN_SB_SIZE);
	return ret;
}

int nvdimm_format__run(const struct nvdimm_format_opts *o,
		       struct nvdimm_format_result *r)
{
	uint8_t sb[NVDIMM_PFN_SB_SIZE];
	struct nvdimm_format_params p = {
		.size = o->cfg.size,
		.label_size = o->cfg.label_size,
		.mode = o->mode,
		.version = o->version,
	};
	uint8_t *labels;
	struct nvdimm d;
	int ret;

	memset(r, 0, sizeof(*r));
	memcpy(p.name, o->name, sizeof(p.name));
	if (o->has_ns_uuid) {
		memcpy(p.ns_uuid, o->ns_uuid, NVDIMM_UUID_LEN);
	} else {
		ret = uuid__generate(p.ns_uuid);
		if (ret)
			return ret;
	}
	if (p.mode == NVDIMM_NS_FSDAX)
		nvdimm_format_pfn_uuid(p.ns_uuid, p.pfn_uuid);

	labels = malloc(p.label_size ? p.label_size : 1);
	if (!labels)
		return lkvm__fail(-ENOMEM, "out of memory for a %llu-byte label area",
				  (unsigned long long)p.label_size);
	ret = dry_run(&p, o, labels, sb);
	if (ret)
		goto out;

	ret = nvdimm__open(&d, &o->cfg, 0);
	if (ret)
		goto out;
	memcpy(p.unit_guid, d.uuid, NVDIMM_UUID_LEN);
	ret = nvdimm_format_labels(&p, labels, p.label_size);
	if (!ret && p.mode == NVDIMM_NS_FSDAX)
		ret = nvdimm_format_pfn_sb(&p, sb, sizeof(sb));
	if (ret)
		goto close;

	/* the info block first: labels never point at a namespace without it */
	if (p.mode == NVDIMM_NS_FSDAX) {
		memcpy(d.data + NVDIMM_PFN_SB_OFFSET, sb, sizeof(sb));
		/* real pmem: the backing's flush covers the label area only;
		 * pmem_lib__persist, which takes the pre-ISA-3.1 path where
		 * libpmem's own would fault (emulated POWER9) */
		if (d.is_pmem)
			pmem_lib__persist(d.data + NVDIMM_PFN_SB_OFFSET, sizeof(sb));
	} else {
		r->stale_pfn_sb = has_own_info_block(d.data + NVDIMM_PFN_SB_OFFSET,
						     p.ns_uuid);
	}
	memcpy(d.label, labels, p.label_size);
	ret = nvdimm__flush(&d);
	if (ret)
		goto close;

	memcpy(r->unit_guid, p.unit_guid, NVDIMM_UUID_LEN);
	memcpy(r->ns_uuid, p.ns_uuid, NVDIMM_UUID_LEN);
	memcpy(r->pfn_uuid, p.pfn_uuid, NVDIMM_UUID_LEN);
	r->cookie = nvdimm_iset_cookie(p.unit_guid, p.version);
	/* the namespace starts at offset 0 of the backing (dpa 0) */
	r->data_offset = nvdimm_format_data_offset(&p);
	r->data_size = nvdimm_format_data_size(&p);
close:
	nvdimm__close(&d);
out:
	free(labels);
	return ret;
}
