// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the control API's HTTP, what an untrusted client and
 * an untrusted server can send. The first byte sets the size of the
 * pieces the rest is fed in (0: whole); the request parser, driven as the
 * server drives a persistent connection (each request that keeps it
 * followed by http_conn__next() on the bytes after it), must give only
 * requests it can stand behind, and end in a status it names or wanting
 * more; then the same bytes go to the client's response parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/http.h"

static void check_request(const struct http_conn *c)
{
	const struct http_request *r = &c->req;

	if (r->path[0] != '/' || strlen(r->path) > HTTP_MAX_PATH ||
	    strpbrk(r->path, "?#") || !r->body || r->body[r->body_len] != '\0' ||
	    r->body_len > HTTP_MAX_REQUEST)
		abort();
}

static void check_error(const struct http_conn *c)
{
	switch (c->error_status) {
	case 400: case 411: case 413: case 414: case 431: case 500: case 505:
		break;
	default:
		abort();
	}
	if (!c->error[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 1, *body;
	size_t len, piece, at, body_len;
	struct http_conn c;
	int ret = HTTP_CONN_MORE, status;

	if (size < 1)
		return 0;
	len = size - 1;
	piece = data[0] ? data[0] : len;
	http_conn__init(&c);
	for (at = 0; at < len && ret == HTTP_CONN_MORE; at += piece) {
		ret = http_conn__feed(&c, text + at, len - at < piece ? len - at : piece);
		/* every request those bytes complete, in turn */
		while (ret == HTTP_CONN_DONE && c.req.keep_alive) {
			check_request(&c);
			ret = http_conn__next(&c);
			if (ret == HTTP_CONN_MORE && http_conn__pending(&c))
				abort();
		}
	}
	if (ret == HTTP_CONN_DONE)
		check_request(&c);	/* the last: it closes the connection */
	else if (ret == HTTP_CONN_ERROR)
		check_error(&c);
	http_conn__free(&c);
	if (!http_response__parse(text, len, &status, &body, &body_len) &&
	    (body_len > len || (body_len && (body < text || body + body_len > text + len))))
		abort();
	return 0;
}
