/*
 * The one JSON scanner: strict RFC 8259 validation and the span tree in a
 * single pass (recursive descent, nesting bounded by DJ_MAX_DEPTH).  Keys
 * and strings decode as in Go's encoding/json.  Pure: no I/O, no globals.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

struct scanner {
	struct dj_tree	*t;
	const char	*s;
	size_t		 len, i;
	struct dj_error	*err;
};

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

size_t
dj_bom(const char *s, size_t len)
{
	return len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

const char *
dj_type_name(char type)
{
	switch (type) {
	case DJ_OBJECT:	return "an object";
	case DJ_ARRAY:	return "an array";
	case DJ_STRING:	return "a string";
	case DJ_TRUE:
	case DJ_FALSE:	return "a boolean";
	case DJ_NULL:	return "null";
	}
	return "a number";
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

/* Fail at OFF (DJ_NONE: nowhere) with MSG; always returns -1. */
static int __attribute__((format(printf, 3, 4)))
fail(struct scanner *sc, size_t off, const char *fmt, ...)
{
	va_list ap;

	sc->err->off = off;
	sc->err->line = sc->err->col = 0;
	if (off != DJ_NONE)
		dj_linecol(sc->s, sc->len, off, &sc->err->line, &sc->err->col);
	va_start(ap, fmt);
	vsnprintf(sc->err->msg, sizeof(sc->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
oom(struct scanner *sc)
{
	return fail(sc, DJ_NONE, "out of memory");
}

/* Make room in *PP (an array of SIZE-byte elements, *CAP of them) for NEED. */
static int
reserve(void *pp, size_t need, size_t *cap, size_t size)
{
	void **p = pp, *np;
	size_t nc = *cap ? *cap : 32;

	if (need <= *cap)
		return 0;
	while (nc < need) {
		if (nc > ((size_t)-1) / 2)
			return -1;
		nc *= 2;
	}
	if ((np = reallocarray(*p, nc, size)) == NULL)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

/* ---- strings ---- */

size_t
dj_utf8_len(const unsigned char *p, size_t n)
{
	size_t k, want;
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		want = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		want = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		want = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n < want || p[1] < lo || p[1] > hi)
		return 0;
	for (k = 2; k < want; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	return want;
}

static size_t
put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The \uXXXX at s[i] (the backslash), or -1. */
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
 * Decode the character at s[*i] of a scanned string whose contents end
 * before END into OUT (4 bytes); returns its length in bytes.
 */
static size_t
next_char(const char *s, size_t *i, size_t end, char *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p;
	long cp, lo;
	size_t n;

	if (s[*i] != '\\') {
		if ((n = dj_utf8_len((const unsigned char *)s + *i, end - *i)) == 0) {
			(*i)++;
			return put_utf8(out, 0xfffd);
		}
		memcpy(out, s + *i, n);
		*i += n;
		return n;
	}
	if (s[*i + 1] != 'u' && (p = strchr(from, s[*i + 1])) != NULL) {
		*out = to[p - from];
		*i += 2;
		return 1;
	}
	cp = hex4(s, end, *i);
	*i += 6;
	if (cp >= 0xd800 && cp < 0xdc00 && (lo = hex4(s, end, *i)) >= 0xdc00 &&
	    lo < 0xe000) {
		*i += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xd800 && cp < 0xe000)
		cp = 0xfffd;
	return put_utf8(out, (uint32_t)cp);
}

void
dj_str_decode(const char *s, size_t start, size_t end, struct strbuf *out)
{
	size_t i, run;
	char c[4];

	end--;			/* the closing quote */
	for (i = run = start + 1; i < end;) {
		if (s[i] != '\\' && (unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		strbuf_add(out, s + run, i - run);
		strbuf_add(out, c, next_char(s, &i, end, c));
		run = i;
	}
	strbuf_add(out, s + run, i - run);
}

/* The string at s[i] == '"'; decoded into OUT unless OUT is NULL. */
static int
scan_string(struct scanner *sc, struct strbuf *out)
{
	const char *s = sc->s;
	size_t i, start = sc->i, k;

	for (i = start + 1; i < sc->len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"') {
			sc->i = i + 1;
			if (out != NULL)
				dj_str_decode(s, start, sc->i, out);
			return 0;
		}
		if (c < 0x20)
			return fail(sc, i, "control character in string");
		if (c != '\\')
			continue;
		if (++i >= sc->len)
			break;
		if (s[i] != 'u' && s[i] != '\0' && strchr("\"\\/bfnrt", s[i]) != NULL)
			continue;
		if (s[i] != 'u')
			return fail(sc, i, "invalid escape in string");
		for (k = 0; k < 4; k++)
			if (++i >= sc->len || hexval(s[i]) < 0)
				return fail(sc, i < sc->len ? i : sc->len,
				    "invalid \\u escape in string");
	}
	return fail(sc, sc->len, "unterminated string");
}

/* ---- numbers and literals ---- */

static size_t
digits(const char *s, size_t len, size_t i)
{
	while (i < len && is_digit(s[i]))
		i++;
	return i;
}

static int
scan_number(struct scanner *sc)
{
	const char *s = sc->s;
	size_t len = sc->len, i = sc->i, j;

	if (s[i] == '-')
		i++;
	if (i >= len || !is_digit(s[i]))
		return fail(sc, i, "invalid number");
	i = s[i] == '0' ? i + 1 : digits(s, len, i);
	if (i < len && s[i] == '.') {
		if ((j = digits(s, len, i + 1)) == i + 1)
			return fail(sc, j, "invalid number");
		i = j;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if ((j = digits(s, len, i)) == i)
			return fail(sc, j, "invalid number");
		i = j;
	}
	sc->i = i;
	return 0;
}

static int
scan_literal(struct scanner *sc)
{
	static const char *const lit[] = { "true", "false", "null" };
	const char *s = sc->s;
	size_t k, n, i = sc->i;

	for (k = 0; k < 3; k++) {
		n = strlen(lit[k]);
		if (sc->len - i >= n && memcmp(s + i, lit[k], n) == 0) {
			sc->i = i + n;
			return 0;
		}
	}
	return fail(sc, i, "%s",
	    s[i] == '\'' ? "single quotes are not JSON; use double quotes" :
	    s[i] == '/' ? "comments are not allowed in JSON" :
	    s[i] == 'N' || s[i] == 'I' ? "NaN and Infinity are not JSON numbers" :
	    s[i] == ']' || s[i] == '}' ? "trailing comma" : "expected a value");
}

/* ---- containers ---- */

static int scan_value(struct scanner *, int depth, size_t *idx);

/* Record the value [start, sc->i) of TYPE as *IDX. */
static int
add_value(struct scanner *sc, char type, size_t start, size_t first,
    size_t n, size_t *idx)
{
	struct dj_tree *t = sc->t;

	if (reserve(&t->v, t->nv + 1, &t->capv, sizeof(*t->v)) == -1)
		return oom(sc);
	t->v[t->nv].type = type;
	t->v[t->nv].start = start;
	t->v[t->nv].end = sc->i;
	t->v[t->nv].first = first;
	t->v[t->nv].n = n;
	*idx = t->nv++;
	return 0;
}

/* The ',' (*MORE = 1) or the CLOSE (*MORE = 0) after an item. */
static int
after_item(struct scanner *sc, char close, int *more)
{
	sc->i = dj_ws(sc->s, sc->len, sc->i);
	if (sc->i >= sc->len)
		return fail(sc, sc->len, "unexpected end of data");
	*more = sc->s[sc->i] != close;
	if (*more && sc->s[sc->i] != ',')
		return fail(sc, sc->i, "%s", close == '}' ?
		    "expected ',' or '}'" : "expected ',' or ']'");
	sc->i++;
	return 0;
}

/*
 * Move the SIZE-byte items SCRATCH[BASE, *NSCRATCH) to the end of the
 * array *DST (*NDST used, *CAP allocated); *FIRST is where they start.
 */
static int
settle(void *dst, size_t *ndst, size_t *cap, const void *scratch,
    size_t *nscratch, size_t base, size_t size, size_t *first)
{
	size_t n = *nscratch - base;

	*first = *ndst;
	if (n == 0)
		return 0;
	if (reserve(dst, *ndst + n, cap, size) == -1)
		return -1;
	memcpy(*(char **)dst + *ndst * size, (const char *)scratch + base * size,
	    n * size);
	*ndst += n;
	*nscratch = base;
	return 0;
}

/*
 * A container closes: its items were collected on a scratch stack above
 * BASE (nested containers move theirs off it as they close); give them
 * their final, contiguous place and record the container.
 */
static int
close_container(struct scanner *sc, char type, size_t start, size_t base,
    size_t *idx)
{
	struct dj_tree *t = sc->t;
	size_t first, n;
	int r;

	if (type == DJ_OBJECT) {
		n = t->nms - base;
		r = settle(&t->m, &t->nm, &t->capm, t->ms, &t->nms, base,
		    sizeof(*t->m), &first);
	} else {
		n = t->nes - base;
		r = settle(&t->el, &t->nel, &t->capel, t->es, &t->nes, base,
		    sizeof(*t->el), &first);
	}
	if (r == -1)
		return oom(sc);
	return add_value(sc, type, start, first, n, idx);
}

/* Just past an opening bracket: 1 when items follow, 0 when CLOSE does. */
static int
has_items(struct scanner *sc, char close)
{
	sc->i = dj_ws(sc->s, sc->len, sc->i + 1);
	if (sc->i < sc->len && sc->s[sc->i] == close) {
		sc->i++;
		return 0;
	}
	return 1;
}

/* Push the SIZE-byte ITEM onto the scratch stack *STACK (*N used, *CAP). */
static int
push(struct scanner *sc, void *stack, size_t *n, size_t *cap,
    const void *item, size_t size)
{
	if (reserve(stack, *n + 1, cap, size) == -1)
		return oom(sc);
	memcpy(*(char **)stack + *n * size, item, size);
	(*n)++;
	return 0;
}

static int
scan_array(struct scanner *sc, int depth, size_t *idx)
{
	struct dj_tree *t = sc->t;
	size_t start = sc->i, base = t->nes, el;
	int more = has_items(sc, ']');

	while (more) {
		sc->i = dj_ws(sc->s, sc->len, sc->i);
		if (scan_value(sc, depth + 1, &el) == -1 ||
		    push(sc, &t->es, &t->nes, &t->capes, &el, sizeof(el)) == -1 ||
		    after_item(sc, ']', &more) == -1)
			return -1;
	}
	return close_container(sc, DJ_ARRAY, start, base, idx);
}

/* The key at sc->i (whitespace skipped), decoded into the names. */
static int
scan_key(struct scanner *sc, struct dj_member *mb)
{
	struct dj_tree *t = sc->t;
	const char *s = sc->s;
	size_t i = sc->i;

	if (i >= sc->len)
		return fail(sc, sc->len, "unexpected end of data");
	if (s[i] != '"')
		return fail(sc, i, "%s", s[i] == '}' ? "trailing comma" :
		    s[i] == '\'' ? "single quotes are not JSON; use double quotes" :
		    s[i] == '/' ? "comments are not allowed in JSON" :
		    "expected a string in double quotes as object key");
	mb->key = i;
	mb->name = t->names.len;
	if (scan_string(sc, &t->names) == -1)
		return -1;
	mb->key_end = sc->i;
	mb->namelen = t->names.len - mb->name;
	strbuf_add(&t->names, "", 1);
	if (t->names.oom)
		return oom(sc);
	i = dj_ws(s, sc->len, sc->i);
	if (i >= sc->len || s[i] != ':')
		return fail(sc, i, "%s", i >= sc->len ? "unexpected end of data" :
		    "expected ':'");
	sc->i = dj_ws(s, sc->len, i + 1);
	return 0;
}

static int
scan_object(struct scanner *sc, int depth, size_t *idx)
{
	struct dj_tree *t = sc->t;
	struct dj_member mb;
	size_t start = sc->i, base = t->nms;
	int more = has_items(sc, '}');

	mb.sep = start + 1;
	while (more) {
		sc->i = dj_ws(sc->s, sc->len, sc->i);
		if (scan_key(sc, &mb) == -1 ||
		    scan_value(sc, depth + 1, &mb.val) == -1 ||
		    push(sc, &t->ms, &t->nms, &t->capms, &mb, sizeof(mb)) == -1 ||
		    after_item(sc, '}', &more) == -1)
			return -1;
		mb.sep = sc->i;
	}
	return close_container(sc, DJ_OBJECT, start, base, idx);
}

static int
scan_value(struct scanner *sc, int depth, size_t *idx)
{
	size_t start = sc->i;
	char c;

	if (start >= sc->len)
		return fail(sc, sc->len, "unexpected end of data");
	c = sc->s[start];
	if ((c == '{' || c == '[') && depth >= DJ_MAX_DEPTH)
		return fail(sc, start, "nesting too deep");
	if (c == '{')
		return scan_object(sc, depth, idx);
	if (c == '[')
		return scan_array(sc, depth, idx);
	if (c == '"') {
		if (scan_string(sc, NULL) == -1)
			return -1;
		return add_value(sc, DJ_STRING, start, 0, 0, idx);
	}
	if (c == '-' || is_digit(c)) {
		if (scan_number(sc) == -1)
			return -1;
		return add_value(sc, DJ_NUMBER, start, 0, 0, idx);
	}
	if (scan_literal(sc) == -1)
		return -1;
	return add_value(sc, c, start, 0, 0, idx);
}

static void
free_scratch(struct dj_tree *t)
{
	free(t->ms);
	free(t->es);
	t->ms = NULL;
	t->es = NULL;
	t->nms = t->capms = t->nes = t->capes = 0;
}

int
dj_scan(const char *s, size_t len, struct dj_tree *t, struct dj_error *err)
{
	struct scanner sc = { t, s, len, 0, err };
	size_t i;

	memset(t, 0, sizeof(*t));
	memset(err, 0, sizeof(*err));
	err->off = DJ_NONE;
	t->s = s;
	t->len = len;
	sc.i = dj_ws(s, len, 0);
	if (scan_value(&sc, 0, &t->root) == -1 ||
	    ((i = dj_ws(s, len, sc.i)) < len &&
	    fail(&sc, i, "unexpected data after the top-level value") == -1)) {
		dj_tree_free(t);
		return -1;
	}
	free_scratch(t);
	return 0;
}

void
dj_tree_free(struct dj_tree *t)
{
	free_scratch(t);
	free(t->v);
	free(t->m);
	free(t->el);
	strbuf_free(&t->names);
	t->v = NULL;
	t->m = NULL;
	t->el = NULL;
	t->nv = t->capv = t->nm = t->capm = t->nel = t->capel = 0;
}

const struct dj_member *
dj_member(const struct dj_tree *t, size_t o, size_t i)
{
	return &t->m[t->v[o].first + i];
}

const char *
dj_name(const struct dj_tree *t, const struct dj_member *m)
{
	return t->names.p + m->name;
}

int
dj_name_is(const struct dj_tree *t, const struct dj_member *m,
    const char *name, size_t namelen)
{
	return m->namelen == namelen &&
	    memcmp(t->names.p + m->name, name, namelen) == 0;
}

int
dj_str_is(const struct dj_tree *t, size_t i, const char *want, size_t wantlen)
{
	const char *s = t->s;
	size_t k, end, n, w = 0;
	char c[4];

	if (t->v[i].type != DJ_STRING)
		return 0;
	end = t->v[i].end - 1;		/* the closing quote */
	for (k = t->v[i].start + 1; k < end;) {
		n = next_char(s, &k, end, c);
		if (wantlen - w < n || memcmp(want + w, c, n) != 0)
			return 0;
		w += n;
	}
	return w == wantlen;
}
