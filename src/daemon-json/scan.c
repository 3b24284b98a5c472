/*
 * Byte-level JSON scanning: a strict validator and the member spans the
 * editor splices.  Pure: no I/O, no globals.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define NONE	((size_t)-1)

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
dj_ws(const char *s, size_t len, size_t i)
{
	while (i < len && is_ws(s[i]))
		i++;
	return i;
}

/* The string starting at s[i] == '"'; returns the offset after its closing quote. */
static size_t
check_string(const char *s, size_t len, size_t i, const char **msg)
{
	int k;

	for (i++; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"')
			return i + 1;
		if (c < 0x20) {
			*msg = "control character in string";
			return NONE - i;
		}
		if (c != '\\')
			continue;
		if (++i >= len)
			break;
		if (strchr("\"\\/bfnrt", s[i]) != NULL && s[i] != '\0')
			continue;
		if (s[i] != 'u') {
			*msg = "invalid escape in string";
			return NONE - i;
		}
		for (k = 0; k < 4; k++)
			if (++i >= len || hexval(s[i]) < 0) {
				*msg = "invalid \\u escape in string";
				return NONE - (i < len ? i : len);
			}
	}
	*msg = "unterminated string";
	return NONE - len;
}

static size_t
digits(const char *s, size_t len, size_t i)
{
	while (i < len && is_digit(s[i]))
		i++;
	return i;
}

static size_t
check_number(const char *s, size_t len, size_t i, const char **msg)
{
	size_t j;

	*msg = "invalid number";
	if (s[i] == '-')
		i++;
	if (i >= len || !is_digit(s[i]))
		return NONE - i;
	i = s[i] == '0' ? i + 1 : digits(s, len, i);
	if (i < len && s[i] == '.') {
		if ((j = digits(s, len, i + 1)) == i + 1)
			return NONE - j;
		i = j;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if ((j = digits(s, len, i)) == i)
			return NONE - j;
		i = j;
	}
	return i;
}

static size_t
check_literal(const char *s, size_t len, size_t i, const char **msg)
{
	static const char *const lit[] = { "true", "false", "null" };
	size_t k, n;

	for (k = 0; k < 3; k++) {
		n = strlen(lit[k]);
		if (len - i >= n && memcmp(s + i, lit[k], n) == 0)
			return i + n;
	}
	*msg = s[i] == '\'' ? "single quotes are not JSON; use double quotes" :
	    s[i] == '/' ? "comments are not allowed in JSON" :
	    s[i] == 'N' || s[i] == 'I' ? "NaN and Infinity are not JSON numbers" :
	    s[i] == ']' || s[i] == '}' ? "trailing comma" : "expected a value";
	return NONE - i;
}

/* A scalar value at s[i]; returns its end, or NONE - erroff. */
static size_t
check_scalar(const char *s, size_t len, size_t i, const char **msg)
{
	if (s[i] == '"')
		return check_string(s, len, i, msg);
	if (s[i] == '-' || is_digit(s[i]))
		return check_number(s, len, i, msg);
	return check_literal(s, len, i, msg);
}

struct vstack {
	char	*p;
	size_t	 n, cap;
};

static int
vpush(struct vstack *st, char c)
{
	char *np;

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		if ((np = realloc(st->p, st->cap)) == NULL)
			return -1;
		st->p = np;
	}
	st->p[st->n++] = c;
	return 0;
}

#define FAIL(off, m)	do { *erroff = (off); *msg = (m); goto fail; } while (0)

int
dj_validate(const char *s, size_t len, size_t *erroff, const char **msg)
{
	struct vstack st = { NULL, 0, 0 };
	size_t i, e;
	char top;

	i = dj_ws(s, len, 0);
value:
	if (i >= len)
		FAIL(len, "unexpected end of data");
	if (s[i] == '{' || s[i] == '[') {
		if (vpush(&st, s[i]) == -1)
			FAIL(i, "out of memory");
		i = dj_ws(s, len, i + 1);
		if (i < len && s[i] == (st.p[st.n - 1] == '{' ? '}' : ']')) {
			st.n--;
			i++;
			goto after;
		}
		if (st.p[st.n - 1] == '[')
			goto value;
		goto key;
	}
	if ((e = check_scalar(s, len, i, msg)) > len) {
		*erroff = NONE - e;
		goto fail;
	}
	i = e;
after:
	i = dj_ws(s, len, i);
	if (st.n == 0) {
		if (i < len)
			FAIL(i, "unexpected data after the top-level value");
		free(st.p);
		return 0;
	}
	top = st.p[st.n - 1];
	if (i >= len)
		FAIL(len, "unexpected end of data");
	if (s[i] == (top == '{' ? '}' : ']')) {
		st.n--;
		i++;
		goto after;
	}
	if (s[i] != ',')
		FAIL(i, top == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
	i = dj_ws(s, len, i + 1);
	if (top == '[')
		goto value;
key:
	if (i >= len)
		FAIL(len, "unexpected end of data");
	if (s[i] != '"')
		FAIL(i, s[i] == '}' ? "trailing comma" :
		    s[i] == '\'' ? "single quotes are not JSON; use double quotes" :
		    s[i] == '/' ? "comments are not allowed in JSON" :
		    "expected a string in double quotes as object key");
	if ((e = check_string(s, len, i, msg)) > len) {
		*erroff = NONE - e;
		goto fail;
	}
	i = dj_ws(s, len, e);
	if (i >= len || s[i] != ':')
		FAIL(i, i >= len ? "unexpected end of data" : "expected ':'");
	i = dj_ws(s, len, i + 1);
	goto value;
fail:
	free(st.p);
	return -1;
}

static size_t
skip_string(const char *s, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (s[i] == '"')
			return i + 1;
		if (s[i] == '\\')
			i++;
	}
	return NONE;
}

size_t
dj_skip_value(const char *s, size_t len, size_t i)
{
	size_t depth = 0;

	if (i >= len)
		return NONE;
	if (s[i] == '"')
		return skip_string(s, len, i);
	if (s[i] != '{' && s[i] != '[') {
		while (i < len && !is_ws(s[i]) && strchr(",]}", s[i]) == NULL)
			i++;
		return i;
	}
	while (i < len) {
		switch (s[i]) {
		case '"':
			if ((i = skip_string(s, len, i)) == NONE)
				return NONE;
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return i + 1;
			break;
		}
		i++;
	}
	return NONE;
}

static int
add_member(struct dj_obj *o, size_t *cap, const struct dj_member *mb)
{
	struct dj_member *nm;

	if (o->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		if ((nm = reallocarray(o->m, *cap, sizeof(*nm))) == NULL)
			return -1;
		o->m = nm;
	}
	o->m[o->n++] = *mb;
	return 0;
}

int
dj_scan_obj(const char *s, size_t len, size_t open, struct dj_obj *o)
{
	struct dj_member mb;
	size_t i, cap = 0;

	memset(o, 0, sizeof(*o));
	if (open >= len || s[open] != '{')
		return -1;
	o->open = open;
	i = dj_ws(s, len, open + 1);
	if (i < len && s[i] == '}') {
		o->close = i;
		return 0;
	}
	mb.sep = open + 1;
	for (;;) {
		mb.key = i;
		if (i >= len || s[i] != '"' ||
		    (mb.key_end = skip_string(s, len, i)) == NONE)
			break;
		i = dj_ws(s, len, mb.key_end);
		if (i >= len || s[i] != ':')
			break;
		mb.val = dj_ws(s, len, i + 1);
		if ((mb.val_end = dj_skip_value(s, len, mb.val)) == NONE ||
		    mb.val_end == mb.val)
			break;
		if (add_member(o, &cap, &mb) == -1)
			break;
		i = dj_ws(s, len, mb.val_end);
		if (i < len && s[i] == '}') {
			o->close = i;
			return 0;
		}
		if (i >= len || s[i] != ',')
			break;
		mb.sep = i + 1;
		i = dj_ws(s, len, i + 1);
	}
	dj_obj_free(o);
	return -1;
}

void
dj_obj_free(struct dj_obj *o)
{
	free(o->m);
	o->m = NULL;
	o->n = 0;
}

static size_t
put_utf8(unsigned char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX at s[i] (the backslash); -1 when malformed. */
static long
hex4(const char *s, size_t end, size_t i)
{
	long v = 0;
	int k, h;

	if (end - i < 6 || s[i] != '\\' || s[i + 1] != 'u')
		return -1;
	for (k = 2; k < 6; k++) {
		if ((h = hexval(s[i + k])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Decode the character at s[*i] of a string ending before END into OUT;
 * returns its byte count (0 at a malformed escape).  Lone surrogates
 * decode to U+FFFD as in Go.
 */
static size_t
next_char(const char *s, size_t *i, size_t end, unsigned char *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p;
	long cp, lo;

	if (s[*i] != '\\') {
		out[0] = (unsigned char)s[(*i)++];
		return 1;
	}
	if (*i + 1 < end && s[*i + 1] != 'u' && s[*i + 1] != '\0' &&
	    (p = strchr(from, s[*i + 1])) != NULL) {
		out[0] = (unsigned char)to[p - from];
		*i += 2;
		return 1;
	}
	if ((cp = hex4(s, end, *i)) < 0)
		return 0;
	*i += 6;
	if (cp >= 0xd800 && cp < 0xdc00 && (lo = hex4(s, end, *i)) >= 0xdc00 &&
	    lo < 0xe000) {
		*i += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xd800 && cp < 0xe000)
		cp = 0xfffd;
	return put_utf8(out, (uint32_t)cp);
}

int
dj_str_eq(const char *s, size_t start, size_t end, const char *want)
{
	unsigned char buf[4];
	size_t i, n, wlen = strlen(want), w = 0;

	if (end - start < 2)
		return 0;
	end--;			/* the closing quote */
	for (i = start + 1; i < end;) {
		if ((n = next_char(s, &i, end, buf)) == 0 || wlen - w < n ||
		    memcmp(want + w, buf, n) != 0)
			return 0;
		w += n;
	}
	return w == wlen;
}

void
dj_linecol(const char *s, size_t len, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

void
dj_line_indent(const char *s, size_t off, size_t *start, size_t *n)
{
	size_t b = off, e;

	while (b > 0 && s[b - 1] != '\n')
		b--;
	for (e = b; e < off && (s[e] == ' ' || s[e] == '\t'); e++)
		;
	*start = b;
	*n = e - b;
}

int
dj_str_same(const char *s, size_t a, size_t ae, size_t b, size_t be)
{
	unsigned char ca[4], cb[4];
	size_t na, nb;

	if (ae - a < 2 || be - b < 2)
		return 0;
	a++, b++, ae--, be--;
	while (a < ae && b < be) {
		na = next_char(s, &a, ae, ca);
		nb = next_char(s, &b, be, cb);
		if (na == 0 || na != nb || memcmp(ca, cb, na) != 0)
			return 0;
	}
	return a == ae && b == be;
}
