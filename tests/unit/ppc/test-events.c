// SPDX-License-Identifier: GPL-2.0
/*
 * Event logs for the guest (ppc/rtas-event-log.c, ppc/rtas-events.c): the
 * EPOW log byte by byte and as Linux walks it, the queue's bounds, and
 * check-exception / event-scan as the guest calls them through H_RTAS,
 * including from several vCPU threads at once (`make unit-tsan`). The
 * hot-plug class: test-events-hotplug.c.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "events-fixture.h"

#define EPOW_LEN	116

static const uint8_t epow_log[EPOW_LEN] = {
	/* type EPOW; Main-B: external environment, normal shutdown; "EP"
	 * version 2 */
	LOG_HEAD_AT_WHEN(0x34, 0x00, 0x40, 0xa0, 0xd0, 'E', 'P', 0x02),
	/* system shutdown, normal, this partition; reason code 0 */
	0x03, 0x01, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void test_epow_log_bytes(void **state)
{
	uint8_t buf[RTAS_EVENT_LOG_MAX];

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	expect_log(buf, rtas_event_log__epow(buf, WHEN, 0x01020304), epow_log,
		   EPOW_LEN);

	/* BCD of the last second of a century's last year */
	rtas_event_log__epow(buf, (time_t)946684799, 7);
	assert_int_equal(get_be32(buf + 32), 0x19991231);
	assert_int_equal(get_be32(buf + 36), 0x23595900);
	assert_int_equal(get_be32(buf + PLID_AT), 7);
}

static void test_epow_log_as_linux_reads_it(void **state)
{
	uint8_t buf[RTAS_EVENT_LOG_MAX];
	const uint8_t *ep;

	(void)state;
	rtas_event_log__epow(buf, time(NULL), 1);
	assert_int_equal(buf[0], 6);			/* version */
	assert_int_equal(buf[1] >> 5, 1);		/* severity: event */
	assert_int_equal(buf[1] & 0x04, 0x04);		/* extended log */
	assert_int_equal(buf[3], 0x40);			/* type: EPOW */
	ep = find_section(buf, "EP");
	assert_non_null(ep);
	assert_int_equal(ep[8] & 0x0f, 3);		/* system shutdown */
	assert_int_equal(ep[9] & 0x0f, 1);		/* normal: orderly */
	assert_non_null(find_section(buf, "PH"));
	assert_non_null(find_section(buf, "UH"));
	assert_null(find_section(buf, "HP"));
}

static void test_queue_bounds(void **state)
{
	struct rtas_event_queue q;
	uint8_t log[RTAS_EVENT_LOG_MAX] = { 0 };
	unsigned int i;

	(void)state;
	rtas_events__init(&q);
	for (i = 0; i < RTAS_EVENT_QUEUE_MAX; i++)
		assert_int_equal(rtas_events__push(&q, RTAS_EVENT_MASK_EPOW, log,
						   EPOW_LEN), 0);
	assert_int_equal(rtas_events__push(&q, RTAS_EVENT_MASK_EPOW, log, EPOW_LEN),
			 -ENOSPC);
	assert_int_equal(rtas_events__pending(&q, RTAS_EVENT_MASK_EPOW),
			 RTAS_EVENT_QUEUE_MAX);
	assert_int_equal(rtas_events__pending(&q, RTAS_EVENT_MASK_HOTPLUG), 0);

	rtas_events__init(&q);
	assert_int_equal(rtas_events__push(&q, RTAS_EVENT_MASK_EPOW, NULL, 8), -EINVAL);
	assert_int_equal(rtas_events__push(&q, RTAS_EVENT_MASK_EPOW, log, 7), -EINVAL);
	assert_int_equal(rtas_events__push(&q, RTAS_EVENT_MASK_EPOW, log,
					   RTAS_EVENT_LOG_MAX + 1), -EINVAL);
	assert_int_equal(rtas_events__push(&q, 0, log, 8), -EINVAL);
	assert_int_equal(rtas_events__push(&q, RTAS_EVENT_MASK_EPOW |
					   RTAS_EVENT_MASK_HOTPLUG, log, 8), -EINVAL);
	assert_int_equal(rtas_events__pending(&q, ~0u), 0);
	assert_int_equal(rtas_events__push(&q, RTAS_EVENT_MASK_HOTPLUG, log,
					   RTAS_EVENT_LOG_MAX), 0);
	assert_int_equal(rtas_events__pending(&q, ~0u), 1);
}

static void test_no_event(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check_exception(f, ~0u, LOG, LOG_MAX), NO_ERRORS);
	assert_only_buffers_written(f, 0);
	assert_int_equal(f->core.pulses, 0);
}

/* Wrong counts are refused and take nothing. */
static void test_check_exception_counts(void **state)
{
	struct fixture *f = *state;
	uint32_t args[8] = { 0x500, RTAS_EVENT_IRQ_EPOW, ~0u, 0, LOG, LOG_MAX, 0, 0 };
	uint32_t rets[2];

	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	rtas(f, token("check-exception"), 5, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	rtas(f, token("check-exception"), 8, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	rtas(f, token("check-exception"), 6, args, 2, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	/* no status word: nothing at all comes back */
	assert_int_equal(rtas_at(f, BUF, token("check-exception"), 6, 0, args),
			 H_SUCCESS);
	assert_only_buffers_written(f, 0);
	assert_int_equal(rtas_events__pending(&f->p.events, ~0u), 1);

	/* the optional seventh argument (extended information) is fine */
	rtas(f, token("check-exception"), 7, args, 1, rets);
	assert_int_equal(rets[0], 0);
	assert_memory_equal(host_range(f, LOG, 24), epow_log, 24);
}

/* A mask without EPOW gets nothing, and the log waits for the right one. */
static void test_mask_without_epow(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_HOTPLUG |
					 RTAS_EVENT_MASK_INTERNAL_ERRORS |
					 RTAS_EVENT_MASK_IO, LOG, LOG_MAX), NO_ERRORS);
	assert_only_buffers_written(f, 0);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX), 0);
}

/* Buffers the log cannot go to: refused, nothing written, the log kept. */
static void test_bad_buffers(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	/* outside guest memory */
	assert_int_equal(check_exception(f, ~0u, 0xfffff000, LOG_MAX), PARAM_ERROR);
	/* running off the end of guest memory, though Linux's length fits */
	assert_int_equal(check_exception(f, ~0u, RAM2_GPA + RAM_SIZE - 100, LOG_MAX),
			 PARAM_ERROR);
	/* read-only memory */
	assert_int_equal(check_exception(f, ~0u, RO_GPA, LOG_MAX), PARAM_ERROR);
	/* too short for even the header */
	assert_int_equal(check_exception(f, ~0u, LOG, 7), PARAM_ERROR);
	assert_only_buffers_written(f, 0);
	assert_int_equal(rtas_events__pending(&f->p.events, RTAS_EVENT_MASK_EPOW), 1);
}

/* A short buffer gets the log cut to its length, not a byte more. */
static void test_short_buffer(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, 16), 0);
	assert_memory_equal(host_range(f, LOG, 16), epow_log, 16);
	assert_only_buffers_written(f, 16);
	assert_int_equal(rtas_events__pending(&f->p.events, ~0u), 0);
}

/* One request, one pulse, one log delivered once. */
static void test_delivered_once(void **state)
{
	struct fixture *f = *state;
	uint8_t want[RTAS_EVENT_LOG_MAX];
	const uint8_t *got = host_range(f, LOG, EPOW_LEN);

	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	assert_int_equal(f->core.pulses, 1);
	assert_int_equal(f->core.irq, RTAS_EVENT_IRQ_EPOW);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX), 0);
	assert_only_buffers_written(f, EPOW_LEN);
	/* the first log, dated now: the same bytes but for date and time */
	rtas_event_log__epow(want, 0, 1);
	assert_memory_equal(got, want, 32);
	assert_memory_equal(got + 40, want + 40, EPOW_LEN - 40);
	/* nothing left, so no pulse again */
	assert_int_equal(f->core.pulses, 1);
	memset(host_range(f, LOG, EPOW_LEN), FILL, EPOW_LEN);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX),
			 NO_ERRORS);
	assert_only_buffers_written(f, 0);
}

/* Asking again while a request waits only pulses again. */
static void test_requests_coalesce(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	assert_int_equal(f->core.pulses, 2);
	assert_int_equal(rtas_events__pending(&f->p.events, ~0u), 1);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX), 0);
	assert_int_equal(get_be32(host(f, LOG + PLID_AT)), 1);
	/* once taken, a new request is a new log */
	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX), 0);
	assert_int_equal(get_be32(host(f, LOG + PLID_AT)), 2);
}

/* Logs left after one is taken, or found by event-scan: pulsed again. */
static void test_pulse_again(void **state)
{
	struct fixture *f = *state;
	uint32_t args[4] = { ~0u, 0, LOG, LOG_MAX }, rets[1];
	uint8_t log[RTAS_EVENT_LOG_MAX];

	rtas(f, token("event-scan"), 4, args, 1, rets);
	assert_int_equal(rets[0], NO_ERRORS);
	assert_int_equal(f->core.pulses, 0);

	rtas_event_log__epow(log, WHEN, 0x01020304);
	assert_int_equal(rtas_events__push(&f->p.events, RTAS_EVENT_MASK_EPOW, log,
					   EPOW_LEN), 0);
	assert_int_equal(rtas_events__push(&f->p.events, RTAS_EVENT_MASK_EPOW, log,
					   EPOW_LEN), 0);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX), 0);
	assert_int_equal(f->core.pulses, 1);
	assert_int_equal(f->core.irq, RTAS_EVENT_IRQ_EPOW);

	/* event-scan hands out nothing itself, it only pulses */
	rtas(f, token("event-scan"), 4, args, 1, rets);
	assert_int_equal(rets[0], NO_ERRORS);
	assert_int_equal(f->core.pulses, 2);
	rtas(f, token("event-scan"), 3, args, 1, rets);
	assert_int_equal(rets[0], PARAM_ERROR);
	assert_int_equal(f->core.pulses, 2);
	assert_int_equal(rtas_events__pending(&f->p.events, ~0u), 1);

	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX), 0);
	assert_memory_equal(host_range(f, LOG, EPOW_LEN), epow_log, EPOW_LEN);
	assert_int_equal(f->core.pulses, 2);
}

/* An interrupt that cannot be raised is the request's error. */
static void test_pulse_fails(void **state)
{
	struct fixture *f = *state;

	f->core.pulse_ret = -EIO;
	assert_int_equal(rtas_events__request_poweroff(&f->p), -EIO);
	f->p.ops = NULL;
	lkvm__clear_error();
	assert_int_equal(rtas_events__request_poweroff(&f->p), -ENOSYS);
	assert_true(strlen(lkvm__last_error()) > 0);
	/* the log is there for a later pulse, and only once */
	assert_int_equal(rtas_events__pending(&f->p.events, ~0u), 1);
}

#define TAKERS	3
#define EVENTS	3000

static atomic_int pulses;
static atomic_int taken;
static atomic_int seen[EVENTS + 1];

static int count_pulse(void *ctx, uint32_t irq)
{
	(void)ctx;
	(void)irq;
	atomic_fetch_add(&pulses, 1);
	return 0;
}

static const struct pseries_ops counting_ops = { .irq_pulse = count_pulse };

struct taker {
	struct fixture *f;
	unsigned int id;
	unsigned int bad;
};

/* a vCPU's EPOW handler: fetch into its own buffer until all are taken */
static void *taker(void *arg)
{
	struct taker *t = arg;
	uint64_t buf = LOG + t->id * 0x1000;
	uint32_t args[6] = { 0x500, RTAS_EVENT_IRQ_EPOW, RTAS_EVENT_MASK_EPOW, 0,
			     (uint32_t)buf, LOG_MAX };
	uint32_t rets[1], plid;

	while (atomic_load(&taken) < EVENTS) {
		rtas_events__check_exception(&t->f->p, t->id, 6, args, 1, rets);
		if (rets[0] == NO_ERRORS) {
			sched_yield();
			continue;
		}
		plid = get_be32(guest_mem__ptr(&t->f->p.mem, buf + PLID_AT, 4, false));
		t->bad += rets[0] != 0 || plid < 1 || plid > EVENTS;
		if (plid >= 1 && plid <= EVENTS)
			atomic_fetch_add(&seen[plid], 1);
		atomic_fetch_add(&taken, 1);
	}
	return NULL;
}

/* Queued by one thread, taken by several: each log exactly once. */
static void test_concurrent_takers(void **state)
{
	struct fixture *f = *state;
	struct taker t[TAKERS];
	pthread_t th[TAKERS];
	uint8_t log[RTAS_EVENT_LOG_MAX];
	unsigned int i;
	int ret;

	f->p.ops = &counting_ops;
	for (i = 0; i < TAKERS; i++) {
		t[i] = (struct taker){ .f = f, .id = i };
		assert_int_equal(pthread_create(&th[i], NULL, taker, &t[i]), 0);
	}
	for (i = 1; i <= EVENTS; i++) {
		rtas_event_log__epow(log, WHEN, i);
		while ((ret = rtas_events__push(&f->p.events, RTAS_EVENT_MASK_EPOW,
						log, EPOW_LEN)) == -ENOSPC)
			sched_yield();
		assert_int_equal(ret, 0);
	}
	for (i = 0; i < TAKERS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(t[i].bad, 0);
	}
	for (i = 1; i <= EVENTS; i++)
		if (atomic_load(&seen[i]) != 1)
			fail_msg("log %u taken %d times", i, atomic_load(&seen[i]));
	assert_int_equal(rtas_events__pending(&f->p.events, ~0u), 0);
	/* a pulse for each log taken while others waited, never more */
	assert_true(atomic_load(&pulses) < EVENTS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epow_log_bytes),
		cmocka_unit_test(test_epow_log_as_linux_reads_it),
		cmocka_unit_test(test_queue_bounds),
		cmocka_unit_test_setup_teardown(test_no_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_exception_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mask_without_epow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delivered_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests_coalesce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pulse_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pulse_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_takers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
