// SPDX-License-Identifier: GPL-2.0
/* lkvm run: boot a pseries guest and serve its console until it stops. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lkvm/api-server.h"
#include "lkvm/api-vm.h"
#include "lkvm/builtin.h"
#include "lkvm/config.h"
#include "lkvm/rootfs-pmem.h"
#include "lkvm/sandbox.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

static struct termios saved_termios;
static bool termios_saved;

static void terminal_restore(void)
{
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
	termios_saved = false;
	lkvm__set_raw_terminal(false);
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
	/* from now on a line needs \r\n to start at the left margin */
	lkvm__set_raw_terminal(true);
}

static int block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	/* not a stop: asks the guest to power off (vm/vm.c) */
	sigaddset(set, SIGPWR);
	/* blocked here, so every vCPU thread inherits the mask */
	if (pthread_sigmask(SIG_BLOCK, set, NULL))
		return -1;
	return signalfd(-1, set, SFD_CLOEXEC);
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

/* The VM as the options describe it (strings stay in @cfg and argv). */
static void vm_params_from(struct vm_params *p, const struct vm_config *cfg,
			   const char *name)
{
	*p = (struct vm_params){
		.name = name,
		.kernel = cfg->kernel,
		.initrd = cfg->initrd,
		.cmdline = cfg->params,
		.ram_size = cfg->ram_size,
		.nr_cpus = cfg->nr_cpus,
		.debug = cfg->debug,
		.panic_stops = cfg->on_panic != ON_PANIC_GUEST,
		.nvdimm = cfg->nvdimm,
		.nr_nvdimms = cfg->nr_nvdimms,
		.nvdimm_id = cfg->nvdimm_id,
		.main_policy = &run_main_policy,
	};
}

/* One control API request, answered on the main thread (the VM's loop). */
static void serve_api(void *ctx, const struct http_request *req,
		      struct http_reply *reply, const struct http_later *later)
{
	api__handle(&api_vm_ops, ctx, req, reply, later);
}

/*
 * The control socket's path, refused at once when another VM answers on
 * it: before any vNVDIMM backing is created or locked.
 */
static int api_socket_for(const struct vm_config *cfg, const char *name,
			  char *sock, size_t len)
{
	int ret = api_socket__path(name, cfg->api_socket, sock, len);

	if (ret)
		return ret;
	if (api_socket__is_live(sock))
		return lkvm__fail(-EADDRINUSE, "a VM named %s is already running (%s)",
				  name, sock);
	return 0;
}

/* The exit code, and what the user is told, once the VM has ended. */
static int report_end(const struct vm *vm, int ret, enum pseries_exit why)
{
	if (ret) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		return why == PSERIES_RUNNING ? EXIT_SETUP : EXIT_GUEST;
	}
	if (why == PSERIES_PANIC) {
		fprintf(stderr, "lkvm run: guest panicked: %s\n", vm->panic_msg);
		return EXIT_GUEST;
	}
	/* power-off, Ctrl-A x, or a reboot with --no-reboot */
	if (why == PSERIES_USER_STOP && vm->signalled) {
		fprintf(stderr, "lkvm run: stopped by SIG%s\n",
			sigabbrev_np(vm->signalled));
		return EXIT_SIGNAL;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	static struct vm vm;
	static struct api_server api;
	static char params[4096], name[VM_NAME_MAX + 1], sock[API_SOCKET_PATH_MAX];
	enum pseries_exit why = PSERIES_FAILED;
	struct vm_params vp;
	struct vm_config cfg;
	bool booted, stdin_open;
	sigset_t sigs;
	int ret, sig_fd;

	ret = run_options__parse(argc, argv, &cfg);
	if (ret == RUN_OPTIONS_HELP) {
		fputs(run_options__usage(), stdout);
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		return EXIT_USAGE;
	}
	run_options__name(&cfg, getpid(), name);
	/* before lkvm opens anything: a closed stdin's fd 0 would be its own */
	stdin_open = fcntl(STDIN_FILENO, F_GETFD) >= 0;
	/* before any thread exists (vNVDIMM label flushers, vCPUs), so that
	 * every thread inherits the mask and signals reach the signalfd */
	mallopt(M_ARENA_MAX, 1);	/* one arena: per-thread ones take huge pages */
	/* a fixed threshold: a big API reply's buffer goes back to the host
	 * when freed, instead of raising glibc's threshold and staying */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	/*
	 * A reader of our output that goes away, or a file size limit, must
	 * turn into a failed write (EPIPE, EFBIG), never into a death that
	 * skips the vNVDIMMs' final flush.
	 */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	sig_fd = block_signals(&sigs);
	if (sig_fd < 0) {
		fprintf(stderr, "lkvm run: cannot set up signal handling\n");
		return EXIT_SETUP;
	}
	vm_params_from(&vp, &cfg, name);
	if (api_socket_for(&cfg, name, sock, sizeof(sock)) ||
	    vm__check_boot_files(&vp) ||
	    (cfg.rootfs_pmem && add_rootfs_pmem(&cfg, params, sizeof(params)))) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		return EXIT_SETUP;
	}
	/* again: a root image is one more vNVDIMM and kernel parameters */
	vm_params_from(&vp, &cfg, name);
	/* glibc reads the time zone file on the first gmtime_r (RTAS
	 * get-time-of-day): read it now, before any filter forbids opening */
	tzset();
	/* before the first thread (a vNVDIMM's label flusher) starts: each
	 * thread applies its own filter as it starts */
	sandbox__enable(cfg.seccomp);
	/* the socket before the main thread's filter, which forbids bind */
	if (vm__open(&vm, &vp, sig_fd, stdin_open) ||
	    api_server__open(&api, sock, &vm.loop, serve_api, &vm)) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		vm__close(&vm, true);
		vm__free(&vm);
		return EXIT_SETUP;
	}
	kvm__install_kick_handler();
	if (cfg.debug && cfg.seccomp)
		fprintf(stderr, "lkvm: seccomp allow-lists: main %u, vCPU %u, label flusher %u syscalls\n",
			sandbox__count(&run_main_policy), sandbox__count(&kvm_vcpu_policy),
			sandbox__count(&nvdimm_label_flusher_policy));
	terminal_raw();

	for (booted = false;; booted = true) {
		ret = vm__boot(&vm, &why);
		if (ret || cfg.no_reboot)
			break;
		if (why == PSERIES_PANIC && cfg.on_panic == ON_PANIC_REBOOT)
			lkvm__warn("guest panicked (%s): restarting it", vm.panic_msg);
		else if (why != PSERIES_REBOOT)
			break;
	}
	terminal_restore();
	/* a first boot that failed in set-up leaves the host as it found it */
	vm__close(&vm, ret && !booted && why == PSERIES_RUNNING);
	/* only now, flushed: a client waiting for the socket to go may rely
	 * on every vNVDIMM being durable */
	api_server__close(&api);
	vm__free(&vm);
	return report_end(&vm, ret, why);
}
