/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_NVDIMM_XML_H
#define LKVM_NVDIMM_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lkvm/nvdimm.h"

/*
 * libvirt's <memory model='nvdimm'> element, the device XML `virsh
 * attach-device` takes, read with libxml2 (nvdimm-xml.c) into lkvm's
 * vNVDIMM configuration. What is taken, the size rule and what is refused:
 * docs/nvdimm-xml.md. Every message is one line naming the document and
 * the line: "FILE:LINE: <element>: ...".
 */
#define NVDIMM_XML_MAX		(64 * 1024)	/* the largest document read */
#define NVDIMM_XML_ID_MAX	32		/* an alias name and its NUL: an API id */

struct nvdimm_xml {
	/*
	 * path (<source><path>, absolute), size (the guest area: libvirt's
	 * pSeries rule applied to <target><size>), label_size (<label><size>),
	 * uuid (<uuid>, has_uuid false without one), readonly (<readonly/>).
	 * It passes nvdimm_config__validate.
	 */
	struct nvdimm_config cfg;
	uint64_t target_size;	/* <target><size> in bytes (whole KiB, as libvirt keeps it) */
	bool has_id;		/* <alias name='ID'/>: the device's id */
	char id[NVDIMM_XML_ID_MAX];
	bool has_slot;		/* <address type='dimm' slot='N'/>, N < LKVM_MAX_NVDIMMS */
	unsigned int slot;
	/*
	 * <address base='0x...'/>: where libvirt wants the region in guest
	 * memory. lkvm picks each window itself; a caller that attaches must
	 * place the region there or refuse the XML naming base=, never ignore it.
	 */
	bool has_base;
	uint64_t base;
	uint64_t align_size;	/* <source><alignsize>, 0 if absent (see nvdimm-xml.c) */
	bool pmem;		/* <source><pmem/> given (see nvdimm-xml.c) */
};

/*
 * Read the element from @len bytes of @text (at most NVDIMM_XML_MAX; no
 * NUL needed). Returns 0, or a negative errno with one line in
 * lkvm__last_error(); @out is zeroed on failure. Touches no file.
 *
 * Detaching by XML finds the device by cfg.uuid when has_uuid, else by
 * cfg.path: the caller does the lookup.
 */
int nvdimm_xml__parse(const char *text, size_t len, struct nvdimm_xml *out);

/* The same from the regular file @path, whose name the messages carry. */
int nvdimm_xml__read_file(const char *path, struct nvdimm_xml *out);

/*
 * libvirt's scaled sizes, as <size unit=...>N</size> and <alignsize> give
 * them: N a decimal number, @unit (NULL or "" for the default KiB) one of
 * b/byte/bytes, KB MB GB TB PB EB (powers of 1000), k M G T P E or KiB ..
 * EiB (powers of 1024), any case. The result is rounded up to whole KiB,
 * as libvirt keeps memory sizes, and is at most INT64_MAX (a file size).
 * Returns 0, -EINVAL (not a number), -ENOENT (unknown unit) or -ERANGE (too
 * large), without a message.
 */
int nvdimm_xml__size(const char *value, const char *unit, uint64_t *bytes);

#endif
