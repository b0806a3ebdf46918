/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_CLIENT_H
#define LKVM_API_CLIENT_H

#include <stddef.h>
#include <stdint.h>

/*
 * One call to a running lkvm's control API (api/client.c): what the
 * commands list, stat, pause, resume and stop use, and what a test or a
 * monitor can use instead of curl.
 */
struct api_answer {
	int status;		/* HTTP status */
	char *body;		/* NUL-terminated (malloc'ed), or NULL */
	size_t body_len;
};

/* How long a call may take, connection to last byte (a pause is quick). */
#define API_CALL_TIMEOUT_MS	30000

/*
 * The socket of the VM @name_or_path: a path when it contains a '/', else
 * the name's socket in the run directory. 0 or a negative errno with a
 * message.
 */
int api_client__socket(const char *name_or_path, char *out, size_t len);

/*
 * @method @path (under /api/v1/) with @body (JSON or NULL) to the socket
 * at @sock. 0 with @ans filled (any status), or a negative errno with a
 * message: nobody listens (-ECONNREFUSED, -ENOENT), no answer in time
 * (-ETIMEDOUT), a malformed answer (-EPROTO).
 */
int api_client__call(const char *sock, const char *method, const char *path,
		     const char *body, struct api_answer *ans);
/* The same, with @timeout_ms for the whole call (a hot-plug waits for the guest). */
int api_client__call_within(const char *sock, const char *method,
			    const char *path, const char *body,
			    uint64_t timeout_ms, struct api_answer *ans);
void api_answer__free(struct api_answer *ans);

/*
 * The bytes of @in_fd, as they come, to the socket at @sock, then
 * whatever the server answers to @out_fd until it closes: any request at
 * all, well-formed or not, or several (for tests and debugging). The
 * server closes after a request with "Connection: close", and after
 * others once @in_fd has ended or the connection has been idle for
 * API_CLIENT_TIMEOUT_MS. Bounded: at most API_RAW_MAX bytes each way. 0
 * or a negative errno with a message.
 */
#define API_RAW_MAX	(4 << 20)
int api_client__raw(const char *sock, int in_fd, int out_fd);

/* The message of an error answer's {"error": {"message": ...}}, or NULL. */
const char *api_answer__error(const struct api_answer *ans, char *buf,
			      size_t len);

#endif
