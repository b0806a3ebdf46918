// SPDX-License-Identifier: GPL-2.0
/*
 * Replies (api/http-reply.c): their exact bytes, the JSON error body, and
 * the client's parse of good, truncated and malformed responses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "expect-error.h"

#include "lkvm/http.h"

/* Format @r, the connection closed after it, and compare with @want. */
static void expect_bytes(const struct http_reply *r, const char *want)
{
	size_t len;
	char *out;

	assert_int_equal(http_reply__format(r, false, &out, &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	free(out);
}

static void test_format_200(void **state)
{
	struct http_reply r = { .status = 200, .body = "{\"state\":\"Running\"}",
				.body_len = 19 };

	(void)state;
	expect_bytes(&r, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		     "Content-Length: 19\r\nConnection: close\r\n\r\n"
		     "{\"state\":\"Running\"}");
}

static void test_format_204(void **state)
{
	struct http_reply r = { .status = 204 };

	(void)state;
	expect_bytes(&r, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
}

/* A reply after which the server reads on says so (HTTP/1.0 needs it). */
static void test_format_keep_alive(void **state)
{
	static const char want_200[] =
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		"Content-Length: 2\r\nConnection: keep-alive\r\n\r\n{}";
	static const char want_204[] =
		"HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n";
	struct http_reply r = { .status = 200, .body = "{}", .body_len = 2 };
	size_t len;
	char *out;

	(void)state;
	assert_int_equal(http_reply__format(&r, true, &out, &len), 0);
	assert_int_equal(len, sizeof(want_200) - 1);
	assert_memory_equal(out, want_200, len);
	free(out);
	r = (struct http_reply){ .status = 204 };
	assert_int_equal(http_reply__format(&r, true, &out, &len), 0);
	assert_int_equal(len, sizeof(want_204) - 1);
	assert_memory_equal(out, want_204, len);
	free(out);
}

static void test_format_404_error(void **state)
{
	struct http_reply r = { 0 };

	(void)state;
	assert_int_equal(http_reply__set_error(&r, 404, "no route \"/x\""), 0);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.body, "{\"error\":{\"code\":\"NotFound\","
			    "\"message\":\"no route \\\"/x\\\"\"}}");
	expect_bytes(&r, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
		     "Content-Length: 57\r\nConnection: close\r\n\r\n"
		     "{\"error\":{\"code\":\"NotFound\",\"message\":\"no route \\\"/x\\\"\"}}");
	/* a second error replaces the first body */
	assert_int_equal(http_reply__set_error(&r, 413, "too/large"), 0);
	assert_string_equal(r.body, "{\"error\":{\"code\":\"PayloadTooLarge\","
			    "\"message\":\"too/large\"}}");
	assert_int_equal(r.body_len, strlen(r.body));
	free(r.body);
}

static void test_format_refuses(void **state)
{
	static char big[HTTP_MAX_REPLY_BODY + 1];
	struct http_reply r = { .status = 299 };
	size_t len;
	char *out;

	(void)state;
	expect_error(http_reply__format(&r, false, &out, &len), "299");
	r.status = 0;
	expect_error(http_reply__format(&r, false, &out, &len), "status");
	r = (struct http_reply){ .status = 204, .body = "{}", .body_len = 2 };
	expect_error(http_reply__format(&r, false, &out, &len), "204");
	r = (struct http_reply){ .status = 200, .body_len = 2 };
	expect_error(http_reply__format(&r, false, &out, &len), "no body");
	r = (struct http_reply){ .status = 200, .body = big, .body_len = sizeof(big) };
	assert_int_equal(http_reply__format(&r, false, &out, &len), -E2BIG);
	r.body_len--;
	assert_int_equal(http_reply__format(&r, false, &out, &len), 0);
	assert_true(len > r.body_len);
	assert_memory_equal(out + len - r.body_len, big, r.body_len);
	free(out);
}

static const char good[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			   "Content-Length: 7\r\nConnection: close\r\n\r\n{\"a\":1}";

static void test_parse_good(void **state)
{
	struct http_reply r = { .status = 204 };
	const char *body;
	size_t body_len, len;
	int status;
	char *out;

	(void)state;
	assert_int_equal(http_response__parse(good, sizeof(good) - 1, &status,
					      &body, &body_len), 0);
	assert_int_equal(status, 200);
	assert_int_equal(body_len, 7);
	assert_memory_equal(body, "{\"a\":1}", 7);
	assert_ptr_equal(body, good + sizeof(good) - 8);
	/* the server's own 204 */
	assert_int_equal(http_reply__format(&r, false, &out, &len), 0);
	assert_int_equal(http_response__parse(out, len, &status, &body, &body_len), 0);
	assert_int_equal(status, 204);
	assert_int_equal(body_len, 0);
	assert_string_equal(body, "");
	free(out);
	/* no Content-Length: the body is what came before the end */
	assert_int_equal(http_response__parse("HTTP/1.0 500 Oops\r\n\r\nbad", 24,
					      &status, &body, &body_len), 0);
	assert_int_equal(status, 500);
	assert_int_equal(body_len, 3);
}

static void test_parse_truncated(void **state)
{
	const char *body;
	size_t body_len, cut;
	int status;

	(void)state;
	for (cut = 0; cut < sizeof(good) - 1; cut++)
		if (http_response__parse(good, cut, &status, &body, &body_len) != -ENODATA)
			fail_msg("%zu bytes of %zu: %s", cut, sizeof(good) - 1,
				 lkvm__last_error());
}

static void test_parse_garbage(void **state)
{
	static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
				      "chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
	static const char bytes[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
	const char *body;
	size_t body_len;
	int status;

	(void)state;
	expect_error(http_response__parse(bytes, sizeof(bytes) - 1, &status, &body,
					  &body_len), "malformed");
	expect_error(http_response__parse("GET / HTTP/1.1\r\n\r\n", 18, &status,
					  &body, &body_len), "malformed");
	expect_error(http_response__parse("HTTP/1.1 2x0 OK\r\n\r\n", 19, &status,
					  &body, &body_len), "malformed");
	assert_int_equal(http_response__parse(chunked, sizeof(chunked) - 1, &status,
					      &body, &body_len), -EPROTO);
	assert_non_null(strstr(lkvm__last_error(), "chunked"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_200),
		cmocka_unit_test(test_format_204),
		cmocka_unit_test(test_format_keep_alive),
		cmocka_unit_test(test_format_404_error),
		cmocka_unit_test(test_format_refuses),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_garbage),
	};

	return cmocka_run_group_tests_name("http reply", tests, NULL, NULL);
}
