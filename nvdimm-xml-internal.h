/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the two halves of the <memory model='nvdimm'> reader. */
#ifndef LKVM_NVDIMM_XML_INTERNAL_H
#define LKVM_NVDIMM_XML_INTERNAL_H

#include <string.h>

#include "lkvm/nvdimm-xml.h"
#include "lkvm/util.h"
#include "lkvm/xml-lib.h"

struct reader {
	struct xml_doc d;
	struct nvdimm_xml *out;
};

#define XML_SPACE " \t\r\n"

/* @s without the XML white space around it, in place. */
static inline char *trim(char *s)
{
	size_t n;

	s += strspn(s, XML_SPACE);
	n = strlen(s);
	while (n && strchr(XML_SPACE, s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Text from the document, made printable for a message. */
#define ESC_MAX 80
static inline const char *esc(const char *s, char buf[ESC_MAX])
{
	str_escape(buf, ESC_MAX, s, strlen(s));
	return buf;
}

/* An element with nothing in it: <readonly/>, <pmem/>. */
static inline int read_flag(struct reader *r, const xmlNode *n)
{
	return xml__element(&r->d, n, NULL, 0, NULL, 0);
}

/* nvdimm-xml-backing.c: <source> and <target> into out->cfg and the rest */
int nvdimm_xml__read_source(struct reader *r, const xmlNode *n);
int nvdimm_xml__read_target(struct reader *r, const xmlNode *n);

#endif
