// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm nvdimm attach NAME PATH,SIZE,LABEL[,uuid=UUID][,ro]|FILE.xml
 *                    [--id ID] [--slot N] [--timeout S]
 * lkvm nvdimm detach NAME ID|FILE.xml [--timeout S]
 *
 * Hot-plug a vNVDIMM into the running VM NAME, or take one out, through
 * its control API (PUT vm.add-nvdimm, vm.remove-device). Each answers
 * once the guest has taken the device or given it back. A device may be
 * given as libvirt's <memory model='nvdimm'> element, as `virsh
 * attach-device` takes it (docs/nvdimm-xml.md): an argument without a
 * comma is such a file.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lkvm/api-client.h"
#include "lkvm/builtin.h"
#include "lkvm/config.h"
#include "lkvm/nvdimm.h"
#include "lkvm/nvdimm-xml.h"
#include "lkvm/util.h"
#include "lkvm/uuid.h"

#define HOTPLUG_DEFAULT_TIMEOUT	30
#define HOTPLUG_MAX_TIMEOUT	3600
/* The VM answers by its own deadline; this much more for the way back. */
#define HOTPLUG_GRACE_MS	15000

static const char attach_usage[] =
	"usage: lkvm nvdimm attach NAME " NVDIMM_USAGE "|FILE.xml [--id ID]\n"
	"                          [--slot N] [--timeout SECONDS]\n"
	"  hot-plug a vNVDIMM into the running VM NAME (same rules as --nvdimm),\n"
	"  or the one libvirt's <memory model='nvdimm'> element in FILE.xml describes\n"
	"  --id ID            the device's name (default: the XML's alias, or nvdimmSLOT)\n"
	"  --slot N           its slot, 0-15 (default: the XML's, or the lowest free one)\n"
	"  --timeout SECONDS  how long the guest may take to add it (default 30)\n";

static const char detach_usage[] =
	"usage: lkvm nvdimm detach NAME ID|FILE.xml [--timeout SECONDS]\n"
	"  ask the guest of the VM NAME to give the device back (by its id, or the\n"
	"  one FILE.xml describes: by its uuid, else its path), then remove it\n"
	"  (its backing flushed and closed)\n"
	"  --timeout SECONDS  how long the guest may take (default 30)\n";

/* PATH,SIZE,LABEL always has a comma; an argument without one is an XML file. */
static bool is_xml_arg(const char *arg)
{
	return !strchr(arg, ',');
}

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

/*
 * The device @file describes; its alias and slot unless --id and --slot
 * say otherwise. A base address cannot be honoured: lkvm places windows.
 */
static int from_xml(const char *file, struct nvdimm_config *cfg,
		    struct hotplug_opts *o)
{
	static struct nvdimm_xml x;	/* kept: o->id may point into it */
	int ret;

	ret = nvdimm_xml__read_file(file, &x);
	if (ret)
		return ret;
	if (x.has_base)
		return lkvm__fail(-EINVAL, "%s: <address base='%#llx'>: lkvm places "
				  "each region itself and cannot put it there",
				  file, (unsigned long long)x.base);
	*cfg = x.cfg;
	if (x.has_id && !o->id)
		o->id = x.id;
	if (x.has_slot && o->slot == UINT64_MAX)
		o->slot = x.slot;
	return 0;
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
	if (is_xml_arg(argv[optind + 1]))
		ret = from_xml(argv[optind + 1], &cfg, &o);
	else
		ret = nvdimm_config__parse(argv[optind + 1], &cfg);
	if (ret) {
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

/* Does vm.info's device @d match what @x names: its uuid, else its path? */
static bool xml_names(const struct nvdimm_xml *x, struct json_object *d)
{
	struct json_object *v;
	char uuid[UUID_STR_LEN];

	if (x->cfg.has_uuid) {
		uuid__format(x->cfg.uuid, uuid);
		return json_object_object_get_ex(d, "uuid", &v) &&
		       !strcasecmp(json_object_get_string(v), uuid);
	}
	return json_object_object_get_ex(d, "file", &v) &&
	       !strcmp(json_object_get_string(v), x->cfg.path);
}

/*
 * The id of the device @file describes, from the VM's vm.info, into @id;
 * or an exit code, the reason printed.
 */
static int id_from_xml(const char *name, const char *file, char *id, size_t len)
{
	static struct nvdimm_xml x;
	struct json_object *info, *list, *d, *v;
	struct api_answer ans;
	size_t i, n;
	int ret;

	if (nvdimm_xml__read_file(file, &x)) {
		fprintf(stderr, "lkvm nvdimm detach: %s\n", lkvm__last_error());
		return EXIT_USAGE;
	}
	ret = control__call("nvdimm detach", name, "GET", "vm.info", NULL, &ans);
	if (ret)
		return ret;
	info = ans.body ? json_tokener_parse(ans.body) : NULL;
	api_answer__free(&ans);
	ret = EXIT_REFUSED;
	n = info && json_object_object_get_ex(info, "nvdimms", &list) ?
		json_object_array_length(list) : 0;
	for (i = 0; i < n; i++) {
		d = json_object_array_get_idx(list, i);
		if (xml_names(&x, d) && json_object_object_get_ex(d, "id", &v)) {
			snprintf(id, len, "%s", json_object_get_string(v));
			ret = 0;
			break;
		}
	}
	json_object_put(info);
	if (ret)
		fprintf(stderr, "lkvm nvdimm detach: %s: no device with %s %s\n",
			name, x.cfg.has_uuid ? "the uuid of" : "the path of", file);
	return ret;
}

int cmd_nvdimm_detach(int argc, char **argv)
{
	char id[NVDIMM_XML_ID_MAX];
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
	snprintf(id, sizeof(id), "%s", argv[optind + 1]);
	if (is_xml_arg(argv[optind + 1]) && strchr(argv[optind + 1], '.') &&
	    !access(argv[optind + 1], F_OK)) {
		ret = id_from_xml(argv[optind], argv[optind + 1], id, sizeof(id));
		if (ret)
			return ret;
	}
	b = json_object_new_object();
	if (!b)
		return EXIT_USAGE;
	json_object_object_add(b, "id", json_object_new_string(id));
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
	printf("%s: detached %s\n", argv[optind], id);
	return 0;
}
