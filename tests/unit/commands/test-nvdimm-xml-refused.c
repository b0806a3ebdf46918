// SPDX-License-Identifier: GPL-2.0
/*
 * What lkvm cannot honour in libvirt's <memory model='nvdimm'> element is
 * refused by name, never ignored; malformed XML with libxml2's message.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "expect-error.h"
#include "nvdimm-xml-doc.h"

#include "lkvm/nvdimm-xml.h"
#include "lkvm/util.h"

#define TARGET_1G "<size unit='GiB'>1</size>" LABEL_128K

/* <memory model='nvdimm'> with @source inside <source> */
static char *with_source(const char *source)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
		 "<memory model='nvdimm'><source>%s</source><target>" TARGET_1G
		 "</target></memory>", source);
	return buf;
}

/* <memory model='nvdimm'> with @before the source and @after the target */
static char *around(const char *before, const char *after)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
		 "<memory model='nvdimm'>%s<source><path>/x</path></source><target>"
		 TARGET_1G "</target>%s</memory>", before, after);
	return buf;
}

static void test_element_and_model(void **state)
{
	(void)state;
	bad("<domain type='kvm'><devices/></domain>",
	    "nvdimm XML:1: <domain>: not libvirt's <memory model='nvdimm'> device element");
	bad("<disk type='file'/>", "<disk>: not libvirt's");
	bad("<memory model='dimm'><target>" TARGET_1G "</target></memory>",
	    "<memory>: model='dimm' is not an nvdimm: lkvm takes model='nvdimm' only");
	bad("<memory model='virtio-pmem'/>", "model='virtio-pmem' is not an nvdimm");
	/* libvirt's own dimm example: the model is what matters */
	bad("<memory model='dimm' access='private' discard='yes'/>", "model='dimm' is not an nvdimm");
	bad("<memory discard='yes' bogus='1'/>", "<memory>: no model=");
	bad("<memory model='NVDIMM'/>", "model='NVDIMM' is not an nvdimm");
	bad("<memory/>", "<memory>: no model=");
	bad("<memory xmlns='urn:x' model='nvdimm'/>", "in the XML namespace 'urn:x'");
	bad("<l:memory xmlns:l='urn:x' model='nvdimm'/>", "<l:memory>: in the XML namespace");
	bad(doc("", "", "", ""), "<target>: no <size>");
	bad("<memory model='nvdimm'><target>" TARGET_1G "</target></memory>",
	    "<memory>: no <source>");
	bad("<memory model='nvdimm'><source><path>/x</path></source></memory>",
	    "<memory>: no <target>");
}

static void test_access_discard_node(void **state)
{
	struct nvdimm_xml x;

	(void)state;
	assert_int_equal(parse(doc(" access='shared'", "", TARGET_1G, ""), &x), 0);
	bad(doc(" access='private'", "", TARGET_1G, ""),
	    "access='private' is refused: it maps the file copy-on-write");
	bad(doc(" access='Shared'", "", TARGET_1G, ""),
	    "access='Shared' is neither shared nor private");
	bad(doc(" discard='yes'", "", TARGET_1G, ""),
	    "<memory>: discard= is refused: libvirt takes it for model='dimm' only");
	bad(doc("", "", "<size unit='GiB'>1</size><node>0</node>" LABEL_128K, ""),
	    "<node>: refused: lkvm gives its guests no NUMA nodes");
}

static void test_unknown_refused_by_name(void **state)
{
	(void)state;
	bad(doc(" dump='on'", "", TARGET_1G, ""),
	    "<memory>: unknown attribute dump= (it takes model=, access=)");
	bad(doc(" xmlns:q='urn:q' q:model='x'", "", TARGET_1G, ""),
	    "unknown attribute q:model=");
	bad(doc("", "  <driver/>\n", TARGET_1G, ""),
	    "nvdimm XML:3: <driver>: unknown element in <memory> (it takes <uuid>, <source>, <target>, <alias>, <address>)");
	bad(with_source("<path>/x</path><pagesize unit='KiB'>64</pagesize>"),
	    "<pagesize>: unknown element in <source> (it takes <path>, <alignsize>, <pmem>)");
	bad(with_source("<path>/x</path><nodemask>0</nodemask>"), "<nodemask>: unknown element");
	bad(doc("", "", TARGET_1G "<block>2048</block>", ""),
	    "<block>: unknown element in <target> (it takes <size>, <label>, <readonly>)");
	bad(doc("", "", "<size>1048576</size><label><size>128</size><x/></label>", ""),
	    "<x>: unknown element in <label> (it takes <size>)");
	bad(doc("", "", "<size unit='KiB' max='1'>1048576</size>" LABEL_128K, ""),
	    "<size>: unknown attribute max= (it takes unit=)");
	bad(doc("", "", TARGET_1G "<readonly mode='on'/>", ""),
	    "<readonly>: unknown attribute mode= (it takes none)");
	bad(doc("", "", TARGET_1G "<readonly>yes</readonly>", ""),
	    "<readonly>: unexpected text 'yes'");
	bad(doc("", "", TARGET_1G "<readonly><x/></readonly>", ""),
	    "<x>: unknown element in <readonly> (it takes none)");
	bad(doc("", "", TARGET_1G, "<alias name='a'><x/></alias>"), "<x>: unknown element in <alias>");
	bad(doc("", "", TARGET_1G, "<address type='dimm' bus='0'/>"),
	    "<address>: unknown attribute bus= (it takes type=, slot=, base=)");
	bad(doc("", "", TARGET_1G, "<uuid>x</uuid>"), "<uuid>: given twice in <memory> (line 2, then 9)");
	bad(doc("", "", TARGET_1G "<size>1</size>", ""), "<size>: given twice in <target>");
	bad(doc("", "", TARGET_1G, "<acpi index='1'/>"), "<acpi>: unknown element in <memory>");
	bad(doc("", "  stray\ttext  \n", TARGET_1G, ""), "<memory>: unexpected text 'stray\\ttext'");
	bad(doc("", "", "<size>1048576<x/></size>" LABEL_128K, ""),
	    "<size>: holds a value, not an element <x>");
	bad(with_source("<path unit='b'>/x</path>"), "<path>: unknown attribute unit=");
	bad(around("<uuid a='1'>49545eb3-75e1-2d0a-acdd-f0294406c99e</uuid>", ""),
	    "<uuid>: unknown attribute a=");
}

static void test_source(void **state)
{
	char path[PATH_MAX + 64];
	struct nvdimm_xml x;

	(void)state;
	bad(with_source(""), "<source>: no <path>: an nvdimm needs its backing file");
	bad(with_source("<path>tmp/nvdimm</path>"), "'tmp/nvdimm' is not an absolute path");
	bad(with_source("<path> /tmp/nvdimm</path>"), "' /tmp/nvdimm' is not an absolute path");
	bad(with_source("<path></path>"), "'' is not an absolute path");
	bad(with_source("<path>/tmp/a&#10;b</path>"), "'/tmp/a\\nb' has a control character");
	bad(with_source("<path>/tmp/a\tb</path>"), "has a control character");
	/* the longest path there is, and one byte more */
	snprintf(path, sizeof(path), "<path>/%0*d</path>", PATH_MAX - 2, 0);
	assert_int_equal(parse(with_source(path), &x), 0);
	assert_int_equal(strlen(x.cfg.path), PATH_MAX - 1);
	snprintf(path, sizeof(path), "<path>/%0*d</path>", PATH_MAX - 1, 0);
	bad(with_source(path), "<path>: the value is longer than 4095 bytes");

	bad(with_source("<path>/x</path><alignsize unit='KiB'>3000</alignsize>"),
	    "<alignsize>: 3072000 bytes is not a power of two");
	bad(with_source("<path>/x</path><alignsize>0</alignsize>"), "0 bytes is not a power of two");
	bad(with_source("<path>/x</path><alignsize unit='x'>2</alignsize>"),
	    "<alignsize>: unknown unit='x'");
	bad(with_source("<path>/x</path><pmem on='1'/>"), "<pmem>: unknown attribute on=");
	bad(with_source("<path>/x</path><pmem>1</pmem>"), "<pmem>: unexpected text '1'");
	assert_int_equal(parse(with_source("<path>/x</path><alignsize unit='GiB'>1</alignsize>"),
			       &x), 0);
	assert_true(x.align_size == GiB && !x.pmem);
}

static void test_uuid_alias_address(void **state)
{
	char alias[128];
	struct nvdimm_xml x;

	(void)state;
	bad(around("<uuid>00000000-0000-0000-0000-000000000000</uuid>", ""),
	    "<uuid>: the nil UUID cannot be a unit GUID");
	bad(around("<uuid>49545eb3</uuid>", ""), "<uuid>: '49545eb3' is not a UUID");
	bad(around("<uuid>49545eb375e12d0aacddf0294406c99e</uuid>", ""), "is not a UUID");
	bad(around("<uuid></uuid>", ""), "'' is not a UUID");

	assert_int_equal(parse(around("", "<alias name='ua-a_1-B'/>"), &x), 0);
	assert_true(x.has_id);
	assert_string_equal(x.id, "ua-a_1-B");
	bad(around("", "<alias/>"), "<alias>: no name=");
	bad(around("", "<alias name=''/>"), "<alias>: no name= (or an empty one)");
	bad(around("", "<alias name='a b'/>"), "name='a b' may hold only letters, digits");
	bad(around("", "<alias name='a/b'/>"), "may hold only");
	bad(around("", "<alias name='-a'/>"), "name='-a' may hold only letters, digits, '_' and '-', not first");
	bad(around("", "<alias name='a.b'/>"), "may hold only");
	bad(around("", "<alias name='a&#x80;b'/>"), "name='a\\xc2\\x80b' may hold only");
	snprintf(alias, sizeof(alias), "<alias name='%0*d'/>", NVDIMM_XML_ID_MAX - 1, 0);
	assert_int_equal(parse(around("", alias), &x), 0);
	assert_int_equal(strlen(x.id), NVDIMM_XML_ID_MAX - 1);
	snprintf(alias, sizeof(alias), "<alias name='%0*d'/>", NVDIMM_XML_ID_MAX, 0);
	bad(around("", alias), "name= is longer than 31 characters");

	bad(around("", "<address slot='1'/>"), "<address>: no type= (an nvdimm has type='dimm')");
	bad(around("", "<address type='pci' slot='0x01'/>"), "type='pci' is not a DIMM slot");
	bad(around("", "<address type='dimm' slot='16'/>"),
	    "slot='16' is not one of lkvm's slots 0 to 15");
	bad(around("", "<address type='dimm' slot='-1'/>"), "slot='-1' is not one of");
	bad(around("", "<address type='dimm' slot=''/>"), "slot='' is not one of");
	bad(around("", "<address type='dimm' base='zz'/>"), "base='zz' is not a 64-bit hex address");
	bad(around("", "<address type='dimm' base='0x'/>"), "base='0x' is not");
	bad(around("", "<address type='dimm' base='0x10000000000000000'/>"), "is not a 64-bit");
	assert_int_equal(parse(around("", "<address type='dimm' base='0xFFFFFFFFFFFFFFFF'/>"),
			       &x), 0);
	assert_true(x.has_base && x.base == UINT64_MAX && !x.has_slot);
}

/* libxml2's own message and line for what is not XML at all */
static void test_malformed(void **state)
{
	static const char nul[] = "<memory model='nvdimm'>\0</memory>";
	struct nvdimm_xml x;

	(void)state;
	bad("<memory model='nvdimm'>\n  <source>\n</memory>\n",
	    "nvdimm XML:3: malformed XML: Opening and ending tag mismatch: source line 2 and memory");
	bad("<memory model='nvdimm' model='dimm'/>", "nvdimm XML:1: malformed XML: Attribute model redefined");
	bad("<memory model='nvdimm'/><memory/>", "malformed XML: Extra content at the end");
	bad("", "malformed XML");
	bad("   ", "malformed XML: Start tag expected");
	bad("not xml", "nvdimm XML:1: malformed XML: Start tag expected, '<' not found");
	bad(with_source("<path>&p;</path>"), "malformed XML: Entity 'p' not defined");
	bad("<!DOCTYPE memory [<!ENTITY p '/tmp/x'>]>\n<memory model='nvdimm'/>",
	    "nvdimm XML: a DOCTYPE is refused");
	bad("<!DOCTYPE memory SYSTEM 'http://example.com/m.dtd'><memory/>", "a DOCTYPE is refused");
	bad("<memory model='nvdimm'><l:x/></memory>", "malformed XML: Namespace prefix l on x is not defined");
	expect_error(nvdimm_xml__parse(nul, sizeof(nul) - 1, &x), "malformed XML");
}

/* libxml2's errors and warnings reach the message, never stderr */
static void test_nothing_on_stderr(void **state)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);

	(void)state;
	assert_non_null(tmp);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) == 2);
	bad("<memory><a></b></memory>", "malformed XML: Opening and ending tag mismatch");
	bad("<memory model='nvdimm'><l:x/></memory>", "Namespace prefix l on x");
	bad("<memory xmlns='not a uri' model='nvdimm'/>", "malformed XML: xmlns: 'not a uri' is not a valid URI");
	/* a warning (a relative namespace URI) is no error */
	bad("<memory xmlns='foo' model='nvdimm'/>", "<memory>: in the XML namespace 'foo'");
	bad("<?xml version='1.0' encoding='no-such-encoding'?><memory/>", "malformed XML");
	fflush(stderr);
	assert_true(dup2(saved, 2) == 2);
	close(saved);
	assert_int_equal(fseek(tmp, 0, SEEK_END), 0);
	assert_int_equal(ftell(tmp), 0);
	fclose(tmp);
}

/* Only @len bytes are read: no NUL is needed after them (ASan sees any more) */
static void test_length_only(void **state)
{
	const char *text = doc("", "", TARGET_1G, "");
	size_t len = strlen(text);
	char *exact = malloc(len);
	struct nvdimm_xml x;

	(void)state;
	assert_non_null(exact);
	memcpy(exact, text, len);
	assert_int_equal(nvdimm_xml__parse(exact, len, &x), 0);
	assert_true(x.cfg.size == 768 * MiB);
	/* a document cut short is malformed */
	expect_error(nvdimm_xml__parse(exact, len - 3, &x), "malformed XML");
	free(exact);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_element_and_model),
		cmocka_unit_test(test_access_discard_node),
		cmocka_unit_test(test_unknown_refused_by_name),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_uuid_alias_address),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_length_only),
		cmocka_unit_test(test_nothing_on_stderr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
