/* Judging daemon.json against the package's state (see judge.h).  Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "layout.h"

enum dj_saved
dj_judge_saved(const char *file, size_t flen, const char *saved, size_t slen,
    const char *name, const char *path)
{
	struct dj_result res;
	enum dj_verdict v;
	char *out;
	size_t outlen;

	if (flen == slen && memcmp(file, saved, flen) == 0)
		return DJ_SAVED_SAME;
	if (dj_restore_layout(file, flen, saved, slen, name, path, &v, &out,
	    &outlen, &res) == -1)
		return DJ_SAVED_CONTENT;
	free(out);
	return v == DJ_DIFFERENT ? DJ_SAVED_CONTENT : DJ_SAVED_LAYOUT;
}

int
dj_record_check(const char *rec, size_t rlen, struct dj_result *res)
{
	struct dj_error err;
	struct dj_tree t;
	char type;
	int r = 0;

	memset(res, 0, sizeof(*res));
	if (dj_scan(rec, rlen, &t, &err) == -1) {
		dj_fail_scan(res, &err);
		r = -1;
	} else if ((type = t.v[t.root].type) != DJ_OBJECT) {
		snprintf(res->msg, sizeof(res->msg), "holds %s, not an object",
		    dj_type_name(type));
		r = -1;
	}
	dj_tree_free(&t);
	return r;
}

int
dj_same_json(const char *a, size_t alen, const char *b, size_t blen)
{
	struct dj_error err;
	struct dj_tree ta, tb;
	int r = 0;

	if (dj_scan(a, alen, &ta, &err) == 0 && dj_scan(b, blen, &tb, &err) == 0) {
		r = dj_same_value(&ta, ta.root, &tb, tb.root) == 1;
		dj_tree_free(&tb);
	}
	dj_tree_free(&ta);
	return r;
}

int
dj_judge_entry(const char *file, size_t flen, int exists, const char *rec,
    size_t rlen, const char *name, const char *path, enum dj_entry *out,
    struct dj_result *res)
{
	struct dj_error err;
	struct dj_tree rt;
	struct dj_doc d;
	struct dj_loc l;
	int r = 0;

	memset(res, 0, sizeof(*res));
	memset(&rt, 0, sizeof(rt));
	*out = DJ_ENTRY_ABSENT;
	if (!exists)
		return 0;
	if (dj_doc_read(&d, file, flen, res) == -1 ||
	    dj_locate(&d.t, name, 0, &l, res) == -1)
		r = -1;
	else if (l.ent == DJ_NONE)
		*out = DJ_ENTRY_ABSENT;
	else if (rec != NULL && dj_scan(rec, rlen, &rt, &err) == 0 &&
	    dj_same_value(&d.t, l.ent, &rt, rt.root) == 1)
		*out = DJ_ENTRY_OURS;
	else if (dj_bare_entry(&d.t, l.ent, path))
		*out = DJ_ENTRY_UPSTREAM;
	else
		*out = DJ_ENTRY_FOREIGN;
	dj_tree_free(&rt);
	dj_doc_free(&d);
	return r;
}

int
dj_leftover(const char *file, size_t flen)
{
	const struct dj_member *m;
	struct dj_result res;
	struct dj_doc d;
	size_t i, j, n, v;
	int ok;

	if (dj_doc_read(&d, file, flen, &res) == -1) {
		dj_doc_free(&d);
		return 0;
	}
	n = d.t.v[d.t.root].n;
	for (i = 0, ok = 1; i < n && ok; i++) {
		m = dj_member(&d.t, d.t.root, i);
		for (j = i + 1; j < n; j++)	/* Go keeps the last of a key */
			if (dj_name_is(&d.t, dj_member(&d.t, d.t.root, j),
			    dj_name(&d.t, m), m->namelen))
				break;
		if (j < n)
			continue;
		v = m->val;
		if (dj_name_is(&d.t, m, "runtimes", 8))
			ok = d.t.v[v].type == DJ_OBJECT && d.t.v[v].n == 0;
		else if (dj_name_is(&d.t, m, "default-runtime", 15))
			ok = dj_str_is(&d.t, v, "runc", 4);
		else
			ok = 0;
	}
	dj_doc_free(&d);
	return ok;
}
