// SPDX-License-Identifier: GPL-2.0
/*
 * The request parser over a persistent connection (api/http.c): which
 * requests keep it, pipelined requests kept and parsed in turn, every
 * request starting with a parser and bounds as new, and a bad request
 * after good ones still refused.
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

#define GET_A "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
#define PUT_B "PUT /b HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"
#define GET_C_CLOSE "GET /c HTTP/1.1\r\nConnection: close\r\n\r\n"

/* @text in one feed to a new parser: whether it is DONE and keeps it */
static bool keeps(const char *text)
{
	struct http_conn c;
	bool keep;

	http_conn__init(&c);
	assert_int_equal(http_conn__feed(&c, text, strlen(text)), HTTP_CONN_DONE);
	keep = c.req.keep_alive;
	http_conn__free(&c);
	return keep;
}

static void test_which_requests_keep(void **state)
{
	(void)state;
	assert_true(keeps(GET_A));
	assert_true(keeps("GET /a HTTP/1.1\r\nConnection: keep-alive\r\n\r\n"));
	assert_false(keeps(GET_C_CLOSE));
	assert_false(keeps("GET /a HTTP/1.1\r\nConnection: CLOSE\r\n\r\n"));
	assert_false(keeps("GET /a HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n"));
	assert_false(keeps("GET /a HTTP/1.0\r\n\r\n"));
	assert_true(keeps("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
	/* another protocol after this one: answered, then the end */
	assert_false(keeps("GET /a HTTP/1.1\r\nConnection: Upgrade\r\n"
			   "Upgrade: websocket\r\n\r\n"));
}

/* Three requests in one feed: each in turn, as http_conn__next() asks. */
static void test_pipelined_in_turn(void **state)
{
	const char three[] = GET_A PUT_B GET_C_CLOSE;
	struct http_conn c;

	(void)state;
	http_conn__init(&c);
	assert_false(http_conn__started(&c));
	assert_int_equal(http_conn__feed(&c, three, sizeof(three) - 1), HTTP_CONN_DONE);
	assert_string_equal(c.req.path, "/a");
	assert_int_equal(c.req.method, HTTP_METHOD_GET);
	assert_true(c.req.keep_alive);
	assert_true(http_conn__pending(&c));
	assert_int_equal(http_conn__next(&c), HTTP_CONN_DONE);
	assert_string_equal(c.req.path, "/b");
	assert_int_equal(c.req.method, HTTP_METHOD_PUT);
	assert_int_equal(c.req.body_len, 2);
	assert_string_equal(c.req.body, "{}");
	assert_true(http_conn__pending(&c));
	assert_int_equal(http_conn__next(&c), HTTP_CONN_DONE);
	assert_string_equal(c.req.path, "/c");
	assert_int_equal(c.req.body_len, 0);
	assert_false(c.req.keep_alive);
	assert_false(http_conn__pending(&c));
	/* nothing more: a parser waiting for a request not yet begun */
	assert_int_equal(http_conn__next(&c), HTTP_CONN_MORE);
	assert_false(http_conn__started(&c));
	assert_int_equal(c.req.path[0], '\0');
	http_conn__free(&c);
}

/* The second request split across the first's feed and the next one. */
static void test_pipelined_split(void **state)
{
	const char two[] = GET_A PUT_B;
	const size_t cut = strlen(GET_A) + 10;
	struct http_conn c;

	(void)state;
	http_conn__init(&c);
	assert_int_equal(http_conn__feed(&c, two, cut), HTTP_CONN_DONE);
	assert_string_equal(c.req.path, "/a");
	assert_int_equal(http_conn__next(&c), HTTP_CONN_MORE);
	assert_true(http_conn__started(&c));
	assert_false(http_conn__pending(&c));
	assert_int_equal(http_conn__feed(&c, two + cut, sizeof(two) - 1 - cut),
			 HTTP_CONN_DONE);
	assert_string_equal(c.req.path, "/b");
	assert_string_equal(c.req.body, "{}");
	http_conn__free(&c);
}

/* After a request that ends the connection, what follows is dropped. */
static void test_nothing_kept_after_close(void **state)
{
	const char two[] = GET_C_CLOSE GET_A;
	struct http_conn c;

	(void)state;
	http_conn__init(&c);
	assert_int_equal(http_conn__feed(&c, two, sizeof(two) - 1), HTTP_CONN_DONE);
	assert_false(c.req.keep_alive);
	assert_false(http_conn__pending(&c));
	http_conn__free(&c);
}

/* The empty lines HTTP/1.1 allows between requests begin none. */
static void test_empty_lines_between(void **state)
{
	struct http_conn c;

	(void)state;
	http_conn__init(&c);
	assert_int_equal(http_conn__feed(&c, GET_A "\r\n", strlen(GET_A) + 2),
			 HTTP_CONN_DONE);
	assert_int_equal(http_conn__next(&c), HTTP_CONN_MORE);
	assert_false(http_conn__started(&c));
	assert_int_equal(http_conn__feed(&c, "\r\nG", 3), HTTP_CONN_MORE);
	assert_true(http_conn__started(&c));
	http_conn__free(&c);
}

/* A request of @n headers after "GET @path HTTP/1.1", into @text. */
static int with_headers(char *text, size_t size, const char *path, int n)
{
	int len = snprintf(text, size, "GET %s HTTP/1.1\r\n", path), i;

	for (i = 0; i < n; i++)
		len += snprintf(text + len, size - (size_t)len, "X-H%d: %d\r\n", i, i);
	return len + snprintf(text + len, size - (size_t)len, "\r\n");
}

/*
 * Bounds are per request: two requests of HTTP_MAX_HEADERS headers each,
 * and a path as long as allowed after a long one, pass on one connection;
 * one header more on the second is still refused.
 */
static void test_bounds_per_request(void **state)
{
	char text[4096], path[HTTP_MAX_PATH + 1];
	struct http_conn c;
	int n;

	(void)state;
	memset(path, 'p', HTTP_MAX_PATH);
	path[0] = '/';
	path[HTTP_MAX_PATH] = '\0';
	http_conn__init(&c);
	n = with_headers(text, sizeof(text), path, HTTP_MAX_HEADERS);
	n += with_headers(text + n, sizeof(text) - (size_t)n, path, HTTP_MAX_HEADERS);
	n += with_headers(text + n, sizeof(text) - (size_t)n, "/x",
			  HTTP_MAX_HEADERS + 1);
	assert_true(n < (int)sizeof(text) - 1);
	assert_int_equal(http_conn__feed(&c, text, (size_t)n), HTTP_CONN_DONE);
	assert_string_equal(c.req.path, path);
	assert_int_equal(http_conn__next(&c), HTTP_CONN_DONE);
	assert_string_equal(c.req.path, path);
	assert_int_equal(http_conn__next(&c), HTTP_CONN_ERROR);
	assert_int_equal(c.error_status, 431);
	/* and it stays refused */
	assert_int_equal(http_conn__next(&c), HTTP_CONN_ERROR);
	assert_int_equal(http_conn__feed(&c, GET_A, strlen(GET_A)), HTTP_CONN_ERROR);
	http_conn__free(&c);
}

/* The size bound too: two requests of most of HTTP_MAX_REQUEST each. */
static void test_size_per_request(void **state)
{
	const size_t body = HTTP_MAX_REQUEST - 100;
	char head[96], *big = malloc(body);
	struct http_conn c;
	int i, n;

	(void)state;
	assert_non_null(big);
	memset(big, 'b', body);
	n = snprintf(head, sizeof(head), "PUT /big HTTP/1.1\r\nContent-Length: %zu\r\n\r\n",
		     body);
	http_conn__init(&c);
	for (i = 0; i < 2; i++) {
		assert_int_equal(http_conn__feed(&c, head, (size_t)n), HTTP_CONN_MORE);
		assert_int_equal(http_conn__feed(&c, big, body), HTTP_CONN_DONE);
		assert_int_equal(c.req.body_len, body);
		assert_int_equal(http_conn__next(&c), HTTP_CONN_MORE);
	}
	http_conn__free(&c);
	free(big);
}

/* Hostile bytes after a good request: that one is served, these refused. */
static void test_bad_after_good(void **state)
{
	const char two[] = GET_A "\x16\x03\x01garbage\r\n\r\n";
	struct http_conn c;

	(void)state;
	http_conn__init(&c);
	assert_int_equal(http_conn__feed(&c, two, sizeof(two) - 1), HTTP_CONN_DONE);
	assert_string_equal(c.req.path, "/a");
	assert_int_equal(http_conn__next(&c), HTTP_CONN_ERROR);
	assert_int_equal(c.error_status, 400);
	assert_true(strlen(c.error) > 0);
	http_conn__free(&c);
	/* an HTTP/2 preface on a kept connection */
	http_conn__init(&c);
	assert_int_equal(http_conn__feed(&c, GET_A, strlen(GET_A)), HTTP_CONN_DONE);
	assert_int_equal(http_conn__next(&c), HTTP_CONN_MORE);
	assert_int_equal(http_conn__feed(&c, "GET / HTTP/2.0\r\n\r\n", 18),
			 HTTP_CONN_ERROR);
	assert_int_equal(c.error_status, 505);
	http_conn__free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_requests_keep),
		cmocka_unit_test(test_pipelined_in_turn),
		cmocka_unit_test(test_pipelined_split),
		cmocka_unit_test(test_nothing_kept_after_close),
		cmocka_unit_test(test_empty_lines_between),
		cmocka_unit_test(test_bounds_per_request),
		cmocka_unit_test(test_size_per_request),
		cmocka_unit_test(test_bad_after_good),
	};

	return cmocka_run_group_tests_name("http keep-alive", tests, NULL, NULL);
}
