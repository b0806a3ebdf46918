// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lkvm/console.h"
#include "lkvm/device.h"
#include "lkvm/hcall.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"

#define ESC	"\x01"

struct fixture {
	struct pseries p;
	struct device_registry devices;
	struct console con;
	int rd, wr;	/* the pipe standing in for the terminal */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int fds[2];

	assert_non_null(f);
	assert_int_equal(pipe(fds), 0);
	f->rd = fds[0];
	f->wr = fds[1];
	fcntl(f->rd, F_SETFL, O_NONBLOCK);
	pseries__init(&f->p);
	console__init(&f->con, f->wr);
	assert_int_equal(console__register(), 0);
	device_registry__init(&f->devices);
	assert_int_equal(device_registry__add(&f->devices, &f->con.dev), 0);
	f->p.devices = &f->devices;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->rd >= 0)
		close(f->rd);
	if (f->wr >= 0)
		close(f->wr);
	free(f);
	return 0;
}

static bool input(struct fixture *f, const char *s)
{
	return console__input(&f->con, (const uint8_t *)s, strlen(s));
}

/* Everything queued, as a string. */
static const char *queued(struct fixture *f)
{
	static char buf[CONSOLE_INPUT_SIZE + 1];
	size_t n;

	n = console__take(&f->con, (uint8_t *)buf, sizeof(buf) - 1);
	buf[n] = '\0';
	return buf;
}

/* What the guest wrote so far, as a string. */
static const char *output(struct fixture *f)
{
	static char buf[256];
	ssize_t n;

	n = read(f->rd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void test_plain_input(void **state)
{
	struct fixture *f = *state;
	uint8_t b[4];

	assert_int_equal(f->con.out_fd, f->wr);
	assert_int_equal(console__take(&f->con, b, sizeof(b)), 0);
	assert_false(input(f, "hello"));
	assert_int_equal(console__take(&f->con, b, 2), 2);
	assert_memory_equal(b, "he", 2);
	assert_false(input(f, "!"));
	assert_string_equal(queued(f), "llo!");
	assert_string_equal(queued(f), "");
}

static void test_escape(void **state)
{
	struct fixture *f = *state;

	/* Ctrl-A Ctrl-A: one Ctrl-A; Ctrl-A other: both */
	assert_false(input(f, "a" ESC ESC "b" ESC "c"));
	assert_string_equal(queued(f), "a" ESC "b" ESC "c");

	/* Ctrl-A x: quit, what came before is queued, what follows is not */
	assert_true(input(f, "ls" ESC "x" "rm"));
	assert_string_equal(queued(f), "ls");

	/* the sequence may be split across reads */
	assert_false(input(f, "q" ESC));
	assert_string_equal(queued(f), "q");
	assert_true(input(f, "x"));
	assert_string_equal(queued(f), "");
	assert_false(input(f, ESC));
	assert_false(input(f, "y"));
	assert_string_equal(queued(f), ESC "y");
	assert_false(input(f, ESC));
	assert_false(input(f, ESC));
	assert_string_equal(queued(f), ESC);
	/* 'X' is not 'x' */
	assert_false(input(f, ESC "X"));
	assert_string_equal(queued(f), ESC "X");
}

static void test_ring_overflow(void **state)
{
	struct fixture *f = *state;
	static uint8_t big[CONSOLE_INPUT_SIZE + 100], got[CONSOLE_INPUT_SIZE + 100];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)('A' + i % 26);
	assert_false(console__input(&f->con, big, sizeof(big)));
	/* the first CONSOLE_INPUT_SIZE bytes are kept, the rest dropped */
	assert_int_equal(console__take(&f->con, got, sizeof(got)), CONSOLE_INPUT_SIZE);
	assert_memory_equal(got, big, CONSOLE_INPUT_SIZE);

	/* wrap around the end of the ring in order */
	assert_false(console__input(&f->con, big, 4000));
	assert_int_equal(console__take(&f->con, got, 3000), 3000);
	assert_false(console__input(&f->con, big + 26 * 10, 3000));
	assert_int_equal(console__take(&f->con, got, sizeof(got)), 4000);
	assert_memory_equal(got, big + 3000, 1000);
	assert_memory_equal(got + 1000, big + 260, 3000);

	/* an escape pair with room for one byte keeps the first */
	assert_false(console__input(&f->con, big, CONSOLE_INPUT_SIZE - 1));
	assert_false(input(f, ESC "z"));
	assert_int_equal(console__take(&f->con, got, sizeof(got)), CONSOLE_INPUT_SIZE);
	assert_int_equal(got[CONSOLE_INPUT_SIZE - 1], 0x01);
}

static long put(struct fixture *f, uint64_t term, uint64_t len, uint64_t w0,
		uint64_t w1)
{
	uint64_t args[HCALL_NR_ARGS] = { term, len, w0, w1 };

	return hcall__dispatch(&f->p, 0, H_PUT_TERM_CHAR, args);
}

static void test_put_term_char(void **state)
{
	struct fixture *f = *state;

	/* the first character is the most significant byte */
	assert_int_equal(put(f, CONSOLE_VTY_REG, 5, 0x48656c6c6f000000ULL, 0),
			 H_SUCCESS);
	assert_string_equal(output(f), "Hello");
	assert_int_equal(put(f, CONSOLE_VTY_REG, 16, 0x3031323334353637ULL,
			     0x3839616263646566ULL), H_SUCCESS);
	assert_string_equal(output(f), "0123456789abcdef");
	assert_int_equal(put(f, CONSOLE_VTY_REG, 9, 0x3031323334353637ULL,
			     0x38ffffffffffffffULL), H_SUCCESS);
	assert_string_equal(output(f), "012345678");
	assert_int_equal(put(f, CONSOLE_VTY_REG, 0, ~0ULL, ~0ULL), H_SUCCESS);

	assert_int_equal(put(f, CONSOLE_VTY_REG, 17, 0x4141414141414141ULL, 0),
			 H_PARAMETER);
	assert_int_equal(put(f, CONSOLE_VTY_REG, ~0ULL, 0x4141414141414141ULL, 0),
			 H_PARAMETER);
	assert_int_equal(put(f, 0, 1, 0x4100000000000000ULL, 0), H_PARAMETER);
	assert_int_equal(put(f, (1ULL << 32) | CONSOLE_VTY_REG, 1,
			     0x4100000000000000ULL, 0), H_PARAMETER);
	assert_string_equal(output(f), "");

	/* a console taken out of the machine is no terminal of the guest's */
	assert_int_equal(device_registry__remove(&f->devices, &f->con.dev), 0);
	assert_int_equal(put(f, CONSOLE_VTY_REG, 1, 0x4100000000000000ULL, 0),
			 H_PARAMETER);
	assert_int_equal(device_registry__add(&f->devices, &f->con.dev), 0);
	assert_string_equal(output(f), "");

	/* a dead terminal is the host's problem, not the guest's */
	close(f->rd);
	f->rd = open("/dev/null", O_RDONLY);
	assert_int_equal(put(f, CONSOLE_VTY_REG, 2, 0x6f6b000000000000ULL, 0),
			 H_SUCCESS);
	close(f->wr);
	f->wr = -1;
	f->con.out_fd = -1;
	assert_int_equal(put(f, CONSOLE_VTY_REG, 2, 0x6f6b000000000000ULL, 0),
			 H_SUCCESS);
}

static long get(struct fixture *f, uint64_t *args)
{
	return hcall__dispatch(&f->p, 0, H_GET_TERM_CHAR, args);
}

static void test_get_term_char(void **state)
{
	struct fixture *f = *state;
	uint64_t args[HCALL_NR_ARGS] = { CONSOLE_VTY_REG, 7, 7, 7 };

	assert_false(input(f, "Hello, world! 0123456789"));
	assert_int_equal(get(f, args), H_SUCCESS);
	assert_int_equal(args[0], 16);
	assert_int_equal(args[1], 0x48656c6c6f2c2077ULL);	/* "Hello, w" */
	assert_int_equal(args[2], 0x6f726c6421203031ULL);	/* "orld! 01" */
	args[0] = CONSOLE_VTY_REG;
	assert_int_equal(get(f, args), H_SUCCESS);
	assert_int_equal(args[0], 8);
	assert_int_equal(args[1], 0x3233343536373839ULL);
	assert_int_equal(args[2], 0);
	/* nothing left: count 0 and no stale characters */
	args[0] = CONSOLE_VTY_REG;
	args[1] = args[2] = ~0ULL;
	assert_int_equal(get(f, args), H_SUCCESS);
	assert_int_equal(args[0], 0);
	assert_int_equal(args[1], 0);
	assert_int_equal(args[2], 0);

	/* a wrong terminal takes nothing from the queue */
	assert_false(input(f, "k"));
	args[0] = 0x30000001;
	assert_int_equal(get(f, args), H_PARAMETER);
	assert_string_equal(queued(f), "k");

	/* a console taken out of the machine is no terminal of the guest's */
	assert_int_equal(device_registry__remove(&f->devices, &f->con.dev), 0);
	assert_false(input(f, "m"));
	args[0] = CONSOLE_VTY_REG;
	assert_int_equal(get(f, args), H_PARAMETER);
	assert_string_equal(queued(f), "m");
}

#define BIG (256 * 1024)

static void *slow_reader(void *arg)
{
	struct fixture *f = arg;
	static uint8_t buf[BIG];
	size_t got = 0;
	ssize_t n;

	/* let the writer fill the pipe and sit in write() for a while */
	usleep(300 * 1000);
	fcntl(f->rd, F_SETFL, 0);
	while (got < BIG) {
		n = read(f->rd, buf + got, BIG - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return (void *)(uintptr_t)got;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_write_retries(void **state)
{
	struct fixture *f = *state;
	static uint8_t data[BIG];
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	sigset_t block;
	pthread_t t;
	void *got;

	/*
	 * No SA_RESTART: the timer interrupts the blocked write() with
	 * EINTR or a short count, and every byte must still arrive.
	 */
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	memset(data, 'w', sizeof(data));
	/* the reader inherits a blocked SIGALRM: the writer takes them all */
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	assert_int_equal(pthread_create(&t, NULL, slow_reader, f), 0);
	pthread_sigmask(SIG_UNBLOCK, &block, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	console__write(&f->con, data, sizeof(data));
	setitimer(ITIMER_REAL, &off, NULL);
	/* EOF for the reader: bytes lost make it stop short, not hang */
	close(f->wr);
	f->wr = -1;
	pthread_join(t, &got);
	assert_int_equal((uintptr_t)got, BIG);
}

struct stalled {
	struct fixture *f;
	uint8_t data[BIG];
};

static void *stalled_writer(void *arg)
{
	struct stalled *w = arg;

	console__write(&w->f->con, w->data, sizeof(w->data));
	return NULL;
}

/*
 * Nobody reads the terminal (a full pipe, Ctrl-S): the writer waits for
 * room, neither spinning nor dropping, until the console is stopping;
 * then it leaves at once, blocking or non-blocking fd alike.
 */
static void check_stalled_writer_leaves_on_stop(struct fixture *f, bool nonblocking)
{
	static struct stalled w;
	struct timespec until;
	struct timeval t0, t1;
	pthread_t t;

	if (nonblocking)
		fcntl(f->wr, F_SETFL, O_NONBLOCK);
	w.f = f;
	memset(w.data, 's', sizeof(w.data));
	assert_int_equal(pthread_create(&t, NULL, stalled_writer, &w), 0);
	usleep(200 * 1000);
	assert_int_equal(pthread_tryjoin_np(t, NULL), EBUSY);
	gettimeofday(&t0, NULL);
	console__set_stopping(&f->con, true);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	assert_int_equal(pthread_timedjoin_np(t, NULL, &until), 0);
	gettimeofday(&t1, NULL);
	/* within a few of its stall checks */
	assert_true((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_usec - t0.tv_usec) <
		    4 * CONSOLE_STALL_MS * 1000);
	/* and once stopping, nothing is written at all */
	console__write(&f->con, w.data, 10);
	console__set_stopping(&f->con, false);
}

static void test_stalled_writer_leaves_on_stop(void **state)
{
	check_stalled_writer_leaves_on_stop(*state, false);
}

static void test_stalled_nonblocking_writer_leaves_on_stop(void **state)
{
	check_stalled_writer_leaves_on_stop(*state, true);
}

static void test_write_to_closed_reader(void **state)
{
	struct fixture *f = *state;
	uint8_t data[64];

	/* EPIPE (SIGPIPE ignored, as lkvm run does) drops the output */
	close(f->rd);
	f->rd = -1;
	memset(data, 'c', sizeof(data));
	console__write(&f->con, data, sizeof(data));
	console__write(NULL, data, 10);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_plain_input),
		T(test_escape),
		T(test_ring_overflow),
		T(test_put_term_char),
		T(test_get_term_char),
		T(test_write_retries),
		T(test_stalled_writer_leaves_on_stop),
		T(test_stalled_nonblocking_writer_leaves_on_stop),
		T(test_write_to_closed_reader),
	};

	/* a closed terminal must show up as EPIPE, not kill the test */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
