// SPDX-License-Identifier: GPL-2.0
/* Text from users and guests printed on one line: str_escape, lkvm__fail. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lkvm/util.h"

static void test_escape_controls(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(str_escape(out, sizeof(out), "plain text", 100), 10);
	assert_string_equal(out, "plain text");
	str_escape(out, sizeof(out), "a\nb\rc\td\x1b[0m\x7f\xff", 100);
	assert_string_equal(out, "a\\nb\\rc\\td\\x1b[0m\\x7f\\xff");
	/* @len bounds the source, a NUL ends it */
	str_escape(out, sizeof(out), "abcdef", 3);
	assert_string_equal(out, "abc");
	str_escape(out, sizeof(out), "ab\0cd", 5);
	assert_string_equal(out, "ab");
}

static void test_escape_never_overflows(void **state)
{
	char out[6];

	(void)state;
	memset(out, 'X', sizeof(out));
	assert_int_equal(str_escape(out, sizeof(out), "abcdefgh", 8), 5);
	assert_string_equal(out, "abcde");
	/* an escape that does not fit whole is left out */
	assert_int_equal(str_escape(out, sizeof(out), "abcd\n", 5), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(str_escape(out, sizeof(out), "\x01\x02", 2), 4);
	assert_string_equal(out, "\\x01");
	assert_int_equal(str_escape(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
	assert_int_equal(str_escape(out, 0, "abc", 3), 0);
}

/* a path with a newline in it still makes a one-line error */
static void test_fail_is_one_line(void **state)
{
	(void)state;
	assert_int_equal(lkvm__fail(-EINVAL, "--nvdimm %s: bad size", "/tmp/a\nb"),
			 -EINVAL);
	assert_string_equal(lkvm__last_error(), "--nvdimm /tmp/a\\nb: bad size");
	assert_null(strchr(lkvm__last_error(), '\n'));
	/* an already escaped message passed on stays as it is */
	lkvm__fail(-EIO, "outer: %s", lkvm__last_error());
	assert_string_equal(lkvm__last_error(), "outer: --nvdimm /tmp/a\\nb: bad size");
}

static void test_is_name(void **state)
{
	(void)state;
	assert_true(str_is_name("guest-1", 64));
	assert_true(str_is_name("a.b_c-D9", 8));
	assert_true(str_is_name("_x", 2));
	assert_false(str_is_name("", 64));
	assert_false(str_is_name("abc", 2));		/* longer than max */
	assert_false(str_is_name(".hidden", 64));
	assert_false(str_is_name("-opt", 64));
	assert_false(str_is_name("a b", 64));
	assert_false(str_is_name("a/b", 64));
	assert_false(str_is_name("caf\xc3\xa9", 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_name),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_never_overflows),
		cmocka_unit_test(test_fail_is_one_line),
	};

	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
