// SPDX-License-Identifier: GPL-2.0
/*
 * Files named on the command line (kernel, initrd, pmem root image) are
 * opened only when they are regular files: a FIFO must not hang lkvm and
 * a device must not be opened at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lkvm/loader.h"
#include "lkvm/util.h"
#include "scratch-fixture.h"

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("opening hung");
}

static void test_fifo_refused_without_blocking(void **state)
{
	struct scratch *s = *state;
	struct mapped_file f;
	struct stat st;

	assert_int_equal(mkfifo(s->path, 0600), 0);
	signal(SIGALRM, on_alarm);
	alarm(5);	/* no writer ever comes: an open() would block for good */
	assert_int_equal(open_regular(s->path, "kernel", &st), -EINVAL);
	assert_non_null(strstr(lkvm__last_error(), "not a regular file"));
	assert_int_equal(mapped_file__open(&f, s->path, "initrd"), -EINVAL);
	assert_non_null(strstr(lkvm__last_error(), "initrd"));
	alarm(0);
}

static void test_device_refused(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(open_regular("/dev/null", "--rootfs-pmem", &st), -EINVAL);
	assert_string_equal(lkvm__last_error(), "--rootfs-pmem /dev/null: not a regular file");
	assert_int_equal(open_regular("/", "kernel", &st), -EINVAL);
	assert_int_equal(open_regular("/nonexistent/vmlinux", "kernel", &st), -ENOENT);
}

static void test_regular_file_opened(void **state)
{
	struct scratch *s = *state;
	struct stat st;
	int fd, fl;

	fd = open(s->path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "vmlinux", 7), 7);
	close(fd);
	fd = open_regular(s->path, "kernel", &st);
	assert_true(fd >= 0);
	assert_int_equal(st.st_size, 7);
	fl = fcntl(fd, F_GETFL);
	assert_int_equal(fl & O_NONBLOCK, 0);	/* a plain descriptor again */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

/* The thread's CPU clock counts work, not sleep, and only this thread's. */
static void test_thread_cpu_clock(void **state)
{
	struct timespec nap = { 0, 30000000 };
	uint64_t c0, c1, t0;

	(void)state;
	c0 = lkvm__thread_cpu_ns();
	t0 = lkvm__now_ns();
	nanosleep(&nap, NULL);
	c1 = lkvm__thread_cpu_ns();
	assert_true(lkvm__now_ns() - t0 >= 30000000);
	assert_true(c1 - c0 < 15000000);
	/* busy for 20 ms of CPU time: the clock moves by as much */
	while (lkvm__thread_cpu_ns() < c1 + 20000000)
		;
	assert_true(lkvm__thread_cpu_ns() - c1 >= 20000000);
	assert_true(lkvm__thread_cpu_ns() > 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_fifo_refused_without_blocking),
		T(test_device_refused),
		T(test_regular_file_opened),
		cmocka_unit_test(test_thread_cpu_clock),
	};

	return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}
