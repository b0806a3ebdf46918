// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "lkvm/builtin.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "probe", cmd_probe },
	{ "nvdimm", cmd_nvdimm },
	{ "list", cmd_list },
	{ "stat", cmd_stat },
	{ "pause", cmd_pause },
	{ "resume", cmd_resume },
	{ "stop", cmd_stop },
	{ "api", cmd_api },
	{ "version", cmd_version },
	{ "--version", cmd_version },
	{ "help", cmd_help },
	{ "--help", cmd_help },
	{ "-h", cmd_help },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return cmd_help(argc, argv);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "lkvm: unknown command '%s' (see lkvm help)\n", argv[1]);
	return EXIT_USAGE;
}
