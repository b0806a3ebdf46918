// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm stop NAME [--force] [--timeout SECONDS]: ask the guest to power off
 * in an orderly way (PUT vm.shutdown), or with --force stop the VM at once
 * (PUT vmm.shutdown). Either way lkvm flushes every vNVDIMM on its way out.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lkvm/api-client.h"
#include "lkvm/api-server.h"
#include "lkvm/builtin.h"
#include "lkvm/util.h"

#define STOP_DEFAULT_TIMEOUT	30
#define STOP_MAX_TIMEOUT	3600

/* After the VM's own deadline, how long its flush and exit may take. */
#define STOP_GRACE_MS		15000

/*
 * Until nobody answers on the socket any more (lkvm removes it as it
 * exits) or @ms have passed: true when the VM is gone.
 */
static bool wait_gone(const char *name, uint64_t ms)
{
	uint64_t deadline = lkvm__now_ms() + ms;
	char sock[API_SOCKET_PATH_MAX];

	if (api_client__socket(name, sock, sizeof(sock)))
		return false;
	while (api_socket__is_live(sock)) {
		if (lkvm__now_ms() >= deadline)
			return false;
		usleep(50000);
	}
	return true;
}

static const char usage[] =
	"usage: lkvm stop NAME [--force] [--timeout SECONDS]\n"
	"  --force            stop now, without asking the guest\n"
	"  --timeout SECONDS  how long the guest may take to power off before\n"
	"                     it is stopped (default 30, at most 3600)\n";

int cmd_stop(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t timeout = STOP_DEFAULT_TIMEOUT;
	struct api_answer ans;
	bool force = false;
	char body[64];
	int c, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f') {
			force = true;
		} else if (c == 't' &&
			   !parse_uint(optarg, 0, STOP_MAX_TIMEOUT, &timeout)) {
			continue;
		} else if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			fprintf(stderr, "lkvm stop: bad option or value\n%s", usage);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	snprintf(body, sizeof(body), "{\"timeout_s\": %llu}",
		 (unsigned long long)timeout);
	ret = control__call("stop", argv[optind], "PUT",
			    force ? "vmm.shutdown" : "vm.shutdown",
			    force ? NULL : body, &ans);
	if (ret)
		return ret;
	api_answer__free(&ans);
	/* the VM says yes at once; done is when it has flushed and gone */
	if (!wait_gone(argv[optind], (force ? 0 : timeout * 1000) + STOP_GRACE_MS)) {
		fprintf(stderr, "lkvm stop: %s: still running\n", argv[optind]);
		return EXIT_REFUSED;
	}
	printf("%s: stopped\n", argv[optind]);
	return 0;
}
