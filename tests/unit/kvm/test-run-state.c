// SPDX-License-Identifier: GPL-2.0
/*
 * Pause and resume (kvm/run-state.c): the state machine, and what the
 * simulated vCPU threads do under it. `make unit-tsan` runs it under
 * ThreadSanitizer too.
 */
#include "run-state-fixture.h"

static void test_pause_waits_for_every_vcpu(void **state)
{
	struct fixture *f = *state;
	struct sim_vcpu *slow = &f->v[NR_SIM - 1];
	unsigned long rounds;
	unsigned int i;

	slow->deaf = true;
	slow->run_ns = LONG_RUN_NS;
	start_all_running(f);
	wait_in_run(slow);
	rounds = atomic_load(&slow->rounds);
	assert_int_equal(pause_all(f), 0);
	/* the run under way when the pause began has ended */
	assert_int_equal(atomic_load(&slow->rounds), rounds + 1);
	for (i = 0; i < NR_SIM; i++)
		assert_false(atomic_load(&f->v[i].in_run));
	assert_int_equal(counted(&f->rs, &f->rs.nr_parked), NR_SIM);
	assert_int_equal(run_state__phase(&f->rs), RUN_STATE_PAUSED);
}

static void test_paused_vcpus_use_no_cpu(void **state)
{
	struct fixture *f = *state;
	unsigned long rounds[NR_SIM];
	uint64_t cpu[NR_SIM];
	unsigned int i;

	start_all_running(f);
	assert_int_equal(pause_all(f), 0);
	for (i = 0; i < NR_SIM; i++) {
		rounds[i] = atomic_load(&f->v[i].rounds);
		cpu[i] = cpu_ns(f->v[i].thread);
	}
	usleep(100 * MS);
	for (i = 0; i < NR_SIM; i++) {
		assert_int_equal(atomic_load(&f->v[i].rounds), rounds[i]);
		/* a spinning thread would have used most of the 100 ms */
		assert_true(cpu_ns(f->v[i].thread) - cpu[i] < 10000000ULL);
	}
	assert_int_equal(run_state__resume(&f->rs), 0);
	/* resume returned after every thread left its wait */
	assert_int_equal(counted(&f->rs, &f->rs.nr_held), 0);
	assert_int_equal(counted(&f->rs, &f->rs.nr_parked), 0);
	for (i = 0; i < NR_SIM; i++)
		assert_true(ran(&f->v[i], rounds[i] + 1));
}

static void test_pause_resume_cycles(void **state)
{
	struct fixture *f = *state;
	unsigned long rounds[NR_SIM];
	unsigned int cycle, i;

	start_all_running(f);
	for (cycle = 0; cycle < 50; cycle++) {
		assert_int_equal(pause_all(f), 0);
		assert_int_equal(counted(&f->rs, &f->rs.nr_parked), NR_SIM);
		for (i = 0; i < NR_SIM; i++)
			rounds[i] = atomic_load(&f->v[i].rounds);
		sched_yield();
		for (i = 0; i < NR_SIM; i++)
			assert_int_equal(atomic_load(&f->v[i].rounds), rounds[i]);
		assert_int_equal(run_state__resume(&f->rs), 0);
		assert_int_equal(counted(&f->rs, &f->rs.nr_held), 0);
	}
	for (i = 0; i < NR_SIM; i++)
		assert_true(ran(&f->v[i], rounds[i] + 1));
}

static void test_wrong_transitions_fail(void **state)
{
	struct fixture *f = *state;

	expect_error(run_state__resume(&f->rs), "cannot resume: the machine is running");
	assert_int_equal(run_state__resume(&f->rs), -EALREADY);
	assert_int_equal(run_state__pause(&f->rs), 0);
	expect_error(run_state__pause(&f->rs), "cannot pause: the machine is paused");
	assert_int_equal(run_state__pause(&f->rs), -EALREADY);
	assert_int_equal(run_state__phase(&f->rs), RUN_STATE_PAUSED);
	assert_int_equal(run_state__resume(&f->rs), 0);
	assert_int_equal(run_state__phase(&f->rs), RUN_STATE_RUNNING);
}

/* nothing to wait for: the pause is complete at once */
static void test_pause_with_no_vcpus(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pause_all(f), 0);
	assert_int_equal(run_state__resume(&f->rs), 0);
}

static void test_stop_is_final(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run_state__pause(&f->rs), 0);
	run_state__stop(&f->rs);
	expect_error(run_state__resume(&f->rs), "cannot resume: the machine is stopping");
	assert_int_equal(run_state__resume(&f->rs), -ESHUTDOWN);
	expect_error(run_state__pause(&f->rs), "cannot pause: the machine is stopping");
	assert_int_equal(run_state__pause(&f->rs), -ESHUTDOWN);
	assert_int_equal(run_state__wait_parked(&f->rs), -ESHUTDOWN);
	run_state__stop(&f->rs);
	assert_int_equal(run_state__phase(&f->rs), RUN_STATE_STOPPING);
}

static void test_stop_releases_paused_vcpus(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	start_all_running(f);
	assert_int_equal(pause_all(f), 0);
	run_state__stop(&f->rs);
	for (i = 0; i < NR_SIM; i++) {
		sim_join(&f->v[i]);
		assert_true(atomic_load(&f->v[i].saw_stop));
	}
	assert_int_equal(counted(&f->rs, &f->rs.nr_vcpus), 0);
}

struct later {
	struct run_state *rs;
	bool stop;	/* else resume */
};

static void *act_later(void *arg)
{
	struct later *l = arg;

	usleep(20 * MS);
	if (l->stop)
		run_state__stop(l->rs);
	else
		run_state__resume(l->rs);
	return NULL;
}

/* a pause still waiting for a slow vCPU gives way to a stop or resume */
static void interrupt_wait(struct fixture *f, bool stop, int expected)
{
	struct sim_vcpu *slow = &f->v[0];
	struct later l = { .rs = &f->rs, .stop = stop };
	pthread_t t;

	slow->deaf = true;
	slow->run_ns = ENDLESS_RUN_NS;
	sim_start(f, slow);
	wait_in_run(slow);
	assert_int_equal(run_state__pause(&f->rs), 0);
	assert_int_equal(pthread_create(&t, NULL, act_later, &l), 0);
	assert_int_equal(run_state__wait_parked(&f->rs), expected);
	assert_int_equal(atomic_load(&slow->rounds), 0);	/* not waited for */
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void test_stop_ends_a_pause_in_progress(void **state)
{
	interrupt_wait(*state, true, -ESHUTDOWN);
}

static void test_resume_cancels_a_pause_in_progress(void **state)
{
	interrupt_wait(*state, false, -ECANCELED);
}

static void test_exiting_vcpu_does_not_hold_a_pause(void **state)
{
	struct fixture *f = *state;
	struct sim_vcpu *failing = &f->v[NR_SIM - 1];

	failing->deaf = true;
	failing->run_ns = LONG_RUN_NS;
	start_all_running(f);
	wait_in_run(failing);
	atomic_store(&failing->quit, true);	/* it exits after this run */
	assert_int_equal(pause_all(f), 0);
	assert_int_equal(counted(&f->rs, &f->rs.nr_vcpus), NR_SIM - 1);
	assert_int_equal(counted(&f->rs, &f->rs.nr_parked), NR_SIM - 1);
	sim_join(failing);
	assert_false(atomic_load(&failing->saw_stop));
}

static void test_guest_stopped_vcpu_counts_as_parked(void **state)
{
	struct fixture *f = *state;
	struct sim_vcpu *stopped = &f->v[0];

	stopped->stopped = true;
	sim_start(f, stopped);
	sim_start(f, &f->v[1]);
	assert_true(until_parked(&f->rs, 1));
	assert_true(ran(&f->v[1], 1));
	assert_int_equal(pause_all(f), 0);
	assert_int_equal(counted(&f->rs, &f->rs.nr_parked), 2);
	/* a start-cpu served just before the pause: it must wait for resume */
	sim_start_cpu(stopped);
	usleep(50 * MS);
	assert_int_equal(atomic_load(&stopped->rounds), 0);
	assert_int_equal(counted(&f->rs, &f->rs.nr_parked), 2);
	assert_int_equal(run_state__wait_parked(&f->rs), 0);
	assert_int_equal(run_state__resume(&f->rs), 0);
	assert_int_equal(counted(&f->rs, &f->rs.nr_held), 0);
	assert_true(ran(stopped, 1));
}

/* a vCPU that begins stopped stays stopped across pause and resume */
static void test_resume_leaves_guest_stopped_vcpu_stopped(void **state)
{
	struct fixture *f = *state;
	struct sim_vcpu *stopped = &f->v[0];

	stopped->stopped = true;
	sim_start(f, stopped);
	assert_true(until_parked(&f->rs, 1));
	assert_int_equal(pause_all(f), 0);
	assert_int_equal(run_state__resume(&f->rs), 0);
	usleep(20 * MS);
	assert_int_equal(atomic_load(&stopped->rounds), 0);
	assert_int_equal(counted(&f->rs, &f->rs.nr_parked), 1);
	sim_start_cpu(stopped);
	assert_true(ran(stopped, 1));
}

static void test_vcpu_started_while_paused_parks_at_once(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pause_all(f), 0);
	sim_start(f, &f->v[0]);
	assert_true(until_parked(&f->rs, 1));
	assert_int_equal(run_state__wait_parked(&f->rs), 0);
	assert_int_equal(atomic_load(&f->v[0].rounds), 0);
	assert_int_equal(run_state__resume(&f->rs), 0);
	assert_true(ran(&f->v[0], 1));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pause_waits_for_every_vcpu),
		T(test_paused_vcpus_use_no_cpu),
		T(test_pause_resume_cycles),
		T(test_wrong_transitions_fail),
		T(test_pause_with_no_vcpus),
		T(test_stop_is_final),
		T(test_stop_releases_paused_vcpus),
		T(test_stop_ends_a_pause_in_progress),
		T(test_resume_cancels_a_pause_in_progress),
		T(test_exiting_vcpu_does_not_hold_a_pause),
		T(test_guest_stopped_vcpu_counts_as_parked),
		T(test_resume_leaves_guest_stopped_vcpu_stopped),
		T(test_vcpu_started_while_paused_parks_at_once),
	};

	/* a wait that never ends is a failure, not a hung test run */
	alarm(60);
	return cmocka_run_group_tests_name("run-state", tests, NULL, NULL);
}
