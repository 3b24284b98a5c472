/*
 * show: what Docker will read from daemon.json.  The scanner's tree says
 * what is there; json-c prints it (2-space indent, keys in file order, a
 * later duplicate replacing the value of an earlier one as in Go).  Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "show.h"

#define PRETTY	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
		 JSON_C_TO_STRING_NOSLASHESCAPE)

struct conv {
	const struct dj_tree	*t;
	struct dj_result	*res;
	int			 failed;
};

static int
fail_oom(struct dj_result *res)
{
	snprintf(res->msg, sizeof(res->msg), "out of memory");
	return -1;
}

static json_object *to_jsonc(struct conv *, size_t v);

/* Add value I to O (under KEY, or to the array O when KEY is NULL). */
static void
add(struct conv *c, json_object *o, const char *key, size_t i)
{
	json_object *child = to_jsonc(c, i);

	if (c->failed)
		return;
	if ((key != NULL ? json_object_object_add(o, key, child) :
	    json_object_array_add(o, child)) != 0) {
		json_object_put(child);
		fail_oom(c->res);
		c->failed = 1;
	}
}

static json_object *
object(struct conv *c, const struct dj_value *v)
{
	const struct dj_member *m;
	json_object *o;
	size_t i;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	for (i = 0; i < v->n && !c->failed; i++) {
		m = &c->t->m[v->first + i];
		if (memchr(dj_name(c->t, m), '\0', m->namelen) == NULL)
			add(c, o, dj_name(c->t, m), m->val);
		else {
			dj_fail_at(c->res, c->t->s, c->t->len, m->key,
			    "cannot print a key holding \\u0000");
			c->failed = 1;
		}
	}
	return o;
}

static json_object *
array(struct conv *c, const struct dj_value *v)
{
	json_object *a;
	size_t i;

	if ((a = json_object_new_array_ext((int)v->n)) == NULL)
		return NULL;
	for (i = 0; i < v->n && !c->failed; i++)
		add(c, a, NULL, c->t->el[v->first + i]);
	return a;
}

static json_object *
scalar(struct conv *c, const struct dj_value *v)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	json_object *o = NULL;

	if (v->type == DJ_STRING)
		dj_str_decode(c->t->s, v->start, v->end, &sb);
	else		/* a number: printed as written */
		strbuf_add(&sb, c->t->s + v->start, v->end - v->start);
	if (!sb.oom)
		o = v->type == DJ_STRING ?
		    json_object_new_string_len(sb.p ? sb.p : "", (int)sb.len) :
		    json_object_new_double_s(strtod(sb.p, NULL), sb.p);
	strbuf_free(&sb);
	return o;
}

/* Value I as a json-c object: NULL for null, or with c->failed set. */
static json_object *
to_jsonc(struct conv *c, size_t i)
{
	const struct dj_value *v = &c->t->v[i];
	json_object *o;

	if (c->failed || v->type == DJ_NULL)
		return NULL;
	if (v->type == DJ_TRUE || v->type == DJ_FALSE)
		o = json_object_new_boolean(v->type == DJ_TRUE);
	else if (v->type == DJ_OBJECT)
		o = object(c, v);
	else if (v->type == DJ_ARRAY)
		o = array(c, v);
	else
		o = scalar(c, v);
	if (o == NULL && !c->failed)
		fail_oom(c->res);
	if (o == NULL || c->failed) {
		json_object_put(o);
		c->failed = 1;
		return NULL;
	}
	return o;
}

/*
 * json-c writes an empty container as "[\n    ]"; make it "[]".  Its
 * output never holds a raw newline inside a string, so this is safe.
 */
static void
tidy_empty(char *s)
{
	char *w = s, *r = s, *e;

	while (*r != '\0') {
		*w++ = *r;
		if ((*r == '[' || *r == '{') && r[1] == '\n') {
			for (e = r + 2; *e == ' '; e++)
				;
			if (*e == (*r == '[' ? ']' : '}'))
				r = e - 1;
		}
		r++;
	}
	*w = '\0';
}

static int
render(json_object *o, char **out, size_t *outlen, struct dj_result *res)
{
	const char *s;

	if ((s = json_object_to_json_string_ext(o, PRETTY)) == NULL ||
	    asprintf(out, "%s\n", s) == -1) {
		*out = NULL;
		return fail_oom(res);
	}
	tidy_empty(*out);
	*outlen = strlen(*out);
	return 0;
}

/* Print O (NULL: null), unless its conversion failed; O is freed. */
static int
print(struct conv *c, json_object *o, char **out, size_t *outlen)
{
	int r = c->failed ? -1 : render(o, out, outlen, c->res);

	json_object_put(o);
	return r;
}

static int
show_all(struct conv *c, const struct dj_loc *l, char **out, size_t *outlen)
{
	json_object *all, *rt = NULL;

	if ((all = json_object_new_object()) == NULL)
		return fail_oom(c->res);
	if (l->di != DJ_NONE)
		add(c, all, "default-runtime", dj_member(c->t, l->root, l->di)->val);
	if (l->rt != DJ_NONE)
		add(c, all, "runtimes", l->rt);
	else if ((rt = json_object_new_object()) == NULL ||
	    json_object_object_add(all, "runtimes", rt) != 0) {
		json_object_put(rt);
		fail_oom(c->res);
		c->failed = 1;
	}
	return print(c, all, out, outlen);
}

static int
show_default(const struct dj_tree *t, const struct dj_loc *l, char **out,
    size_t *outlen, struct dj_result *res)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	const struct dj_value *v;

	if (l->di == DJ_NONE)
		return 1;
	v = &t->v[dj_member(t, l->root, l->di)->val];
	dj_str_decode(t->s, v->start, v->end, &sb);
	strbuf_add(&sb, "\n", 1);
	if (sb.oom)
		return fail_oom(res);
	*out = sb.p;
	*outlen = sb.len;
	return 0;
}

int
dj_show(const char *in, size_t len, enum dj_show_what what, const char *name,
    char **out, size_t *outlen, struct dj_result *res)
{
	struct conv c;
	struct dj_doc d;
	struct dj_loc l;
	int r;

	memset(res, 0, sizeof(*res));
	*out = NULL;
	*outlen = 0;
	if (dj_doc_read(&d, in, len, res) == -1 ||
	    dj_locate(&d.t, what == DJ_SHOW_ENTRY ? name : NULL,
	    what == DJ_SHOW_ENTRY ? 0 : what == DJ_SHOW_ALL ? DJ_LOC_DEFAULT :
	    DJ_LOC_DEFAULT_STRING, &l, res) == -1)
		r = -1;
	else if (what == DJ_SHOW_DEFAULT)
		r = show_default(&d.t, &l, out, outlen, res);
	else {
		c.t = &d.t;
		c.res = res;
		c.failed = 0;
		if (what == DJ_SHOW_ALL)
			r = show_all(&c, &l, out, outlen);
		else if (l.ent == DJ_NONE)
			r = 1;
		else
			r = print(&c, to_jsonc(&c, l.ent), out, outlen);
	}
	dj_doc_free(&d);
	return r;
}
