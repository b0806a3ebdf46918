// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "lkvm/builtin.h"
#include "lkvm/config.h"
#include "lkvm/nvdimm-format.h"

int cmd_help(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "run")) {
		fputs(run_options__usage(), stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "nvdimm")) {
		fputs(nvdimm_format__usage(), stdout);
		return 0;
	}
	printf("lkvm: a small VMM for IBM POWER pseries guests on KVM-HV\n"
	       "\n"
	       "usage: lkvm COMMAND [options]\n"
	       "\n"
	       "  run       boot a guest (lkvm run --help)\n"
	       "  probe     tell whether this host can run lkvm guests\n"
	       "  nvdimm    format: pre-write a vNVDIMM's namespace labels;\n"
	       "            attach, detach NAME: hot-plug one into a running VM, or\n"
	       "            take it out (lkvm nvdimm SUBCOMMAND --help)\n"
	       "  list      the running VMs: pid, name, state, size (--json too)\n"
	       "  stat      NAME: a running VM's counters\n"
	       "  pause     NAME: stop every vCPU of a running VM\n"
	       "  resume    NAME: run them again\n"
	       "  stop      NAME [--force]: power the VM off (orderly, or now)\n"
	       "  api       NAME GET|PUT PATH [JSON]: one control API request\n"
	       "  version   print lkvm's version\n"
	       "  help      this text\n");
	return 0;
}
