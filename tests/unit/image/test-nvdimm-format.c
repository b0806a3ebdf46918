// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm nvdimm format, the pure part: the label area and the info block are
 * read back with this file's own layout and rules, written down from
 * Linux 6.1 (drivers/nvdimm/label.h, pfn.h, label.c, region_devs.c,
 * arch/powerpc/platforms/pseries/papr_scm.c), not with lkvm's code.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lkvm/nvdimm-format.h"
#include "lkvm/util.h"
#include "nvdimm-format-fixtures.h"
#include "nvdimm-format-layout.h"

#define GUID_DEMO	"dd97f7bf-9433-481f-a309-f873b01d9f11"
#define NS_UUID		"72f780cf-7d41-43b8-8bd8-cb940a1ed373"

static void params_for(struct nvdimm_format_params *p, uint64_t size,
		       uint64_t label, enum nvdimm_label_version v,
		       enum nvdimm_ns_mode mode)
{
	memset(p, 0, sizeof(*p));
	p->size = size;
	p->label_size = label;
	p->version = v;
	p->mode = mode;
	assert_int_equal(uuid__parse(GUID_DEMO, p->unit_guid), 0);
	assert_int_equal(uuid__parse(NS_UUID, p->ns_uuid), 0);
	nvdimm_format_pfn_uuid(p->ns_uuid, p->pfn_uuid);
	strcpy(p->name, "rootfs");
}

static void test_fletcher64_known(void **state)
{
	/* little-endian words 1, 2: low sum 3, high sum 1 + 3 */
	static const uint8_t a[8] = { 1, 0, 0, 0, 2, 0, 0, 0 };
	/*
	 * 0xffffffff, 0xffffffff, 2: the low sum wraps at 32 bits (to
	 * 0xfffffffe, then 0), the high one is 0x1fffffffd, of which the
	 * result keeps the low 32 bits
	 */
	static const uint8_t b[12] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 2, 0, 0, 0 };
	uint8_t c[256];
	unsigned int i;

	(void)state;
	assert_true(nvdimm_fletcher64(a, 8) == 0x0000000400000003ULL);
	assert_true(nvdimm_fletcher64(b, 12) == 0xfffffffd00000000ULL);
	for (i = 0; i < sizeof(c); i++)
		c[i] = i * 37 + 11;
	assert_true(nvdimm_fletcher64(c, sizeof(c)) == t_fletcher64(c, sizeof(c)));
}

/*
 * papr_scm.c:1475-1477: cookie1/cookie2 are the GUID's bytes 0-7 / 8-15
 * (text order) read little endian; region_devs.c:808-819: a v1.1 index
 * gets cookie1, anything else cookie2.
 */
static void test_cookie_rule(void **state)
{
	uint8_t g[NVDIMM_UUID_LEN];

	(void)state;
	/* the example in papr_scm.c:1470-1473 */
	assert_int_equal(uuid__parse("72511b67-0b3b-42fd-8d1d-5be3cae8bcaa", g), 0);
	assert_true(nvdimm_iset_cookie(g, NVDIMM_LABEL_V1_1) == 0xfd423b0b671b5172ULL);
	assert_true(nvdimm_iset_cookie(g, NVDIMM_LABEL_V1_2) == 0xaabce8cae35b1d8dULL);
	/*
	 * The guest's own view: `ndctl list -R` in make demo showed
	 * iset_id 1269766263638854051 (set_cookie before any index exists:
	 * cookie2) for this unit GUID.
	 */
	assert_int_equal(uuid__parse(GUID_DEMO, g), 0);
	assert_true(nvdimm_iset_cookie(g, NVDIMM_LABEL_V1_2) == 1269766263638854051ULL);
	assert_true(nvdimm_iset_cookie(g, NVDIMM_LABEL_V1_2) == t_cookie(g, 2));
	assert_true(nvdimm_iset_cookie(g, NVDIMM_LABEL_V1_1) == t_cookie(g, 1));
}

/* label.c:50-87 (index size and slot count), worked out by hand. */
static void test_geometry(void **state)
{
	static const struct {
		uint64_t area;
		enum nvdimm_label_version v;
		uint32_t nslot;
		uint64_t index;
	} cases[] = {
		{ 128 * KiB, NVDIMM_LABEL_V1_2, 510, 256 },
		{ 128 * KiB, NVDIMM_LABEL_V1_1, 1020, 256 },
		{ 256 * KiB, NVDIMM_LABEL_V1_1, 2040, 512 },
		{ 1 * MiB, NVDIMM_LABEL_V1_2, 4090, 768 },
		{ 16 * MiB, NVDIMM_LABEL_V1_1, 130812, 16640 },
		{ 16 * MiB, NVDIMM_LABEL_V1_2, 65470, 8448 },
		/* slots counted with 512-byte index blocks, written as 256 */
		{ 188672, NVDIMM_LABEL_V1_1, 1466, 256 },
	};
	struct nvdimm_label_geometry g;
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(nvdimm_label_geometry(cases[i].area, cases[i].v, &g), 0);
		assert_int_equal(g.nslot, cases[i].nslot);
		assert_true(g.index_size == cases[i].index);
		assert_true(g.label_off == 2 * cases[i].index);
		assert_int_equal(g.slot_size, cases[i].v == NVDIMM_LABEL_V1_1 ? 128 : 256);
	}
	assert_int_equal(nvdimm_label_geometry(768, NVDIMM_LABEL_V1_2, &g), -EINVAL);
	assert_int_equal(nvdimm_label_geometry(128 * KiB, 3, &g), -EINVAL);
}

static uint8_t *format_area(const struct nvdimm_format_params *p)
{
	uint8_t *a = malloc(p->label_size);

	assert_non_null(a);
	memset(a, 0xa5, p->label_size);
	assert_int_equal(nvdimm_format_labels(p, a, p->label_size), 0);
	return a;
}

static void check_area(enum nvdimm_label_version v, enum nvdimm_ns_mode mode,
		       uint64_t label_size)
{
	struct nvdimm_format_params p;
	struct t_found f;
	uint8_t *a;

	params_for(&p, 2816 * MiB, label_size, v, mode);
	a = format_area(&p);
	/* as Linux would see it: a current index and the label it lists */
	assert_int_equal(t_read_labels(a, label_size, p.unit_guid, 2816 * MiB, &f), 0);
	assert_int_equal(f.version, v);
	/* after Linux's two label writes: index 0 (2) follows index 1 (1) */
	assert_int_equal(f.current, 0);
	assert_int_equal(f.seq[0], 2);
	assert_int_equal(f.seq[1], 1);
	assert_int_equal(f.nlabels, 1);
	assert_int_equal(f.slot, 1);
	assert_memory_equal(f.uuid, p.ns_uuid, 16);
	assert_string_equal(f.name, "rootfs");
	assert_true(f.rawsize == 2816 * MiB);
	assert_true(f.dpa == 0);
	assert_true(f.lbasize == 512);
	assert_int_equal(f.flags, 0);
	assert_int_equal(f.claim, v == NVDIMM_LABEL_V1_1 ? T_CLAIM_NONE :
			 mode == NVDIMM_NS_FSDAX ? T_CLAIM_PFN : T_CLAIM_NONE);
	/* the other index lists one slot: the superseded copy */
	assert_int_equal(f.used_in_other, 1);
	free(a);
}

static void test_labels_v12_fsdax(void **state)
{
	(void)state;
	check_area(NVDIMM_LABEL_V1_2, NVDIMM_NS_FSDAX, 128 * KiB);
	check_area(NVDIMM_LABEL_V1_2, NVDIMM_NS_FSDAX, 16 * MiB);
}

static void test_labels_v12_raw(void **state)
{
	(void)state;
	check_area(NVDIMM_LABEL_V1_2, NVDIMM_NS_RAW, 128 * KiB);
}

static void test_labels_v11(void **state)
{
	(void)state;
	check_area(NVDIMM_LABEL_V1_1, NVDIMM_NS_FSDAX, 128 * KiB);
	check_area(NVDIMM_LABEL_V1_1, NVDIMM_NS_RAW, 188672);
}

/* Raw bytes at fixed places, so a field that moved is noticed. */
static void test_label_bytes(void **state)
{
	static const uint8_t pfn_guid_bytes[16] = {
		0xba, 0x00, 0x64, 0x26, 0x9f, 0xfb, 0x77, 0x46,
		0xbc, 0xb0, 0x96, 0x8f, 0x11, 0xd0, 0xd2, 0x25,
	};
	struct nvdimm_format_params p;
	uint8_t *a, *l;

	(void)state;
	params_for(&p, 2816 * MiB, 128 * KiB, NVDIMM_LABEL_V1_2, NVDIMM_NS_FSDAX);
	a = format_area(&p);
	assert_memory_equal(a, "NAMESPACE_INDEX\0", 16);
	assert_int_equal(a[19], 1);			/* labelsize: 256 */
	assert_int_equal(a[72], 0xfd);			/* index 0: slot 1 used */
	assert_int_equal(a[256 + 72], 0xfe);		/* index 1: slot 0 used */
	assert_int_equal(a[72 + 63], 0x3f);		/* slots 504-509 free */
	assert_int_equal(a[72 + 64], 0);		/* nothing past slot 509 */
	l = a + 512 + 256;				/* slot 1 */
	assert_memory_equal(l + 88, "\xa3\x09\xf8\x73\xb0\x1d\x9f\x11", 8);
	assert_memory_equal(l + 144, pfn_guid_bytes, 16);
	assert_int_equal(l[80], 0);			/* flags */
	assert_int_equal(a[512 + 80], 8);		/* slot 0: UPDATING */
	/* everything after the two labels is zero */
	assert_true(t_all_zero(a + 1024, 128 * KiB - 1024));
	free(a);

	/* v1.1: 1020 slots, free bits up to slot 1023 as ndctl writes them */
	params_for(&p, 2816 * MiB, 128 * KiB, NVDIMM_LABEL_V1_1, NVDIMM_NS_FSDAX);
	a = format_area(&p);
	assert_int_equal(a[19], 0);
	assert_int_equal(a[72 + 127], 0xff);
	assert_int_equal(a[72 + 128], 0);
	assert_int_equal(a[512 + 128 + 80], 0);		/* slot 1 final */
	assert_true(t_all_zero(a + 512 + 256, 128 * KiB - 512 - 256));
	free(a);
}

/* Compare with what Linux 6.1 + ndctl 76.1 left (nvdimm-format-fixtures.h). */
static void expect_fixture(const uint8_t *buf, size_t len,
			   const struct t_fixture_run *runs, unsigned int n)
{
	uint8_t *want = calloc(1, len);
	unsigned int i;
	size_t j;

	assert_non_null(want);
	for (i = 0; i < n; i++) {
		assert_true(runs[i].off + runs[i].len <= len);
		memcpy(want + runs[i].off, runs[i].bytes, runs[i].len);
	}
	for (j = 0; j < len; j++)
		if (buf[j] != want[j])
			fail_msg("byte %#zx is %#04x, Linux/ndctl wrote %#04x", j,
				 buf[j], want[j]);
	free(want);
}

static void check_fixture(enum nvdimm_label_version v, const char *ns,
			  const char *pfn, const struct t_fixture_run *lab,
			  unsigned int nlab, const struct t_fixture_run *sb,
			  unsigned int nsb)
{
	struct nvdimm_format_params p;
	uint8_t *a, buf[4096];

	params_for(&p, 256 * MiB, 128 * KiB, v, NVDIMM_NS_FSDAX);
	assert_int_equal(uuid__parse(FIX_GUID, p.unit_guid), 0);
	assert_int_equal(uuid__parse(ns, p.ns_uuid), 0);
	assert_int_equal(uuid__parse(pfn, p.pfn_uuid), 0);
	a = format_area(&p);
	expect_fixture(a, 128 * KiB, lab, nlab);
	free(a);
	assert_int_equal(nvdimm_format_pfn_sb(&p, buf, sizeof(buf)), 0);
	expect_fixture(buf, sizeof(buf), sb, nsb);
}

static void test_same_as_linux_and_ndctl(void **state)
{
	(void)state;
	check_fixture(NVDIMM_LABEL_V1_2, FIX_V12_NS, FIX_V12_PFN,
		      fix_v12_labels, ARRAY_SIZE(fix_v12_labels),
		      fix_v12_pfn_sb, ARRAY_SIZE(fix_v12_pfn_sb));
	check_fixture(NVDIMM_LABEL_V1_1, FIX_V11_NS, FIX_V11_PFN,
		      fix_v11_labels, ARRAY_SIZE(fix_v11_labels),
		      fix_v11_pfn_sb, ARRAY_SIZE(fix_v11_pfn_sb));
}

static void test_labels_refused(void **state)
{
	struct nvdimm_format_params p;
	uint8_t *a = malloc(128 * KiB);

	(void)state;
	assert_non_null(a);
	memset(a, 0x5a, 128 * KiB);
	params_for(&p, 2816 * MiB, 128 * KiB, NVDIMM_LABEL_V1_2, NVDIMM_NS_FSDAX);
	assert_int_equal(nvdimm_format_labels(&p, a, 64 * KiB), -EINVAL);
	/* a unit GUID whose cookie2 is 0: Linux would ignore the labels */
	memset(p.unit_guid + 8, 0, 8);
	assert_int_equal(nvdimm_format_labels(&p, a, 128 * KiB), -EINVAL);
	assert_non_null(strstr(lkvm__last_error(), "cookie 0"));
	/* a size that is no multiple of 256M */
	params_for(&p, 100 * MiB, 128 * KiB, NVDIMM_LABEL_V1_2, NVDIMM_NS_FSDAX);
	assert_int_equal(nvdimm_format_labels(&p, a, 128 * KiB), -EINVAL);
	params_for(&p, 256 * MiB, 128 * KiB, NVDIMM_LABEL_V1_2, NVDIMM_NS_FSDAX);
	memset(p.ns_uuid, 0, 16);
	assert_int_equal(nvdimm_format_labels(&p, a, 128 * KiB), -EINVAL);
	params_for(&p, 256 * MiB, 128 * KiB, NVDIMM_LABEL_V1_2, NVDIMM_NS_FSDAX);
	memset(p.name, 'x', sizeof(p.name));
	assert_int_equal(nvdimm_format_labels(&p, a, 128 * KiB), -EINVAL);
	/* refused means untouched */
	assert_int_equal(a[0], 0x5a);
	assert_int_equal(a[128 * KiB - 1], 0x5a);
	free(a);
}

static void test_cookie_zero_v11_ok(void **state)
{
	struct nvdimm_format_params p;
	uint8_t *a;

	(void)state;
	params_for(&p, 256 * MiB, 128 * KiB, NVDIMM_LABEL_V1_1, NVDIMM_NS_RAW);
	memset(p.unit_guid + 8, 0, 8);
	a = format_area(&p);
	free(a);
	memset(p.unit_guid, 0, 8);
	memset(p.unit_guid + 8, 1, 8);
	a = malloc(p.label_size);
	assert_int_equal(nvdimm_format_labels(&p, a, p.label_size), -EINVAL);
	free(a);
}

/* pfn_devs.c:750-842 with 64K pages, radix, a 2M-aligned start, RAM map. */
static void test_pfn_sb(void **state)
{
	struct nvdimm_format_params p;
	struct t_pfn_sb sb;
	uint8_t buf[4096], pfn[16];

	(void)state;
	params_for(&p, 2816 * MiB, 128 * KiB, NVDIMM_LABEL_V1_2, NVDIMM_NS_FSDAX);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(nvdimm_format_pfn_sb(&p, buf, sizeof(buf)), 0);
	memcpy(&sb, buf, sizeof(sb));
	assert_memory_equal(sb.signature, "NVDIMM_PFN_INFO\0", 16);
	nvdimm_format_pfn_uuid(p.ns_uuid, pfn);
	assert_memory_equal(sb.uuid, pfn, 16);
	assert_memory_not_equal(sb.uuid, p.ns_uuid, 16);
	assert_memory_equal(sb.parent_uuid, p.ns_uuid, 16);
	assert_int_equal(le32toh(sb.flags), 0);
	assert_int_equal(le16toh(sb.version_major), 1);
	assert_int_equal(le16toh(sb.version_minor), 4);
	assert_true(le64toh(sb.dataoff) == 2 * MiB);
	assert_true(le64toh(sb.npfns) == (2816 * MiB - 2 * MiB) / (64 * KiB));
	assert_int_equal(le32toh(sb.mode), 1);		/* PFN_MODE_RAM */
	assert_int_equal(le32toh(sb.start_pad), 0);
	assert_int_equal(le32toh(sb.end_trunc), 0);
	assert_int_equal(le32toh(sb.align), 2 * MiB);
	assert_int_equal(le32toh(sb.page_size), 64 * KiB);
	assert_int_equal(le16toh(sb.page_struct_size), 64);
	assert_true(t_all_zero(sb.padding, sizeof(sb.padding)));
	assert_true(le64toh(sb.checksum) == t_checksum_with_zero(buf, 4096, 4088));
	assert_true(nvdimm_format_data_offset(&p) == 2 * MiB);
	assert_true(nvdimm_format_data_size(&p) == 2814 * MiB);

	p.mode = NVDIMM_NS_RAW;
	assert_int_equal(nvdimm_format_pfn_sb(&p, buf, sizeof(buf)), -EINVAL);
	assert_true(nvdimm_format_data_offset(&p) == 0);
	assert_true(nvdimm_format_data_size(&p) == 2816 * MiB);
}

static void test_pfn_uuid_derived(void **state)
{
	uint8_t a[16], b[16], ns[16];

	(void)state;
	assert_int_equal(uuid__parse(NS_UUID, ns), 0);
	nvdimm_format_pfn_uuid(ns, a);
	nvdimm_format_pfn_uuid(ns, b);
	assert_memory_equal(a, b, 16);
	assert_int_equal(a[6] >> 4, 4);			/* version 4 */
	assert_int_equal(a[8] >> 6, 2);			/* RFC 4122 variant */
	ns[15] ^= 1;
	nvdimm_format_pfn_uuid(ns, b);
	assert_memory_not_equal(a, b, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fletcher64_known),
		cmocka_unit_test(test_cookie_rule),
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_labels_v12_fsdax),
		cmocka_unit_test(test_labels_v12_raw),
		cmocka_unit_test(test_labels_v11),
		cmocka_unit_test(test_label_bytes),
		cmocka_unit_test(test_same_as_linux_and_ndctl),
		cmocka_unit_test(test_labels_refused),
		cmocka_unit_test(test_cookie_zero_v11_ok),
		cmocka_unit_test(test_pfn_sb),
		cmocka_unit_test(test_pfn_uuid_derived),
	};

	return cmocka_run_group_tests_name("nvdimm-format", tests, NULL, NULL);
}
