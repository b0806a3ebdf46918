// SPDX-License-Identifier: GPL-2.0
/* The parallel image loader: every byte where it belongs, errors named. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lkvm/loader.h"
#include "lkvm/util.h"

/* 5 MiB and change: three chunks, the last a short one */
#define FILE_LEN	(5 * MiB + 123)

/* A file whose every byte tells its offset apart from its neighbours'. */
static int pattern_file(size_t len, uint8_t **copy)
{
	uint8_t *buf = malloc(len);
	FILE *f = tmpfile();
	size_t i;

	assert_non_null(buf);
	assert_non_null(f);
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + i / 251);
	assert_int_equal(fwrite(buf, len, 1, f), 1);
	assert_int_equal(fflush(f), 0);
	*copy = buf;
	return dup(fileno(f));	/* the tmpfile's FILE is leaked on purpose */
}

static void test_every_byte_lands(void **state)
{
	static const unsigned int threads[] = { 1, 2, 3, LOADER_MAX_THREADS + 5 };
	uint8_t *want, *a = malloc(FILE_LEN + 2), *b = malloc(2 * MiB + 3);
	uint8_t *z = malloc(5 * MiB + 2);
	struct loader l = { .nr_jobs = 0 };
	unsigned int t;
	size_t i;
	int fd = pattern_file(FILE_LEN, &want);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(z);
	z[0] = z[5 * MiB + 1] = 0x11;
	for (t = 0; t < ARRAY_SIZE(threads); t++) {
		memset(a, 0xee, FILE_LEN + 2);
		memset(b, 0xee, 2 * MiB + 3);
		assert_int_equal(loader__add(&l, "kernel", fd, 0, a + 1, FILE_LEN), 0);
		/* an unaligned range, crossing a chunk boundary of the file */
		assert_int_equal(loader__add(&l, "initrd", fd, 7, b + 1, 2 * MiB + 1), 0);
		assert_int_equal(loader__add(&l, "empty", fd, 0, b, 0), 0);	/* ignored */
		/* a zero-fill over the file's bytes, 3 chunks' worth */
		memset(z + 1, 0xee, 5 * MiB);
		assert_int_equal(loader__add_zero(&l, "bss", z + 1, 5 * MiB), 0);
		assert_int_equal(l.nr_jobs, 3);
		assert_int_equal(loader__run(&l, threads[t]), 0);
		assert_int_equal(l.nr_jobs, 0);
		assert_memory_equal(a + 1, want, FILE_LEN);
		assert_memory_equal(b + 1, want + 7, 2 * MiB + 1);
		for (i = 0; i < 5 * MiB; i++)
			if (z[1 + i])
				fail_msg("byte %zu of the zero-fill is 0x%x", i, z[1 + i]);
		assert_int_equal(z[0], 0x11);
		assert_int_equal(z[5 * MiB + 1], 0x11);
		/* nothing written outside the destinations */
		assert_int_equal(a[0], 0xee);
		assert_int_equal(a[FILE_LEN + 1], 0xee);
		assert_int_equal(b[0], 0xee);
		assert_int_equal(b[2 * MiB + 2], 0xee);
	}
	close(fd);
	free(want);
	free(a);
	free(b);
	free(z);
}

static void test_short_file_is_named(void **state)
{
	struct loader l = { .nr_jobs = 0 };
	uint8_t *want, *dst = malloc(4 * MiB);
	int fd = pattern_file(3 * MiB, &want);

	(void)state;
	assert_int_equal(loader__add(&l, "kernel", fd, 0, dst, MiB), 0);
	assert_int_equal(loader__add(&l, "initrd", fd, MiB, dst, 3 * MiB), 0);
	assert_int_equal(loader__run(&l, 2), -EIO);
	assert_non_null(strstr(lkvm__last_error(), "initrd"));
	assert_non_null(strstr(lkvm__last_error(), "shorter"));
	close(fd);
	free(want);
	free(dst);
}

static void test_read_error_is_named(void **state)
{
	struct loader l = { .nr_jobs = 0 };
	uint8_t dst[64];

	(void)state;
	/* no file is open as 1000 */
	assert_int_equal(loader__add(&l, "kernel", 1000, 0, dst, sizeof(dst)), 0);
	assert_int_equal(loader__run(&l, 1), -EIO);
	assert_non_null(strstr(lkvm__last_error(), "kernel"));
	assert_non_null(strstr(lkvm__last_error(), strerror(EBADF)));
}

static void test_queue_is_bounded(void **state)
{
	struct loader l = { .nr_jobs = 0 };
	uint8_t dst[1];
	unsigned int i;

	(void)state;
	for (i = 0; i < LOADER_MAX_JOBS; i++)
		assert_int_equal(loader__add(&l, "x", 0, 0, dst, 1), 0);
	assert_int_equal(loader__add(&l, "x", 0, 0, dst, 1), -E2BIG);
	assert_int_equal(l.nr_jobs, LOADER_MAX_JOBS);
}

/* The caller goes on with other work between start and wait. */
static void test_start_wait_cancel(void **state)
{
	struct loader l = { .nr_jobs = 0 };
	uint8_t *want, *dst = malloc(FILE_LEN);
	int fd = pattern_file(FILE_LEN, &want);

	(void)state;
	assert_int_equal(loader__wait(&l), 0);		/* never started: nothing to do */
	assert_int_equal(loader__add(&l, "kernel", fd, 0, dst, FILE_LEN), 0);
	loader__start(&l, 2);
	/* the queue is closed while it is read */
	assert_int_equal(loader__add(&l, "initrd", fd, 0, dst, 1), -EBUSY);
	assert_int_equal(loader__wait(&l), 0);
	assert_memory_equal(dst, want, FILE_LEN);
	assert_int_equal(l.nr_jobs, 0);

	/* a cancelled load reports nothing and leaves the loader reusable */
	assert_int_equal(loader__add(&l, "kernel", 1000, 0, dst, FILE_LEN), 0);
	loader__start(&l, 3);
	lkvm__fail(-EINVAL, "the set-up failed");
	loader__cancel(&l);
	assert_string_equal(lkvm__last_error(), "the set-up failed");
	assert_int_equal(l.nr_jobs, 0);
	assert_int_equal(loader__add(&l, "kernel", fd, 0, dst, 64), 0);
	assert_int_equal(loader__run(&l, 1), 0);
	close(fd);
	free(want);
	free(dst);
}

static void test_threads_bounded(void **state)
{
	unsigned int n = loader__threads();

	(void)state;
	assert_true(n >= 1 && n <= LOADER_MAX_THREADS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte_lands),
		cmocka_unit_test(test_short_file_is_named),
		cmocka_unit_test(test_read_error_is_named),
		cmocka_unit_test(test_queue_is_bounded),
		cmocka_unit_test(test_start_wait_cancel),
		cmocka_unit_test(test_threads_bounded),
	};

	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
