// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lkvm/util.h"

static void size_ok(const char *s, uint64_t want)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(parse_size(s, &v), 0);
	assert_true(v == want);
}

static void size_bad(const char *s, int err)
{
	uint64_t v = 12345;

	assert_int_equal(parse_size(s, &v), err);
	assert_true(v == 12345);	/* untouched on error */
}

static void test_plain_bytes(void **state)
{
	(void)state;
	size_ok("0", 0);
	size_ok("4096", 4096);
	size_ok("18446744073709551615", UINT64_MAX);
}

static void test_suffixes(void **state)
{
	(void)state;
	size_ok("128K", 128 * KiB);
	size_ok("128k", 128 * KiB);
	size_ok("2816M", 2816 * MiB);
	size_ok("2G", 2 * GiB);
	size_ok("2GB", 2 * GiB);
	size_ok("2GiB", 2 * GiB);
	size_ok("1T", 1ULL << 40);
	size_ok("512B", 512);
}

static void test_malformed(void **state)
{
	(void)state;
	size_bad("", -EINVAL);
	size_bad("G", -EINVAL);
	size_bad("-1", -EINVAL);
	size_bad("1.5G", -EINVAL);
	size_bad("12X", -EINVAL);
	size_bad("12MM", -EINVAL);
	size_bad(" 12", -EINVAL);
	size_bad("12 ", -EINVAL);
	size_bad("0x100", -EINVAL);
}

static void test_overflow(void **state)
{
	(void)state;
	size_bad("18446744073709551616", -ERANGE);
	size_bad("17179869184G", -ERANGE);	/* 2^34 G = 2^64 */
	size_bad("16777216T", -ERANGE);
	size_ok("17179869183G", 17179869183ULL << 30);
	size_bad("99999999999999999999999999999999999", -ERANGE);
}

static void test_parse_uint_range(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_uint("4", 1, 8, &v), 0);
	assert_true(v == 4);
	assert_int_equal(parse_uint("0", 1, 8, &v), -ERANGE);
	assert_int_equal(parse_uint("9", 1, 8, &v), -ERANGE);
	assert_int_equal(parse_uint("4a", 1, 8, &v), -EINVAL);
	assert_int_equal(parse_uint("", 1, 8, &v), -EINVAL);
}

static void test_format_size(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(format_size(2 * GiB, buf, sizeof(buf)), "2G");
	assert_string_equal(format_size(2816 * MiB, buf, sizeof(buf)), "2816M");
	assert_string_equal(format_size(128 * KiB, buf, sizeof(buf)), "128K");
	assert_string_equal(format_size(1000, buf, sizeof(buf)), "1000");
	assert_string_equal(format_size(0, buf, sizeof(buf)), "0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_bytes),
		cmocka_unit_test(test_suffixes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_parse_uint_range),
		cmocka_unit_test(test_format_size),
	};

	return cmocka_run_group_tests_name("size", tests, NULL, NULL);
}
