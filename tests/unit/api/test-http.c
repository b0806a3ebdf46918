// SPDX-License-Identifier: GPL-2.0
/*
 * The server's request parser (api/http.c): well-formed requests however
 * they are split, and every kind of bad or oversized one a client could
 * send, each refused with its status.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lkvm/http.h"

#define GET_INFO "GET /api/v1/vm.info HTTP/1.1\r\nHost: localhost\r\n" \
		 "Accept: */*\r\n\r\n"
#define PUT_BODY "{\"timeout\":5}"
#define PUT_SHUTDOWN "PUT /api/v1/vm.shutdown HTTP/1.1\r\nHost: localhost\r\n" \
		     "Content-Type: application/json\r\nContent-Length: 13\r\n" \
		     "\r\n" PUT_BODY

/* Feed @text in one piece to a new parser: its answer; @c is kept. */
static int feed_all(struct http_conn *c, const char *text, size_t len)
{
	http_conn__init(c);
	return http_conn__feed(c, text, len);
}

/* @text in one piece must be refused with @status. */
static void expect_refused(const char *text, size_t len, int status)
{
	struct http_conn c;

	if (feed_all(&c, text, len) != HTTP_CONN_ERROR)
		fail_msg("accepted: %.60s", text);
	if (c.error_status != status)
		fail_msg("%d (%s), not %d, for: %.60s", c.error_status, c.error,
			 status, text);
	assert_true(strlen(c.error) > 0);
	/* and it stays refused */
	assert_int_equal(http_conn__feed(&c, "GET", 3), HTTP_CONN_ERROR);
	http_conn__free(&c);
}

#define REFUSED(text, status) expect_refused(text, sizeof(text) - 1, status)

static void check_put(const struct http_conn *c)
{
	assert_int_equal(c->req.method, HTTP_METHOD_PUT);
	assert_string_equal(c->req.path, "/api/v1/vm.shutdown");
	assert_int_equal(c->req.body_len, strlen(PUT_BODY));
	assert_memory_equal(c->req.body, PUT_BODY, strlen(PUT_BODY) + 1);
}

static void test_get(void **state)
{
	struct http_conn c;

	(void)state;
	assert_int_equal(feed_all(&c, GET_INFO, strlen(GET_INFO)), HTTP_CONN_DONE);
	assert_int_equal(c.req.method, HTTP_METHOD_GET);
	assert_string_equal(c.req.path, "/api/v1/vm.info");
	assert_int_equal(c.req.body_len, 0);
	assert_string_equal(c.req.body, "");
	http_conn__free(&c);
	/* HTTP/1.0 too */
	assert_int_equal(feed_all(&c, "GET / HTTP/1.0\r\n\r\n", 18), HTTP_CONN_DONE);
	http_conn__free(&c);
}

static void test_put_with_body(void **state)
{
	struct http_conn c;

	(void)state;
	assert_int_equal(feed_all(&c, PUT_SHUTDOWN, strlen(PUT_SHUTDOWN)),
			 HTTP_CONN_DONE);
	check_put(&c);
	http_conn__free(&c);
}

/* One byte at a time, and cut in two at every place. */
static void test_every_split(void **state)
{
	const size_t len = strlen(PUT_SHUTDOWN);
	struct http_conn c;
	size_t i, cut;

	(void)state;
	http_conn__init(&c);
	for (i = 0; i + 1 < len; i++)
		assert_int_equal(http_conn__feed(&c, PUT_SHUTDOWN + i, 1),
				 HTTP_CONN_MORE);
	assert_int_equal(http_conn__feed(&c, PUT_SHUTDOWN + i, 1), HTTP_CONN_DONE);
	check_put(&c);
	http_conn__free(&c);
	for (cut = 1; cut < len; cut++) {
		assert_int_equal(feed_all(&c, PUT_SHUTDOWN, cut), HTTP_CONN_MORE);
		assert_int_equal(http_conn__feed(&c, PUT_SHUTDOWN + cut, len - cut),
				 HTTP_CONN_DONE);
		check_put(&c);
		http_conn__free(&c);
	}
}

/* The next request waits for http_conn__next(): test-http-keepalive.c */
static void test_pipelined_request_waits(void **state)
{
	const char two[] = PUT_SHUTDOWN GET_INFO;
	struct http_conn c;

	(void)state;
	assert_int_equal(feed_all(&c, two, sizeof(two) - 1), HTTP_CONN_DONE);
	check_put(&c);
	assert_true(http_conn__pending(&c));
	assert_int_equal(http_conn__feed(&c, GET_INFO, strlen(GET_INFO)),
			 HTTP_CONN_DONE);
	check_put(&c);
	http_conn__free(&c);
}

static void test_truncated_waits(void **state)
{
	struct http_conn c;

	(void)state;
	/* no empty line yet */
	assert_int_equal(feed_all(&c, GET_INFO, strlen(GET_INFO) - 2), HTTP_CONN_MORE);
	/* an empty feed reads nothing */
	assert_int_equal(http_conn__feed(&c, "", 0), HTTP_CONN_MORE);
	http_conn__free(&c);
	/* a body shorter than its Content-Length */
	assert_int_equal(feed_all(&c, PUT_SHUTDOWN, strlen(PUT_SHUTDOWN) - 1),
			 HTTP_CONN_MORE);
	http_conn__free(&c);
	http_conn__free(&c);	/* twice is harmless */
}

/* A request of @total bytes: one header padded to fit, a body of @body. */
static char *sized_request(size_t total, size_t body, size_t *len)
{
	char *text = malloc(total + 1), head[128];
	int n = snprintf(head, sizeof(head),
			 "PUT /a HTTP/1.1\r\nContent-Length: %zu\r\nX-Pad: ", body);
	size_t pad = total - (size_t)n - 4 - body;

	assert_non_null(text);
	memcpy(text, head, (size_t)n);
	memset(text + n, 'p', pad);
	memcpy(text + n + pad, "\r\n\r\n", 4);
	memset(text + n + pad + 4, 'b', body);
	*len = total;
	return text;
}

static void test_size_limit_is_exact(void **state)
{
	struct http_conn c;
	size_t len;
	char *text;

	(void)state;
	text = sized_request(HTTP_MAX_REQUEST, 1000, &len);
	assert_int_equal(feed_all(&c, text, len), HTTP_CONN_DONE);
	assert_int_equal(c.req.body_len, 1000);
	http_conn__free(&c);
	free(text);
	/* one more byte of body: the last one is refused */
	text = sized_request(HTTP_MAX_REQUEST + 1, 1000, &len);
	assert_int_equal(feed_all(&c, text, len - 1), HTTP_CONN_MORE);
	assert_int_equal(http_conn__feed(&c, text + len - 1, 1), HTTP_CONN_ERROR);
	assert_int_equal(c.error_status, 413);
	http_conn__free(&c);
	free(text);
	/* one more byte of head, no body */
	text = sized_request(HTTP_MAX_REQUEST + 1, 0, &len);
	assert_int_equal(feed_all(&c, text, len), HTTP_CONN_ERROR);
	assert_int_equal(c.error_status, 413);
	http_conn__free(&c);
	free(text);
}

static void test_oversize_head(void **state)
{
	char chunk[1024];
	struct http_conn c;
	int i, ret = HTTP_CONN_MORE;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	assert_int_equal(feed_all(&c, "GET / HTTP/1.1\r\nX-Big: ", 23), HTTP_CONN_MORE);
	for (i = 0; i < 100 && ret == HTTP_CONN_MORE; i++)
		ret = http_conn__feed(&c, chunk, sizeof(chunk));
	assert_int_equal(ret, HTTP_CONN_ERROR);
	assert_int_equal(c.error_status, 413);
	assert_int_equal(i, HTTP_MAX_REQUEST / (int)sizeof(chunk));
	http_conn__free(&c);
}

static void test_large_content_length_refused_early(void **state)
{
	(void)state;
	REFUSED("PUT /a HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n", 413);
	REFUSED("PUT /a HTTP/1.1\r\nContent-Length: 65536\r\n\r\n", 413);
}

static void test_bad_content_length(void **state)
{
	(void)state;
	REFUSED("PUT /a HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400);
	REFUSED("PUT /a HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400);
	REFUSED("PUT /a HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", 400);
	REFUSED("PUT /a HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400);
	REFUSED("PUT /a HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
		400);
	REFUSED("PUT /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		400);
}

static void test_headers_limit(void **state)
{
	char text[2048];
	struct http_conn c;
	int i, n;

	(void)state;
	n = snprintf(text, sizeof(text), "GET / HTTP/1.1\r\n");
	for (i = 0; i < HTTP_MAX_HEADERS; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "X-H%d: %d\r\n", i, i);
	n += snprintf(text + n, sizeof(text) - (size_t)n, "\r\n");
	assert_int_equal(feed_all(&c, text, (size_t)n), HTTP_CONN_DONE);
	http_conn__free(&c);
	/* one more */
	n -= 2;
	n += snprintf(text + n, sizeof(text) - (size_t)n, "X-Last: 1\r\n\r\n");
	expect_refused(text, (size_t)n, 431);
}

static void test_path_limit(void **state)
{
	char text[HTTP_MAX_PATH + 64], path[HTTP_MAX_PATH + 2];
	struct http_conn c;
	int n, i, ret = HTTP_CONN_MORE;

	(void)state;
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[HTTP_MAX_PATH] = '\0';
	n = snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\n\r\n", path);
	assert_int_equal(feed_all(&c, text, (size_t)n), HTTP_CONN_DONE);
	assert_string_equal(c.req.path, path);
	http_conn__free(&c);
	/* one byte longer, fed a byte at a time */
	path[HTTP_MAX_PATH] = 'a';
	path[HTTP_MAX_PATH + 1] = '\0';
	n = snprintf(text, sizeof(text), "GET %s HTTP/1.1\r\n\r\n", path);
	http_conn__init(&c);
	for (i = 0; i < n && ret == HTTP_CONN_MORE; i++)
		ret = http_conn__feed(&c, text + i, 1);
	assert_int_equal(ret, HTTP_CONN_ERROR);
	assert_int_equal(c.error_status, 414);
	http_conn__free(&c);
}

static void test_urls_other_than_paths(void **state)
{
	(void)state;
	REFUSED("GET /api/v1/vm.info?x=1 HTTP/1.1\r\n\r\n", 400);
	REFUSED("GET /api/v1/vm.info#top HTTP/1.1\r\n\r\n", 400);
	REFUSED("GET http://localhost/api/v1/vm.info HTTP/1.1\r\n\r\n", 400);
	REFUSED("OPTIONS * HTTP/1.1\r\n\r\n", 400);
	REFUSED("CONNECT localhost:80 HTTP/1.1\r\n\r\n", 400);
}

static void test_bodies_without_length(void **state)
{
	(void)state;
	REFUSED("PUT /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5\r\nhello\r\n0\r\n\r\n", 411);
	REFUSED("PUT /a HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 411);
}

static void test_methods(void **state)
{
	struct http_conn c;

	(void)state;
	assert_int_equal(feed_all(&c, "DELETE /a HTTP/1.1\r\n\r\n", 22), HTTP_CONN_DONE);
	assert_int_equal(c.req.method, HTTP_METHOD_OTHER);
	http_conn__free(&c);
	assert_int_equal(feed_all(&c, "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
				  41), HTTP_CONN_DONE);
	assert_int_equal(c.req.method, HTTP_METHOD_OTHER);
	assert_string_equal(c.req.body, "{}");
	http_conn__free(&c);
	REFUSED("FROB /a HTTP/1.1\r\n\r\n", 400);
	REFUSED("get /a HTTP/1.1\r\n\r\n", 400);
}

static void test_other_versions(void **state)
{
	(void)state;
	REFUSED("GET / HTTP/2.0\r\n\r\n", 505);
	REFUSED("GET / HTTP/0.9\r\n\r\n", 505);
	REFUSED("GET /\r\n\r\n", 505);		/* HTTP/0.9's request line */
	REFUSED("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400);	/* the h2 preface */
	REFUSED("GET / HTTP/a.1\r\n\r\n", 400);
	REFUSED("GET / XTTP/1.1\r\n\r\n", 400);
}

static void test_garbage(void **state)
{
	static const char nul_in_name[] = "GET / HTTP/1.1\r\nHo\0st: x\r\n\r\n";
	static const char nul_in_value[] = "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n";
	static const char nul_in_path[] = "GET /a\0b HTTP/1.1\r\n\r\n";
	char bytes[256];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (char)(i * 37 + 11);
	expect_refused(bytes, sizeof(bytes), 400);
	REFUSED(nul_in_name, 400);
	REFUSED(nul_in_value, 400);
	REFUSED(nul_in_path, 400);
	REFUSED("GET / HTTP/1.1\nHost x\r\n\r\n", 400);
	REFUSED("\r\n\r\n\x16\x03\x01", 400);	/* TLS to a plain socket */
}

/* A body may hold any byte: its length says where it ends, not a NUL. */
static void test_binary_body(void **state)
{
	static const char text[] = "PUT /a HTTP/1.1\r\nContent-Length: 3\r\n\r\na\0b";
	struct http_conn c;

	(void)state;
	assert_int_equal(feed_all(&c, text, sizeof(text) - 1), HTTP_CONN_DONE);
	assert_int_equal(c.req.body_len, 3);
	assert_memory_equal(c.req.body, "a\0b", 4);
	http_conn__free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_put_with_body),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_pipelined_request_waits),
		cmocka_unit_test(test_truncated_waits),
		cmocka_unit_test(test_size_limit_is_exact),
		cmocka_unit_test(test_oversize_head),
		cmocka_unit_test(test_large_content_length_refused_early),
		cmocka_unit_test(test_bad_content_length),
		cmocka_unit_test(test_headers_limit),
		cmocka_unit_test(test_path_limit),
		cmocka_unit_test(test_urls_other_than_paths),
		cmocka_unit_test(test_bodies_without_length),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_other_versions),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_binary_body),
	};

	return cmocka_run_group_tests_name("http request", tests, NULL, NULL);
}
