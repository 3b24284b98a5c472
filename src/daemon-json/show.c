/*
 * show: what Docker will read from daemon.json, as JSON printed by json-c
 * (2-space indent, keys in file order, so deterministic).  Pure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "show.h"

#define PRETTY	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
		 JSON_C_TO_STRING_NOSLASHESCAPE)

static int
fail(struct dj_result *res, enum dj_status st, const char *msg)
{
	res->status = st;
	snprintf(res->msg, sizeof(res->msg), "%s", msg);
	return -1;
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
render(json_object *o, char **out, struct dj_result *res)
{
	const char *s;

	if ((s = json_object_to_json_string_ext(o, PRETTY)) == NULL ||
	    asprintf(out, "%s\n", s) == -1) {
		*out = NULL;
		return fail(res, DJ_ENOMEM, "out of memory");
	}
	tidy_empty(*out);
	return 0;
}

/* runtimes, or NULL when absent; -1 when it is not an object. */
static int
runtimes(json_object *root, json_object **rt, struct dj_result *res)
{
	*rt = NULL;
	if (!json_object_object_get_ex(root, "runtimes", rt))
		return 0;
	if (!json_object_is_type(*rt, json_type_object))
		return fail(res, DJ_ECONTENT, "\"runtimes\" is not an object");
	return 0;
}

static int
show_default(json_object *root, char **out, struct dj_result *res)
{
	json_object *d;

	if (!json_object_object_get_ex(root, "default-runtime", &d))
		return 1;
	if (!json_object_is_type(d, json_type_string))
		return fail(res, DJ_ECONTENT, "\"default-runtime\" is not a string");
	if (asprintf(out, "%s\n", json_object_get_string(d)) == -1) {
		*out = NULL;
		return fail(res, DJ_ENOMEM, "out of memory");
	}
	return 0;
}

static int
show_all(json_object *root, json_object *rt, char **out, struct dj_result *res)
{
	json_object *all, *d;
	int r;

	if ((all = json_object_new_object()) == NULL)
		return fail(res, DJ_ENOMEM, "out of memory");
	if (json_object_object_get_ex(root, "default-runtime", &d))
		json_object_object_add(all, "default-runtime", json_object_get(d));
	json_object_object_add(all, "runtimes",
	    rt != NULL ? json_object_get(rt) : json_object_new_object());
	r = render(all, out, res);
	json_object_put(all);
	return r;
}

int
dj_show(const char *in, size_t len, enum dj_show_what what, const char *name,
    char **out, struct dj_result *res)
{
	json_object *root, *rt, *ent;
	int r;

	*out = NULL;
	if (dj_parse(in, len, &root, res) == -1)
		return -1;
	if (what == DJ_SHOW_DEFAULT)
		r = show_default(root, out, res);
	else if ((r = runtimes(root, &rt, res)) == -1)
		;
	else if (what == DJ_SHOW_ALL)
		r = show_all(root, rt, out, res);
	else if (rt == NULL || !json_object_object_get_ex(rt, name, &ent))
		r = 1;
	else
		r = render(ent, out, res);
	json_object_put(root);
	return r;
}
