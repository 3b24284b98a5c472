/*
 * add, remove and tidy: find the spans in the scanner's tree, splice, and
 * scan the result again (so every step starts from a valid document and
 * the last one is checked too).  Every byte outside what changes is kept.
 * Pure: no I/O, no globals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "style.h"

struct ed {
	char			*s;	/* the document without its BOM */
	size_t			 len;
	struct dj_tree		 t;	/* of s, rescanned after each splice */
	struct dj_style		 st;
	struct dj_result	*res;
};

#define VAL(e, i)	(&(e)->t.v[(i)])
#define MEM(e, o, i)	dj_member(&(e)->t, (o), (i))

static int
fail_oom(struct ed *e)
{
	snprintf(e->res->msg, sizeof(e->res->msg), "out of memory");
	return -1;
}

/* Replace [a, b) of the document by TN bytes of T, then scan it again. */
static int
splice(struct ed *e, size_t a, size_t b, const char *t, size_t tn)
{
	struct dj_error err;
	char *n;

	if ((n = malloc(e->len - (b - a) + tn + 1)) == NULL)
		return fail_oom(e);
	memcpy(n, e->s, a);
	memcpy(n + a, t, tn);
	memcpy(n + a + tn, e->s + b, e->len - b);
	e->len = e->len - (b - a) + tn;
	n[e->len] = '\0';
	free(e->s);
	e->s = n;
	dj_tree_free(&e->t);
	if (dj_scan(e->s, e->len, &e->t, &err) == 0)
		return 0;
	if (err.off == DJ_NONE)
		return fail_oom(e);
	dj_fail_at(e->res, e->s, e->len, err.off,
	    "internal error: the edit would produce invalid JSON (%s)", err.msg);
	return -1;
}

static int
splice_sb(struct ed *e, size_t a, size_t b, struct strbuf *sb)
{
	int r;

	r = sb->oom ? fail_oom(e) : splice(e, a, b, sb->p ? sb->p : "", sb->len);
	strbuf_free(sb);
	return r;
}

static size_t
val_end(const struct ed *e, const struct dj_member *m)
{
	return VAL(e, m->val)->end;
}

/*
 * Delete member I of object O.  The last member goes with the comma
 * before it, any other with the comma and whitespace after it, the only
 * one leaves "{}": the exact inverse of ins_member().
 */
static int
del_member(struct ed *e, size_t o, size_t i)
{
	const struct dj_value *ov = VAL(e, o);

	if (ov->n == 1)
		return splice(e, ov->start + 1, ov->end - 1, "", 0);
	if (i + 1 < ov->n)
		return splice(e, MEM(e, o, i)->key, MEM(e, o, i + 1)->key, "", 0);
	return splice(e, val_end(e, MEM(e, o, i - 1)), val_end(e, MEM(e, o, i)),
	    "", 0);
}

/*
 * Append KEY: value to object O.  After a last member: ",", that
 * member's whitespace, key, its colon, value.  Into an empty object: one
 * member a line in the document's style (top level: always).
 */
static int
ins_member(struct ed *e, size_t o, int root, const char *k, dj_gen_fn *gen,
    const void *arg)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	const struct dj_value *ov = VAL(e, o);
	const struct dj_member *last;
	char ind[DJ_IND_MAX * 2];
	size_t is, in, at;
	int ml;

	if (ov->n > 0) {
		last = MEM(e, o, ov->n - 1);
		ml = memchr(e->s + last->sep, '\n', last->key - last->sep) != NULL;
		dj_line_indent(e->s, last->key, ind);
		strbuf_str(&sb, ",");
		if (ml || ov->n > 1)	/* the whitespace after a comma */
			strbuf_add(&sb, e->s + last->sep, last->key - last->sep);
		else			/* {"only": 1}: no comma to copy from */
			strbuf_str(&sb, e->st.csep);
		strbuf_jstr(&sb, k);
		strbuf_add(&sb, e->s + last->key_end,
		    VAL(e, last->val)->start - last->key_end);
		gen(&sb, &e->st, ml, ind, arg);
		at = val_end(e, last);
		return splice_sb(e, at, at, &sb);
	}
	ml = root || e->st.ml;
	dj_line_blanks(e->s, ov->start, &is, &in);
	dj_ind_plus(ind, e->s + is, in, e->st.unit);
	if (ml) {
		strbuf_str(&sb, e->st.nl);
		strbuf_str(&sb, ind);
	} else
		strbuf_str(&sb, e->st.pad);
	strbuf_jstr(&sb, k);
	strbuf_str(&sb, e->st.colon);
	gen(&sb, &e->st, ml, ind, arg);
	if (ml) {
		strbuf_str(&sb, e->st.nl);
		strbuf_add(&sb, e->s + is, in);
	} else
		strbuf_str(&sb, e->st.pad);
	return splice_sb(e, ov->start + 1, ov->end - 1, &sb);
}

/* Replace the value of member M by generated text. */
static int
set_value(struct ed *e, const struct dj_member *m, int ml, dj_gen_fn *gen,
    const void *arg)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	char ind[DJ_IND_MAX];

	dj_line_indent(e->s, m->key, ind);
	gen(&sb, &e->st, ml, ind, arg);
	return splice_sb(e, VAL(e, m->val)->start, VAL(e, m->val)->end, &sb);
}

static int
is_string(const struct ed *e, const struct dj_member *m, const char *want)
{
	return dj_str_is(&e->t, m->val, want, strlen(want));
}

/* Is value V an array of exactly the strings requested? */
static int
args_equal(const struct ed *e, size_t v, const struct dj_add_req *rq)
{
	const struct dj_value *a = VAL(e, v);
	size_t k;

	if (a->type != DJ_ARRAY || a->n != rq->nargs)
		return 0;
	for (k = 0; k < a->n; k++)
		if (!dj_str_is(&e->t, e->t.el[a->first + k], rq->args[k],
		    strlen(rq->args[k])))
			return 0;
	return 1;
}

/*
 * Replacing runtimeArgs: one element a line when the old value was so;
 * when it was empty or no array, when the entry and the document are.
 */
static int
args_multiline(const struct ed *e, const struct dj_member *m)
{
	const struct dj_value *a = VAL(e, m->val);
	size_t first;

	if (a->type == DJ_ARRAY && a->n > 0) {
		first = VAL(e, e->t.el[a->first])->start;
		return memchr(e->s + a->start, '\n', first - a->start) != NULL;
	}
	return e->st.arr_ml && memchr(e->s + m->sep, '\n', m->key - m->sep) != NULL;
}

/* R, the result of a step; on success its change CH is recorded. */
static int
changed(struct ed *e, int r, unsigned ch)
{
	if (r == 0)
		e->res->changes |= ch;
	return r;
}

/* Every edit finds "default-runtime" (refusing a second one) and wants an object entry. */
static int
locate(struct ed *e, const char *name, unsigned flags, struct dj_loc *l)
{
	return dj_locate(&e->t, name, flags | DJ_LOC_DEFAULT |
	    DJ_LOC_ENTRY_OBJECT, l, e->res);
}

/* Make sure runtimes.NAME exists (new: with path and runtimeArgs). */
static int
step_entry(struct ed *e, const struct dj_add_req *rq)
{
	struct dj_loc l;

	if (locate(e, rq->name, DJ_LOC_ENTRY_UNIQUE |
	    (rq->default_mode == DJ_DEFAULT_SET ? DJ_LOC_DEFAULT_STRING : 0),
	    &l) == -1)
		return -1;
	if (l.rt == DJ_NONE)
		return changed(e, ins_member(e, l.root, 1, "runtimes",
		    dj_gen_runtimes, rq), DJ_CH_CREATED);
	if (l.ent == DJ_NONE)
		return changed(e, ins_member(e, l.rt, 0, rq->name, dj_gen_entry,
		    rq), DJ_CH_CREATED);
	return 0;
}

static int
step_path(struct ed *e, const struct dj_add_req *rq)
{
	struct dj_loc l;
	size_t pi;

	if (locate(e, rq->name, DJ_LOC_ENTRY_UNIQUE, &l) == -1)
		return -1;
	if ((pi = dj_find(&e->t, l.ent, "path")) == DJ_NONE)
		return changed(e, ins_member(e, l.ent, 0, "path", dj_gen_string,
		    rq->path), DJ_CH_PATH);
	if (!is_string(e, MEM(e, l.ent, pi), rq->path))
		return changed(e, set_value(e, MEM(e, l.ent, pi), 0,
		    dj_gen_string, rq->path), DJ_CH_PATH);
	return 0;
}

static int
step_args(struct ed *e, const struct dj_add_req *rq)
{
	const struct dj_member *m;
	struct dj_loc l;
	size_t ai;

	if (rq->args_mode == DJ_ARGS_KEEP)
		return 0;
	if (locate(e, rq->name, DJ_LOC_ENTRY_UNIQUE, &l) == -1)
		return -1;
	ai = dj_find(&e->t, l.ent, "runtimeArgs");
	if (rq->args_mode == DJ_ARGS_CLEAR)
		return ai == DJ_NONE ? 0 : changed(e, del_member(e, l.ent, ai),
		    DJ_CH_ARGS_CLEARED);
	if (ai == DJ_NONE)
		return changed(e, ins_member(e, l.ent, 0, "runtimeArgs",
		    dj_gen_args_member, rq), DJ_CH_ARGS);
	m = MEM(e, l.ent, ai);
	if (!args_equal(e, m->val, rq))
		return changed(e, set_value(e, m, args_multiline(e, m),
		    dj_gen_args, rq), DJ_CH_ARGS);
	return 0;
}

static int
step_default(struct ed *e, const char *name, enum dj_default_mode mode,
    unsigned flags)
{
	const struct dj_member *d;
	struct dj_loc l;

	if (mode == DJ_DEFAULT_KEEP)
		return 0;
	if (locate(e, NULL, mode == DJ_DEFAULT_SET ? DJ_LOC_DEFAULT_STRING : 0,
	    &l) == -1)
		return -1;
	d = l.di == DJ_NONE ? NULL : MEM(e, l.root, l.di);
	if (mode == DJ_DEFAULT_SET && d == NULL)
		return changed(e, ins_member(e, l.root, 1, "default-runtime",
		    dj_gen_string, name), DJ_CH_DEFAULT_SET);
	if (mode == DJ_DEFAULT_SET && !is_string(e, d, name))
		return changed(e, set_value(e, d, 0, dj_gen_string, name),
		    DJ_CH_DEFAULT_SET);
	if (mode == DJ_DEFAULT_SET || d == NULL || !is_string(e, d, name))
		return 0;
	if (!(flags & DJ_RELOAD_SAFE))
		return changed(e, del_member(e, l.root, l.di),
		    DJ_CH_DEFAULT_UNSET);
	if (strcmp(name, "runc") != 0)
		return changed(e, set_value(e, d, 0, dj_gen_string, "runc"),
		    DJ_CH_DEFAULT_RUNC);
	return 0;
}

static int
step_remove(struct ed *e, const char *name, unsigned flags)
{
	struct dj_loc l;

	if (locate(e, name, 0, &l) == -1)
		return -1;
	if (l.ent == DJ_NONE)
		return 0;
	if (VAL(e, l.rt)->n == 1 && !(flags & DJ_RELOAD_SAFE))
		return changed(e, del_member(e, l.root, l.ri),
		    DJ_CH_REMOVED | DJ_CH_RUNTIMES_REMOVED);
	return changed(e, del_member(e, l.rt, l.ni), DJ_CH_REMOVED);
}

/* Delete "runtimes" when it is an empty object. */
static int
step_tidy(struct ed *e)
{
	struct dj_loc l;

	if (locate(e, NULL, 0, &l) == -1)
		return -1;
	if (l.rt == DJ_NONE || VAL(e, l.rt)->n != 0)
		return 0;
	return changed(e, del_member(e, l.root, l.ri), DJ_CH_RUNTIMES_REMOVED);
}

/*
 * Set up E from IN: BOM skipped (its length in *BOM), document scanned,
 * style detected.  An empty or blank document reads as "{}\n" when
 * BLANK_AS_OBJECT, else E->s stays NULL: nothing to edit.
 */
static int
ed_init(struct ed *e, const char *in, size_t len, int blank_as_object,
    size_t *bom, struct dj_result *res)
{
	struct dj_doc d;

	memset(res, 0, sizeof(*res));
	memset(e, 0, sizeof(*e));
	e->res = res;
	if (dj_doc_read(&d, in, len, res) == -1) {
		dj_doc_free(&d);
		return -1;
	}
	*bom = d.bom;
	if (d.blank && !blank_as_object) {
		dj_doc_free(&d);
		return 0;
	}
	if ((e->s = malloc(d.len + 1)) == NULL) {
		dj_doc_free(&d);
		return fail_oom(e);
	}
	memcpy(e->s, d.s, d.len);
	e->s[d.len] = '\0';
	e->len = d.len;
	e->t = d.t;		/* the same spans, now over the copy */
	e->t.s = e->s;
	dj_style_detect(&e->t, &e->st);
	return 0;
}

/* The result: BOM + document, or a copy of IN when there is no document. */
static int
ed_finish(struct ed *e, int r, const char *in, size_t len, size_t bom,
    char **out, size_t *outlen)
{
	const char *body = e->s != NULL ? e->s : in + bom;
	size_t blen = e->s != NULL ? e->len : len - bom;

	*out = NULL;
	*outlen = 0;
	if (r == 0 && (*out = malloc(bom + blen + 1)) == NULL)
		r = fail_oom(e);
	if (r == 0) {
		memcpy(*out, in, bom);
		memcpy(*out + bom, body, blen);
		(*out)[bom + blen] = '\0';
		*outlen = bom + blen;
	}
	dj_tree_free(&e->t);
	free(e->s);
	if (r != 0)
		e->res->changes = 0;
	return r;
}

int
dj_edit_add(const char *in, size_t len, const struct dj_add_req *rq,
    char **out, size_t *outlen, struct dj_result *res)
{
	struct ed e;
	size_t bom = 0;
	int r;

	if ((r = ed_init(&e, in, len, 1, &bom, res)) == 0 &&
	    (r = step_entry(&e, rq)) == 0 &&
	    (r = step_path(&e, rq)) == 0 &&
	    (r = step_args(&e, rq)) == 0)
		r = step_default(&e, rq->name, rq->default_mode, rq->flags);
	return ed_finish(&e, r, in, len, bom, out, outlen);
}

int
dj_edit_remove(const char *in, size_t len, const char *name, unsigned flags,
    char **out, size_t *outlen, struct dj_result *res)
{
	struct ed e;
	size_t bom = 0;
	int r;

	if ((r = ed_init(&e, in, len, 0, &bom, res)) == 0 && e.s != NULL &&
	    (r = step_remove(&e, name, flags)) == 0)
		r = step_default(&e, name, DJ_DEFAULT_UNSET, flags);
	return ed_finish(&e, r, in, len, bom, out, outlen);
}

int
dj_edit_tidy(const char *in, size_t len, const char *dflt, char **out,
    size_t *outlen, struct dj_result *res)
{
	struct ed e;
	size_t bom = 0;
	int r;

	if ((r = ed_init(&e, in, len, 0, &bom, res)) == 0 && e.s != NULL &&
	    (r = step_tidy(&e)) == 0 && dflt != NULL)
		r = step_default(&e, dflt, DJ_DEFAULT_UNSET, 0);
	return ed_finish(&e, r, in, len, bom, out, outlen);
}
