/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RTAS_EVENTS_H
#define LKVM_RTAS_EVENTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct pseries;

/*
 * Events the platform reports to the guest (ppc/rtas-events.c): a PAPR
 * version 6 event log waits in a queue, the interrupt of its class's
 * /event-sources child is pulsed, and the guest's handler fetches the log
 * with RTAS check-exception. Two classes: EPOW (an orderly power-off
 * request) and hot-plug (a connector's device to add or remove), each with
 * a source of its own.
 */

/* Event classes as check-exception's mask names them (bit 0 = MSB). */
#define RTAS_EVENT_MASK_INTERNAL_ERRORS	0x80000000u
#define RTAS_EVENT_MASK_EPOW		0x40000000u
#define RTAS_EVENT_MASK_HOTPLUG		0x10000000u
#define RTAS_EVENT_MASK_IO		0x08000000u

/*
 * XICS source numbers of the event interrupts. KVM's sources start at 16;
 * these are where QEMU puts them, far from anything else, and a guest
 * looks them up in the tree anyway.
 */
#define RTAS_EVENT_IRQ_EPOW		0x1000u
#define RTAS_EVENT_IRQ_HOTPLUG		0x1001u

/*
 * One class of events: /event-sources/@node, its edge interrupt, its mask.
 * @one_pulse: at most one pulse the guest has not answered yet (with a
 * check-exception naming the class), so that every interrupt the guest
 * takes finds a log. Linux's hot-plug handler reads the log it asked for
 * without looking at the status: an interrupt with none queued has it
 * act on its stale buffer again, or on no hot-plug section at all.
 */
struct rtas_event_source {
	const char *node;
	uint32_t mask;
	uint32_t irq;
	bool one_pulse;
};

/* The machine's event sources: in the tree, in KVM's XICS, in the queue. */
enum {
	RTAS_EVENT_SOURCE_EPOW,
	RTAS_EVENT_SOURCE_HOTPLUG,
	RTAS_EVENT_NR_SOURCES
};
extern const struct rtas_event_source rtas_event_sources[RTAS_EVENT_NR_SOURCES];

/* The longest event log lkvm builds (EPOW and hot-plug logs: 116 bytes). */
#define RTAS_EVENT_LOG_MAX	128
/* Its fixed part: summary word and extended length. */
#define RTAS_EVENT_LOG_HDR_LEN	8

/*
 * The event log of an EPOW "system shutdown, normal" action (what QEMU's
 * system_powerdown sends, and Linux answers with orderly_poweroff()),
 * created at @when on the guest's clock, platform log id @plid, into @buf.
 * Pure; returns the log's length.
 */
size_t rtas_event_log__epow(uint8_t buf[RTAS_EVENT_LOG_MAX], time_t when,
			    uint32_t plid);

/* What a hot-plug log is about, and what the guest is to do with it. */
#define RTAS_HOTPLUG_TYPE_PMEM		6	/* a vNVDIMM's connector */
#define RTAS_HOTPLUG_ACTION_ADD		1
#define RTAS_HOTPLUG_ACTION_REMOVE	2

/*
 * The event log of a hot-plug request: a device of @type to @action at
 * the connector @drc_index, created at @when, platform log id @plid, into
 * @buf. Pure; returns the log's length.
 */
size_t rtas_event_log__hotplug(uint8_t buf[RTAS_EVENT_LOG_MAX], time_t when,
			       uint32_t plid, uint8_t type, uint8_t action,
			       uint32_t drc_index);

/* How many logs may wait for the guest at once. */
#define RTAS_EVENT_QUEUE_MAX	32

struct rtas_event {
	uint32_t mask;		/* its class */
	uint32_t len;
	uint8_t log[RTAS_EVENT_LOG_MAX];
};

/*
 * The pending logs, oldest first. The main thread queues (a request from
 * the user), vCPU threads take (check-exception) and look (event-scan):
 * every access holds @lock, and no other lock is taken under it.
 */
struct rtas_event_queue {
	pthread_mutex_t lock;
	struct rtas_event ev[RTAS_EVENT_QUEUE_MAX];
	unsigned int nr;
	uint32_t last_plid;	/* each log gets the next platform log id */
	/* per one_pulse source: pulsed, and no check-exception for it since */
	bool in_flight[RTAS_EVENT_NR_SOURCES];
};

/* An empty queue (pseries__init does it for the machine's own). */
void rtas_events__init(struct rtas_event_queue *q);

/*
 * Queue @len bytes of @log, of the class @mask. 0, -EINVAL (no log, a
 * length outside [header, RTAS_EVENT_LOG_MAX], or not exactly one
 * class), -ENOSPC (full).
 */
int rtas_events__push(struct rtas_event_queue *q, uint32_t mask,
		      const uint8_t *log, size_t len);

/* How many logs of a class in @mask wait. */
unsigned int rtas_events__pending(struct rtas_event_queue *q, uint32_t mask);

/*
 * Ask the guest for an orderly power-off, as pressing the power button
 * would: queue an EPOW log and pulse the EPOW interrupt (p->ops->irq_pulse).
 * While one EPOW log still waits, the request only pulses again: asking
 * twice neither fills the queue nor makes the guest shut down twice.
 * Any thread; 0, or a negative errno with a message.
 */
int rtas_events__request_poweroff(struct pseries *p);

/*
 * Ask the guest to add (RTAS_HOTPLUG_ACTION_ADD) or remove the vNVDIMM at
 * the PMEM connector @drc_index: queue a hot-plug log, then pulse the
 * hot-plug interrupt, unless a pulse of it is in flight already: then the
 * check-exception that answers that one pulses again for this log. Every
 * request is a log of its own, delivered in order. Any thread; 0, -EINVAL
 * (an unknown action), -ENOSPC (the queue is full: nothing queued, nothing
 * pulsed), or the pulse's error with the log left queued for event-scan's
 * pulse; each with a message.
 */
int rtas_events__request_hotplug(struct pseries *p, uint8_t action,
				 uint32_t drc_index);

/*
 * The RTAS services (rtas_fn): check-exception hands the oldest log of a
 * class the guest's mask names to its buffer, cut to the buffer's length;
 * event-scan reports nothing itself and pulses again the interrupt of each
 * class with logs waiting, in case the guest missed one. A one_pulse
 * source is pulsed by either only with a log of its class waiting and no
 * pulse of it in flight.
 */
void rtas_events__check_exception(struct pseries *p, unsigned int cpu,
				  uint32_t nargs, const uint32_t *args,
				  uint32_t nret, uint32_t *rets);
void rtas_events__event_scan(struct pseries *p, unsigned int cpu,
			     uint32_t nargs, const uint32_t *args,
			     uint32_t nret, uint32_t *rets);

#endif
