// SPDX-License-Identifier: GPL-2.0
/*
 * The server's side of the control API's HTTP: the requests of one
 * connection, one at a time, parsed with http-parser as their bytes
 * arrive. A client is untrusted, so each part is bounded before it is
 * kept: the path by HTTP_MAX_PATH, the headers (counted, never stored) by
 * HTTP_MAX_HEADERS, and the whole request by HTTP_MAX_REQUEST, which
 * bounds the body. Every request starts on a parser and bounds as new:
 * nothing of one (a header count, a flag, a length) carries over to the
 * next. Allocated: the body, and what a pipelining client sent after a
 * request, kept until the server is ready for it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http-internal.h"

struct http_conn_state {
	http_parser parser;
	struct http_conn *conn;
	int result;		/* HTTP_CONN_MORE or _DONE; errors are conn's */
	size_t taken;		/* bytes given to the parser before this feed */
	const char *chunk;	/* the bytes of this feed */
	bool begun;		/* the request line has begun */
	size_t head_seen;	/* the end of the last piece of the head seen */
	size_t path_len;
	unsigned int nr_headers;
	bool in_field;		/* inside a header's name */
	char *body;		/* Content-Length + 1 bytes, or NULL */
	size_t body_size;	/* Content-Length */
	size_t body_len;	/* received so far */
	char *rest;		/* bytes after the request, not parsed yet */
	size_t rest_len;
};

static struct http_conn_state *state_of(http_parser *p)
{
	return p->data;
}

/* Stop parsing: answer @status. Returns the callbacks' "halt". */
static int __attribute__((format(printf, 3, 4)))
refuse(struct http_conn_state *s, int status, const char *fmt, ...)
{
	struct http_conn *c = s->conn;
	va_list ap;

	c->error_status = status;
	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
	return -1;
}

/* The head's pieces pass by here; where the last one ended bounds it. */
static void saw_head(struct http_conn_state *s, const char *at, size_t len)
{
	s->head_seen = s->taken + (size_t)(at - s->chunk) + len;
}

static int on_message_begin(http_parser *p)
{
	state_of(p)->begun = true;
	return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
	struct http_conn_state *s = state_of(p);

	if (len > HTTP_MAX_PATH - s->path_len)
		return refuse(s, 414, "the path is longer than %d bytes",
			      HTTP_MAX_PATH);
	memcpy(s->conn->req.path + s->path_len, at, len);
	s->path_len += len;
	s->conn->req.path[s->path_len] = '\0';
	saw_head(s, at, len);
	return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
	struct http_conn_state *s = state_of(p);

	/* a name may come in pieces: count it at its first */
	if (!s->in_field && ++s->nr_headers > HTTP_MAX_HEADERS)
		return refuse(s, 431, "more than %d headers", HTTP_MAX_HEADERS);
	s->in_field = true;
	saw_head(s, at, len);
	return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
	struct http_conn_state *s = state_of(p);

	s->in_field = false;
	saw_head(s, at, len);
	return 0;
}

static enum http_method method_of(const http_parser *p)
{
	switch (p->method) {
	case HTTP_GET:
		return HTTP_METHOD_GET;
	case HTTP_PUT:
		return HTTP_METHOD_PUT;
	default:
		return HTTP_METHOD_OTHER;	/* the routes answer 405 */
	}
}

static int on_headers_complete(http_parser *p)
{
	struct http_conn_state *s = state_of(p);
	const char *path = s->conn->req.path;

	if (p->http_major != 1)
		return refuse(s, 505, "HTTP/%u.%u: only HTTP/1.x is spoken",
			      p->http_major, p->http_minor);
	if (path[0] != '/')
		return refuse(s, 400, "the URL is not a path");
	/* nothing takes parameters: a query would be silently ignored */
	if (strpbrk(path, "?#"))
		return refuse(s, 400, "the URL has a query or fragment");
	if ((p->flags & F_CHUNKED) || p->uses_transfer_encoding)
		return refuse(s, 411, "a body needs a Content-Length (no chunks)");
	s->conn->req.method = method_of(p);
	if (!(p->flags & F_CONTENTLENGTH) || !p->content_length)
		return 0;
	/*
	 * A lower bound of the head's length: enough to refuse a large body
	 * before it comes; http_conn__feed() enforces the exact total.
	 */
	if (p->content_length > HTTP_MAX_REQUEST - s->head_seen)
		return refuse(s, 413, "the request is larger than %d bytes",
			      HTTP_MAX_REQUEST);
	s->body_size = p->content_length;
	s->body = malloc(s->body_size + 1);
	if (!s->body)
		return refuse(s, 500, "out of memory for the body");
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
	struct http_conn_state *s = state_of(p);

	/* http-parser stops at Content-Length; checked all the same */
	if (!s->body || len > s->body_size - s->body_len)
		return refuse(s, 400, "more body than Content-Length");
	memcpy(s->body + s->body_len, at, len);
	s->body_len += len;
	return 0;
}

static int on_message_complete(http_parser *p)
{
	struct http_conn_state *s = state_of(p);
	struct http_request *req = &s->conn->req;

	if (s->body) {
		s->body[s->body_len] = '\0';
		req->body = s->body;
	} else {
		req->body = "";
	}
	req->body_len = s->body_len;
	/* a request for another protocol is answered, then the end */
	req->keep_alive = http_should_keep_alive(p) && !p->upgrade;
	s->result = HTTP_CONN_DONE;
	/*
	 * One request at a time: whatever follows waits for its answer.
	 * Paused, the parser returns where this request ended.
	 */
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings request_settings = {
	.on_message_begin = on_message_begin,
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

void http_conn__init(struct http_conn *c)
{
	memset(c, 0, sizeof(*c));
}

/* @s as new for the next request of @c: zeroed, a fresh parser */
static void state_start(struct http_conn_state *s, struct http_conn *c)
{
	memset(s, 0, sizeof(*s));
	http_parser_init(&s->parser, HTTP_REQUEST);
	s->parser.data = s;
	s->conn = c;
	s->result = HTTP_CONN_MORE;
}

static struct http_conn_state *state_new(struct http_conn *c)
{
	struct http_conn_state *s = malloc(sizeof(*s));

	if (s)
		state_start(s, c);
	return s;
}

/*
 * The request is complete: keep the @len bytes after it, the start of the
 * next one, if the connection goes on. Without the memory for them the
 * connection ends after this answer ("Connection: close"), which tells
 * the client that they were not read.
 */
static int keep_rest(struct http_conn_state *s, const char *rest, size_t len)
{
	if (!len || !s->conn->req.keep_alive)
		return HTTP_CONN_DONE;
	s->rest = malloc(len);
	if (!s->rest) {
		s->conn->req.keep_alive = false;
		return HTTP_CONN_DONE;
	}
	memcpy(s->rest, rest, len);
	s->rest_len = len;
	return HTTP_CONN_DONE;
}

/* An error http-parser found (not one of the callbacks'). */
static int parser_error(struct http_conn_state *s, enum http_errno err)
{
	const char *what = http_errno_description(err);

	switch (err) {
	case HPE_HEADER_OVERFLOW:
		refuse(s, 431, "%s", what);
		break;
	case HPE_INVALID_TRANSFER_ENCODING:
		refuse(s, 411, "%s", what);
		break;
	default:
		refuse(s, 400, "malformed request: %s", what);
		break;
	}
	return HTTP_CONN_ERROR;
}

int http_conn__feed(struct http_conn *c, const char *data, size_t len)
{
	struct http_conn_state *s = c->state;
	enum http_errno err;
	size_t room, n, used = 0;

	if (c->error_status)
		return HTTP_CONN_ERROR;
	if (s && s->result == HTTP_CONN_DONE)
		return HTTP_CONN_DONE;
	if (!len)
		return HTTP_CONN_MORE;	/* an empty execute means EOF to it */
	if (!s) {
		s = c->state = state_new(c);
		if (!s) {
			c->error_status = 500;
			snprintf(c->error, sizeof(c->error), "out of memory");
			return HTTP_CONN_ERROR;
		}
	}
	room = HTTP_MAX_REQUEST - s->taken;
	n = len < room ? len : room;
	if (n) {
		s->chunk = data;
		used = http_parser_execute(&s->parser, &request_settings, data, n);
		s->taken += used;
	}
	if (s->result == HTTP_CONN_DONE)
		return keep_rest(s, data + used, len - used);
	if (c->error_status)
		return HTTP_CONN_ERROR;
	err = HTTP_PARSER_ERRNO(&s->parser);
	if (err != HPE_OK)
		return parser_error(s, err);
	if (n < len) {
		refuse(s, 413, "the request is larger than %d bytes",
		       HTTP_MAX_REQUEST);
		return HTTP_CONN_ERROR;
	}
	return HTTP_CONN_MORE;
}

int http_conn__next(struct http_conn *c)
{
	struct http_conn_state *s = c->state;
	size_t len;
	char *rest;
	int ret;

	if (c->error_status)
		return HTTP_CONN_ERROR;
	if (!s)
		return HTTP_CONN_MORE;
	rest = s->rest;
	len = s->rest_len;
	free(s->body);
	state_start(s, c);
	memset(&c->req, 0, sizeof(c->req));
	ret = http_conn__feed(c, rest, len);
	free(rest);
	return ret;
}

bool http_conn__pending(const struct http_conn *c)
{
	return c->state && c->state->rest_len;
}

bool http_conn__started(const struct http_conn *c)
{
	return c->state && c->state->begun;
}

void http_conn__free(struct http_conn *c)
{
	if (c->state) {
		free(c->state->body);
		free(c->state->rest);
		free(c->state);
	}
	http_conn__init(c);
}
