// SPDX-License-Identifier: GPL-2.0
/*
 * libxml2 loaded on demand (see xml-lib.h for why), and the checked ways
 * the commands read a document with it: an element's text, its attributes
 * and its child elements, each refusing what the caller did not ask for.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/util.h"
#include "lkvm/xml-lib.h"

static struct xml_lib lib;
static const struct xml_lib *loaded;
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
	void (*init_parser)(void);

	if (!h) {
		snprintf(load_error, sizeof(load_error),
			 "cannot load libxml2, needed to read XML: %s", dlerror());
		return;
	}
	init_parser = (void (*)(void))dlsym(h, "xmlInitParser");
	lib.new_parser_ctxt = (xmlParserCtxtPtr (*)(void))dlsym(h, "xmlNewParserCtxt");
	lib.free_parser_ctxt = (void (*)(xmlParserCtxtPtr))dlsym(h, "xmlFreeParserCtxt");
	lib.ctxt_read_memory = (xmlDocPtr (*)(xmlParserCtxtPtr, const char *, int,
					      const char *, const char *, int))
			       dlsym(h, "xmlCtxtReadMemory");
	lib.free_doc = (void (*)(xmlDocPtr))dlsym(h, "xmlFreeDoc");
	if (!init_parser || !lib.new_parser_ctxt || !lib.free_parser_ctxt ||
	    !lib.ctxt_read_memory || !lib.free_doc) {
		snprintf(load_error, sizeof(load_error), "libxml2 lacks a function lkvm needs");
		return;
	}
	/* libxml2's global state, set up once before any thread parses */
	init_parser();
	loaded = &lib;
}

const struct xml_lib *xml_lib__get(void)
{
	pthread_once(&once, load);
	if (!loaded)
		lkvm__fail(-ENOENT, "%s", load_error);
	return loaded;
}

/* The first error libxml2 reports while parsing, kept for the message. */
struct first_error {
	bool seen;
	int line;
	char msg[200];
};

/*
 * The parser context's own structured handler: libxml2 calls it instead
 * of printing on stderr, with the context as @data. Warnings are not
 * errors; an undefined namespace prefix, which leaves a tree, is one.
 */
static void keep_first_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct first_error *first = ctxt->_private;
	size_t n;

	if (first->seen || e->level < XML_ERR_ERROR)
		return;
	first->seen = true;
	first->line = e->line;
	n = e->message ? strlen(e->message) : 0;
	while (n && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
		n--;
	str_escape(first->msg, sizeof(first->msg), e->message ? e->message : "", n);
}

int xml_doc__read(struct xml_doc *d, const char *name, const char *text,
		  size_t len)
{
	const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA |
			    XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	struct first_error first = { .seen = false };
	const struct xml_lib *x;
	xmlParserCtxtPtr ctxt;
	const xmlNode *n;
	xmlDocPtr doc;

	memset(d, 0, sizeof(*d));
	d->name = name;
	if (len > INT_MAX)
		return lkvm__fail(-EFBIG, "%s: too large to be XML lkvm reads", name);
	x = xml_lib__get();
	if (!x)
		return -ENOENT;
	ctxt = x->new_parser_ctxt();
	if (!ctxt)
		return lkvm__fail(-ENOMEM, "%s: out of memory for the XML parser", name);
	ctxt->_private = &first;
	ctxt->sax->serror = keep_first_error;
	doc = x->ctxt_read_memory(ctxt, text, (int)len, NULL, NULL, options);
	x->free_parser_ctxt(ctxt);
	if (!doc || first.seen) {
		if (doc)
			x->free_doc(doc);
		if (!first.seen)
			return lkvm__fail(-EINVAL, "%s: malformed XML", name);
		return lkvm__fail(-EINVAL, "%s:%d: malformed XML: %s", name,
				  first.line, first.msg);
	}
	d->doc = doc;
	if (doc->intSubset || doc->extSubset) {
		xml_doc__free(d);
		return lkvm__fail(-EINVAL, "%s: a DOCTYPE is refused: lkvm reads the bare element, with no DTD or entities",
				  name);
	}
	for (n = doc->children; n && n->type != XML_ELEMENT_NODE; n = n->next)
		;
	d->root = n;	/* well-formed XML has one */
	if (!d->root) {
		xml_doc__free(d);
		return lkvm__fail(-EINVAL, "%s: no element", name);
	}
	return 0;
}

void xml_doc__free(struct xml_doc *d)
{
	if (d->doc)
		lib.free_doc(d->doc);	/* only a loaded library made one */
	d->doc = NULL;
	d->root = NULL;
}

/* A name as written (prefix:name), escaped, for messages. */
static const char *qname(const xmlNs *ns, const xmlChar *local, char *buf,
			 size_t size)
{
	char raw[160];

	if (ns && ns->prefix)
		snprintf(raw, sizeof(raw), "%s:%s", (const char *)ns->prefix,
			 (const char *)local);
	else
		snprintf(raw, sizeof(raw), "%s", (const char *)local);
	str_escape(buf, size, raw, sizeof(raw));
	return buf;
}

static const char *node_name(const xmlNode *n, char *buf, size_t size)
{
	return qname(n->ns, n->name, buf, size);
}

int xml__fail(const struct xml_doc *d, const xmlNode *n, int err,
	      const char *fmt, ...)
{
	char msg[384], name[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lkvm__fail(err, "%s:%d: <%s>: %s", d->name, n->line,
			  node_name(n, name, sizeof(name)), msg);
}

bool xml__is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !n->ns &&
	       !strcmp((const char *)n->name, name);
}

/* Append the text of node list @n to @buf (holding *@len bytes). */
static bool join_text(const xmlNode *n, char *buf, size_t size, size_t *len)
{
	size_t add;

	for (; n; n = n->next) {
		if (n->type != XML_TEXT_NODE && n->type != XML_CDATA_SECTION_NODE)
			continue;
		add = n->content ? strlen((const char *)n->content) : 0;
		if (add >= size - *len)
			return false;
		memcpy(buf + *len, n->content, add);
		*len += add;
		buf[*len] = '\0';
	}
	return true;
}

int xml__text(const struct xml_doc *d, const xmlNode *n, char *buf,
	      size_t size)
{
	const xmlNode *c;
	char name[96];
	size_t len = 0;

	buf[0] = '\0';
	for (c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return xml__fail(d, n, -EINVAL, "holds a value, not an element <%s>",
					 node_name(c, name, sizeof(name)));
	if (!join_text(n->children, buf, size, &len))
		return xml__fail(d, n, -E2BIG, "the value is longer than %zu bytes",
				 size - 1);
	return 0;
}

/* The names in @want that are taken, for messages: "a=, b=" or "none" */
static void list_attrs(const struct xml_attr *want, unsigned int nr, char *buf,
		       size_t size)
{
	size_t len = 0;
	unsigned int i;

	snprintf(buf, size, "none");
	for (i = 0; i < nr && len < size; i++)
		if (!want[i].refused)
			len += (size_t)snprintf(buf + len, size - len, "%s%s=",
						len ? ", " : "", want[i].name);
}

/* Fill @want from @n's attributes; only when @strict refuse the others. */
static int read_attrs(const struct xml_doc *d, const xmlNode *n,
		      struct xml_attr *want, unsigned int nr, bool strict)
{
	char name[96], list[160];
	const xmlAttr *a;
	unsigned int i;
	size_t len;

	for (i = 0; i < nr; i++) {
		want[i].given = false;
		want[i].value[0] = '\0';
	}
	for (a = n->properties; a; a = a->next) {
		for (i = 0; i < nr; i++)
			if (!a->ns && !strcmp((const char *)a->name, want[i].name))
				break;
		if (i == nr && !strict)
			continue;
		if (i == nr) {
			list_attrs(want, nr, list, sizeof(list));
			qname(a->ns, a->name, name, sizeof(name));
			return xml__fail(d, n, -EINVAL,
					 "unknown attribute %s= (it takes %s)", name, list);
		}
		if (want[i].refused && strict)
			return xml__fail(d, n, -EINVAL, "%s= is refused: %s",
					 want[i].name, want[i].refused);
		len = 0;
		if (!join_text(a->children, want[i].value, sizeof(want[i].value), &len))
			return xml__fail(d, n, -E2BIG, "%s= is longer than %d bytes",
					 want[i].name, XML_ATTR_MAX - 1);
		want[i].given = true;	/* libxml2 refuses one given twice */
	}
	return 0;
}

int xml__attrs(const struct xml_doc *d, const xmlNode *n, struct xml_attr *want,
	       unsigned int nr)
{
	return read_attrs(d, n, want, nr, true);
}

int xml__attr(const struct xml_doc *d, const xmlNode *n, struct xml_attr *one)
{
	return read_attrs(d, n, one, 1, false);
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

int xml__children(const struct xml_doc *d, const xmlNode *n,
		  struct xml_child *want, unsigned int nr)
{
	char name[96], list[200];
	const xmlNode *c;
	unsigned int i;
	size_t len;

	for (i = 0; i < nr; i++)
		want[i].node = NULL;
	for (c = n->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    !blank(c->content ? (const char *)c->content : "")) {
			const char *t = (const char *)c->content;
			size_t tl;

			t += strspn(t, " \t\r\n");
			for (tl = strlen(t); strchr(" \t\r\n", t[tl - 1]); tl--)
				;
			str_escape(list, 40, t, tl);
			return xml__fail(d, n, -EINVAL, "unexpected text '%s'", list);
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;	/* white space, comments, processing instructions */
		for (i = 0; i < nr; i++)
			if (xml__is(c, want[i].name))
				break;
		if (i == nr) {
			len = 0;
			snprintf(list, sizeof(list), "none");
			for (i = 0; i < nr && len < sizeof(list); i++)
				if (!want[i].refused)
					len += (size_t)snprintf(list + len, sizeof(list) - len,
								"%s<%s>", len ? ", " : "",
								want[i].name);
			return xml__fail(d, c, -EINVAL, "unknown element in <%s> (it takes %s)",
					 node_name(n, name, sizeof(name)), list);
		}
		if (want[i].refused)
			return xml__fail(d, c, -EINVAL, "refused: %s", want[i].refused);
		if (want[i].node)
			return xml__fail(d, c, -EINVAL, "given twice in <%s> (line %d, then %d)",
					 node_name(n, name, sizeof(name)),
					 want[i].node->line, c->line);
		want[i].node = c;
	}
	return 0;
}

int xml__element(const struct xml_doc *d, const xmlNode *n,
		 struct xml_attr *attrs, unsigned int nr_attrs,
		 struct xml_child *children, unsigned int nr_children)
{
	int ret = xml__attrs(d, n, attrs, nr_attrs);

	return ret ? ret : xml__children(d, n, children, nr_children);
}
