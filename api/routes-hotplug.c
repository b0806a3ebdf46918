// SPDX-License-Identifier: GPL-2.0
/*
 * vm.add-nvdimm and vm.remove-device: vNVDIMM hot-plug and hot-unplug.
 * The guest takes part in both, which takes it a while, so each is
 * answered later (struct http_later), when the guest has taken the device
 * or given it back, or its time is up. What a request can get wrong is
 * refused here, before the VM is asked, naming the field.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "lkvm/api.h"
#include "lkvm/nvdimm.h"
#include "lkvm/util.h"
#include "lkvm/uuid.h"
#include "routes-internal.h"

/*
 * An id names a device in requests, logs and `lkvm stat`: letters,
 * digits, '.', '_' and '-', not starting with '.' or '-' (as --name).
 */
static int check_id(const char *what, const char *id)
{
	if (!str_is_name(id, API_DEVICE_ID_MAX))
		return lkvm__fail(-EINVAL, "%s: field \"id\" must be 1 to %d letters, "
				  "digits, '.', '_' or '-', not starting with "
				  "'.' or '-'", what, API_DEVICE_ID_MAX);
	return 0;
}

/* The fields, the required ones there, and what only their values tell. */
static int take_add_request(const struct api_call *call,
			    struct api_nvdimm_add *req, char uuid[UUID_STR_LEN])
{
	struct nvdimm_config *cfg = &req->cfg;
	uint64_t size = 0, label = 0, slot = 0, timeout_s = req->timeout_s;
	bool has_file = false, has_size = false, has_label = false;
	bool has_slot = false, has_id = false;
	const struct api_field fields[] = {
		{ .name = "file", .kind = API_FIELD_STRING, .max = PATH_MAX - 1,
		  .out.s = cfg->path, .seen = &has_file },
		{ .name = "size", .kind = API_FIELD_UINT, .max = INT64_MAX - 1,
		  .out.u = &size, .seen = &has_size },
		{ .name = "label_size", .kind = API_FIELD_UINT, .max = INT64_MAX - 1,
		  .out.u = &label, .seen = &has_label },
		{ .name = "uuid", .kind = API_FIELD_STRING, .max = UUID_STR_LEN - 1,
		  .out.s = uuid, .seen = &cfg->has_uuid },
		{ .name = "readonly", .kind = API_FIELD_BOOL, .out.b = &cfg->readonly },
		{ .name = "id", .kind = API_FIELD_STRING, .max = API_DEVICE_ID_MAX,
		  .out.s = req->id, .seen = &has_id },
		{ .name = "slot", .kind = API_FIELD_UINT, .max = LKVM_MAX_NVDIMMS - 1,
		  .out.u = &slot, .seen = &has_slot },
		{ .name = "timeout_s", .kind = API_FIELD_UINT,
		  .max = API_HOTPLUG_TIMEOUT_MAX, .out.u = &timeout_s },
	};
	const char *missing = NULL;
	int err;

	if (!call->body)
		return lkvm__fail(-EINVAL, "%s: needs a body with \"file\", "
				  "\"size\" and \"label_size\"", call->name);
	err = api_json__take_fields(call->name, call->body, fields,
				    ARRAY_SIZE(fields));
	if (err)
		return err;
	if (!has_label)
		missing = "label_size";
	if (!has_size)
		missing = "size";
	if (!has_file)
		missing = "file";
	if (missing)
		return lkvm__fail(-EINVAL, "%s: field \"%s\" is missing",
				  call->name, missing);
	/* lkvm's working directory is not the client's */
	if (cfg->path[0] != '/')
		return lkvm__fail(-EINVAL, "%s: field \"file\" must be an absolute "
				  "path", call->name);
	if (cfg->has_uuid && uuid__parse(uuid, cfg->uuid))
		return lkvm__fail(-EINVAL, "%s: field \"uuid\" is not a UUID",
				  call->name);
	if (has_id && check_id(call->name, req->id))
		return -EINVAL;
	if (!size || size % NVDIMM_BLOCK_SIZE)
		return lkvm__fail(-EINVAL, "%s: field \"size\" must be a multiple "
				  "of %llu (256 MiB), not zero", call->name,
				  (unsigned long long)NVDIMM_BLOCK_SIZE);
	if (label < NVDIMM_MIN_LABEL_SIZE || label > NVDIMM_MAX_LABEL_SIZE)
		return lkvm__fail(-EINVAL, "%s: field \"label_size\" must be from "
				  "%llu (128 KiB) to %llu (16 MiB)", call->name,
				  NVDIMM_MIN_LABEL_SIZE, NVDIMM_MAX_LABEL_SIZE);
	cfg->size = size;
	cfg->label_size = label;
	req->slot = has_slot ? (int)slot : -1;
	req->timeout_s = (unsigned int)timeout_s;
	/* the rest of --nvdimm's rules (the nil UUID, sizes that overflow) */
	err = nvdimm_config__validate(cfg);
	if (err)
		return lkvm__fail(err, "%s: %s", call->name, lkvm__last_error());
	return 0;
}

int api_route__add_nvdimm(const struct api_call *call)
{
	static struct api_nvdimm_add req;	/* a path is 4 KiB: not on the stack */
	char uuid[UUID_STR_LEN];
	int err;

	if (!call->ops->add_nvdimm || !call->later)
		return api_route__unavailable(call);
	memset(&req, 0, sizeof(req));
	req.timeout_s = API_HOTPLUG_TIMEOUT_DEFAULT;
	err = take_add_request(call, &req, uuid);
	if (!err)
		err = call->ops->add_nvdimm(call->ctx, &req, call->later);
	if (err)
		return err;
	call->reply->later = true;
	return 0;
}

int api_route__remove_device(const struct api_call *call)
{
	char id[API_DEVICE_ID_MAX + 1] = "";
	uint64_t timeout_s = API_HOTPLUG_TIMEOUT_DEFAULT;
	bool has_id = false;
	const struct api_field fields[] = {
		{ .name = "id", .kind = API_FIELD_STRING, .max = API_DEVICE_ID_MAX,
		  .out.s = id, .seen = &has_id },
		{ .name = "timeout_s", .kind = API_FIELD_UINT,
		  .max = API_HOTPLUG_TIMEOUT_MAX, .out.u = &timeout_s },
	};
	int err;

	if (!call->ops->remove_device || !call->later)
		return api_route__unavailable(call);
	err = call->body ? api_json__take_fields(call->name, call->body, fields,
						 ARRAY_SIZE(fields)) : 0;
	if (err)
		return err;
	if (!has_id)
		return lkvm__fail(-EINVAL, "%s: field \"id\" is missing", call->name);
	if (check_id(call->name, id))
		return -EINVAL;
	err = call->ops->remove_device(call->ctx, id, (unsigned int)timeout_s,
				       call->later);
	if (err)
		return err;
	call->reply->later = true;
	return 0;
}

/*
 * A later answer starts from an empty reply (the route's own was held
 * back); true if @err made it the route's error reply.
 */
static bool later_failed(struct http_reply *reply, const char *route, int err)
{
	reply->body = NULL;
	reply->body_len = 0;
	reply->later = false;
	if (err >= 0)
		return false;
	api_route__error_reply(reply, route, err);
	return true;
}

void api__added_reply(struct http_reply *reply, int err,
		      const struct api_nvdimm_info *dev)
{
	struct json_object *o;

	if (later_failed(reply, "vm.add-nvdimm", err))
		return;
	o = json_object_new_object();
	if (!o || api_json__add(o, "id", api_json__string(dev->id, sizeof(dev->id))) ||
	    api_json__add(o, "slot", json_object_new_uint64(dev->slot)) ||
	    api_json__add(o, "drc_index", json_object_new_uint64(dev->drc_index)) ||
	    api_json__add(o, "region_size", json_object_new_uint64(dev->size)) ||
	    api_json__add(o, "label_size", json_object_new_uint64(dev->label_size)) ||
	    api_json__add(o, "uuid", api_json__string(dev->uuid, sizeof(dev->uuid))) ||
	    api_json__add(o, "file", api_json__string(dev->file, sizeof(dev->file)))) {
		json_object_put(o);
		api_route__error_reply(reply, "vm.add-nvdimm", -ENOMEM);
		return;
	}
	err = api_json__reply(reply, 200, o);
	if (err)
		api_route__error_reply(reply, "vm.add-nvdimm", err);
}

void api__removed_reply(struct http_reply *reply, int err)
{
	if (!later_failed(reply, "vm.remove-device", err))
		reply->status = 204;
}
