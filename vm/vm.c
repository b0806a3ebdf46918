// SPDX-License-Identifier: GPL-2.0
/*
 * The life of one VM: its devices, opened once and kept across reboots;
 * its boots, each a machine set up, started, served on the main thread's
 * event loop and stopped; and its end, where every vNVDIMM is flushed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lkvm/boot.h"
#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/event-loop.h"
#include "lkvm/loader.h"
#include "lkvm/machine.h"
#include "lkvm/nvdimm.h"
#include "lkvm/sandbox.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#include "vm-internal.h"

static double now_ms(void)
{
	return lkvm__now_ns() / 1e6;
}

static void on_machine_exit(struct event_loop *l, int fd, uint32_t revents,
			    void *ctx)
{
	struct vm *s = ctx;

	(void)fd;
	(void)revents;
	event_loop__stop(l, atomic_load(&s->m.p.exit_request));
}

/*
 * SIGPWR, the power failing (init systems shut down on it), asks the
 * guest to power off and leaves the rest to it; the others stop lkvm.
 */
static void on_signal(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct signalfd_siginfo si;
	struct vm *s = ctx;
	ssize_t n;

	(void)revents;
	n = read(fd, &si, sizeof(si));
	if (n > 0 && si.ssi_signo == SIGPWR) {
		if (vm__request_poweroff(s))
			lkvm__warn("SIGPWR: cannot ask the guest to power off: %s",
				   lkvm__last_error());
		return;
	}
	if (n > 0)
		s->signalled = si.ssi_signo;
	event_loop__stop(l, PSERIES_USER_STOP);
}

/* @fd is stdin or its stand-in: either way, stdin is what is read */
static void on_stdin(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct vm *s = ctx;
	uint8_t buf[256];
	ssize_t n;

	(void)revents;
	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n <= 0) {
		/* end of input: the guest just gets no more */
		event_loop__remove(l, fd);
		if (s->stdin_stand_in >= 0)
			close(s->stdin_stand_in);
		s->stdin_stand_in = -1;
	} else if (console__input(&s->console, buf, (size_t)n)) {
		event_loop__stop(l, PSERIES_USER_STOP);
	}
}

/*
 * epoll refuses what poll() calls always readable (a regular file,
 * /dev/null, /dev/zero): EPERM. For such a stdin an eventfd, signalled
 * once and never read, is watched instead, so that stdin is still read
 * one chunk a turn between the other events until its end (or forever,
 * for /dev/zero), as with poll().
 */
static int watch_stdin(struct vm *s)
{
	int ret;

	ret = event_loop__add(&s->loop, STDIN_FILENO, EPOLLIN, on_stdin, s);
	if (ret != -EPERM)
		return ret;
	s->stdin_stand_in = eventfd(1, EFD_CLOEXEC);
	if (s->stdin_stand_in < 0)
		return lkvm__fail(-errno, "eventfd: %s", strerror(errno));
	return event_loop__add(&s->loop, s->stdin_stand_in, EPOLLIN, on_stdin, s);
}

/*
 * The run's event loop: signals and, if @stdin_open, stdin (a closed one
 * gives the guest no input); the machine's exit is added each boot.
 */
static int watch(struct vm *s, bool stdin_open)
{
	int ret = event_loop__init(&s->loop);

	s->stdin_stand_in = -1;
	if (!ret)
		ret = vm__watch_shutdown_timer(s);
	if (!ret)
		ret = vm__watch_hotplug(s);
	if (!ret)
		ret = event_loop__add(&s->loop, s->sig_fd, EPOLLIN, on_signal, s);
	if (!ret && stdin_open)
		ret = watch_stdin(s);
	return ret;
}

/* Serve stdin and signals until the machine asks to stop. */
static enum pseries_exit serve(struct vm *s)
{
	int ret;

	ret = event_loop__add(&s->loop, s->m.exit_fd, EPOLLIN, on_machine_exit, s);
	if (ret)
		return PSERIES_FAILED;
	s->serving = true;
	ret = event_loop__run(&s->loop);
	s->serving = false;
	vm__disarm_shutdown_timer(s);
	event_loop__remove(&s->loop, s->m.exit_fd);
	return ret < 0 ? PSERIES_FAILED : (enum pseries_exit)ret;
}

/*
 * One boot of the guest. The kernel and initrd are mapped only while they
 * are copied into guest RAM, so they do not stay in lkvm's resident memory;
 * a reboot maps them again (and so picks up a rebuilt kernel).
 */
int vm__boot(struct vm *s, enum pseries_exit *why)
{
	const struct vm_params *cfg = s->params;
	struct mapped_file kernel = { .fd = -1 }, initrd = { .fd = -1 };
	double start = now_ms();
	int ret;

	*why = PSERIES_RUNNING;	/* = never ran: a set-up error */
	ret = mapped_file__open(&kernel, cfg->kernel, "kernel");
	if (!ret && cfg->initrd)
		ret = mapped_file__open(&initrd, cfg->initrd, "initrd");
	if (!ret)
		ret = machine__setup(&s->m, cfg, &kernel, cfg->initrd ? &initrd : NULL,
				     &s->devices);
	mapped_file__close(&kernel);
	mapped_file__close(&initrd);
	/* the guest's connector moves wake the hot-plug waiting */
	s->m.drc_event_fd = s->hotplug.event_fd;
	if (!ret)
		ret = machine__start(&s->m);
	if (ret) {
		machine__destroy(&s->m);
		return ret;
	}
	if (cfg->debug)	/* the absolute time lets a benchmark tell lkvm's share */
		lkvm__warn("guest set up in %.1f ms, vCPUs started at monotonic %.3f ms",
			   now_ms() - start, now_ms());
	/* after the first start: everything lkvm opens from now on it needs
	 * for the guest, and all of it is covered */
	if (!s->sandboxed && cfg->main_policy) {
		ret = sandbox__apply(cfg->main_policy);
		if (ret) {
			machine__stop(&s->m, PSERIES_FAILED);
			machine__destroy(&s->m);
			return ret;
		}
		s->sandboxed = true;
	}
	vm__hotplug_boot_started(s);
	*why = serve(s);
	/* a vCPU waiting on a stalled terminal must not hold the stop */
	console__set_stopping(&s->console, true);
	machine__stop(&s->m, *why);
	console__set_stopping(&s->console, false);
	*why = atomic_load(&s->m.p.exit_request);
	if (*why == PSERIES_FAILED)
		ret = lkvm__fail(-EIO, "%s", s->m.error[0] ? s->m.error : "guest failed");
	if (*why == PSERIES_PANIC)
		memcpy(s->panic_msg, s->m.p.panic_msg, sizeof(s->panic_msg));
	if (cfg->debug && s->m.p.unknown_hcalls)
		lkvm__warn("%llu unhandled hcalls",
			   (unsigned long long)s->m.p.unknown_hcalls);
	machine__destroy(&s->m);
	vm__hotplug_boot_ended(s);
	return ret;
}

static int open_nvdimms(struct vm *s, const struct vm_params *cfg)
{
	unsigned int i;
	int ret;

	for (i = 0; i < cfg->nr_nvdimms; i++) {
		ret = nvdimm__open(&s->nvdimm[i], &cfg->nvdimm[i], i);
		if (ret)
			return lkvm__fail(ret, "--nvdimm: %s", lkvm__last_error());
		ret = vm__settle_id(s, cfg->nvdimm_id ? cfg->nvdimm_id[i] : NULL,
				    i, s->nvdimm_id[i]);
		s->slot_used[i] = true;
		nvdimm__as_device(&s->nvdimm[i]);
		if (ret)
			return ret;
		ret = device_registry__add(&s->devices, &s->nvdimm[i].dev);
		if (ret)
			return lkvm__fail(ret, "--nvdimm: slot %u taken", i);
	}
	return 0;
}

void vm__close(struct vm *s, bool never_ran)
{
	unsigned int i;

	vm__hotplug_cancel(s);
	for (i = 0; i < LKVM_MAX_NVDIMMS; i++) {
		if (!s->slot_used[i])
			continue;
		s->slot_used[i] = false;
		s->unplugging[i] = false;
		/* no vCPU runs now: nothing can hold it */
		device_registry__remove(&s->devices, &s->nvdimm[i].dev);
		if (never_ran)
			nvdimm__discard(&s->nvdimm[i]);
		else
			nvdimm__close(&s->nvdimm[i]);
	}
}

void vm__free(struct vm *s)
{
	event_loop__destroy(&s->loop);
	vm__unwatch_hotplug(s);
	if (s->shutdown_timer >= 0)
		close(s->shutdown_timer);
	s->shutdown_timer = -1;
	if (s->stdin_stand_in >= 0)
		close(s->stdin_stand_in);
	s->stdin_stand_in = -1;
}

/* Each boot checks them again as it loads them. */
int vm__check_boot_files(const struct vm_params *cfg)
{
	struct mapped_file kernel, initrd;
	struct elf_image img;
	int ret;

	ret = mapped_file__open(&kernel, cfg->kernel, "kernel");
	if (ret)
		return ret;
	ret = elf__inspect(&img, kernel.data, kernel.len);
	if (ret)
		ret = lkvm__fail(ret, "kernel %s: %s", cfg->kernel, lkvm__last_error());
	mapped_file__close(&kernel);
	if (ret || !cfg->initrd)
		return ret;
	ret = mapped_file__open(&initrd, cfg->initrd, "initrd");
	mapped_file__close(&initrd);
	return ret;
}

int vm__open(struct vm *s, const struct vm_params *params, int sig_fd,
	     bool stdin_open)
{
	int ret;

	s->params = params;
	s->sig_fd = sig_fd;
	s->shutdown_timer = -1;
	s->hotplug.event_fd = s->hotplug.timer_fd = -1;
	ret = watch(s, stdin_open);
	if (ret)
		return ret;
	device_registry__init(&s->devices);
	console__init(&s->console, STDOUT_FILENO);
	/* the kinds serve their calls before any device of theirs exists */
	ret = console__register();
	if (!ret)
		ret = scm__register();
	if (!ret)
		ret = device_registry__add(&s->devices, &s->console.dev);
	if (!ret)
		ret = open_nvdimms(s, params);
	return ret;
}
