// SPDX-License-Identifier: GPL-2.0
/*
 * Each thread's seccomp filter, applied in a child process: what the
 * thread does passes, anything else stops the process with SANDBOX_EXIT
 * and a line naming the thread and the syscall.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <cmocka.h>

#include "lkvm/config.h"
#include "lkvm/kvm-vm.h"
#include "lkvm/nvdimm.h"
#include "lkvm/sandbox.h"

enum action { ALLOWED, FORBIDDEN };
typedef int (*call_fn)(void);

/*
 * Run @fn in a child under @p. ALLOWED: the child exits 0 (@fn's result
 * decides nothing: a syscall that fails is still allowed). FORBIDDEN: the
 * child is stopped with SANDBOX_EXIT and says so, naming @name.
 */
static void run_under(const struct sandbox_policy *p, call_fn fn, enum action want,
		      const char *name)
{
	char buf[512] = { 0 };
	int pipefd[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		sandbox__enable(true);
		if (sandbox__apply(p))
			_exit(99);
		fn();
		_exit(0);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (want == ALLOWED) {
		if (WEXITSTATUS(status) != 0)
			fail_msg("%s under the %s filter: exit %d: %s", name, p->thread,
				 WEXITSTATUS(status), buf);
		return;
	}
	assert_int_equal(WEXITSTATUS(status), SANDBOX_EXIT);
	assert_non_null(strstr(buf, p->thread));
	if (!strstr(buf, name))
		fail_msg("'%s' does not name %s", buf, name);
}

static int do_fdatasync(void)
{
	int fd = open("/dev/null", O_RDONLY);	/* before the filter? no: see below */

	return fdatasync(fd);
}

static int fd_before = -1;
static int epoll_before = -1;	/* the main thread's loop is made before too */

static int do_sync_and_poll(void)
{
	char b[1] = { 'x' };

	fdatasync(fd_before);
	fsync(fd_before);
	return (int)write(STDOUT_FILENO, b, 0);
}

/* what the main thread's event loop does each boot and each turn */
static int do_event_loop(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int efd = eventfd(1, EFD_CLOEXEC);

	epoll_ctl(epoll_before, EPOLL_CTL_ADD, efd, &ev);
	epoll_wait(epoll_before, &ev, 1, -1);
	epoll_pwait(epoll_before, &ev, 1, 0, NULL);
	epoll_ctl(epoll_before, EPOLL_CTL_DEL, efd, NULL);
	return close(efd);
}

/* what the control socket's server does with its clients (all on fds made before) */
static int do_api_clients(void)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	struct stat st;
	char b[1] = { 'x' };

	accept4(fd_before, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	send(fd_before, b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	timerfd_settime(fd_before, TFD_TIMER_ABSTIME, &its, NULL);
	lstat("/nonexistent/lkvm.sock", &st);
	return unlink("/nonexistent/lkvm.sock");
}

static int do_epoll_wait(void)
{
	struct epoll_event ev;

	return epoll_wait(epoll_before, &ev, 1, 0);
}

static int do_openat(void)
{
	return open("/etc/hostname", O_RDONLY);
}

static int do_socket(void)
{
	return socket(AF_INET, SOCK_STREAM, 0);
}

static int do_kvm_run(void)
{
	/* allowed by the filter; the fd is no vCPU, so it only fails */
	return ioctl(fd_before, KVM_RUN, 0);
}

static int do_kvm_irq_line(void)
{
	struct kvm_irq_level line = { .irq = 0x1000, .level = 1 };

	/* check-exception's pulse again; /dev/null only fails it */
	return ioctl(fd_before, KVM_IRQ_LINE, &line);
}

static int do_kvm_get_dirty_log(void)
{
	uint64_t bitmap[1] = { 0 };
	struct kvm_dirty_log log = { .slot = 1, .dirty_bitmap = bitmap };

	/* a flush counting what it made durable; /dev/null only fails it */
	return ioctl(fd_before, KVM_GET_DIRTY_LOG, &log);
}

static int do_tcgets(void)
{
	struct termios t;

	return ioctl(fd_before, TCGETS, &t);
}

static int do_kvm_create_vm(void)
{
	return ioctl(fd_before, KVM_CREATE_VM, 0);
}

static int do_execve(void)
{
	char *argv[] = { "true", NULL };

	return execve("/bin/true", argv, NULL);
}

static int do_thread_exit_work(void)
{
	void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	madvise(p, 65536, MADV_DONTNEED);
	return munmap(p, 65536);
}

static int setup(void **state)
{
	(void)state;
	fd_before = open("/dev/null", O_RDWR);
	epoll_before = epoll_create1(EPOLL_CLOEXEC);
	return fd_before < 0 || epoll_before < 0;
}

/*
 * Can a filter work here at all? Under qemu-user (the ppc64le unit run) a
 * ppc64 filter lands on the x86 emulator, whose first syscall then dies:
 * skip there. On a real kernel a child that only exits under a filter
 * exits 0 (and a filter that stopped everything would fail every scenario).
 */
static void need_seccomp(void)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		sandbox__enable(true);
		if (sandbox__apply(&nvdimm_label_flusher_policy))
			_exit(99);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		skip();
}

static int teardown(void **state)
{
	(void)state;
	close(fd_before);
	close(epoll_before);
	return 0;
}

static void test_vcpu_filter(void **state)
{
	(void)state;
	need_seccomp();
	run_under(&kvm_vcpu_policy, do_sync_and_poll, ALLOWED, "fdatasync");
	run_under(&kvm_vcpu_policy, do_kvm_run, ALLOWED, "KVM_RUN");
	run_under(&kvm_vcpu_policy, do_kvm_irq_line, ALLOWED, "KVM_IRQ_LINE");
	run_under(&kvm_vcpu_policy, do_kvm_get_dirty_log, ALLOWED, "KVM_GET_DIRTY_LOG");
	run_under(&kvm_vcpu_policy, do_thread_exit_work, ALLOWED, "munmap");
	run_under(&kvm_vcpu_policy, do_openat, FORBIDDEN, "open");
	run_under(&kvm_vcpu_policy, do_socket, FORBIDDEN, "socket");
	run_under(&kvm_vcpu_policy, do_epoll_wait, FORBIDDEN, "epoll");
	/* an ioctl not on its list, even a harmless one */
	run_under(&kvm_vcpu_policy, do_tcgets, FORBIDDEN, "ioctl");
	run_under(&kvm_vcpu_policy, do_kvm_create_vm, FORBIDDEN, "ioctl");
}

static void test_label_flusher_filter(void **state)
{
	(void)state;
	need_seccomp();
	run_under(&nvdimm_label_flusher_policy, do_sync_and_poll, ALLOWED, "fdatasync");
	run_under(&nvdimm_label_flusher_policy, do_fdatasync, FORBIDDEN, "open");
	run_under(&nvdimm_label_flusher_policy, do_kvm_run, FORBIDDEN, "ioctl");
}

static void test_main_filter(void **state)
{
	(void)state;
	need_seccomp();
	run_under(&run_main_policy, do_openat, ALLOWED, "openat");
	run_under(&run_main_policy, do_tcgets, ALLOWED, "TCGETS");
	run_under(&run_main_policy, do_event_loop, ALLOWED, "epoll_wait");
	run_under(&run_main_policy, do_kvm_create_vm, ALLOWED, "KVM_CREATE_VM");
	run_under(&run_main_policy, do_api_clients, ALLOWED, "accept4");
	run_under(&run_main_policy, do_socket, FORBIDDEN, "socket");
	run_under(&run_main_policy, do_execve, FORBIDDEN, "execve");
}

static void test_disabled_is_a_no_op(void **state)
{
	(void)state;
	sandbox__enable(false);
	assert_int_equal(sandbox__apply(&kvm_vcpu_policy), 0);
	/* still unfiltered: this would stop a filtered process */
	assert_true(do_socket() >= 0 || errno != 0);
	assert_true(sandbox__count(&kvm_vcpu_policy) > 10);
	assert_true(sandbox__count(&run_main_policy) > sandbox__count(&kvm_vcpu_policy));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vcpu_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_flusher_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_main_filter, setup, teardown),
		cmocka_unit_test(test_disabled_is_a_no_op),
	};

	return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
