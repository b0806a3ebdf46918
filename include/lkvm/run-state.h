/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RUN_STATE_H
#define LKVM_RUN_STATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

/*
 * Pause and resume of a machine's vCPU threads. The controller asks for a
 * state; each vCPU thread looks at it between two KVM_RUN calls and parks
 * on a condition variable (no CPU) while the machine is paused. Pure code:
 * it knows threads, not KVM, so unit tests drive it with plain pthreads.
 *
 * "Parked" means outside KVM_RUN and held there until someone else acts:
 * held by a pause, or stopped by the guest (RTAS stop-self) and waiting
 * for start-cpu. A pause is complete when every registered vCPU thread is
 * parked.
 */
enum run_state_phase {
	RUN_STATE_RUNNING = 0,
	RUN_STATE_PAUSED,
	RUN_STATE_STOPPING,	/* final: the vCPU threads are on their way out */
};

struct run_state {
	pthread_mutex_t lock;
	pthread_cond_t resumed;		/* vCPU side: the phase left PAUSED */
	pthread_cond_t counted;		/* controller side: a count changed */
	/* written under lock; read without it on every vCPU exit */
	_Atomic int phase;		/* enum run_state_phase */
	unsigned int nr_vcpus;		/* vCPU threads registered, not yet gone */
	unsigned int nr_parked;		/* of those, parked (see above) */
	unsigned int nr_held;		/* of those, waiting for a resume */
};

/* Ready, RUNNING, with @nr_vcpus threads registered already. */
void run_state__init(struct run_state *rs, unsigned int nr_vcpus);
void run_state__destroy(struct run_state *rs);
enum run_state_phase run_state__phase(struct run_state *rs);

/*
 * The controller side. Calls come from one controlling thread at a time
 * (a concurrent pair is safe, but one of them may get -ECANCELED).
 *
 * pause: RUNNING -> PAUSED, or -EALREADY (paused) / -ESHUTDOWN (stopping).
 * The caller then makes every vCPU leave KVM_RUN and calls wait_parked.
 */
int run_state__pause(struct run_state *rs);
/* 0 once every vCPU thread is parked; -ESHUTDOWN if the machine began to
 * stop, -ECANCELED if it was resumed meanwhile */
int run_state__wait_parked(struct run_state *rs);
/* PAUSED -> RUNNING; returns once every thread held by the pause has left
 * its wait. -EALREADY (running) / -ESHUTDOWN (stopping) otherwise. */
int run_state__resume(struct run_state *rs);
/* any -> STOPPING, for good: releases every held thread so it can exit */
void run_state__stop(struct run_state *rs);

/*
 * The vCPU side. A thread is registered (add_vcpu) before it is created,
 * so that no pause can miss it, and removes itself as it exits, so that
 * no pause waits for it.
 */
void run_state__add_vcpu(struct run_state *rs);
void run_state__remove_vcpu(struct run_state *rs);
/* Between two KVM_RUN calls: wait while PAUSED. True once STOPPING. */
bool run_state__park_if_paused(struct run_state *rs);
/* Around the wait for start-cpu of a guest-stopped vCPU: it counts as
 * parked from enter_stopped on; leave_stopped holds it while PAUSED and
 * returns true once STOPPING. */
void run_state__enter_stopped(struct run_state *rs);
bool run_state__leave_stopped(struct run_state *rs);

#endif
