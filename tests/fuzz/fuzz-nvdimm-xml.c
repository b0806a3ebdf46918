// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: libvirt's <memory model='nvdimm'> element, read with
 * libxml2 (loaded once, on the first input) by the checks of
 * nvdimm-xml*.c and xml-lib.c. The input is the document; its text up to
 * the first NUL, and what follows it, are also tried as a size and its
 * unit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/nvdimm-xml.h"
#include "lkvm/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nvdimm_xml x;
	char *text;
	size_t n;
	uint64_t v;

	/* exactly @size bytes: a read past them is ASan's to catch */
	text = malloc(size ? size : 1);
	memcpy(text, data, size);
	if (!nvdimm_xml__parse(text, size, &x) &&
	    (!x.cfg.path[0] || x.cfg.size % (256ULL << 20) ||
	     x.cfg.label_size < (128 << 10) || x.cfg.size + x.cfg.label_size > x.target_size))
		abort();	/* accepted, yet breaking the rules it promises */
	free(text);

	if (size < 128) {
		text = calloc(1, size + 2);
		memcpy(text, data, size);
		n = strlen(text);
		nvdimm_xml__size(text, text + n + 1, &v);
		free(text);
	}
	return 0;
}
