// SPDX-License-Identifier: GPL-2.0
/* `lkvm run` command line -> struct vm_config. Pure: unit-tested. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/api-server.h"
#include "lkvm/config.h"
#include "lkvm/nvdimm-xml.h"
#include "lkvm/util.h"

enum {
	OPT_NAME = 0x100,
	OPT_DEBUG,
	OPT_NO_REBOOT,
	OPT_NVDIMM,
	OPT_ROOTFS_PMEM,
	OPT_ON_PANIC,
	OPT_SECCOMP,
	OPT_API_SOCKET,
	OPT_NVDIMM_XML,
};

static const struct option long_options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "params", required_argument, NULL, 'p' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "nvdimm", required_argument, NULL, OPT_NVDIMM },
	{ "nvdimm-xml", required_argument, NULL, OPT_NVDIMM_XML },
	{ "rootfs-pmem", required_argument, NULL, OPT_ROOTFS_PMEM },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "no-reboot", no_argument, NULL, OPT_NO_REBOOT },
	{ "on-panic", required_argument, NULL, OPT_ON_PANIC },
	{ "seccomp", required_argument, NULL, OPT_SECCOMP },
	{ "api-socket", required_argument, NULL, OPT_API_SOCKET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

const char *run_options__usage(void)
{
	return "usage: lkvm run -k VMLINUX [options]\n"
	       "\n"
	       "  -k, --kernel FILE     ELF vmlinux to boot (required)\n"
	       "  -i, --initrd FILE     initial ramdisk\n"
	       "  -m, --mem SIZE        guest RAM: a multiple of 256M, default 512M;\n"
	       "                        a bare number means MiB (-m 2048 = -m 2G)\n"
	       "  -c, --cpus N          number of vCPUs, default 1\n"
	       "  -p, --params STRING   kernel command line\n"
	       "      --name NAME       guest name: up to 64 letters, digits, '.', '_' or\n"
	       "                        '-', not starting with '.' or '-'; default guest-PID\n"
	       "      --nvdimm PATH,SIZE,LABEL[,uuid=UUID][,ro]\n"
	       "                        persistent memory (repeatable): SIZE bytes (a multiple\n"
	       "                        of 256M) for the guest plus a LABEL-byte label area\n"
	       "                        (>= 128K), backed by file or device-DAX PATH; a missing\n"
	       "                        or empty file is created; ro maps it read-only\n"
	       "      --nvdimm-xml FILE the same from libvirt's <memory model='nvdimm'>\n"
	       "                        element in FILE (repeatable; docs/nvdimm-xml.md)\n"
	       "      --rootfs-pmem IMAGE\n"
	       "                        boot with / on IMAGE, a read-only pmem root file system\n"
	       "                        image (lkvm nvdimm format + ext4/XFS); no initrd needed\n"
	       "      --no-reboot       exit when the guest reboots instead of restarting it\n"
	       "      --on-panic stop|reboot|guest\n"
	       "                        when the guest kernel panics (RTAS ibm,os-term): stop\n"
	       "                        with exit code 4 (default), restart the guest, or\n"
	       "                        leave it to the guest's panic= (which may hang it)\n"
	       "      --seccomp on|off  syscall filters on every thread (default on; off\n"
	       "                        for debugging only)\n"
	       "      --api-socket PATH the control API's socket (default: NAME.sock in\n"
	       "                        $LKVM_RUN_DIR, /run/lkvm for root, else\n"
	       "                        $XDG_RUNTIME_DIR/lkvm)\n"
	       "      --debug           report unhandled hypercalls and RTAS calls\n"
	       "  -h, --help            this text\n"
	       "\n"
	       "In the guest console, Ctrl-A x quits lkvm. SIGTERM, SIGINT and SIGHUP stop\n"
	       "it; SIGPWR asks the guest to power off (an EPOW event, as a power button).\n";
}

static int parse_mem(const char *arg, uint64_t *out)
{
	char buf[32];
	uint64_t v;
	int ret;

	ret = parse_size(arg, &v);
	if (ret == 0 && arg[strlen(arg) - 1] >= '0' && arg[strlen(arg) - 1] <= '9') {
		/* a bare number is MiB, as in kvmtool and QEMU */
		if (v > (UINT64_MAX >> 20))
			ret = -ERANGE;
		v <<= 20;
	}
	if (ret == -ERANGE || (ret == 0 && v > LKVM_MAX_RAM))
		return lkvm__fail(-ERANGE, "--mem %s: larger than the %s maximum", arg,
				  format_size(LKVM_MAX_RAM, buf, sizeof(buf)));
	if (ret)
		return lkvm__fail(ret, "--mem %s: not a size (use e.g. 512M or 2G)", arg);
	if (v == 0 || !IS_ALIGNED(v, LKVM_RAM_ALIGN))
		return lkvm__fail(-EINVAL, "--mem %s: must be a non-zero multiple of 256M",
				  arg);
	*out = v;
	return 0;
}

static int parse_name(const char *arg, const char **out)
{
	size_t len = strlen(arg);
	char shown[4 * VM_NAME_MAX + 1];	/* each byte may take \xNN */

	if (str_is_name(arg, VM_NAME_MAX)) {
		*out = arg;
		return 0;
	}
	/* a bad name is shown on one line, and a long one cut short */
	str_escape(shown, sizeof(shown), arg, len < VM_NAME_MAX ? len : VM_NAME_MAX);
	return lkvm__fail(-EINVAL, "--name: '%s%s' is not a name (1 to %d letters, "
			  "digits, '.', '_' or '-', not starting with '.' or '-')",
			  shown, len > VM_NAME_MAX ? "..." : "", VM_NAME_MAX);
}

/*
 * --nvdimm-xml FILE: the device of libvirt's element, in the next slot.
 * What lkvm run cannot honour is refused by name: a base address (lkvm
 * places each region), a slot other than the next one (slots follow the
 * command line, as for --nvdimm).
 */
static int parse_nvdimm_xml(const char *file, struct vm_config *cfg)
{
	static struct nvdimm_xml x;	/* a path is 4 KiB: not on the stack */
	unsigned int n = cfg->nr_nvdimms;

	if (n >= LKVM_MAX_NVDIMMS)
		return lkvm__fail(-E2BIG, "--nvdimm-xml: at most %d devices",
				  LKVM_MAX_NVDIMMS);
	if (nvdimm_xml__read_file(file, &x))
		return lkvm__fail(-EINVAL, "--nvdimm-xml %s", lkvm__last_error());
	if (x.has_base)
		return lkvm__fail(-EINVAL, "--nvdimm-xml %s: <address base='%#llx'>: "
				  "lkvm places each region itself", file,
				  (unsigned long long)x.base);
	if (x.has_slot && x.slot != n)
		return lkvm__fail(-EINVAL, "--nvdimm-xml %s: <address slot='%u'>: "
				  "devices take slots in command-line order, and "
				  "this one is slot %u", file, x.slot, n);
	cfg->nvdimm[n] = x.cfg;
	if (x.has_id)
		snprintf(cfg->nvdimm_id[n], sizeof(cfg->nvdimm_id[n]), "%s", x.id);
	cfg->nr_nvdimms++;
	return 0;
}

static int parse_one(int opt, const char *arg, struct vm_config *cfg)
{
	uint64_t v;

	switch (opt) {
	case 'k':
		cfg->kernel = arg;
		return 0;
	case 'i':
		cfg->initrd = arg;
		return 0;
	case 'p':
		cfg->params = arg;
		return 0;
	case OPT_NAME:
		return parse_name(arg, &cfg->name);
	case 'm':
		return parse_mem(arg, &cfg->ram_size);
	case 'c':
		if (parse_uint(arg, 1, LKVM_MAX_CPUS, &v))
			return lkvm__fail(-EINVAL, "--cpus %s: must be a number from 1 to %d",
					  arg, LKVM_MAX_CPUS);
		cfg->nr_cpus = (unsigned int)v;
		return 0;
	case OPT_NVDIMM:
		if (cfg->nr_nvdimms >= LKVM_MAX_NVDIMMS)
			return lkvm__fail(-E2BIG, "--nvdimm: at most %d devices",
					  LKVM_MAX_NVDIMMS);
		/* the parser's message names the option and the bad part */
		if (nvdimm_config__parse(arg, &cfg->nvdimm[cfg->nr_nvdimms]))
			return -EINVAL;
		cfg->nr_nvdimms++;
		return 0;
	case OPT_NVDIMM_XML:
		return parse_nvdimm_xml(arg, cfg);
	case OPT_ROOTFS_PMEM:
		cfg->rootfs_pmem = arg;
		return 0;
	case OPT_API_SOCKET:
		if (!arg[0] || strlen(arg) >= API_SOCKET_PATH_MAX)
			return lkvm__fail(-EINVAL, "--api-socket: a path of 1 to %d bytes",
					  API_SOCKET_PATH_MAX - 1);
		cfg->api_socket = arg;
		return 0;
	case OPT_DEBUG:
		cfg->debug = true;
		return 0;
	case OPT_NO_REBOOT:
		cfg->no_reboot = true;
		return 0;
	case OPT_SECCOMP:
		if (strcmp(arg, "on") && strcmp(arg, "off"))
			return lkvm__fail(-EINVAL, "--seccomp: '%s' is not on or off", arg);
		cfg->seccomp = !strcmp(arg, "on");
		return 0;
	case OPT_ON_PANIC:
		if (!strcmp(arg, "stop"))
			cfg->on_panic = ON_PANIC_STOP;
		else if (!strcmp(arg, "reboot"))
			cfg->on_panic = ON_PANIC_REBOOT;
		else if (!strcmp(arg, "guest"))
			cfg->on_panic = ON_PANIC_GUEST;
		else
			return lkvm__fail(-EINVAL, "--on-panic: '%s' is not stop, reboot or guest",
					  arg);
		return 0;
	}
	return -EINVAL;
}

int run_options__parse(int argc, char **argv, struct vm_config *cfg)
{
	int opt, ret;

	*cfg = (struct vm_config){
		.ram_size = LKVM_DEFAULT_RAM,
		.nr_cpus = 1,
		.seccomp = true,
	};
	optind = 0;	/* GNU: start afresh, so the parser can be called again */
	opterr = 0;	/* we word the errors ourselves */
	while ((opt = getopt_long(argc, argv, ":k:i:m:c:p:h", long_options,
				  NULL)) != -1) {
		if (opt == 'h')
			return RUN_OPTIONS_HELP;
		if (opt == ':')
			return lkvm__fail(-EINVAL, "option %s needs a value",
					  argv[optind - 1]);
		if (opt == '?')
			return lkvm__fail(-EINVAL, "unknown option %s (see lkvm run --help)",
					  argv[optind - 1]);
		ret = parse_one(opt, optarg, cfg);
		if (ret)
			return ret;
	}
	if (optind < argc)
		return lkvm__fail(-EINVAL, "unexpected argument '%s' (see lkvm run --help)",
				  argv[optind]);
	if (!cfg->kernel)
		return lkvm__fail(-EINVAL, "no kernel given: use -k VMLINUX");
	if (nvdimm_configs__check(cfg->nvdimm, cfg->nr_nvdimms))
		return -EINVAL;
	return RUN_OPTIONS_OK;
}

void run_options__name(const struct vm_config *cfg, int pid,
		       char name[static VM_NAME_MAX + 1])
{
	if (cfg->name)
		snprintf(name, VM_NAME_MAX + 1, "%s", cfg->name);
	else
		snprintf(name, VM_NAME_MAX + 1, "guest-%d", pid);
}
