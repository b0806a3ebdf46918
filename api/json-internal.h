/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_API_JSON_INTERNAL_H
#define LKVM_API_JSON_INTERNAL_H

/*
 * JSON for the control API's routes (api/json.c), on json-c: request
 * bodies read strictly, request fields checked against a description,
 * replies written as valid UTF-8 whatever bytes the VM's strings hold.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "lkvm/http.h"

/* A request body nests no deeper than this (json-c counts the top level). */
#define API_JSON_MAX_DEPTH	8

/*
 * Parse @len bytes of @body as one JSON object (trailing white space
 * allowed). Refused with -EINVAL and a message that starts with @what:
 * truncated or malformed JSON, invalid UTF-8, a NUL character (a byte or
 * the escape \u0000), nesting deeper than API_JSON_MAX_DEPTH, anything but
 * an object at the top.
 */
int api_json__parse_object(const char *what, const char *body, size_t len,
			   struct json_object **out);

enum api_field_kind {
	API_FIELD_UINT,		/* an integer in [min, max] into *u */
	API_FIELD_STRING,	/* a string of 1 to max bytes into s[max + 1] */
	API_FIELD_BOOL,		/* true or false into *b */
};

/* One field a request may carry; what is absent keeps its default. */
struct api_field {
	const char *name;
	enum api_field_kind kind;
	int64_t min, max;	/* UINT: 0 <= min <= max < INT64_MAX */
	union {
		uint64_t *u;
		char *s;
		bool *b;
	} out;
	bool *seen;		/* if not NULL: set when the field was given */
};

/*
 * Take the fields of @obj as @fields describe them: an unknown field, a
 * wrong type or a value out of range is refused with -EINVAL and a
 * message that names the field.
 */
int api_json__take_fields(const char *what, struct json_object *obj,
			  const struct api_field *fields, size_t nr);

/*
 * The at most @max bytes at @s (less at a NUL) as a malloc'ed string of
 * valid UTF-8: each byte that does not start a valid sequence becomes
 * U+FFFD. NULL when out of memory.
 */
char *api_json__utf8_dup(const char *s, size_t max);

/* A JSON string of api_json__utf8_dup(@s, @max); NULL when out of memory. */
struct json_object *api_json__string(const char *s, size_t max);

/*
 * Add @val to @obj under @key, a string literal. -ENOMEM when @val is NULL
 * (its constructor failed) or the addition fails, @val put then; so a chain
 * of additions joined by || stops at the first failure and leaks nothing.
 */
int api_json__add(struct json_object *obj, const char *key,
		  struct json_object *val);
/* The same under a name from the VM: at most @max bytes, made UTF-8. */
int api_json__add_named(struct json_object *obj, const char *name, size_t max,
			struct json_object *val);
/* Append @val to @array, with api_json__add's rules. */
int api_json__append(struct json_object *array, struct json_object *val);

/*
 * Reply @status with @obj as its body, bounded by HTTP_MAX_REPLY_BODY;
 * @obj is put either way. Returns 0, -ENOMEM or -EFBIG (too long, with a
 * message), and leaves @reply alone on failure.
 */
int api_json__reply(struct http_reply *reply, int status,
		    struct json_object *obj);

/*
 * Reply @status with {"error": {"code": @code, "message": @message}}; when
 * even that cannot be built, the status alone with no body.
 */
void api_json__error_reply(struct http_reply *reply, int status,
			   const char *code, const char *message);

#endif
