// SPDX-License-Identifier: GPL-2.0
/*
 * The API's description stays true to the code: every route api__handle
 * serves is in docs/api/openapi.yaml with its method, every path there is
 * served, the version is API_VERSION, and every error code the routes give
 * is documented there and in docs/control-api.md. Run from the top of the
 * repository, as make does.
 */
#include "api-fixture.h"

#define OPENAPI		"docs/api/openapi.yaml"
#define GUIDE		"docs/control-api.md"

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;

	if (!f)
		fail_msg("cannot open %s (run from the top of the repository)",
			 path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	text = calloc(1, len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, len, f), len);
	fclose(f);
	return text;
}

static void test_routes_documented(void **state)
{
	char *text = read_text(OPENAPI), want[128];
	enum http_method method;
	const char *name;
	unsigned int i;

	(void)state;
	for (i = 0; (name = api__route_name(i, &method)); i++) {
		snprintf(want, sizeof(want), "\n  /%s:\n    %s:\n", name,
			 method == HTTP_METHOD_GET ? "get" : "put");
		if (!strstr(text, want))
			fail_msg("%s has no '%s %s' under paths", OPENAPI,
				 method == HTTP_METHOD_GET ? "get" : "put", name);
	}
	assert_int_equal(i, 9);
	free(text);
}

/* every path the description names is one api__handle serves */
static void test_documented_paths_served(void **state)
{
	char *text = read_text(OPENAPI), *line, *end, path[HTTP_MAX_PATH];
	enum http_method method;
	unsigned int i, found = 0;
	const char *name;

	(void)state;
	for (line = strstr(text, "\n  /"); line; line = strstr(line + 1, "\n  /")) {
		end = strchr(line + 4, ':');
		assert_non_null(end);
		*end = '\0';
		for (i = 0; (name = api__route_name(i, &method)); i++)
			if (!strcmp(name, line + 4))
				break;
		if (!name)
			fail_msg("%s documents /%s, which no route serves",
				 OPENAPI, line + 4);
		/* and the route answers under the API's prefix */
		snprintf(path, sizeof(path), API_PREFIX "%s", name);
		expect_api_error(method == HTTP_METHOD_GET ? HTTP_METHOD_PUT :
			 HTTP_METHOD_GET, path, NULL, 405, "MethodNotAllowed", name);
		found++;
		*end = ':';
	}
	assert_int_equal(found, 9);
	free(text);
}

static void test_version(void **state)
{
	char *text = read_text(OPENAPI);

	(void)state;
	assert_non_null(strstr(text, "\n  version: " API_VERSION "\n"));
	assert_non_null(strstr(text, "\nopenapi: 3.0.") ||
			!strncmp(text, "openapi: 3.0.", 13));
	free(text);
}

/* the code of the error reply to one request */
static char *error_code_of(enum http_method method, const char *path)
{
	struct json_object *obj, *error;
	struct http_reply reply;
	char *code;

	send_with(&fake_ops, method, path, NULL, 0, &reply);
	assert_true(reply.status >= 400);
	obj = parse_strictly(reply.body, reply.body_len);
	error = member(obj, "error", json_type_object);
	code = strdup(member_string(error, "code"));
	json_object_put(obj);
	free(reply.body);
	return code;
}

static void test_error_codes_documented(void **state)
{
	static const int errs[] = {
		-EINVAL, -ENOENT, -EALREADY, -ESHUTDOWN, -EBUSY, -EEXIST,
		-EOPNOTSUPP, -ETIMEDOUT, -EIO,
	};
	char *openapi = read_text(OPENAPI), *guide = read_text(GUIDE);
	char *codes[ARRAY_SIZE(errs) + 2], quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		fake->fail = errs[i];
		codes[i] = error_code_of(HTTP_METHOD_PUT, "/api/v1/vm.pause");
	}
	codes[i++] = error_code_of(HTTP_METHOD_GET, "/api/v1/vm.pause");
	codes[i++] = error_code_of(HTTP_METHOD_GET, "/api/v1/nothing");
	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		snprintf(quoted, sizeof(quoted), "`%s`", codes[i]);
		if (!strstr(openapi, codes[i]) || !strstr(guide, quoted))
			fail_msg("error code %s is not in %s and %s", codes[i],
				 OPENAPI, GUIDE);
		free(codes[i]);
	}
	free(openapi);
	free(guide);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)
	const struct CMUnitTest tests[] = {
		T(test_routes_documented),
		T(test_documented_paths_served),
		T(test_version),
		T(test_error_codes_documented),
	};

	return cmocka_run_group_tests_name("api description", tests, NULL, NULL);
}
