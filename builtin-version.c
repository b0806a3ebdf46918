// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "lkvm/builtin.h"

#ifndef LKVM_VERSION
#define LKVM_VERSION "unknown"
#endif

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("lkvm version %s\n", LKVM_VERSION);
	return 0;
}
