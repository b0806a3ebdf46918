// SPDX-License-Identifier: GPL-2.0
/*
 * Several vCPUs calling SCM hcalls on the same two devices at once: label
 * reads and writes, flushes (merged across vCPUs), health and statistics.
 * Every call must answer as it would alone. Built as usual this checks the
 * answers; `make unit-tsan` builds it under ThreadSanitizer, which also
 * reports any access to shared device state that is not synchronised.
 */
#include <pthread.h>

#include "scm-fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_concurrent_scm_hcalls, setup, teardown),
	};

	return cmocka_run_group_tests_name("scm-concurrency", tests, NULL, NULL);
}
