// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm__warn: reports printed below the command, one whole line each, with
 * the line end the terminal's mode needs; checked byte for byte on stderr
 * redirected to a pipe or a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lkvm/util.h"

/* What stderr received while @fn ran (stderr a pipe meanwhile). */
static size_t capture(void (*fn)(void), char *out, size_t size)
{
	int fds[2], saved;
	size_t len = 0;
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fds[1], STDERR_FILENO) >= 0);
	/* no assertion while stderr is the pipe: a failure must be seen */
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fds[1]);
	while (len < size && (n = read(fds[0], out + len, size - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	return len;
}

static void warn_hcall(void)
{
	lkvm__warn("unhandled hcall 0x%x (vCPU %u)", 0x4, 3);
}

static void test_line_ends(void **state)
{
	static const char plain[] = "lkvm: unhandled hcall 0x4 (vCPU 3)\n";
	static const char raw[] = "lkvm: unhandled hcall 0x4 (vCPU 3)\r\n";
	char out[128];

	(void)state;
	assert_int_equal(capture(warn_hcall, out, sizeof(out)), strlen(plain));
	assert_memory_equal(out, plain, strlen(plain));

	lkvm__set_raw_terminal(true);
	assert_int_equal(capture(warn_hcall, out, sizeof(out)), strlen(raw));
	assert_memory_equal(out, raw, strlen(raw));

	/* and back when the command restores the terminal */
	lkvm__set_raw_terminal(false);
	assert_int_equal(capture(warn_hcall, out, sizeof(out)), strlen(plain));
	assert_memory_equal(out, plain, strlen(plain));
}

static char long_text[3 * LKVM_WARN_MAX];

static void warn_long(void)
{
	lkvm__warn("%s", long_text);
}

/* The text is cut so that prefix, text and line end fill LKVM_WARN_MAX. */
static void expect_cut(const char *end)
{
	size_t prefix = strlen("lkvm: "), tail = strlen(end), i;
	char out[2 * LKVM_WARN_MAX];

	assert_int_equal(capture(warn_long, out, sizeof(out)), LKVM_WARN_MAX);
	assert_memory_equal(out, "lkvm: ", prefix);
	for (i = prefix; i < LKVM_WARN_MAX - tail; i++)
		assert_int_equal(out[i], 'x');
	assert_memory_equal(out + LKVM_WARN_MAX - tail, end, tail);
}

static void test_long_message_cut(void **state)
{
	(void)state;
	memset(long_text, 'x', sizeof(long_text) - 1);
	expect_cut("\n");
	lkvm__set_raw_terminal(true);
	expect_cut("\r\n");
	lkvm__set_raw_terminal(false);
}

static int errno_after;

/* a report on the way out of a failure leaves its errno alone */
static void warn_failure(void)
{
	errno = ENOSPC;
	lkvm__warn("warning: could not empty %s again: %s", "pmem0",
		   strerror(errno));
	errno_after = errno;
}

static void warn_nothing(void)
{
	lkvm__warn("%s", "");
}

static void test_empty_text_and_errno_kept(void **state)
{
	static const char failure[] =
		"lkvm: warning: could not empty pmem0 again: No space left on device\n";
	char out[128];

	(void)state;
	assert_int_equal(capture(warn_nothing, out, sizeof(out)), 7);
	assert_memory_equal(out, "lkvm: \n", 7);

	assert_int_equal(capture(warn_failure, out, sizeof(out)), strlen(failure));
	assert_memory_equal(out, failure, strlen(failure));
	assert_int_equal(errno_after, ENOSPC);
}

#define THREADS		4
#define LINES		300
#define FILLER		600

static char filler[FILLER + 1];

static void *reporter(void *arg)
{
	int t = (int)(intptr_t)arg, i;

	for (i = 0; i < LINES; i++)
		lkvm__warn("t%d n%d %s", t, i, filler);
	return NULL;
}

/* Each line is "lkvm: tT nN <filler>" with N counting up per thread. */
static void check_lines(char *buf)
{
	int next[THREADS] = { 0 }, t, i, used, lines = 0;
	char *line, *save = NULL;
	size_t len;

	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		len = strlen(line);
		if (len && line[len - 1] == '\r')	/* raw mode meanwhile */
			line[--len] = '\0';
		if (sscanf(line, "lkvm: t%d n%d %n", &t, &i, &used) != 2)
			fail_msg("torn line: %.80s", line);
		assert_true(t >= 0 && t < THREADS);
		assert_int_equal(i, next[t]);
		assert_string_equal(line + used, filler);
		next[t]++;
		lines++;
	}
	assert_int_equal(lines, THREADS * LINES);
}

/* Threads report at once while the command switches the terminal mode. */
static void test_threads_never_interleave(void **state)
{
	pthread_t threads[THREADS];
	char path[] = "/var/tmp/lkvm-warn-XXXXXX";
	int fd, saved, t, flips = 0;
	char *buf;
	off_t size;

	(void)state;
	memset(filler, 'f', FILLER);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(fcntl(fd, F_SETFL, O_APPEND), 0);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	for (t = 0; t < THREADS; t++)
		pthread_create(&threads[t], NULL, reporter, (void *)(intptr_t)t);
	for (flips = 0; flips < 1000; flips++)
		lkvm__set_raw_terminal(flips & 1);
	for (t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	lkvm__set_raw_terminal(false);
	dup2(saved, STDERR_FILENO);
	close(saved);

	size = lseek(fd, 0, SEEK_END);
	assert_true(size > 0);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)size, 0), size);
	buf[size] = '\0';
	close(fd);
	check_lines(buf);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_long_message_cut),
		cmocka_unit_test(test_empty_text_and_errno_kept),
		cmocka_unit_test(test_threads_never_interleave),
	};

	return cmocka_run_group_tests_name("warn", tests, NULL, NULL);
}
