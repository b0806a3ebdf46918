// SPDX-License-Identifier: GPL-2.0
/*
 * One client of the control socket: its requests, one at a time, and
 * their replies. HTTP/1.1 keeps a connection after a reply unless the
 * request said otherwise (http_request.keep_alive), so a client with
 * several requests pays for its socket, connect and accept once. Every fd
 * is non-blocking and each callback does one bounded step (one read, as
 * much of a write as the socket takes, one request answered), so a slow
 * or broken client holds no one else up.
 *
 * Time: a request must arrive whole within the server's timeout of the
 * moment the connection was ready for it (accepted, or the last reply
 * sent), and its reply be taken within as long again; a kept connection
 * that stays idle that long is closed. So a connection never holds a
 * slot longer than that without a request going through.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server-internal.h"
#include "lkvm/util.h"

/* A read's size: one per turn, so every client gets its turn. */
#define READ_CHUNK		4096

static void on_client(struct event_loop *l, int fd, uint32_t revents, void *ctx);

/* Watch @c for @events on the loop: added the first time, changed after. */
static int client_watch(struct api_client *c, uint32_t events)
{
	struct event_loop *l = c->server->loop;
	int ret;

	if (c->watched == events)
		return 0;
	if (c->watched)
		ret = event_loop__modify(l, c->fd, events);
	else
		ret = event_loop__add(l, c->fd, events, on_client, c);
	if (!ret)
		c->watched = events;
	return ret;
}

void api_conn__drop(struct api_client *c)
{
	if (c->watched)
		event_loop__remove(c->server->loop, c->fd);
	c->watched = 0;
	close(c->fd);
	http_conn__free(&c->conn);
	free(c->out);
	c->out = NULL;
	c->fd = -1;
	c->server->nr_clients--;
}

/* Done with @c: a slot is free, maybe an fd too. */
static void client_close(struct api_client *c)
{
	struct api_server *s = c->server;

	api_conn__drop(c);
	api_server__slot_freed(s);
}

/* Wait on the loop for @events, by @c's deadline; close it if we cannot. */
static void client_wait(struct api_client *c, uint32_t events)
{
	if (client_watch(c, events)) {
		client_close(c);
		return;
	}
	api_server__arm_timer(c->server);
}

bool api_conn__idle(const struct api_client *c)
{
	return c->fd >= 0 && c->served && !c->out && !c->deferred &&
	       !c->waiting && !http_conn__started(&c->conn);
}

/*
 * A fresh socket's buffer takes a short reply whole; if not, the client
 * is closed all the same.
 */
void api_conn__send_error_once(int fd, int status, const char *message)
{
	struct http_reply reply = { 0 };
	size_t len;
	char *out;

	if (!http_reply__set_error(&reply, status, message) &&
	    !http_reply__format(&reply, false, &out, &len)) {
		if (send(fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* it is closed next either way */
		}
		free(out);
	}
	free(reply.body);
}

void api_conn__expire(struct api_client *c)
{
	if (!c->out && !c->deferred && (!c->served || http_conn__started(&c->conn)))
		api_conn__send_error_once(c->fd, 408, "the request took too long");
	api_conn__drop(c);
}

static void client_parsed(struct api_client *c, int result);

/*
 * The reply is out and the connection goes on: the next request gets its
 * time from now. Bytes the client sent after the last request (it
 * pipelines) are parsed on the loop's next turn, after the other
 * clients' (a socket that takes a reply is writable: EPOLLOUT calls back
 * at once, and does not while the client leaves its replies unread), so
 * that many requests in one read are answered one per turn.
 */
static void client_keep(struct api_client *c)
{
	struct api_server *s = c->server;

	free(c->out);
	c->out = NULL;
	c->out_len = c->out_sent = 0;
	if (c->served < UINT_MAX)
		c->served++;
	c->deadline_ns = lkvm__now_ns() + s->timeout_ms * NS_PER_MS;
	c->deferred = http_conn__pending(&c->conn);
	if (!c->deferred)
		http_conn__next(&c->conn);	/* nothing kept: MORE */
	client_wait(c, c->deferred ? EPOLLOUT : EPOLLIN);
}

/* The pipelined request's turn. */
static void client_resume(struct api_client *c)
{
	int result;

	c->deferred = false;
	result = http_conn__next(&c->conn);
	if (result == HTTP_CONN_MORE) {
		client_wait(c, EPOLLIN);
		return;
	}
	client_parsed(c, result);
}

/*
 * Send what the socket takes; when all is sent, close @c or wait for its
 * next request. What the socket does not take at once waits for EPOLLOUT.
 */
static void client_send(struct api_client *c)
{
	ssize_t n;

	while (c->out_sent < c->out_len) {
		/* MSG_NOSIGNAL: a client gone mid-reply is no SIGPIPE */
		n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			client_wait(c, EPOLLOUT);
			return;		/* EPOLLOUT calls again */
		}
		if (n <= 0)
			break;
		c->out_sent += (size_t)n;
	}
	if (c->out_sent == c->out_len && c->keep)
		client_keep(c);
	else
		client_close(c);
}

/*
 * Reply with @reply (its body is freed), then close or, if @keep, read
 * on: from now until it is sent @c only writes.
 */
static void client_answer(struct api_client *c, struct http_reply *reply,
			  bool keep)
{
	struct api_server *s = c->server;
	int ret;

	c->keep = keep;
	ret = http_reply__format(reply, keep, &c->out, &c->out_len);
	if (ret) {
		/* the handler's mistake: lkvm__last_error() says which */
		if (http_reply__set_error(reply, 500, lkvm__last_error()) ||
		    http_reply__format(reply, keep, &c->out, &c->out_len)) {
			free(reply->body);
			client_close(c);
			return;
		}
	}
	free(reply->body);
	reply->body = NULL;
	c->out_sent = 0;
	/* the reply gets its own time: the handler may have taken some */
	c->deadline_ns = lkvm__now_ns() + s->timeout_ms * NS_PER_MS;
	client_send(c);
}

/* Slot and generation: a token never names a later client of the slot. */
static uint64_t later_token(struct api_client *c)
{
	struct api_server *s = c->server;

	return ++s->later_gen << 8 | (uint64_t)(c - s->client);
}

/*
 * The handler kept the request to answer later: no deadline (the
 * operation has its own), and nothing read meanwhile. Only a hang-up is
 * watched for (epoll reports EPOLLHUP whatever is asked), so that the
 * slot is freed when the client goes; a client that only shut its
 * writing side (EPOLLRDHUP) still gets its answer.
 */
static void client_wait_later(struct api_client *c, uint64_t token)
{
	c->waiting = true;
	c->later_token = token;
	c->deadline_ns = UINT64_MAX;
	client_wait(c, EPOLLHUP);
}

void api_conn__answer_later(void *server, uint64_t token,
			    struct http_reply *reply)
{
	struct api_server *s = server;
	uint64_t slot = token & 0xff;
	struct api_client *c;

	if (!s->open || slot >= API_MAX_CLIENTS) {
		free(reply->body);
		return;
	}
	c = &s->client[slot];
	if (c->fd < 0 || !c->waiting || c->later_token != token) {
		free(reply->body);	/* the client is gone */
		return;
	}
	c->waiting = false;
	if (!reply->status)
		http_reply__set_error(reply, 500, "the request got no answer");
	client_answer(c, reply, c->conn.req.keep_alive);
}

static void client_handle(struct api_client *c)
{
	struct api_server *s = c->server;
	struct http_reply reply = { 0 };
	struct http_later later = {
		.answer = api_conn__answer_later,
		.server = s,
		.token = later_token(c),
	};

	s->handle(s->ctx, &c->conn.req, &reply, &later);
	if (reply.later) {
		free(reply.body);
		client_wait_later(c, later.token);
		return;
	}
	if (!reply.status)
		http_reply__set_error(&reply, 500, "the request got no answer");
	client_answer(c, &reply, c->conn.req.keep_alive);
}

/* A request that is not HTTP we can read: answered, and the end. */
static void client_refuse(struct api_client *c, int status, const char *message)
{
	struct http_reply reply = { 0 };

	if (http_reply__set_error(&reply, status, message)) {
		client_close(c);
		return;
	}
	client_answer(c, &reply, false);
}

static void client_parsed(struct api_client *c, int result)
{
	switch (result) {
	case HTTP_CONN_DONE:
		client_handle(c);
		break;
	case HTTP_CONN_ERROR:
		client_refuse(c, c->conn.error_status, c->conn.error);
		break;
	default:
		break;
	}
}

/* One read of the request; the whole of it calls the handler. */
static void client_read(struct api_client *c)
{
	char buf[READ_CHUNK];
	ssize_t n;

	n = read(c->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0 || (n == 0 && !http_conn__started(&c->conn))) {
		/* gone, or done: it ended between two requests */
		client_close(c);
		return;
	}
	if (n == 0) {
		/* half-closed: the client has said all it will */
		client_refuse(c, 400, "the request ends before it is complete");
		return;
	}
	client_parsed(c, http_conn__feed(&c->conn, buf, (size_t)n));
}

static void on_client(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct api_client *c = ctx;

	(void)l;
	(void)fd;
	if (c->waiting) {
		/* only a hang-up or an error wakes a waiting client */
		if (revents & (EPOLLHUP | EPOLLERR))
			client_close(c);
		return;
	}
	/* otherwise read and send say what happened */
	if (c->out)
		client_send(c);
	else if (c->deferred)
		client_resume(c);
	else
		client_read(c);
}

void api_conn__start(struct api_server *s, struct api_client *c, int fd)
{
	c->server = s;
	c->fd = fd;
	c->deadline_ns = lkvm__now_ns() + s->timeout_ms * NS_PER_MS;
	c->served = 0;
	c->keep = c->deferred = c->waiting = false;
	c->out = NULL;
	c->out_len = c->out_sent = 0;
	c->watched = 0;
	http_conn__init(&c->conn);
	s->nr_clients++;
	/* most clients have sent their request by now: serve it at once */
	client_read(c);
	if (c->fd < 0 || c->watched)
		return;		/* answered and closed, or on the loop already */
	if (client_watch(c, EPOLLIN)) {
		api_conn__send_error_once(fd, 503, "the event loop is full");
		client_close(c);
		return;
	}
	api_server__arm_timer(s);
}
