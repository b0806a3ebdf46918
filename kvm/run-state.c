// SPDX-License-Identifier: GPL-2.0
/*
 * Pause and resume of a machine's vCPU threads (lkvm/run-state.h): the
 * state machine and the counts a controller waits on. Pure code, tested
 * with plain threads in tests/unit/kvm/test-run-state.c.
 */
#include <errno.h>

#include "lkvm/run-state.h"
#include "lkvm/util.h"

void run_state__init(struct run_state *rs, unsigned int nr_vcpus)
{
	pthread_mutex_init(&rs->lock, NULL);
	pthread_cond_init(&rs->resumed, NULL);
	pthread_cond_init(&rs->counted, NULL);
	atomic_init(&rs->phase, RUN_STATE_RUNNING);
	rs->nr_vcpus = nr_vcpus;
	rs->nr_parked = 0;
	rs->nr_held = 0;
}

void run_state__destroy(struct run_state *rs)
{
	pthread_cond_destroy(&rs->counted);
	pthread_cond_destroy(&rs->resumed);
	pthread_mutex_destroy(&rs->lock);
}

enum run_state_phase run_state__phase(struct run_state *rs)
{
	return atomic_load(&rs->phase);
}

static const char *phase_name(int phase)
{
	switch (phase) {
	case RUN_STATE_RUNNING:
		return "running";
	case RUN_STATE_PAUSED:
		return "paused";
	default:
		return "stopping";
	}
}

/* @from -> @to, or the error that says why not; rs->lock held */
static int change_phase(struct run_state *rs, int from, int to, const char *verb)
{
	int phase = atomic_load(&rs->phase);

	if (phase == from) {
		atomic_store(&rs->phase, to);
		return 0;
	}
	return lkvm__fail(phase == RUN_STATE_STOPPING ? -ESHUTDOWN : -EALREADY,
			  "cannot %s: the machine is %s", verb, phase_name(phase));
}

int run_state__pause(struct run_state *rs)
{
	int ret;

	pthread_mutex_lock(&rs->lock);
	ret = change_phase(rs, RUN_STATE_RUNNING, RUN_STATE_PAUSED, "pause");
	pthread_mutex_unlock(&rs->lock);
	return ret;
}

int run_state__wait_parked(struct run_state *rs)
{
	int phase;

	pthread_mutex_lock(&rs->lock);
	while (atomic_load(&rs->phase) == RUN_STATE_PAUSED &&
	       rs->nr_parked < rs->nr_vcpus)
		pthread_cond_wait(&rs->counted, &rs->lock);
	phase = atomic_load(&rs->phase);
	pthread_mutex_unlock(&rs->lock);
	if (phase == RUN_STATE_PAUSED)
		return 0;
	if (phase == RUN_STATE_STOPPING)
		return lkvm__fail(-ESHUTDOWN, "the machine began to stop before every vCPU paused");
	return lkvm__fail(-ECANCELED, "the machine was resumed before every vCPU paused");
}

int run_state__resume(struct run_state *rs)
{
	int ret;

	pthread_mutex_lock(&rs->lock);
	ret = change_phase(rs, RUN_STATE_PAUSED, RUN_STATE_RUNNING, "resume");
	if (!ret) {
		pthread_cond_broadcast(&rs->resumed);
		pthread_cond_broadcast(&rs->counted);	/* a pause still waiting */
		/* a pause or stop coming meanwhile takes over: the threads it
		 * holds again never left, and waiting for them would hang */
		while (atomic_load(&rs->phase) == RUN_STATE_RUNNING && rs->nr_held)
			pthread_cond_wait(&rs->counted, &rs->lock);
	}
	pthread_mutex_unlock(&rs->lock);
	return ret;
}

void run_state__stop(struct run_state *rs)
{
	pthread_mutex_lock(&rs->lock);
	atomic_store(&rs->phase, RUN_STATE_STOPPING);
	pthread_cond_broadcast(&rs->resumed);
	pthread_cond_broadcast(&rs->counted);
	pthread_mutex_unlock(&rs->lock);
}

void run_state__add_vcpu(struct run_state *rs)
{
	pthread_mutex_lock(&rs->lock);
	rs->nr_vcpus++;
	pthread_mutex_unlock(&rs->lock);
}

void run_state__remove_vcpu(struct run_state *rs)
{
	pthread_mutex_lock(&rs->lock);
	rs->nr_vcpus--;
	pthread_cond_broadcast(&rs->counted);	/* a pause may wait for it */
	pthread_mutex_unlock(&rs->lock);
}

/* Sleep while PAUSED, counted as held for resume's sake; rs->lock held. */
static void hold_while_paused(struct run_state *rs)
{
	if (atomic_load(&rs->phase) != RUN_STATE_PAUSED)
		return;
	rs->nr_held++;
	while (atomic_load(&rs->phase) == RUN_STATE_PAUSED)
		pthread_cond_wait(&rs->resumed, &rs->lock);
	if (!--rs->nr_held)
		pthread_cond_broadcast(&rs->counted);
}

/* One more parked thread: the pause it may complete is told; lock held */
static void count_parked(struct run_state *rs)
{
	rs->nr_parked++;
	pthread_cond_broadcast(&rs->counted);
}

bool run_state__park_if_paused(struct run_state *rs)
{
	bool stopping;

	/*
	 * Every KVM exit passes here and a pause is rare, so the running case
	 * takes no lock. A pause stored just after this load is not missed:
	 * the controller kicks every vCPU after the store, and the kick makes
	 * the coming KVM_RUN return at once, back to this check.
	 */
	if (atomic_load(&rs->phase) == RUN_STATE_RUNNING)
		return false;
	pthread_mutex_lock(&rs->lock);
	if (atomic_load(&rs->phase) == RUN_STATE_PAUSED) {
		count_parked(rs);
		hold_while_paused(rs);
		rs->nr_parked--;
	}
	stopping = atomic_load(&rs->phase) == RUN_STATE_STOPPING;
	pthread_mutex_unlock(&rs->lock);
	return stopping;
}

void run_state__enter_stopped(struct run_state *rs)
{
	pthread_mutex_lock(&rs->lock);
	count_parked(rs);
	pthread_mutex_unlock(&rs->lock);
}

/*
 * A start-cpu may reach a guest-stopped vCPU while the machine is paused:
 * it comes from another vCPU's RTAS call that was served before that vCPU
 * parked. The start is kept (the caller has taken its entry point), but
 * the thread stays parked here, still counted, until resume: so a pause
 * that counted it as parked stays true, and the CPU first runs after
 * resume, as if the start had come then.
 */
bool run_state__leave_stopped(struct run_state *rs)
{
	bool stopping;

	pthread_mutex_lock(&rs->lock);
	hold_while_paused(rs);
	rs->nr_parked--;
	stopping = atomic_load(&rs->phase) == RUN_STATE_STOPPING;
	pthread_mutex_unlock(&rs->lock);
	return stopping;
}
