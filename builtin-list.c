// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm list [--json]: the VMs whose control socket answers: pid, name,
 * state, vCPUs, memory and vNVDIMMs (or, with --json, each one's vm.info
 * with its pid). A socket nobody listens on any more (its lkvm was
 * killed) is removed on the way.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lkvm/api-client.h"
#include "lkvm/api-server.h"
#include "lkvm/builtin.h"
#include "lkvm/util.h"

/* One GET @path of the VM at @sock as a JSON object, or NULL. */
static struct json_object *get(const char *sock, const char *path)
{
	struct json_object *obj = NULL;
	struct api_answer ans;

	if (api_client__call(sock, "GET", path, NULL, &ans))
		return NULL;
	if (ans.status == 200 && ans.body)
		obj = json_tokener_parse(ans.body);
	api_answer__free(&ans);
	return obj;
}

/* @key of @obj (one level down when @sub is given), as text, or "?". */
static const char *text(struct json_object *obj, const char *sub, const char *key)
{
	struct json_object *v = obj;

	if (sub && !json_object_object_get_ex(v, sub, &v))
		return "?";
	if (!v || !json_object_object_get_ex(v, key, &v))
		return "?";
	return json_object_get_string(v);
}

static void show(const char *path, const char *name, struct json_object *all)
{
	struct json_object *ping, *info, *one, *nvdimms = NULL;
	char mem[32] = "?";

	if (!api_socket__is_live(path)) {
		/* a killed lkvm's: nobody will ever answer on it */
		unlink(path);
		return;
	}
	ping = get(path, "vmm.ping");
	info = get(path, "vm.info");
	if (all) {
		one = json_object_new_object();
		json_object_object_add(one, "name", json_object_new_string(name));
		json_object_object_add(one, "socket", json_object_new_string(path));
		json_object_object_add(one, "pid", json_object_get(
			ping ? json_object_object_get(ping, "pid") : NULL));
		json_object_object_add(one, "info", json_object_get(info));
		json_object_array_add(all, one);
	} else {
		if (strcmp(text(info, "config", "memory"), "?"))
			format_size(json_object_get_uint64(json_object_object_get(
				json_object_object_get(info, "config"), "memory")),
				mem, sizeof(mem));
		json_object_object_get_ex(info, "nvdimms", &nvdimms);
		printf("%-8s %-24s %-9s %5s %7s %7zu\n", text(ping, NULL, "pid"), name,
		       text(info, NULL, "state"), text(info, "config", "vcpus"), mem,
		       nvdimms ? json_object_array_length(nvdimms) : 0);
	}
	json_object_put(ping);
	json_object_put(info);
}

static bool socket_name(const char *file, char *name, size_t len)
{
	size_t n = strlen(file);

	if (file[0] == '.' || n <= strlen(".sock") ||
	    strcmp(file + n - strlen(".sock"), ".sock"))
		return false;
	snprintf(name, len, "%.*s", (int)(n - strlen(".sock")), file);
	return true;
}

int cmd_list(int argc, char **argv)
{
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	struct json_object *all = json ? json_object_new_array() : NULL;
	char dir[512], path[1024], name[256];
	struct dirent *e;
	DIR *d;

	if (argc != 1 && !json) {
		fprintf(stderr, "usage: lkvm list [--json]\n");
		return EXIT_USAGE;
	}
	if (api_socket__dir(dir, sizeof(dir))) {
		fprintf(stderr, "lkvm list: %s\n", lkvm__last_error());
		return EXIT_SETUP;
	}
	if (!json)
		printf("%-8s %-24s %-9s %5s %7s %7s\n", "PID", "NAME", "STATE",
		       "VCPUS", "MEMORY", "NVDIMMS");
	d = opendir(dir);
	if (!d && errno != ENOENT) {
		fprintf(stderr, "lkvm list: %s: %s\n", dir, strerror(errno));
		json_object_put(all);
		return EXIT_SETUP;
	}
	while (d && (e = readdir(d)))
		if (socket_name(e->d_name, name, sizeof(name)) &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) <
		    sizeof(path))
			show(path, name, all);
	if (d)
		closedir(d);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN));
	json_object_put(all);
	return 0;
}
