/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the control API's route tests share: a fake VM behind struct
 * api_vm_ops (a state machine for pause, resume and shutdown, an info
 * record and counter sets the test fills, and a switch that makes every op
 * fail with a chosen errno), requests sent through api__handle, and the
 * replies parsed back strictly with json-c.
 */
#ifndef LKVM_TEST_API_FIXTURE_H
#define LKVM_TEST_API_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "lkvm/api.h"
#include "lkvm/http.h"
#include "lkvm/util.h"

#define MAX_TEST_SETS	(LKVM_MAX_CPUS + LKVM_MAX_NVDIMMS + 1)

struct fake_vm {
	enum api_vm_state state;
	bool shutdown_while_paused;	/* the fake's rule for vm.shutdown */
	int fail;			/* every op fails with this errno */
	bool fail_silently;		/* ... without setting a message */
	unsigned int pauses, resumes, shutdowns, vmm_shutdowns;
	unsigned int timeout_s;		/* the last shutdown's */
	struct api_vm_info info;
	struct api_counter_set sets[MAX_TEST_SETS];
	int nr_sets;			/* what counters returns */
	/* hot-plug: the last request the VM was given, and its later */
	unsigned int adds, removes;
	struct api_nvdimm_add add;
	char remove_id[API_DEVICE_ID_MAX + 1];
	unsigned int remove_timeout_s;
	struct http_later later;
};

static struct fake_vm *fake;

/* what every op returns while fake->fail is set */
static inline int fake_failure(void)
{
	if (fake->fail_silently)
		return fake->fail;
	return lkvm__fail(fake->fail, "the fake VM says no");
}

static inline int fake_info(void *ctx, struct api_vm_info *out)
{
	struct fake_vm *vm = ctx;

	*out = vm->info;
	out->state = vm->state;
	return vm->fail ? fake_failure() : 0;
}

/* pause and resume: @from to @to, or the error a VM gives */
static inline int fake_change(struct fake_vm *vm, enum api_vm_state from,
			      enum api_vm_state to, unsigned int *count)
{
	if (vm->fail)
		return fake_failure();
	if (vm->state == API_VM_SHUTDOWN)
		return lkvm__fail(-ESHUTDOWN, "the VM is shut down");
	if (vm->state != from)
		return lkvm__fail(-EALREADY, "the VM is %s already",
				  to == API_VM_PAUSED ? "paused" : "running");
	vm->state = to;
	(*count)++;
	return 0;
}

static inline int fake_pause(void *ctx)
{
	struct fake_vm *vm = ctx;

	return fake_change(vm, API_VM_RUNNING, API_VM_PAUSED, &vm->pauses);
}

static inline int fake_resume(void *ctx)
{
	struct fake_vm *vm = ctx;

	return fake_change(vm, API_VM_PAUSED, API_VM_RUNNING, &vm->resumes);
}

static inline int fake_shutdown(void *ctx, unsigned int timeout_s)
{
	struct fake_vm *vm = ctx;

	if (vm->fail)
		return fake_failure();
	if (vm->state == API_VM_PAUSED && !vm->shutdown_while_paused)
		return lkvm__fail(-EBUSY, "the VM is paused: resume it first");
	vm->state = API_VM_SHUTDOWN;
	vm->timeout_s = timeout_s;
	vm->shutdowns++;
	return 0;
}

static inline int fake_vmm_shutdown(void *ctx)
{
	struct fake_vm *vm = ctx;

	if (vm->fail)
		return fake_failure();
	vm->vmm_shutdowns++;
	return 0;
}

static inline int fake_counters(void *ctx, struct api_counter_set *sets,
				unsigned int max)
{
	struct fake_vm *vm = ctx;
	int i;

	if (vm->fail)
		return fake_failure();
	/* a VM that claims more than it was given room for copies no more */
	for (i = 0; i < vm->nr_sets && (unsigned int)i < max; i++)
		sets[i] = vm->sets[i];
	return vm->nr_sets;
}

static inline int fake_add_nvdimm(void *ctx, const struct api_nvdimm_add *req,
				  const struct http_later *later)
{
	struct fake_vm *vm = ctx;

	if (vm->fail)
		return fake_failure();
	vm->adds++;
	vm->add = *req;
	vm->later = *later;
	return 0;
}

static inline int fake_remove_device(void *ctx, const char *id,
				     unsigned int timeout_s,
				     const struct http_later *later)
{
	struct fake_vm *vm = ctx;

	if (vm->fail)
		return fake_failure();
	vm->removes++;
	snprintf(vm->remove_id, sizeof(vm->remove_id), "%s", id);
	vm->remove_timeout_s = timeout_s;
	vm->later = *later;
	return 0;
}

/* The server's side of a later answer: what it was given, once. */
static struct {
	unsigned int answers;
	uint64_t token;
	struct http_reply reply;
} fake_server;

static inline void fake_answer(void *server, uint64_t token,
			       struct http_reply *reply)
{
	assert_ptr_equal(server, &fake_server);
	fake_server.answers++;
	fake_server.token = token;
	fake_server.reply = *reply;
}

static const struct http_later fake_later = {
	.answer = fake_answer, .server = &fake_server, .token = 42,
};

static const struct api_vm_ops fake_ops = {
	.info = fake_info,
	.pause = fake_pause,
	.resume = fake_resume,
	.shutdown = fake_shutdown,
	.vmm_shutdown = fake_vmm_shutdown,
	.counters = fake_counters,
	.add_nvdimm = fake_add_nvdimm,
	.remove_device = fake_remove_device,
};

static inline int fake_setup(void **state)
{
	(void)state;
	fake = calloc(1, sizeof(*fake));
	return fake ? 0 : -1;
}

static inline int fake_teardown(void **state)
{
	(void)state;
	free(fake);
	fake = NULL;
	return 0;
}

/* Send one request to api__handle with @ops; returns the status. */
static inline int send_with(const struct api_vm_ops *ops, enum http_method method,
			    const char *path, const char *body, size_t len,
			    struct http_reply *reply)
{
	struct http_request req = { .method = method, .body = body,
				    .body_len = len };

	snprintf(req.path, sizeof(req.path), "%s", path);
	api__handle(ops, fake, &req, reply, &fake_later);
	return reply->status;
}

/* Parse a reply body back, as strictly as a client could. */
static inline struct json_object *parse_strictly(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;

	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	if (!obj)
		fail_msg("reply is not JSON (%s): %.*s",
			 json_tokener_error_desc(json_tokener_get_error(tok)),
			 (int)(len < 200 ? len : 200), text);
	assert_int_equal(json_tokener_get_parse_end(tok), len);
	json_tokener_free(tok);
	return obj;
}

/*
 * A request whose reply must be @status with a JSON body; returns the body
 * parsed (the caller puts it). @body may be NULL.
 */
static inline struct json_object *request_json(enum http_method method,
					       const char *path, const char *body,
					       int status)
{
	struct http_reply reply;
	struct json_object *obj;

	assert_int_equal(send_with(&fake_ops, method, path, body,
				   body ? strlen(body) : 0, &reply), status);
	assert_non_null(reply.body);
	assert_int_equal(strlen(reply.body), reply.body_len);
	obj = parse_strictly(reply.body, reply.body_len);
	free(reply.body);
	return obj;
}

/* A request whose reply must be 204, with no body. */
static inline void request_no_content(enum http_method method, const char *path,
				      const char *body)
{
	struct http_reply reply;

	assert_int_equal(send_with(&fake_ops, method, path, body,
				   body ? strlen(body) : 0, &reply), 204);
	assert_null(reply.body);
	assert_int_equal(reply.body_len, 0);
}

/* @obj's member @key, which must exist and be of @type */
static inline struct json_object *member(struct json_object *obj,
					 const char *key, json_type type)
{
	struct json_object *val = NULL;

	if (!json_object_object_get_ex(obj, key, &val))
		fail_msg("no member \"%s\" in %s", key,
			 json_object_to_json_string(obj));
	if (!json_object_is_type(val, type))
		fail_msg("member \"%s\" is %s, not %s", key,
			 json_type_to_name(json_object_get_type(val)),
			 json_type_to_name(type));
	return val;
}

static inline const char *member_string(struct json_object *obj, const char *key)
{
	const char *s = json_object_get_string(member(obj, key, json_type_string));

	assert_non_null(s);
	return s;
}

static inline uint64_t member_uint(struct json_object *obj, const char *key)
{
	return json_object_get_uint64(member(obj, key, json_type_int));
}

/*
 * An error reply of the documented shape, exactly:
 * {"error": {"code": @code, "message": "... @fragment ..."}}
 */
static inline void check_error_body(struct json_object *obj, const char *code,
				    const char *fragment)
{
	struct json_object *error = member(obj, "error", json_type_object);
	const char *message = member_string(error, "message");

	assert_int_equal(json_object_object_length(obj), 1);
	assert_int_equal(json_object_object_length(error), 2);
	assert_string_equal(member_string(error, "code"), code);
	if (!strstr(message, fragment))
		fail_msg("message '%s' does not mention '%s'", message, fragment);
}

/* A request with a body of @len bytes that must fail with @status. */
static inline void expect_api_error_len(enum http_method method, const char *path,
					const char *body, size_t len, int status,
					const char *code, const char *fragment)
{
	struct http_reply reply;
	struct json_object *obj;

	assert_int_equal(send_with(&fake_ops, method, path, body, len, &reply),
			 status);
	assert_non_null(reply.body);
	obj = parse_strictly(reply.body, reply.body_len);
	check_error_body(obj, code, fragment);
	json_object_put(obj);
	free(reply.body);
}

static inline void expect_api_error(enum http_method method, const char *path,
				    const char *body, int status, const char *code,
				    const char *fragment)
{
	expect_api_error_len(method, path, body, body ? strlen(body) : 0, status,
			     code, fragment);
}

#endif
