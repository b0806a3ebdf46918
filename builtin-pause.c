// SPDX-License-Identifier: GPL-2.0
/* lkvm pause NAME: every vCPU stopped when it returns (PUT vm.pause). */
#include "lkvm/builtin.h"

int cmd_pause(int argc, char **argv)
{
	return control__simple(argc, argv, "vm.pause", "paused");
}
