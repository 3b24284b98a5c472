/* Internals shared by the dj_edit*.c files (pure edit logic). */
#ifndef DJ_EDIT_INT_H
#define DJ_EDIT_INT_H

#include <stddef.h>

struct json_object;

#include "edit.h"
#include "scan.h"

#define DJ_NONE		((size_t)-1)
#define DJ_MAX_DEPTH	1000
#define DJ_IND_MAX	128

/* The layout a document already uses, for new text. */
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

void	dj_style_detect(const char *s, size_t len, const struct dj_obj *root,
	    struct dj_style *);

/*
 * Write a value whose key sits on a line indented IND, one member a line
 * when ML.  ARG is the struct dj_add_req (or, for dj_gen_string, the
 * string).
 */
typedef void dj_gen_fn(struct strbuf *, const struct dj_style *, int ml,
    const char *ind, const void *arg);
dj_gen_fn dj_gen_runtimes, dj_gen_entry, dj_gen_args, dj_gen_args_member,
    dj_gen_string;

/* IND followed by one UNIT into OUT (DJ_IND_MAX * 2 bytes). */
void	dj_ind_plus(char *out, const char *ind, size_t indlen, const char *unit);

/* Syntax check (json-c, then strict); 0, or -1 with RES set. */
int	dj_check_syntax(const char *s, size_t len, struct dj_result *res,
	    struct json_object **obj);

void	dj_fail_at(struct dj_result *, enum dj_status, const char *s, size_t len,
	    size_t off, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));

/* Byte-order mark length at the start of S (0 or 3). */
size_t	dj_bom(const char *s, size_t len);

#endif
