/*
 * Byte-level JSON scanning for hersh-daemon-json's pure edit logic:
 * a strict RFC 8259 validator, member spans of one object, string
 * decoding and encoding, and a growable byte buffer.  No I/O.
 */
#ifndef DJ_SCAN_H
#define DJ_SCAN_H

#include <stddef.h>

#include "lib/strbuf.h"


/*
 * One member of an object, as byte offsets: the whitespace before the key
 * starts at sep (just after '{' or ','), the key string (quotes included)
 * is [key, key_end), the value is [val, val_end).
 */
struct dj_member {
	size_t	sep, key, key_end, val, val_end;
};

struct dj_obj {
	size_t		  open, close;	/* offsets of '{' and '}' */
	size_t		  n;
	struct dj_member *m;
};

/* Offset of the first non-whitespace byte at or after i. */
size_t	dj_ws(const char *s, size_t len, size_t i);

/*
 * Validate S as one strict JSON text (what Go's encoding/json, and so
 * dockerd, accepts).  Returns 0, or -1 with *erroff and *msg set.
 */
int	dj_validate(const char *s, size_t len, size_t *erroff, const char **msg);

/* End offset of the value starting at i, or (size_t)-1. */
size_t	dj_skip_value(const char *s, size_t len, size_t i);

/* Members of the object whose '{' is at OPEN.  0, or -1 (malformed, or out of memory). */
int	dj_scan_obj(const char *s, size_t len, size_t open, struct dj_obj *);
void	dj_obj_free(struct dj_obj *);

/*
 * Does the JSON string [start, end) (quotes included) decode to exactly
 * the NUL-terminated WANT?
 */
int	dj_str_eq(const char *s, size_t start, size_t end, const char *want);

/* Do the JSON strings [a, ae) and [b, be) decode to the same bytes? */
int	dj_str_same(const char *s, size_t a, size_t ae, size_t b, size_t be);

/* 1-based line and column (in characters) of byte offset OFF. */
void	dj_linecol(const char *s, size_t len, size_t off, int *line, int *col);

/* Start and length of the leading blanks of the line holding OFF. */
void	dj_line_indent(const char *s, size_t off, size_t *start, size_t *n);

#endif
