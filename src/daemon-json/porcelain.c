/* show --porcelain (see porcelain.h).  Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "porcelain.h"

/* "KEY<TAB>" then the N bytes of P escaped, then a newline. */
static void
record(struct strbuf *sb, const char *key, const char *p, size_t n)
{
	strbuf_str(sb, key);
	strbuf_add(sb, "\t", 1);
	strbuf_field(sb, p, n);
	strbuf_add(sb, "\n", 1);
}

/* A record whose field is the decoded string value V of T. */
static void
record_str(struct strbuf *sb, const char *key, const struct dj_tree *t,
    size_t v)
{
	struct strbuf dec = { NULL, 0, 0, 0 };

	dj_str_decode(t->s, t->v[v].start, t->v[v].end, &dec);
	if (dec.oom)
		sb->oom = 1;
	else
		record(sb, key, dec.p != NULL ? dec.p : "", dec.len);
	strbuf_free(&dec);
}

/* The value of the last member KEY of object O (as Go keeps it), or DJ_NONE. */
static size_t
last(const struct dj_tree *t, size_t o, const char *key)
{
	size_t i = t->v[o].n, kl = strlen(key);

	while (i-- > 0)
		if (dj_name_is(t, dj_member(t, o, i), key, kl))
			return dj_member(t, o, i)->val;
	return DJ_NONE;
}

static void
entry(struct strbuf *sb, const struct dj_tree *t, size_t e)
{
	const struct dj_member *m;
	size_t v, i;
	char n[32];

	if (t->v[e].type != DJ_OBJECT)
		return;
	if ((v = last(t, e, "path")) != DJ_NONE && t->v[v].type == DJ_STRING)
		record_str(sb, "path", t, v);
	if ((v = last(t, e, "runtimeType")) != DJ_NONE &&
	    t->v[v].type == DJ_STRING)
		record_str(sb, "type", t, v);
	if ((v = last(t, e, "runtimeArgs")) != DJ_NONE &&
	    t->v[v].type == DJ_ARRAY) {
		snprintf(n, sizeof(n), "%zu", t->v[v].n);
		record(sb, "args", n, strlen(n));
		for (i = 0; i < t->v[v].n; i++)
			if (t->v[t->el[t->v[v].first + i]].type == DJ_STRING)
				record_str(sb, "arg", t, t->el[t->v[v].first + i]);
	}
	for (i = 0; i < t->v[e].n; i++) {
		m = dj_member(t, e, i);
		record(sb, "member", dj_name(t, m), m->namelen);
	}
}

int
dj_porcelain(const char *in, size_t len, int exists, const char *name,
    char **out, size_t *outlen, struct dj_result *res)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	const struct dj_member *m;
	struct dj_doc d;
	struct dj_loc l;
	size_t i;
	int r = 0;

	memset(res, 0, sizeof(*res));
	*out = NULL;
	*outlen = 0;
	if (!exists) {
		strbuf_str(&sb, "file\tmissing\n");
		r = name != NULL;
	} else if (dj_doc_read(&d, in, len, res) == -1 ||
	    dj_locate(&d.t, name, DJ_LOC_DEFAULT_STRING, &l, res) == -1) {
		dj_doc_free(&d);
		return -1;
	} else {
		strbuf_str(&sb, "file\tpresent\n");
		if (l.rt != DJ_NONE)
			strbuf_str(&sb, "runtimes\tpresent\n");
		if (l.di != DJ_NONE)
			record_str(&sb, "default", &d.t,
			    dj_member(&d.t, l.root, l.di)->val);
		for (i = 0; name == NULL && l.rt != DJ_NONE &&
		    i < d.t.v[l.rt].n; i++) {
			m = dj_member(&d.t, l.rt, i);
			record(&sb, "runtime", dj_name(&d.t, m), m->namelen);
		}
		if (name != NULL && l.ent != DJ_NONE) {
			record(&sb, "entry", name, strlen(name));
			entry(&sb, &d.t, l.ent);
		} else
			r = name != NULL;
		dj_doc_free(&d);
	}
	if (sb.oom) {
		snprintf(res->msg, sizeof(res->msg), "out of memory");
		return -1;
	}
	*out = sb.p;
	*outlen = sb.len;
	return r;
}
