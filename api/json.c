// SPDX-License-Identifier: GPL-2.0
/*
 * JSON in and out of the control API, on json-c. A request body comes from
 * an untrusted client: it is read strictly and its fields are checked
 * against what the route expects. A reply carries strings the VM took from
 * users and files (paths, names, the command line), which may hold any
 * bytes: json-c escapes quotes, backslashes and control characters, and
 * everything else is made valid UTF-8 here, since json-c passes bytes of
 * 0x80 and above through as they are.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lkvm/util.h"
#include "json-internal.h"

/* an error message is one lkvm__fail line; this only bounds the copy */
#define API_ERROR_MESSAGE_MAX	1024

/*
 * The length of the valid UTF-8 sequence at @s (@len bytes left), 0 when
 * none starts there: a stray continuation byte, a truncated sequence, an
 * overlong form, a surrogate or a code point beyond U+10FFFF.
 */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
	uint32_t cp, least;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, cp = s[0] & 0x1f, least = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, cp = s[0] & 0x0f, least = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, cp = s[0] & 0x07, least = 0x10000;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* where @s stops being valid UTF-8, or @len */
static size_t utf8_valid_prefix(const char *s, size_t len)
{
	size_t at = 0, n;

	while (at < len &&
	       (n = utf8_sequence((const unsigned char *)s + at, len - at)))
		at += n;
	return at;
}

char *api_json__utf8_dup(const char *s, size_t max)
{
	static const char replacement[] = "\xef\xbf\xbd";	/* U+FFFD */
	size_t len = strnlen(s, max), in = 0, out = 0, n;
	char *dup;

	/* at worst every byte becomes the three of U+FFFD */
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	dup = malloc(len * 3 + 1);
	if (!dup)
		return NULL;
	while (in < len) {
		n = utf8_sequence((const unsigned char *)s + in, len - in);
		if (n) {
			memcpy(dup + out, s + in, n);
			out += n;
			in += n;
		} else {
			memcpy(dup + out, replacement, 3);
			out += 3;
			in++;
		}
	}
	dup[out] = '\0';
	return dup;
}

struct json_object *api_json__string(const char *s, size_t max)
{
	char *text = api_json__utf8_dup(s, max);
	struct json_object *obj;

	if (!text)
		return NULL;
	obj = json_object_new_string(text);
	free(text);
	return obj;
}

int api_json__add(struct json_object *obj, const char *key,
		  struct json_object *val)
{
	/* our keys are literals: json-c may keep the pointer */
	if (val && !json_object_object_add_ex(obj, key, val,
					      JSON_C_OBJECT_ADD_CONSTANT_KEY))
		return 0;
	json_object_put(val);
	return -ENOMEM;
}

int api_json__add_named(struct json_object *obj, const char *name, size_t max,
			struct json_object *val)
{
	char *key = api_json__utf8_dup(name, max);
	int ret = -ENOMEM;

	if (key && val && !json_object_object_add(obj, key, val))
		ret = 0;
	else
		json_object_put(val);
	free(key);
	return ret;
}

int api_json__append(struct json_object *array, struct json_object *val)
{
	if (val && !json_object_array_add(array, val))
		return 0;
	json_object_put(val);
	return -ENOMEM;
}

/*
 * Whether the JSON text holds the escape \u0000. json-c keeps object keys
 * as C strings, so {"timeout_s\u0000x": 1} would arrive as "timeout_s":
 * the API has no use for NUL characters, so a body with one is refused.
 */
static bool has_nul_escape(const char *text, size_t len)
{
	size_t i, backslashes = 0;

	for (i = 0; i < len; i++) {
		if (text[i] == '\\') {
			backslashes++;
			continue;
		}
		/* an escape when the backslashes before it do not pair up */
		if (backslashes % 2 && len - i >= 5 &&
		    !memcmp(text + i, "u0000", 5))
			return true;
		backslashes = 0;
	}
	return false;
}

int api_json__parse_object(const char *what, const char *body, size_t len,
			   struct json_object **out)
{
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	struct json_object *obj;
	size_t end;

	*out = NULL;
	if (memchr(body, '\0', len) || has_nul_escape(body, len))
		return lkvm__fail(-EINVAL, "%s: the body holds a NUL character",
				  what);
	if (len > INT_MAX)
		return lkvm__fail(-EINVAL, "%s: the body is too long", what);
	/* json-c's own check lets overlong forms through */
	end = utf8_valid_prefix(body, len);
	if (end != len)
		return lkvm__fail(-EINVAL, "%s: the body is not valid UTF-8 (byte %zu)",
				  what, end);
	tok = json_tokener_new_ex(API_JSON_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (jerr == json_tokener_continue)
		return lkvm__fail(-EINVAL, "%s: the body ends inside its JSON",
				  what);
	if (jerr != json_tokener_success)
		return lkvm__fail(-EINVAL, "%s: invalid JSON at byte %zu: %s",
				  what, end, json_tokener_error_desc(jerr));
	/* strict json-c refuses what follows the value; white space aside */
	while (end < len && strchr(" \t\r\n", body[end]))
		end++;
	if (end != len || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return lkvm__fail(-EINVAL, "%s: the body must be one JSON object",
				  what);
	}
	*out = obj;
	return 0;
}

static int take_field(const char *what, const struct api_field *f,
		      struct json_object *val)
{
	int64_t n;

	switch (f->kind) {
	case API_FIELD_UINT:
		/* json-c saturates what int64 cannot hold: still out of range */
		n = json_object_is_type(val, json_type_int) ?
			json_object_get_int64(val) : -1;
		if (n < f->min || n > f->max)
			return lkvm__fail(-EINVAL,
					  "%s: field \"%s\" must be an integer from %lld to %lld",
					  what, f->name, (long long)f->min,
					  (long long)f->max);
		*f->out.u = (uint64_t)n;
		return 0;
	case API_FIELD_STRING:
		n = json_object_is_type(val, json_type_string) ?
			json_object_get_string_len(val) : -1;
		if (n < 1 || n > f->max)
			return lkvm__fail(-EINVAL,
					  "%s: field \"%s\" must be a string of 1 to %lld bytes",
					  what, f->name, (long long)f->max);
		/* api_json__parse_object refused NUL characters */
		memcpy(f->out.s, json_object_get_string(val), (size_t)n + 1);
		return 0;
	case API_FIELD_BOOL:
		if (!json_object_is_type(val, json_type_boolean))
			return lkvm__fail(-EINVAL,
					  "%s: field \"%s\" must be true or false",
					  what, f->name);
		*f->out.b = json_object_get_boolean(val);
		return 0;
	}
	return lkvm__fail(-EINVAL, "%s: field \"%s\" has no known kind", what,
			  f->name);
}

int api_json__take_fields(const char *what, struct json_object *obj,
			  const struct api_field *fields, size_t nr)
{
	size_t i;
	int err;

	json_object_object_foreach(obj, key, val) {
		for (i = 0; i < nr && strcmp(key, fields[i].name); i++)
			;
		if (i == nr)
			return lkvm__fail(-EINVAL, "%s: unknown field \"%s\"",
					  what, key);
		err = take_field(what, &fields[i], val);
		if (err)
			return err;
		if (fields[i].seen)
			*fields[i].seen = true;
	}
	return 0;
}

int api_json__reply(struct http_reply *reply, int status,
		    struct json_object *obj)
{
	const char *text = NULL;
	char *body = NULL;
	size_t len = 0;
	int err = 0;

	if (obj)
		text = json_object_to_json_string_length(obj,
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
				&len);
	if (!text)
		err = -ENOMEM;
	else if (len > HTTP_MAX_REPLY_BODY)
		err = lkvm__fail(-EFBIG, "the reply would take %zu bytes, more than the %d allowed",
				 len, HTTP_MAX_REPLY_BODY);
	else if (!(body = malloc(len + 1)))
		err = -ENOMEM;
	if (!err) {
		memcpy(body, text, len + 1);
		reply->status = status;
		reply->body = body;
		reply->body_len = len;
	}
	json_object_put(obj);
	return err;
}

void api_json__error_reply(struct http_reply *reply, int status,
			   const char *code, const char *message)
{
	struct json_object *top = json_object_new_object();
	struct json_object *error = json_object_new_object();

	reply->status = status;
	reply->body = NULL;
	reply->body_len = 0;
	if (!top) {
		json_object_put(error);
		return;
	}
	/* @top owns @error from here, and puts it along with itself */
	if (api_json__add(top, "error", error) ||
	    api_json__add(error, "code", json_object_new_string(code)) ||
	    api_json__add(error, "message",
			  api_json__string(message, API_ERROR_MESSAGE_MAX))) {
		json_object_put(top);
		return;
	}
	api_json__reply(reply, status, top);
}
