/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the run-state tests share: plain threads standing in for vCPU
 * threads, shaped like kvm/vcpu.c's: each parks between two busy
 * "KVM_RUN"s that a kick cuts short (unless it is deaf to kicks), and one
 * that begins guest-stopped waits for a start-cpu first.
 */
#ifndef LKVM_TEST_RUN_STATE_FIXTURE_H
#define LKVM_TEST_RUN_STATE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "expect-error.h"
#include "lkvm/run-state.h"
#include "lkvm/util.h"

#define NR_SIM		3
#define SHORT_RUN_NS	20000ULL	/* a guest between two exits */
#define LONG_RUN_NS	300000000ULL	/* a vCPU the kick does not reach */
#define ENDLESS_RUN_NS	10000000000ULL	/* one that runs till teardown */
#define MS		1000	/* in usleep's unit */

struct sim_vcpu {
	struct run_state *rs;
	pthread_t thread;
	bool started, joined;
	uint64_t run_ns;
	bool deaf;		/* a kick does not cut its run short */
	bool stopped;		/* begins guest-stopped, waits for start-cpu */
	_Atomic bool kicked, quit, in_run, saw_stop;
	_Atomic bool done;	/* the test is over: even a deaf run ends */
	_Atomic unsigned long rounds;	/* "KVM_RUN" calls completed */
	pthread_mutex_t lock;		/* start-cpu, as struct kvm_vcpu has */
	pthread_cond_t wake;
	bool start;
};

struct fixture {
	struct run_state rs;
	struct sim_vcpu v[NR_SIM];
};

static inline void simulated_run(struct sim_vcpu *v)
{
	uint64_t end = lkvm__now_ns() + v->run_ns;

	atomic_store(&v->in_run, true);
	while (lkvm__now_ns() < end && !atomic_load(&v->done))
		if (atomic_exchange(&v->kicked, false) && !v->deaf)
			break;
	atomic_fetch_add(&v->rounds, 1);
	atomic_store(&v->in_run, false);
}

/* like kvm/vcpu.c's wait_for_start: true if the machine is stopping */
static inline bool sim_wait_for_start(struct sim_vcpu *v)
{
	run_state__enter_stopped(v->rs);
	pthread_mutex_lock(&v->lock);
	while (!v->start && run_state__phase(v->rs) != RUN_STATE_STOPPING)
		pthread_cond_wait(&v->wake, &v->lock);
	pthread_mutex_unlock(&v->lock);
	return run_state__leave_stopped(v->rs);
}

/* the shape of kvm/vcpu.c's vcpu_thread */
static inline void *sim_thread(void *arg)
{
	struct sim_vcpu *v = arg;
	bool running = !v->stopped, stopping = false;

	while (!stopping && !atomic_load(&v->quit)) {
		stopping = run_state__park_if_paused(v->rs);
		if (!stopping && !running) {
			stopping = sim_wait_for_start(v);
			running = true;
		}
		if (!stopping)
			simulated_run(v);
	}
	atomic_store(&v->saw_stop, stopping);
	run_state__remove_vcpu(v->rs);
	return NULL;
}

static inline void sim_start(struct fixture *f, struct sim_vcpu *v)
{
	v->rs = &f->rs;
	if (!v->run_ns)
		v->run_ns = SHORT_RUN_NS;
	run_state__add_vcpu(&f->rs);	/* before it exists, as vcpu.c does */
	assert_int_equal(pthread_create(&v->thread, NULL, sim_thread, v), 0);
	v->started = true;
}

static inline void sim_start_cpu(struct sim_vcpu *v)
{
	pthread_mutex_lock(&v->lock);
	v->start = true;
	pthread_cond_signal(&v->wake);
	pthread_mutex_unlock(&v->lock);
}

/* kvm_vcpu__kick: leave "KVM_RUN", or look at the phase again */
static inline void kick_all(struct fixture *f)
{
	unsigned int i;

	for (i = 0; i < NR_SIM; i++) {
		atomic_store(&f->v[i].kicked, true);
		pthread_mutex_lock(&f->v[i].lock);
		pthread_cond_signal(&f->v[i].wake);
		pthread_mutex_unlock(&f->v[i].lock);
	}
}

/* what machine__pause does */
static inline int pause_all(struct fixture *f)
{
	int ret = run_state__pause(&f->rs);

	if (ret)
		return ret;
	kick_all(f);
	return run_state__wait_parked(&f->rs);
}

/* a joined thread exited within a few seconds */
static inline void sim_join(struct sim_vcpu *v)
{
	struct timespec until;

	if (!v->started || v->joined)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	assert_int_equal(pthread_timedjoin_np(v->thread, NULL, &until), 0);
	v->joined = true;
}

static inline unsigned int counted(struct run_state *rs, unsigned int *field)
{
	unsigned int n;

	pthread_mutex_lock(&rs->lock);
	n = *field;
	pthread_mutex_unlock(&rs->lock);
	return n;
}

/* poll (for up to 5 s) until @v completed @rounds runs */
static inline bool ran(struct sim_vcpu *v, unsigned long rounds)
{
	int i;

	for (i = 0; i < 5000 && atomic_load(&v->rounds) < rounds; i++)
		usleep(MS);
	return atomic_load(&v->rounds) >= rounds;
}

static inline bool until_parked(struct run_state *rs, unsigned int n)
{
	int i;

	for (i = 0; i < 5000 && counted(rs, &rs->nr_parked) != n; i++)
		usleep(MS);
	return counted(rs, &rs->nr_parked) == n;
}

static inline uint64_t cpu_ns(pthread_t thread)
{
	struct timespec ts;
	clockid_t clock;

	assert_int_equal(pthread_getcpuclockid(thread, &clock), 0);
	assert_int_equal(clock_gettime(clock, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned int i;

	assert_non_null(f);
	run_state__init(&f->rs, 0);
	for (i = 0; i < NR_SIM; i++) {
		pthread_mutex_init(&f->v[i].lock, NULL);
		pthread_cond_init(&f->v[i].wake, NULL);
	}
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	run_state__stop(&f->rs);
	for (i = 0; i < NR_SIM; i++)
		atomic_store(&f->v[i].done, true);
	kick_all(f);
	for (i = 0; i < NR_SIM; i++)
		sim_join(&f->v[i]);
	run_state__destroy(&f->rs);
	free(f);
	return 0;
}

static inline void wait_in_run(struct sim_vcpu *v)
{
	while (!atomic_load(&v->in_run))
		usleep(MS);
}

static inline void start_all_running(struct fixture *f)
{
	unsigned int i;

	for (i = 0; i < NR_SIM; i++)
		sim_start(f, &f->v[i]);
	for (i = 0; i < NR_SIM; i++)
		assert_true(ran(&f->v[i], 1));
}

#endif
