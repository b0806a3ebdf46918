// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm nvdimm attach NAME PATH,SIZE,LABEL[,uuid=UUID][,ro] [--id ID]
 *                    [--slot N] [--timeout S]
 * lkvm nvdimm detach NAME ID [--timeout S]
 *
 * Hot-plug a vNVDIMM into the running VM NAME, or take one out, through
 * its control API (PUT vm.add-nvdimm, vm.remove-device). Each answers
 * once the guest has taken the device or given it back.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lkvm/api-client.h"
#include "lkvm/builtin.h"
#include "lkvm/config.h"
#include "lkvm/nvdimm.h"
#include "lkvm/util.h"
#include "lkvm/uuid.h"

#define HOTPLUG_DEFAULT_TIMEOUT	30
#define HOTPLUG_MAX_TIMEOUT	3600
/* The VM answers by its own deadline; this much more for the way back. */
#define HOTPLUG_GRACE_MS	15000

static const char attach_usage[] =
	"usage: lkvm nvdimm attach NAME " NVDIMM_USAGE " [--id ID] [--slot N]\n"
	"                          [--timeout SECONDS]\n"
	"  hot-plug a vNVDIMM into the running VM NAME (same rules as --nvdimm)\n"
	"  --id ID            the device's name (default nvdimmSLOT)\n"
	"  --slot N           its slot, 0-15 (default: the lowest free one)\n"
	"  --timeout SECONDS  how long the guest may take to add it (default 30)\n";

static const char detach_usage[] =
	"usage: lkvm nvdimm detach NAME ID [--timeout SECONDS]\n"
	"  ask the guest of the VM NAME to give the device ID back, then remove\n"
	"  it (its backing flushed and closed)\n"
	"  --timeout SECONDS  how long the guest may take (default 30)\n";

struct hotplug_opts {
	const char *id;
	uint64_t slot;		/* UINT64_MAX: any */
	uint64_t timeout;
};

/* The options; the rest are positional, at argv[optind..]. */
static int parse_opts(int argc, char **argv, bool attach, struct hotplug_opts *o)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "slot", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct hotplug_opts){ .slot = UINT64_MAX,
				    .timeout = HOTPLUG_DEFAULT_TIMEOUT };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'i' && attach)
			o->id = optarg;
		else if (c == 's' && attach &&
			 !parse_uint(optarg, 0, LKVM_MAX_NVDIMMS - 1, &o->slot))
			continue;
		else if (c == 't' &&
			 !parse_uint(optarg, 0, HOTPLUG_MAX_TIMEOUT, &o->timeout))
			continue;
		else if (c == 'h')
			return 1;
		else
			return -1;
	}
	return optind == argc - 2 ? 0 : -1;
}

/* The request's body; the path made absolute, as lkvm's cwd is not ours. */
static char *attach_body(const struct nvdimm_config *cfg,
			 const struct hotplug_opts *o)
{
	struct json_object *b = json_object_new_object();
	char path[PATH_MAX * 2], uuid[UUID_STR_LEN], cwd[PATH_MAX];
	char *out = NULL;

	if (cfg->path[0] == '/')
		snprintf(path, sizeof(path), "%s", cfg->path);
	else if (getcwd(cwd, sizeof(cwd)))
		snprintf(path, sizeof(path), "%s/%s", cwd, cfg->path);
	else
		return NULL;
	if (!b)
		return NULL;
	json_object_object_add(b, "file", json_object_new_string(path));
	json_object_object_add(b, "size", json_object_new_uint64(cfg->size));
	json_object_object_add(b, "label_size",
			       json_object_new_uint64(cfg->label_size));
	if (cfg->has_uuid) {
		uuid__format(cfg->uuid, uuid);
		json_object_object_add(b, "uuid", json_object_new_string(uuid));
	}
	if (cfg->readonly)
		json_object_object_add(b, "readonly", json_object_new_boolean(1));
	if (o->id)
		json_object_object_add(b, "id", json_object_new_string(o->id));
	if (o->slot != UINT64_MAX)
		json_object_object_add(b, "slot", json_object_new_uint64(o->slot));
	json_object_object_add(b, "timeout_s", json_object_new_uint64(o->timeout));
	out = strdup(json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(b);
	return out;
}

/* "nvdimm1 (slot 1, DRC index 0x40000001, 768 MiB)" from the answer */
static void print_added(const char *name, const struct api_answer *ans)
{
	struct json_object *a = ans->body ? json_tokener_parse(ans->body) : NULL;
	struct json_object *id = NULL, *slot = NULL, *drc = NULL, *size = NULL;
	char sz[32];

	if (a && json_object_object_get_ex(a, "id", &id) &&
	    json_object_object_get_ex(a, "slot", &slot) &&
	    json_object_object_get_ex(a, "drc_index", &drc) &&
	    json_object_object_get_ex(a, "region_size", &size))
		printf("%s: attached %s (slot %lld, DRC index %#llx, %s)\n", name,
		       json_object_get_string(id), (long long)json_object_get_int64(slot),
		       (unsigned long long)json_object_get_int64(drc),
		       format_size((uint64_t)json_object_get_int64(size), sz, sizeof(sz)));
	else
		printf("%s: attached\n", name);
	json_object_put(a);
}

int cmd_nvdimm_attach(int argc, char **argv)
{
	struct nvdimm_config cfg;
	struct hotplug_opts o;
	struct api_answer ans;
	char *body;
	int ret;

	ret = parse_opts(argc, argv, true, &o);
	if (ret) {
		fputs(attach_usage, ret > 0 ? stdout : stderr);
		return ret > 0 ? 0 : EXIT_USAGE;
	}
	if (nvdimm_config__parse(argv[optind + 1], &cfg)) {
		fprintf(stderr, "lkvm nvdimm attach: %s\n", lkvm__last_error());
		return EXIT_USAGE;
	}
	body = attach_body(&cfg, &o);
	if (!body) {
		fprintf(stderr, "lkvm nvdimm attach: out of memory, or no working directory\n");
		return EXIT_USAGE;
	}
	ret = control__call_within("nvdimm attach", argv[optind], "PUT",
				   "vm.add-nvdimm", body,
				   o.timeout * 1000 + HOTPLUG_GRACE_MS, &ans);
	free(body);
	if (ret)
		return ret;
	print_added(argv[optind], &ans);
	api_answer__free(&ans);
	return 0;
}

int cmd_nvdimm_detach(int argc, char **argv)
{
	struct json_object *b;
	struct hotplug_opts o;
	struct api_answer ans;
	char *body;
	int ret;

	ret = parse_opts(argc, argv, false, &o);
	if (ret) {
		fputs(detach_usage, ret > 0 ? stdout : stderr);
		return ret > 0 ? 0 : EXIT_USAGE;
	}
	b = json_object_new_object();
	if (!b)
		return EXIT_USAGE;
	json_object_object_add(b, "id", json_object_new_string(argv[optind + 1]));
	json_object_object_add(b, "timeout_s", json_object_new_uint64(o.timeout));
	body = strdup(json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN));
	json_object_put(b);
	if (!body)
		return EXIT_USAGE;
	ret = control__call_within("nvdimm detach", argv[optind], "PUT",
				   "vm.remove-device", body,
				   o.timeout * 1000 + HOTPLUG_GRACE_MS, &ans);
	free(body);
	if (ret)
		return ret;
	api_answer__free(&ans);
	printf("%s: detached %s\n", argv[optind], argv[optind + 1]);
	return 0;
}
