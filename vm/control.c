// SPDX-License-Identifier: GPL-2.0
/*
 * What a controller (the control API, SIGPWR) may do to a VM while it is
 * served: pause and resume its vCPUs, ask the guest to power off (an EPOW
 * event) with a deadline after which it is stopped, stop it now. All of
 * it on the main thread, from the VM's event loop.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "lkvm/event-loop.h"
#include "lkvm/machine.h"
#include "lkvm/rtas-events.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#include "vm-internal.h"

int vm__request_poweroff(struct vm *s)
{
	if (!s->serving)
		return lkvm__fail(-EAGAIN, "no guest is running");
	if (atomic_load(&s->m.p.exit_request) != PSERIES_RUNNING)
		return lkvm__fail(-ESHUTDOWN, "the guest is stopping already");
	return rtas_events__request_poweroff(&s->m.p);
}

/* The guest did not power off in the time it was given: stop it. */
static void on_shutdown_timeout(struct event_loop *l, int fd, uint32_t revents,
				void *ctx)
{
	(void)revents;
	if (!event_fd__drain(fd))
		return;		/* a spurious wake-up: the timer still runs */
	lkvm__warn("the guest did not power off in time: stopping it");
	event_loop__stop(l, PSERIES_USER_STOP);
	(void)ctx;
}

int vm__arm_timer(int fd, unsigned int seconds)
{
	struct itimerspec when = { .it_value.tv_sec = seconds };

	/* no time at all: the deadline is the loop's next turn */
	if (!seconds)
		when.it_value.tv_nsec = 1;
	return timerfd_settime(fd, 0, &when, NULL) < 0 ? -errno : 0;
}

void vm__disarm_timer(int fd)
{
	struct itimerspec off = { 0 };

	if (fd >= 0)
		timerfd_settime(fd, 0, &off, NULL);
}

/* Disarm it: a new boot starts without a deadline. */
void vm__disarm_shutdown_timer(struct vm *vm)
{
	vm__disarm_timer(vm->shutdown_timer);
}

int vm__shutdown(struct vm *vm, unsigned int timeout_s)
{
	int ret;

	ret = vm__request_poweroff(vm);
	if (ret)
		return ret;
	/* no time at all: the request, and the stop right after it */
	ret = vm__arm_timer(vm->shutdown_timer, timeout_s);
	if (ret)
		return lkvm__fail(ret, "cannot arm the shutdown timer: %s",
				  strerror(-ret));
	return 0;
}

int vm__watch_shutdown_timer(struct vm *vm)
{
	/* made at start: the main thread's filter forbids making it later */
	vm->shutdown_timer = timerfd_create(CLOCK_MONOTONIC,
					    TFD_CLOEXEC | TFD_NONBLOCK);
	if (vm->shutdown_timer < 0)
		return lkvm__fail(-errno, "timerfd: %s", strerror(errno));
	return event_loop__add(&vm->loop, vm->shutdown_timer, EPOLLIN,
			       on_shutdown_timeout, vm);
}

int vm__pause(struct vm *vm)
{
	if (!vm->serving)
		return lkvm__fail(-ESHUTDOWN, "cannot pause: the guest is not running");
	return machine__pause(&vm->m);
}

int vm__resume(struct vm *vm)
{
	if (!vm->serving)
		return lkvm__fail(-ESHUTDOWN, "cannot resume: the guest is not running");
	return machine__resume(&vm->m);
}

void vm__stop(struct vm *vm)
{
	/* the loop ends after this callback; vm__boot stops the machine */
	event_loop__stop(&vm->loop, PSERIES_USER_STOP);
}

enum vm_state vm__state(struct vm *vm)
{
	if (!vm->serving)
		return VM_SHUTDOWN;
	switch (run_state__phase(&vm->m.run)) {
	case RUN_STATE_RUNNING:
		return VM_RUNNING;
	case RUN_STATE_PAUSED:
		return VM_PAUSED;
	default:
		return VM_SHUTDOWN;
	}
}
