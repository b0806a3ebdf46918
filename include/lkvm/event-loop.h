/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_EVENT_LOOP_H
#define LKVM_EVENT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * One thread's event loop (epoll): each watched fd has a callback, called
 * with the epoll events (EPOLLIN, EPOLLHUP, ...) it got. Level-triggered,
 * so a callback that leaves data unread is called again on the next turn.
 *
 * The number of watchers is fixed: lkvm run watches a handful of fds (the
 * machine's exit, signals, stdin, a listening socket and its clients), and
 * a table inside the struct needs no allocation and cannot fail half-way
 * through a run. A user that accepts clients must keep their number below
 * the limit; an add beyond it fails with -ENOSPC.
 */
#define EVENT_LOOP_MAX_WATCHERS 64

struct event_loop;

typedef void (*event_fn)(struct event_loop *l, int fd, uint32_t revents,
			 void *ctx);

struct event_watcher {
	int fd;			/* -1: the slot is free */
	uint32_t generation;	/* changes on every removal (stale events) */
	event_fn fn;
	void *ctx;
};

struct event_loop {
	int epoll_fd;
	bool stopped;
	int result;		/* event_loop__stop()'s, for event_loop__run() */
	struct event_watcher watcher[EVENT_LOOP_MAX_WATCHERS];
};

/* 0 or a negative errno with a message. */
int event_loop__init(struct event_loop *l);
/* Closes the loop's own fd; the watched fds stay their owners'. */
void event_loop__destroy(struct event_loop *l);

/*
 * Call @fn(@l, @fd, revents, @ctx) whenever @fd has one of @events (EPOLLIN,
 * EPOLLOUT...; EPOLLHUP and EPOLLERR always come). 0 or a negative errno
 * with a message: -EEXIST for an fd already watched, -ENOSPC when the table
 * is full, -EPERM for a file epoll cannot watch (a regular file, /dev/null:
 * always ready to poll()), -EBADF for a closed fd.
 */
int event_loop__add(struct event_loop *l, int fd, uint32_t events, event_fn fn,
		    void *ctx);
/* Watch @fd for @events instead (e.g. writing instead of reading).
 * 0 or a negative errno; -ENOENT for an fd not watched. */
int event_loop__modify(struct event_loop *l, int fd, uint32_t events);
/*
 * Stop watching @fd; remove it before closing it. From a callback too, for
 * its own fd or any other: events of @fd already fetched in the same turn
 * are dropped, even if @fd is added again. -ENOENT for an fd not watched;
 * the watcher is gone even if epoll could not drop the fd (then -errno).
 */
int event_loop__remove(struct event_loop *l, int fd);

/*
 * Serve events until a callback calls event_loop__stop(); returns the
 * @result it gave (which must not be negative), or a negative errno with a
 * message if epoll fails. Events fetched in the same turn after the stop
 * are not served (level-triggered ones come again in the next run). A
 * signal that interrupts the wait does not end it.
 */
int event_loop__run(struct event_loop *l);
void event_loop__stop(struct event_loop *l, int result);

/*
 * Make an eventfd readable. A write can only fail on a counter that is
 * already readable, so there is nothing to report.
 */
void event_fd__signal(int fd);

/*
 * Read an eventfd's or timerfd's counter, leaving it unreadable: true if
 * there was something, false for a wake-up with nothing left (a timer
 * disarmed or re-armed since, a counter someone else read).
 */
bool event_fd__drain(int fd);

#endif
