/*
 * Is a daemon.json acceptable?  A strict pass of our own (RFC 8259, what
 * dockerd's Go decoder accepts) finds the first error with a precise
 * message; json-c (JSON_TOKENER_STRICT) must then parse it too.  json-c
 * alone would let single quotes, NaN, "1." and raw control characters
 * through.  Pure.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

void
dj_fail_at(struct dj_result *res, enum dj_status status, const char *s,
    size_t len, size_t off, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	res->status = status;
	res->line = res->col = 0;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	if (off == DJ_NONE)
		return;
	dj_linecol(s, len, off, &res->line, &res->col);
	n = strlen(res->msg);
	snprintf(res->msg + n, sizeof(res->msg) - n, " at line %d, column %d",
	    res->line, res->col);
}

static void
fail_syntax(struct dj_result *res, const char *s, size_t len, size_t off,
    const char *why)
{
	size_t n;

	dj_fail_at(res, DJ_ESYNTAX, s, len, off, "invalid JSON");
	n = strlen(res->msg);
	snprintf(res->msg + n, sizeof(res->msg) - n, ": %s", why);
}

size_t
dj_bom(const char *s, size_t len)
{
	return len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

static const char *
kind(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:	return "null";
	case json_type_boolean:	return "a boolean";
	case json_type_double:
	case json_type_int:	return "a number";
	case json_type_string:	return "a string";
	case json_type_array:	return "an array";
	case json_type_object:	return "an object";
	}
	return "something else";
}

static json_object *
jsonc_parse(const char *s, size_t len, struct dj_result *res)
{
	enum json_tokener_error jerr;
	json_tokener *tok;
	json_object *o;
	size_t off;

	if ((tok = json_tokener_new_ex(DJ_MAX_DEPTH)) == NULL) {
		dj_fail_at(res, DJ_ENOMEM, s, len, DJ_NONE, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)len);
	off = json_tokener_get_parse_end(tok);
	if ((jerr = json_tokener_get_error(tok)) == json_tokener_continue) {
		o = json_tokener_parse_ex(tok, "", 1);	/* end of input */
		jerr = json_tokener_get_error(tok);
		off = len;
	}
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(o);
		fail_syntax(res, s, len, off < len ? off : len,
		    jerr == json_tokener_continue ? "unexpected end of data" :
		    json_tokener_error_desc(jerr));
		return NULL;
	}
	return o;	/* NULL with status DJ_OK: the literal null */
}

int
dj_check_syntax(const char *s, size_t len, struct dj_result *res,
    json_object **objp)
{
	json_object *o;
	const char *why;
	size_t off;

	if (len >= INT_MAX) {
		dj_fail_at(res, DJ_ECONTENT, s, len, DJ_NONE, "file too large");
		return -1;
	}
	if (dj_validate(s, len, &off, &why) == -1) {
		fail_syntax(res, s, len, off, why);
		return -1;
	}
	if ((o = jsonc_parse(s, len, res)) == NULL &&
	    res->status != DJ_OK)
		return -1;
	if (json_object_get_type(o) != json_type_object) {
		dj_fail_at(res, DJ_ECONTENT, s, len, DJ_NONE,
		    "the top level is %s, not an object", kind(o));
		json_object_put(o);
		return -1;
	}
	if (objp != NULL)
		*objp = o;
	else
		json_object_put(o);
	return 0;
}

int
dj_parse(const char *in, size_t len, json_object **obj, struct dj_result *res)
{
	size_t bom = dj_bom(in, len);

	memset(res, 0, sizeof(*res));
	*obj = NULL;
	if (dj_ws(in + bom, len - bom, 0) == len - bom) {
		if ((*obj = json_object_new_object()) == NULL) {
			dj_fail_at(res, DJ_ENOMEM, in, len, DJ_NONE,
			    "out of memory");
			return -1;
		}
		return 0;
	}
	return dj_check_syntax(in + bom, len - bom, res, obj);
}
