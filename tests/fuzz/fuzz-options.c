// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: every parser of user input. The first byte picks the
 * parser; the rest is its text (NUL-separated words for the run command
 * line): lkvm run's options, --nvdimm, lkvm nvdimm format's options, sizes
 * and UUIDs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/config.h"
#include "lkvm/nvdimm-format.h"
#include "lkvm/nvdimm.h"
#include "lkvm/util.h"

#define MAX_WORDS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *argv[MAX_WORDS + 2];
	struct nvdimm_config nc;
	struct vm_config cfg;
	uint8_t uuid[16];
	uint64_t v;
	int argc = 1;
	size_t i;

	if (size < 1)
		return 0;
	text = malloc(size);	/* data[1..] and a NUL: exactly what is needed */
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	/* the words, as a shell would hand them over */
	argv[0] = data[0] % 6 ? "format" : "run";
	argv[argc++] = text;
	for (i = 0; i + 1 < size - 1 && argc <= MAX_WORDS; i++)
		if (!text[i])
			argv[argc++] = text + i + 1;
	argv[argc] = NULL;

	switch (data[0] % 6) {
	case 0:
		run_options__parse(argc, argv, &cfg);
		break;
	case 1:
		nvdimm_config__parse(text, &nc);
		break;
	case 2:
		parse_size(text, &v);
		break;
	case 3:
		parse_uint(text, 0, UINT64_MAX, &v);
		break;
	case 4:
		uuid__parse(text, uuid);
		break;
	default: {
		struct nvdimm_format_opts opts;

		nvdimm_format_opts__parse(argc, argv, &opts);
		break;
	}
	}
	free(text);
	return 0;
}
