// SPDX-License-Identifier: GPL-2.0
/* Label writes become durable shortly after a burst, in one flush. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "lkvm/nvdimm.h"

static _Atomic int flushes;

static int counting_flush(struct nvdimm *d)
{
	(void)d;
	atomic_fetch_add(&flushes, 1);
	return 0;
}

static int whole_flush(struct nvdimm *d)
{
	(void)d;
	fail_msg("the label flusher flushed the whole backing");
	return 0;
}

/* the flusher makes the label area durable, and only that */
static const struct nvdimm_backing_ops counting_ops = {
	.flush = whole_flush, .flush_labels = counting_flush,
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* wait up to 2 s for at least @n flushes */
static int wait_flushes(int n)
{
	int i;

	for (i = 0; i < 400 && atomic_load(&flushes) < n; i++)
		sleep_ms(5);
	return atomic_load(&flushes);
}

static void test_burst_is_flushed_once(void **state)
{
	struct nvdimm d;
	int i, n;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.ops = &counting_ops;
	atomic_store(&flushes, 0);
	assert_int_equal(nvdimm__start_label_flusher(&d), 0);
	for (i = 0; i < 1000; i++)
		nvdimm__label_written(&d);
	assert_true(wait_flushes(1) >= 1);
	sleep_ms(50);
	/* a burst is flushed once, or a few times if this thread was
	 * descheduled mid-burst: never once per 8-byte write */
	n = atomic_load(&flushes);
	assert_in_range(n, 1, 20);
	nvdimm__label_written(&d);
	assert_true(wait_flushes(n + 1) >= n + 1);
	nvdimm__stop_label_flusher(&d);
	assert_null(d.label_flusher);
}

static void test_no_writes_no_flush(void **state)
{
	struct nvdimm d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.ops = &counting_ops;
	atomic_store(&flushes, 0);
	assert_int_equal(nvdimm__start_label_flusher(&d), 0);
	sleep_ms(30);
	nvdimm__stop_label_flusher(&d);
	assert_int_equal(atomic_load(&flushes), 0);
	/* without a flusher, a label write is a no-op, not a crash */
	nvdimm__label_written(&d);
	assert_int_equal(atomic_load(&flushes), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_is_flushed_once),
		cmocka_unit_test(test_no_writes_no_flush),
	};

	return cmocka_run_group_tests_name("nvdimm-labels", tests, NULL, NULL);
}
