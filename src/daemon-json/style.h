/*
 * The layout a daemon.json already uses (newline, indentation unit, the
 * spacing around colons and commas, one member a line or not), detected
 * from the scanner's tree, and new JSON text written in it.  Pure.
 */
#ifndef DJ_STYLE_H
#define DJ_STYLE_H

#include <stddef.h>

#include "lib/strbuf.h"
#include "scan.h"

#define DJ_IND_MAX	128	/* longest indentation kept */

struct dj_style {
	char	nl[3];			/* "\n" or "\r\n" */
	char	unit[DJ_IND_MAX];	/* one level of indentation */
	char	colon[16];		/* between key and value, e.g. ": " */
	char	pad[16];		/* inside braces of one-line objects */
	char	csep[16];		/* after commas in one-line objects */
	char	acsep[16];		/* after commas in one-line arrays */
	int	ml;			/* objects one member a line */
	int	arr_ml;			/* arrays one element a line */
};

/* The style of the document whose tree is T (its top level an object). */
void	dj_style_detect(const struct dj_tree *t, struct dj_style *);

/*
 * Write a value whose key sits on a line indented IND, one member a line
 * when ML.  ARG is the struct dj_add_req (edit.h) or, for dj_gen_string,
 * the string.
 */
typedef void dj_gen_fn(struct strbuf *, const struct dj_style *, int ml,
    const char *ind, const void *arg);
dj_gen_fn dj_gen_runtimes, dj_gen_entry, dj_gen_args, dj_gen_args_member,
    dj_gen_string;

/* IND (INDLEN bytes, clamped) followed by one UNIT into OUT (DJ_IND_MAX * 2 bytes). */
void	dj_ind_plus(char *out, const char *ind, size_t indlen, const char *unit);

/* The leading blanks of the line holding OFF into OUT (DJ_IND_MAX bytes). */
void	dj_line_indent(const char *s, size_t off, char *out);

/* Start and length of the leading blanks of the line holding OFF. */
void	dj_line_blanks(const char *s, size_t off, size_t *start, size_t *n);

#endif
