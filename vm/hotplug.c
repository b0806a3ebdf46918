// SPDX-License-Identifier: GPL-2.0
/*
 * vNVDIMMs that come and go while the guest runs. A hot-plug opens the
 * backing, gives it a window, a KVM slot and a place in the registry with
 * the vCPUs parked, marks its connector present and tells the guest (a
 * PAPR hot-plug event); it is over when the guest has read the device's
 * node (configure-connector's end). A hot-unplug asks the guest to give
 * the device back (a REMOVE event); only once the guest has isolated and
 * released the connector are the slot and window taken away and the
 * backing flushed and closed. Never before: memory the guest still maps
 * stays where it is.
 *
 * The guest's answers come from vCPU threads, through the connector's
 * moves (pseries_ops.drc_changed writes an eventfd); the waiting is on
 * the main thread's event loop, with a timerfd for the deadline, so
 * nothing blocks while the guest works. One operation at a time: the
 * guest's DLPAR handling is serial anyway, and a client's answer then
 * never depends on another's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "lkvm/device.h"
#include "lkvm/drc.h"
#include "lkvm/event-loop.h"
#include "lkvm/machine.h"
#include "lkvm/nvdimm.h"
#include "lkvm/rtas-events.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#include "vm-internal.h"

struct nvdimm *vm__nvdimm(struct vm *s, unsigned int slot)
{
	return slot < LKVM_MAX_NVDIMMS && s->slot_used[slot] ? &s->nvdimm[slot] : NULL;
}

const char *vm__nvdimm_id(const struct vm *s, unsigned int slot)
{
	return slot < LKVM_MAX_NVDIMMS ? s->nvdimm_id[slot] : "";
}

int vm__find_nvdimm(const struct vm *s, const char *id)
{
	unsigned int i;

	for (i = 0; i < LKVM_MAX_NVDIMMS; i++)
		if (s->slot_used[i] && !strcmp(s->nvdimm_id[i], id))
			return (int)i;
	return lkvm__fail(-ENOENT, "no device '%s'", id);
}

/* Look again on the loop's next turn (as if the guest had moved). */
void vm__hotplug_poke(struct vm *s)
{
	event_fd__signal(s->hotplug.event_fd);
}

/* The operation is over: its client hears how, once. */
static void finish(struct vm *s, int err)
{
	struct vm_hotplug *h = &s->hotplug;
	vm_hotplug_done_fn done = h->done;
	unsigned int slot = h->slot;

	h->op = VM_HOTPLUG_IDLE;
	h->done = NULL;
	vm__disarm_timer(h->timer_fd);
	if (done)
		done(h->ctx, err, slot);
}

/*
 * Run @fn with every vCPU parked between two KVM_RUNs, so that no handler
 * sees guest memory, the memory map or the registry change under it. A
 * VM the user paused stays paused.
 */
int vm__parked(struct vm *s, int (*fn)(struct vm *s, unsigned int slot),
	       unsigned int slot)
{
	bool was_paused = vm__state(s) == VM_PAUSED;
	int ret;

	if (!was_paused) {
		ret = machine__pause(&s->m);
		if (ret)
			return ret;
	}
	ret = fn(s, slot);
	if (!was_paused && machine__resume(&s->m) && !ret)
		ret = lkvm__fail(-EIO, "cannot resume the guest: %s",
				 lkvm__last_error());
	return ret;
}

int vm__plug_memory(struct vm *s, unsigned int slot)
{
	struct device *dev = &s->nvdimm[slot].dev;
	int ret;

	ret = dev->ops->attach(dev, &s->m.p);
	if (ret)
		return ret;
	ret = device_registry__add(&s->devices, dev);
	if (ret) {
		dev->ops->detach(dev, &s->m.p);
		return lkvm__fail(ret, "PMEM slot %u is taken", slot);
	}
	return 0;
}

static int unplug_memory(struct vm *s, unsigned int slot)
{
	struct device *dev = &s->nvdimm[slot].dev;

	/* paused: no vCPU holds it, so this does not wait */
	device_registry__remove(&s->devices, dev);
	dev->ops->detach(dev, &s->m.p);
	return 0;
}

/*
 * The device in @slot is no longer the guest's (released, or its boot
 * ended): take its memory away if a machine has it, then flush and
 * close the backing, or (@discard) undo what opening it did to the host.
 * 0, or the flush's error: the device is gone either way.
 */
int vm__take_back(struct vm *s, unsigned int slot, bool discard)
{
	struct nvdimm *d = &s->nvdimm[slot];
	int ret = 0;

	if (s->serving) {
		ret = vm__parked(s, unplug_memory, slot);
		if (ret)
			return ret;	/* still attached: nothing was lost */
		drc__unplugged(&s->m.p, slot);
	} else {
		device_registry__remove(&s->devices, &d->dev);
	}
	s->slot_used[slot] = false;
	s->unplugging[slot] = false;
	s->plug_failed[slot] = false;
	if (discard) {
		nvdimm__discard(d);
		return 0;
	}
	/* every byte the guest wrote is on the backing before it is let go */
	if (!d->cfg.readonly)
		ret = nvdimm__flush(d);
	nvdimm__close(d);
	return ret;
}

/*
 * Take every device asked back that the guest has given back, or all of
 * them once no guest holds anything (@boot_ended); an unplug waiting on
 * one of them is answered.
 */
static void take_asked_back(struct vm *s, bool boot_ended)
{
	struct vm_hotplug *h = &s->hotplug;
	unsigned int i;
	int ret;

	for (i = 0; i < LKVM_MAX_NVDIMMS; i++) {
		if (!s->unplugging[i] ||
		    (!boot_ended && !drc__released(&s->m.p, i)))
			continue;
		/* a plug that failed leaves nothing behind, as if refused */
		ret = vm__take_back(s, i, s->plug_failed[i]);
		if (h->op == VM_HOTPLUG_REMOVING && h->slot == i)
			finish(s, ret);
		else if (ret)
			lkvm__warn("removing device %u: %s", i, lkvm__last_error());
	}
}

/* The guest moved a connector (or we asked to look): is it done? */
static void on_drc_event(struct event_loop *l, int fd, uint32_t revents,
			 void *ctx)
{
	struct vm *s = ctx;
	struct vm_hotplug *h = &s->hotplug;

	(void)l;
	(void)revents;
	event_fd__drain(fd);	/* with or without a count: look */
	if (!s->serving)
		return;
	if (h->op == VM_HOTPLUG_ADDING && drc__configured(&s->m.p, h->slot))
		finish(s, 0);
	take_asked_back(s, false);
}

/* The device of a plug the guest did not take in time. */
static void plug_timed_out(struct vm *s, unsigned int slot)
{
	struct vm_hotplug *h = &s->hotplug;

	/* from now on the guest may not allocate it */
	drc__unplug_requested(&s->m.p, slot);
	s->unplugging[slot] = true;
	if (drc__released(&s->m.p, slot) && !vm__take_back(s, slot, true)) {
		finish(s, lkvm__fail(-ETIMEDOUT, "the guest did not take the "
				     "device in %u s: it was taken back",
				     h->timeout_s));
		return;
	}
	/*
	 * The guest is part way through the ADD: its memory may be in use.
	 * It is asked to give it back, and the device goes when it has,
	 * leaving nothing behind.
	 */
	s->plug_failed[slot] = true;
	rtas_events__request_hotplug(&s->m.p, RTAS_HOTPLUG_ACTION_REMOVE,
				     s->nvdimm[slot].drc_index);
	finish(s, lkvm__fail(-ETIMEDOUT, "the guest did not finish adding "
			     "'%s' in %u s: it was asked to give it back, and "
			     "it is removed once it has", s->nvdimm_id[slot],
			     h->timeout_s));
}

static void on_timeout(struct event_loop *l, int fd, uint32_t revents,
		       void *ctx)
{
	struct vm *s = ctx;
	struct vm_hotplug *h = &s->hotplug;

	(void)l;
	(void)revents;
	if (!event_fd__drain(fd))
		return;		/* disarmed meanwhile */
	if (h->op == VM_HOTPLUG_ADDING && drc__configured(&s->m.p, h->slot))
		finish(s, 0);
	else if (h->op == VM_HOTPLUG_ADDING)
		plug_timed_out(s, h->slot);
	else if (h->op == VM_HOTPLUG_REMOVING)
		finish(s, lkvm__fail(-ETIMEDOUT, "the guest did not give '%s' "
				     "back in %u s: it stays attached, and is "
				     "removed if the guest gives it back later",
				     s->nvdimm_id[h->slot], h->timeout_s));
}

void vm__hotplug_begin(struct vm *s, enum vm_hotplug_op op, unsigned int slot,
		       unsigned int timeout_s, vm_hotplug_done_fn done, void *ctx)
{
	struct vm_hotplug *h = &s->hotplug;

	h->op = op;
	h->slot = slot;
	h->timeout_s = timeout_s;
	h->done = done;
	h->ctx = ctx;
	if (vm__arm_timer(h->timer_fd, timeout_s))
		lkvm__warn("cannot arm the hot-plug timer: the operation waits "
			   "for the guest without a deadline");
	/* the guest may have answered already (or never needed to) */
	vm__hotplug_poke(s);
}

int vm__watch_hotplug(struct vm *s)
{
	struct vm_hotplug *h = &s->hotplug;
	int ret;

	/* made at start: the main thread's filter forbids making them later */
	h->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->event_fd < 0)
		return lkvm__fail(-errno, "eventfd: %s", strerror(errno));
	h->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (h->timer_fd < 0)
		return lkvm__fail(-errno, "timerfd: %s", strerror(errno));
	ret = event_loop__add(&s->loop, h->event_fd, EPOLLIN, on_drc_event, s);
	if (!ret)
		ret = event_loop__add(&s->loop, h->timer_fd, EPOLLIN, on_timeout, s);
	return ret;
}

void vm__unwatch_hotplug(struct vm *s)
{
	struct vm_hotplug *h = &s->hotplug;

	if (h->event_fd >= 0)
		close(h->event_fd);
	if (h->timer_fd >= 0)
		close(h->timer_fd);
	h->event_fd = h->timer_fd = -1;
}

void vm__hotplug_boot_ended(struct vm *s)
{
	/* no guest holds anything now: what it was asked for is taken */
	take_asked_back(s, true);
}

void vm__hotplug_boot_started(struct vm *s)
{
	/* a device plugged while the guest rebooted is in the new tree */
	if (s->hotplug.op == VM_HOTPLUG_ADDING)
		finish(s, 0);
}

void vm__hotplug_cancel(struct vm *s)
{
	if (s->hotplug.op != VM_HOTPLUG_IDLE)
		finish(s, lkvm__fail(-ESHUTDOWN, "the VM stopped before the "
				     "guest answered"));
}
