// SPDX-License-Identifier: GPL-2.0
/* lkvm run: boot a pseries guest and serve its console until it stops. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/boot.h"
#include "lkvm/builtin.h"
#include "lkvm/config.h"
#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/event-loop.h"
#include "lkvm/machine.h"
#include "lkvm/nvdimm.h"
#include "lkvm/rootfs-pmem.h"
#include "lkvm/sandbox.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"

static double now_ms(void)
{
	return lkvm__now_ns() / 1e6;
}

static struct termios saved_termios;
static bool termios_saved;

static void terminal_restore(void)
{
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
	termios_saved = false;
}

/* Raw mode so that keys reach the guest; restored on every exit path. */
static void terminal_raw(void)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios))
		return;
	termios_saved = true;
	atexit(terminal_restore);
	raw = saved_termios;
	cfmakeraw(&raw);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
}

static int block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	/* blocked here, so every vCPU thread inherits the mask */
	if (pthread_sigmask(SIG_BLOCK, set, NULL))
		return -1;
	return signalfd(-1, set, SFD_CLOEXEC);
}

struct session {
	struct machine m;
	/* opened (and locked) once for the whole run, across reboots */
	struct nvdimm nvdimm[LKVM_MAX_NVDIMMS];
	unsigned int nr_nvdimms;
	struct console console;
	/* the devices the guest sees, across reboots: console, vNVDIMMs */
	struct device_registry devices;
	/* the main thread's, for the whole run; the machine's exit is
	 * watched per boot, signals and stdin for the whole run */
	struct event_loop loop;
	int sig_fd;
	int stdin_stand_in;	/* see watch_stdin(), or -1 */
	int signalled;	/* the signal that stopped us, or 0 */
	bool sandboxed;	/* the main thread's filter is on */
	char panic_msg[PSERIES_PANIC_MSG_MAX];	/* the last guest panic's */
	char name[VM_NAME_MAX + 1];	/* --name, or guest-PID */
};

static void on_machine_exit(struct event_loop *l, int fd, uint32_t revents,
			    void *ctx)
{
	struct session *s = ctx;

	(void)fd;
	(void)revents;
	event_loop__stop(l, atomic_load(&s->m.p.exit_request));
}

static void on_signal(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct signalfd_siginfo si;
	struct session *s = ctx;

	(void)revents;
	if (read(fd, &si, sizeof(si)) > 0)
		s->signalled = si.ssi_signo;
	event_loop__stop(l, PSERIES_USER_STOP);
}

/* @fd is stdin or its stand-in: either way, stdin is what is read */
static void on_stdin(struct event_loop *l, int fd, uint32_t revents, void *ctx)
{
	struct session *s = ctx;
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
static int watch_stdin(struct session *s)
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
static int session__watch(struct session *s, bool stdin_open)
{
	int ret = event_loop__init(&s->loop);

	s->stdin_stand_in = -1;
	if (!ret)
		ret = event_loop__add(&s->loop, s->sig_fd, EPOLLIN, on_signal, s);
	if (!ret && stdin_open)
		ret = watch_stdin(s);
	return ret;
}

/* Serve stdin and signals until the machine asks to stop. */
static enum pseries_exit serve(struct session *s)
{
	int ret;

	ret = event_loop__add(&s->loop, s->m.exit_fd, EPOLLIN, on_machine_exit, s);
	if (ret)
		return PSERIES_FAILED;
	ret = event_loop__run(&s->loop);
	event_loop__remove(&s->loop, s->m.exit_fd);
	return ret < 0 ? PSERIES_FAILED : (enum pseries_exit)ret;
}

/*
 * One boot of the guest. The kernel and initrd are mapped only while they
 * are copied into guest RAM, so they do not stay in lkvm's resident memory;
 * a reboot maps them again (and so picks up a rebuilt kernel).
 */
static int boot_once(struct session *s, const struct vm_config *cfg,
		     enum pseries_exit *why)
{
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
	if (!ret)
		ret = machine__start(&s->m);
	if (ret) {
		machine__destroy(&s->m);
		return ret;
	}
	if (cfg->debug)	/* the absolute time lets a benchmark tell lkvm's share */
		fprintf(stderr, "lkvm: guest set up in %.1f ms, vCPUs started at monotonic %.3f ms\r\n",
			now_ms() - start, now_ms());
	/* after the first start: everything lkvm opens from now on it needs
	 * for the guest, and all of it is covered */
	if (!s->sandboxed) {
		ret = sandbox__apply(&run_main_policy);
		if (ret) {
			machine__stop(&s->m, PSERIES_FAILED);
			machine__destroy(&s->m);
			return ret;
		}
		s->sandboxed = true;
	}
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
		fprintf(stderr, "lkvm: %llu unhandled hcalls\r\n",
			(unsigned long long)s->m.p.unknown_hcalls);
	machine__destroy(&s->m);
	return ret;
}

static int open_nvdimms(struct session *s, const struct vm_config *cfg)
{
	unsigned int i;
	int ret;

	for (i = 0; i < cfg->nr_nvdimms; i++) {
		ret = nvdimm__open(&s->nvdimm[i], &cfg->nvdimm[i], i);
		if (ret)
			return lkvm__fail(ret, "--nvdimm: %s", lkvm__last_error());
		s->nr_nvdimms = i + 1;
		ret = device_registry__add(&s->devices, &s->nvdimm[i].dev);
		if (ret)
			return lkvm__fail(ret, "--nvdimm: slot %u taken", i);
	}
	return 0;
}

/* @never_ran: the guest never started, so undo what opening created */
static void close_nvdimms(struct session *s, bool never_ran)
{
	unsigned int i;

	for (i = 0; i < s->nr_nvdimms; i++) {
		/* no vCPU runs now: nothing can hold it */
		device_registry__remove(&s->devices, &s->nvdimm[i].dev);
		if (never_ran)
			nvdimm__discard(&s->nvdimm[i]);
		else
			nvdimm__close(&s->nvdimm[i]);
	}
	s->nr_nvdimms = 0;
}

/*
 * Everything about the boot files that can be known before any vNVDIMM
 * backing is created: they open, and the kernel is a loadable ELF. Each
 * boot checks them again as it loads them.
 */
static int check_boot_files(const struct vm_config *cfg)
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

/*
 * --rootfs-pmem IMAGE becomes vNVDIMM 0 (so the guest names it /dev/pmem0),
 * read-only, and the kernel is told to mount it as / with DAX.
 */
static int add_rootfs_pmem(struct vm_config *cfg, char *params, size_t len)
{
	char fstype[16];
	int ret;

	if (cfg->nr_nvdimms >= LKVM_MAX_NVDIMMS)
		return lkvm__fail(-E2BIG, "--nvdimm: at most %d devices with --rootfs-pmem",
				  LKVM_MAX_NVDIMMS - 1);
	memmove(&cfg->nvdimm[1], &cfg->nvdimm[0], cfg->nr_nvdimms * sizeof(cfg->nvdimm[0]));
	ret = rootfs_pmem__config(cfg->rootfs_pmem, &cfg->nvdimm[0], fstype, sizeof(fstype));
	if (ret)
		return ret;
	cfg->nr_nvdimms++;
	ret = nvdimm_configs__check(cfg->nvdimm, cfg->nr_nvdimms);
	if (ret)
		return ret;
	if ((size_t)snprintf(params, len, "root=/dev/pmem0 rootflags=dax ro rootfstype=%s %s",
			     fstype, cfg->params ? cfg->params : "") >= len)
		return lkvm__fail(-E2BIG, "kernel command line too long");
	cfg->params = params;
	return 0;
}

int cmd_run(int argc, char **argv)
{
	static struct session s;
	static char params[4096];
	enum pseries_exit why = PSERIES_FAILED;
	struct vm_config cfg;
	bool booted, stdin_open;
	sigset_t sigs;
	int ret, code;

	ret = run_options__parse(argc, argv, &cfg);
	if (ret == RUN_OPTIONS_HELP) {
		fputs(run_options__usage(), stdout);
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		return EXIT_USAGE;
	}
	run_options__name(&cfg, getpid(), s.name);
	/* before lkvm opens anything: a closed stdin's fd 0 would be its own */
	stdin_open = fcntl(STDIN_FILENO, F_GETFD) >= 0;
	/* before any thread exists (vNVDIMM label flushers, vCPUs), so that
	 * every thread inherits the mask and signals reach the signalfd */
	mallopt(M_ARENA_MAX, 1);	/* one arena: per-thread ones take huge pages */
	/*
	 * A reader of our output that goes away, or a file size limit, must
	 * turn into a failed write (EPIPE, EFBIG), never into a death that
	 * skips the vNVDIMMs' final flush.
	 */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	s.sig_fd = block_signals(&sigs);
	if (s.sig_fd < 0) {
		fprintf(stderr, "lkvm run: cannot set up signal handling\n");
		return EXIT_SETUP;
	}
	if (session__watch(&s, stdin_open)) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		return EXIT_SETUP;
	}
	if (check_boot_files(&cfg) ||
	    (cfg.rootfs_pmem && add_rootfs_pmem(&cfg, params, sizeof(params)))) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		return EXIT_SETUP;
	}
	/* glibc reads the time zone file on the first gmtime_r (RTAS
	 * get-time-of-day): read it now, before any filter forbids opening */
	tzset();
	/* before the first thread (a vNVDIMM's label flusher) starts: each
	 * thread applies its own filter as it starts */
	sandbox__enable(cfg.seccomp);
	device_registry__init(&s.devices);
	console__init(&s.console, STDOUT_FILENO);
	if (console__register() || scm__register() ||
	    device_registry__add(&s.devices, &s.console.dev)) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		return EXIT_SETUP;
	}
	if (open_nvdimms(&s, &cfg)) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		close_nvdimms(&s, true);
		return EXIT_SETUP;
	}
	kvm__install_kick_handler();
	if (cfg.debug && cfg.seccomp)
		fprintf(stderr, "lkvm: seccomp allow-lists: main %u, vCPU %u, label flusher %u syscalls\n",
			sandbox__count(&run_main_policy), sandbox__count(&kvm_vcpu_policy),
			sandbox__count(&nvdimm_label_flusher_policy));
	terminal_raw();

	for (booted = false;; booted = true) {
		ret = boot_once(&s, &cfg, &why);
		if (ret || cfg.no_reboot)
			break;
		if (why == PSERIES_PANIC && cfg.on_panic == ON_PANIC_REBOOT)
			fprintf(stderr, "lkvm: guest panicked (%s): restarting it\r\n",
				s.panic_msg);
		else if (why != PSERIES_REBOOT)
			break;
	}
	terminal_restore();
	event_loop__destroy(&s.loop);
	/* a first boot that failed in set-up leaves the host as it found it */
	close_nvdimms(&s, ret && !booted && why == PSERIES_RUNNING);

	if (ret) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		return why == PSERIES_RUNNING ? EXIT_SETUP : EXIT_GUEST;
	}
	if (why == PSERIES_PANIC) {
		fprintf(stderr, "lkvm run: guest panicked: %s\n", s.panic_msg);
		return EXIT_GUEST;
	}
	code = 0;	/* power-off, Ctrl-A x, or a reboot with --no-reboot */
	if (why == PSERIES_USER_STOP && s.signalled) {
		fprintf(stderr, "lkvm run: stopped by SIG%s\n", sigabbrev_np(s.signalled));
		code = EXIT_SIGNAL;
	}
	return code;
}
