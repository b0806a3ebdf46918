// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm nvdimm format: pre-write a vNVDIMM's namespace on the host; attach
 * and detach: hot-plug (builtin-nvdimm-hotplug.c).
 */
#include <stdio.h>
#include <string.h>

#include "lkvm/builtin.h"
#include "lkvm/config.h"
#include "lkvm/nvdimm-format.h"
#include "lkvm/util.h"

static const char nvdimm_usage[] =
	"usage: lkvm nvdimm format PATH,SIZE,LABEL[,uuid=UUID] [--mode fsdax|raw]\n"
	"                          [--name NAME] [--namespace-uuid UUID]\n"
	"                          [--label-version 1.1|1.2]\n"
	"       lkvm nvdimm attach NAME PATH,SIZE,LABEL[,uuid=UUID][,ro] [--id ID]\n"
	"                          [--slot N] [--timeout SECONDS]\n"
	"       lkvm nvdimm detach NAME ID [--timeout SECONDS]\n"
	"\n"
	"See lkvm nvdimm SUBCOMMAND --help.\n";

static void print_result(const struct nvdimm_format_opts *o,
			 const struct nvdimm_format_result *r)
{
	char s[NVDIMM_UUID_STR_LEN];

	uuid__format(r->unit_guid, s);
	printf("unit_guid=%s\n", s);
	uuid__format(r->ns_uuid, s);
	printf("namespace_uuid=%s\n", s);
	printf("mode=%s\n", o->mode == NVDIMM_NS_FSDAX ? "fsdax" : "raw");
	printf("label_version=1.%d\n", o->version);
	printf("iset_cookie=%#llx\n", (unsigned long long)r->cookie);
	if (o->mode == NVDIMM_NS_FSDAX) {
		uuid__format(r->pfn_uuid, s);
		printf("pfn_uuid=%s\n", s);
	}
	printf("data_offset=%llu\n", (unsigned long long)r->data_offset);
	printf("data_size=%llu\n", (unsigned long long)r->data_size);
}

static int cmd_format(int argc, char **argv)
{
	struct nvdimm_format_opts o;
	struct nvdimm_format_result r;
	int ret;

	ret = nvdimm_format_opts__parse(argc, argv, &o);
	if (ret == NVDIMM_FORMAT_HELP) {
		fputs(nvdimm_format__usage(), stdout);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "lkvm nvdimm format: %s\n", lkvm__last_error());
		return EXIT_USAGE;
	}
	if (nvdimm_format__run(&o, &r)) {
		fprintf(stderr, "lkvm nvdimm format: %s\n", lkvm__last_error());
		return EXIT_SETUP;
	}
	if (r.stale_pfn_sb)
		fprintf(stderr,
			"lkvm nvdimm format: warning: %s still holds an fsdax info block of this namespace; the guest will see fsdax, not raw (format with another --namespace-uuid)\n",
			o.cfg.path);
	print_result(&o, &r);
	return 0;
}

int cmd_nvdimm(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		fputs(nvdimm_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "format"))
		return cmd_format(argc - 1, argv + 1);
	if (!strcmp(argv[1], "attach"))
		return cmd_nvdimm_attach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "detach"))
		return cmd_nvdimm_detach(argc - 1, argv + 1);
	fprintf(stderr, "lkvm nvdimm: unknown subcommand '%s' (expected format, attach or detach)\n",
		argv[1]);
	return EXIT_USAGE;
}
