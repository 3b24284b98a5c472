/*
 * The commands that edit daemon.json: add, remove, tidy, restore-layout.
 * Read-modify-write through the file layer (file.c), a report of one
 * line, and with --record the state brought in line after the write (or
 * the write undone when that fails).
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xmalloc.h"
#include "diff.h"
#include "file.h"
#include "judge.h"
#include "layout.h"
#include "opts.h"
#include "show.h"
#include "state.h"

/* "a/etc/docker/daemon.json" for /etc/docker/daemon.json. */
static char *
label(const char *prefix, const char *file)
{
	while (*file == '/')
		file++;
	return xasprintf("%s%s", prefix, file);
}

static int
print_diff(const struct opts *o, const struct dj_file *f, const char *out,
    size_t outlen)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	char *la, *lb;
	int r;

	la = f->exists ? label("a/", o->file) : xstrdup("/dev/null");
	lb = label("b/", o->file);
	r = dj_diff(f->data, f->len, out, outlen, la, lb, &sb);
	if (r == 0 && sb.len > 0)
		fwrite(sb.p, 1, sb.len, stdout);
	strbuf_free(&sb);
	free(la);
	free(lb);
	if (r == -1)
		warnx("%s: out of memory", o->file_label);
	return r;
}

struct phrase {
	unsigned	 mask;
	const char	*done, *would;
};

static const struct phrase phrases[] = {
	{ DJ_CH_CREATED, "added runtime %s", "would add runtime %s" },
	{ DJ_CH_PATH | DJ_CH_ARGS | DJ_CH_ARGS_CLEARED,
	    "updated runtime %s", "would update runtime %s" },
	{ DJ_CH_REMOVED, "removed runtime %s", "would remove runtime %s" },
	{ DJ_CH_DEFAULT_SET, "set default-runtime to %s",
	    "would set default-runtime to %s" },
	{ DJ_CH_DEFAULT_UNSET, "removed default-runtime %s",
	    "would remove default-runtime %s" },
	{ DJ_CH_DEFAULT_RUNC, "set default-runtime %s to runc until reload",
	    "would set default-runtime %s to runc until reload" },
	{ DJ_CH_RUNTIMES_REMOVED, "removed the empty runtimes",
	    "would remove the empty runtimes" },
};

static void
report(const struct opts *o, unsigned changes)
{
	const char *sep = "";
	size_t i;

	if (o->quiet)
		return;
	if (changes & DJ_CH_CREATED)
		changes &= ~(unsigned)(DJ_CH_PATH | DJ_CH_ARGS);
	if (o->cmd != CMD_TIDY)
		changes &= ~(unsigned)DJ_CH_RUNTIMES_REMOVED;
	printf("%s: ", o->file_label);
	if (changes == 0 && o->cmd == CMD_TIDY)
		fputs("nothing to tidy", stdout);
	else if (changes == 0)
		printf(o->cmd == CMD_ADD ?
		    "runtime %s is already as requested, nothing to change" :
		    "no runtime %s, nothing to change", o->req.name);
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
		if ((changes & phrases[i].mask) == 0)
			continue;
		fputs(sep, stdout);
		printf(o->dry ? phrases[i].would : phrases[i].done, o->req.name);
		sep = ", ";
	}
	putchar('\n');
}

static void
report_restore(const struct opts *o, const char *saved, int changed,
    enum dj_verdict v)
{
	if (o->quiet)
		return;
	if (!changed)
		printf("%s: already laid out as %s, nothing to change\n",
		    o->file_label, saved);
	else
		printf("%s: %s the layout of %s%s%s%s\n", o->file_label,
		    o->dry ? "would put back" : "put back", saved,
		    v == DJ_SAME_PLUS_ENTRY ? ", with runtime " : "",
		    v == DJ_SAME_PLUS_ENTRY ? o->up_name : "",
		    v == DJ_SAME_PLUS_ENTRY ? " added" : "");
}

/* The saved file of restore-layout: SAVED, or STATE/daemon.json. */
struct saved {
	char	*label;
	char	*data;
	size_t	 len;
	int	 exists;
};

static int
read_saved(const struct opts *o, struct saved *sv)
{
	struct file_stamp fs;
	struct dj_state st;
	struct dj_file f;
	int r;

	memset(sv, 0, sizeof(*sv));
	if (o->npos > 0) {
		sv->label = dj_label(o, o->pos[0]);
		r = dj_file_open(&f, o->rootfd, o->pos[0], sv->label, 0, 0);
		if (r == 0) {
			sv->data = f.data;	/* taken over */
			sv->len = f.len;
			sv->exists = f.exists;
			f.data = NULL;
		}
		dj_file_close(&f);
		return r;
	}
	if (dj_state_open(&st, o->rootfd, o->state, o->state_label, 0) == -1) {
		dj_state_close(&st);
		return -1;
	}
	sv->label = dj_state_path(&st, DJ_SAVED);
	r = dj_state_read(&st, DJ_SAVED, DJ_FILE_MAX, &sv->data, &sv->len, &fs);
	sv->exists = fs.exists;
	dj_state_close(&st);
	return r;
}

/*
 * restore-layout: *OUT is what FILE (F) should hold.  0; EXIT_DIFFERS
 * when FILE differs from the saved file in content; 1 after an error.
 */
static int
restore(const struct opts *o, const struct dj_file *f, char **out,
    size_t *outlen, enum dj_verdict *v, struct saved *sv)
{
	struct dj_result res;

	if (!f->exists) {
		warnx("%s: no such file, nothing to restore", o->file_label);
		return 1;
	}
	if (read_saved(o, sv) == -1)
		return 1;
	if (!sv->exists) {
		warnx("%s: no such file", sv->label);
		return 1;
	}
	if (dj_restore_layout(f->data, f->len, sv->data, sv->len, o->up_name,
	    o->up_path, v, out, outlen, &res) == -1) {
		warnx("%s: %s", res.which ? sv->label : o->file_label, res.msg);
		return 1;
	}
	if (*v == DJ_DIFFERENT) {
		warnx("%s: differs from %s in content, not only in layout; "
		    "left as it is", o->file_label, sv->label);
		return EXIT_DIFFERS;
	}
	return 0;
}

static int
edit(const struct opts *o, const struct dj_file *f, char **out, size_t *outlen,
    struct dj_result *res)
{
	if (o->cmd == CMD_ADD)
		return dj_edit_add(f->data, f->len, &o->req, out, outlen, res);
	if (o->cmd == CMD_TIDY)
		return dj_edit_tidy(f->data, f->len, o->req.name, out, outlen,
		    res);
	return dj_edit_remove(f->data, f->len, o->req.name, o->req.flags, out,
	    outlen, res);
}

/* STATE/docker-runtime := the entry NAME of OUT, unless already so as JSON. */
static int
put_record(const struct opts *o, const struct dj_state *st, const char *out,
    size_t outlen)
{
	struct file_stamp fs;
	struct dj_result res;
	char *entry, *old;
	size_t elen, olen;
	int r;

	if (dj_show(out, outlen, DJ_SHOW_ENTRY, o->req.name, &entry, &elen,
	    &res) != 0) {
		warnx("%s: cannot record runtime %s: %s", o->file_label,
		    o->req.name, res.msg[0] ? res.msg : "it is not there");
		return -1;
	}
	r = dj_state_read(st, DJ_RECORD, DJ_STATE_MAX, &old, &olen, &fs);
	if (r == 0 && !(fs.exists && dj_same_json(old, olen, entry, elen)))
		r = dj_state_write(st, DJ_RECORD, entry, elen, &fs, 0644);
	free(old);
	free(entry);
	return r;
}

/* --record after the write: the state says what this call did. */
static int
record(const struct opts *o, const struct dj_state *st, const struct dj_file *f,
    const char *out, size_t outlen, int changed, unsigned changes)
{
	if (o->cmd == CMD_REMOVE)
		return dj_state_remove(st, DJ_RECORD) == 0 &&
		    dj_state_remove(st, dj_marker_file("default")) == 0 &&
		    dj_state_remove(st, dj_marker_file("network-none")) == 0 ?
		    0 : -1;
	if (put_record(o, st, out, outlen) == -1 ||
	    (changed && !f->exists && dj_state_mark(st, "created", NULL) == -1) ||
	    (f->dp.made && dj_state_mark(st, "dir-created", NULL) == -1) ||
	    ((changes & DJ_CH_DEFAULT_SET) &&
	    dj_state_mark(st, "default", NULL) == -1) ||
	    (o->req.default_mode == DJ_DEFAULT_UNSET &&
	    dj_state_remove(st, dj_marker_file("default")) == -1))
		return -1;
	return 0;
}

/* The write could not be recorded: put the file back as it was. */
static void
undo(const struct opts *o, struct dj_file *f)
{
	if (dj_file_undo(f) == 0)
		warnx("%s: put back as it was: the change could not be recorded "
		    "in %s", o->file_label, o->state_label);
	else
		warnx("%s: changed, but the change could not be recorded in %s",
		    o->file_label, o->state_label);
}

int
cmd_edit(const struct opts *o)
{
	struct dj_result res;
	struct dj_state st;
	struct dj_file f;
	struct saved sv;
	enum dj_verdict v = DJ_SAME_BYTES;
	char *out = NULL;
	size_t outlen;
	unsigned flags;
	int changed, rc = 1, recording = o->record && !o->dry;

	memset(&res, 0, sizeof(res));
	memset(&sv, 0, sizeof(sv));
	memset(&f, 0, sizeof(f));
	f.dp.fd = -1;
	f.lock.fd = -1;
	flags = (o->dry ? 0 : DJ_OPEN_LOCK) |
	    (o->cmd == CMD_ADD && !o->dry ? DJ_OPEN_MKDIR : 0) |
	    (o->allow_untrusted ? 0 : DJ_OPEN_TRUSTED);
	/* Refuse before the edit when its record could not be written. */
	if (recording && dj_state_open(&st, o->rootfd, o->state, o->state_label,
	    o->cmd == CMD_ADD ? DJ_STATE_CREATE : DJ_STATE_WRITE) == -1) {
		dj_state_close(&st);
		return 1;
	}
	if (dj_file_open(&f, o->rootfd, o->file, o->file_label, flags,
	    o->lock_timeout * 1000) == -1)
		goto done;
	if (o->cmd == CMD_RESTORE) {
		if ((rc = restore(o, &f, &out, &outlen, &v, &sv)) != 0)
			goto done;
		rc = 1;
	} else if (edit(o, &f, &out, &outlen, &res) == -1) {
		warnx("%s: %s", o->file_label, res.msg);
		goto done;
	}
	changed = outlen != f.len || memcmp(out, f.data, outlen) != 0;
	if (changed && !o->dry && dj_file_write(&f, out, outlen) == -1)
		goto done;
	if (recording && record(o, &st, &f, out, outlen, changed,
	    res.changes) == -1) {
		undo(o, &f);
		goto done;
	}
	if (o->cmd == CMD_RESTORE)
		report_restore(o, sv.label, changed, v);
	else
		report(o, changed ? res.changes : 0);
	if (changed && o->dry && print_diff(o, &f, out, outlen) == -1)
		goto done;
	rc = changed && o->exit_code ? EXIT_CHANGED : 0;
done:
	if (recording)
		dj_state_close(&st);
	dj_file_close(&f);
	free(sv.label);
	free(sv.data);
	free(out);
	return rc;
}
