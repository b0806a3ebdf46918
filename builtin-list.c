// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm list: the VMs whose control socket answers, with their pid and
 * state. A socket nobody listens on any more (its lkvm was killed) is
 * removed on the way.
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

/* @key of the JSON object in @ans, as text, or "?". */
static void field(const struct api_answer *ans, const char *key, char *out,
		  size_t len)
{
	struct json_object *root = ans->body ? json_tokener_parse(ans->body) : NULL;
	struct json_object *v;

	snprintf(out, len, "?");
	if (root && json_object_object_get_ex(root, key, &v))
		snprintf(out, len, "%s", json_object_get_string(v));
	json_object_put(root);
}

static void show(const char *dir, const char *file)
{
	char path[512], name[256], pid[32] = "?", state[32] = "?";
	struct api_answer ans;
	size_t n = strlen(file) - strlen(".sock");

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
		return;
	snprintf(name, sizeof(name), "%.*s", (int)n, file);
	if (!api_socket__is_live(path)) {
		/* a killed lkvm's: nobody will ever answer on it */
		unlink(path);
		return;
	}
	if (!api_client__call(path, "GET", "vmm.ping", NULL, &ans)) {
		field(&ans, "pid", pid, sizeof(pid));
		api_answer__free(&ans);
	}
	if (!api_client__call(path, "GET", "vm.info", NULL, &ans)) {
		field(&ans, "state", state, sizeof(state));
		api_answer__free(&ans);
	}
	printf("%-8s %-24s %s\n", pid, name, state);
}

static bool is_socket_name(const char *file)
{
	size_t len = strlen(file);

	return file[0] != '.' && len > strlen(".sock") &&
	       !strcmp(file + len - strlen(".sock"), ".sock");
}

int cmd_list(int argc, char **argv)
{
	char dir[512];
	struct dirent *e;
	DIR *d;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: lkvm list\n");
		return EXIT_USAGE;
	}
	if (api_socket__dir(dir, sizeof(dir))) {
		fprintf(stderr, "lkvm list: %s\n", lkvm__last_error());
		return EXIT_SETUP;
	}
	printf("%-8s %-24s %s\n", "PID", "NAME", "STATE");
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : (fprintf(stderr, "lkvm list: %s: %s\n",
						      dir, strerror(errno)), EXIT_SETUP);
	while ((e = readdir(d)))
		if (is_socket_name(e->d_name))
			show(dir, e->d_name);
	closedir(d);
	return 0;
}
