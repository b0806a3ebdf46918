/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_ROUTES_INTERNAL_H
#define LKVM_API_ROUTES_INTERNAL_H

#include "lkvm/api.h"
#include "json-internal.h"

/* One request on its way through a route (api/routes.c). */
struct api_call {
	const char *name;		/* the route's, "vm.info" */
	const struct api_vm_ops *ops;
	void *ctx;
	struct json_object *body;	/* the request's object, or NULL */
	struct http_reply *reply;	/* filled on success */
	const struct http_later *later;	/* the server's, or NULL */
};

/*
 * A route's work: fill call->reply and return 0, or return a negative
 * errno with a message (lkvm__fail), which api__handle turns into the
 * error reply.
 */
typedef int api_serve_fn(const struct api_call *call);

/* -EOPNOTSUPP: the VM offers no op for this route */
int api_route__unavailable(const struct api_call *call);

/* the VM's state as JSON (api/routes-vm.c) */
api_serve_fn api_route__info;
api_serve_fn api_route__counters;

/* hot-plug (api/routes-hotplug.c) */
api_serve_fn api_route__add_nvdimm;
api_serve_fn api_route__remove_device;

/* @err's error reply, its message lkvm__last_error() (api/routes.c) */
void api_route__error_reply(struct http_reply *reply, const char *name, int err);

#endif
