// SPDX-License-Identifier: GPL-2.0
/*
 * Several vCPUs calling SCM hcalls on the same two devices at once: label
 * reads and writes, flushes (merged across vCPUs), health and statistics.
 * Every call must answer as it would alone. Built as usual this checks the
 * answers; `make unit-tsan` builds it under ThreadSanitizer, which also
 * reports any access to shared device state that is not synchronised.
 * Then what flushes count (bytes_flushed) when they are merged or run
 * from many vCPUs while others store: every page once.
 */
#include <pthread.h>

#include "dirty-fixture.h"

#define THREADS	4
#define ROUNDS	3000

struct worker {
	struct fixture *f;
	unsigned int id;
	unsigned int seed;
	unsigned int bad;	/* answers that were not what the call deserved */
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	uint64_t args[HCALL_NR_ARGS];
	unsigned int i;
	long rc;

	for (i = 0; i < ROUNDS; i++) {
		uint64_t drc = NVDIMM_DRC_BASE | (rand_r(&w->seed) & 1);
		uint64_t len = 1ULL << (rand_r(&w->seed) % 4);
		uint64_t off = (uint64_t)rand_r(&w->seed) % (LABEL_SIZE - 8);

		memset(args, 0, sizeof(args));
		args[0] = drc;
		switch (rand_r(&w->seed) % 5) {
		case 0:
			args[1] = off;
			args[2] = len;
			rc = hcall__dispatch(&w->f->p, w->id, H_SCM_READ_METADATA, args);
			w->bad += rc != H_SUCCESS || (len < 8 && args[0] >> (8 * len));
			break;
		case 1:
			args[1] = off;
			args[2] = w->id;
			args[3] = len;
			rc = hcall__dispatch(&w->f->p, w->id, H_SCM_WRITE_METADATA, args);
			w->bad += rc != H_SUCCESS;
			break;
		case 2:
			rc = hcall__dispatch(&w->f->p, w->id, H_SCM_FLUSH, args);
			w->bad += rc != H_SUCCESS && rc != H_UNSUPPORTED;
			break;
		case 3:
			rc = hcall__dispatch(&w->f->p, w->id, H_SCM_HEALTH, args);
			w->bad += rc != H_SUCCESS;
			break;
		default:
			/* the size query: the all-stats buffer size */
			rc = hcall__dispatch(&w->f->p, w->id, H_SCM_PERFORMANCE_STATS, args);
			w->bad += rc != H_SUCCESS || args[0] < SCM_STATS_HDR_SIZE;
			break;
		}
	}
	return NULL;
}

static void test_concurrent_scm_hcalls(void **state)
{
	struct fixture *f = *state;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	unsigned int i;

	/* device 1 is real pmem: its flushes are refused, its labels persisted */
	f->dev[1]->d.is_pmem = true;
	f->dev[1]->d.needs_flush_hcall = false;
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .f = f, .id = i, .seed = i * 7919 + 1 };
		assert_int_equal(pthread_create(&t[i], NULL, worker, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	/* every flush of device 0 ran or was merged into one that ran */
	assert_true(f->dev[0]->calls > 0);
	assert_int_equal(atomic_load(&f->dev[0]->d.flush_failures), 0);
	assert_int_equal(atomic_load(&f->dev[1]->d.flushes), 0);
}

/*
 * A's flush is held; the guest stores meanwhile and B and C arrive, to be
 * served by one more flush. Every page is counted once, not once per
 * caller, and only by a running backing flush: at most two counts.
 */
static void test_merged_flushes_count_once(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	struct flusher a, b, c;
	unsigned int i;

	for (i = 0; i < 10; i++)
		store(SLOT0, i);
	fd->hold = true;
	start_flusher(f, &a, 1);
	WAIT_FOR(held(fd));
	for (i = 5; i < 30; i++)
		store(SLOT0, i);
	start_flusher(f, &b, 1);
	start_flusher(f, &c, 1);
	WAIT_FOR(scm__flush_waiters(&fd->d) == 3);
	assert_int_equal(harvests(SLOT0), 0);
	release(fd, 0);
	pthread_join(a.thread, NULL);
	pthread_join(b.thread, NULL);
	pthread_join(c.thread, NULL);
	assert_int_equal(a.rc, H_SUCCESS);
	assert_int_equal(b.rc, H_SUCCESS);
	assert_int_equal(c.rc, H_SUCCESS);
	assert_int_equal(fd->calls, 2);
	assert_int_equal(fd->d.flushes, 3);
	/* A's flush counted (its count was due), the second one may have */
	assert_in_range(harvests(SLOT0), 1, 2);
	assert_int_equal(pages(fd), 30);
	assert_int_equal(bytes(fd), 30 * PAGE);
	/* nothing was left to count */
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	assert_int_equal(pages(fd), 30);
	assert_int_equal(atomic_load(&kvm.overlaps), 0);
}

struct guest {
	pthread_t thread;
	unsigned int from, to;
};

/* a vCPU storing to each page once, slowly, while others flush */
static void *guest_run(void *arg)
{
	struct guest *g = arg;
	struct timespec ts = { 0, 20000 };
	unsigned int i;

	for (i = g->from; i < g->to; i++) {
		store(SLOT0, i);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/*
 * vCPUs flushing all the time while others store: never two counts of the
 * slot at once, and after a last flush every page stored to was counted
 * exactly once (pages are stored to once each here). The counts are cheap
 * here (20 us, so due again 2 ms later): several are made on the way.
 */
static void test_concurrent_flushers_count_once(void **state)
{
	struct fixture *f = *state;
	struct fake_dev *fd = f->dev[0];
	struct guest g[2] = { { .from = 0, .to = 100 }, { .from = 100, .to = NPAGES } };
	struct flusher fl[6];
	unsigned int i;

	fd->delay_ns = 50000;
	kvm.delay_ns = 20000;
	for (i = 0; i < ARRAY_SIZE(g); i++)
		assert_int_equal(pthread_create(&g[i].thread, NULL, guest_run, &g[i]), 0);
	for (i = 0; i < ARRAY_SIZE(fl); i++)
		start_flusher(f, &fl[i], 40);
	for (i = 0; i < ARRAY_SIZE(g); i++)
		pthread_join(g[i].thread, NULL);
	for (i = 0; i < ARRAY_SIZE(fl); i++) {
		pthread_join(fl[i].thread, NULL);
		assert_int_equal(fl[i].rc, H_SUCCESS);
	}
	/* a last flush whose count is due counts what the others left */
	assert_int_equal(dirty_flush(f, DRC0), H_SUCCESS);
	assert_int_equal(atomic_load(&kvm.overlaps), 0);
	assert_int_equal(pages(fd), NPAGES);
	assert_int_equal(bytes(fd), NPAGES * PAGE);
	/* at most one count per backing flush, merged callers adding none */
	assert_true(harvests(SLOT0) >= 2);
	assert_true(harvests(SLOT0) <= fd->calls);
	assert_true(fd->calls <= (int)fd->d.flushes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_concurrent_scm_hcalls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merged_flushes_count_once,
						setup_dirty, teardown_dirty),
		cmocka_unit_test_setup_teardown(test_concurrent_flushers_count_once,
						setup_dirty, teardown_dirty),
	};

	return cmocka_run_group_tests_name("scm-concurrency", tests, NULL, NULL);
}
