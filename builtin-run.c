// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "lkvm/builtin.h"
#include "lkvm/config.h"
#include "lkvm/util.h"

int cmd_run(int argc, char **argv)
{
	struct vm_config cfg;
	int ret;

	ret = run_options__parse(argc, argv, &cfg);
	if (ret == RUN_OPTIONS_HELP) {
		fputs(run_options__usage(), stdout);
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "lkvm run: %s\n", lkvm__last_error());
		return EXIT_USAGE;
	}
	fprintf(stderr, "lkvm run: booting a guest is not implemented yet\n");
	return EXIT_SETUP;
}
