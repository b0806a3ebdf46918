// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent connections on the control socket (api/server-conn.c), on a
 * real event loop: several requests on one connection, the requests that
 * end it, pipelined requests answered in order, idle connections closed
 * after the timeout or to make room, and never holding anyone up, and a
 * bad request after good ones refused and the connection closed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "server-fixture.h"

#define GET_INFO "GET /api/v1/vm.info HTTP/1.1\r\nHost: localhost\r\n\r\n"
#define PUT_PAUSE "PUT /api/v1/vm.pause HTTP/1.1\r\nHost: localhost\r\n" \
		  "Content-Length: 12\r\n\r\n{\"now\":true}"
#define GET_PING_CLOSE "GET /api/v1/vmm.ping HTTP/1.1\r\nHost: localhost\r\n" \
		       "Connection: close\r\n\r\n"
#define NS_PER_MS 1000000ULL

/* Serve until @c has @n whole replies. */
static void wait_replies(struct fx *fx, struct client *c, unsigned int n)
{
	struct replies r = { c, n };

	if (!serve_until(fx, replies_are, &r, 3000))
		fail_msg("%u replies, not %u: '%.*s'", client_nr_replies(c), n,
			 (int)c->len, c->buf);
}

/* Serve for @ms whatever happens. */
static bool never(struct fx *fx, void *arg)
{
	(void)fx;
	(void)arg;
	return false;
}

/* @c has had exactly its replies: nothing after the last one (no 408). */
static void assert_only_replies(struct client *c, unsigned int n)
{
	assert_int_equal(client_nr_replies(c), n);
	assert_int_equal(client_reply_end(c, 0) ? c->len : 0, c->len);
}

static void test_two_requests_one_connection(void **state)
{
	struct fx *fx = *state;
	unsigned int none = 0;
	struct client c;
	char body[64];
	bool closes;

	fx_open(fx);
	client_open(fx, &c);
	client_send(&c, GET_INFO);
	wait_replies(fx, &c, 1);
	assert_int_equal(client_nth_status(&c, 0, body, sizeof(body), &closes), 200);
	assert_false(closes);
	assert_string_equal(body, "{\"ok\":true}");
	assert_false(c.done);
	assert_int_equal(fx->server.nr_clients, 1);
	client_send(&c, PUT_PAUSE);
	wait_replies(fx, &c, 2);
	assert_int_equal(client_nth_status(&c, 1, NULL, 0, &closes), 200);
	assert_false(closes);
	assert_int_equal(fx->calls, 2);
	assert_string_equal(fx->paths[0], "/api/v1/vm.info");
	assert_string_equal(fx->paths[1], "/api/v1/vm.pause");
	assert_int_equal(fx->method, HTTP_METHOD_PUT);
	assert_string_equal(fx->body, "{\"now\":true}");
	/* the client hangs up between requests, as curl does: just closed */
	client_free(&c);
	assert_true(serve_until(fx, clients_are, &none, 2000));
	assert_int_equal(fx->calls, 2);
}

static void test_connection_close_closes(void **state)
{
	struct fx *fx = *state;
	struct client c;
	bool closes;

	fx_open(fx);
	client_open(fx, &c);
	client_send(&c, GET_PING_CLOSE);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_only_replies(&c, 1);
	assert_int_equal(client_nth_status(&c, 0, NULL, 0, &closes), 200);
	assert_true(closes);
	client_free(&c);
	/* kept for one, closed after the one that says so */
	client_open(fx, &c);
	client_send(&c, GET_INFO);
	wait_replies(fx, &c, 1);
	assert_false(c.done);
	client_send(&c, GET_PING_CLOSE);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_only_replies(&c, 2);
	assert_int_equal(client_nth_status(&c, 0, NULL, 0, &closes), 200);
	assert_false(closes);
	assert_int_equal(client_nth_status(&c, 1, NULL, 0, &closes), 200);
	assert_true(closes);
	assert_int_equal(fx->server.nr_clients, 0);
	assert_int_equal(fx->calls, 3);
	client_free(&c);
}

/* HTTP/1.0 closes, unless it asks for keep-alive, and then is told so. */
static void test_http10(void **state)
{
	struct fx *fx = *state;
	struct client c;
	bool closes;

	fx_open(fx);
	client_open(fx, &c);
	client_send(&c, "GET /api/v1/vm.info HTTP/1.0\r\n\r\n");
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_only_replies(&c, 1);
	assert_int_equal(client_nth_status(&c, 0, NULL, 0, &closes), 200);
	assert_true(closes);
	client_free(&c);
	client_open(fx, &c);
	client_send(&c, "GET /api/v1/vm.info HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	wait_replies(fx, &c, 1);
	assert_int_equal(client_nth_status(&c, 0, NULL, 0, &closes), 200);
	assert_false(closes);
	assert_false(c.done);
	client_send(&c, "GET /api/v1/vm.info HTTP/1.0\r\n\r\n");
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_only_replies(&c, 2);
	assert_int_equal(fx->calls, 3);
	client_free(&c);
}

/*
 * Requests in one write, there at accept: each answered in order, none
 * lost; then two more in one write on the kept connection, the last
 * followed by the client's half-close (as `lkvm api --raw` sends).
 */
static void test_pipelined(void **state)
{
	struct fx *fx = *state;
	struct client c;
	bool closes;

	fx_open(fx);
	client_open(fx, &c);
	client_send(&c, GET_INFO PUT_PAUSE "GET /api/v1/vm.counters HTTP/1.1\r\n\r\n");
	wait_replies(fx, &c, 3);
	assert_int_equal(fx->calls, 3);
	assert_string_equal(fx->paths[0], "/api/v1/vm.info");
	assert_string_equal(fx->paths[1], "/api/v1/vm.pause");
	assert_string_equal(fx->paths[2], "/api/v1/vm.counters");
	assert_false(c.done);
	client_send(&c, PUT_PAUSE "GET /api/v1/vmm.ping HTTP/1.1\r\n\r\n");
	assert_int_equal(shutdown(c.fd, SHUT_WR), 0);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_only_replies(&c, 5);
	assert_int_equal(client_nth_status(&c, 4, NULL, 0, &closes), 200);
	assert_false(closes);	/* the server did not know it would be the last */
	assert_int_equal(fx->calls, 5);
	assert_string_equal(fx->paths[3], "/api/v1/vm.pause");
	assert_string_equal(fx->paths[4], "/api/v1/vmm.ping");
	assert_int_equal(fx->server.nr_clients, 0);
	client_free(&c);
}

/* A request served at accept, its connection then kept on the loop. */
static void test_served_at_accept_then_kept(void **state)
{
	struct fx *fx = *state;
	struct client c;

	fx_open(fx);
	client_open(fx, &c);
	client_send(&c, GET_INFO);
	wait_replies(fx, &c, 1);
	assert_int_equal(fx->server.nr_clients, 1);
	assert_int_equal(fx->server.client[0].served, 1);
	assert_int_equal(fx->server.client[0].watched, EPOLLIN);
	assert_true(fx->server.armed_ns > 0);	/* its idle time is bounded */
	client_send(&c, GET_INFO);
	wait_replies(fx, &c, 2);
	assert_int_equal(fx->server.client[0].served, 2);
	client_free(&c);
}

/*
 * An idle kept connection is closed after the timeout, counted from its
 * last reply, with nothing said; one cut short mid-request gets a 408.
 */
static void test_idle_timeout(void **state)
{
	struct fx *fx = *state;
	struct client c;
	uint64_t start;
	int i;

	fx_open(fx);
	fx->server.timeout_ms = 400;
	client_open(fx, &c);
	/* three requests 250 ms apart: longer than the timeout in all */
	for (i = 0; i < 3; i++) {
		if (i)
			serve_until(fx, never, NULL, 250);
		start = lkvm__now_ns();
		client_send(&c, GET_INFO);
		wait_replies(fx, &c, (unsigned int)i + 1);
		assert_false(c.done);
	}
	assert_true(serve_until(fx, client_done, &c, 3000));
	assert_true(lkvm__now_ns() - start >= 400 * NS_PER_MS);
	assert_only_replies(&c, 3);
	assert_int_equal(fx->server.nr_clients, 0);
	client_free(&c);
	/* half a request after a whole one */
	fx->server.timeout_ms = 100;
	client_open(fx, &c);
	client_send(&c, GET_INFO);
	wait_replies(fx, &c, 1);
	client_send(&c, "GET /api/v1/vm.info HTTP/1.1\r\nHo");
	assert_true(serve_until(fx, client_done, &c, 3000));
	assert_int_equal(client_nr_replies(&c), 2);
	assert_int_equal(client_nth_status(&c, 1, NULL, 0, NULL), 408);
	assert_int_equal(fx->calls, 4);
	client_free(&c);
}

/* A client that keeps its connection and sends nothing holds no one up. */
static void test_idle_client_holds_no_one_up(void **state)
{
	struct fx *fx = *state;
	struct client idle, busy;
	unsigned int one = 1;

	fx_open(fx);
	client_open(fx, &idle);
	client_send(&idle, GET_INFO);
	wait_replies(fx, &idle, 1);
	client_open(fx, &busy);
	client_send(&busy, GET_INFO);
	wait_replies(fx, &busy, 1);
	client_send(&busy, PUT_PAUSE);
	wait_replies(fx, &busy, 2);
	client_send(&busy, GET_PING_CLOSE);
	assert_true(serve_until(fx, client_done, &busy, 2000));
	assert_only_replies(&busy, 3);
	assert_false(idle.done);
	assert_int_equal(fx->server.nr_clients, 1);
	/* and it is still served when it speaks again */
	client_send(&idle, PUT_PAUSE);
	wait_replies(fx, &idle, 2);
	assert_int_equal(fx->calls, 5);
	assert_true(serve_until(fx, clients_are, &one, 2000));
	client_free(&idle);
	client_free(&busy);
}

/*
 * All slots taken, most by idle kept connections: a new client takes the
 * slot of the one idle the longest, never that of one with a request
 * under way.
 */
static void test_idle_connections_make_room(void **state)
{
	struct fx *fx = *state;
	struct client idle[API_MAX_CLIENTS - 1], partial, extra;
	unsigned int i, all = API_MAX_CLIENTS, one = 1;

	fx_open(fx);
	client_open(fx, &partial);
	client_send(&partial, "GET /api/v1/vm.info HTTP/1.1\r\n");
	assert_true(serve_until(fx, clients_are, &one, 2000));
	for (i = 0; i < API_MAX_CLIENTS - 1; i++) {
		client_open(fx, &idle[i]);
		client_send(&idle[i], GET_INFO);
		wait_replies(fx, &idle[i], 1);
	}
	assert_int_equal(fx->server.nr_clients, API_MAX_CLIENTS);
	client_open(fx, &extra);
	client_send(&extra, GET_PING_CLOSE);
	assert_true(serve_until(fx, client_done, &extra, 2000));
	assert_int_equal(client_nth_status(&extra, 0, NULL, 0, NULL), 200);
	/* the first idle one made room, closed with nothing said */
	assert_true(serve_until(fx, client_done, &idle[0], 2000));
	assert_only_replies(&idle[0], 1);
	for (i = 1; i < API_MAX_CLIENTS - 1; i++)
		assert_false(idle[i].done);
	assert_false(partial.done);
	/* the one mid-request is still served */
	client_send(&partial, "Connection: close\r\n\r\n");
	assert_true(serve_until(fx, client_done, &partial, 2000));
	assert_int_equal(client_nth_status(&partial, 0, NULL, 0, NULL), 200);
	all = API_MAX_CLIENTS - 2;
	assert_true(serve_until(fx, clients_are, &all, 2000));
	for (i = 0; i < API_MAX_CLIENTS - 1; i++)
		client_free(&idle[i]);
	client_free(&partial);
	client_free(&extra);
}

/*
 * A bad request after a good one gets its 4xx and the end of the
 * connection, whether it came alone or with the good one; an error the
 * handler answers keeps it.
 */
static void test_bad_second_request(void **state)
{
	struct fx *fx = *state;
	struct client c;
	char body[256];
	bool closes;

	fx_open(fx);
	client_open(fx, &c);
	client_send(&c, GET_INFO);
	wait_replies(fx, &c, 1);
	client_send(&c, "\x16\x03\x01garbage\r\n\r\n");
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_only_replies(&c, 2);
	assert_int_equal(client_nth_status(&c, 1, body, sizeof(body), &closes), 400);
	assert_true(closes);
	assert_non_null(strstr(body, "malformed request"));
	client_free(&c);
	/* pipelined: the good one answered, then the refusal */
	client_open(fx, &c);
	client_send(&c, GET_INFO "PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		    GET_INFO);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_only_replies(&c, 2);
	assert_int_equal(client_nth_status(&c, 0, NULL, 0, &closes), 200);
	assert_false(closes);
	assert_int_equal(client_nth_status(&c, 1, NULL, 0, &closes), 411);
	assert_true(closes);
	assert_int_equal(fx->calls, 2);
	client_free(&c);
	/* the handler's own error: the connection goes on */
	fx->status = 404;
	client_open(fx, &c);
	client_send(&c, GET_INFO);
	wait_replies(fx, &c, 1);
	assert_int_equal(client_nth_status(&c, 0, NULL, 0, &closes), 404);
	assert_false(closes);
	assert_false(c.done);
	client_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_requests_one_connection,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_connection_close_closes,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_http10, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pipelined, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_served_at_accept_then_kept,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_client_holds_no_one_up,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_connections_make_room,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_second_request, fx_setup,
						fx_teardown),
	};

	return cmocka_run_group_tests_name("api server keep-alive", tests, NULL, NULL);
}
