// SPDX-License-Identifier: GPL-2.0
/*
 * bytes_flushed: each H_SCM_FLUSH that succeeds counts the pages the guest
 * stored to since the last count, from the slot's dirty log (the core's
 * harvest_dirty op, here a fake dirty bitmap per slot): counts, what is
 * not counted (failed flushes, devices that log nothing), counts made at
 * most 0.1% of the time, and a failing count that never fails the flush
 * and is reported once. Merged and
 * concurrent flushes are in test-scm-concurrency.c (run under TSan).
 */
#include <stdio.h>
#include <unistd.h>

#include "dirty-fixture.h"

static void test_counts_dirty_pages(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];

	store(SLOT0, 0);
	store(SLOT0, 1);
	store(SLOT0, 200);
	store(SLOT0, 1);	/* a page stored to twice is one page */
	kvm.watch = fd;
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	assert_int_equal(pages(fd), 3);
	assert_int_equal(bytes(fd), 3 * PAGE);
	/* counted after the backing flush, within the same call */
	assert_int_equal(kvm.flushes_seen, 1);
	assert_int_equal(harvests(SLOT0), 1);

	/* nothing stored since: nothing more flushed, though it was counted */
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	assert_int_equal(bytes(fd), 3 * PAGE);
	assert_int_equal(harvests(SLOT0), 2);
	assert_int_equal(kvm.flushes_seen, 2);

	/* a page flushed before counts again once stored to again */
	store(SLOT0, 0);
	store(SLOT0, 255);
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	assert_int_equal(pages(fd), 5);
	assert_int_equal(bytes(fd), 5 * PAGE);
	assert_int_equal(fd->d.flushes, 3);

	/* each device counts its own slot */
	store(SLOT1, 7);
	assert_int_equal(bytes(f->dev[1]), 0);
	assert_int_equal(dirty_flush(f, DRC1), H_SUCCESS);
	assert_int_equal(bytes(f->dev[1]), PAGE);
	assert_int_equal(bytes(fd), 5 * PAGE);
	assert_int_equal(fd->d.dirty_log_failures, 0);
}

/* A flush that failed made nothing durable: nothing counted, log kept. */
static void test_failed_flush_counts_nothing(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];

	store(SLOT0, 9);
	fd->ret = -EIO;
	assert_int_equal(dirty_flush(f, DRC0), H_HARDWARE);
	assert_int_equal(harvests(SLOT0), 0);
	assert_int_equal(bytes(fd), 0);
	assert_int_equal(pages(fd), 0);
	/* nor a flush refused before any backing flush ran */
	fd->ret = 0;
	assert_int_equal(hc(f, H_SCM_FLUSH, NULL, DRC0, 1, 0, 0, 0), H_P2);
	fd->d.needs_flush_hcall = false;
	assert_int_equal(dirty_flush(f, DRC0), H_UNSUPPORTED);
	assert_int_equal(harvests(SLOT0), 0);
	assert_int_equal(bytes(fd), 0);
}

/* Devices whose slot logs nothing, or a core that cannot count: no count. */
static void test_no_log_no_count(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];

	store(SLOT0, 1);
	fd->d.logs_dirty = false;
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	assert_int_equal(harvests(SLOT0), 0);
	assert_int_equal(bytes(fd), 0);

	fd->d.logs_dirty = true;
	f->p.ops = NULL;
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	assert_int_equal(harvests(SLOT0), 0);
	assert_int_equal(fd->d.flushes, 2);
	assert_int_equal(bytes(fd), 0);
	assert_int_equal(fd->d.dirty_log_failures, 0);
}

/*
 * A count costs in proportion to the device's size: a flush counts only
 * if the last count was a thousand times its cost ago. What the flushes in
 * between made durable is counted by the first flush after that, once.
 */
static void test_count_at_most_a_thousandth(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	struct timespec ts = { 0, 10000000 };
	uint64_t t0, next;
	int i;

	kvm.delay_ns = 500000;
	store(SLOT0, 1);
	t0 = lkvm__now_ns();
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	assert_int_equal(harvests(SLOT0), 1);
	assert_int_equal(pages(fd), 1);
	next = fd->d.flush_merge.next_count_ns;
	assert_true(next >= t0 + 1000 * 500000ULL);
	/* the count and its time are reported, apart from the flush's */
	assert_int_equal(fd->d.dirty_log_reads, 1);
	assert_true(fd->d.dirty_log_ns >= 500000);
	assert_true(fd->d.flush_ns >= fd->d.dirty_log_ns + fd->d.flush_sync_ns);

	/* flushes within the next 500 ms make data durable, count nothing */
	store(SLOT0, 2);
	store(SLOT0, 3);
	assert_int_equal(flush_hc(f, DRC0), H_SUCCESS);
	store(SLOT0, 3);
	store(SLOT0, 4);
	assert_int_equal(flush_hc(f, DRC0), H_SUCCESS);
	assert_true(lkvm__now_ns() < next);
	assert_int_equal(fd->calls, 3);
	assert_int_equal(fd->d.flushes, 3);
	assert_int_equal(harvests(SLOT0), 1);
	assert_int_equal(pages(fd), 1);
	assert_int_equal(fd->d.dirty_log_reads, 1);
	assert_int_equal(fd->d.backing_flushes, 3);

	/* the first flush after that counts what they made durable */
	for (i = 0; i < 1000 && lkvm__now_ns() < next; i++)
		nanosleep(&ts, NULL);
	kvm.delay_ns = 0;
	assert_int_equal(flush_hc(f, DRC0), H_SUCCESS);
	assert_int_equal(harvests(SLOT0), 2);
	assert_int_equal(pages(fd), 4);
	assert_int_equal(bytes(fd), 4 * PAGE);
	assert_int_equal(fd->d.dirty_log_reads, 2);
}

/*
 * One slow count (its thread preempted, say) after a quick one does not
 * hold counting back; slow ones in a row do, for a second at most.
 */
static void test_count_wait_bounded(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	uint64_t before, after, next;

	kvm.delay_ns = 0;
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	kvm.delay_ns = 20000000;
	before = lkvm__now_ns();
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	next = fd->d.flush_merge.next_count_ns;
	/* waits as for the quick one: far less than 1000 x 20 ms (or 1 s) */
	assert_true(next < before + 500000000ULL);

	before = lkvm__now_ns();
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	after = lkvm__now_ns();
	next = fd->d.flush_merge.next_count_ns;
	/* two slow ones: 1000 x 20 ms, but never more than a second */
	assert_true(next >= before + 1000000000ULL);
	assert_true(next <= after + 1000000000ULL);
	assert_int_equal(harvests(SLOT0), 3);
}

/* stderr into a file while @n failing flushes run; what it received */
static size_t failing_flushes(struct fixture *f, int n, char *out, size_t size)
{
	char path[] = "/tmp/lkvm-test-scm-dirty-XXXXXX";
	int fd = mkstemp(path), saved, i;
	ssize_t len;

	assert_true(fd >= 0);
	unlink(path);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	/* no assertion while stderr is the file: a failure must be seen */
	for (i = 0; i < n; i++)
		if (dirty_flush(f, DRC0) != H_SUCCESS)
			break;
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(i, n);
	len = pread(fd, out, size - 1, 0);
	close(fd);
	assert_true(len >= 0);
	out[len] = '\0';
	return (size_t)len;
}

/*
 * A count that fails: the flush still succeeds (its fdatasync is the
 * guarantee), the failure is counted each time and reported once, and
 * counting goes on when the log can be read again.
 */
static void test_failed_count_keeps_flush(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	char out[1024], *nl;

	store(SLOT0, 4);
	kvm.fail = -EFAULT;
	failing_flushes(f, 3, out, sizeof(out));
	/* one line, naming the device and the cause */
	nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_string_equal(nl + 1, "");
	assert_non_null(strstr(out, "nvdimm0"));
	assert_non_null(strstr(out, "bytes_flushed"));
	assert_non_null(strstr(out, strerror(EFAULT)));
	assert_int_equal(fd->d.flushes, 3);
	assert_int_equal(fd->d.flush_failures, 0);
	assert_false(fd->d.flush_failed);
	assert_int_equal(health(f, DRC0), 0);
	assert_int_equal(fd->d.dirty_log_failures, 3);
	assert_int_equal(bytes(fd), 0);

	kvm.fail = 0;
	store(SLOT0, 5);
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	assert_int_equal(pages(fd), 2);
	assert_int_equal(fd->d.dirty_log_failures, 3);
	/* failing again later: still reported only the once */
	kvm.fail = -ENOENT;
	assert_int_equal(failing_flushes(f, 2, out, sizeof(out)), 0);
	assert_int_equal(fd->d.dirty_log_failures, 5);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_dirty, teardown_dirty)
	const struct CMUnitTest tests[] = {
		T(test_counts_dirty_pages),
		T(test_failed_flush_counts_nothing),
		T(test_no_log_no_count),
		T(test_count_at_most_a_thousandth),
		T(test_count_wait_bounded),
		T(test_failed_count_keeps_flush),
	};

	return cmocka_run_group_tests_name("scm-dirty", tests, NULL, NULL);
}
