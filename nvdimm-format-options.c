// SPDX-License-Identifier: GPL-2.0
/* `lkvm nvdimm format` command line -> struct nvdimm_format_opts. Pure. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "lkvm/config.h"
#include "lkvm/nvdimm-format.h"
#include "lkvm/util.h"

enum {
	OPT_MODE = 0x100,
	OPT_NAME,
	OPT_NS_UUID,
	OPT_LABEL_VERSION,
};

static const struct option long_options[] = {
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "namespace-uuid", required_argument, NULL, OPT_NS_UUID },
	{ "label-version", required_argument, NULL, OPT_LABEL_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const char *nvdimm_format__usage(void)
{
	return "usage: lkvm nvdimm format PATH,SIZE,LABEL[,uuid=UUID] [options]\n"
	       "\n"
	       "Write on the host the namespace labels (and for fsdax the info block)\n"
	       "that `ndctl init-labels` + `ndctl create-namespace` would leave, so the\n"
	       "guest finds namespace0.0 and /dev/pmem0 at boot. PATH,SIZE,LABEL and\n"
	       "uuid= are those of `lkvm run --nvdimm`: the same file rules and the same\n"
	       "unit GUID (uuid=, else PATH.uuid, else a new one that gets recorded).\n"
	       "\n"
	       "      --mode fsdax|raw          fsdax (default): labels and an info block\n"
	       "                                with the page map in guest RAM; raw: labels\n"
	       "                                only, the data area is not touched\n"
	       "      --name NAME               namespace name (up to 63 bytes)\n"
	       "      --namespace-uuid UUID     namespace UUID (default: a new random one)\n"
	       "      --label-version 1.1|1.2   label format (default 1.2, what Linux\n"
	       "                                writes; `ndctl init-labels` defaults to 1.1)\n"
	       "  -h, --help                    this text\n"
	       "\n"
	       "Prints key=value lines: unit_guid, namespace_uuid, mode, label_version,\n"
	       "iset_cookie, pfn_uuid (fsdax), data_offset (where the filesystem starts\n"
	       "in PATH) and data_size.\n";
}

/* Names as the kernel keeps them: no control bytes, no outer blanks. */
static int parse_name(const char *arg, char out[NVDIMM_LABEL_NAME_LEN])
{
	size_t len = strlen(arg), i;

	if (len >= NVDIMM_LABEL_NAME_LEN)
		return lkvm__fail(-EINVAL, "--name: at most %d bytes (got %zu)",
				  NVDIMM_LABEL_NAME_LEN - 1, len);
	for (i = 0; i < len; i++)
		if ((unsigned char)arg[i] < 0x20 || arg[i] == 0x7f)
			return lkvm__fail(-EINVAL, "--name: control characters are not allowed");
	if (len && (arg[0] == ' ' || arg[len - 1] == ' '))
		return lkvm__fail(-EINVAL,
				  "--name: leading or trailing blanks are not allowed (Linux strips them)");
	memset(out, 0, NVDIMM_LABEL_NAME_LEN);
	memcpy(out, arg, len);
	return 0;
}

static int parse_one(int opt, const char *arg, struct nvdimm_format_opts *o)
{

	switch (opt) {
	case OPT_MODE:
		if (!strcmp(arg, "fsdax"))
			o->mode = NVDIMM_NS_FSDAX;
		else if (!strcmp(arg, "raw"))
			o->mode = NVDIMM_NS_RAW;
		else
			return lkvm__fail(-EINVAL, "--mode '%.40s': expected fsdax or raw",
					  arg);
		return 0;
	case OPT_NAME:
		return parse_name(arg, o->name);
	case OPT_NS_UUID:
		if (uuid__parse(arg, o->ns_uuid))
			return lkvm__fail(-EINVAL,
					  "--namespace-uuid '%.60s' is not a UUID (8-4-4-4-12 hex digits)",
					  arg);
		if (uuid__is_nil(o->ns_uuid))
			return lkvm__fail(-EINVAL, "--namespace-uuid must not be the nil UUID");
		o->has_ns_uuid = true;
		return 0;
	case OPT_LABEL_VERSION:
		if (!strcmp(arg, "1.1") || !strcmp(arg, "v1.1"))
			o->version = NVDIMM_LABEL_V1_1;
		else if (!strcmp(arg, "1.2") || !strcmp(arg, "v1.2"))
			o->version = NVDIMM_LABEL_V1_2;
		else
			return lkvm__fail(-EINVAL, "--label-version '%.40s': expected 1.1 or 1.2",
					  arg);
		return 0;
	}
	return -EINVAL;
}

int nvdimm_format_opts__parse(int argc, char **argv, struct nvdimm_format_opts *o)
{
	int opt, ret;

	memset(o, 0, sizeof(*o));
	o->mode = NVDIMM_NS_FSDAX;
	o->version = NVDIMM_LABEL_V1_2;
	optind = 0;	/* GNU: start afresh, so the parser can be called again */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
		if (opt == 'h')
			return NVDIMM_FORMAT_HELP;
		if (opt == ':')
			return lkvm__fail(-EINVAL, "option %s needs a value",
					  argv[optind - 1]);
		if (opt == '?')
			return lkvm__fail(-EINVAL,
					  "unknown option %s (see lkvm nvdimm format --help)",
					  argv[optind - 1]);
		ret = parse_one(opt, optarg, o);
		if (ret)
			return ret;
	}
	if (optind >= argc)
		return lkvm__fail(-EINVAL,
				  "no device given: lkvm nvdimm format PATH,SIZE,LABEL[,uuid=UUID]");
	if (optind + 1 < argc)
		return lkvm__fail(-EINVAL, "unexpected argument '%s' (one device at a time)",
				  argv[optind + 1]);
	ret = nvdimm_config__parse(argv[optind], &o->cfg);
	if (ret)
		return ret;
	if (o->cfg.readonly)
		return lkvm__fail(-EINVAL, "%s: ro cannot be formatted (drop ',ro')",
				  o->cfg.path);
	return NVDIMM_FORMAT_OK;
}
