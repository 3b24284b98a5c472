/*
 * purge: the docker side of `dpkg --purge`.  daemon.json goes when the
 * package created it and it holds nothing but what a removal leaves; its
 * directory when the package created it and it is empty; then the state
 * directory, removed without following a symlink, opening a file or
 * entering a directory in it (the package keeps none there: a --state
 * naming another directory by mistake loses no tree).
 * Everything is tried; what cannot be done is a warning naming the file
 * (stderr), what was done one line on stdout, and the exit status is 0.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/rmtree.h"
#include "lib/xmalloc.h"
#include "file.h"
#include "judge.h"
#include "opts.h"
#include "state.h"

#define WARNED_MAX	8

struct purge {
	const struct opts	*o;
	struct dj_state		 st;
	char			*warned[WARNED_MAX];	/* odd files named already */
	int			 nwarned;
};

static void
remember_warned(struct purge *p, const char *path)
{
	if (p->nwarned < WARNED_MAX)
		p->warned[p->nwarned++] = xstrdup(path);
}

static int
was_warned(const struct purge *p, const char *path)
{
	int i;

	for (i = 0; i < p->nwarned; i++)
		if (strcmp(p->warned[i], path) == 0)
			return 1;
	return 0;
}

/* Is STATE/NAME there?  1 for a regular file; anything else is odd (warned). */
static int
present(struct purge *p, const char *name, int odd_counts)
{
	struct stat st;
	char *path;

	if (p->st.fd == -1 ||
	    fstatat(p->st.fd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;
	if (S_ISREG(st.st_mode))
		return 1;
	path = dj_state_path(&p->st, name);
	warnx("%s: not a regular file%s", path, odd_counts ?
	    "" : "; not taken as a marker");
	remember_warned(p, path);
	free(path);
	return odd_counts;
}

/* daemon.json: removed when it holds nothing but what a removal leaves. */
static void
purge_file(struct purge *p)
{
	const struct opts *o = p->o;
	struct dj_file f;
	int r;

	if (dj_file_open(&f, o->rootfd, o->file, o->file_label,
	    DJ_OPEN_NOFOLLOW | DJ_OPEN_LOCK |
	    (o->allow_untrusted ? 0 : DJ_OPEN_TRUSTED),
	    o->lock_timeout * 1000) == -1) {
		dj_file_close(&f);
		return;		/* said why */
	}
	if (f.is_link) {
		warnx("%s: a symlink; purge never removes through one: left as "
		    "it is", o->file_label);
		printf("kept %s: a symlink\n", o->file_label);
	} else if (f.exists && !dj_leftover(f.data, f.len))
		printf("kept %s: it holds more than this package left there\n",
		    o->file_label);
	else if (f.exists) {
		r = file_remove_at(f.dp.fd, f.dp.name, &f.was);
		if (r == FILE_OK)
			printf("removed %s (created by this package, empty "
			    "again)\n", o->file_label);
		else if (r == FILE_CHANGED)
			warnx("%s: changed while it was being removed; left as "
			    "it is", o->file_label);
		else
			warn("%s: cannot remove", o->file_label);
	}
	dj_file_close(&f);
}

/* FILE's directory: removed when empty. */
static void
purge_dir(struct purge *p)
{
	const struct opts *o = p->o;
	struct dirpath dp;
	struct stat st;
	char why[PATH_MAX + 128], *dir, *label, *slash;
	int r;

	dir = xstrdup(o->file);
	while ((slash = strrchr(dir, '/')) != NULL && slash[1] == '\0' &&
	    slash != dir)
		*slash = '\0';
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir) {
		free(dir);
		return;		/* no directory of its own to remove */
	}
	*slash = '\0';
	label = dj_label(o, dir);
	r = dirpath_open(&dp, o->rootfd, dir, DIRPATH_MISSING_OK, geteuid(),
	    why, sizeof(why));
	if (r == DIRPATH_REFUSED)
		warnx("%s: %s", label, why);
	else if (r == -1)
		warn("%s: cannot %s", label, why);
	else if (r == 0 && fstatat(dp.fd, dp.name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISDIR(st.st_mode))
			printf("kept %s: not a directory\n", label);
		else if (unlinkat(dp.fd, dp.name, AT_REMOVEDIR) == 0)
			printf("removed %s (created by this package, empty)\n",
			    label);
		else if (errno == ENOTEMPTY || errno == EEXIST)
			printf("kept %s: not empty\n", label);
		else if (errno != ENOENT)
			warn("%s: cannot remove", label);
	}
	dirpath_close(&dp);
	free(label);
	free(dir);
}

static void
removed(void *ctx, const char *path, const struct stat *st, int err)
{
	struct purge *p = ctx;
	const char *why;

	if (err == 0) {
		if (st != NULL && !S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode) &&
		    !was_warned(p, path))
			warnx("%s: not a regular file; removed without opening it",
			    path);
		if (strcmp(path, p->st.label) == 0)
			printf("removed %s\n", path);
		return;
	}
	why = err == ELOOP ? "a directory; purge enters none in the state "
	    "directory" : err == EXDEV ?
	    "another filesystem is mounted there" : err == EAGAIN ?
	    "changed while it was being removed" : strerror(err);
	warnx("%s: cannot remove: %s", path, why);
}

/* The state directory, all of it. */
static void
purge_state(struct purge *p)
{
	if (p->st.fd == -1)
		return;
	(void)rmtree_at(p->st.dp.fd, p->st.dp.name, p->st.label, 0, removed, p);
}

int
cmd_purge(const struct opts *o)
{
	struct purge p;
	int i, created, dir_created, record;

	memset(&p, 0, sizeof(p));
	p.o = o;
	if (dj_state_open(&p.st, o->rootfd, o->state, o->state_label, 0) == -1) {
		warnx("%s: left as it is, and %s with it", o->state_label,
		    o->file_label);
		dj_state_close(&p.st);
		return 0;
	}
	created = present(&p, dj_marker_file("created"), 0);
	dir_created = present(&p, dj_marker_file("dir-created"), 0);
	record = present(&p, DJ_RECORD, 1);
	if (record)
		warnx("%s may still hold the runtime this package added (%s/%s "
		    "is still there); take it out by hand", o->file_label,
		    o->state_label, DJ_RECORD);
	else if (created)
		purge_file(&p);
	if (dir_created && !o->keep_dir)
		purge_dir(&p);
	if (!o->keep_state)
		purge_state(&p);
	dj_state_close(&p.st);
	for (i = 0; i < p.nwarned; i++)
		free(p.warned[i]);
	return 0;
}
