// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of the control API: one request per connection. The
 * server keeps connections for more, but a command makes one call, so
 * its request says "Connection: close" and the whole answer is what
 * comes until the server closes; every wait is bounded by one deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lkvm/api-client.h"
#include "lkvm/api-server.h"
#include "lkvm/api.h"
#include "lkvm/http.h"
#include "lkvm/util.h"

/* The most of an answer lkvm reads: the largest body and its head. */
#define ANSWER_MAX	(HTTP_MAX_REPLY_BODY + 4096)

int api_client__socket(const char *name_or_path, char *out, size_t len)
{
	if (strchr(name_or_path, '/')) {
		if ((size_t)snprintf(out, len, "%s", name_or_path) >= len)
			return lkvm__fail(-ENAMETOOLONG, "socket path too long: %.80s",
					  name_or_path);
		return 0;
	}
	return api_socket__path(name_or_path, NULL, out, len);
}

static int connect_to(const char *sock)
{
	int fd = api_socket__connect(sock, 0);

	if (fd == -ENAMETOOLONG)
		return lkvm__fail(fd, "socket path too long: %.80s", sock);
	if (fd == -ENOENT || fd == -ECONNREFUSED)
		return lkvm__fail(fd, "no VM answers at %s", sock);
	if (fd < 0)
		return lkvm__fail(fd, "cannot connect to %s: %s", sock, strerror(-fd));
	return fd;
}

/* Wait for @events on @fd until @deadline (ms, CLOCK_MONOTONIC). */
static int wait_for(int fd, short events, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	uint64_t now = lkvm__now_ms();
	int n;

	do {
		if (now >= deadline)
			return lkvm__fail(-ETIMEDOUT, "no answer from the VM in time");
		n = poll(&p, 1, (int)(deadline - now));
		now = lkvm__now_ms();
	} while (n < 0 && errno == EINTR);
	return n < 0 ? lkvm__fail(-errno, "poll: %s", strerror(errno)) : 0;
}

static int send_all(int fd, const char *buf, size_t len, uint64_t deadline)
{
	ssize_t n;
	int ret;

	while (len) {
		ret = wait_for(fd, POLLOUT, deadline);
		if (ret)
			return ret;
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return lkvm__fail(-errno, "cannot send the request: %s",
					  strerror(errno));
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Everything until the server closes: the answer, at most ANSWER_MAX. */
static int recv_all(int fd, char **out, size_t *len, uint64_t deadline)
{
	char *buf = malloc(ANSWER_MAX + 1);
	size_t have = 0;
	ssize_t n;
	int ret;

	if (!buf)
		return lkvm__fail(-ENOMEM, "out of memory");
	for (;;) {
		ret = wait_for(fd, POLLIN, deadline);
		if (ret)
			break;
		n = recv(fd, buf + have, ANSWER_MAX - have, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = lkvm__fail(-errno, "cannot read the answer: %s",
					 strerror(errno));
			break;
		}
		if (!n)
			break;
		have += (size_t)n;
		if (have == ANSWER_MAX) {
			ret = lkvm__fail(-EPROTO, "the answer is too large");
			break;
		}
	}
	if (ret) {
		free(buf);
		return ret;
	}
	buf[have] = '\0';
	*out = buf;
	*len = have;
	return 0;
}

static int parse_answer(const char *raw, size_t len, struct api_answer *ans)
{
	const char *body;
	size_t body_len;

	if (http_response__parse(raw, len, &ans->status, &body, &body_len))
		return lkvm__fail(-EPROTO, "the VM's answer is not HTTP");
	ans->body = malloc(body_len + 1);
	if (!ans->body)
		return lkvm__fail(-ENOMEM, "out of memory");
	memcpy(ans->body, body, body_len);
	ans->body[body_len] = '\0';
	ans->body_len = body_len;
	return 0;
}

int api_client__call(const char *sock, const char *method, const char *path,
		     const char *body, struct api_answer *ans)
{
	return api_client__call_within(sock, method, path, body,
				       API_CALL_TIMEOUT_MS, ans);
}

int api_client__call_within(const char *sock, const char *method,
			    const char *path, const char *body,
			    uint64_t timeout_ms, struct api_answer *ans)
{
	uint64_t deadline = lkvm__now_ms() + timeout_ms;
	size_t body_len = body ? strlen(body) : 0, raw_len = 0;
	char head[512], *raw = NULL;
	int fd, n, ret;

	memset(ans, 0, sizeof(*ans));
	n = snprintf(head, sizeof(head),
		     "%s " API_PREFIX "%s HTTP/1.1\r\nHost: localhost\r\n"
		     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n", method, path, body_len);
	if (n < 0 || (size_t)n >= sizeof(head))
		return lkvm__fail(-E2BIG, "request path too long");
	fd = connect_to(sock);
	if (fd < 0)
		return fd;
	ret = send_all(fd, head, (size_t)n, deadline);
	if (!ret && body_len)
		ret = send_all(fd, body, body_len, deadline);
	if (!ret)
		ret = recv_all(fd, &raw, &raw_len, deadline);
	close(fd);
	if (!ret)
		ret = parse_answer(raw, raw_len, ans);
	free(raw);
	return ret;
}

void api_answer__free(struct api_answer *ans)
{
	free(ans->body);
	ans->body = NULL;
	ans->body_len = 0;
}

const char *api_answer__error(const struct api_answer *ans, char *buf,
			      size_t len)
{
	struct json_object *root, *err, *msg;
	const char *text = NULL;

	if (!ans->body || !ans->body_len)
		return NULL;
	root = json_tokener_parse(ans->body);
	if (root && json_object_object_get_ex(root, "error", &err) &&
	    json_object_object_get_ex(err, "message", &msg) &&
	    json_object_is_type(msg, json_type_string)) {
		snprintf(buf, len, "%s", json_object_get_string(msg));
		text = buf;
	}
	json_object_put(root);
	return text;
}

/* Copy what @from has (once it is readable) to @to: bytes moved, 0 at EOF. */
static ssize_t pass_on(int from, int to, char *buf, size_t len)
{
	ssize_t n = read(from, buf, len), done = 0, w;

	while (n > 0 && done < n) {
		w = write(to, buf + done, (size_t)(n - done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += w;
	}
	return n;
}

int api_client__raw(const char *sock, int in_fd, int out_fd)
{
	struct pollfd p[2];
	size_t sent = 0, got = 0;
	char buf[4096];
	ssize_t n;
	int fd;

	fd = connect_to(sock);
	if (fd < 0)
		return fd;
	p[0] = (struct pollfd){ .fd = in_fd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = fd, .events = POLLIN };
	/*
	 * Until the server closes: it may answer before the input ends, and
	 * after requests that keep the connection it closes once the input
	 * has ended (our half-close) or the connection has been idle too long.
	 */
	while (got < API_RAW_MAX) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents) {
			n = pass_on(fd, out_fd, buf, sizeof(buf));
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (p[0].revents) {
			n = pass_on(in_fd, fd, buf, sizeof(buf));
			if (n > 0)
				sent += (size_t)n;
			/* the end of the input, or all we send: say so, read on */
			if (n <= 0 || sent >= API_RAW_MAX) {
				shutdown(fd, SHUT_WR);
				p[0].fd = -1;
			}
		}
	}
	close(fd);
	return 0;
}
