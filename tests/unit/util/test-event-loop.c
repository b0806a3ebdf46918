// SPDX-License-Identifier: GPL-2.0
/* The epoll event loop, driven by pipes, eventfds and a timerfd. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <cmocka.h>

#include "expect-error.h"

#include "lkvm/event-loop.h"

/* What the callbacks saw, and fds they act on. */
struct record {
	int calls;
	int fd;
	uint32_t revents;
	void *ctx;
	int stop_with;		/* a recording callback stops the loop with it */
};

static void on_event_record_stop(struct event_loop *l, int fd, uint32_t revents,
				 void *ctx)
{
	struct record *r = ctx;

	r->calls++;
	r->fd = fd;
	r->revents = revents;
	r->ctx = ctx;
	event_loop__stop(l, r->stop_with);
}

static int ready_eventfd(void)
{
	int fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);

	assert_true(fd >= 0);
	return fd;
}

static void drain(int fd)
{
	uint64_t v;

	assert_int_equal(read(fd, &v, sizeof(v)), sizeof(v));
}

static void kick(int fd)
{
	uint64_t one = 1;

	assert_int_equal(write(fd, &one, sizeof(one)), sizeof(one));
}

/* How many events epoll has for the loop right now (without serving them). */
static int pending(struct event_loop *l)
{
	struct epoll_event ev[EVENT_LOOP_MAX_WATCHERS];

	return epoll_wait(l->epoll_fd, ev, EVENT_LOOP_MAX_WATCHERS, 0);
}

/* Each test's loop, and a pipe many of them use. */
struct fixture {
	struct event_loop l;
	int p[2];
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(event_loop__init(&f->l), 0);
	assert_int_equal(pipe(f->p), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->p[0] >= 0)
		close(f->p[0]);
	if (f->p[1] >= 0)
		close(f->p[1]);
	event_loop__destroy(&f->l);
	test_free(f);
	return 0;
}

static void test_ctx_and_stop_value(void **state)
{
	struct record quiet = { .stop_with = 1 }, r = { .stop_with = 42 };
	struct fixture *f = *state;

	assert_int_equal(event_loop__add(&f->l, f->p[0], EPOLLIN, on_event_record_stop,
					 &quiet), 0);
	assert_int_equal(event_loop__add(&f->l, f->p[1], EPOLLOUT, on_event_record_stop,
					 &r), 0);
	assert_int_equal(event_loop__run(&f->l), 42);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.fd, f->p[1]);
	assert_ptr_equal(r.ctx, &r);
	assert_true(r.revents & EPOLLOUT);
	assert_int_equal(quiet.calls, 0);	/* nothing to read yet */

	/* a second run starts afresh and ends with the new stop's value */
	assert_int_equal(event_loop__remove(&f->l, f->p[1]), 0);
	assert_int_equal(write(f->p[1], "x", 1), 1);
	assert_int_equal(event_loop__run(&f->l), 1);
	assert_int_equal(quiet.calls, 1);
	assert_int_equal(quiet.fd, f->p[0]);
	assert_true(quiet.revents & EPOLLIN);
	assert_int_equal(r.calls, 1);
}

/*
 * Two watchers ready in the same batch; whichever is served first removes
 * the other (and, in the second variant, watches that fd again with another
 * callback). The other's event, already fetched, must reach neither.
 */
struct pair {
	int a, b, stopper;
	bool watch_again;
	int old_calls, new_calls;
	struct record stop;
};

static void on_pair_new(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct pair *t = ctx;

	(void)l;
	(void)fd;
	(void)revents;
	t->new_calls++;
}

static void on_pair(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct pair *t = ctx;
	int other = fd == t->a ? t->b : t->a;

	(void)revents;
	t->old_calls++;
	drain(fd);
	drain(other);	/* so only a stale event could call its watcher */
	assert_int_equal(event_loop__remove(l, other), 0);
	if (t->watch_again)
		assert_int_equal(event_loop__add(l, other, EPOLLIN, on_pair_new, t), 0);
	kick(t->stopper);	/* stops the loop on the next turn */
}

static void run_pair(struct event_loop *l, bool watch_again)
{
	struct pair t = { .watch_again = watch_again, .stop.stop_with = 7 };

	t.a = ready_eventfd();
	t.b = ready_eventfd();
	t.stopper = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(t.stopper >= 0);
	assert_int_equal(event_loop__add(l, t.a, EPOLLIN, on_pair, &t), 0);
	assert_int_equal(event_loop__add(l, t.b, EPOLLIN, on_pair, &t), 0);
	assert_int_equal(event_loop__add(l, t.stopper, EPOLLIN, on_event_record_stop,
					 &t.stop), 0);
	assert_int_equal(pending(l), 2);	/* one batch holds both */
	assert_int_equal(event_loop__run(l), 7);
	assert_int_equal(t.old_calls, 1);
	assert_int_equal(t.new_calls, 0);
	assert_int_equal(t.stop.calls, 1);
	close(t.a);
	close(t.b);
	close(t.stopper);
}

static void test_removed_in_same_batch_not_called(void **state)
{
	struct fixture *f = *state;

	run_pair(&f->l, false);
}

static void test_removed_and_added_again_in_same_batch(void **state)
{
	struct fixture *f = *state;

	run_pair(&f->l, true);
}

/* Removes its own fd, still readable, and stops. */
static void on_event_remove_self(struct event_loop *l, int fd, uint32_t revents,
				 void *ctx)
{
	struct record *r = ctx;

	(void)revents;
	r->calls++;
	assert_int_equal(event_loop__remove(l, fd), 0);
	event_loop__stop(l, r->stop_with);
}

static void test_remove_self_and_add_again(void **state)
{
	struct record r = { .stop_with = 3 }, again = { .stop_with = 4 };
	struct fixture *f = *state;

	assert_int_equal(write(f->p[1], "x", 1), 1);
	assert_int_equal(event_loop__add(&f->l, f->p[0], EPOLLIN, on_event_remove_self,
					 &r), 0);
	assert_int_equal(event_loop__run(&f->l), 3);
	assert_int_equal(r.calls, 1);
	assert_int_equal(pending(&f->l), 0);	/* epoll forgot it too */
	expect_error(event_loop__remove(&f->l, f->p[0]), "not watched");

	assert_int_equal(event_loop__add(&f->l, f->p[0], EPOLLIN, on_event_record_stop,
					 &again), 0);
	assert_int_equal(event_loop__run(&f->l), 4);
	assert_int_equal(again.calls, 1);
	assert_int_equal(again.fd, f->p[0]);
	assert_int_equal(r.calls, 1);
}

static void test_modify(void **state)
{
	struct record r = { .stop_with = 5 };
	struct fixture *f = *state;

	/* a pipe's write end is never readable, always writable here */
	assert_int_equal(event_loop__add(&f->l, f->p[1], EPOLLIN, on_event_record_stop,
					 &r), 0);
	assert_int_equal(pending(&f->l), 0);
	assert_int_equal(event_loop__modify(&f->l, f->p[1], EPOLLOUT), 0);
	assert_int_equal(event_loop__run(&f->l), 5);
	assert_int_equal(r.calls, 1);
	assert_true(r.revents & EPOLLOUT);
	assert_false(r.revents & EPOLLIN);
}

static void test_hangup(void **state)
{
	struct record r = { .stop_with = 6 };
	struct fixture *f = *state;

	close(f->p[1]);	/* the writer goes away with nothing written */
	f->p[1] = -1;
	assert_int_equal(event_loop__add(&f->l, f->p[0], EPOLLIN, on_event_record_stop,
					 &r), 0);
	assert_int_equal(event_loop__run(&f->l), 6);
	assert_int_equal(r.calls, 1);
	assert_true(r.revents & EPOLLHUP);
}

static void test_errors(void **state)
{
	struct record r = { 0 };
	struct fixture *f = *state;
	struct event_loop *l = &f->l;
	int fd = f->p[0], null_fd, i;
	int dups[EVENT_LOOP_MAX_WATCHERS];

	assert_int_equal(event_loop__add(l, fd, EPOLLIN, on_event_record_stop, &r), 0);
	expect_error(event_loop__add(l, fd, EPOLLOUT, on_event_record_stop, &r),
		     "already watched");
	assert_int_equal(event_loop__add(l, fd, EPOLLIN, on_event_record_stop, &r), -EEXIST);
	assert_int_equal(event_loop__remove(l, 999), -ENOENT);
	assert_int_equal(event_loop__remove(l, -1), -ENOENT);
	assert_int_equal(event_loop__modify(l, 999, EPOLLIN), -ENOENT);
	assert_int_equal(event_loop__add(l, -1, EPOLLIN, on_event_record_stop, &r), -EBADF);
	close(f->p[1]);
	assert_int_equal(event_loop__add(l, f->p[1], EPOLLIN, on_event_record_stop, &r),
			 -EBADF);
	f->p[1] = -1;
	/* always ready to poll(), so epoll will not have it */
	null_fd = open("/dev/null", O_RDONLY);
	assert_true(null_fd >= 0);
	assert_int_equal(event_loop__add(l, null_fd, EPOLLIN, on_event_record_stop, &r),
			 -EPERM);
	close(null_fd);

	/* the table is full after EVENT_LOOP_MAX_WATCHERS - 1 more */
	for (i = 0; i < EVENT_LOOP_MAX_WATCHERS; i++) {
		dups[i] = dup(fd);
		assert_true(dups[i] >= 0);
	}
	for (i = 0; i < EVENT_LOOP_MAX_WATCHERS - 1; i++)
		assert_int_equal(event_loop__add(l, dups[i], EPOLLIN,
						 on_event_record_stop, &r), 0);
	expect_error(event_loop__add(l, dups[i], EPOLLIN, on_event_record_stop, &r),
		     "more than");
	assert_int_equal(event_loop__remove(l, dups[0]), 0);
	assert_int_equal(event_loop__add(l, dups[i], EPOLLIN, on_event_record_stop, &r), 0);
	for (i = 0; i < EVENT_LOOP_MAX_WATCHERS; i++)
		close(dups[i]);
	assert_int_equal(r.calls, 0);

	/* epoll itself failing ends the run with its error */
	event_loop__destroy(l);
	expect_error(event_loop__run(l), "epoll");
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* A signal handled while the loop waits does not end the run. */
static void test_signal_does_not_end_run(void **state)
{
	struct itimerval alarm_at = { .it_value.tv_usec = 20000 };
	struct itimerspec stop_at = { .it_value.tv_nsec = 200000000 };
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct record r = { .stop_with = 8 };
	struct fixture *f = *state;
	int tfd;

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	assert_true(tfd >= 0);
	assert_int_equal(event_loop__add(&f->l, tfd, EPOLLIN, on_event_record_stop, &r), 0);
	sigemptyset(&sa.sa_mask);	/* no SA_RESTART: epoll_wait sees EINTR */
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	alarms = 0;
	assert_int_equal(timerfd_settime(tfd, 0, &stop_at, NULL), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &alarm_at, NULL), 0);
	assert_int_equal(event_loop__run(&f->l), 8);
	assert_int_equal(alarms, 1);
	assert_int_equal(r.calls, 1);
	assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
	close(tfd);
}

/*
 * A signal makes an eventfd readable however often it comes (even on a
 * full counter); a drain empties it, and says whether there was anything,
 * for a timer as for an eventfd.
 */
static void test_event_fd_signal_and_drain(void **state)
{
	struct itimerspec at = { .it_value.tv_nsec = 1000000 };
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t full = UINT64_MAX - 1;
	int tfd;

	(void)state;
	assert_true(fd >= 0);
	assert_false(event_fd__drain(fd));
	event_fd__signal(fd);
	event_fd__signal(fd);
	assert_true(event_fd__drain(fd));
	assert_false(event_fd__drain(fd));
	assert_int_equal(write(fd, &full, sizeof(full)), sizeof(full));
	event_fd__signal(fd);		/* would overflow: fails quietly */
	assert_true(event_fd__drain(fd));
	assert_false(event_fd__drain(fd));
	close(fd);

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	assert_true(tfd >= 0);
	assert_false(event_fd__drain(tfd));
	assert_int_equal(timerfd_settime(tfd, 0, &at, NULL), 0);
	usleep(5000);
	assert_true(event_fd__drain(tfd));
	assert_false(event_fd__drain(tfd));
	close(tfd);
}

#define WITH_LOOP(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		WITH_LOOP(test_ctx_and_stop_value),
		WITH_LOOP(test_removed_in_same_batch_not_called),
		WITH_LOOP(test_removed_and_added_again_in_same_batch),
		WITH_LOOP(test_remove_self_and_add_again),
		WITH_LOOP(test_modify),
		WITH_LOOP(test_hangup),
		WITH_LOOP(test_errors),
		WITH_LOOP(test_signal_does_not_end_run),
		cmocka_unit_test(test_event_fd_signal_and_drain),
	};

	return cmocka_run_group_tests_name("event-loop", tests, NULL, NULL);
}
