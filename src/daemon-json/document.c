/*
 * A daemon.json document and the lookup every command shares.  Pure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "document.h"

/* At most this many bytes of a key are quoted in a message. */
#define KEY_QUOTE_MAX	80

void
dj_fail_at(struct dj_result *res, const char *s, size_t len, size_t off,
    const char *fmt, ...)
{
	va_list ap;
	size_t n;
	int line, col;

	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	if (off == DJ_NONE)
		return;
	dj_linecol(s, len, off, &line, &col);
	n = strlen(res->msg);
	snprintf(res->msg + n, sizeof(res->msg) - n, " at line %d, column %d",
	    line, col);
}

void
dj_fail_scan(struct dj_result *res, const struct dj_error *err)
{
	if (err->off == DJ_NONE)
		snprintf(res->msg, sizeof(res->msg), "%s", err->msg);
	else
		snprintf(res->msg, sizeof(res->msg),
		    "invalid JSON at line %d, column %d: %s", err->line,
		    err->col, err->msg);
}

int
dj_doc_read(struct dj_doc *d, const char *in, size_t len, struct dj_result *res)
{
	struct dj_error err;
	char type;

	memset(d, 0, sizeof(*d));
	d->bom = dj_bom(in, len);
	d->s = in + d->bom;
	d->len = len - d->bom;
	if (dj_ws(d->s, d->len, 0) == d->len) {
		d->blank = 1;
		d->s = "{}\n";
		d->len = 3;
	}
	if (dj_scan(d->s, d->len, &d->t, &err) == -1) {
		dj_fail_scan(res, &err);
		return -1;
	}
	if ((type = d->t.v[d->t.root].type) != DJ_OBJECT) {
		snprintf(res->msg, sizeof(res->msg),
		    "the top level is %s, not an object", dj_type_name(type));
		return -1;
	}
	return 0;
}

void
dj_doc_free(struct dj_doc *d)
{
	dj_tree_free(&d->t);
}

size_t
dj_find(const struct dj_tree *t, size_t o, const char *key)
{
	size_t i, n = t->v[o].n, kl = strlen(key);

	for (i = 0; i < n; i++)
		if (dj_name_is(t, dj_member(t, o, i), key, kl))
			return i;
	return DJ_NONE;
}

/* Length of a key's text to quote in a message. */
static int
quoted(const struct dj_member *m)
{
	return m->key_end - m->key > KEY_QUOTE_MAX ? KEY_QUOTE_MAX :
	    (int)(m->key_end - m->key);
}

/* The member KEY of O as *POS (DJ_NONE when absent); -1 on a second one. */
static int
find_unique(const struct dj_tree *t, size_t o, const char *key, size_t *pos,
    struct dj_result *res)
{
	const struct dj_member *m;
	size_t i, kl = strlen(key);

	*pos = DJ_NONE;
	for (i = 0; i < t->v[o].n; i++) {
		m = dj_member(t, o, i);
		if (!dj_name_is(t, m, key, kl))
			continue;
		if (*pos != DJ_NONE) {
			dj_fail_at(res, t->s, t->len, m->key,
			    "duplicate key %.*s", quoted(m), t->s + m->key);
			return -1;
		}
		*pos = i;
	}
	return 0;
}

/* Refuse an object O that holds a key twice. */
static int
check_unique(const struct dj_tree *t, size_t o, struct dj_result *res)
{
	const struct dj_member *a, *b;
	size_t i, j;

	for (j = 1; j < t->v[o].n; j++) {
		b = dj_member(t, o, j);
		for (i = 0; i < j; i++) {
			a = dj_member(t, o, i);
			if (dj_name_is(t, a, dj_name(t, b), b->namelen)) {
				dj_fail_at(res, t->s, t->len, b->key,
				    "duplicate key %.*s in runtime entry",
				    quoted(b), t->s + b->key);
				return -1;
			}
		}
	}
	return 0;
}

/* Refuse value V unless it has TYPE; WHAT names it. */
static int
want_type(const struct dj_tree *t, size_t v, char type, const char *what,
    const char *kind, struct dj_result *res)
{
	if (t->v[v].type == type)
		return 0;
	dj_fail_at(res, t->s, t->len, t->v[v].start, "%s is not %s: found %s",
	    what, kind, dj_type_name(t->v[v].type));
	return -1;
}

int
dj_locate(const struct dj_tree *t, const char *name, unsigned flags,
    struct dj_loc *l, struct dj_result *res)
{
	const struct dj_member *m;
	char what[128];

	l->root = t->root;
	l->rt = l->ni = l->ent = l->di = DJ_NONE;
	if (find_unique(t, l->root, "runtimes", &l->ri, res) == -1)
		return -1;
	if ((flags & (DJ_LOC_DEFAULT | DJ_LOC_DEFAULT_STRING)) &&
	    find_unique(t, l->root, "default-runtime", &l->di, res) == -1)
		return -1;
	if ((flags & DJ_LOC_DEFAULT_STRING) && l->di != DJ_NONE &&
	    want_type(t, dj_member(t, l->root, l->di)->val, DJ_STRING,
	    "\"default-runtime\"", "a string", res) == -1)
		return -1;
	if (l->ri == DJ_NONE)
		return 0;
	l->rt = dj_member(t, l->root, l->ri)->val;
	if (want_type(t, l->rt, DJ_OBJECT, "\"runtimes\"", "an object",
	    res) == -1)
		return -1;
	if (name == NULL)
		return 0;
	if (find_unique(t, l->rt, name, &l->ni, res) == -1)
		return -1;
	if (l->ni == DJ_NONE)
		return 0;
	m = dj_member(t, l->rt, l->ni);
	l->ent = m->val;
	snprintf(what, sizeof(what), "runtime %.*s", quoted(m), t->s + m->key);
	if ((flags & DJ_LOC_ENTRY_OBJECT) &&
	    want_type(t, l->ent, DJ_OBJECT, what, "an object", res) == -1)
		return -1;
	if ((flags & DJ_LOC_ENTRY_UNIQUE) && t->v[l->ent].type == DJ_OBJECT)
		return check_unique(t, l->ent, res);
	return 0;
}
