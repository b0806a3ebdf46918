// SPDX-License-Identifier: GPL-2.0
/*
 * libvirt's <memory model='nvdimm'> element: the seed's documents, the
 * pSeries size rule and libvirt's units, what is taken and what is refused.
 */
#include <errno.h>
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
#include "scratch-fixture.h"

#include "lkvm/nvdimm-xml.h"
#include "lkvm/util.h"

#define SEED_START	"tests/system/data/nvdimm-start.xml"
#define SEED_HOTPLUG	"tests/system/data/nvdimm-mem.xml"

static void test_seed_start(void **state)
{
	static const uint8_t uuid[16] = {
		0x49, 0x54, 0x5e, 0xb3, 0x75, 0xe1, 0x2d, 0x0a,
		0xac, 0xdd, 0xf0, 0x29, 0x44, 0x06, 0xc9, 0x9e,
	};
	struct nvdimm_xml x;

	(void)state;
	assert_int_equal(nvdimm_xml__read_file(SEED_START, &x), 0);
	assert_string_equal(x.cfg.path, "/tmp/nvdimm");
	assert_true(x.target_size == 2883712ULL * 1024);
	assert_true(x.cfg.size == 2952790016ULL);	/* 2816 MiB, 11 blocks */
	assert_true(x.cfg.label_size == 131072);
	assert_true(x.cfg.size + x.cfg.label_size == 2952921088ULL);
	assert_true(x.cfg.has_uuid);
	assert_memory_equal(x.cfg.uuid, uuid, sizeof(uuid));
	assert_false(x.cfg.readonly || x.has_id || x.has_slot || x.has_base || x.pmem);
	assert_true(x.align_size == 0);
}

static void test_seed_hotplug(void **state)
{
	struct nvdimm_xml x;

	(void)state;
	assert_int_equal(nvdimm_xml__read_file(SEED_HOTPLUG, &x), 0);
	assert_string_equal(x.cfg.path, "/tmp/nvdimm-hp.img");
	assert_true(x.target_size == GiB);
	assert_true(x.cfg.size == 768 * MiB);
	assert_true(x.cfg.size + x.cfg.label_size == 805437440ULL);
	assert_true(x.cfg.has_uuid);
}

/* libvirt writes 2883712 KiB for <size unit='GiB'>3</size> and a 128 KiB label */
static void test_pseries_rule(void **state)
{
	static const struct {
		const char *size;
		uint64_t area;
	} ok[] = {
		{ "<size unit='GiB'>3</size>", 2816 * MiB },
		{ "<size>2883712</size>", 2816 * MiB },		/* KiB by default */
		{ "<size unit='b'>268566528</size>", 256 * MiB },	/* 256M + 128K */
		{ "<size unit='KiB'>524287</size>", 256 * MiB },
		{ "<size unit='GB'>1</size>", 768 * MiB },	/* 10^9 - 128K */
		{ "<size unit='G'>1</size>", 768 * MiB },
	};
	char target[256];
	struct nvdimm_xml x;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		snprintf(target, sizeof(target), "%s" LABEL_128K, ok[i].size);
		assert_int_equal(parse(doc("", "", target, ""), &x), 0);
		assert_true(x.cfg.size == ok[i].area);
		assert_true(x.cfg.label_size == 128 * KiB);
	}
	/* the label is inside the target: 256 MiB + 128 KiB is the least */
	bad(doc("", "", "<size unit='MiB'>256</size>" LABEL_128K, ""),
	    "256M less the 128K label leaves no 256 MiB block");
	bad(doc("", "", "<size unit='KiB'>128</size>" LABEL_128K, ""), "leaves no 256 MiB");
	bad(doc("", "", "<size unit='KiB'>64</size>" LABEL_128K, ""), "<size>");
	bad(doc("", "", "<size unit='b'>0</size>" LABEL_128K, ""), "leaves no 256 MiB");
	/* a bigger label moves the area down by a whole block */
	assert_int_equal(parse(doc("", "", "<size unit='MiB'>512</size>"
				   "<label><size unit='MiB'>2</size></label>", ""), &x), 0);
	assert_true(x.cfg.size == 256 * MiB && x.cfg.label_size == 2 * MiB);
}

static void test_label_rules(void **state)
{
	struct nvdimm_xml x;

	(void)state;
	bad(doc("", "", "<size unit='GiB'>1</size>", ""), "<target>: no <label>");
	bad(doc("", "", "<size unit='GiB'>1</size><label/>", ""), "<label>: no <size>");
	bad(doc("", "", "<size unit='GiB'>1</size><label><size>127</size></label>", ""),
	    "127K is smaller than the 128 KiB");
	bad(doc("", "", "<size unit='GiB'>1</size><label><size unit='b'>130048</size></label>", ""),
	    "127K is smaller than the 128 KiB");
	bad(doc("", "", "<size unit='GiB'>1</size><label><size unit='MiB'>17</size></label>", ""),
	    "17M is larger than lkvm's 16 MiB");
	/* sizes are kept in whole KiB: 130049 bytes is 128 KiB to libvirt */
	assert_int_equal(parse(doc("", "", "<size unit='GiB'>1</size>"
				   "<label><size unit='b'>130049</size></label>", ""), &x), 0);
	assert_true(x.cfg.label_size == 128 * KiB);
	assert_int_equal(parse(doc("", "", "<size unit='GiB'>1</size>"
				   "<label><size unit='MiB'>16</size></label>", ""), &x), 0);
	assert_true(x.cfg.label_size == 16 * MiB && x.cfg.size == 768 * MiB);
	bad(doc("", "", LABEL_128K, ""), "<target>: no <size>");
}

static void test_units(void **state)
{
	static const struct {
		const char *value, *unit;
		uint64_t bytes;
	} ok[] = {
		{ "1", NULL, KiB }, { "1", "", KiB },
		{ "2048", "b", 2 * KiB }, { "2048", "byte", 2 * KiB },
		{ "2048", "BYTES", 2 * KiB },
		{ "1025", "b", 2 * KiB },	/* rounded up to whole KiB */
		{ "1", "b", KiB }, { "0", "b", 0 },
		{ "1", "KB", 1024 },		/* 1000, then whole KiB */
		{ "1024", "kb", 1024000 },
		{ "3", "k", 3 * KiB }, { "3", "K", 3 * KiB }, { "3", "KiB", 3 * KiB },
		{ "3", "kib", 3 * KiB },
		{ "1", "MB", 1000448 }, { "1000", "MB", 1000000512ULL },
		{ "5", "M", 5 * MiB }, { "5", "MiB", 5 * MiB },
		{ "2", "GB", 2000000000ULL }, { "2", "G", 2 * GiB }, { "2", "GiB", 2 * GiB },
		{ "1", "TB", 1000000000000ULL }, { "1", "T", 1ULL << 40 },
		{ "1", "TiB", 1ULL << 40 },
		{ "1", "PB", 1000000000000000ULL }, { "1", "P", 1ULL << 50 },
		{ "1", "PiB", 1ULL << 50 },
		{ "1", "EB", 1000000000000000000ULL }, { "7", "E", 7ULL << 60 },
		{ "7", "EiB", 7ULL << 60 },
		{ "9223372036854774784", "b", 9223372036854774784ULL },	/* the last KiB */
		{ "007", "KiB", 7 * KiB },
	};
	static const struct {
		const char *value, *unit;
		int err;
	} no[] = {
		{ "", NULL, -EINVAL }, { "-1", "b", -EINVAL }, { "+1", "b", -EINVAL },
		{ "1.5", "GiB", -EINVAL }, { "0x10", "b", -EINVAL }, { "1 2", "b", -EINVAL },
		{ "1G", NULL, -EINVAL },
		{ "1", "x", -ENOENT }, { "1", "iB", -ENOENT }, { "1", "KiBs", -ENOENT },
		{ "1", "Ki", -ENOENT }, { "1", "KBB", -ENOENT }, { "1", "ZiB", -ENOENT },
		{ "1", "bit", -ENOENT },
		{ "8", "EiB", -ERANGE }, { "8", "E", -ERANGE }, { "10", "EB", -ERANGE },
		{ "9223372036854775807", "b", -ERANGE },	/* rounds up past it */
		{ "9223372036854775", "KB", -ERANGE },
		{ "18446744073709551616", "b", -ERANGE },
		{ "99999999999999999999999", NULL, -ERANGE },
	};
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		v = 42;
		if (nvdimm_xml__size(ok[i].value, ok[i].unit, &v) || v != ok[i].bytes)
			fail_msg("'%s' '%s': got %llu, want %llu", ok[i].value,
				 ok[i].unit ? ok[i].unit : "(none)",
				 (unsigned long long)v, (unsigned long long)ok[i].bytes);
	}
	for (i = 0; i < ARRAY_SIZE(no); i++) {
		v = 42;
		if (nvdimm_xml__size(no[i].value, no[i].unit, &v) != no[i].err || v != 42)
			fail_msg("'%s' '%s' not refused with %d", no[i].value,
				 no[i].unit ? no[i].unit : "(none)", no[i].err);
	}
	/* and their messages, in a document */
	bad(doc("", "", "<size unit='KiBs'>1</size>" LABEL_128K, ""), "unknown unit='KiBs'");
	bad(doc("", "", "<size unit='EiB'>8</size>" LABEL_128K, ""), "8 EiB is too large");
	bad(doc("", "", "<size unit='GiB'>-1</size>" LABEL_128K, ""), "'-1' is not a whole number");
	bad(doc("", "", "<size unit='GiB'></size>" LABEL_128K, ""), "'' is not a whole number");
}

static void test_optional_elements(void **state)
{
	struct nvdimm_xml x;

	(void)state;
	assert_int_equal(parse(
		"<?xml version='1.0'?>\n<!-- libvirt's documentation, <node> left out -->\n"
		"<memory model='nvdimm' access='shared'>\n"
		"  <uuid> 49545EB3-75E1-2D0A-ACDD-F0294406C99E\n</uuid>\n"
		"  <source>\n    <path><![CDATA[/tmp/nv]]>dimm</path>\n"
		"    <alignsize unit='KiB'>2048</alignsize>\n    <pmem/>\n  </source>\n"
		"  <target>\n    <size unit='KiB'><!-- 1 GiB -->1048576</size>\n"
		"    <label>\n      <size unit='KiB'>128</size>\n    </label>\n"
		"    <readonly/>\n  </target>\n"
		"  <alias name='ua-pmem_1'/>\n"
		"  <address type='dimm' slot='15' base='0x100000000'/>\n"
		"</memory>\n", &x), 0);
	assert_string_equal(x.cfg.path, "/tmp/nvdimm");
	assert_true(x.cfg.has_uuid && x.cfg.uuid[0] == 0x49 && x.cfg.uuid[15] == 0x9e);
	assert_true(x.align_size == 2 * MiB);
	assert_true(x.pmem);
	assert_true(x.cfg.readonly);
	assert_true(x.cfg.size == 768 * MiB);
	assert_true(x.has_id);
	assert_string_equal(x.id, "ua-pmem_1");
	assert_true(x.has_slot && x.slot == 15);
	assert_true(x.has_base && x.base == 0x100000000ULL);

	/* what libvirt writes for a running domain; access= left to lkvm */
	assert_int_equal(parse(doc("", "", "<size>1048576</size>" LABEL_128K,
				   "<alias name='nvdimm0'/><address type='dimm' slot='0' base='100000000'/>"),
			       &x), 0);
	assert_string_equal(x.id, "nvdimm0");
	assert_true(x.has_slot && x.slot == 0 && x.base == 0x100000000ULL);
	assert_false(x.cfg.readonly || x.pmem);
	assert_int_equal(parse(doc("", "", "<size>1048576</size>" LABEL_128K,
				   "<address type='dimm'/>"), &x), 0);
	assert_false(x.has_slot || x.has_base);

	/* no <uuid>: lkvm's own unit GUID rules */
	assert_int_equal(parse("<memory model='nvdimm'><source><path>/x</path></source>"
			       "<target><size>1048576</size>" LABEL_128K "</target></memory>",
			       &x), 0);
	assert_false(x.cfg.has_uuid);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Messages carry the file's name and the line; a file is read whole. */
static void test_read_file(void **state)
{
	struct scratch *s = *state;
	struct nvdimm_xml x;
	char *big, want[300];

	memset(&x, 0x5a, sizeof(x));
	expect_error(nvdimm_xml__read_file("tests/system/data/none.xml", &x),
		     "nvdimm XML tests/system/data/none.xml: No such file");
	assert_int_equal(x.cfg.path[0], '\0');
	expect_error(nvdimm_xml__read_file(s->dir, &x), "not a regular file");

	write_file(s->path, "<memory model='nvdimm'>\n\n  <bogus/>\n</memory>\n", 47);
	snprintf(want, sizeof(want), "%s:3: <bogus>: unknown element in <memory>", s->path);
	expect_error(nvdimm_xml__read_file(s->path, &x), want);

	write_file(s->path, "<memory model='nvdimm'>\n<source>\n</memory>\n", 44);
	snprintf(want, sizeof(want),
		 "%s:3: malformed XML: Opening and ending tag mismatch: source line 2 and memory",
		 s->path);
	expect_error(nvdimm_xml__read_file(s->path, &x), want);

	write_file(s->path, "", 0);
	expect_error(nvdimm_xml__read_file(s->path, &x), "malformed XML");

	/* an element is small: a big file is refused before it is parsed */
	big = malloc(NVDIMM_XML_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', NVDIMM_XML_MAX + 1);
	memcpy(big, "<memory/>", 9);
	write_file(s->path, big, NVDIMM_XML_MAX + 1);
	expect_error(nvdimm_xml__read_file(s->path, &x), "65537 bytes is more than the 65536");
	write_file(s->path, big, NVDIMM_XML_MAX);
	expect_error(nvdimm_xml__read_file(s->path, &x), "<memory>: no model=");
	expect_error(nvdimm_xml__parse(big, NVDIMM_XML_MAX + 1, &x), "more than the 65536");
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_start),
		cmocka_unit_test(test_seed_hotplug),
		cmocka_unit_test(test_pseries_rule),
		cmocka_unit_test(test_label_rules),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_optional_elements),
		cmocka_unit_test_setup_teardown(test_read_file, scratch_setup, scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
