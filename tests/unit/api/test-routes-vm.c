// SPDX-License-Identifier: GPL-2.0
/*
 * vm.info and vm.counters (api/routes-vm.c): every field of the JSON and
 * its type, strings holding any bytes still make valid JSON and valid
 * UTF-8, and what the VM reports out of range is answered with 500.
 */
#include "api-fixture.h"

#define UUID0	"4b8e3fd2-8a0c-4e44-9d4f-0123456789ab"

static void add_nvdimm(struct api_vm_info *info, const char *file,
		       unsigned int slot, enum api_backing_kind backing,
		       bool readonly, bool flush_hcall)
{
	struct api_nvdimm_info *d = &info->nvdimm[info->nr_nvdimms++];

	snprintf(d->id, sizeof(d->id), "nvdimm%u", slot);
	snprintf(d->file, sizeof(d->file), "%s", file);
	d->slot = slot;
	d->drc_index = LKVM_PMEM_DRC_BASE | slot;
	d->size = 2952790016ULL;
	d->label_size = 128 << 10;
	snprintf(d->uuid, sizeof(d->uuid), "%s", UUID0);
	d->readonly = readonly;
	d->backing = backing;
	d->flush_hcall = flush_hcall;
}

static int info_setup(void **state)
{
	struct api_vm_info *info;

	if (fake_setup(state))
		return -1;
	info = &fake->info;
	strcpy(info->name, "guest-42");
	strcpy(info->kernel, "/boot/vmlinux");
	strcpy(info->cmdline, "console=hvc0 root=/dev/pmem0 ro");
	info->memory = 2ULL << 30;
	info->vcpus = 4;
	add_nvdimm(info, "/tmp/nvdimm", 0, API_BACKING_PAGE_CACHE, false, true);
	add_nvdimm(info, "/dev/dax0.0", 3, API_BACKING_DEVDAX, true, false);
	add_nvdimm(info, "/mnt/pmem/img", 15, API_BACKING_DAX_FILE, false, false);
	return 0;
}

static void check_nvdimm(struct json_object *d, const char *file,
			 unsigned int slot, const char *backing, bool readonly,
			 const char *flush)
{
	char id[16];

	snprintf(id, sizeof(id), "nvdimm%u", slot);
	assert_int_equal(json_object_object_length(d), 10);
	assert_string_equal(member_string(d, "id"), id);
	assert_string_equal(member_string(d, "file"), file);
	assert_int_equal(member_uint(d, "slot"), slot);
	assert_int_equal(member_uint(d, "drc_index"), 0x90000000u | slot);
	assert_int_equal(member_uint(d, "size"), 2952790016ULL);
	assert_int_equal(member_uint(d, "label_size"), 131072);
	assert_string_equal(member_string(d, "uuid"), UUID0);
	assert_int_equal(json_object_get_boolean(member(d, "readonly",
							json_type_boolean)),
			 readonly);
	assert_string_equal(member_string(d, "backing"), backing);
	assert_string_equal(member_string(d, "flush"), flush);
}

static void test_info(void **state)
{
	struct json_object *obj, *config, *nvdimms, *initrd = (void *)1;

	(void)state;
	obj = request_json(HTTP_METHOD_GET, "/api/v1/vm.info", NULL, 200);
	assert_int_equal(json_object_object_length(obj), 4);
	assert_string_equal(member_string(obj, "name"), "guest-42");
	assert_string_equal(member_string(obj, "state"), "Running");
	config = member(obj, "config", json_type_object);
	assert_int_equal(json_object_object_length(config), 5);
	assert_string_equal(member_string(config, "kernel"), "/boot/vmlinux");
	/* no initrd: null, present all the same */
	assert_true(json_object_object_get_ex(config, "initrd", &initrd));
	assert_null(initrd);
	assert_string_equal(member_string(config, "cmdline"),
			    "console=hvc0 root=/dev/pmem0 ro");
	assert_int_equal(member_uint(config, "memory"), 2ULL << 30);
	assert_int_equal(member_uint(config, "vcpus"), 4);
	nvdimms = member(obj, "nvdimms", json_type_array);
	assert_int_equal(json_object_array_length(nvdimms), 3);
	check_nvdimm(json_object_array_get_idx(nvdimms, 0), "/tmp/nvdimm", 0,
		     "page-cache", false, "hcall");
	check_nvdimm(json_object_array_get_idx(nvdimms, 1), "/dev/dax0.0", 3,
		     "devdax", true, "none");
	check_nvdimm(json_object_array_get_idx(nvdimms, 2), "/mnt/pmem/img", 15,
		     "dax-file", false, "none");
	json_object_put(obj);
}

static void test_info_states(void **state)
{
	static const struct {
		enum api_vm_state state;
		const char *name;
	} states[] = {
		{ API_VM_RUNNING, "Running" },
		{ API_VM_PAUSED, "Paused" },
		{ API_VM_SHUTDOWN, "Shutdown" },
	};
	struct json_object *obj;
	size_t i;

	(void)state;
	strcpy(fake->info.initrd, "/boot/initrd.cpio");
	fake->info.nr_nvdimms = 0;
	fake->info.memory = 1ULL << 40;
	for (i = 0; i < ARRAY_SIZE(states); i++) {
		fake->state = states[i].state;
		obj = request_json(HTTP_METHOD_GET, "/api/v1/vm.info", NULL, 200);
		assert_string_equal(member_string(obj, "state"), states[i].name);
		assert_string_equal(member_string(member(obj, "config",
							 json_type_object),
						  "initrd"), "/boot/initrd.cpio");
		assert_int_equal(member_uint(member(obj, "config", json_type_object),
					     "memory"), 1ULL << 40);
		assert_int_equal(json_object_array_length(member(obj, "nvdimms",
								  json_type_array)), 0);
		json_object_put(obj);
	}
}

/*
 * A path may hold quotes, backslashes, control characters and any bytes:
 * the reply is still JSON, and its strings valid UTF-8, every byte that
 * starts no valid sequence replaced by U+FFFD (so the parsed string below
 * is compared byte for byte: nothing invalid slipped through).
 */
static void test_info_hostile_strings(void **state)
{
	static const char file[] =
		"/tmp/a\"b\\c\nd\te\x01" "f\x7f/\xc3\xa9/\xff/\xc3(/"
		"\xed\xa0\x80/\xc0\xaf/\xf4\x90\x80\x80/\xf0\x9f\x98\x80/\xe2\x82";
	static const char expected[] =
		"/tmp/a\"b\\c\nd\te\x01" "f\x7f/\xc3\xa9/\xef\xbf\xbd/\xef\xbf\xbd(/"
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd/\xef\xbf\xbd\xef\xbf\xbd/"
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd/\xf0\x9f\x98\x80/"
		"\xef\xbf\xbd\xef\xbf\xbd";
	struct json_object *obj, *d;
	struct http_reply reply;
	size_t i;

	(void)state;
	strcpy(fake->info.nvdimm[0].file, file);
	strcpy(fake->info.cmdline, "init=/bin/sh -c \"echo '}'\"");
	/* strings that fill their arrays to the last byte, with no NUL */
	memset(fake->info.name, 'n', sizeof(fake->info.name));
	memset(fake->info.nvdimm[1].uuid, '\xff', sizeof(fake->info.nvdimm[1].uuid));
	memset(fake->info.kernel, 'k', sizeof(fake->info.kernel));

	assert_int_equal(send_with(&fake_ops, HTTP_METHOD_GET, "/api/v1/vm.info",
				   NULL, 0, &reply), 200);
	/* control characters only as escapes */
	for (i = 0; i < reply.body_len; i++)
		assert_true((unsigned char)reply.body[i] >= 0x20);
	obj = parse_strictly(reply.body, reply.body_len);
	free(reply.body);

	d = json_object_array_get_idx(member(obj, "nvdimms", json_type_array), 0);
	assert_string_equal(member_string(d, "file"), expected);
	assert_string_equal(member_string(member(obj, "config", json_type_object),
					  "cmdline"), "init=/bin/sh -c \"echo '}'\"");
	assert_int_equal(strlen(member_string(obj, "name")), sizeof(fake->info.name));
	assert_int_equal(strspn(member_string(obj, "name"), "n"),
			 sizeof(fake->info.name));
	assert_int_equal(strlen(member_string(member(obj, "config", json_type_object),
					      "kernel")), sizeof(fake->info.kernel));
	d = json_object_array_get_idx(member(obj, "nvdimms", json_type_array), 1);
	assert_int_equal(strlen(member_string(d, "uuid")),
			 3 * sizeof(fake->info.nvdimm[1].uuid));
	json_object_put(obj);
}

/* what no VM should report: a 500 that says what was wrong */
static void test_info_out_of_range(void **state)
{
	(void)state;
	fake->state = (enum api_vm_state)7;
	expect_api_error(HTTP_METHOD_GET, "/api/v1/vm.info", NULL, 500,
			 "InternalError", "state 7 is unknown");
	fake->state = API_VM_RUNNING;
	fake->info.nvdimm[2].backing = (enum api_backing_kind)9;
	expect_api_error(HTTP_METHOD_GET, "/api/v1/vm.info", NULL, 500,
			 "InternalError", "slot 15 has backing kind 9");
	fake->info.nr_nvdimms = LKVM_MAX_NVDIMMS + 1;
	expect_api_error(HTTP_METHOD_GET, "/api/v1/vm.info", NULL, 500,
			 "InternalError", "17 vNVDIMMs reported");
}

static void add_counter(struct api_counter_set *set, const char *name,
			uint64_t value)
{
	snprintf(set->c[set->nr].name, sizeof(set->c[0].name), "%s", name);
	set->c[set->nr++].value = value;
}

static void test_counters(void **state)
{
	const char *order[] = { "vcpu0", "vcpu1", "nvdimm0" };
	struct json_object *obj, *set;
	size_t i = 0;

	(void)state;
	strcpy(fake->sets[0].id, "vcpu0");
	add_counter(&fake->sets[0], "runs", 10);
	add_counter(&fake->sets[0], "exits_hcall", 3);
	add_counter(&fake->sets[0], "hcall_0x4", UINT64_MAX);
	strcpy(fake->sets[1].id, "vcpu1");
	strcpy(fake->sets[2].id, "nvdimm0");
	add_counter(&fake->sets[2], "flushes", 2);
	add_counter(&fake->sets[2], "flush_ns", 0);
	fake->nr_sets = 3;

	obj = request_json(HTTP_METHOD_GET, "/api/v1/vm.counters", NULL, 200);
	assert_int_equal(json_object_object_length(obj), 3);
	json_object_object_foreach(obj, key, val) {
		assert_string_equal(key, order[i++]);
		assert_true(json_object_is_type(val, json_type_object));
	}
	set = member(obj, "vcpu0", json_type_object);
	assert_int_equal(json_object_object_length(set), 3);
	assert_int_equal(member_uint(set, "runs"), 10);
	assert_int_equal(member_uint(set, "exits_hcall"), 3);
	assert_true(member_uint(set, "hcall_0x4") == UINT64_MAX);
	assert_int_equal(json_object_object_length(member(obj, "vcpu1",
							  json_type_object)), 0);
	set = member(obj, "nvdimm0", json_type_object);
	assert_int_equal(json_object_object_length(set), 2);
	assert_int_equal(member_uint(set, "flushes"), 2);
	assert_int_equal(member_uint(set, "flush_ns"), 0);
	json_object_put(obj);

	/* a VM with nothing to count */
	fake->nr_sets = 0;
	obj = request_json(HTTP_METHOD_GET, "/api/v1/vm.counters", NULL, 200);
	assert_int_equal(json_object_object_length(obj), 0);
	json_object_put(obj);
}

/* names that fill their arrays or hold bytes that are not UTF-8 */
static void test_counters_hostile_names(void **state)
{
	struct json_object *obj, *set = NULL;

	(void)state;
	memset(fake->sets[0].id, 'v', sizeof(fake->sets[0].id));
	memset(fake->sets[0].c[0].name, 'c', sizeof(fake->sets[0].c[0].name));
	fake->sets[0].nr = 2;
	strcpy(fake->sets[0].c[1].name, "a\"\\\n\xff");
	fake->sets[0].c[1].value = 7;
	fake->nr_sets = 1;

	obj = request_json(HTTP_METHOD_GET, "/api/v1/vm.counters", NULL, 200);
	json_object_object_foreach(obj, key, val) {
		assert_int_equal(strlen(key), sizeof(fake->sets[0].id));
		set = val;
	}
	assert_non_null(set);
	assert_int_equal(json_object_object_length(set), 2);
	assert_int_equal(member_uint(set, "a\"\\\n\xef\xbf\xbd"), 7);
	json_object_put(obj);
}

static void test_counters_out_of_range(void **state)
{
	(void)state;
	fake->nr_sets = LKVM_MAX_CPUS + LKVM_MAX_NVDIMMS + 1;
	expect_api_error(HTTP_METHOD_GET, "/api/v1/vm.counters", NULL, 500,
			 "InternalError", "273 sets reported, room for 272");
	fake->nr_sets = 2;
	fake->sets[1].nr = API_MAX_COUNTERS + 1;
	expect_api_error(HTTP_METHOD_GET, "/api/v1/vm.counters", NULL, 500,
			 "InternalError", "49 counters in one set");
}

/* Fill every set the route has room for, @per_set counters each. */
static void fill_sets(unsigned int per_set, const char *fmt, uint64_t value)
{
	char name[API_COUNTER_NAME_MAX];
	unsigned int i, j;

	fake->nr_sets = LKVM_MAX_CPUS + LKVM_MAX_NVDIMMS;
	for (i = 0; i < (unsigned int)fake->nr_sets; i++) {
		snprintf(fake->sets[i].id, sizeof(fake->sets[i].id), "vcpu%u", i);
		fake->sets[i].nr = 0;
		for (j = 0; j < per_set; j++) {
			snprintf(name, sizeof(name), fmt, 0x3e8 + 4 * j);
			add_counter(&fake->sets[i], name, value);
		}
	}
}

/*
 * The reply is bounded by HTTP_MAX_REPLY_BODY: a VM of the largest size
 * with the counters api/vm-ops.c gives (29 per vCPU) and 10-digit values
 * fits; every set full of the longest names and values does not, and is
 * refused whole rather than cut.
 */
static void test_counters_reply_bound(void **state)
{
	struct json_object *obj;

	(void)state;
	fill_sets(29, "hcall_0x%x", 4000000000ULL);
	obj = request_json(HTTP_METHOD_GET, "/api/v1/vm.counters", NULL, 200);
	assert_int_equal(json_object_object_length(obj),
			 LKVM_MAX_CPUS + LKVM_MAX_NVDIMMS);
	json_object_put(obj);

	/* the largest the VM can fill still fits in one reply */
	fill_sets(API_MAX_COUNTERS, "a_counter_with_a_long_name_%04x",
		  UINT64_MAX);
	obj = request_json(HTTP_METHOD_GET, "/api/v1/vm.counters", NULL, 200);
	assert_int_equal(json_object_object_length(obj),
			 LKVM_MAX_CPUS + LKVM_MAX_NVDIMMS);
	json_object_put(obj);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, info_setup, fake_teardown)
	const struct CMUnitTest tests[] = {
		T(test_info),
		T(test_info_states),
		T(test_info_hostile_strings),
		T(test_info_out_of_range),
		T(test_counters),
		T(test_counters_hostile_names),
		T(test_counters_out_of_range),
		T(test_counters_reply_bound),
	};

	return cmocka_run_group_tests_name("api routes: vm.info, vm.counters",
					   tests, NULL, NULL);
}
