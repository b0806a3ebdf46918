// SPDX-License-Identifier: GPL-2.0
/*
 * The control API's routes (api/routes.c) against a fake VM: ping, pause,
 * resume, both shutdowns, the errno to status mapping, and what a hostile
 * client sends: odd paths, wrong methods, bodies where none belong, and
 * bodies that are not what vm.shutdown takes.
 */
#include <unistd.h>

#include "api-fixture.h"

#define GET	HTTP_METHOD_GET
#define PUT	HTTP_METHOD_PUT

static void test_ping(void **state)
{
	struct json_object *obj, *features;
	static const char *const all[] = {
		"info", "pause", "resume", "shutdown", "counters", "hotplug",
	};
	size_t i;

	(void)state;
	obj = request_json(GET, "/api/v1/vmm.ping", NULL, 200);
	assert_string_equal(member_string(obj, "version"), API_VERSION);
	assert_non_null(member_string(obj, "build_version"));
	assert_int_equal(member_uint(obj, "pid"), getpid());
	features = member(obj, "features", json_type_array);
	assert_int_equal(json_object_array_length(features), ARRAY_SIZE(all));
	for (i = 0; i < ARRAY_SIZE(all); i++)
		assert_string_equal(json_object_get_string(
				json_object_array_get_idx(features, i)), all[i]);
	assert_int_equal(json_object_object_length(obj), 4);
	json_object_put(obj);
}

/* a VM without an op: ping leaves the feature out, the route says 501 */
static void test_missing_ops(void **state)
{
	struct api_vm_ops ops = fake_ops;
	struct json_object *obj, *features;
	struct http_reply reply;
	size_t i;

	(void)state;
	ops.counters = NULL;
	ops.pause = NULL;
	ops.vmm_shutdown = NULL;
	ops.remove_device = NULL;	/* hot-plug is both or nothing */
	assert_int_equal(send_with(&ops, GET, "/api/v1/vmm.ping", NULL, 0,
				   &reply), 200);
	obj = parse_strictly(reply.body, reply.body_len);
	features = member(obj, "features", json_type_array);
	assert_int_equal(json_object_array_length(features), 3);
	for (i = 0; i < 3; i++) {
		const char *f = json_object_get_string(
			json_object_array_get_idx(features, i));

		assert_string_not_equal(f, "counters");
		assert_string_not_equal(f, "pause");
		assert_string_not_equal(f, "hotplug");
	}
	json_object_put(obj);
	free(reply.body);

	assert_int_equal(send_with(&ops, GET, "/api/v1/vm.counters", NULL, 0,
				   &reply), 501);
	obj = parse_strictly(reply.body, reply.body_len);
	check_error_body(obj, "NotImplemented", "vm.counters is not available");
	json_object_put(obj);
	free(reply.body);
	assert_int_equal(send_with(&ops, PUT, "/api/v1/vm.pause", NULL, 0,
				   &reply), 501);
	free(reply.body);
	assert_int_equal(send_with(&ops, PUT, "/api/v1/vmm.shutdown", NULL, 0,
				   &reply), 501);
	free(reply.body);
	assert_int_equal(send_with(&ops, PUT, "/api/v1/vm.remove-device",
				   "{\"id\":\"a\"}", 10, &reply), 501);
	free(reply.body);
	assert_int_equal(fake->pauses, 0);
}

static void test_pause_resume(void **state)
{
	(void)state;
	request_no_content(PUT, "/api/v1/vm.pause", NULL);
	assert_int_equal(fake->state, API_VM_PAUSED);
	expect_api_error(PUT, "/api/v1/vm.pause", NULL, 405, "WrongState",
			 "the VM is paused already");
	request_no_content(PUT, "/api/v1/vm.resume", NULL);
	assert_int_equal(fake->state, API_VM_RUNNING);
	expect_api_error(PUT, "/api/v1/vm.resume", NULL, 405, "WrongState",
			 "the VM is running already");
	assert_int_equal(fake->pauses, 1);
	assert_int_equal(fake->resumes, 1);
	/* a stopped VM neither pauses nor resumes */
	fake->state = API_VM_SHUTDOWN;
	expect_api_error(PUT, "/api/v1/vm.pause", NULL, 405, "WrongState",
			 "shut down");
	expect_api_error(PUT, "/api/v1/vm.resume", NULL, 405, "WrongState",
			 "shut down");
}

static void test_shutdown(void **state)
{
	(void)state;
	request_no_content(PUT, "/api/v1/vm.shutdown", NULL);
	assert_int_equal(fake->timeout_s, API_SHUTDOWN_TIMEOUT_DEFAULT);

	fake->state = API_VM_RUNNING;
	request_no_content(PUT, "/api/v1/vm.shutdown", "{\"timeout_s\": 5}");
	assert_int_equal(fake->timeout_s, 5);
	/* the bounds themselves, and a body that is an empty object */
	fake->state = API_VM_RUNNING;
	request_no_content(PUT, "/api/v1/vm.shutdown", "{\"timeout_s\":0}");
	assert_int_equal(fake->timeout_s, 0);
	fake->state = API_VM_RUNNING;
	request_no_content(PUT, "/api/v1/vm.shutdown", " {\"timeout_s\":3600}\r\n");
	assert_int_equal(fake->timeout_s, 3600);
	fake->state = API_VM_RUNNING;
	request_no_content(PUT, "/api/v1/vm.shutdown", "{}");
	assert_int_equal(fake->timeout_s, API_SHUTDOWN_TIMEOUT_DEFAULT);
	assert_int_equal(fake->shutdowns, 5);
}

/* Content-Length: 0 is no body: a non-NULL empty body is fine too */
static void test_shutdown_empty_body(void **state)
{
	struct http_reply reply;

	(void)state;
	fake->timeout_s = 99;
	assert_int_equal(send_with(&fake_ops, PUT, "/api/v1/vm.shutdown", "", 0,
				   &reply), 204);
	assert_null(reply.body);
	assert_int_equal(fake->timeout_s, API_SHUTDOWN_TIMEOUT_DEFAULT);
	/* and so on routes that take none */
	fake->state = API_VM_RUNNING;
	assert_int_equal(send_with(&fake_ops, PUT, "/api/v1/vm.pause", "", 0,
				   &reply), 204);
}

/* whether a paused VM may shut down is the VM's to say */
static void test_shutdown_while_paused(void **state)
{
	(void)state;
	fake->state = API_VM_PAUSED;
	expect_api_error(PUT, "/api/v1/vm.shutdown", NULL, 405, "WrongState",
			 "resume it first");
	assert_int_equal(fake->shutdowns, 0);
	fake->shutdown_while_paused = true;
	request_no_content(PUT, "/api/v1/vm.shutdown", "{\"timeout_s\": 1}");
	assert_int_equal(fake->shutdowns, 1);
	assert_int_equal(fake->state, API_VM_SHUTDOWN);
}

static void test_vmm_shutdown(void **state)
{
	(void)state;
	request_no_content(PUT, "/api/v1/vmm.shutdown", NULL);
	assert_int_equal(fake->vmm_shutdowns, 1);
	expect_api_error(PUT, "/api/v1/vmm.shutdown", "{}", 400, "BadRequest",
			 "vmm.shutdown takes no body");
	assert_int_equal(fake->vmm_shutdowns, 1);
}

/* the mapping api.h states, with the VM's own message */
static void test_errno_mapping(void **state)
{
	static const struct {
		int err, status;
		const char *code;
	} map[] = {
		{ -EALREADY, 405, "WrongState" },
		{ -ESHUTDOWN, 405, "WrongState" },
		{ -EBUSY, 405, "WrongState" },
		{ -ENOENT, 404, "NotFound" },
		{ -EEXIST, 409, "Conflict" },
		{ -EINVAL, 400, "BadRequest" },
		{ -EOPNOTSUPP, 501, "NotImplemented" },
		{ -ETIMEDOUT, 504, "Timeout" },
		{ -EIO, 500, "InternalError" },
		{ -ENOMEM, 500, "InternalError" },
		{ -EPERM, 500, "InternalError" },
	};
	static const struct {
		enum http_method method;
		const char *path;
	} ops[] = {
		{ GET, "/api/v1/vm.info" },
		{ PUT, "/api/v1/vm.pause" },
		{ PUT, "/api/v1/vm.resume" },
		{ PUT, "/api/v1/vm.shutdown" },
		{ PUT, "/api/v1/vmm.shutdown" },
		{ GET, "/api/v1/vm.counters" },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(map); i++) {
		fake->fail = map[i].err;
		for (j = 0; j < ARRAY_SIZE(ops); j++)
			expect_api_error(ops[j].method, ops[j].path, NULL,
					 map[i].status, map[i].code,
					 "the fake VM says no");
	}
}

/* a VM that fails without a message: the errno speaks for it */
static void test_error_without_message(void **state)
{
	(void)state;
	lkvm__fail(-EIO, "stale text from an earlier failure");
	fake->fail = -ETIMEDOUT;
	fake->fail_silently = true;
	expect_api_error(PUT, "/api/v1/vm.pause", NULL, 504, "Timeout",
			 "vm.pause: Connection timed out");
}

static void test_unknown_paths(void **state)
{
	static const char *const paths[] = {
		"/api/v1/vm.info/../vm.pause", "/api/v1/vm.info/..",
		"/api/v1/vm.info?x", "/api/v1/vm.info?", "/api/v1/vm.info#x",
		"/api/v1//vm.info", "//api/v1/vm.info", "/api//v1/vm.info",
		"/API/V1/vm.info", "/api/v1/VM.INFO", "/api/v1/vm.Info",
		"/api/v1/vm.info/", "/api/v1/vm.inf", "/api/v1/vm.infoo",
		"/api/v1/vm.info ", " /api/v1/vm.info", "/api/v1/vm.info%00",
		"/api/v1/vm%2einfo", "/api/v1/./vm.info", "/api/v1/", "/api/v1",
		"/", "", "vm.info", "api/v1/vm.info", "/api/v2/vm.info",
		"/api/v1/vm.add-pmem", "/api/v1/vmm.ping.", "/api/v1/vm.info\t",
		"/api/v1/\xff",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		expect_api_error(GET, paths[i], NULL, 404, "NotFound",
				 "no operation at");
		expect_api_error(PUT, paths[i], "{}", 404, "NotFound", "");
	}
	assert_int_equal(fake->pauses + fake->shutdowns, 0);
}

/* a path that fills the request's array with no NUL finds nothing */
static void test_unterminated_path(void **state)
{
	struct http_request req = { .method = GET };
	struct http_reply reply;

	(void)state;
	memset(req.path, 'a', sizeof(req.path));
	memcpy(req.path, "/api/v1/vm.info", 15);
	api__handle(&fake_ops, fake, &req, &reply, &fake_later);
	assert_int_equal(reply.status, 404);
	free(reply.body);
}

static void test_wrong_method(void **state)
{
	(void)state;
	expect_api_error(PUT, "/api/v1/vm.info", NULL, 405, "MethodNotAllowed",
			 "vm.info takes GET only");
	expect_api_error(PUT, "/api/v1/vmm.ping", NULL, 405, "MethodNotAllowed",
			 "GET");
	expect_api_error(GET, "/api/v1/vm.pause", NULL, 405, "MethodNotAllowed",
			 "vm.pause takes PUT only");
	expect_api_error(GET, "/api/v1/vm.shutdown", NULL, 405,
			 "MethodNotAllowed", "PUT");
	expect_api_error(HTTP_METHOD_OTHER, "/api/v1/vm.counters", NULL, 405,
			 "MethodNotAllowed", "GET");
	expect_api_error(HTTP_METHOD_OTHER, "/api/v1/vmm.shutdown", "{}", 405,
			 "MethodNotAllowed", "PUT");
	assert_int_equal(fake->pauses + fake->shutdowns + fake->vmm_shutdowns, 0);
}

static void test_body_where_none_belongs(void **state)
{
	(void)state;
	expect_api_error(GET, "/api/v1/vm.info", "{}", 400, "BadRequest",
			 "vm.info takes no body");
	expect_api_error(GET, "/api/v1/vmm.ping", "x", 400, "BadRequest",
			 "takes no body");
	expect_api_error(GET, "/api/v1/vm.counters", " ", 400, "BadRequest",
			 "takes no body");
	expect_api_error(PUT, "/api/v1/vm.pause", "{}", 400, "BadRequest",
			 "vm.pause takes no body");
	expect_api_error(PUT, "/api/v1/vm.resume", "{\"a\":1}", 400,
			 "BadRequest", "vm.resume takes no body");
	assert_int_equal(fake->pauses, 0);
}

/* every body vm.shutdown must refuse, and what the refusal names */
static void test_shutdown_bodies_refused(void **state)
{
	static const struct {
		const char *body;
		const char *fragment;
	} bad[] = {
		{ "{\"timeout_s\": 5", "ends inside its JSON" },
		{ "{\"timeout_s\":", "ends inside its JSON" },
		{ "{", "ends inside its JSON" },
		{ "   ", "ends inside its JSON" },
		{ "30", "ends inside its JSON" },
		{ "{\"timeout_s\": 5}}", "invalid JSON" },
		{ "{\"timeout_s\": 5} x", "invalid JSON" },
		{ "{}{}", "invalid JSON" },
		{ "{\"timeout_s\": 5,}", "invalid JSON" },
		{ "{\"timeout_s\": 05}", "invalid JSON" },
		{ "hello", "invalid JSON" },
		{ "\xef\xbb\xbf{}", "invalid JSON" },
		{ "{\"timeout_s\": \"\xff\"}", "not valid UTF-8 (byte 15)" },
		{ "{\"\xc0\xaf\": 1}", "not valid UTF-8 (byte 2)" },
		{ "{\"\xed\xa0\x80\": 1}", "not valid UTF-8" },
		{ "{\"\xf4\x90\x80\x80\": 1}", "not valid UTF-8" },
		{ "{\"\xe2\x82\": 1}", "not valid UTF-8" },
		{ "{\"a\": 1}\x80", "not valid UTF-8" },
		{ "{\"a\":[[[[[[[[[[[[1]]]]]]]]]]]]}", "nesting too deep" },
		{ "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "nesting too deep" },
		{ "[5]", "must be one JSON object" },
		{ "\"timeout_s\"", "must be one JSON object" },
		{ "30 ", "must be one JSON object" },
		{ "null ", "must be one JSON object" },
		{ "true ", "must be one JSON object" },
		{ "{\"timeout\": 5}", "unknown field \"timeout\"" },
		{ "{\"timeout_s\": 5, \"force\": true}", "unknown field \"force\"" },
		{ "{\"TIMEOUT_S\": 5}", "unknown field \"TIMEOUT_S\"" },
		{ "{\"timeout_s\\u0000x\": 5}", "NUL character" },
		{ "{\"timeout_s\": \"5\"}", "field \"timeout_s\" must be an integer from 0 to 3600" },
		{ "{\"timeout_s\": 5.0}", "field \"timeout_s\" must be an integer" },
		{ "{\"timeout_s\": 5e1}", "field \"timeout_s\" must be an integer" },
		{ "{\"timeout_s\": true}", "field \"timeout_s\" must be an integer" },
		{ "{\"timeout_s\": null}", "field \"timeout_s\" must be an integer" },
		{ "{\"timeout_s\": [5]}", "field \"timeout_s\" must be an integer" },
		{ "{\"timeout_s\": {}}", "field \"timeout_s\" must be an integer" },
		{ "{\"timeout_s\": -1}", "from 0 to 3600" },
		{ "{\"timeout_s\": 3601}", "from 0 to 3600" },
		{ "{\"timeout_s\": 4294967301}", "from 0 to 3600" },
		{ "{\"timeout_s\": 9223372036854775807}", "from 0 to 3600" },
		{ "{\"timeout_s\": 18446744073709551621}", "from 0 to 3600" },
		{ "{\"timeout_s\": 99999999999999999999999999}", "from 0 to 3600" },
		{ "{\"timeout_s\": -99999999999999999999999999}", "from 0 to 3600" },
		{ "{\"timeout_s\": 1e999}", "must be an integer" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_api_error(PUT, "/api/v1/vm.shutdown", bad[i].body, 400,
				 "BadRequest", bad[i].fragment);
	/* a NUL byte inside the body, before what looks like its end */
	expect_api_error_len(PUT, "/api/v1/vm.shutdown", "{}\0{}", 5, 400,
			     "BadRequest", "NUL character");
	/* an escaped backslash before u0000 is only text, not a NUL */
	expect_api_error(PUT, "/api/v1/vm.shutdown", "{\"a\\\\u0000\": 1}", 400,
			 "BadRequest", "unknown field \"a\\u0000\"");
	assert_int_equal(fake->shutdowns, 0);
	assert_int_equal(fake->state, API_VM_RUNNING);
}

/* the error text stays one line whatever the client sent */
static void test_error_message_escaped(void **state)
{
	struct json_object *obj, *error;

	(void)state;
	obj = request_json(PUT, "/api/v1/vm.shutdown",
			   "{\"a\\nb\\\"c\\u00e9\": 1}", 400);
	error = member(obj, "error", json_type_object);
	assert_null(strchr(member_string(error, "message"), '\n'));
	assert_non_null(strstr(member_string(error, "message"), "a\\nb\"c"));
	json_object_put(obj);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)
	const struct CMUnitTest tests[] = {
		T(test_ping),
		T(test_missing_ops),
		T(test_pause_resume),
		T(test_shutdown),
		T(test_shutdown_empty_body),
		T(test_shutdown_while_paused),
		T(test_vmm_shutdown),
		T(test_errno_mapping),
		T(test_error_without_message),
		T(test_unknown_paths),
		T(test_unterminated_path),
		T(test_wrong_method),
		T(test_body_where_none_belongs),
		T(test_shutdown_bodies_refused),
		T(test_error_message_escaped),
	};

	return cmocka_run_group_tests_name("api routes", tests, NULL, NULL);
}
