/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HTTP_H
#define LKVM_HTTP_H

#include <stddef.h>

/*
 * The control API's HTTP/1.1, as far as lkvm speaks it (api/http.c, on
 * Debian's http-parser): one request per connection, bodies only with
 * Content-Length, every part bounded. A client is untrusted.
 */
#define HTTP_MAX_REQUEST	(64 << 10)	/* request line, headers and body */
#define HTTP_MAX_HEADERS	32
#define HTTP_MAX_PATH		256

enum http_method {
	HTTP_METHOD_OTHER = 0,
	HTTP_METHOD_GET,
	HTTP_METHOD_PUT,
};

/* One complete request; @body is NUL-terminated (body_len excludes it). */
struct http_request {
	enum http_method method;
	char path[HTTP_MAX_PATH + 1];
	const char *body;
	size_t body_len;
};

/* What a handler answers: a status and, unless 204, a JSON body. */
#define HTTP_MAX_REPLY_BODY	(256 << 10)

struct http_reply {
	int status;		/* 200, 204, 400, 404, 405, 409, 500, 501, 504 */
	char *body;		/* malloc'ed JSON, or NULL */
	size_t body_len;
};

#endif
