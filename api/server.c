// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket on the main thread's event loop: accepting clients
 * into a fixed number of slots (api/server-conn.c serves each), and one
 * timerfd armed for the earliest of their deadlines, which closes a
 * client that takes too long.
 *
 * A request costs what its syscalls cost (in a nested, emulated host a
 * syscall is dear): a client whose request has arrived by the time it is
 * accepted, as it has from any client that sends at once, is read and
 * answered right there, and closed if it asked for that, never put on
 * the loop or the timer. A client that keeps its connection pays for the
 * loop once, then a read and a send per request.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "server-internal.h"
#include "socket-internal.h"
#include "lkvm/util.h"

/* After accept ran out of fds: how long to let others close some. */
#define ACCEPT_RETRY_MS		100

/*
 * Have the timer fire by the earliest deadline. A timer that fires early
 * (its client is gone, or was given more time) finds no one late and is
 * armed again then: so only an earlier deadline needs a syscall.
 */
void api_server__arm_timer(struct api_server *s)
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

void api_server__slot_freed(struct api_server *s)
{
	pause_accept(s, false);
	api_server__arm_timer(s);
}

/*
 * A slot for a new client: a free one, else that of the kept connection
 * idle the longest (an idle connection may be closed at any time, and
 * one that is in use must not lose to it), else none.
 */
static struct api_client *free_slot(struct api_server *s)
{
	struct api_client *idle = NULL, *c;
	unsigned int i;

	for (i = 0; i < API_MAX_CLIENTS; i++) {
		c = &s->client[i];
		if (c->fd < 0)
			return c;
		if (api_conn__idle(c) && (!idle || c->deadline_ns < idle->deadline_ns))
			idle = c;
	}
	if (idle)
		api_conn__drop(idle);
	return idle;
}

static void client_start(struct api_server *s, int fd)
{
	struct api_client *c = free_slot(s);

	if (!c) {
		api_conn__send_error_once(fd, 503, "too many clients at once");
		close(fd);
		return;
	}
	api_conn__start(s, c, fd);
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
	api_server__arm_timer(s);
}

static void on_timer(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct api_server *s = ctx;
	struct api_client *c;
	uint64_t now = lkvm__now_ns();
	unsigned int i;

	(void)l;
	(void)revents;
	event_fd__drain(fd);	/* nothing if re-armed since: the deadlines decide */
	s->armed_ns = 0;
	for (i = 0; i < API_MAX_CLIENTS; i++) {
		c = &s->client[i];
		if (c->fd >= 0 && c->deadline_ns <= now)
			api_conn__expire(c);
	}
	pause_accept(s, false);
	api_server__arm_timer(s);
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
			api_conn__drop(&s->client[i]);
	event_loop__remove(s->loop, s->timer_fd);
	event_loop__remove(s->loop, s->fd);
	server_unmake(s);
}
