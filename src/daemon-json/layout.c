/*
 * restore-layout: document equality as Go reads JSON, and the decision
 * what to write.  Pure: no I/O, no globals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "layout.h"

/* A member as Go keeps it in a map. */
struct key {
	const char	*name;
	size_t		 len, pos, val;
};

static int
key_cmp(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	int r;

	if ((r = memcmp(a->name, b->name, a->len < b->len ? a->len : b->len)) != 0)
		return r;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int
key_is(const struct key *k, const char *name, size_t len)
{
	return name != NULL && k->len == len && memcmp(k->name, name, len) == 0;
}

/*
 * The members of object O as a Go map holds them: sorted by key, the
 * last of each key, SKIP (unless NULL) left out.  Their number, with *OUT
 * malloc'd; or -1 when out of memory.
 */
static long
effective(const struct dj_tree *t, size_t o, const char *skip, struct key **out)
{
	const struct dj_member *m;
	size_t i, n = t->v[o].n, k = 0, sl = skip ? strlen(skip) : 0;
	struct key *ks;

	if ((ks = calloc(n ? n : 1, sizeof(*ks))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		m = dj_member(t, o, i);
		ks[i].name = dj_name(t, m);
		ks[i].len = m->namelen;
		ks[i].pos = i;
		ks[i].val = m->val;
	}
	qsort(ks, n, sizeof(*ks), key_cmp);
	for (i = 0; i < n; i++)
		if ((i + 1 == n || !key_is(&ks[i + 1], ks[i].name, ks[i].len)) &&
		    !key_is(&ks[i], skip, sl))
			ks[k++] = ks[i];
	*out = ks;
	return (long)k;
}

/* The value of the last member KEY of object O, or DJ_NONE. */
static size_t
lookup(const struct dj_tree *t, size_t o, const char *key)
{
	size_t i = t->v[o].n, kl = strlen(key);

	while (i-- > 0)
		if (dj_name_is(t, dj_member(t, o, i), key, kl))
			return dj_member(t, o, i)->val;
	return DJ_NONE;
}

static int same(const struct dj_tree *, size_t, const struct dj_tree *, size_t);

/* Objects A and B as maps, without the keys ASKIP and BSKIP: 1, 0, or -1. */
static int
same_members(const struct dj_tree *ta, size_t a, const char *askip,
    const struct dj_tree *tb, size_t b, const char *bskip)
{
	struct key *ka = NULL, *kb = NULL;
	long na, nb, i;
	int r = -1;

	if ((na = effective(ta, a, askip, &ka)) >= 0 &&
	    (nb = effective(tb, b, bskip, &kb)) >= 0) {
		r = na == nb;
		for (i = 0; i < na && r == 1; i++)
			if (!key_is(&kb[i], ka[i].name, ka[i].len))
				r = 0;
		for (i = 0; i < na && r == 1; i++)
			r = same(ta, ka[i].val, tb, kb[i].val);
	}
	free(ka);
	free(kb);
	return r;
}

/* Number value V as Go's float64 into *D; -1 when out of memory. */
static int
number(const struct dj_tree *t, size_t v, double *d)
{
	char buf[64], *p = buf;
	size_t n = t->v[v].end - t->v[v].start;

	if (n >= sizeof(buf) && (p = malloc(n + 1)) == NULL)
		return -1;
	memcpy(p, t->s + t->v[v].start, n);
	p[n] = '\0';
	*d = strtod(p, NULL);
	if (p != buf)
		free(p);
	return 0;
}

static int
same_number(const struct dj_tree *ta, size_t a, const struct dj_tree *tb,
    size_t b)
{
	double x, y;

	if (number(ta, a, &x) == -1 || number(tb, b, &y) == -1)
		return -1;
	return x == y;
}

static int
same_string(const struct dj_tree *ta, size_t a, const struct dj_tree *tb,
    size_t b)
{
	struct strbuf sa = { NULL, 0, 0, 0 }, sb = { NULL, 0, 0, 0 };
	int r;

	dj_str_decode(ta->s, ta->v[a].start, ta->v[a].end, &sa);
	dj_str_decode(tb->s, tb->v[b].start, tb->v[b].end, &sb);
	r = sa.oom || sb.oom ? -1 : sa.len == sb.len &&
	    (sa.len == 0 || memcmp(sa.p, sb.p, sa.len) == 0);
	strbuf_free(&sa);
	strbuf_free(&sb);
	return r;
}

/* 1 when equal, 0 when not, -1 when out of memory. */
static int
same(const struct dj_tree *ta, size_t a, const struct dj_tree *tb, size_t b)
{
	const struct dj_value *va = &ta->v[a], *vb = &tb->v[b];
	size_t i;
	int r;

	if (va->type != vb->type)
		return 0;
	switch (va->type) {
	case DJ_OBJECT:
		return same_members(ta, a, NULL, tb, b, NULL);
	case DJ_ARRAY:
		if (va->n != vb->n)
			return 0;
		for (i = 0; i < va->n; i++)
			if ((r = same(ta, ta->el[va->first + i], tb,
			    tb->el[vb->first + i])) != 1)
				return r;
		return 1;
	case DJ_STRING:
		return same_string(ta, a, tb, b);
	case DJ_NUMBER:
		return same_number(ta, a, tb, b);
	}
	return 1;		/* true, false, null */
}

int
dj_same_value(const struct dj_tree *ta, size_t a, const struct dj_tree *tb,
    size_t b)
{
	return same(ta, a, tb, b);
}

int
dj_bare_entry(const struct dj_tree *t, size_t e, const char *path)
{
	struct key *k;
	long n;
	int r;

	if (t->v[e].type != DJ_OBJECT || (n = effective(t, e, NULL, &k)) < 0)
		return 0;
	r = n == 1 && key_is(&k[0], "path", 4) &&
	    dj_str_is(t, k[0].val, path, strlen(path));
	free(k);
	return r;
}

/*
 * FILE (tree F) holds runtimes.NAME == {"path": PATH}, SAVED (tree S)
 * has no such runtime: are they the same otherwise?  1, 0, -1 (out of
 * memory), or 2 when this case does not apply.
 */
static int
same_but_entry(const struct dj_tree *f, const struct dj_tree *s,
    const char *name, const char *path)
{
	struct key *k;
	size_t fr, fe, sr;
	long n;
	int r;

	if ((fr = lookup(f, f->root, "runtimes")) == DJ_NONE ||
	    f->v[fr].type != DJ_OBJECT ||
	    (fe = lookup(f, fr, name)) == DJ_NONE || !dj_bare_entry(f, fe, path))
		return 2;
	sr = lookup(s, s->root, "runtimes");
	if (sr != DJ_NONE && (s->v[sr].type != DJ_OBJECT ||
	    lookup(s, sr, name) != DJ_NONE))
		return 2;
	if ((r = same_members(f, f->root, "runtimes", s, s->root,
	    "runtimes")) != 1)
		return r;
	if (sr != DJ_NONE)
		return same_members(f, fr, name, s, sr, NULL);
	if ((n = effective(f, fr, name, &k)) < 0)
		return -1;
	free(k);
	return n == 0;		/* runsc install made "runtimes" for it */
}

static int
copy_out(const char *p, size_t n, char **out, size_t *outlen,
    struct dj_result *res)
{
	if ((*out = malloc(n + 1)) == NULL) {
		snprintf(res->msg, sizeof(res->msg), "out of memory");
		return -1;
	}
	memcpy(*out, p, n);
	(*out)[n] = '\0';
	*outlen = n;
	return 0;
}

int
dj_restore_layout(const char *file, size_t flen, const char *saved,
    size_t slen, const char *name, const char *path, enum dj_verdict *verdict,
    char **out, size_t *outlen, struct dj_result *res)
{
	struct dj_add_req rq = { name, path, NULL, 0, DJ_ARGS_KEEP,
	    DJ_DEFAULT_KEEP, 0 };
	struct dj_doc f, s;
	int r = 2, rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	*out = NULL;
	*outlen = 0;
	*verdict = DJ_DIFFERENT;
	if (dj_doc_read(&f, file, flen, res) == -1)
		goto done;
	res->which = 1;
	if (dj_doc_read(&s, saved, slen, res) == -1)
		goto done;
	res->which = 0;
	if (name != NULL)
		r = same_but_entry(&f.t, &s.t, name, path);
	if (r == 1) {
		*verdict = DJ_SAME_PLUS_ENTRY;
		rc = dj_edit_add(saved, slen, &rq, out, outlen, res);
		res->which = 1;		/* dj_edit_add() read SAVED */
		goto done;
	}
	if (r == 2)
		r = same(&f.t, f.t.root, &s.t, s.t.root);
	if (r == -1)
		snprintf(res->msg, sizeof(res->msg), "out of memory");
	else if (r == 0)
		rc = 0;
	else if (flen == slen && memcmp(file, saved, flen) == 0) {
		*verdict = DJ_SAME_BYTES;
		rc = copy_out(file, flen, out, outlen, res);
	} else {
		*verdict = DJ_SAME_DOCUMENT;
		rc = copy_out(saved, slen, out, outlen, res);
	}
done:
	dj_doc_free(&f);
	dj_doc_free(&s);
	return rc;
}
