/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BUILTIN_H
#define LKVM_BUILTIN_H

#include <stdint.h>

/* Each returns the process exit code and prints its own errors once. */
int cmd_run(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_nvdimm(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_api(int argc, char **argv);
/* lkvm nvdimm attach|detach (builtin-nvdimm-hotplug.c) */
int cmd_nvdimm_attach(int argc, char **argv);
int cmd_nvdimm_detach(int argc, char **argv);

/* Exit codes shared by the commands. */
enum {
	EXIT_REFUSED = 1,	/* the VM answered, and refused the request */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_SETUP = 3,		/* could not set the guest up */
	EXIT_GUEST = 4,		/* the guest or VMM failed while running */
	EXIT_SIGNAL = 5,	/* stopped by SIGTERM or SIGINT */
	/* 6: a thread broke its seccomp allow-list (lkvm/sandbox.h) */
	EXIT_NO_VM = 7,		/* no VM of that name answers */
};

struct api_answer;

/*
 * For the control commands (control-cli.c): call @method @path with @body
 * on the VM @name. Returns 0 with @ans filled for a 2xx answer; otherwise
 * prints "lkvm @cmd: <why>" once and returns the exit code (EXIT_NO_VM,
 * EXIT_REFUSED).
 */
int control__call(const char *cmd, const char *name, const char *method,
		  const char *path, const char *body, struct api_answer *ans);

/* The same, for a call that may take @timeout_ms (the guest takes part). */
int control__call_within(const char *cmd, const char *name, const char *method,
			 const char *path, const char *body,
			 uint64_t timeout_ms, struct api_answer *ans);
/* `lkvm @cmd NAME`: one PUT @path without a body, then "NAME: @done". */
int control__simple(int argc, char **argv, const char *path, const char *done);

#endif
