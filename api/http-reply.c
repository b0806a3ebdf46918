// SPDX-License-Identifier: GPL-2.0
/*
 * Replies: the bytes the server sends, the JSON error body every failure
 * answers with, and the client's parse of what came back. The reason
 * phrases are http-parser's, so a status it does not know is refused.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "http-internal.h"
#include "lkvm/util.h"

/* http_status_str()'s answer for a status it does not know */
#define UNKNOWN_STATUS "<unknown>"

static const char *reason_of(int status)
{
	const char *reason;

	if (status < 100 || status > 599)
		return NULL;
	reason = http_status_str((enum http_status)status);
	return strcmp(reason, UNKNOWN_STATUS) ? reason : NULL;
}

int http_reply__format(const struct http_reply *r, bool keep_alive, char **out,
		       size_t *len)
{
	const char *reason = reason_of(r->status);
	const char *conn = keep_alive ? "keep-alive" : "close";
	char head[160];
	int n;

	if (!reason)
		return lkvm__fail(-EINVAL, "HTTP status %d has no name", r->status);
	if (r->body_len && !r->body)
		return lkvm__fail(-EINVAL, "a %d reply of %zu bytes has no body",
				  r->status, r->body_len);
	if (r->status == 204 && r->body_len)
		return lkvm__fail(-EINVAL, "a 204 reply has no body");
	if (r->body_len > HTTP_MAX_REPLY_BODY)
		return lkvm__fail(-E2BIG, "a reply of %zu bytes (at most %d)",
				  r->body_len, HTTP_MAX_REPLY_BODY);
	if (r->status == 204)
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 204 %s\r\nConnection: %s\r\n\r\n", reason,
			     conn);
	else
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
			     "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
			     r->status, reason, r->body_len, conn);
	*out = malloc((size_t)n + r->body_len);
	if (!*out)
		return lkvm__fail(-ENOMEM, "out of memory for a reply");
	memcpy(*out, head, (size_t)n);
	if (r->body_len)
		memcpy(*out + n, r->body, r->body_len);
	*len = (size_t)n + r->body_len;
	return 0;
}

/*
 * "Payload Too Large" -> "PayloadTooLarge": the same form as the routes'
 * codes (BadRequest, WrongState, ...), so a client matches one style;
 * 500 is the routes' InternalError.
 */
static void camel_case(char *dst, size_t size, int status, const char *reason)
{
	size_t i, n = 0;
	bool word_start = true;

	if (status == 500)
		reason = "Internal Error";
	for (i = 0; reason[i] && n + 1 < size; i++) {
		if (!isalnum((unsigned char)reason[i])) {
			word_start = true;
			continue;
		}
		dst[n++] = word_start ? (char)toupper((unsigned char)reason[i]) :
					reason[i];
		word_start = false;
	}
	dst[n] = '\0';
}

/* {"error":{"code":...,"message":...}} as a malloc'ed string, or NULL */
static char *error_json(const char *code, const char *message)
{
	json_object *root = json_object_new_object();
	json_object *error = json_object_new_object();
	char *text = NULL;

	if (!root || !error) {
		json_object_put(error);
		goto out;
	}
	json_object_object_add(root, "error", error);
	if (json_object_object_add(error, "code", json_object_new_string(code)) ||
	    json_object_object_add(error, "message",
				   json_object_new_string(message)))
		goto out;
	text = strdup(json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
out:
	json_object_put(root);
	return text;
}

int http_reply__set_error(struct http_reply *r, int status, const char *message)
{
	const char *reason = reason_of(status);
	char code[64];

	camel_case(code, sizeof(code), status, reason ? reason : "Error");
	free(r->body);
	r->status = status;
	r->body = error_json(code, message);
	r->body_len = r->body ? strlen(r->body) : 0;
	return r->body ? 0 : lkvm__fail(-ENOMEM, "out of memory for a reply");
}

/* What the client's parse has found so far. */
struct response {
	const char *body;
	size_t body_len;
	bool complete;
	bool broken;		/* a body in pieces: chunked */
};

static int on_response_body(http_parser *p, const char *at, size_t len)
{
	struct response *r = p->data;

	if (!r->body)
		r->body = at;
	else if (at != r->body + r->body_len)
		r->broken = true;
	r->body_len += len;
	return r->broken ? -1 : 0;
}

static int on_chunk_header(http_parser *p)
{
	struct response *r = p->data;

	r->broken = true;
	return -1;
}

static int on_response_complete(http_parser *p)
{
	struct response *r = p->data;

	r->complete = true;
	return 0;
}

static const http_parser_settings response_settings = {
	.on_body = on_response_body,
	.on_chunk_header = on_chunk_header,
	.on_message_complete = on_response_complete,
};

int http_response__parse(const char *buf, size_t len, int *status,
			 const char **body, size_t *body_len)
{
	struct response r = { 0 };
	enum http_errno err;
	http_parser p;

	http_parser_init(&p, HTTP_RESPONSE);
	p.data = &r;
	http_parser_execute(&p, &response_settings, buf, len);
	/* no Content-Length: the body ends with the stream, which has */
	if (!r.complete && HTTP_PARSER_ERRNO(&p) == HPE_OK)
		http_parser_execute(&p, &response_settings, buf + len, 0);
	if (r.broken)
		return lkvm__fail(-EPROTO, "the response's body is chunked");
	err = HTTP_PARSER_ERRNO(&p);
	if (!r.complete && (err == HPE_OK || err == HPE_INVALID_EOF_STATE))
		return lkvm__fail(-ENODATA, "the response ends early (%zu bytes)",
				  len);
	if (!r.complete)
		return lkvm__fail(-EPROTO, "malformed response: %s",
				  http_errno_description(err));
	*status = p.status_code;
	*body = r.body ? r.body : "";
	*body_len = r.body_len;
	return 0;
}
