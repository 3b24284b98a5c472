/*
 * libFuzzer target for hersh-daemon-json's pure core: the scanner, the
 * editor, show and restore-layout.  json-c is the reference oracle.
 *
 *   make fuzz FUZZ_SECONDS=60
 *
 * On any input: no crash, no leak, no undefined behaviour; whatever an
 * edit writes, json-c (strict) parses too; and for every input and name,
 * show NAME finds an entry iff add NAME reports it already present.
 * On a valid document without the runtime and without an empty "runtimes":
 *   - add gives a valid document whose runtimes.NAME.path is the path;
 *   - add again changes nothing (idempotent);
 *   - remove after add gives back the input byte for byte (surgical);
 *   - a reload-safe remove and tidy give it back too;
 *   - restore-layout of the added file against the input, with NAME as the
 *     upstream entry, gives what add gave.
 * And a document is the same as itself; sameness is symmetric.  For the
 * state's judgements: show --porcelain writes one record a line, with no
 * raw control byte in a field, and finds the entry when show does; a file
 * is the same as its saved self; an entry is ours against its own show;
 * a leftover file is valid JSON; a runtime argument found safe holds only
 * plain characters.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "daemon-json/args.h"
#include "daemon-json/edit.h"
#include "daemon-json/judge.h"
#include "daemon-json/layout.h"
#include "daemon-json/porcelain.h"
#include "daemon-json/show.h"

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
 * The reference: json-c in strict mode, after a BOM, a blank document
 * as {}.  Its keys are C strings, so a key holding \u0000 reads cut short:
 * callers comparing keys skip such inputs (has_nul_escape()).
 */
static json_object *
jc_parse(const char *in, size_t len)
{
	json_tokener *tok;
	json_object *o;
	size_t i;

	if (len >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0)
		in += 3, len -= 3;
	for (i = 0; i < len && strchr(" \t\r\n", in[i]) != NULL && in[i]; i++)
		;
	if (i == len)
		return json_object_new_object();
	if ((tok = json_tokener_new_ex(1000)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, in, (int)len);
	if (json_tokener_get_error(tok) == json_tokener_continue)
		o = json_tokener_parse_ex(tok, "", 1);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static int
has_nul_escape(const char *s, size_t len)
{
	return memmem(s, len, "\\u0000", 6) != NULL;
}

/* Does json-c read OUT as a document?  (Whatever we write, it must.) */
static void
must_parse(const char *out, size_t outlen, const char *what,
    const uint8_t *data, size_t len)
{
	json_object *o;

	if ((o = jc_parse(out, outlen)) == NULL)
		die(what, data, len);
	json_object_put(o);
}

/*
 * Is the runtime absent, not the default, and "runtimes" (if any)
 * non-empty?  Excluded as documented: a blank file and an empty top-level
 * object written with whitespace inside ("{ }") come back as "{}".
 */
static int
eligible(const char *in, size_t len, int *has_default)
{
	json_object *root, *rt, *d;
	const char *brace;
	int ok = 1;

	if (has_nul_escape(in, len) || (root = jc_parse(in, len)) == NULL)
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
	json_object *root, *rt, *ent, *p;

	if ((root = jc_parse(out, outlen)) == NULL)
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

/* restore-layout of A (the input plus a bare entry) against the input gives A. */
static void
restore_trip(const uint8_t *data, size_t len, const char *a, size_t alen)
{
	struct dj_result res;
	enum dj_verdict v;
	char *out;
	size_t outlen;

	if (dj_restore_layout(a, alen, (const char *)data, len, NAME, PATH, &v,
	    &out, &outlen, &res) == -1)
		die("restore-layout after add failed", data, len);
	if (v != DJ_SAME_PLUS_ENTRY || outlen != alen || memcmp(out, a, alen) != 0)
		die("restore-layout with the upstream entry did not give what add gave",
		    data, len);
	free(out);
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
	if (rq->args_mode == DJ_ARGS_KEEP && rq->default_mode == DJ_DEFAULT_KEEP)
		restore_trip(data, len, a, alen);
	free(a);
	free(a2);
}

/* show NAME finds an entry iff add NAME finds it already there. */
static void
show_agrees(const uint8_t *data, size_t len, const char *name)
{
	struct dj_add_req rq = { name, PATH, NULL, 0, DJ_ARGS_KEEP,
	    DJ_DEFAULT_KEEP, 0 };
	struct dj_result sres, ares;
	char *out, *a;
	size_t outlen, alen;
	int rs, present;

	rs = dj_show((const char *)data, len, DJ_SHOW_ENTRY, name, &out, &outlen,
	    &sres);
	free(out);
	if (dj_edit_add((const char *)data, len, &rq, &a, &alen, &ares) == -1)
		return;
	free(a);
	present = !(ares.changes & DJ_CH_CREATED);
	if (present && rs == -1 && strstr(sres.msg, "\\u0000") != NULL)
		return;		/* found, but json-c cannot print that key */
	if (present ? rs != 0 : rs != 1)
		die(present ? "add found the runtime, show did not" :
		    "add created the runtime, show found it or failed", data, len);
}

/* A document is the same as itself; sameness is symmetric. */
static void
same_document(const uint8_t *data, size_t len)
{
	const char *in = (const char *)data, *jc;
	struct dj_result res;
	enum dj_verdict v, w;
	json_object *o;
	char *out;
	size_t outlen;

	if (dj_restore_layout(in, len, in, len, NULL, NULL, &v, &out, &outlen,
	    &res) == -1)
		return;
	free(out);
	if (v != DJ_SAME_BYTES)
		die("a document is not the same as itself", data, len);
	if (has_nul_escape(in, len) || (o = jc_parse(in, len)) == NULL)
		return;
	jc = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	if (dj_restore_layout(in, len, jc, strlen(jc), NULL, NULL, &v, &out,
	    &outlen, &res) == 0) {
		free(out);
		if (dj_restore_layout(jc, strlen(jc), in, len, NULL, NULL, &w,
		    &out, &outlen, &res) == -1)
			die("sameness: the reverse comparison failed", data, len);
		free(out);
		if ((v == DJ_DIFFERENT) != (w == DJ_DIFFERENT))
			die("sameness is not symmetric", data, len);
	}
	json_object_put(o);
}

/* Whatever the input: edits either fail cleanly or give valid JSON. */
static void
any_input(const uint8_t *data, size_t len)
{
	static const char *const one[] = { "--x" };
	struct dj_add_req rq = { "runsc", PATH, one, 1, DJ_ARGS_SET,
	    DJ_DEFAULT_UNSET, 0 };
	struct dj_result res;
	char *out;
	size_t outlen;

	if (dj_edit_remove((const char *)data, len, "runsc", 0, &out, &outlen,
	    &res) == 0) {
		must_parse(out, outlen, "remove produced invalid JSON", data, len);
		free(out);
	}
	if (dj_edit_add((const char *)data, len, &rq, &out, &outlen, &res) == 0) {
		must_parse(out, outlen, "add produced invalid JSON", data, len);
		free(out);
	}
	rq.args_mode = DJ_ARGS_CLEAR;
	if (dj_edit_add((const char *)data, len, &rq, &out, &outlen, &res) == 0)
		free(out);
	if (dj_show((const char *)data, len, DJ_SHOW_ALL, NULL, &out, &outlen,
	    &res) == 0)
		free(out);
}

/* Porcelain: one record a line, a known key, no raw control byte. */
static void
porcelain_lines(const char *out, size_t outlen, const uint8_t *data, size_t len)
{
	static const char *const keys[] = { "file\t", "runtimes\t", "default\t",
	    "runtime\t", "entry\t", "path\t", "type\t", "args\t", "arg\t",
	    "member\t", NULL };
	size_t i, k, start = 0;

	if (outlen == 0 || out[outlen - 1] != '\n')
		die("porcelain output does not end a line", data, len);
	for (i = 0; i < outlen; i++) {
		unsigned char c = (unsigned char)out[i];

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			die("porcelain output holds a raw control byte", data, len);
		if (c != '\n')
			continue;
		for (k = 0; keys[k] != NULL; k++)
			if (i - start >= strlen(keys[k]) &&
			    strncmp(out + start, keys[k], strlen(keys[k])) == 0)
				break;
		if (keys[k] == NULL ||
		    memchr(out + start + strlen(keys[k]), '\t',
		    i - start - strlen(keys[k])) != NULL)
			die("porcelain record without a known key or with a tab "
			    "in its field", data, len);
		start = i + 1;
	}
}

static void
state_judgements(const uint8_t *data, size_t len)
{
	const char *in = (const char *)data;
	struct dj_result res, sres;
	enum dj_entry e;
	char *out, *show, arg[64], why[512];
	size_t outlen, showlen, i;
	int rp, rs;

	if (dj_porcelain(in, len, 1, NULL, &out, &outlen, &res) == 0) {
		porcelain_lines(out, outlen, data, len);
		free(out);
	}
	rp = dj_porcelain(in, len, 1, "runsc", &out, &outlen, &res);
	if (rp != -1) {
		porcelain_lines(out, outlen, data, len);
		free(out);
	}
	rs = dj_show(in, len, DJ_SHOW_ENTRY, "runsc", &show, &showlen, &sres);
	if (rp != -1 && rs != -1 && rp != rs)
		die("porcelain and show disagree on the entry", data, len);
	if (dj_judge_saved(in, len, in, len, "runsc", PATH) != DJ_SAVED_SAME)
		die("a file is not the same as its saved self", data, len);
	if (rs == 0 && (dj_judge_entry(in, len, 1, show, showlen, "runsc",
	    PATH, &e, &res) == -1 || e != DJ_ENTRY_OURS))
		die("an entry is not ours against its own show", data, len);
	free(show);
	if (dj_leftover(in, len) && !has_nul_escape(in, len)) {
		json_object *o = jc_parse(in, len);

		if (o == NULL)
			die("a leftover file that json-c cannot read", data, len);
		json_object_put(o);
	}
	for (i = 0; i < len && i < sizeof(arg) - 1 && data[i] != '\0'; i++)
		arg[i] = (char)data[i];
	arg[i] = '\0';
	if (dj_arg_unsafe(arg, why, sizeof(why)) == NULL)
		for (i = 0; arg[i] != '\0'; i++)
			if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_=,./:@%+", arg[i]) == NULL)
				die("an unsafe runtime argument passed", data, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct dj_add_req plain = { NAME, PATH, NULL, 0, DJ_ARGS_KEEP,
	    DJ_DEFAULT_KEEP, 0 };
	struct dj_add_req full = { NAME, PATH, args, 2, DJ_ARGS_SET,
	    DJ_DEFAULT_SET, 0 };
	int has_default = 0;

	any_input(data, len);
	state_judgements(data, len);
	show_agrees(data, len, "runsc");
	show_agrees(data, len, NAME);
	same_document(data, len);
	if (!eligible((const char *)data, len, &has_default))
		return 0;
	round_trip(data, len, &plain);
	if (!has_default)
		round_trip(data, len, &full);
	return 0;
}
