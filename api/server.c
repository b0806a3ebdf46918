// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket on the main thread's event loop. Every fd is
 * non-blocking and each callback does one bounded step (one read, as
 * much of a write as the socket takes), so a slow or broken client holds
 * no one else up; a client that takes too long is closed when its
 * deadline passes, on one timerfd armed for the earliest deadline.
 *
 * A request costs what its syscalls cost (in a nested, emulated host a
 * syscall is dear): a client whose request has arrived by the time it is
 * accepted, as it has from any client that sends at once, is read,
 * answered and closed right there, never put on the loop or the timer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "socket-internal.h"
#include "lkvm/api-server.h"
#include "lkvm/util.h"

/* After accept ran out of fds: how long to let others close some. */
#define ACCEPT_RETRY_MS		100
/* A read's size: one per turn, so every client gets its turn. */
#define READ_CHUNK		4096
#define NS_PER_MS		1000000ULL

/*
 * Have the timer fire by the earliest deadline. A timer that fires early
 * (its client is gone, or was given more time) finds no one late and is
 * armed again then: so only an earlier deadline needs a syscall.
 */
static void arm_timer(struct api_server *s)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	uint64_t first = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < API_MAX_CLIENTS; i++)
		if (s->client[i].fd >= 0 && s->client[i].deadline_ns < first)
			first = s->client[i].deadline_ns;
	if (s->accept_paused && lkvm__now_ns() + ACCEPT_RETRY_MS * NS_PER_MS < first)
		first = lkvm__now_ns() + ACCEPT_RETRY_MS * NS_PER_MS;
	if (first == UINT64_MAX || (s->armed_ns && s->armed_ns <= first))
		return;
	its.it_value.tv_sec = (time_t)(first / 1000000000ULL);
	its.it_value.tv_nsec = (long)(first % 1000000000ULL);
	if (!timerfd_settime(s->timer_fd, TFD_TIMER_ABSTIME, &its, NULL))
		s->armed_ns = first;
}

static void pause_accept(struct api_server *s, bool paused)
{
	if (s->accept_paused == paused)
		return;
	s->accept_paused = paused;
	event_loop__modify(s->loop, s->fd, paused ? 0 : EPOLLIN);
}

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

/* Forget @c: the fd is closed, nothing of it is left. */
static void client_drop(struct api_client *c)
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

	client_drop(c);
	pause_accept(s, false);
	arm_timer(s);
}

/*
 * One try, no waiting: for a client about to be closed anyway (too many
 * clients, too slow). A fresh socket's buffer takes a short reply whole.
 */
static void send_error_once(int fd, int status, const char *message)
{
	struct http_reply reply = { 0 };
	size_t len;
	char *out;

	if (!http_reply__set_error(&reply, status, message) &&
	    !http_reply__format(&reply, &out, &len)) {
		if (send(fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* it is closed next either way */
		}
		free(out);
	}
	free(reply.body);
}

/*
 * Send what the socket takes; close @c when all is sent or it fails. What
 * the socket does not take at once waits for EPOLLOUT.
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
			if (client_watch(c, EPOLLOUT))
				break;
			arm_timer(c->server);
			return;		/* EPOLLOUT calls again */
		}
		if (n <= 0)
			break;
		c->out_sent += (size_t)n;
	}
	client_close(c);
}

/* Reply with @reply (its body is freed): from now on @c only writes. */
static void client_answer(struct api_client *c, struct http_reply *reply)
{
	struct api_server *s = c->server;
	int ret;

	ret = http_reply__format(reply, &c->out, &c->out_len);
	if (ret) {
		/* the handler's mistake: lkvm__last_error() says which */
		if (http_reply__set_error(reply, 500, lkvm__last_error()) ||
		    http_reply__format(reply, &c->out, &c->out_len)) {
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

static void client_handle(struct api_client *c)
{
	struct api_server *s = c->server;
	struct http_reply reply = { 0 };

	s->handle(s->ctx, &c->conn.req, &reply);
	if (!reply.status)
		http_reply__set_error(&reply, 500, "the request got no answer");
	client_answer(c, &reply);
}

static void client_refuse(struct api_client *c, int status, const char *message)
{
	struct http_reply reply = { 0 };

	if (http_reply__set_error(&reply, status, message)) {
		client_close(c);
		return;
	}
	client_answer(c, &reply);
}

/* One read of the request; the whole of it calls the handler. */
static void client_read(struct api_client *c)
{
	char buf[READ_CHUNK];
	ssize_t n;

	n = read(c->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0 || (n == 0 && !c->received)) {
		client_close(c);	/* gone, or never said anything */
		return;
	}
	if (n == 0) {
		/* half-closed: the client has said all it will */
		client_refuse(c, 400, "the request ends before it is complete");
		return;
	}
	c->received += (size_t)n;
	switch (http_conn__feed(&c->conn, buf, (size_t)n)) {
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

static void on_client(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct api_client *c = ctx;

	(void)l;
	(void)fd;
	(void)revents;		/* read and send say what happened */
	if (c->out)
		client_send(c);
	else
		client_read(c);
}

static struct api_client *free_slot(struct api_server *s)
{
	unsigned int i;

	for (i = 0; i < API_MAX_CLIENTS; i++)
		if (s->client[i].fd < 0)
			return &s->client[i];
	return NULL;
}

static void client_start(struct api_server *s, int fd)
{
	struct api_client *c = free_slot(s);

	if (!c) {
		send_error_once(fd, 503, "too many clients at once");
		close(fd);
		return;
	}
	c->server = s;
	c->fd = fd;
	c->deadline_ns = lkvm__now_ns() + s->timeout_ms * NS_PER_MS;
	c->received = 0;
	c->out = NULL;
	c->out_len = c->out_sent = 0;
	c->watched = 0;
	http_conn__init(&c->conn);
	s->nr_clients++;
	/* most clients have sent their request by now: serve it at once */
	client_read(c);
	if (c->fd < 0 || c->watched)
		return;		/* answered, or waiting to send the rest */
	if (client_watch(c, EPOLLIN)) {
		send_error_once(fd, 503, "the event loop is full");
		client_close(c);
		return;
	}
	arm_timer(s);
}

/*
 * The socket is 0600 in a 0700 directory, so only its owner (and root)
 * can connect; the peer's credentials say so once more, in case the mode
 * or the directory was changed behind lkvm's back.
 */
static bool peer_allowed(const struct api_server *s, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == s->owner || cred.uid == 0;
}

/*
 * One connection per turn: the socket stays readable while more wait, so
 * the loop calls again, after the other clients' turns, and the common
 * case of one waiting client costs no accept that finds none.
 */
static void on_listen(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct api_server *s = ctx;
	int cfd;

	(void)l;
	(void)revents;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd >= 0 && !peer_allowed(s, cfd)) {
		close(cfd);
		return;
	}
	if (cfd >= 0) {
		client_start(s, cfd);
		return;
	}
	/* none left, or that one gone: the loop calls again if more wait */
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
	    errno == ECONNABORTED)
		return;
	/*
	 * Out of fds or memory: the socket stays readable, so stop watching
	 * it for a while instead of spinning on it.
	 */
	pause_accept(s, true);
	arm_timer(s);
}

static void on_timer(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct api_server *s = ctx;
	struct api_client *c;
	uint64_t expirations, now = lkvm__now_ns();
	unsigned int i;

	(void)l;
	(void)revents;
	if (read(fd, &expirations, sizeof(expirations)) < 0) {
		/* EAGAIN: re-armed since it fired; the deadlines decide */
	}
	s->armed_ns = 0;
	for (i = 0; i < API_MAX_CLIENTS; i++) {
		c = &s->client[i];
		if (c->fd < 0 || c->deadline_ns > now)
			continue;
		if (!c->out)
			send_error_once(c->fd, 408, "the request took too long");
		client_drop(c);
	}
	pause_accept(s, false);
	arm_timer(s);
}

static void server_reset(struct api_server *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->timer_fd = -1;
	for (i = 0; i < API_MAX_CLIENTS; i++)
		s->client[i].fd = -1;
}

/* Close the fds (no longer watched) and remove the socket file we made. */
static void server_unmake(struct api_server *s)
{
	struct stat st;

	if (s->timer_fd >= 0)
		close(s->timer_fd);
	if (s->fd >= 0) {
		close(s->fd);
		/* another lkvm may have taken the path over since */
		if (!lstat(s->path, &st) && st.st_dev == s->dev && st.st_ino == s->ino)
			unlink(s->path);
	}
	server_reset(s);
}

int api_server__open(struct api_server *s, const char *path,
		     struct event_loop *loop, api_handler_fn handle, void *ctx)
{
	int ret;

	server_reset(s);
	s->loop = loop;
	s->handle = handle;
	s->ctx = ctx;
	s->timeout_ms = API_CLIENT_TIMEOUT_MS;
	s->owner = geteuid();
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (s->timer_fd < 0) {
		ret = lkvm__fail(-errno, "timerfd: %s", strerror(errno));
		goto fail;
	}
	ret = api_socket__listen(path, &s->dev, &s->ino);
	if (ret < 0)
		goto fail;
	s->fd = ret;
	strcpy(s->path, path);	/* it fit sun_path */
	ret = event_loop__add(loop, s->timer_fd, EPOLLIN, on_timer, s);
	if (ret)
		goto fail;
	ret = event_loop__add(loop, s->fd, EPOLLIN, on_listen, s);
	if (ret) {
		event_loop__remove(loop, s->timer_fd);
		goto fail;
	}
	s->open = true;
	return 0;
fail:
	server_unmake(s);
	return ret;
}

void api_server__close(struct api_server *s)
{
	unsigned int i;

	if (!s->open)
		return;
	for (i = 0; i < API_MAX_CLIENTS; i++)
		if (s->client[i].fd >= 0)
			client_drop(&s->client[i]);
	event_loop__remove(s->loop, s->timer_fd);
	event_loop__remove(s->loop, s->fd);
	server_unmake(s);
}
