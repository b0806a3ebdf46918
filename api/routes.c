// SPDX-License-Identifier: GPL-2.0
/*
 * The control API's routes: a request's path and method pick one
 * operation, its body is checked, the VM's op runs, and the result or the
 * errno becomes the reply. Paths match exactly, byte for byte: no
 * normalisation, so no "..", query string, double slash or other case can
 * reach an operation by another name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/api.h"
#include "lkvm/util.h"
#include "routes-internal.h"

#ifndef LKVM_VERSION
#define LKVM_VERSION "unknown"
#endif

struct api_route {
	const char *name;		/* under API_PREFIX */
	enum http_method method;
	bool takes_body;		/* an optional JSON object */
	api_serve_fn *serve;
};

int api_route__unavailable(const struct api_call *call)
{
	return lkvm__fail(-EOPNOTSUPP, "%s is not available in this VMM",
			  call->name);
}

/* an op's answer where success has no body */
static int no_content(const struct api_call *call, int ret)
{
	if (ret < 0)
		return ret;
	call->reply->status = 204;
	return 0;
}

static int serve_ping(const struct api_call *call)
{
	const struct api_vm_ops *ops = call->ops;
	const struct {
		const char *name;
		bool present;
	} features[] = {
		{ "info", ops->info != NULL },
		{ "pause", ops->pause != NULL },
		{ "resume", ops->resume != NULL },
		{ "shutdown", ops->shutdown != NULL },
		{ "counters", ops->counters != NULL },
		{ "hotplug", ops->add_nvdimm && ops->remove_device },
	};
	struct json_object *top = json_object_new_object(), *list;
	size_t i;

	if (!top || api_json__add(top, "version",
				  json_object_new_string(API_VERSION)) ||
	    api_json__add(top, "build_version",
			  json_object_new_string(LKVM_VERSION)) ||
	    api_json__add(top, "pid", json_object_new_int64(getpid())) ||
	    api_json__add(top, "features", list = json_object_new_array()))
		goto nomem;
	for (i = 0; i < ARRAY_SIZE(features); i++)
		if (features[i].present &&
		    api_json__append(list, json_object_new_string(features[i].name)))
			goto nomem;
	return api_json__reply(call->reply, 200, top);
nomem:
	json_object_put(top);
	return -ENOMEM;
}

static int serve_pause(const struct api_call *call)
{
	if (!call->ops->pause)
		return api_route__unavailable(call);
	return no_content(call, call->ops->pause(call->ctx));
}

static int serve_resume(const struct api_call *call)
{
	if (!call->ops->resume)
		return api_route__unavailable(call);
	return no_content(call, call->ops->resume(call->ctx));
}

static int serve_shutdown(const struct api_call *call)
{
	uint64_t timeout_s = API_SHUTDOWN_TIMEOUT_DEFAULT;
	const struct api_field fields[] = {
		{ .name = "timeout_s", .kind = API_FIELD_UINT,
		  .max = API_SHUTDOWN_TIMEOUT_MAX, .out.u = &timeout_s },
	};
	int err;

	if (!call->ops->shutdown)
		return api_route__unavailable(call);
	if (call->body) {
		err = api_json__take_fields(call->name, call->body, fields,
					    ARRAY_SIZE(fields));
		if (err)
			return err;
	}
	return no_content(call, call->ops->shutdown(call->ctx,
						    (unsigned int)timeout_s));
}

static int serve_vmm_shutdown(const struct api_call *call)
{
	if (!call->ops->vmm_shutdown)
		return api_route__unavailable(call);
	return no_content(call, call->ops->vmm_shutdown(call->ctx));
}

static const struct api_route routes[] = {
	{ "vmm.ping", HTTP_METHOD_GET, false, serve_ping },
	{ "vmm.shutdown", HTTP_METHOD_PUT, false, serve_vmm_shutdown },
	{ "vm.info", HTTP_METHOD_GET, false, api_route__info },
	{ "vm.pause", HTTP_METHOD_PUT, false, serve_pause },
	{ "vm.resume", HTTP_METHOD_PUT, false, serve_resume },
	{ "vm.shutdown", HTTP_METHOD_PUT, true, serve_shutdown },
	{ "vm.counters", HTTP_METHOD_GET, false, api_route__counters },
	{ "vm.add-nvdimm", HTTP_METHOD_PUT, true, api_route__add_nvdimm },
	{ "vm.remove-device", HTTP_METHOD_PUT, true, api_route__remove_device },
};

const char *api__route_name(unsigned int i, enum http_method *method)
{
	if (i >= ARRAY_SIZE(routes))
		return NULL;
	*method = routes[i].method;
	return routes[i].name;
}

static const struct api_route *route_find(const char *path)
{
	size_t prefix = strlen(API_PREFIX), i;

	if (strncmp(path, API_PREFIX, prefix))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(routes); i++)
		if (!strcmp(path + prefix, routes[i].name))
			return &routes[i];
	return NULL;
}

/*
 * The status and the error code for an errno, as api.h states the mapping;
 * the codes are documented in docs/control-api.md and openapi.yaml.
 */
static const struct api_status {
	int err;
	int status;
	const char *code;
} statuses[] = {
	{ -EINVAL, 400, "BadRequest" },
	{ -ENOENT, 404, "NotFound" },
	{ -EALREADY, 405, "WrongState" },
	{ -ESHUTDOWN, 405, "WrongState" },
	{ -EBUSY, 405, "WrongState" },
	{ -EEXIST, 409, "Conflict" },
	{ -EINPROGRESS, 409, "Conflict" },
	{ -ENOSPC, 409, "Conflict" },
	{ -EOPNOTSUPP, 501, "NotImplemented" },
	{ -ETIMEDOUT, 504, "Timeout" },
};

void api_route__error_reply(struct http_reply *reply, const char *name, int err)
{
	const char *message = lkvm__last_error();
	int status = 500;
	const char *code = "InternalError";
	char text[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(statuses); i++) {
		if (statuses[i].err == err) {
			status = statuses[i].status;
			code = statuses[i].code;
			break;
		}
	}
	/*
	 * api__handle cleared the message before the call: a failure that
	 * set none (lkvm__last_error's stand-in) is told by its errno
	 */
	if (!strcmp(message, "unknown error")) {
		snprintf(text, sizeof(text), "%s: %s", name, strerror(-err));
		message = text;
	}
	api_json__error_reply(reply, status, code, message);
}

static const char *method_name(enum http_method method)
{
	return method == HTTP_METHOD_GET ? "GET" : "PUT";
}

void api__handle(const struct api_vm_ops *ops, void *ctx,
		 const struct http_request *req, struct http_reply *reply,
		 const struct http_later *later)
{
	struct api_call call = { .ops = ops, .ctx = ctx, .reply = reply,
				 .later = later };
	const struct api_route *route = NULL;
	int err;

	reply->status = 500;
	reply->body = NULL;
	reply->body_len = 0;
	reply->later = false;
	lkvm__clear_error();

	if (memchr(req->path, '\0', sizeof(req->path)))
		route = route_find(req->path);
	if (!route) {
		err = lkvm__fail(-ENOENT, "no operation at %.*s",
				 (int)sizeof(req->path), req->path);
		api_route__error_reply(reply, "", err);
		return;
	}
	call.name = route->name;
	if (req->method != route->method) {
		lkvm__fail(-EINVAL, "%s takes %s only", route->name,
			   method_name(route->method));
		api_json__error_reply(reply, 405, "MethodNotAllowed",
				      lkvm__last_error());
		return;
	}

	err = 0;
	if (req->body_len && !route->takes_body)
		err = lkvm__fail(-EINVAL, "%s takes no body", route->name);
	else if (req->body_len)
		err = api_json__parse_object(route->name, req->body,
					     req->body_len, &call.body);
	if (!err)
		err = route->serve(&call);
	json_object_put(call.body);
	if (err < 0)
		api_route__error_reply(reply, route->name, err);
}
