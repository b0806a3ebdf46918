/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_XML_LIB_H
#define LKVM_XML_LIB_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/*
 * libxml2, loaded with dlopen the first time a command reads an XML
 * document (xml-lib.c), and the few checked ways the commands read one.
 * Debian's libxml2 links ICU, lzma and zlib: linked statically they would
 * add some 30 MiB to every lkvm, and linked dynamically they would be
 * loaded by every lkvm run, for a feature only `lkvm nvdimm attach|detach
 * FILE.xml` and `--nvdimm-xml` use. The headers give the tree's layout;
 * only the functions below come from the library.
 */
struct xml_lib {
	xmlParserCtxtPtr (*new_parser_ctxt)(void);
	void (*free_parser_ctxt)(xmlParserCtxtPtr ctxt);
	xmlDocPtr (*ctxt_read_memory)(xmlParserCtxtPtr ctxt, const char *buffer,
				      int size, const char *url,
				      const char *encoding, int options);
	void (*free_doc)(xmlDocPtr doc);
};

/* libxml2's functions, or NULL with a one-line message if it is missing. */
const struct xml_lib *xml_lib__get(void);

/* One document read from memory; @name names it in every message. */
struct xml_doc {
	const char *name;
	xmlDocPtr doc;
	const xmlNode *root;	/* its root element */
};

/*
 * Parse @len bytes of @text: no DTD (a DOCTYPE is refused, so no entity
 * is ever defined or expanded), nothing fetched from the network, CDATA
 * read as text. Malformed XML is refused with libxml2's first error:
 * "NAME:LINE: malformed XML: MESSAGE". 0 or a negative errno with one
 * line; on success xml_doc__free releases the tree.
 */
int xml_doc__read(struct xml_doc *d, const char *name, const char *text,
		  size_t len);
void xml_doc__free(struct xml_doc *d);

/*
 * One line "NAME:LINE: <ELEMENT>: MESSAGE" about element @n (its name as
 * the document wrote it, prefix included, escaped). Returns @err.
 */
int xml__fail(const struct xml_doc *d, const xmlNode *n, int err,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Is @n the element NAME, in no XML namespace? */
bool xml__is(const xmlNode *n, const char *name);

/*
 * The text inside element @n (text and CDATA joined, comments and
 * processing instructions skipped) in @buf. An element inside it, or
 * text longer than @size - 1 bytes, is refused with a message.
 */
int xml__text(const struct xml_doc *d, const xmlNode *n, char *buf,
	      size_t size);

#define XML_ATTR_MAX	128	/* the longest attribute value taken, with its NUL */

/*
 * The attributes element @n may have. xml__attrs fills each one's value
 * and says whether it was given; an attribute not in @want (or in a
 * namespace), one whose @refused reason is set, or a value longer than
 * XML_ATTR_MAX - 1 bytes, is refused by name.
 */
struct xml_attr {
	const char *name;
	const char *refused;	/* known, but refused: why */
	bool given;
	char value[XML_ATTR_MAX];
};
int xml__attrs(const struct xml_doc *d, const xmlNode *n, struct xml_attr *want,
	       unsigned int nr);
/* One attribute alone, whatever else @n has: to look at it first. */
int xml__attr(const struct xml_doc *d, const xmlNode *n, struct xml_attr *one);

/*
 * The child elements element @n may have, each at most once: xml__children
 * sets each one's node (NULL when absent). Text other than white space
 * between them, an element not in @want (or in a namespace), one whose
 * @refused reason is set and one given twice are refused by name.
 */
struct xml_child {
	const char *name;
	const char *refused;	/* known, but refused: why */
	const xmlNode *node;
};
int xml__children(const struct xml_doc *d, const xmlNode *n,
		  struct xml_child *want, unsigned int nr);

/* Both: an element with these attributes and these children, no others. */
int xml__element(const struct xml_doc *d, const xmlNode *n,
		 struct xml_attr *attrs, unsigned int nr_attrs,
		 struct xml_child *children, unsigned int nr_children);

#endif
