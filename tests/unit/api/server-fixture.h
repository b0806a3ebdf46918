/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the control socket's tests share: a scratch directory as
 * LKVM_RUN_DIR, an event loop served by the test's own thread, a fake
 * handler that records the requests, and clients that are non-blocking
 * sockets on the same loop, each collecting its replies until the server
 * closes it. serve_until() runs the loop until a condition holds.
 * Include after cmocka.h.
 */
#ifndef LKVM_TEST_SERVER_FIXTURE_H
#define LKVM_TEST_SERVER_FIXTURE_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "scratch-fixture.h"

#include "lkvm/api-server.h"
#include "lkvm/event-loop.h"
#include "lkvm/util.h"

#define FX_REPLY_MAX	(HTTP_MAX_REPLY_BODY + 4096)
#define FX_PATHS	8	/* the paths of the first requests, in order */

struct fx {
	struct scratch *scratch;
	char path[API_SOCKET_PATH_MAX];
	struct event_loop loop;
	struct api_server server;
	/* the fake handler: what it saw, what it answers */
	int calls;
	char paths[FX_PATHS][HTTP_MAX_PATH + 1];
	enum http_method method;
	char req_path[HTTP_MAX_PATH + 1];
	char body[256];
	int status;		/* 200 unless set; 0 answers nothing */
	size_t reply_size;	/* a body of this many bytes, else {"ok":true} */
	bool keep_later;	/* keep the request to answer later, in: */
	struct http_later later;
};

struct client {
	struct fx *fx;
	int fd;
	char *buf;		/* the reply so far */
	size_t len;
	bool done;		/* the server closed it */
	size_t close_after;	/* hang up once this many bytes came (0: never) */
};

static inline void fx_handle(void *ctx, const struct http_request *req,
			     struct http_reply *reply,
			     const struct http_later *later)
{
	struct fx *fx = ctx;

	if (fx->calls < FX_PATHS)
		snprintf(fx->paths[fx->calls], sizeof(fx->paths[0]), "%s", req->path);
	fx->calls++;
	fx->method = req->method;
	snprintf(fx->req_path, sizeof(fx->req_path), "%s", req->path);
	snprintf(fx->body, sizeof(fx->body), "%s", req->body);
	if (fx->keep_later) {
		fx->later = *later;
		reply->later = true;
		return;
	}
	reply->status = fx->status;
	if (!fx->status)
		return;
	if (fx->reply_size) {
		reply->body = malloc(fx->reply_size);
		memset(reply->body, ' ', fx->reply_size);
		reply->body_len = fx->reply_size;
	} else {
		reply->body = strdup("{\"ok\":true}");
		reply->body_len = strlen(reply->body);
	}
}

static inline int fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	void *scratch;

	if (!fx || scratch_setup(&scratch))
		return -1;
	fx->scratch = scratch;
	chmod(fx->scratch->dir, 0700);
	fx->status = 200;
	setenv("LKVM_RUN_DIR", fx->scratch->dir, 1);
	if (api_socket__path("vm0", NULL, fx->path, sizeof(fx->path)) ||
	    event_loop__init(&fx->loop))
		return -1;
	*state = fx;
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx *fx = *state;
	void *scratch = fx->scratch;

	api_server__close(&fx->server);
	event_loop__destroy(&fx->loop);
	unsetenv("LKVM_RUN_DIR");
	scratch_teardown(&scratch);
	free(fx);
	return 0;
}

static inline void fx_open(struct fx *fx)
{
	if (api_server__open(&fx->server, fx->path, &fx->loop, fx_handle, fx))
		fail_msg("%s", lkvm__last_error());
}

static inline void client_on_reply(struct event_loop *l, int fd, uint32_t revents,
				   void *ctx)
{
	struct client *c = ctx;
	ssize_t n;

	(void)revents;
	for (;;) {
		n = read(fd, c->buf + c->len, FX_REPLY_MAX - c->len);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n > 0)
			c->len += (size_t)n;
		if (n > 0 && !(c->close_after && c->len >= c->close_after))
			continue;
		/* the end (ECONNRESET too), or we hang up */
		event_loop__remove(l, fd);
		close(fd);
		c->fd = -1;
		c->done = true;
		return;
	}
}

/* A client connected to the server, its replies read on the loop. */
static inline void client_open(struct fx *fx, struct client *c)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	memset(c, 0, sizeof(*c));
	c->fx = fx;
	c->buf = malloc(FX_REPLY_MAX);
	assert_non_null(c->buf);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(c->fd >= 0);
	strcpy(addr.sun_path, fx->path);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(event_loop__add(&fx->loop, c->fd, EPOLLIN, client_on_reply, c),
			 0);
}

static inline void client_send(struct client *c, const char *text)
{
	size_t len = strlen(text);

	assert_int_equal(send(c->fd, text, len, MSG_NOSIGNAL), (ssize_t)len);
}

static inline void client_free(struct client *c)
{
	if (c->fd >= 0) {
		event_loop__remove(&c->fx->loop, c->fd);
		close(c->fd);
	}
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
}

/* The reply's status; its body in @body (NUL-terminated) if not NULL. */
static inline int client_status(struct client *c, char *body, size_t size)
{
	const char *b;
	size_t blen;
	int status;

	if (http_response__parse(c->buf, c->len, &status, &b, &blen))
		fail_msg("%s: '%.*s'", lkvm__last_error(), (int)c->len, c->buf);
	if (body)
		snprintf(body, size, "%.*s", (int)blen, b);
	return status;
}

static inline bool fx_has(const char *text, size_t len, const char *what)
{
	return memmem(text, len, what, strlen(what)) != NULL;
}

/*
 * Where the reply that starts at @at in @c->buf ends, once it has all
 * come, else 0. The server's replies are framed by Content-Length (a 204
 * has none, and no body): http_response__parse checks each as a whole.
 */
static inline size_t client_reply_end(const struct client *c, size_t at)
{
	static const char cl_name[] = "\r\nContent-Length: ";
	const char *head = c->buf + at, *end, *cl;
	size_t body = 0, head_len;

	end = memmem(head, c->len - at, "\r\n\r\n", 4);
	if (!end)
		return 0;
	head_len = (size_t)(end - head) + 4;
	cl = memmem(head, head_len, cl_name, sizeof(cl_name) - 1);
	if (cl)
		body = strtoul(cl + sizeof(cl_name) - 1, NULL, 10);
	return at + head_len + body <= c->len ? at + head_len + body : 0;
}

/* How many whole replies @c has had. */
static inline unsigned int client_nr_replies(const struct client *c)
{
	unsigned int n = 0;
	size_t at = 0, end;

	while (at < c->len && (end = client_reply_end(c, at))) {
		at = end;
		n++;
	}
	return n;
}

/*
 * Reply @i's status (of several on one connection); its body into @body
 * (NUL-terminated) if not NULL; whether it said "Connection: close" into
 * *@closes if not NULL (else it must say keep-alive).
 */
static inline int client_nth_status(struct client *c, unsigned int i, char *body,
				    size_t size, bool *closes)
{
	size_t at = 0, end = client_reply_end(c, 0), head_len;
	const char *b, *head_end;
	size_t blen;
	int status;

	while (i-- && end) {
		at = end;
		end = client_reply_end(c, at);
	}
	if (!end)
		fail_msg("no such reply in '%.*s'", (int)c->len, c->buf);
	if (http_response__parse(c->buf + at, end - at, &status, &b, &blen))
		fail_msg("%s: '%.*s'", lkvm__last_error(), (int)(end - at), c->buf + at);
	head_end = memmem(c->buf + at, end - at, "\r\n\r\n", 4);
	head_len = (size_t)(head_end - (c->buf + at)) + 4;
	if (closes)
		*closes = fx_has(c->buf + at, head_len, "\r\nConnection: close\r\n");
	if (!fx_has(c->buf + at, head_len, "\r\nConnection: close\r\n") &&
	    !fx_has(c->buf + at, head_len, "\r\nConnection: keep-alive\r\n"))
		fail_msg("reply %.*s says nothing of the connection", (int)head_len,
			 c->buf + at);
	if (body)
		snprintf(body, size, "%.*s", (int)blen, b);
	return status;
}

typedef bool (*fx_pred)(struct fx *fx, void *arg);

struct fx_wait {
	struct fx *fx;
	fx_pred pred;
	void *arg;
	int ticks_left;
};

static inline void fx_on_tick(struct event_loop *l, int fd, uint32_t revents,
			      void *ctx)
{
	struct fx_wait *w = ctx;
	uint64_t n;

	(void)revents;
	if (read(fd, &n, sizeof(n)) < 0)
		return;
	if (w->pred(w->fx, w->arg))
		event_loop__stop(l, 0);
	else if (--w->ticks_left <= 0)
		event_loop__stop(l, 1);
}

/* Serve until @pred holds (checked every millisecond) or @ms pass. */
static inline bool serve_until(struct fx *fx, fx_pred pred, void *arg, int ms)
{
	struct itimerspec its = { { 0, 1000000 }, { 0, 1000000 } };
	struct fx_wait w = { fx, pred, arg, ms };
	int tick = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	int ret;

	assert_true(tick >= 0);
	assert_int_equal(timerfd_settime(tick, 0, &its, NULL), 0);
	assert_int_equal(event_loop__add(&fx->loop, tick, EPOLLIN, fx_on_tick, &w), 0);
	ret = event_loop__run(&fx->loop);
	event_loop__remove(&fx->loop, tick);
	close(tick);
	return ret == 0;
}

static inline bool client_done(struct fx *fx, void *arg)
{
	(void)fx;
	return ((struct client *)arg)->done;
}

struct replies {
	struct client *c;
	unsigned int n;
};

/* the client has had at least arg->n whole replies */
static inline bool replies_are(struct fx *fx, void *arg)
{
	struct replies *r = arg;

	(void)fx;
	return client_nr_replies(r->c) >= r->n;
}

/* the server holds exactly *(unsigned int *)arg clients */
static inline bool clients_are(struct fx *fx, void *arg)
{
	return fx->server.nr_clients == *(unsigned int *)arg;
}

#endif
