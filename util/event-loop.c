// SPDX-License-Identifier: GPL-2.0
/*
 * An epoll event loop with one callback per fd. Each epoll registration
 * carries its slot and the slot's generation: a callback may remove any
 * watcher (and add another in its slot) while events for it are still in
 * the batch being served, and the generation tells those stale events
 * apart, so a removed watcher is never called.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lkvm/event-loop.h"
#include "lkvm/util.h"

int event_loop__init(struct event_loop *l)
{
	unsigned int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < EVENT_LOOP_MAX_WATCHERS; i++)
		l->watcher[i].fd = -1;
	l->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epoll_fd < 0)
		return lkvm__fail(-errno, "epoll: %s", strerror(errno));
	return 0;
}

void event_loop__destroy(struct event_loop *l)
{
	if (l->epoll_fd >= 0)
		close(l->epoll_fd);
	l->epoll_fd = -1;
}

static struct event_watcher *find(struct event_loop *l, int fd)
{
	unsigned int i;

	for (i = 0; i < EVENT_LOOP_MAX_WATCHERS; i++)
		if (l->watcher[i].fd == fd)
			return &l->watcher[i];
	return NULL;
}

static uint64_t tag_of(const struct event_loop *l, const struct event_watcher *w)
{
	return (uint64_t)w->generation << 32 | (uint64_t)(w - l->watcher);
}

/* The watcher an event was fetched for, or NULL if it was removed since. */
static struct event_watcher *watcher_of(struct event_loop *l, uint64_t tag)
{
	uint32_t slot = (uint32_t)tag;
	struct event_watcher *w;

	if (slot >= EVENT_LOOP_MAX_WATCHERS)
		return NULL;
	w = &l->watcher[slot];
	if (w->fd < 0 || w->generation != (uint32_t)(tag >> 32))
		return NULL;
	return w;
}

int event_loop__add(struct event_loop *l, int fd, uint32_t events, event_fn fn,
		    void *ctx)
{
	struct epoll_event ev = { .events = events };
	struct event_watcher *w;

	if (fd < 0)
		return lkvm__fail(-EBADF, "epoll: cannot watch fd %d", fd);
	if (find(l, fd))
		return lkvm__fail(-EEXIST, "epoll: fd %d is already watched", fd);
	w = find(l, -1);
	if (!w)
		return lkvm__fail(-ENOSPC, "epoll: more than %d fds to watch",
				  EVENT_LOOP_MAX_WATCHERS);
	ev.data.u64 = tag_of(l, w);
	if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return lkvm__fail(-errno, "epoll: cannot watch fd %d: %s", fd,
				  strerror(errno));
	w->fd = fd;
	w->fn = fn;
	w->ctx = ctx;
	return 0;
}

int event_loop__modify(struct event_loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	struct event_watcher *w = fd < 0 ? NULL : find(l, fd);

	if (!w)
		return lkvm__fail(-ENOENT, "epoll: fd %d is not watched", fd);
	ev.data.u64 = tag_of(l, w);
	if (epoll_ctl(l->epoll_fd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return lkvm__fail(-errno, "epoll: cannot change fd %d: %s", fd,
				  strerror(errno));
	return 0;
}

int event_loop__remove(struct event_loop *l, int fd)
{
	struct event_watcher *w = fd < 0 ? NULL : find(l, fd);

	if (!w)
		return lkvm__fail(-ENOENT, "epoll: fd %d is not watched", fd);
	/* first, so that nothing below can leave it callable */
	w->fd = -1;
	w->generation++;
	w->fn = NULL;
	w->ctx = NULL;
	if (epoll_ctl(l->epoll_fd, EPOLL_CTL_DEL, fd, NULL) < 0)
		return lkvm__fail(-errno, "epoll: cannot drop fd %d: %s", fd,
				  strerror(errno));
	return 0;
}

void event_loop__stop(struct event_loop *l, int result)
{
	l->stopped = true;
	l->result = result;
}

int event_loop__run(struct event_loop *l)
{
	struct epoll_event ev[EVENT_LOOP_MAX_WATCHERS];
	struct event_watcher *w;
	int i, n;

	l->stopped = false;
	while (!l->stopped) {
		n = epoll_wait(l->epoll_fd, ev, EVENT_LOOP_MAX_WATCHERS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lkvm__fail(-errno, "epoll: %s", strerror(errno));
		for (i = 0; i < n && !l->stopped; i++) {
			w = watcher_of(l, ev[i].data.u64);
			if (w)
				w->fn(l, w->fd, ev[i].events, w->ctx);
		}
	}
	return l->result;
}

void event_fd__signal(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so readable already */
	}
}

bool event_fd__drain(int fd)
{
	uint64_t n;

	return read(fd, &n, sizeof(n)) == sizeof(n);
}
