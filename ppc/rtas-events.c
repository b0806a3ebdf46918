// SPDX-License-Identifier: GPL-2.0
/*
 * Event logs waiting for the guest, and the RTAS services that hand them
 * over. An event is a log in the queue plus a pulse of its class's edge
 * interrupt; the guest's handler then calls check-exception with the mask
 * of that class and gets the oldest matching log. Edge interrupts coalesce
 * (a pulse while the last is still being handled is remembered once), so
 * after each log handed over the interrupt of every class with logs left
 * is pulsed again, and event-scan, which Linux calls every 30 s, does the
 * same as a safety net. A pulse that comes with no log to take is harmless
 * for EPOW but not for hot-plug (see one_pulse): such a source is pulsed
 * only with a log of its class queued and no pulse of it in flight, so
 * that pulses never outnumber its logs and never coalesce.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "lkvm/guest-mem.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas-events.h"
#include "lkvm/util.h"

const struct rtas_event_source rtas_event_sources[RTAS_EVENT_NR_SOURCES] = {
	[RTAS_EVENT_SOURCE_EPOW] = {
		.node = "epow-events",
		.mask = RTAS_EVENT_MASK_EPOW,
		.irq = RTAS_EVENT_IRQ_EPOW,
	},
	[RTAS_EVENT_SOURCE_HOTPLUG] = {
		.node = "hot-plug-events",
		.mask = RTAS_EVENT_MASK_HOTPLUG,
		.irq = RTAS_EVENT_IRQ_HOTPLUG,
		.one_pulse = true,
	},
};

void rtas_events__init(struct rtas_event_queue *q)
{
	memset(q, 0, sizeof(*q));
	pthread_mutex_init(&q->lock, NULL);
}

/* Exactly one bit: a log belongs to one class. */
static bool one_class(uint32_t mask)
{
	return mask && !(mask & (mask - 1));
}

static int push_locked(struct rtas_event_queue *q, uint32_t mask,
		       const uint8_t *log, size_t len)
{
	struct rtas_event *e;

	if (q->nr == RTAS_EVENT_QUEUE_MAX)
		return -ENOSPC;
	e = &q->ev[q->nr++];
	e->mask = mask;
	e->len = (uint32_t)len;
	memcpy(e->log, log, len);
	return 0;
}

int rtas_events__push(struct rtas_event_queue *q, uint32_t mask,
		      const uint8_t *log, size_t len)
{
	int ret;

	if (!log || len < RTAS_EVENT_LOG_HDR_LEN || len > RTAS_EVENT_LOG_MAX ||
	    !one_class(mask))
		return -EINVAL;
	pthread_mutex_lock(&q->lock);
	ret = push_locked(q, mask, log, len);
	pthread_mutex_unlock(&q->lock);
	return ret;
}

static unsigned int pending_locked(const struct rtas_event_queue *q,
				   uint32_t mask)
{
	unsigned int i, n = 0;

	for (i = 0; i < q->nr; i++)
		if (q->ev[i].mask & mask)
			n++;
	return n;
}

unsigned int rtas_events__pending(struct rtas_event_queue *q, uint32_t mask)
{
	unsigned int n;

	pthread_mutex_lock(&q->lock);
	n = pending_locked(q, mask);
	pthread_mutex_unlock(&q->lock);
	return n;
}

static int pulse(struct pseries *p, uint32_t irq)
{
	if (!p->ops || !p->ops->irq_pulse)
		return lkvm__fail(-ENOSYS, "the machine cannot raise interrupts");
	return p->ops->irq_pulse(p->ops_ctx, irq);
}

/*
 * Whether source @i is to be pulsed now, for logs of its class waiting; a
 * one_pulse source's pulse is in flight from here.
 */
static bool pulse_due_locked(struct rtas_event_queue *q, unsigned int i)
{
	const struct rtas_event_source *s = &rtas_event_sources[i];

	if (!pending_locked(q, s->mask))
		return false;
	if (s->one_pulse) {
		if (q->in_flight[i])
			return false;
		q->in_flight[i] = true;
	}
	return true;
}

/*
 * Pulse source @i, which pulse_due_locked allowed. A pulse that failed is
 * not in flight: event-scan may try again.
 */
static int pulse_source(struct pseries *p, unsigned int i)
{
	int ret = pulse(p, rtas_event_sources[i].irq);

	if (ret && rtas_event_sources[i].one_pulse) {
		pthread_mutex_lock(&p->events.lock);
		p->events.in_flight[i] = false;
		pthread_mutex_unlock(&p->events.lock);
	}
	return ret;
}

/*
 * On a vCPU thread: a pulse that fails cannot be reported to anyone who
 * could act, and the log stays queued for the next event-scan's pulse.
 */
static void pulse_pending(struct pseries *p)
{
	bool due[RTAS_EVENT_NR_SOURCES];
	unsigned int i;

	pthread_mutex_lock(&p->events.lock);
	for (i = 0; i < RTAS_EVENT_NR_SOURCES; i++)
		due[i] = pulse_due_locked(&p->events, i);
	pthread_mutex_unlock(&p->events.lock);
	/* the pulse is an ioctl: never under the lock */
	for (i = 0; i < RTAS_EVENT_NR_SOURCES; i++)
		if (due[i])
			pulse_source(p, i);
}

/* Queue a new log of class @mask (a hot-plug one: @action, @drc_index). */
static int push_new_locked(struct pseries *p, uint32_t mask, uint8_t action,
			   uint32_t drc_index)
{
	struct rtas_event_queue *q = &p->events;
	uint8_t log[RTAS_EVENT_LOG_MAX];
	uint32_t plid = q->last_plid + 1;
	/* dated on the guest's clock, as set-time-of-day moved it */
	time_t now = time(NULL) + (time_t)atomic_load(&p->rtc_offset);
	size_t len;
	int ret;

	if (mask == RTAS_EVENT_MASK_EPOW)
		len = rtas_event_log__epow(log, now, plid);
	else
		len = rtas_event_log__hotplug(log, now, plid,
					      RTAS_HOTPLUG_TYPE_PMEM, action,
					      drc_index);
	ret = push_locked(q, mask, log, len);
	if (!ret)
		q->last_plid = plid;
	return ret;
}

int rtas_events__request_poweroff(struct pseries *p)
{
	struct rtas_event_queue *q = &p->events;
	int ret = 0;

	pthread_mutex_lock(&q->lock);
	if (!pending_locked(q, RTAS_EVENT_MASK_EPOW))
		ret = push_new_locked(p, RTAS_EVENT_MASK_EPOW, 0, 0);
	pthread_mutex_unlock(&q->lock);
	if (ret)
		return lkvm__fail(ret, "cannot queue a power-off request: %d events wait for the guest",
				  RTAS_EVENT_QUEUE_MAX);
	return pulse(p, RTAS_EVENT_IRQ_EPOW);
}

int rtas_events__request_hotplug(struct pseries *p, uint8_t action,
				 uint32_t drc_index)
{
	struct rtas_event_queue *q = &p->events;
	unsigned int src = RTAS_EVENT_SOURCE_HOTPLUG;
	bool due;
	int ret;

	if (action != RTAS_HOTPLUG_ACTION_ADD &&
	    action != RTAS_HOTPLUG_ACTION_REMOVE)
		return lkvm__fail(-EINVAL, "unknown hot-plug action %u", action);
	pthread_mutex_lock(&q->lock);
	ret = push_new_locked(p, RTAS_EVENT_MASK_HOTPLUG, action, drc_index);
	/* the log first: its interrupt must find it there */
	due = !ret && pulse_due_locked(q, src);
	pthread_mutex_unlock(&q->lock);
	if (ret)
		return lkvm__fail(ret, "cannot queue a hot-plug request for connector 0x%x: %d events wait for the guest",
				  drc_index, RTAS_EVENT_QUEUE_MAX);
	return due ? pulse_source(p, src) : 0;
}

/*
 * args: vector offset, interrupt information (the source's number), event
 * mask, critical, buffer, its length, and optionally extended information.
 * Only the mask picks the log: the interrupt it came by says no more.
 * The call answers the pulse in flight of each class the mask names.
 * A buffer that cannot take even the header, or that is not writable guest
 * memory, is refused and the log stays queued; a shorter buffer than the
 * log gets the log cut to its length, and nothing is written beyond it.
 */
void rtas_events__check_exception(struct pseries *p, unsigned int cpu,
				  uint32_t nargs, const uint32_t *args,
				  uint32_t nret, uint32_t *rets)
{
	struct rtas_event_queue *q = &p->events;
	uint32_t mask, buf, len;
	unsigned int i;
	uint8_t *dst;

	(void)cpu;
	if (nargs < 6 || nargs > 7 || nret != 1) {
		if (nret)
			rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		return;
	}
	mask = args[2];
	buf = args[4];
	len = args[5];

	rets[0] = RTAS_OUT_NO_ERRORS_FOUND;
	pthread_mutex_lock(&q->lock);
	for (i = 0; i < RTAS_EVENT_NR_SOURCES; i++)
		if (rtas_event_sources[i].mask & mask)
			q->in_flight[i] = false;
	for (i = 0; i < q->nr && !(q->ev[i].mask & mask); i++)
		;
	if (i < q->nr) {
		if (len > q->ev[i].len)
			len = q->ev[i].len;
		dst = len >= RTAS_EVENT_LOG_HDR_LEN ?
		      guest_mem__ptr(&p->mem, buf, len, true) : NULL;
		if (dst) {
			memcpy(dst, q->ev[i].log, len);
			q->nr--;
			memmove(&q->ev[i], &q->ev[i + 1],
				(q->nr - i) * sizeof(q->ev[0]));
			rets[0] = RTAS_OUT_SUCCESS;
		} else {
			rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		}
	}
	pthread_mutex_unlock(&q->lock);
	if (rets[0] == RTAS_OUT_SUCCESS)
		pulse_pending(p);
}

/* args: event mask, critical, buffer, its length */
void rtas_events__event_scan(struct pseries *p, unsigned int cpu,
			     uint32_t nargs, const uint32_t *args,
			     uint32_t nret, uint32_t *rets)
{
	(void)cpu;
	(void)args;
	if (nargs != 4 || nret != 1) {
		if (nret)
			rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
		return;
	}
	/*
	 * Linux's rtasd only logs what event-scan returns and acts on
	 * nothing, so the logs are left for the interrupt handlers, which act.
	 */
	rets[0] = RTAS_OUT_NO_ERRORS_FOUND;
	pulse_pending(p);
}
