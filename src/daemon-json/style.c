/*
 * New JSON text in the layout the document already uses: detect the
 * style from the top-level object, then write entries in it.  Pure.
 */
#include <stdio.h>
#include <string.h>

#include "edit.h"
#include "style.h"

/* Copy [p, p+n) into OUT (SIZE bytes) if it fits; else keep OUT. */
static void
setspan(char *out, size_t size, const char *p, size_t n)
{
	if (n >= size)
		return;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Are the elements of the document's first non-empty array one a line? */
static int
arrays_multiline(const struct dj_tree *t)
{
	const struct dj_value *a = NULL;
	size_t i, e;

	for (i = 0; i < t->nv; i++)
		if (t->v[i].type == DJ_ARRAY && t->v[i].n > 0 &&
		    (a == NULL || t->v[i].start < a->start))
			a = &t->v[i];
	if (a == NULL)
		return 0;
	e = t->v[t->el[a->first]].start;
	return memchr(t->s + a->start, '\n', e - a->start) != NULL;
}

void
dj_style_detect(const struct dj_tree *t, struct dj_style *st)
{
	const struct dj_member *m0, *m1;
	const char *s = t->s, *sep, *nlp;
	size_t seplen, v0;

	memset(st, 0, sizeof(*st));
	strcpy(st->nl, "\n");
	strcpy(st->unit, "  ");
	strcpy(st->colon, ": ");
	strcpy(st->csep, " ");
	strcpy(st->acsep, " ");
	st->ml = 1;
	st->arr_ml = arrays_multiline(t);
	if (t->v[t->root].n == 0)
		return;
	m0 = dj_member(t, t->root, 0);
	v0 = t->v[m0->val].start;
	if (memchr(s + m0->key_end, '\n', v0 - m0->key_end) == NULL)
		setspan(st->colon, sizeof(st->colon), s + m0->key_end,
		    v0 - m0->key_end);
	if (st->colon[strlen(st->colon) - 1] != ' ') {
		strcpy(st->csep, "");
		strcpy(st->acsep, "");
	}
	sep = s + m0->sep;
	seplen = m0->key - m0->sep;
	if ((nlp = memrchr(sep, '\n', seplen)) != NULL) {
		setspan(st->unit, sizeof(st->unit), nlp + 1,
		    seplen - (size_t)(nlp + 1 - sep));
		if (nlp > sep && nlp[-1] == '\r')
			strcpy(st->nl, "\r\n");
		return;
	}
	st->ml = 0;
	setspan(st->pad, sizeof(st->pad), sep, seplen);
	if (t->v[t->root].n >= 2) {
		m1 = dj_member(t, t->root, 1);
		if (memchr(s + m1->sep, '\n', m1->key - m1->sep) == NULL)
			setspan(st->csep, sizeof(st->csep), s + m1->sep,
			    m1->key - m1->sep);
	}
}

void
dj_line_blanks(const char *s, size_t off, size_t *start, size_t *n)
{
	size_t b = off, e;

	while (b > 0 && s[b - 1] != '\n')
		b--;
	for (e = b; e < off && (s[e] == ' ' || s[e] == '\t'); e++)
		;
	*start = b;
	*n = e - b;
}

void
dj_line_indent(const char *s, size_t off, char *out)
{
	size_t is, in;

	dj_line_blanks(s, off, &is, &in);
	if (in >= DJ_IND_MAX)
		in = DJ_IND_MAX - 1;
	memcpy(out, s + is, in);
	out[in] = '\0';
}

void
dj_ind_plus(char *out, const char *ind, size_t indlen, const char *unit)
{
	size_t ul = strlen(unit);

	if (indlen >= DJ_IND_MAX)
		indlen = DJ_IND_MAX - 1;
	memcpy(out, ind, indlen);
	memcpy(out + indlen, unit, ul);
	out[indlen + ul] = '\0';
}

static void
nl_ind(struct strbuf *b, const struct dj_style *st, const char *ind, int unit)
{
	strbuf_str(b, st->nl);
	strbuf_str(b, ind);
	if (unit)
		strbuf_str(b, st->unit);
}

/*
 * The break between parts of an object: one member a line (ML), a new
 * line indented IND and, with UNIT, one level more; else SEP.
 */
static void
brk(struct strbuf *b, const struct dj_style *st, int ml, const char *ind,
    int unit, const char *sep)
{
	if (ml)
		nl_ind(b, st, ind, unit);
	else
		strbuf_str(b, sep);
}

/* "{" and the break after it; SUB (DJ_IND_MAX * 2) gets IND plus a unit. */
static void
obj_open(struct strbuf *b, const struct dj_style *st, int ml, const char *ind,
    char *sub)
{
	dj_ind_plus(sub, ind, strlen(ind), st->unit);
	strbuf_str(b, "{");
	brk(b, st, ml, ind, 1, st->pad);
}

static void
obj_next(struct strbuf *b, const struct dj_style *st, int ml, const char *ind)
{
	strbuf_str(b, ",");
	brk(b, st, ml, ind, 1, st->csep);
}

static void
obj_close(struct strbuf *b, const struct dj_style *st, int ml, const char *ind)
{
	brk(b, st, ml, ind, 0, st->pad);
	strbuf_str(b, "}");
}

static void
key(struct strbuf *b, const struct dj_style *st, const char *k)
{
	strbuf_jstr(b, k);
	strbuf_str(b, st->colon);
}

void
dj_gen_string(struct strbuf *b, const struct dj_style *st, int ml,
    const char *ind, const void *arg)
{
	(void)st;
	(void)ml;
	(void)ind;
	strbuf_jstr(b, arg);
}

/* runtimeArgs: one element a line only when ML and the document does so. */
void
dj_gen_args(struct strbuf *b, const struct dj_style *st, int ml,
    const char *ind, const void *arg)
{
	const struct dj_add_req *rq = arg;
	size_t i;

	strbuf_str(b, "[");
	for (i = 0; i < rq->nargs; i++) {
		if (i > 0) {
			strbuf_str(b, ",");
			if (!ml)
				strbuf_str(b, st->acsep);
		}
		if (ml)
			nl_ind(b, st, ind, 1);
		strbuf_jstr(b, rq->args[i]);
	}
	if (ml && rq->nargs > 0)
		nl_ind(b, st, ind, 0);
	strbuf_str(b, "]");
}

/* runtimeArgs as a member of an entry laid out one member a line when ML. */
void
dj_gen_args_member(struct strbuf *b, const struct dj_style *st, int ml,
    const char *ind, const void *arg)
{
	dj_gen_args(b, st, ml && st->arr_ml, ind, arg);
}

void
dj_gen_entry(struct strbuf *b, const struct dj_style *st, int ml,
    const char *ind, const void *arg)
{
	const struct dj_add_req *rq = arg;
	char sub[DJ_IND_MAX * 2];

	obj_open(b, st, ml, ind, sub);
	key(b, st, "path");
	strbuf_jstr(b, rq->path);
	if (rq->args_mode == DJ_ARGS_SET) {
		obj_next(b, st, ml, ind);
		key(b, st, "runtimeArgs");
		dj_gen_args_member(b, st, ml, sub, rq);
	}
	obj_close(b, st, ml, ind);
}

void
dj_gen_runtimes(struct strbuf *b, const struct dj_style *st, int ml,
    const char *ind, const void *arg)
{
	const struct dj_add_req *rq = arg;
	char sub[DJ_IND_MAX * 2];

	obj_open(b, st, ml, ind, sub);
	key(b, st, rq->name);
	dj_gen_entry(b, st, ml, sub, rq);
	obj_close(b, st, ml, ind);
}
