// SPDX-License-Identifier: GPL-2.0
/* What the control commands (list, stat, pause, resume, stop) share. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lkvm/api-client.h"
#include "lkvm/builtin.h"
#include "lkvm/util.h"

int control__call(const char *cmd, const char *name, const char *method,
		  const char *path, const char *body, struct api_answer *ans)
{
	return control__call_within(cmd, name, method, path, body,
				    API_CALL_TIMEOUT_MS, ans);
}

int control__call_within(const char *cmd, const char *name, const char *method,
			 const char *path, const char *body,
			 uint64_t timeout_ms, struct api_answer *ans)
{
	char sock[512], why[512];
	int ret;

	ret = api_client__socket(name, sock, sizeof(sock));
	if (!ret)
		ret = api_client__call_within(sock, method, path, body,
					      timeout_ms, ans);
	if (ret) {
		fprintf(stderr, "lkvm %s: %s\n", cmd, lkvm__last_error());
		return ret == -ECONNREFUSED || ret == -ENOENT ? EXIT_NO_VM : EXIT_REFUSED;
	}
	if (ans->status >= 200 && ans->status < 300)
		return 0;
	fprintf(stderr, "lkvm %s: %s: %s (HTTP %d)\n", cmd, name,
		api_answer__error(ans, why, sizeof(why)) ?: "refused", ans->status);
	api_answer__free(ans);
	return EXIT_REFUSED;
}

int control__simple(int argc, char **argv, const char *path, const char *done)
{
	struct api_answer ans;
	int ret;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: lkvm %s NAME\n", argv[0]);
		return EXIT_USAGE;
	}
	ret = control__call(argv[0], argv[1], "PUT", path, NULL, &ans);
	if (ret)
		return ret;
	api_answer__free(&ans);
	printf("%s: %s\n", argv[1], done);
	return 0;
}
