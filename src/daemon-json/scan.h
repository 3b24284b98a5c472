/*
 * The one JSON scanner of hersh-daemon-json.  It walks a document once,
 * rejects what Go's encoding/json (and so dockerd) rejects, and returns a
 * span tree: every value with its type and byte span, every object member
 * with the span of its key, the key decoded (length-aware: a \u0000 stays)
 * and its value.  edit, show, tidy and restore-layout all read this tree
 * and nothing else.  Pure: no I/O, no globals.
 */
#ifndef DJ_SCAN_H
#define DJ_SCAN_H

#include <stddef.h>

#include "lib/strbuf.h"

#define DJ_NONE		((size_t)-1)	/* no such offset or index */
#define DJ_MAX_DEPTH	1000		/* nested objects and arrays */

enum dj_type {
	DJ_OBJECT = '{', DJ_ARRAY = '[', DJ_STRING = '"', DJ_NUMBER = '0',
	DJ_TRUE = 't', DJ_FALSE = 'f', DJ_NULL = 'n'
};

/* One value: its bytes are s[start, end). */
struct dj_value {
	size_t	start, end;
	size_t	first, n;	/* object: members m[first, first + n);
				   array: elements el[first, first + n) */
	char	type;		/* enum dj_type */
};

/*
 * One object member.  The whitespace before the key starts at sep (just
 * after '{' or ','); the key, quotes included, is s[key, key_end); decoded
 * (as Go decodes it) it is namelen bytes at names + name, NUL-terminated
 * for printing but possibly holding NULs itself.
 */
struct dj_member {
	size_t	sep, key, key_end;
	size_t	name, namelen;
	size_t	val;		/* index into v */
};

struct dj_tree {
	const char		*s;
	size_t			 len;
	size_t			 root;		/* index of the top-level value */
	struct dj_value		*v;
	size_t			 nv, capv;
	struct dj_member	*m;
	size_t			 nm, capm;
	size_t			*el;		/* array elements: indexes into v */
	size_t			 nel, capel;
	struct strbuf		 names;		/* decoded keys */
	struct dj_member	*ms;		/* scratch: members being read */
	size_t			 nms, capms;
	size_t			*es;		/* scratch: elements being read */
	size_t			 nes, capes;
};

/* Where and why a document was refused. */
struct dj_error {
	size_t	off;		/* byte offset, or DJ_NONE */
	int	line, col;	/* 1-based (column in characters); 0 with DJ_NONE */
	char	msg[160];	/* what is wrong, without the place */
};

/*
 * Scan S (LEN bytes, need not be NUL-terminated; it must outlive T) as one
 * strict JSON text of any type.  Returns 0 with T filled in, or -1 with
 * ERR set (out of memory included) and T empty.  Free T with
 * dj_tree_free() either way.
 */
int	dj_scan(const char *s, size_t len, struct dj_tree *t,
	    struct dj_error *err);
void	dj_tree_free(struct dj_tree *);

/* Member I of the object value O. */
const struct dj_member *dj_member(const struct dj_tree *, size_t o, size_t i);

/* The decoded key of member M. */
const char *dj_name(const struct dj_tree *, const struct dj_member *m);

/* Is the key of M exactly the NAMELEN bytes NAME? */
int	dj_name_is(const struct dj_tree *, const struct dj_member *m,
	    const char *name, size_t namelen);

/*
 * Append the decoded bytes of the string value [start, end) (quotes
 * included) of S to OUT, as Go decodes them: escapes resolved, a lone
 * surrogate or a byte that is not UTF-8 becomes U+FFFD.
 */
void	dj_str_decode(const char *s, size_t start, size_t end,
	    struct strbuf *out);

/* Is value I a string that decodes to exactly the WANTLEN bytes WANT? */
int	dj_str_is(const struct dj_tree *, size_t i, const char *want,
	    size_t wantlen);

/*
 * Length of the UTF-8 sequence at p[0, n) (n > 0) as Go's utf8.DecodeRune
 * accepts it (no overlong forms, no surrogates, nothing above U+10FFFF),
 * or 0 when it is not one.
 */
size_t	dj_utf8_len(const unsigned char *p, size_t n);

/* 1-based line and column (in characters) of byte offset OFF of S. */
void	dj_linecol(const char *s, size_t len, size_t off, int *line, int *col);

/* Offset of the first byte at or after I that is not JSON whitespace. */
size_t	dj_ws(const char *s, size_t len, size_t i);

/* Length of a UTF-8 byte-order mark at the start of S (0 or 3). */
size_t	dj_bom(const char *s, size_t len);

/* "an object", "a string", ... for value type TYPE. */
const char *dj_type_name(char type);

#endif
