// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the control API's routes (api__handle), as a hostile
 * client and a VM with strange strings reach them. The input: one byte
 * picks the method, then the path up to a newline, then the body; the
 * same bytes fill the VM's strings (its name, kernel path, a vNVDIMM's
 * file, counter names). Whatever comes in, a reply with a body must be
 * strict JSON within the bound, and the status one the API documents.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lkvm/api.h"

static const uint8_t *input;
static size_t input_len;
static int paused;

/* @size bytes of the input from @skip on, NUL-terminated only if short */
static void fill(char *dst, size_t size, size_t skip)
{
	size_t n = input_len > skip ? input_len - skip : 0;

	memset(dst, 0, size);
	memcpy(dst, input + skip, n < size ? n : size);
}

static int fuzz_info(void *ctx, struct api_vm_info *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	fill(out->name, sizeof(out->name), 0);
	fill(out->kernel, sizeof(out->kernel), 1);
	fill(out->cmdline, sizeof(out->cmdline), 2);
	out->state = input_len ? input[0] % 3 : 0;
	out->memory = UINT64_MAX;
	out->vcpus = 1;
	out->nr_nvdimms = 1;
	fill(out->nvdimm[0].file, sizeof(out->nvdimm[0].file), 3);
	fill(out->nvdimm[0].uuid, sizeof(out->nvdimm[0].uuid), 4);
	out->nvdimm[0].backing = input_len > 1 ? input[1] % 3 : 0;
	return 0;
}

static int fuzz_pause(void *ctx)
{
	(void)ctx;
	return paused++ ? -EALREADY : 0;
}

static int fuzz_resume(void *ctx)
{
	(void)ctx;
	if (!paused)
		return -EALREADY;
	paused = 0;
	return 0;
}

static int fuzz_shutdown(void *ctx, unsigned int timeout_s)
{
	(void)ctx;
	return timeout_s > API_SHUTDOWN_TIMEOUT_MAX ? -1 : 0;
}

static int fuzz_vmm_shutdown(void *ctx)
{
	(void)ctx;
	return -ETIMEDOUT;
}

static int fuzz_counters(void *ctx, struct api_counter_set *sets, unsigned int max)
{
	unsigned int i;

	(void)ctx;
	for (i = 0; i < 2 && i < max; i++) {
		fill(sets[i].id, sizeof(sets[i].id), i);
		sets[i].nr = 2;
		fill(sets[i].c[0].name, sizeof(sets[i].c[0].name), 5 + i);
		fill(sets[i].c[1].name, sizeof(sets[i].c[1].name), 7 + i);
		sets[i].c[1].value = UINT64_MAX;
	}
	return (int)i;
}

/* What reaches the VM passed the route's checks: a broken one aborts. */
static int fuzz_add_nvdimm(void *ctx, const struct api_nvdimm_add *req,
			   const struct http_later *later)
{
	(void)ctx;
	if (req->cfg.path[0] != '/' || !memchr(req->cfg.path, 0, sizeof(req->cfg.path)) ||
	    req->slot >= LKVM_MAX_NVDIMMS || req->timeout_s > API_HOTPLUG_TIMEOUT_MAX ||
	    req->cfg.size % NVDIMM_BLOCK_SIZE || req->cfg.label_size < NVDIMM_MIN_LABEL_SIZE ||
	    strspn(req->id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789._-") != strlen(req->id) || !later)
		abort();
	return req->slot == 3 ? -EEXIST : 0;
}

static int fuzz_remove_device(void *ctx, const char *id, unsigned int timeout_s,
			      const struct http_later *later)
{
	(void)ctx;
	if (!id[0] || strlen(id) > API_DEVICE_ID_MAX ||
	    timeout_s > API_HOTPLUG_TIMEOUT_MAX || !later)
		abort();
	return id[0] == 'x' ? -ENOENT : 0;
}

static void fuzz_answer(void *server, uint64_t token, struct http_reply *reply)
{
	(void)server;
	(void)token;
	(void)reply;
	abort();	/* only the VM answers later, and this one never does */
}

static const struct http_later fuzz_later = { .answer = fuzz_answer };

static const struct api_vm_ops fuzz_ops = {
	.info = fuzz_info,
	.pause = fuzz_pause,
	.resume = fuzz_resume,
	.shutdown = fuzz_shutdown,
	.vmm_shutdown = fuzz_vmm_shutdown,
	.counters = fuzz_counters,
	.add_nvdimm = fuzz_add_nvdimm,
	.remove_device = fuzz_remove_device,
};

static void check_reply(const struct http_reply *reply)
{
	static const int documented[] = { 200, 204, 400, 404, 405, 409, 500,
					  501, 504 };
	struct json_tokener *tok;
	struct json_object *obj;
	size_t i;

	/* taken to answer later: nothing is said now */
	if (reply->later) {
		if (reply->body)
			abort();
		return;
	}
	for (i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		if (reply->status == documented[i])
			break;
	if (i == sizeof(documented) / sizeof(documented[0]))
		abort();
	if (reply->status == 204) {
		if (reply->body)
			abort();
		return;
	}
	if (!reply->body || reply->body_len > HTTP_MAX_REPLY_BODY)
		abort();
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, reply->body, (int)reply->body_len);
	if (!json_object_is_type(obj, json_type_object) ||
	    json_tokener_get_parse_end(tok) != reply->body_len)
		abort();
	json_object_put(obj);
	json_tokener_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum http_method methods[] = {
		HTTP_METHOD_GET, HTTP_METHOD_PUT, HTTP_METHOD_OTHER,
	};
	struct http_request req = { .method = HTTP_METHOD_GET };
	struct http_reply reply;
	const uint8_t *nl;
	size_t line, path_len;
	char *body;

	input = data;
	input_len = size;
	if (size) {
		req.method = methods[data[0] % 3];
		data++, size--;
	}
	nl = memchr(data, '\n', size);
	line = nl ? (size_t)(nl - data) : size;
	path_len = line < HTTP_MAX_PATH ? line : HTTP_MAX_PATH;
	memcpy(req.path, data, path_len);
	line += nl ? 1 : 0;
	data += line;
	size -= line;
	/* as the HTTP layer hands it over: a copy, NUL-terminated */
	body = malloc(size + 1);
	memcpy(body, data, size);
	body[size] = '\0';
	req.body = body;
	req.body_len = size;

	api__handle(&fuzz_ops, NULL, &req, &reply, &fuzz_later);
	check_reply(&reply);
	free(reply.body);
	free(body);
	return 0;
}
