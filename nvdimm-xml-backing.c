// SPDX-License-Identifier: GPL-2.0
/*
 * The backing and the guest area of libvirt's <memory model='nvdimm'>:
 * <source> and <target>, with libvirt's units (KiB by default) and its
 * pSeries size rule, since an lkvm guest is a pSeries one.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lkvm/nvdimm-xml.h"
#include "lkvm/nvdimm.h"
#include "lkvm/util.h"
#include "lkvm/xml-lib.h"
#include "nvdimm-xml-internal.h"

/* 1000 or 1024 to the power @letter stands for (k, m, g, t, p, e), or 0 */
static uint64_t unit_scale(char letter, uint64_t base)
{
	static const char letters[] = "kmgtpe";
	const char *at = strchr(letters, tolower((unsigned char)letter));
	uint64_t scale = base;

	if (!letter || !at)
		return 0;
	for (; at > letters; at--)
		scale *= base;
	return scale;
}

int nvdimm_xml__size(const char *value, const char *unit, uint64_t *bytes)
{
	uint64_t v, scale;
	int ret;

	ret = parse_uint(value, 0, UINT64_MAX, &v);
	if (ret)
		return ret == -ERANGE ? -ERANGE : -EINVAL;
	if (!unit || !*unit)
		scale = KiB;
	else if (!strcasecmp(unit, "b") || !strcasecmp(unit, "byte") ||
		 !strcasecmp(unit, "bytes"))
		scale = 1;
	else if (!unit[1] || !strcasecmp(unit + 1, "iB"))
		scale = unit_scale(unit[0], 1024);	/* k, KiB: binary */
	else if (tolower((unsigned char)unit[1]) == 'b' && !unit[2])
		scale = unit_scale(unit[0], 1000);	/* KB: decimal (SI) */
	else
		scale = 0;
	if (!scale)
		return -ENOENT;
	if (v > (uint64_t)INT64_MAX / scale)
		return -ERANGE;
	v = ALIGN_UP(v * scale, KiB);	/* libvirt keeps whole KiB */
	if (v > (uint64_t)INT64_MAX)
		return -ERANGE;
	*bytes = v;
	return 0;
}

/* <size unit='U'>N</size>, <alignsize unit='U'>N</alignsize> */
static int read_scaled(struct reader *r, const xmlNode *n, uint64_t *bytes)
{
	struct xml_attr unit = { .name = "unit" };
	char text[64], e1[ESC_MAX], e2[ESC_MAX];
	const char *num;
	int ret;

	ret = xml__attrs(&r->d, n, &unit, 1);
	if (!ret)
		ret = xml__text(&r->d, n, text, sizeof(text));
	if (ret)
		return ret;
	num = trim(text);
	ret = nvdimm_xml__size(num, unit.value, bytes);
	if (ret == -ENOENT)
		return xml__fail(&r->d, n, -EINVAL,
				 "unknown unit='%s' (libvirt's: b, bytes, KB, k, KiB, MB, M, MiB, GB, G, GiB, TB, T, TiB, PB, P, PiB, EB, E, EiB)",
				 esc(unit.value, e1));
	if (ret == -ERANGE)
		return xml__fail(&r->d, n, ret, "%s %s is too large (a file holds at most 8 EiB)",
				 esc(num, e1), unit.value[0] ? esc(unit.value, e2) : "KiB");
	if (ret)
		return xml__fail(&r->d, n, -EINVAL, "'%s' is not a whole number",
				 esc(num, e1));
	return 0;
}

/*
 * <source>: <path> is the backing. <alignsize> asks QEMU to align its
 * mapping of the backing (memory-backend-file align=), as device DAX
 * needs; lkvm lets the kernel place its mapping, and device DAX's mmap
 * aligns it to the device's own alignment, so any power of two is met.
 * <pmem/> tells QEMU the backing is real persistent memory (pmem=on);
 * lkvm finds that out itself from the backing (libpmem), so the element
 * asks for nothing lkvm does not do. Both are kept for the caller to see.
 */
int nvdimm_xml__read_source(struct reader *r, const xmlNode *n)
{
	struct xml_child c[] = { { .name = "path" }, { .name = "alignsize" },
				 { .name = "pmem" } };
	struct nvdimm_xml *out = r->out;
	char e[ESC_MAX];
	const char *p;
	int ret;

	ret = xml__element(&r->d, n, NULL, 0, c, ARRAY_SIZE(c));
	if (ret)
		return ret;
	if (!c[0].node)
		return xml__fail(&r->d, n, -EINVAL, "no <path>: an nvdimm needs its backing file");
	ret = xml__attrs(&r->d, c[0].node, NULL, 0);
	if (!ret)
		ret = xml__text(&r->d, c[0].node, out->cfg.path, sizeof(out->cfg.path));
	if (ret)
		return ret;
	p = out->cfg.path;
	if (p[0] != '/')
		return xml__fail(&r->d, c[0].node, -EINVAL,
				 "'%s' is not an absolute path (libvirt's schema wants one)",
				 esc(p, e));
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return xml__fail(&r->d, c[0].node, -EINVAL,
					 "'%s' has a control character", esc(out->cfg.path, e));
	if (c[1].node) {
		ret = read_scaled(r, c[1].node, &out->align_size);
		if (ret)
			return ret;
		if (!out->align_size || (out->align_size & (out->align_size - 1)))
			return xml__fail(&r->d, c[1].node, -EINVAL,
					 "%llu bytes is not a power of two",
					 (unsigned long long)out->align_size);
	}
	if (c[2].node) {
		ret = read_flag(r, c[2].node);
		if (ret)
			return ret;
		out->pmem = true;
	}
	return 0;
}

/*
 * libvirt's pSeries rule (qemuDomainNVDimmAlignSizePseries): the target
 * size holds the label; the guest area is what is left, aligned down to
 * 256 MiB, and must be at least one such block. The backing file is area
 * + label.
 */
static int pseries_sizes(struct reader *r, const xmlNode *size,
			 const xmlNode *label_size)
{
	struct nvdimm_config *cfg = &r->out->cfg;
	uint64_t target_size = r->out->target_size;
	uint64_t label = cfg->label_size;
	char a[32], b[32];

	if (label < NVDIMM_MIN_LABEL_SIZE)
		return xml__fail(&r->d, label_size, -EINVAL,
				 "%s is smaller than the 128 KiB a label area needs",
				 format_size(label, a, sizeof(a)));
	if (label > NVDIMM_MAX_LABEL_SIZE)
		return xml__fail(&r->d, label_size, -EINVAL,
				 "%s is larger than lkvm's 16 MiB label area",
				 format_size(label, a, sizeof(a)));
	if (target_size <= label ||
	    (target_size - label) / NVDIMM_BLOCK_SIZE == 0)
		return xml__fail(&r->d, size, -EINVAL,
				 "%s less the %s label leaves no 256 MiB block for the guest: the target size must be at least 256 MiB plus the label",
				 format_size(target_size, a, sizeof(a)),
				 format_size(label, b, sizeof(b)));
	cfg->size = (target_size - label) / NVDIMM_BLOCK_SIZE * NVDIMM_BLOCK_SIZE;
	return 0;
}

static int read_label(struct reader *r, const xmlNode *n, const xmlNode **size)
{
	struct xml_child c[] = { { .name = "size" } };
	int ret;

	ret = xml__element(&r->d, n, NULL, 0, c, ARRAY_SIZE(c));
	if (ret)
		return ret;
	if (!c[0].node)
		return xml__fail(&r->d, n, -EINVAL,
				 "no <size>: a pSeries nvdimm needs a label area of at least 128 KiB");
	*size = c[0].node;
	return read_scaled(r, c[0].node, &r->out->cfg.label_size);
}

int nvdimm_xml__read_target(struct reader *r, const xmlNode *n)
{
	struct xml_child c[] = {
		{ .name = "size" },
		{ .name = "label" },
		{ .name = "readonly" },
		{ .name = "node", .refused = "lkvm gives its guests no NUMA nodes to put an nvdimm on" },
	};
	const xmlNode *label_size = NULL;
	int ret;

	ret = xml__element(&r->d, n, NULL, 0, c, ARRAY_SIZE(c));
	if (ret)
		return ret;
	if (!c[0].node)
		return xml__fail(&r->d, n, -EINVAL, "no <size>");
	if (!c[1].node)
		return xml__fail(&r->d, n, -EINVAL,
				 "no <label>: on pSeries an nvdimm needs <label><size> (at least 128 KiB)");
	ret = read_scaled(r, c[0].node, &r->out->target_size);
	if (!ret)
		ret = read_label(r, c[1].node, &label_size);
	if (!ret && c[2].node) {
		ret = read_flag(r, c[2].node);
		r->out->cfg.readonly = true;
	}
	if (ret)
		return ret;
	return pseries_sizes(r, c[0].node, label_size);
}
