// SPDX-License-Identifier: GPL-2.0
/* H_SCM_FLUSH: synchronous results, counters, health, merged flushes. */
#include <stdatomic.h>

#include "scm-fixture.h"

static long flush(struct fixture *f, uint64_t *r, uint64_t drc, uint64_t token)
{
	return hc(f, H_SCM_FLUSH, r, drc, token, 0, 0, 0);
}

static void test_flush_success(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	uint64_t r[HCALL_NR_ARGS];

	fd->delay_ns = 2000000;
	assert_int_equal(flush(f, r, DRC0, 0), H_SUCCESS);
	/* done in the call: no continue token for the guest to come back with */
	assert_int_equal(r[0], 0);
	assert_int_equal(fd->calls, 1);
	assert_int_equal(fd->d.flushes, 1);
	assert_true(fd->d.flush_ns >= 2000000);
	assert_true(fd->d.flush_ns < 10000000000ULL);
	/* one call, one backing flush: nothing is skipped when serial */
	assert_int_equal(flush(f, r, DRC0, 0), H_SUCCESS);
	assert_int_equal(flush(f, r, DRC0, 0), H_SUCCESS);
	assert_int_equal(fd->calls, 3);
	assert_int_equal(fd->d.flushes, 3);
	assert_true(fd->d.flush_ns >= 6000000);
	assert_int_equal(fd->d.flush_failures, 0);
	assert_false(fd->d.flush_failed);
	assert_int_equal(health(f, DRC0), 0);
	/* the other device was not flushed */
	assert_int_equal(f->dev[1]->calls, 0);
	assert_int_equal(f->dev[1]->d.flushes, 0);
}

/*
 * Where a flush's time went: the backing flush's wall time, and the part
 * of it the thread was busy (CPU time) rather than waiting.
 */
static void test_flush_time_split(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	struct nvdimm *d = &fd->d;

	/* asleep in the backing flush (as for the disk): wall time, no work */
	fd->delay_ns = 20000000;
	assert_int_equal(flush(f, NULL, DRC0, 0), H_SUCCESS);
	assert_int_equal(d->backing_flushes, 1);
	assert_true(d->flush_sync_ns >= 20000000);
	assert_true(d->flush_ns >= d->flush_sync_ns);
	assert_true(d->flush_sync_cpu_ns < 10000000);
	/* busy in it (writeback work): its CPU time counts as well */
	fd->delay_ns = 0;
	fd->spin_ns = 30000000;
	assert_int_equal(flush(f, NULL, DRC0, 0), H_SUCCESS);
	assert_int_equal(d->backing_flushes, 2);
	assert_true(d->flush_sync_cpu_ns >= 30000000);
	assert_true(d->flush_sync_ns >= 50000000);
	/* CPU time is part of the wall time (both clocks tick in ns) */
	assert_true(d->flush_sync_cpu_ns <= d->flush_sync_ns);
	/* a failed backing flush took its time too */
	fd->spin_ns = 0;
	fd->ret = -EIO;
	assert_int_equal(flush(f, NULL, DRC0, 0), H_HARDWARE);
	assert_int_equal(d->backing_flushes, 3);
	/* the other device's counters did not move */
	assert_int_equal(f->dev[1]->d.backing_flushes, 0);
	assert_int_equal(f->dev[1]->d.flush_sync_ns, 0);
	assert_int_equal(f->dev[1]->d.flush_sync_cpu_ns, 0);
}

static void test_flush_failure(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	uint64_t r[HCALL_NR_ARGS];

	fd->ret = -EIO;
	assert_int_equal(flush(f, r, DRC0, 0), H_HARDWARE);
	assert_int_equal(r[0], 0);
	assert_int_equal(fd->calls, 1);
	assert_int_equal(fd->d.flushes, 1);
	assert_int_equal(fd->d.flush_failures, 1);
	assert_true(fd->d.flush_failed);
	assert_int_equal(health(f, DRC0), NVDIMM_HEALTH_SHUTDOWN_DIRTY);
	fd->ret = -ENOSPC;
	assert_int_equal(flush(f, r, DRC0, 0), H_HARDWARE);
	assert_int_equal(fd->d.flush_failures, 2);

	/* a later flush that works says so, but what was lost stays lost */
	fd->ret = 0;
	assert_int_equal(flush(f, r, DRC0, 0), H_SUCCESS);
	assert_int_equal(fd->d.flushes, 3);
	assert_int_equal(fd->d.flush_failures, 2);
	assert_int_equal(health(f, DRC0), NVDIMM_HEALTH_SHUTDOWN_DIRTY);
	assert_int_equal(health(f, DRC1), 0);
}

static void test_flush_refused(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	uint64_t r[HCALL_NR_ARGS];

	/* lkvm never hands out tokens */
	assert_int_equal(flush(f, r, DRC0, 1), H_P2);
	assert_int_equal(flush(f, r, DRC0, ~0ULL), H_P2);
	assert_int_equal(flush(f, r, DRC0, 1ULL << 63), H_P2);
	/* real pmem: the guest has nothing to ask for */
	fd->d.needs_flush_hcall = false;
	assert_int_equal(flush(f, r, DRC0, 0), H_UNSUPPORTED);
	assert_int_equal(flush(f, r, DRC0, 5), H_P2);
	assert_int_equal(fd->calls, 0);
	assert_int_equal(fd->d.flushes, 0);
	assert_int_equal(fd->d.flush_failures, 0);

	/* no way to make data durable is a failure, never a success */
	fd->d.needs_flush_hcall = true;
	fd->d.ops = NULL;
	assert_int_equal(flush(f, r, DRC0, 0), H_HARDWARE);
	assert_true(fd->d.flush_failed);
	assert_int_equal(fd->d.flush_failures, 1);
	assert_int_equal(health(f, DRC0), NVDIMM_HEALTH_SHUTDOWN_DIRTY);
}

/*
 * A runs a flush that the fake holds; B and C arrive meanwhile. A's flush
 * may have started before their writes, so it must not serve them: one
 * more backing flush runs, and it serves both. Returns B's and C's codes.
 */
static void merged(struct fixture *f, int second_ret, long *rc_b, long *rc_c)
{
	struct fake_dev *fd = f->dev[0];
	struct flusher a, b, c;

	fd->hold = true;
	start_flusher(f, &a, 1);
	WAIT_FOR(held(fd));
	start_flusher(f, &b, 1);
	start_flusher(f, &c, 1);
	WAIT_FOR(scm__flush_waiters(&fd->d) == 3);
	/* nobody was answered by the flush still running */
	assert_int_equal(fd->calls, 1);
	assert_int_equal(b.rc, 1234);
	assert_int_equal(c.rc, 1234);

	release(fd, second_ret);
	pthread_join(a.thread, NULL);
	pthread_join(b.thread, NULL);
	pthread_join(c.thread, NULL);
	/* A's result was read before the fake's ret changed */
	assert_int_equal(a.rc, H_SUCCESS);
	assert_int_equal(fd->calls, 2);
	assert_int_equal(fd->d.flushes, 3);
	assert_int_equal(scm__flush_waiters(&fd->d), 0);
	*rc_b = b.rc;
	*rc_c = c.rc;
}

static void test_concurrent_merge(void **state)
{
	struct fixture *f = *state;
	long b, c;

	merged(f, 0, &b, &c);
	assert_int_equal(b, H_SUCCESS);
	assert_int_equal(c, H_SUCCESS);
	assert_false(f->dev[0]->d.flush_failed);
	/* three guest flushes, two backing flushes: both counted */
	assert_int_equal(f->dev[0]->d.flushes, 3);
	assert_int_equal(f->dev[0]->d.backing_flushes, 2);
	/* and a flush after all that runs its own */
	assert_int_equal(flush(f, NULL, DRC0, 0), H_SUCCESS);
	assert_int_equal(f->dev[0]->calls, 3);
}

static void test_concurrent_failure(void **state)
{
	struct fixture *f = *state;
	long b, c;

	/* the shared flush failed: everyone it served hears it */
	merged(f, -EIO, &b, &c);
	assert_int_equal(b, H_HARDWARE);
	assert_int_equal(c, H_HARDWARE);
	assert_int_equal(f->dev[0]->d.flush_failures, 2);
	assert_true(f->dev[0]->d.flush_failed);
	/* a failure long past does not fail a new flush */
	f->dev[0]->ret = 0;
	assert_int_equal(flush(f, NULL, DRC0, 0), H_SUCCESS);
}

/* Many vCPUs at once: every call answered, none by a flush before it. */
static void test_many_flushers(void **state)
{
	struct fixture *f = *state;
	struct flusher fl[16];
	size_t i;

	f->dev[0]->delay_ns = 200000;
	for (i = 0; i < ARRAY_SIZE(fl); i++)
		start_flusher(f, &fl[i], 1);
	for (i = 0; i < ARRAY_SIZE(fl); i++) {
		pthread_join(fl[i].thread, NULL);
		assert_int_equal(fl[i].rc, H_SUCCESS);
	}
	assert_int_equal(f->dev[0]->d.flushes, ARRAY_SIZE(fl));
	assert_true(f->dev[0]->calls >= 1);
	assert_true(f->dev[0]->calls <= (int)ARRAY_SIZE(fl));
	assert_int_equal(scm__flush_waiters(&f->dev[0]->d), 0);
}

/* Each device merges its own flushes: one never waits for another. */
static void test_devices_independent(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *other = fake_dev_new(7, GPA1 + BLOCKS1 * BS, 1);
	struct fake_dev *fd = f->dev[0];
	struct flusher a;

	assert_int_equal(device_registry__add(&f->devices, &other->d.dev), 0);
	fd->hold = true;
	start_flusher(f, &a, 1);
	WAIT_FOR(held(fd));
	/* the other device flushes for itself, not waiting for device 0 */
	assert_int_equal(flush(f, NULL, NVDIMM_DRC_BASE | 7, 0), H_SUCCESS);
	assert_int_equal(other->calls, 1);
	assert_int_equal(fd->calls, 1);
	assert_int_equal(scm__flush_waiters(&fd->d), 1);
	assert_int_equal(scm__flush_waiters(&other->d), 0);
	release(fd, 0);
	pthread_join(a.thread, NULL);
	assert_int_equal(a.rc, H_SUCCESS);
	assert_int_equal(device_registry__remove(&f->devices, &other->d.dev), 0);
	fake_dev_free(other);
}

struct remover {
	pthread_t thread;
	struct fixture *f;
	struct nvdimm *d;
	_Atomic bool done;
	int ret;
};

static void *remove_thread(void *arg)
{
	struct remover *rm = arg;

	rm->ret = device_registry__remove(&rm->f->devices, &rm->d->dev);
	atomic_store(&rm->done, true);
	return NULL;
}

/*
 * A hot-unplug of a device whose flush is running waits for the flush to
 * end; the flush still reports its true result, and from the removal on
 * the device is unknown to the guest.
 */
static void test_remove_waits_for_flush(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	struct timespec pause = { 0, 20000000 };
	struct remover rm = { .f = f, .d = &fd->d };
	struct flusher a;

	fd->hold = true;
	start_flusher(f, &a, 1);
	WAIT_FOR(held(fd));
	assert_int_equal(pthread_create(&rm.thread, NULL, remove_thread, &rm), 0);
	nanosleep(&pause, NULL);
	assert_false(atomic_load(&rm.done));
	/* already gone for new calls, while the old one still runs */
	WAIT_FOR(flush(f, NULL, DRC0, 0) == H_PARAMETER);
	assert_false(atomic_load(&rm.done));
	release(fd, 0);
	pthread_join(a.thread, NULL);
	pthread_join(rm.thread, NULL);
	assert_int_equal(a.rc, H_SUCCESS);
	assert_int_equal(rm.ret, 0);
	assert_int_equal(fd->calls, 1);
	assert_int_equal(flush(f, NULL, DRC0, 0), H_PARAMETER);
	assert_int_equal(hc(f, H_SCM_HEALTH, NULL, DRC1, 0, 0, 0, 0), H_SUCCESS);
	/* removing twice is an error, not a hang */
	assert_int_equal(device_registry__remove(&f->devices, &fd->d.dev), -ENOENT);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_flush_success),
		T(test_flush_time_split),
		T(test_flush_failure),
		T(test_flush_refused),
		T(test_concurrent_merge),
		T(test_concurrent_failure),
		T(test_many_flushers),
		T(test_devices_independent),
		T(test_remove_waits_for_flush),
	};

	return cmocka_run_group_tests_name("scm-flush", tests, NULL, NULL);
}
