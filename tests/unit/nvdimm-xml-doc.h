/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Documents for the <memory model='nvdimm'> tests: a seed-like element
 * with parts of it replaced, and the check that a refusal leaves nothing
 * half-read. Include after cmocka.h and expect-error.h.
 */
#ifndef LKVM_TEST_NVDIMM_XML_DOC_H
#define LKVM_TEST_NVDIMM_XML_DOC_H

#include <stdio.h>
#include <string.h>

#include "lkvm/nvdimm-xml.h"
#include "lkvm/util.h"

/* an element with @attrs on <memory>, @before <source>, @target inside
 * <target> and @after it */
static inline char *doc(const char *attrs, const char *before,
			const char *target, const char *after)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
		 "<memory model='nvdimm'%s>\n"
		 "  <uuid>49545eb3-75e1-2d0a-acdd-f0294406c99e</uuid>\n%s"
		 "  <source>\n    <path>/tmp/nvdimm</path>\n  </source>\n"
		 "  <target>\n%s\n  </target>\n%s</memory>\n",
		 attrs, before, target, after);
	return buf;
}

#define LABEL_128K "<label><size unit='KiB'>128</size></label>"

static inline int parse(const char *text, struct nvdimm_xml *x)
{
	memset(x, 0x5a, sizeof(*x));
	lkvm__clear_error();
	return nvdimm_xml__parse(text, strlen(text), x);
}

/* refused, the message names @part, and nothing half-read is left */
static inline void bad(const char *text, const char *part)
{
	struct nvdimm_xml x;

	expect_error(parse(text, &x), part);
	assert_int_equal(x.cfg.path[0], '\0');
	assert_true(x.cfg.size == 0 && x.target_size == 0);
	assert_false(x.has_id || x.has_slot || x.cfg.has_uuid);
}

#endif
