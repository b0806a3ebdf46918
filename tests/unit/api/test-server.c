// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's clients (api/server.c), on a real event loop:
 * requests answered, errors answered in JSON, and clients that are slow,
 * silent, too many or gone mid-reply, none of which holds the others up
 * or stops the process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "server-fixture.h"

#include "lkvm/util.h"

/* one request per connection here: test-server-keepalive.c has more */
#define PUT_PAUSE "PUT /api/v1/vm.pause HTTP/1.1\r\nHost: localhost\r\n" \
		  "Connection: close\r\nContent-Length: 12\r\n\r\n{\"now\":true}"
#define GET_INFO "GET /api/v1/vm.info HTTP/1.1\r\nHost: localhost\r\n" \
		 "Connection: close\r\n\r\n"

static void test_round_trip(void **state)
{
	struct fx *fx = *state;
	struct client c;
	struct stat st;
	char body[64];

	fx_open(fx);
	/* a private socket in a private directory */
	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(api_socket__is_live(fx->path));
	client_open(fx, &c);
	client_send(&c, PUT_PAUSE);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_int_equal(client_status(&c, body, sizeof(body)), 200);
	assert_string_equal(body, "{\"ok\":true}");
	assert_int_equal(fx->calls, 1);
	assert_int_equal(fx->method, HTTP_METHOD_PUT);
	assert_string_equal(fx->req_path, "/api/v1/vm.pause");
	assert_string_equal(fx->body, "{\"now\":true}");
	assert_int_equal(fx->server.nr_clients, 0);
	client_free(&c);
}

static void test_bad_requests_answered_in_json(void **state)
{
	struct fx *fx = *state;
	struct client c;
	char body[256];

	fx_open(fx);
	client_open(fx, &c);
	client_send(&c, "\x16\x03\x01garbage\r\n\r\n");
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_int_equal(client_status(&c, body, sizeof(body)), 400);
	assert_non_null(strstr(body, "{\"error\":{\"code\":\"BadRequest\","
				     "\"message\":\"malformed request"));
	client_free(&c);
	/* a request cut short by the client's half-close */
	client_open(fx, &c);
	client_send(&c, "GET /api/v1/vm.info HTTP/1.1\r\n");
	assert_int_equal(shutdown(c.fd, SHUT_WR), 0);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_int_equal(client_status(&c, body, sizeof(body)), 400);
	assert_non_null(strstr(body, "ends before"));
	client_free(&c);
	/* a handler that forgets to answer */
	fx->status = 0;
	client_open(fx, &c);
	client_send(&c, GET_INFO);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_int_equal(client_status(&c, body, sizeof(body)), 500);
	client_free(&c);
	assert_int_equal(fx->calls, 1);
}

static void test_slow_client_holds_no_one_up(void **state)
{
	struct fx *fx = *state;
	struct client slow, fast;

	fx_open(fx);
	client_open(fx, &slow);
	client_send(&slow, "GET /api/v1/vm.info HTTP/1.1\r\nHo");
	client_open(fx, &fast);
	client_send(&fast, GET_INFO);
	assert_true(serve_until(fx, client_done, &fast, 2000));
	assert_int_equal(client_status(&fast, NULL, 0), 200);
	/* the slow one is still waited for, and then answered */
	assert_false(slow.done);
	assert_int_equal(fx->server.nr_clients, 1);
	client_send(&slow, "st: x\r\nConnection: close\r\n\r\n");
	assert_true(serve_until(fx, client_done, &slow, 2000));
	assert_int_equal(client_status(&slow, NULL, 0), 200);
	assert_int_equal(fx->calls, 2);
	client_free(&slow);
	client_free(&fast);
}

static void test_client_past_its_deadline(void **state)
{
	struct fx *fx = *state;
	struct client half, silent;
	uint64_t start;

	fx_open(fx);
	fx->server.timeout_ms = 100;
	start = lkvm__now_ns();
	client_open(fx, &half);
	client_send(&half, "PUT /api/v1/vm.pause HTTP/1.1\r\nContent-Length: 5\r\n\r\n{");
	client_open(fx, &silent);
	assert_true(serve_until(fx, client_done, &half, 3000));
	assert_true(serve_until(fx, client_done, &silent, 3000));
	assert_true(lkvm__now_ns() - start >= 100 * 1000000ULL);
	assert_int_equal(client_status(&half, NULL, 0), 408);
	assert_int_equal(fx->server.nr_clients, 0);
	assert_int_equal(fx->calls, 0);
	client_free(&half);
	client_free(&silent);
}

static void test_too_many_clients(void **state)
{
	struct fx *fx = *state;
	struct client idle[API_MAX_CLIENTS], extra, later;
	unsigned int i, want = API_MAX_CLIENTS;

	fx_open(fx);
	for (i = 0; i < API_MAX_CLIENTS; i++)
		client_open(fx, &idle[i]);
	assert_true(serve_until(fx, clients_are, &want, 2000));
	/* one more: closed at once, told why if it can be */
	client_open(fx, &extra);
	client_send(&extra, GET_INFO);
	assert_true(serve_until(fx, client_done, &extra, 2000));
	if (extra.len)
		assert_int_equal(client_status(&extra, NULL, 0), 503);
	assert_int_equal(fx->server.nr_clients, API_MAX_CLIENTS);
	assert_int_equal(fx->calls, 0);
	/* a slot frees: the next client is served */
	client_free(&idle[0]);
	want = API_MAX_CLIENTS - 1;
	assert_true(serve_until(fx, clients_are, &want, 2000));
	client_open(fx, &later);
	client_send(&later, GET_INFO);
	assert_true(serve_until(fx, client_done, &later, 2000));
	assert_int_equal(client_status(&later, NULL, 0), 200);
	for (i = 1; i < API_MAX_CLIENTS; i++)
		client_free(&idle[i]);
	client_free(&extra);
	client_free(&later);
}

/*
 * Connect @c and, once the server has it, make the server's side of it
 * small to send through (whatever the system's default), so that a big
 * reply has to wait for the client.
 */
static void client_open_narrow(struct fx *fx, struct client *c)
{
	unsigned int one = 1;
	int size = 16 << 10;

	client_open(fx, c);
	assert_true(serve_until(fx, clients_are, &one, 2000));
	assert_int_equal(setsockopt(fx->server.client[0].fd, SOL_SOCKET, SO_SNDBUF,
				    &size, sizeof(size)), 0);
}

/* Until the reply gets stuck in a full socket (with nothing read yet). */
static bool reply_stuck(struct fx *fx, void *arg)
{
	struct api_client *sc = &fx->server.client[0];

	(void)arg;
	return sc->fd >= 0 && sc->out && sc->out_sent > 0 && sc->out_sent < sc->out_len;
}

/* A big reply the client stops reading half-way: no SIGPIPE, no hold. */
static void test_client_gone_mid_reply(void **state)
{
	struct fx *fx = *state;
	struct client c, next;
	unsigned int none = 0;

	fx->reply_size = HTTP_MAX_REPLY_BODY;
	fx_open(fx);
	client_open_narrow(fx, &c);
	/* not read until the server is stuck */
	event_loop__modify(&fx->loop, c.fd, 0);
	client_send(&c, GET_INFO);
	assert_true(serve_until(fx, reply_stuck, NULL, 2000));
	c.close_after = 1;
	event_loop__modify(&fx->loop, c.fd, EPOLLIN);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_true(c.len < HTTP_MAX_REPLY_BODY);
	assert_true(serve_until(fx, clients_are, &none, 2000));
	/* still serving */
	fx->reply_size = 0;
	client_open(fx, &next);
	client_send(&next, GET_INFO);
	assert_true(serve_until(fx, client_done, &next, 2000));
	assert_int_equal(client_status(&next, NULL, 0), 200);
	client_free(&c);
	client_free(&next);
}

/* The whole of a big reply arrives, through a socket that fills up. */
static void test_big_reply(void **state)
{
	struct fx *fx = *state;
	struct client c;
	char body[8];

	fx->reply_size = HTTP_MAX_REPLY_BODY;
	fx_open(fx);
	client_open_narrow(fx, &c);
	client_send(&c, GET_INFO);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_int_equal(client_status(&c, body, sizeof(body)), 200);
	assert_true(c.len > HTTP_MAX_REPLY_BODY);
	client_free(&c);
}

/*
 * A request that is there when the server accepts is answered at once: the
 * client is never put on the loop, so the timer is never needed.
 */
static void test_sent_request_served_at_accept(void **state)
{
	struct fx *fx = *state;
	struct client c;

	fx_open(fx);
	client_open(fx, &c);
	client_send(&c, GET_INFO);
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_int_equal(client_status(&c, NULL, 0), 200);
	assert_int_equal(fx->server.nr_clients, 0);
	assert_int_equal(fx->server.armed_ns, 0);
	client_free(&c);
}

/*
 * The timer is armed for the first deadline and left alone for later
 * ones; a client with an earlier deadline than the one armed still gets
 * its own, and is closed on time.
 */
static void test_earlier_deadline_rearms(void **state)
{
	struct fx *fx = *state;
	struct client slow, silent;
	unsigned int one = 1;
	uint64_t armed, start;

	fx_open(fx);
	client_open(fx, &slow);
	client_send(&slow, "GET /api/v1/vm.info HTTP/1.1\r\n");
	assert_true(serve_until(fx, clients_are, &one, 2000));
	armed = fx->server.armed_ns;
	assert_true(armed > lkvm__now_ns());
	client_send(&slow, "Host: x\r\nConnection: close\r\n\r\n");
	assert_true(serve_until(fx, client_done, &slow, 2000));
	assert_int_equal(client_status(&slow, NULL, 0), 200);
	assert_int_equal(fx->server.armed_ns, armed);	/* no syscall to disarm */
	fx->server.timeout_ms = 100;
	start = lkvm__now_ns();
	client_open(fx, &silent);
	assert_true(serve_until(fx, client_done, &silent, 3000));
	assert_true(lkvm__now_ns() - start >= 100 * 1000000ULL);
	assert_true(lkvm__now_ns() < armed);	/* before the first deadline */
	assert_int_equal(client_status(&silent, NULL, 0), 408);
	client_free(&slow);
	client_free(&silent);
}

static bool child_gone(struct fx *fx, void *arg)
{
	int *status = arg;

	(void)fx;
	return waitpid(-1, status, WNOHANG) > 0;
}

/*
 * Another user who reaches the socket all the same (its mode and its
 * directory opened behind lkvm's back) is closed on without an answer:
 * the peer's credentials are checked too.
 */
static void test_stranger_refused(void **state)
{
	struct fx *fx = *state;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[64];
	int status = -1, fd;
	pid_t pid;

	if (geteuid())
		skip();	/* only root can be someone else */
	fx_open(fx);
	assert_int_equal(chmod(fx->scratch->dir, 0777), 0);
	assert_int_equal(chmod(fx->path, 0666), 0);
	strcpy(addr.sun_path, fx->path);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		alarm(5);
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
			_exit(3);
		send(fd, GET_INFO, strlen(GET_INFO), MSG_NOSIGNAL);
		/* closed with nothing said: 0 bytes (or a reset) */
		_exit(read(fd, buf, sizeof(buf)) > 0 ? 1 : 0);
	}
	assert_true(serve_until(fx, child_gone, &status, 5000));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(fx->calls, 0);
	chmod(fx->scratch->dir, 0700);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests_answered_in_json,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_slow_client_holds_no_one_up,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_client_past_its_deadline,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_too_many_clients, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_client_gone_mid_reply, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_big_reply, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_stranger_refused, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_sent_request_served_at_accept,
						fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_earlier_deadline_rearms,
						fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests_name("api server", tests, NULL, NULL);
}
