// SPDX-License-Identifier: GPL-2.0
/*
 * libvirt's <memory model='nvdimm'> device element (docs/nvdimm-xml.md)
 * into a vNVDIMM configuration: every element and attribute libvirt gives
 * an nvdimm is either honoured or refused by name, never ignored. This
 * half reads the document, <memory> and its identity (<uuid>, <alias>,
 * <address>); nvdimm-xml-backing.c the backing and the sizes. Nothing
 * here touches the backing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lkvm/api.h"
#include "lkvm/limits.h"
#include "lkvm/nvdimm-xml.h"
#include "lkvm/nvdimm.h"
#include "lkvm/util.h"
#include "lkvm/uuid.h"
#include "lkvm/xml-lib.h"
#include "nvdimm-xml-internal.h"

static int read_uuid(struct reader *r, const xmlNode *n)
{
	struct nvdimm_config *cfg = &r->out->cfg;
	char text[64], e[ESC_MAX];
	const char *s;
	int ret;

	ret = xml__attrs(&r->d, n, NULL, 0);
	if (!ret)
		ret = xml__text(&r->d, n, text, sizeof(text));
	if (ret)
		return ret;
	s = trim(text);
	if (uuid__parse(s, cfg->uuid))
		return xml__fail(&r->d, n, -EINVAL,
				 "'%s' is not a UUID (8-4-4-4-12 hex digits, as libvirt writes it)",
				 esc(s, e));
	if (uuid__is_nil(cfg->uuid))
		return xml__fail(&r->d, n, -EINVAL,
				 "the nil UUID cannot be a unit GUID; give a real one or none");
	cfg->has_uuid = true;
	return 0;
}

/*
 * <alias name='ID'/>: libvirt's own names (nvdimm0) and user ones (ua-...)
 * name the device as the control API's ids do, within libvirt's characters.
 */
_Static_assert(NVDIMM_XML_ID_MAX == API_DEVICE_ID_MAX + 1, "an alias is an API id");

static int read_alias(struct reader *r, const xmlNode *n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	struct xml_attr name = { .name = "name" };
	char e[ESC_MAX];
	int ret;

	ret = xml__element(&r->d, n, &name, 1, NULL, 0);
	if (ret)
		return ret;
	if (!name.value[0])
		return xml__fail(&r->d, n, -EINVAL, "no name= (or an empty one)");
	if (strlen(name.value) >= NVDIMM_XML_ID_MAX)
		return xml__fail(&r->d, n, -EINVAL, "name= is longer than %d characters",
				 NVDIMM_XML_ID_MAX - 1);
	if (name.value[strspn(name.value, ok)] || name.value[0] == '-')
		return xml__fail(&r->d, n, -EINVAL,
				 "name='%s' may hold only letters, digits, '_' and '-', not first",
				 esc(name.value, e));
	strcpy(r->out->id, name.value);
	r->out->has_id = true;
	return 0;
}

/* libvirt writes base= in hex, with or without 0x */
static int parse_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strspn(s, "0123456789abcdefABCDEF");
	if (!n || s[n])
		return -EINVAL;
	for (; *s; s++) {
		if (v >> 60)
			return -ERANGE;
		v = v << 4 | (uint64_t)(isdigit((unsigned char)*s) ? *s - '0' :
					(tolower((unsigned char)*s) - 'a' + 10));
	}
	*out = v;
	return 0;
}

static int read_address(struct reader *r, const xmlNode *n)
{
	struct xml_attr a[] = { { .name = "type" }, { .name = "slot" }, { .name = "base" } };
	struct nvdimm_xml *out = r->out;
	char e[ESC_MAX];
	uint64_t v;
	int ret;

	ret = xml__element(&r->d, n, a, ARRAY_SIZE(a), NULL, 0);
	if (ret)
		return ret;
	if (!a[0].given)
		return xml__fail(&r->d, n, -EINVAL, "no type= (an nvdimm has type='dimm')");
	if (strcmp(a[0].value, "dimm"))
		return xml__fail(&r->d, n, -EINVAL,
				 "type='%s' is not a DIMM slot (an nvdimm has type='dimm')",
				 esc(a[0].value, e));
	if (a[1].given) {
		if (parse_uint(a[1].value, 0, LKVM_MAX_NVDIMMS - 1, &v))
			return xml__fail(&r->d, n, -EINVAL,
					 "slot='%s' is not one of lkvm's slots 0 to %d",
					 esc(a[1].value, e), LKVM_MAX_NVDIMMS - 1);
		out->slot = (unsigned int)v;
		out->has_slot = true;
	}
	if (a[2].given) {
		if (parse_hex(a[2].value, &out->base))
			return xml__fail(&r->d, n, -EINVAL,
					 "base='%s' is not a 64-bit hex address",
					 esc(a[2].value, e));
		out->has_base = true;
	}
	return 0;
}

static int read_memory(struct reader *r, const xmlNode *n)
{
	struct xml_attr a[] = {
		{ .name = "model" },
		{ .name = "access" },
		{ .name = "discard", .refused = "libvirt takes it for model='dimm' only, and lkvm never discards what the guest wrote" },
	};
	struct xml_child c[] = { { .name = "uuid" }, { .name = "source" },
				 { .name = "target" }, { .name = "alias" },
				 { .name = "address" } };
	char e[ESC_MAX];
	int ret;

	if (n->ns && !strcmp((const char *)n->name, "memory"))
		return xml__fail(&r->d, n, -EINVAL,
				 "in the XML namespace '%s': libvirt's device element has none",
				 esc((const char *)(n->ns->href ? n->ns->href : (const xmlChar *)""), e));
	if (!xml__is(n, "memory"))
		return xml__fail(&r->d, n, -EINVAL,
				 "not libvirt's <memory model='nvdimm'> device element");
	/* the model first: what else is wrong with a dimm matters less */
	ret = xml__attr(&r->d, n, &a[0]);
	if (ret)
		return ret;
	if (!a[0].given)
		return xml__fail(&r->d, n, -EINVAL, "no model= (lkvm takes model='nvdimm')");
	if (strcmp(a[0].value, "nvdimm"))
		return xml__fail(&r->d, n, -EINVAL,
				 "model='%s' is not an nvdimm: lkvm takes model='nvdimm' only",
				 esc(a[0].value, e));
	ret = xml__attrs(&r->d, n, a, ARRAY_SIZE(a));
	if (ret)
		return ret;
	/* without access=, libvirt takes the domain's <memoryBacking>, which
	 * lkvm has no part of: it shares the file, its only way */
	if (a[1].given && !strcmp(a[1].value, "private"))
		return xml__fail(&r->d, n, -EINVAL,
				 "access='private' is refused: it maps the file copy-on-write, so the guest's writes never reach it; lkvm always shares the file (access='shared')");
	if (a[1].given && strcmp(a[1].value, "shared"))
		return xml__fail(&r->d, n, -EINVAL,
				 "access='%s' is neither shared nor private", esc(a[1].value, e));
	ret = xml__children(&r->d, n, c, ARRAY_SIZE(c));
	if (ret)
		return ret;
	if (!c[1].node)
		return xml__fail(&r->d, n, -EINVAL, "no <source>: an nvdimm needs <source><path>");
	if (!c[2].node)
		return xml__fail(&r->d, n, -EINVAL, "no <target>: an nvdimm needs <target><size>");
	ret = c[0].node ? read_uuid(r, c[0].node) : 0;
	if (!ret)
		ret = nvdimm_xml__read_source(r, c[1].node);
	if (!ret)
		ret = nvdimm_xml__read_target(r, c[2].node);
	if (!ret && c[3].node)
		ret = read_alias(r, c[3].node);
	if (!ret && c[4].node)
		ret = read_address(r, c[4].node);
	return ret;
}

static int parse_named(const char *text, size_t len, const char *name,
		       struct nvdimm_xml *out)
{
	struct reader r = { .out = out };
	int ret;

	memset(out, 0, sizeof(*out));
	if (len > NVDIMM_XML_MAX)
		return lkvm__fail(-EFBIG, "%s: %zu bytes is more than the %d an nvdimm element may have",
				  name, len, NVDIMM_XML_MAX);
	ret = xml_doc__read(&r.d, name, text, len);
	if (ret)
		return ret;
	ret = read_memory(&r, r.d.root);
	xml_doc__free(&r.d);
	/* the rules every vNVDIMM meets, however it was given: met above */
	if (!ret)
		ret = nvdimm_config__validate(&out->cfg);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}

int nvdimm_xml__parse(const char *text, size_t len, struct nvdimm_xml *out)
{
	return parse_named(text, len, "nvdimm XML", out);
}

int nvdimm_xml__read_file(const char *path, struct nvdimm_xml *out)
{
	struct stat st;
	char *text;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	fd = open_regular(path, "nvdimm XML", &st);
	if (fd < 0)
		return fd;
	if (st.st_size > NVDIMM_XML_MAX) {
		close(fd);
		return lkvm__fail(-EFBIG, "%s: %lld bytes is more than the %d an nvdimm element may have",
				  path, (long long)st.st_size, NVDIMM_XML_MAX);
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		return lkvm__fail(-ENOMEM, "%s: out of memory", path);
	}
	if (st.st_size && !read_fully(fd, text, (size_t)st.st_size, 0))
		ret = lkvm__fail(-EIO, "%s: cannot read it", path);
	else
		ret = parse_named(text, (size_t)st.st_size, path, out);
	free(text);
	close(fd);
	return ret;
}