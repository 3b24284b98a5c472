/*
 * add and remove: locate the byte spans of the top-level members, of the
 * "runtimes" members and of the entry's members, then splice.  Every
 * byte outside what changes is kept.  Pure: no I/O, no globals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct ed {
	char			*s;	/* the document without its BOM */
	size_t			 len;
	struct dj_style		 st;
	struct dj_result	*res;
};

/* Where things are: indexes are DJ_NONE when absent. */
struct loc {
	struct dj_obj	root, rt, ent;
	size_t		ri, di, ni;
};

static const char *
found(char c)
{
	switch (c) {
	case '{': return "an object";
	case '[': return "an array";
	case '"': return "a string";
	case 't':
	case 'f': return "a boolean";
	case 'n': return "null";
	}
	return "a number";
}

static void
loc_free(struct loc *l)
{
	dj_obj_free(&l->root);
	dj_obj_free(&l->rt);
	dj_obj_free(&l->ent);
}

static int
fail_scan(struct ed *e)
{
	dj_fail_at(e->res, DJ_ENOMEM, e->s, e->len, DJ_NONE,
	    "out of memory (or internal scan error)");
	return -1;
}

/* The member KEY of O, or DJ_NONE; -1 (after an error) on a duplicate. */
static int
find_unique(struct ed *e, const struct dj_obj *o, const char *key, size_t *idx)
{
	size_t i;

	*idx = DJ_NONE;
	for (i = 0; i < o->n; i++) {
		if (!dj_str_eq(e->s, o->m[i].key, o->m[i].key_end, key))
			continue;
		if (*idx != DJ_NONE) {
			dj_fail_at(e->res, DJ_ECONTENT, e->s, e->len,
			    o->m[i].key, "duplicate key %.*s",
			    (int)(o->m[i].key_end - o->m[i].key > 80 ? 80 :
			    o->m[i].key_end - o->m[i].key), e->s + o->m[i].key);
			return -1;
		}
		*idx = i;
	}
	return 0;
}

static int
check_entry_dups(struct ed *e, const struct dj_obj *o)
{
	size_t i, j;

	for (j = 1; j < o->n; j++)
		for (i = 0; i < j; i++)
			if (dj_str_same(e->s, o->m[i].key, o->m[i].key_end,
			    o->m[j].key, o->m[j].key_end)) {
				dj_fail_at(e->res, DJ_ECONTENT, e->s, e->len,
				    o->m[j].key, "duplicate key %.*s in runtime entry",
				    (int)(o->m[j].key_end - o->m[j].key > 80 ? 80 :
				    o->m[j].key_end - o->m[j].key),
				    e->s + o->m[j].key);
				return -1;
			}
	return 0;
}

static int
want_object(struct ed *e, size_t val, const char *what)
{
	if (e->s[val] == '{')
		return 0;
	dj_fail_at(e->res, DJ_ECONTENT, e->s, e->len, val,
	    "%s is not an object: found %s", what, found(e->s[val]));
	return -1;
}

/*
 * Find root, "runtimes", NAME (unless NULL) and default-runtime.  CHECK_ENTRY also
 * rejects duplicate keys inside the entry; CHECK_DEFAULT (when it is to be
 * overwritten) a default-runtime that is not a string.
 */
static int
locate(struct ed *e, const char *name, int check_entry, int check_default,
    struct loc *l)
{
	char what[128];
	size_t v;

	memset(l, 0, sizeof(*l));
	l->ri = l->di = l->ni = DJ_NONE;
	if (dj_scan_obj(e->s, e->len, dj_ws(e->s, e->len, 0), &l->root) == -1)
		return fail_scan(e);
	if (find_unique(e, &l->root, "runtimes", &l->ri) == -1 ||
	    find_unique(e, &l->root, "default-runtime", &l->di) == -1)
		return -1;
	if (check_default && l->di != DJ_NONE &&
	    e->s[v = l->root.m[l->di].val] != '"') {
		dj_fail_at(e->res, DJ_ECONTENT, e->s, e->len, v,
		    "\"default-runtime\" is not a string: found %s", found(e->s[v]));
		return -1;
	}
	if (l->ri == DJ_NONE)
		return 0;
	if (want_object(e, v = l->root.m[l->ri].val, "\"runtimes\"") == -1)
		return -1;
	if (dj_scan_obj(e->s, e->len, v, &l->rt) == -1)
		return fail_scan(e);
	if (name == NULL)
		return 0;
	if (find_unique(e, &l->rt, name, &l->ni) == -1)
		return -1;
	if (l->ni == DJ_NONE)
		return 0;
	snprintf(what, sizeof(what), "runtime %.*s",
	    (int)(l->rt.m[l->ni].key_end - l->rt.m[l->ni].key > 80 ? 80 :
	    l->rt.m[l->ni].key_end - l->rt.m[l->ni].key), e->s + l->rt.m[l->ni].key);
	if (want_object(e, v = l->rt.m[l->ni].val, what) == -1)
		return -1;
	if (dj_scan_obj(e->s, e->len, v, &l->ent) == -1)
		return fail_scan(e);
	return check_entry ? check_entry_dups(e, &l->ent) : 0;
}

static int
splice(struct ed *e, size_t a, size_t b, const char *t, size_t tn)
{
	char *n;

	if ((n = malloc(e->len - (b - a) + tn + 1)) == NULL)
		return fail_scan(e);
	memcpy(n, e->s, a);
	memcpy(n + a, t, tn);
	memcpy(n + a + tn, e->s + b, e->len - b);
	e->len = e->len - (b - a) + tn;
	n[e->len] = '\0';
	free(e->s);
	e->s = n;
	return 0;
}

static int
splice_sb(struct ed *e, size_t a, size_t b, struct strbuf *sb)
{
	int r;

	r = sb->oom ? fail_scan(e) : splice(e, a, b, sb->p ? sb->p : "", sb->len);
	strbuf_free(sb);
	return r;
}

/*
 * Delete member I of O.  The last member goes with the comma before it,
 * any other with the comma and whitespace after it, the only one leaves
 * "{}": the exact inverse of ins_member().
 */
static int
del_member(struct ed *e, const struct dj_obj *o, size_t i)
{
	if (o->n == 1)
		return splice(e, o->open + 1, o->close, "", 0);
	if (i + 1 < o->n)
		return splice(e, o->m[i].key, o->m[i + 1].key, "", 0);
	return splice(e, o->m[i - 1].val_end, o->m[i].val_end, "", 0);
}

/*
 * Append KEY: value to O.  After a last member: ",", that member's
 * whitespace, key, its colon, value.  Into an empty object: one member
 * a line in the document's style (top level: always).
 */
static int
ins_member(struct ed *e, const struct dj_obj *o, int root, const char *k,
    dj_gen_fn *gen, const void *arg)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	const struct dj_member *last;
	char ind[DJ_IND_MAX * 2];
	size_t is, in;
	int ml;

	if (o->n > 0) {
		last = &o->m[o->n - 1];
		ml = memchr(e->s + last->sep, '\n', last->key - last->sep) != NULL;
		dj_line_indent(e->s, last->key, &is, &in);
		if (in >= DJ_IND_MAX)
			in = DJ_IND_MAX - 1;
		memcpy(ind, e->s + is, in);
		ind[in] = '\0';
		strbuf_str(&sb, ",");
		if (ml || o->n > 1)	/* the whitespace after a comma */
			strbuf_add(&sb, e->s + last->sep, last->key - last->sep);
		else			/* {"only": 1}: no comma to copy from */
			strbuf_str(&sb, e->st.csep);
		strbuf_jstr(&sb, k);
		strbuf_add(&sb, e->s + last->key_end, last->val - last->key_end);
		gen(&sb, &e->st, ml, ind, arg);
		return splice_sb(e, last->val_end, last->val_end, &sb);
	}
	ml = root || e->st.ml;
	dj_line_indent(e->s, o->open, &is, &in);
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
	return splice_sb(e, o->open + 1, o->close, &sb);
}

/* Replace the value of member I of O by generated text. */
static int
set_value(struct ed *e, const struct dj_member *m, int ml, dj_gen_fn *gen,
    const void *arg)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	char ind[DJ_IND_MAX];
	size_t is, in;

	dj_line_indent(e->s, m->key, &is, &in);
	if (in >= DJ_IND_MAX)
		in = DJ_IND_MAX - 1;
	memcpy(ind, e->s + is, in);
	ind[in] = '\0';
	gen(&sb, &e->st, ml, ind, arg);
	return splice_sb(e, m->val, m->val_end, &sb);
}

/* Is the value at [v, ve) an array of exactly the strings requested? */
static int
args_equal(const struct ed *e, size_t v, size_t ve, const struct dj_add_req *rq)
{
	size_t i = v, k = 0, end;

	if (e->s[i] != '[')
		return 0;
	i = dj_ws(e->s, ve, i + 1);
	if (e->s[i] == ']')
		return rq->nargs == 0;
	for (;;) {
		if (e->s[i] != '"' || k >= rq->nargs ||
		    (end = dj_skip_value(e->s, ve, i)) == DJ_NONE ||
		    !dj_str_eq(e->s, i, end, rq->args[k]))
			return 0;
		k++;
		i = dj_ws(e->s, ve, end);
		if (i >= ve || e->s[i] != ',')
			break;
		i = dj_ws(e->s, ve, i + 1);
	}
	return k == rq->nargs && i < ve && e->s[i] == ']';
}

static int
is_string(const struct ed *e, const struct dj_member *m, const char *want)
{
	return e->s[m->val] == '"' && dj_str_eq(e->s, m->val, m->val_end, want);
}

/* Make sure runtimes.NAME exists (new: with path and runtimeArgs). */
static int
step_entry(struct ed *e, const struct dj_add_req *rq)
{
	struct loc l;
	int r = 0;

	if (locate(e, rq->name, 1, rq->default_mode == DJ_DEFAULT_SET, &l) == -1) {
		loc_free(&l);
		return -1;
	}
	if (l.ri == DJ_NONE)
		r = ins_member(e, &l.root, 1, "runtimes", dj_gen_runtimes, rq);
	else if (l.ni == DJ_NONE)
		r = ins_member(e, &l.rt, 0, rq->name, dj_gen_entry, rq);
	if (r == 0 && (l.ri == DJ_NONE || l.ni == DJ_NONE))
		e->res->changes |= DJ_CH_CREATED;
	loc_free(&l);
	return r;
}

static int
step_path(struct ed *e, const struct dj_add_req *rq)
{
	struct loc l;
	size_t pi;
	int r = 0, changed = 1;

	if (locate(e, rq->name, 1, 0, &l) == -1 ||
	    find_unique(e, &l.ent, "path", &pi) == -1) {
		loc_free(&l);
		return -1;
	}
	if (pi == DJ_NONE)
		r = ins_member(e, &l.ent, 0, "path", dj_gen_string, rq->path);
	else if (!is_string(e, &l.ent.m[pi], rq->path))
		r = set_value(e, &l.ent.m[pi], 0, dj_gen_string, rq->path);
	else
		changed = 0;
	if (r == 0 && changed)
		e->res->changes |= DJ_CH_PATH;
	loc_free(&l);
	return r;
}

/*
 * Replacing runtimeArgs: one element a line when the old value was so;
 * when it was empty or no array, when the entry and the document are.
 */
static int
args_multiline(const struct ed *e, const struct dj_member *m)
{
	size_t j;

	if (e->s[m->val] == '[') {
		j = dj_ws(e->s, m->val_end, m->val + 1);
		if (e->s[j] != ']')
			return memchr(e->s + m->val, '\n', j - m->val) != NULL;
	}
	return e->st.arr_ml && memchr(e->s + m->sep, '\n', m->key - m->sep) != NULL;
}

static int
step_args(struct ed *e, const struct dj_add_req *rq)
{
	struct loc l;
	size_t ai;
	int r = 0, changed = 0;

	if (rq->args_mode == DJ_ARGS_KEEP)
		return 0;
	if (locate(e, rq->name, 1, 0, &l) == -1 ||
	    find_unique(e, &l.ent, "runtimeArgs", &ai) == -1) {
		loc_free(&l);
		return -1;
	}
	if (rq->args_mode == DJ_ARGS_CLEAR) {
		if (ai != DJ_NONE && (r = del_member(e, &l.ent, ai)) == 0)
			e->res->changes |= DJ_CH_ARGS_CLEARED;
	} else if (ai == DJ_NONE) {
		changed = 1;
		r = ins_member(e, &l.ent, 0, "runtimeArgs", dj_gen_args_member, rq);
	} else if (!args_equal(e, l.ent.m[ai].val, l.ent.m[ai].val_end, rq)) {
		changed = 1;
		r = set_value(e, &l.ent.m[ai], args_multiline(e, &l.ent.m[ai]),
		    dj_gen_args, rq);
	}
	if (r == 0 && changed)
		e->res->changes |= DJ_CH_ARGS;
	loc_free(&l);
	return r;
}

static int
step_default(struct ed *e, const char *name, enum dj_default_mode mode,
    unsigned flags)
{
	struct loc l;
	int r = 0;

	if (mode == DJ_DEFAULT_KEEP)
		return 0;
	if (locate(e, name, 0, mode == DJ_DEFAULT_SET, &l) == -1) {
		loc_free(&l);
		return -1;
	}
	if (mode == DJ_DEFAULT_SET && l.di == DJ_NONE) {
		if ((r = ins_member(e, &l.root, 1, "default-runtime",
		    dj_gen_string, name)) == 0)
			e->res->changes |= DJ_CH_DEFAULT_SET;
	} else if (mode == DJ_DEFAULT_SET &&
	    !is_string(e, &l.root.m[l.di], name)) {
		if ((r = set_value(e, &l.root.m[l.di], 0, dj_gen_string,
		    name)) == 0)
			e->res->changes |= DJ_CH_DEFAULT_SET;
	} else if (mode == DJ_DEFAULT_UNSET && l.di != DJ_NONE &&
	    is_string(e, &l.root.m[l.di], name)) {
		if (flags & DJ_RELOAD_SAFE) {
			if (strcmp(name, "runc") != 0 && (r = set_value(e,
			    &l.root.m[l.di], 0, dj_gen_string, "runc")) == 0)
				e->res->changes |= DJ_CH_DEFAULT_RUNC;
		} else if ((r = del_member(e, &l.root, l.di)) == 0)
			e->res->changes |= DJ_CH_DEFAULT_UNSET;
	}
	loc_free(&l);
	return r;
}

static int
step_remove(struct ed *e, const char *name, unsigned flags)
{
	struct loc l;
	int r = 0;

	if (locate(e, name, 0, 0, &l) == -1) {
		loc_free(&l);
		return -1;
	}
	if (l.ni != DJ_NONE && l.rt.n == 1 && !(flags & DJ_RELOAD_SAFE)) {
		if ((r = del_member(e, &l.root, l.ri)) == 0)
			e->res->changes |= DJ_CH_REMOVED | DJ_CH_RUNTIMES_REMOVED;
	} else if (l.ni != DJ_NONE) {
		if ((r = del_member(e, &l.rt, l.ni)) == 0)
			e->res->changes |= DJ_CH_REMOVED;
	}
	loc_free(&l);
	return r;
}

/* Delete "runtimes" when it is an empty object. */
static int
step_tidy(struct ed *e)
{
	struct loc l;
	int r = 0;

	if (locate(e, NULL, 0, 0, &l) == -1) {
		loc_free(&l);
		return -1;
	}
	if (l.ri != DJ_NONE && l.rt.n == 0 &&
	    (r = del_member(e, &l.root, l.ri)) == 0)
		e->res->changes |= DJ_CH_RUNTIMES_REMOVED;
	loc_free(&l);
	return r;
}

/*
 * Set up E from IN: BOM stripped (its length in *BOM), syntax checked,
 * style detected.  An empty or blank document reads as "{}\n" when
 * BLANK_AS_OBJECT, else E->s stays NULL.
 */
static int
ed_init(struct ed *e, const char *in, size_t len, int blank_as_object,
    size_t *bom, struct dj_result *res)
{
	struct dj_obj root;

	memset(res, 0, sizeof(*res));
	memset(e, 0, sizeof(*e));
	e->res = res;
	*bom = dj_bom(in, len);
	in += *bom;
	len -= *bom;
	if (dj_ws(in, len, 0) == len) {
		if (!blank_as_object)
			return 0;
		in = "{}\n";
		len = 3;
	} else if (dj_check_syntax(in, len, res, NULL) == -1)
		return -1;
	if ((e->s = malloc(len + 1)) == NULL)
		return fail_scan(e);
	memcpy(e->s, in, len);
	e->s[len] = '\0';
	e->len = len;
	if (dj_scan_obj(e->s, e->len, dj_ws(e->s, e->len, 0), &root) == -1)
		return fail_scan(e);
	dj_style_detect(e->s, e->len, &root, &e->st);
	dj_obj_free(&root);
	return 0;
}

/* The result: BOM + document, or a copy of IN when there is no document. */
static int
ed_finish(struct ed *e, int r, const char *in, size_t len, size_t bom,
    char **out, size_t *outlen)
{
	size_t off;
	const char *why;

	*out = NULL;
	*outlen = 0;
	if (r == 0 && e->s != NULL && dj_validate(e->s, e->len, &off, &why) == -1) {
		dj_fail_at(e->res, DJ_ECONTENT, e->s, e->len, off,
		    "internal error: the edit would produce invalid JSON (%s)", why);
		r = -1;
	}
	if (r == 0 && e->s == NULL) {
		if ((*out = malloc(len + 1)) == NULL)
			r = fail_scan(e);
		else {
			memcpy(*out, in, len);
			(*out)[len] = '\0';
			*outlen = len;
		}
	} else if (r == 0) {
		if ((*out = malloc(bom + e->len + 1)) == NULL)
			r = fail_scan(e);
		else {
			memcpy(*out, in, bom);
			memcpy(*out + bom, e->s, e->len + 1);
			*outlen = bom + e->len;
		}
	}
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
	size_t bom;
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
	size_t bom;
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
	size_t bom;
	int r;

	if ((r = ed_init(&e, in, len, 0, &bom, res)) == 0 && e.s != NULL &&
	    (r = step_tidy(&e)) == 0 && dflt != NULL)
		r = step_default(&e, dflt, DJ_DEFAULT_UNSET, 0);
	return ed_finish(&e, r, in, len, bom, out, outlen);
}
