// SPDX-License-Identifier: GPL-2.0
/*
 * The PMEM connectors' state machine: what the VM side does to a slot
 * (plug a device, ask for it back, take it away) and what the guest does
 * through get-sensor-state and set-indicator. The transitions are those
 * PAPR gives a logical connector, refused with the statuses QEMU gives,
 * since those are what Linux's DLPAR code has been run against.
 */
#include <errno.h>
#include <string.h>

#include "lkvm/device.h"
#include "lkvm/drc.h"
#include "lkvm/papr.h"
#include "lkvm/pseries.h"
#include "lkvm/rtas.h"
#include "lkvm/util.h"

#include "drc-internal.h"

static const struct drc empty_drc = { .state = DRC_UNUSABLE };

void drc__notify(struct pseries *p)
{
	if (p->ops && p->ops->drc_changed)
		p->ops->drc_changed(p->ops_ctx);
}

void drc__init(struct drc_table *t)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	for (i = 0; i < LKVM_MAX_NVDIMMS; i++)
		t->slot[i] = empty_drc;
}

struct drc *drc__find(struct drc_table *t, uint32_t index)
{
	/* below the base, the difference wraps to a huge slot */
	uint32_t slot = index - LKVM_PMEM_DRC_BASE;

	return slot < LKVM_MAX_NVDIMMS ? &t->slot[slot] : NULL;
}

static int boot_device(struct device *dev, void *ctx)
{
	bool *present = ctx;
	uint32_t slot = dev->index - LKVM_PMEM_DRC_BASE;

	if (dev->ops->bus == DEVICE_BUS_PMEM && slot < LKVM_MAX_NVDIMMS)
		present[slot] = true;
	return 0;
}

void drc__boot(struct pseries *p)
{
	bool present[LKVM_MAX_NVDIMMS] = { false };
	struct drc_table *t = &p->drcs;
	unsigned int i;

	/* the registry's walk first: its lock is never held with ours */
	if (p->devices)
		device_registry__for_each(p->devices, NULL, boot_device, present);
	pthread_mutex_lock(&t->lock);
	for (i = 0; i < LKVM_MAX_NVDIMMS; i++) {
		t->slot[i] = empty_drc;
		if (present[i]) {
			t->slot[i].present = true;
			t->slot[i].state = DRC_CONFIGURED;
		}
	}
	pthread_mutex_unlock(&t->lock);
}

/*
 * Apply @change to the connector of @slot under the lock; @change says
 * whether the connector's state allowed it, else @err with "PMEM slot N
 * @why" for the VM side.
 */
static int change_slot(struct pseries *p, unsigned int slot,
		       bool (*change)(struct drc *d), int err, const char *why)
{
	bool ok;

	if (slot >= LKVM_MAX_NVDIMMS)
		return lkvm__fail(-EINVAL, "no PMEM slot %u (there are %u)",
				  slot, LKVM_MAX_NVDIMMS);
	pthread_mutex_lock(&p->drcs.lock);
	ok = change(&p->drcs.slot[slot]);
	pthread_mutex_unlock(&p->drcs.lock);
	if (!ok)
		return lkvm__fail(err, "PMEM slot %u %s", slot, why);
	return 0;
}

/* What @test says of the connector of @slot (false for no such slot). */
static bool query_slot(struct pseries *p, unsigned int slot,
		       bool (*test)(const struct drc *d))
{
	bool ret;

	if (slot >= LKVM_MAX_NVDIMMS)
		return false;
	pthread_mutex_lock(&p->drcs.lock);
	ret = test(&p->drcs.slot[slot]);
	pthread_mutex_unlock(&p->drcs.lock);
	return ret;
}

static bool plug(struct drc *d)
{
	if (d->present)
		return false;
	/* the guest has to allocate it: entity sense reads UNUSABLE */
	*d = empty_drc;
	d->present = true;
	return true;
}

int drc__plug(struct pseries *p, unsigned int slot)
{
	struct device *dev = NULL;

	/* configure-connector will build the node of the registered device */
	if (p->devices && slot < LKVM_MAX_NVDIMMS)
		dev = device_registry__get(p->devices, LKVM_PMEM_DRC_BASE | slot,
					   NULL);
	if (dev)
		device_registry__put(p->devices, dev);
	else if (slot < LKVM_MAX_NVDIMMS)	/* a bad slot: change_slot's */
		return lkvm__fail(-ENODEV, "PMEM slot %u: no device registered",
				  slot);
	return change_slot(p, slot, plug, -EBUSY, "already holds a device");
}

static bool configured(const struct drc *d)
{
	return d->state == DRC_CONFIGURED;
}

bool drc__configured(struct pseries *p, unsigned int slot)
{
	return query_slot(p, slot, configured);
}

static bool request_unplug(struct drc *d)
{
	d->unplug_requested = d->present;
	return d->present;
}

int drc__unplug_requested(struct pseries *p, unsigned int slot)
{
	return change_slot(p, slot, request_unplug, -ENOENT, "holds no device");
}

/* Given back, or never taken: nothing of the guest's uses the device. */
static bool released(const struct drc *d)
{
	return d->present && d->unplug_requested && d->state == DRC_UNUSABLE;
}

bool drc__released(struct pseries *p, unsigned int slot)
{
	return query_slot(p, slot, released);
}

static bool empty_released(struct drc *d)
{
	if (!released(d))
		return false;
	*d = empty_drc;
	return true;
}

int drc__unplugged(struct pseries *p, unsigned int slot)
{
	return change_slot(p, slot, empty_released, -EBUSY,
			   "holds no device the guest released");
}

void drc__get_sensor_state(struct pseries *p, unsigned int cpu, uint32_t nargs,
			   const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	struct drc *d;

	(void)cpu;
	if (!rtas__counts(nargs, 2, nret, 2, rets))
		return;
	rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
	/* the only sensor: Linux's EPOW handler asks for another (9), too */
	if (args[0] != DRC_ENTITY_SENSE)
		return;
	pthread_mutex_lock(&p->drcs.lock);
	d = drc__find(&p->drcs, args[1]);
	if (d) {
		/* an empty connector is UNUSABLE too: nothing to allocate */
		rets[0] = RTAS_OUT_SUCCESS;
		rets[1] = d->state == DRC_UNUSABLE ? DRC_ENTITY_UNUSABLE :
						     DRC_ENTITY_PRESENT;
	}
	pthread_mutex_unlock(&p->drcs.lock);
}

static int32_t isolate(struct drc *d)
{
	switch (d->state) {
	case DRC_UNISOLATED:
		/*
		 * Refused, as QEMU does: the way back from a half-read node
		 * is to finish the walk, then isolate.
		 */
		return RTAS_OUT_PARAM_ERROR;
	case DRC_CONFIGURED:
		d->state = DRC_AVAILABLE;
		/* the guest dropped the node: a new walk starts over */
		drc__rewind(d);
		return RTAS_OUT_SUCCESS;
	default:
		return RTAS_OUT_SUCCESS;	/* isolated already */
	}
}

static int32_t unisolate(struct drc *d)
{
	switch (d->state) {
	case DRC_UNUSABLE:
		return RTAS_OUT_PARAM_ERROR;	/* not allocated to the guest */
	case DRC_AVAILABLE:
		d->state = DRC_UNISOLATED;
		return RTAS_OUT_SUCCESS;
	default:
		return RTAS_OUT_SUCCESS;	/* unisolated already */
	}
}

static int32_t set_usable(struct drc *d)
{
	if (d->state != DRC_UNUSABLE)
		return RTAS_OUT_SUCCESS;	/* allocated already */
	/* nothing to allocate, or the VMM wants the device back */
	if (!d->present || d->unplug_requested)
		return RTAS_OUT_PARAM_ERROR;
	d->state = DRC_AVAILABLE;
	return RTAS_OUT_SUCCESS;
}

static int32_t set_unusable(struct drc *d)
{
	/* the guest has to isolate it first */
	if (d->state == DRC_UNISOLATED || d->state == DRC_CONFIGURED)
		return RTAS_OUT_PARAM_ERROR;
	d->state = DRC_UNUSABLE;
	return RTAS_OUT_SUCCESS;
}

/* args: indicator, DRC index, new value */
void drc__set_indicator(struct pseries *p, unsigned int cpu, uint32_t nargs,
			const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	uint32_t type = args[0], value = args[2];
	int32_t status = RTAS_OUT_PARAM_ERROR;
	struct drc *d;

	(void)cpu;
	if (!rtas__counts(nargs, 3, nret, 1, rets))
		return;
	pthread_mutex_lock(&p->drcs.lock);
	d = drc__find(&p->drcs, args[1]);
	/* 9002, the DR indicator, is a physical connector's: not ours */
	if (d && value <= 1 && type == DRC_ISOLATION_STATE)
		status = value == DRC_UNISOLATE ? unisolate(d) : isolate(d);
	else if (d && value <= 1 && type == DRC_ALLOCATION_STATE)
		status = value == DRC_ALLOC_USABLE ? set_usable(d) :
						     set_unusable(d);
	pthread_mutex_unlock(&p->drcs.lock);
	rets[0] = (uint32_t)status;
	if (status == RTAS_OUT_SUCCESS)
		drc__notify(p);
}
