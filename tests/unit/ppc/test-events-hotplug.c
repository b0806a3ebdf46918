// SPDX-License-Identifier: GPL-2.0
/*
 * Hot-plug events (ppc/rtas-event-log.c, ppc/rtas-events.c): the log byte
 * by byte and as Linux's hot-plug handler and dlpar code read it, and its
 * delivery on its own source. Linux's handler takes every hot-plug
 * interrupt for a hot-plug log and reads it without looking at the
 * status, so the tests hold the queue to this: a pulse only with a log of
 * the class queued and none in flight, so that every interrupt the guest
 * takes finds its log, whatever the order of requests, answers and
 * event-scans, and from several threads at once (`make unit-tsan`).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "events-fixture.h"

#define HP_LEN		116
#define DRC(slot)	(0x90000000u | (slot))	/* a PMEM connector */
#define ADD		RTAS_HOTPLUG_ACTION_ADD
#define REMOVE		RTAS_HOTPLUG_ACTION_REMOVE

static const uint8_t hp_log[HP_LEN] = {
	/* initiator hot-plug, type hot-plug; Main-B: subsystem 0x80, no
	 * subtype; "HP" version 1 */
	LOG_HEAD_AT_WHEN(0x34, 0x60, 0xe5, 0x80, 0x00, 'H', 'P', 0x01),
	/* PMEM, add, by DRC index; the index, then the rest of the 8-byte
	 * name field */
	0x06, 0x01, 0x02, 0x00, 0x90, 0x00, 0x00, 0x03, 0, 0, 0, 0,
};

#define HP_ACTION_AT	105	/* the hot-plug section's action byte */

/* An addition and a removal differ in their action alone. */
static void test_hotplug_log_bytes(void **state)
{
	uint8_t want[HP_LEN], buf[RTAS_EVENT_LOG_MAX];
	unsigned int action;

	(void)state;
	memcpy(want, hp_log, HP_LEN);
	for (action = ADD; action <= REMOVE; action++) {
		want[HP_ACTION_AT] = (uint8_t)action;
		memset(buf, 0xee, sizeof(buf));
		expect_log(buf, rtas_event_log__hotplug(buf, WHEN, 0x01020304,
							RTAS_HOTPLUG_TYPE_PMEM,
							(uint8_t)action, DRC(3)),
			   want, HP_LEN);
	}
}

/*
 * What ras_hotplug_interrupt and dlpar_hp_pmem make of the log: the "HP"
 * section found by id, its resource, action, id type and the big-endian
 * index; queue_hotplug_event copies 12 bytes of its data (struct
 * pseries_hp_errorlog), which must lie inside the section.
 */
static void expect_hotplug(const uint8_t *log, uint8_t action, uint32_t drc)
{
	const uint8_t *hp = find_section(log, "HP");

	assert_non_null(hp);
	assert_true(get_be16(hp + 2) >= 8 + 12);
	assert_int_equal(hp[8], RTAS_HOTPLUG_TYPE_PMEM);
	assert_int_equal(hp[9], action);
	assert_int_equal(hp[10], 2);			/* by DRC index */
	assert_int_equal(get_be32(hp + 12), drc);
	assert_null(find_section(log, "EP"));
}

static void test_hotplug_log_as_linux_reads_it(void **state)
{
	uint8_t buf[RTAS_EVENT_LOG_MAX];

	(void)state;
	rtas_event_log__hotplug(buf, time(NULL), 9, RTAS_HOTPLUG_TYPE_PMEM,
				REMOVE, DRC(15));
	assert_int_equal(buf[0], 6);			/* version */
	assert_int_equal(buf[1] >> 5, 1);		/* severity: event */
	assert_int_equal(buf[1] & 0x04, 0x04);		/* extended log */
	assert_int_equal(buf[3], 0xe5);			/* type: hot-plug */
	expect_hotplug(buf, REMOVE, DRC(15));
	assert_non_null(find_section(buf, "PH"));
	assert_non_null(find_section(buf, "UH"));
	assert_int_equal(get_be32(buf + PLID_AT), 9);
}

/* Each pulse by source, and whether a log of its class was queued then. */
struct recorder {
	struct fixture *f;
	int pulses[RTAS_EVENT_NR_SOURCES];
	int unlogged;		/* pulses with no log of their class queued */
	int ret;
};

static int record_pulse(void *ctx, uint32_t irq)
{
	struct recorder *r = ctx;
	unsigned int i;

	for (i = 0; i < RTAS_EVENT_NR_SOURCES; i++) {
		if (rtas_event_sources[i].irq != irq)
			continue;
		r->pulses[i]++;
		/* called outside the queue's lock, so it may look */
		if (!rtas_events__pending(&r->f->p.events,
					  rtas_event_sources[i].mask))
			r->unlogged++;
		return r->ret;
	}
	fail_msg("pulse of unknown interrupt 0x%x", irq);
	return -EINVAL;
}

static const struct pseries_ops recording_ops = { .irq_pulse = record_pulse };

static struct recorder *record(struct fixture *f)
{
	static struct recorder r;

	r = (struct recorder){ .f = f };
	f->p.ops = &recording_ops;
	f->p.ops_ctx = &r;
	return &r;
}

/* Pulses so far by source, each with a log of its class queued. */
static void expect_pulses(const struct recorder *r, int hotplug, int epow)
{
	assert_int_equal(r->pulses[RTAS_EVENT_SOURCE_HOTPLUG], hotplug);
	assert_int_equal(r->pulses[RTAS_EVENT_SOURCE_EPOW], epow);
	assert_int_equal(r->unlogged, 0);
}

static unsigned int hp_pending(struct fixture *f)
{
	return rtas_events__pending(&f->p.events, RTAS_EVENT_MASK_HOTPLUG);
}

/* The hot-plug handler's call: the next log, that one. */
static void expect_taken(struct fixture *f, uint8_t action, uint32_t drc)
{
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_HOTPLUG, LOG,
					 LOG_MAX), 0);
	expect_hotplug(host_range(f, LOG, HP_LEN), action, drc);
}

/* A hot-plug log goes to the hot-plug mask only, EPOW's to EPOW's only. */
static void test_hotplug_delivery_by_mask(void **state)
{
	struct fixture *f = *state;
	struct recorder *r = record(f);

	assert_int_equal(rtas_events__request_hotplug(&f->p, ADD, DRC(0)), 0);
	expect_pulses(r, 1, 0);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW |
					 RTAS_EVENT_MASK_INTERNAL_ERRORS |
					 RTAS_EVENT_MASK_IO, LOG, LOG_MAX),
			 NO_ERRORS);
	assert_only_buffers_written(f, 0);
	expect_taken(f, ADD, DRC(0));
	assert_only_buffers_written(f, HP_LEN);

	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_HOTPLUG, LOG, LOG_MAX),
			 NO_ERRORS);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX), 0);
	assert_non_null(find_section(host_range(f, LOG, HP_LEN), "EP"));
	expect_pulses(r, 1, 1);
	assert_int_equal(rtas_events__pending(&f->p.events, ~0u), 0);
}

/*
 * Requests while a pulse is in flight queue their logs without pulsing;
 * each answer pulses for the next log, and event-scan adds none.
 */
static void test_hotplug_one_pulse_in_flight(void **state)
{
	struct fixture *f = *state;
	struct recorder *r = record(f);

	assert_int_equal(event_scan(f), NO_ERRORS);
	expect_pulses(r, 0, 0);
	assert_int_equal(rtas_events__request_hotplug(&f->p, ADD, DRC(1)), 0);
	assert_int_equal(rtas_events__request_hotplug(&f->p, REMOVE, DRC(1)), 0);
	assert_int_equal(rtas_events__request_hotplug(&f->p, ADD, DRC(2)), 0);
	expect_pulses(r, 1, 0);
	assert_int_equal(event_scan(f), NO_ERRORS);
	expect_pulses(r, 1, 0);

	expect_taken(f, ADD, DRC(1));
	expect_pulses(r, 2, 0);
	assert_int_equal(event_scan(f), NO_ERRORS);
	expect_taken(f, REMOVE, DRC(1));
	expect_pulses(r, 3, 0);
	expect_taken(f, ADD, DRC(2));
	/* the last one taken: nothing to pulse for */
	assert_int_equal(event_scan(f), NO_ERRORS);
	expect_pulses(r, 3, 0);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_HOTPLUG, LOG, LOG_MAX),
			 NO_ERRORS);
	expect_pulses(r, 3, 0);
}

/* Both classes interleaved: each log once, to its own mask, in order. */
static void test_epow_and_hotplug_interleaved(void **state)
{
	struct fixture *f = *state;
	struct recorder *r = record(f);

	assert_int_equal(rtas_events__request_hotplug(&f->p, ADD, DRC(4)), 0);
	assert_int_equal(rtas_events__request_poweroff(&f->p), 0);
	assert_int_equal(rtas_events__request_hotplug(&f->p, REMOVE, DRC(5)), 0);
	expect_pulses(r, 1, 1);

	/* EPOW's handler first: its answer pulses EPOW again only */
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX), 0);
	assert_non_null(find_section(host_range(f, LOG, HP_LEN), "EP"));
	assert_int_equal(get_be32(host(f, LOG + PLID_AT)), 2);
	expect_pulses(r, 1, 1);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_EPOW, LOG, LOG_MAX),
			 NO_ERRORS);

	expect_taken(f, ADD, DRC(4));
	assert_int_equal(get_be32(host(f, LOG + PLID_AT)), 1);
	expect_pulses(r, 2, 1);
	expect_taken(f, REMOVE, DRC(5));
	assert_int_equal(get_be32(host(f, LOG + PLID_AT)), 3);
	assert_int_equal(check_exception(f, ~0u, LOG, LOG_MAX), NO_ERRORS);
	expect_pulses(r, 2, 1);
}

/* Refused requests queue nothing and pulse nothing. */
static void test_hotplug_refused(void **state)
{
	struct fixture *f = *state;
	struct recorder *r = record(f);
	uint8_t log[RTAS_EVENT_LOG_MAX] = { 0 };
	unsigned int i;

	lkvm__clear_error();
	assert_int_equal(rtas_events__request_hotplug(&f->p, 0, DRC(0)), -EINVAL);
	assert_int_equal(rtas_events__request_hotplug(&f->p, 3, DRC(0)), -EINVAL);
	assert_true(strlen(lkvm__last_error()) > 0);

	/* a queue full of other logs: no pulse for a log that is not there */
	for (i = 0; i < RTAS_EVENT_QUEUE_MAX; i++)
		assert_int_equal(rtas_events__push(&f->p.events,
						   RTAS_EVENT_MASK_EPOW, log,
						   HP_LEN), 0);
	lkvm__clear_error();
	assert_int_equal(rtas_events__request_hotplug(&f->p, ADD, DRC(0)), -ENOSPC);
	assert_non_null(strstr(lkvm__last_error(), "0x90000000"));
	assert_int_equal(hp_pending(f), 0);
	expect_pulses(r, 0, 0);
	assert_int_equal(event_scan(f), NO_ERRORS);
	expect_pulses(r, 0, 1);
	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_HOTPLUG, LOG, LOG_MAX),
			 NO_ERRORS);

	/* full of hot-plug logs: the first one's pulse, no more */
	rtas_events__init(&f->p.events);
	for (i = 0; i < RTAS_EVENT_QUEUE_MAX; i++)
		assert_int_equal(rtas_events__request_hotplug(&f->p, ADD,
							      DRC(i % 16)), 0);
	assert_int_equal(rtas_events__request_hotplug(&f->p, ADD, DRC(0)), -ENOSPC);
	expect_pulses(r, 1, 1);
}

/*
 * A pulse that failed, or an answer that took nothing (a bad buffer), is
 * no pulse in flight: event-scan pulses again, once.
 */
static void test_hotplug_pulse_again(void **state)
{
	struct fixture *f = *state;
	struct recorder *r = record(f);

	r->ret = -EIO;
	assert_int_equal(rtas_events__request_hotplug(&f->p, ADD, DRC(6)), -EIO);
	assert_int_equal(hp_pending(f), 1);
	r->ret = 0;
	assert_int_equal(event_scan(f), NO_ERRORS);
	assert_int_equal(event_scan(f), NO_ERRORS);
	expect_pulses(r, 2, 0);

	assert_int_equal(check_exception(f, RTAS_EVENT_MASK_HOTPLUG, RO_GPA,
					 LOG_MAX), PARAM_ERROR);
	expect_pulses(r, 2, 0);
	assert_int_equal(event_scan(f), NO_ERRORS);
	assert_int_equal(event_scan(f), NO_ERRORS);
	expect_pulses(r, 3, 0);
	expect_taken(f, ADD, DRC(6));
	expect_pulses(r, 3, 0);
}

#define REQUESTS	4000
#define GIVE_UP_S	60	/* a lost pulse fails the test, not hangs it */

static atomic_int hp_irqs;	/* hot-plug pulses not yet taken by the guest */
static atomic_int coalesced;	/* pulses while another was not taken */
static atomic_int taken;
static atomic_int empty;	/* interrupts that found no log */
static atomic_bool stop;

static int guest_irq(void *ctx, uint32_t irq)
{
	(void)ctx;
	if (irq == RTAS_EVENT_IRQ_HOTPLUG && atomic_fetch_add(&hp_irqs, 1))
		atomic_fetch_add(&coalesced, 1);
	return 0;
}

static const struct pseries_ops guest_irq_ops = { .irq_pulse = guest_irq };

struct handler {
	struct fixture *f;
	unsigned int id;
};

/* a vCPU taking hot-plug interrupts: one check-exception each */
static void *hp_handler(void *arg)
{
	struct handler *h = arg;
	uint64_t buf = LOG + h->id * 0x1000;
	uint32_t args[6] = { 0x500, RTAS_EVENT_IRQ_HOTPLUG, RTAS_EVENT_MASK_HOTPLUG,
			     0, (uint32_t)buf, LOG_MAX };
	uint32_t rets[1];
	int n;

	while (!atomic_load(&stop)) {
		n = atomic_load(&hp_irqs);
		if (!n || !atomic_compare_exchange_weak(&hp_irqs, &n, n - 1)) {
			sched_yield();
			continue;
		}
		rtas_events__check_exception(&h->f->p, h->id, 6, args, 1, rets);
		atomic_fetch_add(rets[0] ? &empty : &taken, 1);
	}
	return NULL;
}

/* a vCPU running event-scan now and then */
static void *scanner(void *arg)
{
	struct fixture *f = arg;
	uint32_t args[4] = { ~0u, 0, 0, 0 }, rets[1];

	while (!atomic_load(&stop)) {
		rtas_events__event_scan(&f->p, 3, 4, args, 1, rets);
		sched_yield();
	}
	return NULL;
}

/* Until every log is taken, or the time is up. */
static void wait_taken(time_t deadline)
{
	while (atomic_load(&taken) < REQUESTS && time(NULL) < deadline)
		sched_yield();
}

/*
 * Requests from the main thread, interrupts taken on two vCPUs, event-scan
 * on a third: every interrupt finds a log, and no pulse ever coalesces.
 */
static void test_hotplug_concurrent(void **state)
{
	struct fixture *f = *state;
	struct handler h[2] = { { f, 0 }, { f, 1 } };
	time_t deadline = time(NULL) + GIVE_UP_S;
	pthread_t th[3];
	unsigned int i;
	int ret = 0;

	f->p.ops = &guest_irq_ops;
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, hp_handler, &h[i]), 0);
	assert_int_equal(pthread_create(&th[2], NULL, scanner, f), 0);
	for (i = 0; i < REQUESTS && time(NULL) < deadline; i++) {
		while ((ret = rtas_events__request_hotplug(&f->p, ADD,
							   DRC(i % 16))) == -ENOSPC &&
		       time(NULL) < deadline)
			sched_yield();
		if (ret)
			break;
	}
	wait_taken(deadline);
	atomic_store(&stop, true);
	for (i = 0; i < 3; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(ret, 0);
	assert_int_equal(atomic_load(&taken), REQUESTS);
	assert_int_equal(atomic_load(&empty), 0);
	assert_int_equal(atomic_load(&coalesced), 0);
	assert_int_equal(atomic_load(&hp_irqs), 0);
	assert_int_equal(rtas_events__pending(&f->p.events, ~0u), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hotplug_log_bytes),
		cmocka_unit_test(test_hotplug_log_as_linux_reads_it),
		T(test_hotplug_delivery_by_mask),
		T(test_hotplug_one_pulse_in_flight),
		T(test_epow_and_hotplug_interleaved),
		T(test_hotplug_refused),
		T(test_hotplug_pulse_again),
		T(test_hotplug_concurrent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
