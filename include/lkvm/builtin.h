/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BUILTIN_H
#define LKVM_BUILTIN_H

/* Each returns the process exit code and prints its own errors once. */
int cmd_run(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_nvdimm(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* Exit codes shared by the commands. */
enum {
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_SETUP = 3,		/* could not set the guest up */
	EXIT_GUEST = 4,		/* the guest or VMM failed while running */
	EXIT_SIGNAL = 5,	/* stopped by SIGTERM or SIGINT */
};

#endif
