// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm api NAME METHOD PATH [JSON]: one request to a VM's control API, as
 * curl would make it, for hosts without curl; prints the status and the
 * body. lkvm api --raw NAME: stdin's bytes as they are, and what comes back
 * (for tests and debugging: any request at all, well-formed or not).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lkvm/api-client.h"
#include "lkvm/api-server.h"
#include "lkvm/builtin.h"
#include "lkvm/util.h"

static const char usage[] =
	"usage: lkvm api NAME GET|PUT PATH [JSON]   (PATH under /api/v1/)\n"
	"       lkvm api --raw NAME                 (stdin as the request)\n";

int cmd_api(int argc, char **argv)
{
	char sock[API_SOCKET_PATH_MAX];
	struct api_answer ans;
	bool raw = argc == 3 && !strcmp(argv[1], "--raw");
	const char *name = raw ? argv[2] : argv[1];
	int ret;

	if (!raw && (argc < 4 || argc > 5 || (strcmp(argv[2], "GET") &&
					      strcmp(argv[2], "PUT")))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	ret = api_client__socket(name, sock, sizeof(sock));
	if (!ret && raw)
		ret = api_client__raw(sock, STDIN_FILENO, STDOUT_FILENO);
	else if (!ret)
		ret = api_client__call(sock, argv[2], argv[3],
				       argc == 5 ? argv[4] : NULL, &ans);
	if (ret) {
		fprintf(stderr, "lkvm api: %s\n", lkvm__last_error());
		return EXIT_NO_VM;
	}
	if (raw)
		return 0;
	printf("%d\n%s%s", ans.status, ans.body ? ans.body : "",
	       ans.body_len ? "\n" : "");
	api_answer__free(&ans);
	return ans.status >= 200 && ans.status < 300 ? 0 : EXIT_REFUSED;
}
