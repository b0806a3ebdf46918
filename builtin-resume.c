// SPDX-License-Identifier: GPL-2.0
/* lkvm resume NAME: every vCPU running again when it returns (PUT vm.resume). */
#include "lkvm/builtin.h"

int cmd_resume(int argc, char **argv)
{
	return control__simple(argc, argv, "vm.resume", "resumed");
}
