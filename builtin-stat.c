// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm stat NAME [--json]: the VM's counters (GET vm.counters), one
 * "SET COUNTER VALUE" line each, or the API's JSON as it came.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "lkvm/api-client.h"
#include "lkvm/builtin.h"

static int print_lines(const char *body)
{
	struct json_object *root = json_tokener_parse(body);

	if (!root || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		fprintf(stderr, "lkvm stat: the VM's counters are not a JSON object\n");
		return EXIT_REFUSED;
	}
	json_object_object_foreach(root, set, counters) {
		if (!json_object_is_type(counters, json_type_object))
			continue;
		json_object_object_foreach(counters, name, value)
			printf("%s %s %s\n", set, name, json_object_get_string(value));
	}
	json_object_put(root);
	return 0;
}

int cmd_stat(int argc, char **argv)
{
	bool json = argc == 3 && !strcmp(argv[2], "--json");
	struct api_answer ans;
	int ret;

	if ((argc != 2 && !json) || argv[1][0] == '-') {
		fprintf(stderr, "usage: lkvm stat NAME [--json]\n");
		return EXIT_USAGE;
	}
	ret = control__call("stat", argv[1], "GET", "vm.counters", NULL, &ans);
	if (ret)
		return ret;
	if (json)
		printf("%s\n", ans.body ? ans.body : "{}");
	else
		ret = print_lines(ans.body ? ans.body : "");
	api_answer__free(&ans);
	return ret;
}
