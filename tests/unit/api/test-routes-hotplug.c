// SPDX-License-Identifier: GPL-2.0
/*
 * vm.add-nvdimm and vm.remove-device (api/routes-hotplug.c): what reaches
 * the VM, what is refused before it (naming the field), how the VM's
 * refusals map to statuses, and the replies sent later.
 */
#include "api-fixture.h"

#define GET	HTTP_METHOD_GET
#define PUT	HTTP_METHOD_PUT
#define ADD	"/api/v1/vm.add-nvdimm"
#define REMOVE	"/api/v1/vm.remove-device"
#define GOOD	"\"file\":\"/srv/pmem0.img\",\"size\":268435456,\"label_size\":131072"

static const char *error_message(struct json_object *obj)
{
	return member_string(member(obj, "error", json_type_object), "message");
}

/* A request the route keeps to answer later: no status, no body yet. */
static void expect_later(const char *path, const char *body)
{
	struct http_reply reply;

	send_with(&fake_ops, PUT, path, body, strlen(body), &reply);
	assert_true(reply.later);
	assert_null(reply.body);
	assert_int_equal(fake->later.token, fake_later.token);
	assert_ptr_equal(fake->later.answer, fake_answer);
}

static void test_add_every_field(void **state)
{
	const struct api_nvdimm_add *r = &fake->add;

	(void)state;
	expect_later(ADD, "{" GOOD ",\"uuid\":\"2d4c1f38-62a5-4b1e-9b53-6f7a2b0d9e11\","
		     "\"readonly\":true,\"id\":\"data_1\",\"slot\":15,\"timeout_s\":7}");
	assert_int_equal(fake->adds, 1);
	assert_string_equal(r->cfg.path, "/srv/pmem0.img");
	assert_int_equal(r->cfg.size, 256ULL << 20);
	assert_int_equal(r->cfg.label_size, 128 << 10);
	assert_true(r->cfg.has_uuid);
	assert_int_equal(r->cfg.uuid[0], 0x2d);
	assert_int_equal(r->cfg.uuid[15], 0x11);
	assert_true(r->cfg.readonly);
	assert_string_equal(r->id, "data_1");
	assert_int_equal(r->slot, 15);
	assert_int_equal(r->timeout_s, 7);
}

static void test_add_defaults(void **state)
{
	const struct api_nvdimm_add *r = &fake->add;

	(void)state;
	expect_later(ADD, "{" GOOD "}");
	assert_false(r->cfg.has_uuid);
	assert_false(r->cfg.readonly);
	assert_string_equal(r->id, "");
	assert_int_equal(r->slot, -1);
	assert_int_equal(r->timeout_s, API_HOTPLUG_TIMEOUT_DEFAULT);
}

/* refused with 400 before the VM hears of it, the message naming @what */
static void refused(const char *path, const char *body, const char *what)
{
	struct json_object *obj = request_json(PUT, path, body, 400);
	const char *message = error_message(obj);

	if (!strstr(message, what))
		fail_msg("'%s' does not name '%s'", message, what);
	json_object_put(obj);
	assert_int_equal(fake->adds + fake->removes, 0);
}

static void test_add_refusals(void **state)
{
	(void)state;
	refused(ADD, NULL, "body");
	refused(ADD, "{\"size\":268435456,\"label_size\":131072}", "\"file\"");
	refused(ADD, "{\"file\":\"/a\",\"label_size\":131072}", "\"size\"");
	refused(ADD, "{\"file\":\"/a\",\"size\":268435456}", "\"label_size\"");
	/* lkvm's working directory is not the client's */
	refused(ADD, "{\"file\":\"pmem0.img\",\"size\":268435456,\"label_size\":131072}",
		"absolute");
	refused(ADD, "{\"file\":\"\",\"size\":268435456,\"label_size\":131072}", "\"file\"");
	refused(ADD, "{\"file\":7,\"size\":268435456,\"label_size\":131072}", "\"file\"");
	refused(ADD, "{" GOOD ",\"uuid\":\"not-a-uuid\"}", "\"uuid\"");
	refused(ADD, "{" GOOD ",\"readonly\":1}", "\"readonly\"");
	refused(ADD, "{" GOOD ",\"slot\":16}", "\"slot\"");
	refused(ADD, "{" GOOD ",\"slot\":-1}", "\"slot\"");
	refused(ADD, "{" GOOD ",\"timeout_s\":3601}", "\"timeout_s\"");
	refused(ADD, "{" GOOD ",\"id\":\"-x\"}", "\"id\"");
	refused(ADD, "{" GOOD ",\"id\":\"a b\"}", "\"id\"");
	refused(ADD, "{" GOOD ",\"id\":\"a/b\"}", "\"id\"");
	refused(ADD, "{" GOOD ",\"id\":\"0123456789abcdef0123456789abcdef\"}", "\"id\"");
	refused(ADD, "{" GOOD ",\"driver\":\"x\"}", "\"driver\"");
	refused(ADD, "{" GOOD ",\"size\":\"1G\"}", "\"size\"");
	/* --nvdimm's own rules: 256 MiB blocks, a label of 128 KiB or more */
	refused(ADD, "{\"file\":\"/a\",\"size\":268435457,\"label_size\":131072}",
		"\"size\" must be a multiple of 268435456");
	refused(ADD, "{\"file\":\"/a\",\"size\":0,\"label_size\":131072}", "\"size\"");
	refused(ADD, "{\"file\":\"/a\",\"size\":268435456,\"label_size\":4096}",
		"\"label_size\" must be from 131072");
	refused(ADD, "{\"file\":\"/a\",\"size\":268435456,\"label_size\":16777217}",
		"\"label_size\"");
	refused(ADD, "{" GOOD ",\"uuid\":\"00000000-0000-0000-0000-000000000000\"}",
		"nil UUID");
}

static void test_remove(void **state)
{
	(void)state;
	expect_later(REMOVE, "{\"id\":\"nvdimm3\"}");
	assert_string_equal(fake->remove_id, "nvdimm3");
	assert_int_equal(fake->remove_timeout_s, API_HOTPLUG_TIMEOUT_DEFAULT);
	expect_later(REMOVE, "{\"id\":\"data_1\",\"timeout_s\":0}");
	assert_string_equal(fake->remove_id, "data_1");
	assert_int_equal(fake->remove_timeout_s, 0);
	assert_int_equal(fake->removes, 2);
}

static void test_remove_refusals(void **state)
{
	(void)state;
	refused(REMOVE, NULL, "\"id\"");
	refused(REMOVE, "{}", "\"id\"");
	refused(REMOVE, "{\"id\":\"\"}", "\"id\"");
	refused(REMOVE, "{\"id\":\".x\"}", "\"id\"");
	refused(REMOVE, "{\"id\":\"a\",\"force\":true}", "\"force\"");
	refused(REMOVE, "{\"id\":\"a\",\"timeout_s\":-1}", "\"timeout_s\"");
}

/* the VM's own refusals, at once: state 405, conflicts 409, unknown 404 */
static void test_vm_refusals(void **state)
{
	static const struct {
		int err, status;
	} cases[] = {
		{ -EBUSY, 405 }, { -ESHUTDOWN, 405 }, { -EINPROGRESS, 409 },
		{ -EEXIST, 409 }, { -ENOSPC, 409 }, { -ENOENT, 404 },
		{ -EINVAL, 400 }, { -EIO, 500 },
	};
	struct json_object *obj;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fake->fail = cases[i].err;
		obj = request_json(PUT, ADD, "{" GOOD "}", cases[i].status);
		assert_string_equal(error_message(obj), "the fake VM says no");
		json_object_put(obj);
		obj = request_json(PUT, REMOVE, "{\"id\":\"a\"}", cases[i].status);
		json_object_put(obj);
	}
}

/* a server that cannot answer later: the operation is not offered */
static void test_no_later(void **state)
{
	struct http_request req = { .method = PUT };
	struct http_reply reply;

	(void)state;
	snprintf(req.path, sizeof(req.path), "%s", ADD);
	req.body = "{" GOOD "}";
	req.body_len = strlen(req.body);
	api__handle(&fake_ops, fake, &req, &reply, NULL);
	assert_int_equal(reply.status, 501);
	assert_false(reply.later);
	free(reply.body);
	assert_int_equal(fake->adds, 0);
}

static struct json_object *reply_json(struct http_reply *reply, int status)
{
	struct json_object *obj;

	assert_false(reply->later);
	assert_int_equal(reply->status, status);
	assert_non_null(reply->body);
	obj = parse_strictly(reply->body, reply->body_len);
	free(reply->body);
	return obj;
}

static void test_later_replies(void **state)
{
	struct api_nvdimm_info dev = {
		.id = "data_1", .file = "/srv/pmem0.img", .slot = 2,
		.drc_index = LKVM_PMEM_DRC_BASE | 2, .size = 768ULL << 20,
		.label_size = 128 << 10, .uuid = "2d4c1f38-62a5-4b1e-9b53-6f7a2b0d9e11",
	};
	struct http_reply reply = { .later = true };
	struct json_object *obj, *v;

	(void)state;
	api__added_reply(&reply, 0, &dev);
	obj = reply_json(&reply, 200);
	assert_true(json_object_object_get_ex(obj, "id", &v));
	assert_string_equal(json_object_get_string(v), "data_1");
	assert_true(json_object_object_get_ex(obj, "slot", &v));
	assert_int_equal(json_object_get_int64(v), 2);
	assert_true(json_object_object_get_ex(obj, "drc_index", &v));
	assert_int_equal(json_object_get_int64(v), LKVM_PMEM_DRC_BASE | 2);
	assert_true(json_object_object_get_ex(obj, "region_size", &v));
	assert_int_equal(json_object_get_int64(v), 768LL << 20);
	json_object_put(obj);

	lkvm__fail(-ETIMEDOUT, "the guest did not take the device in 3 s");
	api__added_reply(&reply, -ETIMEDOUT, NULL);
	obj = reply_json(&reply, 504);
	assert_string_equal(error_message(obj), "the guest did not take the device in 3 s");
	json_object_put(obj);

	api__removed_reply(&reply, 0);
	assert_int_equal(reply.status, 204);
	assert_null(reply.body);
	lkvm__fail(-ESHUTDOWN, "the VM stopped");
	api__removed_reply(&reply, -ESHUTDOWN);
	json_object_put(reply_json(&reply, 405));
}

static void test_ping_offers_hotplug(void **state)
{
	struct json_object *obj = request_json(GET, "/api/v1/vmm.ping", NULL, 200);

	(void)state;
	assert_non_null(strstr(json_object_to_json_string(obj), "\"hotplug\""));
	json_object_put(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_every_field, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_add_defaults, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_add_refusals, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_remove, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_remove_refusals, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_vm_refusals, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_no_later, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_later_replies, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_ping_offers_hotplug, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
