/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HTTP_H
#define LKVM_HTTP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The control API's HTTP/1.1, as far as lkvm speaks it (api/http.c, on
 * Debian's http-parser): persistent connections, one request at a time,
 * bodies only with Content-Length, every part bounded. A client is
 * untrusted.
 */
#define HTTP_MAX_REQUEST	(64 << 10)	/* request line, headers and body */
#define HTTP_MAX_HEADERS	32
#define HTTP_MAX_PATH		256

enum http_method {
	HTTP_METHOD_OTHER = 0,
	HTTP_METHOD_GET,
	HTTP_METHOD_PUT,
};

/*
 * One complete request; @body is NUL-terminated (body_len excludes it).
 * @keep_alive: the client may send another request on the connection, as
 * HTTP/1.1 has it (http_should_keep_alive): an HTTP/1.1 request without
 * "Connection: close", an HTTP/1.0 one with "Connection: keep-alive";
 * never one that asks to change protocols (Upgrade, CONNECT).
 */
struct http_request {
	enum http_method method;
	char path[HTTP_MAX_PATH + 1];
	const char *body;
	size_t body_len;
	bool keep_alive;
};

/* What a handler answers: a status and, unless 204, a JSON body. */
#define HTTP_MAX_REPLY_BODY	(1 << 20)	/* vm.counters of 256 vCPUs fits */

struct http_reply {
	int status;		/* 200, 204, 400, 404, 405, 409, 500, 501, 504 */
	char *body;		/* malloc'ed JSON, or NULL */
	size_t body_len;
	/* no answer yet: it comes later, through the request's http_later */
	bool later;
};

/*
 * An answer that comes later: an operation that takes a while (a
 * hot-plug waits for the guest) is answered when it is done, without
 * holding the event loop. The server hands one to each request; a
 * handler that keeps it sets reply->later, and whoever finishes calls
 * @answer(@server, @token, reply) exactly once, which sends the reply (its
 * body is then the server's) to the client if it still waits, and drops
 * it otherwise (the client hung up, or the server closed).
 */
struct http_later {
	void (*answer)(void *server, uint64_t token, struct http_reply *reply);
	void *server;
	uint64_t token;
};

/*
 * The server's side of one connection: an incremental request parser,
 * one request at a time. Bytes that come after a complete request in the
 * same feed (a client that pipelines) are kept, unparsed, until
 * http_conn__next(); after a request that does not keep the connection
 * they are dropped. Each request gets a parser as new. The path is the
 * URL's path as sent (no percent-decoding); a query string or fragment is
 * refused (400), and so is a URL that does not start with '/'. Methods
 * other than GET and PUT parse as HTTP_METHOD_OTHER, for the routes to
 * answer 405; a token http-parser does not know as a method is a 400.
 * Memory: the body, at most HTTP_MAX_REQUEST bytes, and the bytes kept
 * after a request, at most one feed's.
 */
enum {
	HTTP_CONN_MORE,		/* feed more bytes */
	HTTP_CONN_DONE,		/* the request is in @req */
	HTTP_CONN_ERROR,	/* answer @error_status, then close */
};

struct http_conn_state;		/* api/http.c's: the parser, the body so far */

struct http_conn {
	struct http_request req;	/* complete once DONE */
	/*
	 * After ERROR: 400 malformed, 411 a body without Content-Length
	 * (chunked), 413 more than HTTP_MAX_REQUEST bytes in all, 414 a path
	 * longer than HTTP_MAX_PATH, 431 more than HTTP_MAX_HEADERS headers,
	 * 500 out of memory, 505 not HTTP/1.x; @error says what, in a line.
	 */
	int error_status;
	char error[128];
	struct http_conn_state *state;
};

void http_conn__init(struct http_conn *c);
/*
 * The next @len bytes the client sent: HTTP_CONN_MORE, _DONE or _ERROR.
 * Once DONE or ERROR, every later call answers the same and reads nothing
 * (until http_conn__next() after DONE). An empty feed reads nothing; the
 * end of the stream is the caller's.
 */
int http_conn__feed(struct http_conn *c, const char *data, size_t len);
/*
 * Done with the request in @c->req (once DONE and answered): its body is
 * freed and the next request starts with a parser as new, on the bytes
 * kept after the last one. Returns http_conn__feed()'s answer for those
 * bytes: HTTP_CONN_MORE when there were none, or not enough; ERROR (and
 * nothing is reset) after an error.
 */
int http_conn__next(struct http_conn *c);
/* Are there bytes after the request, kept for http_conn__next()? */
bool http_conn__pending(const struct http_conn *c);
/*
 * Has a request begun: a byte of its request line (the empty lines
 * HTTP/1.1 allows before one do not count)? A stream that ends, or goes
 * quiet, before a request begins has not cut one short.
 */
bool http_conn__started(const struct http_conn *c);
/* Free the body and parser; @c may be initialised and used again. */
void http_conn__free(struct http_conn *c);

/*
 * The bytes of a reply: "HTTP/1.1 <status> <reason>", then Content-Type:
 * application/json, Content-Length and "Connection: keep-alive" when
 * @keep_alive (the server reads the next request; an HTTP/1.0 client
 * needs to be told), else "Connection: close"; a 204 has none but the
 * last, and no body. *@out is malloc'ed (the caller frees it). 0, or
 * -EINVAL (a status http-parser does not name, a 204 with a body),
 * -E2BIG (a body over HTTP_MAX_REPLY_BODY), -ENOMEM, with a message.
 */
int http_reply__format(const struct http_reply *r, bool keep_alive, char **out,
		       size_t *len);

/*
 * Make @r an error reply: @status with the body
 * {"error":{"code":"<reason in CamelCase>","message":"<message>"}},
 * e.g. "BadRequest" for 400, "RequestTimeout" for 408 (500 is
 * "InternalError", as the routes say). @r->body (NULL or malloc'ed) is replaced.
 * 0, or -ENOMEM (then @r->body is NULL).
 */
int http_reply__set_error(struct http_reply *r, int status, const char *message);

/*
 * The client's side: parse a whole response, all that was read up to
 * the end of the stream, in @buf. *@body points into @buf (not
 * NUL-terminated; "" when there is none). 0; -ENODATA when the response
 * ends early; -EPROTO when it is malformed or chunked; with a message.
 */
int http_response__parse(const char *buf, size_t len, int *status,
			 const char **body, size_t *body_len);

#endif
