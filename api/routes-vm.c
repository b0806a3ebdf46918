// SPDX-License-Identifier: GPL-2.0
/*
 * vm.info and vm.counters: what the VM reports, as JSON. The VM fills the
 * API's fixed structures; their strings come from users and files, so
 * each is read no further than its array and written as valid UTF-8, and
 * a count or a kind out of range is the VM's bug, answered with 500.
 */
#include <errno.h>
#include <stdlib.h>

#include "lkvm/api.h"
#include "lkvm/util.h"
#include "routes-internal.h"

/* one set per vCPU and per vNVDIMM */
#define API_MAX_COUNTER_SETS	(LKVM_MAX_CPUS + LKVM_MAX_NVDIMMS)

/* a string member of a structure the VM filled, NUL-terminated or not */
#define STRING_OF(member)	api_json__string(member, sizeof(member))

static const char *state_name(enum api_vm_state state)
{
	switch (state) {
	case API_VM_RUNNING:
		return "Running";
	case API_VM_PAUSED:
		return "Paused";
	case API_VM_SHUTDOWN:
		return "Shutdown";
	}
	return NULL;
}

static const char *backing_name(enum api_backing_kind kind)
{
	switch (kind) {
	case API_BACKING_PAGE_CACHE:
		return "page-cache";
	case API_BACKING_DEVDAX:
		return "devdax";
	case API_BACKING_DAX_FILE:
		return "dax-file";
	}
	return NULL;
}

static int add_nvdimm(struct json_object *list, const struct api_nvdimm_info *d)
{
	const char *backing = backing_name(d->backing);
	struct json_object *o;

	if (!backing)
		return lkvm__fail(-EIO, "vm.info: vNVDIMM slot %u has backing kind %d, unknown to the API",
				  d->slot, (int)d->backing);
	/* @list owns @o once appended; a failure puts the whole reply */
	o = json_object_new_object();
	if (api_json__append(list, o) ||
	    api_json__add(o, "id", STRING_OF(d->id)) ||
	    api_json__add(o, "file", STRING_OF(d->file)) ||
	    api_json__add(o, "slot", json_object_new_uint64(d->slot)) ||
	    api_json__add(o, "drc_index", json_object_new_uint64(d->drc_index)) ||
	    api_json__add(o, "size", json_object_new_uint64(d->size)) ||
	    api_json__add(o, "label_size", json_object_new_uint64(d->label_size)) ||
	    api_json__add(o, "uuid", STRING_OF(d->uuid)) ||
	    api_json__add(o, "readonly", json_object_new_boolean(d->readonly)) ||
	    api_json__add(o, "backing", json_object_new_string(backing)) ||
	    api_json__add(o, "flush", json_object_new_string(d->flush_hcall ?
							      "hcall" : "none")))
		return -ENOMEM;
	return 0;
}

/* "initrd": null when there is none, so the shape never changes */
static int add_initrd(struct json_object *config, const struct api_vm_info *info)
{
	if (info->initrd[0])
		return api_json__add(config, "initrd", STRING_OF(info->initrd));
	return json_object_object_add_ex(config, "initrd", NULL,
					 JSON_C_OBJECT_ADD_CONSTANT_KEY) ? -ENOMEM : 0;
}

static int info_json(const struct api_vm_info *info, struct json_object *top)
{
	const char *state = state_name(info->state);
	struct json_object *config, *nvdimms;
	unsigned int i;
	int err;

	if (!state)
		return lkvm__fail(-EIO, "vm.info: state %d is unknown to the API",
				  (int)info->state);
	if (info->nr_nvdimms > LKVM_MAX_NVDIMMS)
		return lkvm__fail(-EIO, "vm.info: %u vNVDIMMs reported, at most %d fit",
				  info->nr_nvdimms, LKVM_MAX_NVDIMMS);
	if (api_json__add(top, "name", STRING_OF(info->name)) ||
	    api_json__add(top, "state", json_object_new_string(state)) ||
	    api_json__add(top, "config", config = json_object_new_object()) ||
	    api_json__add(config, "kernel", STRING_OF(info->kernel)) ||
	    add_initrd(config, info) ||
	    api_json__add(config, "cmdline", STRING_OF(info->cmdline)) ||
	    api_json__add(config, "memory", json_object_new_uint64(info->memory)) ||
	    api_json__add(config, "vcpus", json_object_new_uint64(info->vcpus)) ||
	    api_json__add(top, "nvdimms", nvdimms = json_object_new_array()))
		return -ENOMEM;
	for (i = 0; i < info->nr_nvdimms; i++) {
		err = add_nvdimm(nvdimms, &info->nvdimm[i]);
		if (err)
			return err;
	}
	return 0;
}

/* Reply 200 with @top, or put it on an earlier failure @err. */
static int reply_or_put(const struct api_call *call, int err,
			struct json_object *top)
{
	if (err) {
		json_object_put(top);
		return err;
	}
	return api_json__reply(call->reply, 200, top);
}

int api_route__info(const struct api_call *call)
{
	struct json_object *top;
	struct api_vm_info *info;
	int err;

	if (!call->ops->info)
		return api_route__unavailable(call);
	/* about 85 KiB of fixed strings: not for the stack */
	info = calloc(1, sizeof(*info));
	top = json_object_new_object();
	if (!info || !top)
		err = -ENOMEM;
	else
		err = call->ops->info(call->ctx, info);
	if (err >= 0)
		err = info_json(info, top);
	free(info);
	return reply_or_put(call, err, top);
}

static int add_counter_set(struct json_object *top,
			   const struct api_counter_set *set)
{
	struct json_object *o;
	unsigned int i;

	if (set->nr > API_MAX_COUNTERS)
		return lkvm__fail(-EIO, "vm.counters: %u counters in one set, at most %d fit",
				  set->nr, API_MAX_COUNTERS);
	o = json_object_new_object();
	if (api_json__add_named(top, set->id, sizeof(set->id), o))
		return -ENOMEM;
	for (i = 0; i < set->nr; i++)
		if (api_json__add_named(o, set->c[i].name, sizeof(set->c[i].name),
					json_object_new_uint64(set->c[i].value)))
			return -ENOMEM;
	return 0;
}

int api_route__counters(const struct api_call *call)
{
	struct api_counter_set *sets;
	struct json_object *top;
	int n = 0, i, err = 0;

	if (!call->ops->counters)
		return api_route__unavailable(call);
	sets = calloc(API_MAX_COUNTER_SETS, sizeof(*sets));
	top = json_object_new_object();
	if (!sets || !top)
		err = -ENOMEM;
	else
		n = call->ops->counters(call->ctx, sets, API_MAX_COUNTER_SETS);
	if (!err && n < 0)
		err = n;
	else if (!err && n > API_MAX_COUNTER_SETS)
		err = lkvm__fail(-EIO, "vm.counters: %d sets reported, room for %d",
				 n, API_MAX_COUNTER_SETS);
	for (i = 0; !err && i < n; i++)
		err = add_counter_set(top, &sets[i]);
	free(sets);
	return reply_or_put(call, err, top);
}
