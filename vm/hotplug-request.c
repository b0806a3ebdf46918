// SPDX-License-Identifier: GPL-2.0
/*
 * A controller's hot-plug and hot-unplug requests: everything that can be
 * checked is checked before the guest hears of anything, so a refused
 * request leaves the running guest and the host as they were. The rest,
 * the guest's part, is vm/hotplug.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lkvm/device.h"
#include "lkvm/drc.h"
#include "lkvm/machine.h"
#include "lkvm/nvdimm.h"
#include "lkvm/rtas-events.h"
#include "lkvm/scm.h"
#include "lkvm/util.h"
#include "lkvm/vm.h"

#include "vm-internal.h"

/* The guest runs, is not paused, and no other hot-plug is under way. */
static int check_guest_can_answer(struct vm *s, const char *what)
{
	if (!s->serving)
		return lkvm__fail(-ESHUTDOWN, "cannot %s: the guest is not running",
				  what);
	if (vm__state(s) == VM_PAUSED)
		return lkvm__fail(-EBUSY, "cannot %s while the VM is paused: "
				  "the guest has to take part (resume it first)",
				  what);
	if (s->hotplug.op != VM_HOTPLUG_IDLE)
		return lkvm__fail(-EINPROGRESS, "cannot %s: device '%s' is being "
				  "%s", what, s->nvdimm_id[s->hotplug.slot],
				  s->hotplug.op == VM_HOTPLUG_ADDING ? "added" :
								      "removed");
	return 0;
}

/* @want, or the lowest free slot when it is negative. */
static int pick_slot(struct vm *s, int want)
{
	unsigned int i;

	if (want >= LKVM_MAX_NVDIMMS)
		return lkvm__fail(-EINVAL, "slot %d: there are slots 0 to %d",
				  want, LKVM_MAX_NVDIMMS - 1);
	if (want >= 0 && s->slot_used[want])
		return lkvm__fail(-EEXIST, "slot %d holds device '%s'", want,
				  s->nvdimm_id[want]);
	if (want >= 0)
		return want;
	for (i = 0; i < LKVM_MAX_NVDIMMS; i++)
		if (!s->slot_used[i])
			return (int)i;
	return lkvm__fail(-ENOSPC, "no free slot: %d devices are attached",
			  LKVM_MAX_NVDIMMS);
}

int vm__settle_id(struct vm *s, const char *id, unsigned int slot,
		  char out[VM_DEVICE_ID_MAX])
{
	char own[VM_DEVICE_ID_MAX];
	unsigned int n;
	int end = 0;

	snprintf(own, sizeof(own), "nvdimm%u", slot);
	if (!id || !*id)
		id = own;
	if (sscanf(id, "nvdimm%u%n", &n, &end) == 1 && !id[end] && n != slot)
		return lkvm__fail(-EINVAL, "id '%s' is slot %u's name; this "
				  "device goes in slot %u", id, n, slot);
	if (vm__find_nvdimm(s, id) >= 0)
		return lkvm__fail(-EEXIST, "a device '%s' is attached already", id);
	snprintf(out, VM_DEVICE_ID_MAX, "%s", id);
	return 0;
}

/* The same file twice would be two devices on one memory. */
static int check_not_attached(struct vm *s, const char *path)
{
	struct stat want, have;
	unsigned int i;

	if (stat(path, &want) < 0)
		return 0;	/* a new file: the open makes it */
	for (i = 0; i < LKVM_MAX_NVDIMMS; i++) {
		if (!s->slot_used[i] || fstat(s->nvdimm[i].fd, &have) < 0)
			continue;
		if (have.st_dev == want.st_dev && have.st_ino == want.st_ino)
			return lkvm__fail(-EEXIST, "%s is attached already, as "
					  "device '%s'", path, s->nvdimm_id[i]);
	}
	return 0;
}

/* Open the backing and give it to the machine: on failure, nothing is left. */
static int open_and_place(struct vm *s, const struct vm_nvdimm_request *req,
			  unsigned int slot)
{
	struct nvdimm *d = &s->nvdimm[slot];
	int ret;

	ret = nvdimm__open(d, req->cfg, slot);
	if (ret == -EBUSY)	/* another lkvm's: a conflict, not a state */
		ret = lkvm__fail(-EEXIST, "%s", lkvm__last_error());
	if (ret)
		return ret;
	nvdimm__as_device(d);
	ret = vm__parked(s, vm__plug_memory, slot);
	if (ret) {
		nvdimm__discard(d);
		return ret;
	}
	s->slot_used[slot] = true;
	return 0;
}

int vm__add_nvdimm(struct vm *s, const struct vm_nvdimm_request *req,
		   vm_hotplug_done_fn done, void *ctx)
{
	char id[VM_DEVICE_ID_MAX];
	int slot, ret;

	ret = check_guest_can_answer(s, "add a device");
	if (ret)
		return ret;
	slot = pick_slot(s, req->slot);
	if (slot < 0)
		return slot;
	ret = vm__settle_id(s, req->id, (unsigned int)slot, id);
	if (!ret)
		ret = check_not_attached(s, req->cfg->path);
	if (!ret)
		ret = open_and_place(s, req, (unsigned int)slot);
	if (ret)
		return ret;
	memcpy(s->nvdimm_id[slot], id, sizeof(id));

	ret = drc__plug(&s->m.p, (unsigned int)slot);
	if (!ret)
		ret = rtas_events__request_hotplug(&s->m.p, RTAS_HOTPLUG_ACTION_ADD,
						   s->nvdimm[slot].drc_index);
	if (ret) {
		/* the guest cannot allocate what is wanted back: take it */
		char why[256];

		snprintf(why, sizeof(why), "%s", lkvm__last_error());
		drc__unplug_requested(&s->m.p, (unsigned int)slot);
		vm__take_back(s, (unsigned int)slot, true);
		return lkvm__fail(ret, "cannot tell the guest: %s", why);
	}
	vm__hotplug_begin(s, VM_HOTPLUG_ADDING, (unsigned int)slot,
			  req->timeout_s, done, ctx);
	return 0;
}

int vm__remove_nvdimm(struct vm *s, const char *id, unsigned int timeout_s,
		      vm_hotplug_done_fn done, void *ctx)
{
	unsigned int slot;
	int ret;

	ret = vm__find_nvdimm(s, id);
	if (ret < 0)
		return ret;
	slot = (unsigned int)ret;
	ret = check_guest_can_answer(s, "remove a device");
	if (ret)
		return ret;
	/* asked before and not given back yet: wait for it again */
	if (!s->unplugging[slot]) {
		ret = drc__unplug_requested(&s->m.p, slot);
		if (!ret)
			ret = rtas_events__request_hotplug(&s->m.p,
							   RTAS_HOTPLUG_ACTION_REMOVE,
							   s->nvdimm[slot].drc_index);
		if (ret)
			return ret;
		s->unplugging[slot] = true;
	}
	vm__hotplug_begin(s, VM_HOTPLUG_REMOVING, slot, timeout_s, done, ctx);
	return 0;
}
