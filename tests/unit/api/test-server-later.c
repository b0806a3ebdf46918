// SPDX-License-Identifier: GPL-2.0
/*
 * Answers that come later (api/server-conn.c, struct http_later), on a
 * real event loop: the client waits with no deadline while the loop goes
 * on serving others; the answer reaches it, on a kept connection too; a
 * client that hangs up meanwhile frees its slot and its answer is
 * dropped; a stale or foreign token answers no one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "server-fixture.h"

#define PUT_ADD "PUT /api/v1/vm.add-nvdimm HTTP/1.1\r\nHost: localhost\r\n" \
		"Content-Length: 2\r\n\r\n{}"
#define PUT_ADD_CLOSE "PUT /api/v1/vm.add-nvdimm HTTP/1.1\r\nHost: localhost\r\n" \
		      "Connection: close\r\nContent-Length: 2\r\n\r\n{}"
#define GET_INFO "GET /api/v1/vm.info HTTP/1.1\r\nHost: localhost\r\n\r\n"

static bool never(struct fx *fx, void *arg)
{
	(void)fx;
	(void)arg;
	return false;
}

static bool called(struct fx *fx, void *arg)
{
	return fx->calls >= *(int *)arg;
}

static void wait_called(struct fx *fx, int n)
{
	if (!serve_until(fx, called, &n, 3000))
		fail_msg("the handler was called %d times, not %d", fx->calls, n);
}

/* What a VM does when its operation is over. */
static void answer(const struct http_later *later, int status, const char *body)
{
	struct http_reply reply = { .status = status };

	if (body) {
		reply.body = strdup(body);
		reply.body_len = strlen(body);
	}
	later->answer(later->server, later->token, &reply);
}

static void test_answer_later_no_deadline(void **state)
{
	struct fx *fx = *state;
	struct client c, other;
	char body[64];

	fx_open(fx);
	fx->server.timeout_ms = 100;
	fx->keep_later = true;
	client_open(fx, &c);
	client_send(&c, PUT_ADD_CLOSE);
	wait_called(fx, 1);
	/* three of the client timeouts: a waiting client is not late */
	serve_until(fx, never, NULL, 300);
	assert_int_equal(c.len, 0);
	assert_false(c.done);
	assert_int_equal(fx->server.nr_clients, 1);
	/* and the loop serves others meanwhile */
	fx->keep_later = false;
	client_open(fx, &other);
	client_send(&other, "GET /api/v1/vm.info HTTP/1.1\r\nConnection: close\r\n\r\n");
	assert_true(serve_until(fx, client_done, &other, 2000));
	assert_int_equal(client_status(&other, NULL, 0), 200);
	client_free(&other);

	answer(&fx->later, 200, "{\"id\":\"nvdimm1\"}");
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_int_equal(client_status(&c, body, sizeof(body)), 200);
	assert_string_equal(body, "{\"id\":\"nvdimm1\"}");
	client_free(&c);
}

/* On a kept connection the next request is served after the answer. */
static void test_answer_later_then_next_request(void **state)
{
	struct fx *fx = *state;
	struct client c;

	fx_open(fx);
	fx->keep_later = true;
	client_open(fx, &c);
	/* pipelined: the second waits for the first's answer */
	client_send(&c, PUT_ADD GET_INFO);
	wait_called(fx, 1);
	serve_until(fx, never, NULL, 100);
	assert_int_equal(fx->calls, 1);
	assert_int_equal(c.len, 0);
	fx->keep_later = false;
	answer(&fx->later, 204, NULL);
	wait_called(fx, 2);
	serve_until(fx, never, NULL, 100);
	assert_int_equal(client_nr_replies(&c), 2);
	assert_int_equal(client_nth_status(&c, 0, NULL, 0, NULL), 204);
	assert_int_equal(client_nth_status(&c, 1, NULL, 0, NULL), 200);
	assert_false(c.done);
	client_free(&c);
}

/* A client that hangs up while it waits frees its slot; its answer is dropped. */
static void test_client_gone_answer_dropped(void **state)
{
	struct fx *fx = *state;
	unsigned int none = 0, one = 1;
	struct http_later first;
	struct client c, d;

	fx_open(fx);
	fx->keep_later = true;
	client_open(fx, &c);
	client_send(&c, PUT_ADD);
	wait_called(fx, 1);
	first = fx->later;
	client_free(&c);
	assert_true(serve_until(fx, clients_are, &none, 2000));

	/* the slot's next client is not answered with the old answer */
	client_open(fx, &d);
	client_send(&d, PUT_ADD);
	wait_called(fx, 2);
	assert_int_equal(first.token & 0xff, fx->later.token & 0xff);
	assert_true(first.token != fx->later.token);
	answer(&first, 200, "{\"stale\":true}");
	serve_until(fx, never, NULL, 100);
	assert_int_equal(d.len, 0);
	assert_true(serve_until(fx, clients_are, &one, 100));
	/* a token of no slot at all answers no one either */
	first.token = 0xff;
	answer(&first, 200, "{}");
	answer(&fx->later, 200, "{\"fresh\":true}");
	serve_until(fx, never, NULL, 100);
	assert_int_equal(client_nth_status(&d, 0, NULL, 0, NULL), 200);
	assert_true(fx_has(d.buf, d.len, "fresh"));
	assert_false(fx_has(d.buf, d.len, "stale"));
	client_free(&d);
}

/* A client that only shut its writing side still gets its answer. */
static void test_half_closed_client_answered(void **state)
{
	struct fx *fx = *state;
	struct client c;

	fx_open(fx);
	fx->keep_later = true;
	client_open(fx, &c);
	client_send(&c, PUT_ADD_CLOSE);
	assert_int_equal(shutdown(c.fd, SHUT_WR), 0);
	wait_called(fx, 1);
	serve_until(fx, never, NULL, 100);
	assert_int_equal(fx->server.nr_clients, 1);
	answer(&fx->later, 504, "{\"error\":{}}");
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_int_equal(client_status(&c, NULL, 0), 504);
	client_free(&c);
}

/* The server closed: an answer that comes after is dropped. */
static void test_answer_after_close(void **state)
{
	struct fx *fx = *state;
	struct client c;

	fx_open(fx);
	fx->keep_later = true;
	client_open(fx, &c);
	client_send(&c, PUT_ADD);
	wait_called(fx, 1);
	api_server__close(&fx->server);
	answer(&fx->later, 200, "{}");
	client_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_answer_later_no_deadline, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_answer_later_then_next_request, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_client_gone_answer_dropped, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_half_closed_client_answered, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_answer_after_close, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
