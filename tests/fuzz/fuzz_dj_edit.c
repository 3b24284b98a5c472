/*
 * libFuzzer target for hersh-daemon-json's pure edit logic.
 *
 *   make fuzz FUZZ_SECONDS=60
 *
 * On any input: no crash, no leak, no undefined behaviour.  On a valid
 * document without the runtime and without an empty "runtimes":
 *   - add gives a valid document whose runtimes.NAME.path is the path;
 *   - add again changes nothing (idempotent);
 *   - remove after add gives back the input byte for byte (surgical).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "daemon-json/edit.h"

#define NAME	"hersh-fuzz"
#define PATH	"/usr/bin/runsc"

static const char *const args[] = { "--network=none", "--debug-log=/tmp/x\"y" };

static void
die(const char *what, const uint8_t *data, size_t len)
{
	fprintf(stderr, "fuzz_dj_edit: %s (input %zu bytes)\n", what, len);
	fwrite(data, 1, len, stderr);
	abort();
}

/*
 * Is the runtime absent, not the default, and "runtimes" (if any)
 * non-empty?  Excluded as
 * documented: a blank file and an empty top-level object written with
 * whitespace inside ("{ }") come back as "{}".
 */
static int
eligible(const char *in, size_t len, int *has_default)
{
	struct dj_result res;
	json_object *root, *rt, *d;
	const char *brace;
	int ok = 1;

	if (dj_parse(in, len, &root, &res) == -1)
		return 0;
	brace = memchr(in, '{', len);
	if (json_object_object_length(root) == 0 &&
	    (brace == NULL || brace + 1 >= in + len || brace[1] != '}'))
		ok = 0;
	if (json_object_object_get_ex(root, "runtimes", &rt) &&
	    (!json_object_is_type(rt, json_type_object) ||
	    json_object_object_length(rt) == 0 ||
	    json_object_object_get_ex(rt, NAME, NULL)))
		ok = 0;
	*has_default = json_object_object_get_ex(root, "default-runtime", &d);
	if (*has_default && json_object_is_type(d, json_type_string) &&
	    strcmp(json_object_get_string(d), NAME) == 0)
		ok = 0;		/* remove would rightly take it out */
	json_object_put(root);
	return ok;
}

static void
check_added(const char *out, size_t outlen, const uint8_t *data, size_t len)
{
	struct dj_result res;
	json_object *root, *rt, *ent, *p;

	if (dj_parse(out, outlen, &root, &res) == -1)
		die("add produced a document that does not parse", data, len);
	if (!json_object_object_get_ex(root, "runtimes", &rt) ||
	    !json_object_object_get_ex(rt, NAME, &ent) ||
	    !json_object_object_get_ex(ent, "path", &p) ||
	    strcmp(json_object_get_string(p), PATH) != 0)
		die("add did not set runtimes." NAME ".path", data, len);
	json_object_put(root);
}

/* A reload-safe remove, then tidy, ends where a plain remove does. */
static void
reload_safe_trip(const uint8_t *data, size_t len, const char *a, size_t alen,
    const struct dj_add_req *rq)
{
	struct dj_result res;
	char *s, *t;
	size_t slen, tlen;

	if (dj_edit_remove(a, alen, NAME, DJ_RELOAD_SAFE, &s, &slen, &res) == -1)
		die("reload-safe remove after add failed", data, len);
	if (dj_edit_tidy(s, slen, rq->default_mode == DJ_DEFAULT_SET ? "runc" :
	    NULL, &t, &tlen, &res) == -1)
		die("tidy after a reload-safe remove failed", data, len);
	if (tlen != len || memcmp(t, data, len) != 0)
		die("reload-safe remove then tidy did not give back the input",
		    data, len);
	free(s);
	free(t);
}

static void
round_trip(const uint8_t *data, size_t len, const struct dj_add_req *rq)
{
	const char *in = (const char *)data;
	struct dj_result res;
	char *a, *a2, *r;
	size_t alen, a2len, rlen;

	if (dj_edit_add(in, len, rq, &a, &alen, &res) == -1) {
		if (strstr(res.msg, "internal error") != NULL)
			die(res.msg, data, len);
		return;		/* e.g. duplicate keys: refused, fine */
	}
	check_added(a, alen, data, len);
	if (dj_edit_add(a, alen, rq, &a2, &a2len, &res) == -1 ||
	    a2len != alen || memcmp(a, a2, alen) != 0)
		die("second add changed the document", data, len);
	if (dj_edit_remove(a, alen, NAME, 0, &r, &rlen, &res) == -1)
		die("remove after add failed", data, len);
	if (rlen != len || memcmp(r, in, len) != 0)
		die("add then remove did not give back the input", data, len);
	free(r);
	reload_safe_trip(data, len, a, alen, rq);
	free(a);
	free(a2);
}

/* Whatever the input: edits either fail cleanly or give valid JSON. */
static void
any_input(const uint8_t *data, size_t len)
{
	static const char *const one[] = { "--x" };
	struct dj_add_req rq = { "runsc", PATH, one, 1, DJ_ARGS_SET,
	    DJ_DEFAULT_UNSET };
	struct dj_result res;
	json_object *o;
	char *out;
	size_t outlen;

	if (dj_edit_remove((const char *)data, len, "runsc", 0, &out, &outlen,
	    &res) == 0) {
		if (dj_parse(out, outlen, &o, &res) == -1)
			die("remove produced invalid JSON", data, len);
		json_object_put(o);
		free(out);
	}
	if (dj_edit_add((const char *)data, len, &rq, &out, &outlen, &res) == 0) {
		if (dj_parse(out, outlen, &o, &res) == -1)
			die("add produced invalid JSON", data, len);
		json_object_put(o);
		free(out);
	}
	rq.args_mode = DJ_ARGS_CLEAR;
	if (dj_edit_add((const char *)data, len, &rq, &out, &outlen, &res) == 0)
		free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct dj_add_req plain = { NAME, PATH, NULL, 0, DJ_ARGS_KEEP,
	    DJ_DEFAULT_KEEP };
	struct dj_add_req full = { NAME, PATH, args, 2, DJ_ARGS_SET,
	    DJ_DEFAULT_SET };
	int has_default = 0;

	any_input(data, len);
	if (!eligible((const char *)data, len, &has_default))
		return 0;
	round_trip(data, len, &plain);
	if (!has_default)
		round_trip(data, len, &full);
	return 0;
}
