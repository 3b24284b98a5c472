/*
 * The commands of the state directory: state (what it records, and how
 * daemon.json stands against it), mark and unmark, remember and forget
 * (the copy of daemon.json that restore-layout puts back).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "file.h"
#include "judge.h"
#include "opts.h"
#include "state.h"

static const char *const saved_words[] = {
	[DJ_SAVED_NONE] = "none", [DJ_SAVED_SAME] = "same",
	[DJ_SAVED_LAYOUT] = "layout", [DJ_SAVED_CONTENT] = "content"
};

static const char *const entry_words[] = {
	[DJ_ENTRY_ABSENT] = "absent", [DJ_ENTRY_OURS] = "ours",
	[DJ_ENTRY_UPSTREAM] = "upstream", [DJ_ENTRY_FOREIGN] = "foreign"
};

/* Print "KEY<TAB>FIELD..." with each field escaped; FIELDS NULL-terminated. */
static void
print_record(const char *key, const char *const *fields, const size_t *lens)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	size_t i;

	strbuf_str(&sb, key);
	for (i = 0; fields[i] != NULL; i++) {
		strbuf_add(&sb, "\t", 1);
		strbuf_field(&sb, fields[i], lens[i]);
	}
	strbuf_add(&sb, "\n", 1);
	if (!sb.oom)
		fwrite(sb.p, 1, sb.len, stdout);
	strbuf_free(&sb);
}

static void
print1(const char *key, const char *word)
{
	const char *f[] = { word, NULL };
	size_t l[] = { strlen(word) };

	print_record(key, f, l);
}

/* The record: its bytes in *REC (NULL when absent or not valid).  0, or -1 after a message. */
static int
read_record(const struct dj_state *st, char **rec, size_t *rlen)
{
	struct dj_result res;
	struct file_stamp fs;
	char *p;

	*rec = NULL;
	if (dj_state_read(st, DJ_RECORD, DJ_STATE_MAX, &p, rlen, &fs) == -1)
		return -1;
	if (!fs.exists) {
		free(p);
		return 0;
	}
	if (dj_record_check(p, *rlen, &res) == -1) {
		free(p);
		p = dj_state_path(st, DJ_RECORD);
		warnx("%s: not a valid record: %s", p, res.msg);
		free(p);
		return -1;
	}
	*rec = p;
	return 0;
}

/* The markers present, each with the first line of its text. */
static int
print_marks(const struct dj_state *st)
{
	struct file_stamp fs;
	const char *key, *f[3];
	size_t i, l[2], len;
	char *buf;
	int rc = 0;

	for (i = 0; (key = dj_marker_keys[i]) != NULL; i++) {
		if (dj_state_read(st, dj_marker_file(key), DJ_STATE_MAX, &buf,
		    &len, &fs) == -1) {
			rc = -1;
			continue;
		}
		f[0] = key;
		l[0] = strlen(key);
		l[1] = strcspn(buf, "\n");	/* the first line */
		f[1] = l[1] > 0 ? buf : NULL;
		f[2] = NULL;
		if (fs.exists)
			print_record("mark", f, l);
		free(buf);
	}
	return rc;
}

/* saved and entry: daemon.json against the saved copy and the record. */
static int
print_file(const struct opts *o, const struct dj_state *st, const char *rec,
    size_t rlen)
{
	struct dj_result res;
	struct file_stamp fs;
	struct dj_file f;
	enum dj_entry e;
	enum dj_saved sv = DJ_SAVED_NONE;
	char *saved;
	size_t slen;
	int rc = 0;

	if (dj_file_open(&f, o->rootfd, o->file, o->file_label,
	    DJ_OPEN_READ | (o->allow_untrusted ? 0 : DJ_OPEN_TRUSTED), 0) == -1) {
		dj_file_close(&f);
		return -1;
	}
	if (dj_state_read(st, DJ_SAVED, DJ_FILE_MAX, &saved, &slen, &fs) == -1)
		rc = -1;
	else {
		if (fs.exists && f.exists)
			sv = dj_judge_saved(f.data, f.len, saved, slen,
			    o->npos > 0 ? o->pos[0] : NULL,
			    o->npos > 0 ? o->pos[1] : NULL);
		print1("saved", saved_words[sv]);
		free(saved);
	}
	if (o->npos > 0) {
		if (dj_judge_entry(f.data, f.len, f.exists, rec, rlen, o->pos[0],
		    o->pos[1], &e, &res) == -1) {
			warnx("%s: %s", o->file_label, res.msg);
			rc = -1;
		} else
			print1("entry", entry_words[e]);
	}
	dj_file_close(&f);
	return rc;
}

int
cmd_state(const struct opts *o)
{
	struct dj_state st;
	char *rec = NULL;
	size_t rlen = 0;
	int rc = 0;

	if (dj_state_open(&st, o->rootfd, o->state, o->state_label, 0) == -1) {
		dj_state_close(&st);
		return 1;
	}
	if (read_record(&st, &rec, &rlen) == -1)
		rc = 1;
	print1("recorded", rec != NULL ? "yes" : "no");
	if (print_marks(&st) == -1)
		rc = 1;
	if (print_file(o, &st, rec, rlen) == -1)
		rc = 1;
	free(rec);
	dj_state_close(&st);
	return rc;
}

/*
 * The state file of KEY: a marker's, or with RECORD the record of the
 * entry ("runtime": unmark forgets it; only add --record writes it).
 */
static const char *
key_file(const char *key, int record)
{
	if (record && strcmp(key, "runtime") == 0)
		return DJ_RECORD;
	return dj_marker_file(key);
}

/* Are the keys KEYS known?  0, or EXIT_USAGE after a message. */
static int
known(const char *const *keys, int n, int record)
{
	int i;

	for (i = 0; i < n; i++)
		if (key_file(keys[i], record) == NULL) {
			warnx("unknown marker: %s (the markers are default, "
			    "created, dir-created, network-none and platform%s)",
			    keys[i], record ? "; unmark also takes runtime" : "");
			return EXIT_USAGE;
		}
	return 0;
}

int
cmd_mark(const struct opts *o)
{
	struct dj_state st;
	int rc;

	if ((rc = known(o->pos, 1, 0)) != 0)
		return rc;
	if (o->npos > 1 && strlen(o->pos[1]) > DJ_STATE_MAX) {
		warnx("the text of a marker is at most %d bytes", DJ_STATE_MAX);
		return EXIT_USAGE;
	}
	rc = dj_state_open(&st, o->rootfd, o->state, o->state_label,
	    DJ_STATE_CREATE) == -1 ||
	    dj_state_mark(&st, o->pos[0], o->npos > 1 ? o->pos[1] : NULL) == -1;
	dj_state_close(&st);
	return rc;
}

int
cmd_unmark(const struct opts *o)
{
	struct dj_state st;
	int i, rc;

	if ((rc = known(o->pos, o->npos, 1)) != 0)
		return rc;
	if (dj_state_open(&st, o->rootfd, o->state, o->state_label,
	    DJ_STATE_WRITE) == -1)
		rc = 1;
	for (i = 0; rc == 0 && i < o->npos; i++)
		if (dj_state_remove(&st, key_file(o->pos[i], 1)) == -1)
			rc = 1;
	dj_state_close(&st);
	return rc;
}

int
cmd_remember(const struct opts *o)
{
	struct file_stamp fs;
	struct dj_state st;
	struct dj_file f;
	char *old = NULL;
	size_t olen;
	int rc = 1;

	memset(&st, 0, sizeof(st));
	st.fd = st.dp.fd = -1;
	if (dj_file_open(&f, o->rootfd, o->file, o->file_label,
	    DJ_OPEN_READ | (o->allow_untrusted ? 0 : DJ_OPEN_TRUSTED), 0) == -1)
		goto done;
	if (dj_state_open(&st, o->rootfd, o->state, o->state_label,
	    f.exists ? DJ_STATE_CREATE : DJ_STATE_WRITE) == -1)
		goto done;
	if (!f.exists)
		rc = dj_state_remove(&st, DJ_SAVED) == -1;
	else if (dj_state_read(&st, DJ_SAVED, DJ_FILE_MAX, &old, &olen,
	    &fs) == 0)
		rc = fs.exists && olen == f.len &&
		    memcmp(old, f.data, olen) == 0 ? 0 :
		    dj_state_write(&st, DJ_SAVED, f.data, f.len, &fs, 0600) == -1;
done:
	free(old);
	dj_state_close(&st);
	dj_file_close(&f);
	return rc;
}

int
cmd_forget(const struct opts *o)
{
	struct dj_state st;
	int rc;

	rc = dj_state_open(&st, o->rootfd, o->state, o->state_label,
	    DJ_STATE_WRITE) == -1 || dj_state_remove(&st, DJ_SAVED) == -1;
	dj_state_close(&st);
	return rc;
}
