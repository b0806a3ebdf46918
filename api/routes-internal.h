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

#endif
