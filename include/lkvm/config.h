/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CONFIG_H
#define LKVM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "lkvm/limits.h"
#include "lkvm/nvdimm-format.h"
#include "lkvm/nvdimm.h"

/*
 * Parse one --nvdimm PATH,SIZE,LABEL[,uuid=UUID][,ro] (nvdimm-options.c).
 * Returns 0, or a negative errno with a one-line message naming the problem
 * in lkvm__last_error(). Touches no file.
 */
int nvdimm_config__parse(const char *arg, struct nvdimm_config *cfg);

/*
 * Check the parsed --nvdimm set as a whole: at most LKVM_MAX_NVDIMMS, and
 * no backing used twice (same path, or the same existing file or device
 * by st_dev/st_ino). Returns 0 or a negative errno with a message.
 */
int nvdimm_configs__check(const struct nvdimm_config *cfgs, unsigned int n);

/* What a guest kernel panic (RTAS ibm,os-term) does to the VM. */
enum on_panic {
	ON_PANIC_STOP = 0,	/* exit 4 with the message (QEMU's and libvirt's default) */
	ON_PANIC_REBOOT,	/* restart the guest */
	ON_PANIC_GUEST,		/* report it; the guest's panic= decides */
};

/*
 * --name: 1 to VM_NAME_MAX characters of [A-Za-z0-9._-], not starting
 * with '.' or '-', so that it can name files (NAME.sock) and options.
 */
#define VM_NAME_MAX 64

/* Everything the user asked for, validated once by the option parser. */
struct vm_config {
	const char *kernel;
	const char *initrd;
	const char *params;
	const char *name;		/* --name, checked; or NULL */
	const char *rootfs_pmem;	/* --rootfs-pmem IMAGE, or NULL */
	const char *api_socket;		/* --api-socket PATH, or NULL */
	uint64_t ram_size;
	unsigned int nr_cpus;
	bool debug;
	bool no_reboot;
	enum on_panic on_panic;	/* --on-panic */
	bool seccomp;		/* --seccomp=on (the default) */
	unsigned int nr_nvdimms;
	struct nvdimm_config nvdimm[LKVM_MAX_NVDIMMS];
	/* a device's id from --nvdimm-xml's <alias>; "" for nvdimmSLOT */
	char nvdimm_id[LKVM_MAX_NVDIMMS][32];
};

enum { RUN_OPTIONS_OK = 0, RUN_OPTIONS_HELP = 1 };

struct sandbox_policy;

/*
 * Parse `lkvm run` arguments (argv[0] is "run"). Returns RUN_OPTIONS_OK,
 * RUN_OPTIONS_HELP when --help was given, or a negative errno with the
 * message in lkvm__last_error(). Strings point into argv.
 */
int run_options__parse(int argc, char **argv, struct vm_config *cfg);

/* lkvm run's main thread's seccomp allow-list (lkvm/sandbox.h) */
extern const struct sandbox_policy run_main_policy;
const char *run_options__usage(void);

/* The guest's name: --name, or "guest-@pid" (kvmtool's) when none was given. */
void run_options__name(const struct vm_config *cfg, int pid,
		       char name[static VM_NAME_MAX + 1]);

enum { NVDIMM_FORMAT_OK = 0, NVDIMM_FORMAT_HELP = 1 };

/*
 * Parse the arguments of `lkvm nvdimm format` (nvdimm-format-options.c;
 * argv[0] is "format"). Returns NVDIMM_FORMAT_OK, NVDIMM_FORMAT_HELP, or a
 * negative errno with the message in lkvm__last_error(). Touches no file.
 */
int nvdimm_format_opts__parse(int argc, char **argv, struct nvdimm_format_opts *o);
const char *nvdimm_format__usage(void);

#endif
