// SPDX-License-Identifier: GPL-2.0
/* The `lkvm nvdimm format` command line: defaults, options, refusals. */
#include <errno.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lkvm/config.h"
#include "lkvm/nvdimm-format.h"
#include "lkvm/util.h"
#include "nvdimm-format-layout.h"

#define NS_A	"72f780cf-7d41-43b8-8bd8-cb940a1ed373"
#define NOWHERE	"/nonexistent-lkvm-nvfmt/pmem0"

static const char spec[] = NOWHERE ",256M,128K";

static void test_defaults(void **state)
{
	struct nvdimm_format_opts o;

	(void)state;
	assert_int_equal(t_parse(&o, spec, NULL), NVDIMM_FORMAT_OK);
	assert_int_equal(o.mode, NVDIMM_NS_FSDAX);
	assert_int_equal(o.version, NVDIMM_LABEL_V1_2);
	assert_false(o.has_ns_uuid);
	assert_string_equal(o.name, "");
	assert_string_equal(o.cfg.path, NOWHERE);
	assert_true(o.cfg.size == 256 * MiB && o.cfg.label_size == 128 * KiB);
	assert_false(o.cfg.has_uuid);
	assert_int_equal(t_parse(&o, spec, "--help"), NVDIMM_FORMAT_HELP);
	assert_int_equal(t_parse(&o, NULL, "-h"), NVDIMM_FORMAT_HELP);
}

static void test_options(void **state)
{
	struct nvdimm_format_opts o;
	uint8_t ns[16];

	(void)state;
	assert_int_equal(t_parse(&o, NOWHERE ",1G,256K,uuid=" NS_A,
				 "--mode raw --label-version 1.1 --name a-b "
				 "--namespace-uuid " NS_A), NVDIMM_FORMAT_OK);
	assert_int_equal(o.mode, NVDIMM_NS_RAW);
	assert_int_equal(o.version, NVDIMM_LABEL_V1_1);
	assert_string_equal(o.name, "a-b");
	assert_true(o.has_ns_uuid);
	assert_int_equal(uuid__parse(NS_A, ns), 0);
	assert_memory_equal(o.ns_uuid, ns, 16);
	assert_true(o.cfg.has_uuid);
	assert_memory_equal(o.cfg.uuid, ns, 16);
	assert_true(o.cfg.size == GiB && o.cfg.label_size == 256 * KiB);
	assert_int_equal(t_parse(&o, spec, "--mode fsdax --label-version v1.2"),
			 NVDIMM_FORMAT_OK);
	assert_int_equal(o.mode, NVDIMM_NS_FSDAX);
	assert_int_equal(o.version, NVDIMM_LABEL_V1_2);
	/* options may come before the device */
	assert_int_equal(t_parse(&o, "--mode", "raw x,256M,128K"), NVDIMM_FORMAT_OK);
	assert_string_equal(o.cfg.path, "x");
	/* 63 bytes is the longest name */
	assert_int_equal(t_parse(&o, spec, "--name "
				 "012345678901234567890123456789012345678901234567890123456789012"),
			 NVDIMM_FORMAT_OK);
	assert_int_equal(strlen(o.name), 63);
}

static void expect_refused(const char *dev, const char *args, const char *what)
{
	struct nvdimm_format_opts o;

	assert_int_equal(t_parse(&o, dev, args), -EINVAL);
	if (!strstr(lkvm__last_error(), what))
		fail_msg("error '%s' does not mention '%s'", lkvm__last_error(), what);
}

static void test_refused(void **state)
{
	(void)state;
	expect_refused(spec, "--mode devdax", "fsdax or raw");
	expect_refused(spec, "--label-version 2.0", "1.1 or 1.2");
	expect_refused(spec, "--namespace-uuid nope", "not a UUID");
	expect_refused(spec, "--namespace-uuid 00000000-0000-0000-0000-000000000000",
		       "nil");
	expect_refused(spec, "--name "
		       "0123456789012345678901234567890123456789012345678901234567890123",
		       "63 bytes");
	expect_refused(spec, "--name \x01", "control");
	expect_refused(spec, "--mode", "needs a value");
	expect_refused(spec, "--bogus", "unknown option");
	expect_refused(spec, "extra", "one device");
	expect_refused(NULL, NULL, "no device");
	expect_refused("x,256M", NULL, "LABEL");
	expect_refused("x,256M,128K,ro", NULL, "ro");
	expect_refused("x,100M,128K", NULL, "256M");
	expect_refused("x,256M,64K", NULL, "128K");
	/* nothing parsed touched the file system */
	assert_int_equal(access(NOWHERE, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("nvdimm-format-options", tests, NULL, NULL);
}
