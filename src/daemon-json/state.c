/*
 * The state directory (see state.h): resolved once, trusted, its files
 * read bounded and replaced atomically.
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

#include "lib/xmalloc.h"
#include "state.h"

#define WHY_MAX	(PATH_MAX + 256)

const char *const dj_marker_keys[] = {
	"default", "created", "dir-created", "network-none", "platform", NULL
};

static const char *const marker_files[] = {
	"docker-default", "docker-created", "docker-dir", "network-none",
	"platform"
};

const char *
dj_marker_file(const char *key)
{
	size_t i;

	for (i = 0; dj_marker_keys[i] != NULL; i++)
		if (strcmp(key, dj_marker_keys[i]) == 0)
			return marker_files[i];
	return NULL;
}

char *
dj_state_path(const struct dj_state *s, const char *name)
{
	return xasprintf("%s/%s", s->label, name);
}

/* STATE itself (ST): a directory of root's (or ours) that others cannot write. */
static int
own_dir(const struct dj_state *s, const struct stat *st)
{
	uid_t me = geteuid();

	if (st->st_uid == 0 || st->st_uid == me) {
		if ((st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
			return 0;
	}
	warnx("%s: refusing to use: it is owned by uid %u with mode %04o; it "
	    "must be owned by root%s and not writable by group or others",
	    s->label, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777),
	    me != 0 ? " or you" : "");
	return -1;
}

/* Open (or, with CREATE, make) STATE in its directory. */
static int
open_self(struct dj_state *s, int create)
{
	struct stat st, fst;
	int made = 0;

	if (fstatat(s->dp.fd, s->dp.name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT) {
			warn("%s", s->label);
			return -1;
		}
		if (!create)
			return 0;	/* no state */
		made = mkdirat(s->dp.fd, s->dp.name, 0755) == 0;
		if (!made && errno != EEXIST) {
			warn("%s: cannot create directory", s->label);
			return -1;
		}
		if (fstatat(s->dp.fd, s->dp.name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			warn("%s", s->label);
			return -1;
		}
	}
	if (S_ISLNK(st.st_mode)) {
		warnx("%s: a symlink; the state directory is never reached "
		    "through one", s->label);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		warnx("%s: not a directory", s->label);
		return -1;
	}
	s->fd = openat(s->dp.fd, s->dp.name, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (s->fd == -1 || fstat(s->fd, &fst) == -1 ||
	    fst.st_dev != st.st_dev || fst.st_ino != st.st_ino) {
		if (s->fd == -1)
			warn("%s: cannot open directory", s->label);
		else
			warnx("%s: changed while it was being opened", s->label);
		return -1;
	}
	if (made && fchmod(s->fd, 0755) == -1) {
		warn("%s: cannot set mode", s->label);
		return -1;
	}
	return own_dir(s, made ? &fst : &st) == 0 ? 0 : -1;
}

int
dj_state_open(struct dj_state *s, int rootfd, const char *path,
    const char *label, unsigned flags)
{
	char why[WHY_MAX];
	struct stat st;
	int r, create = (flags & DJ_STATE_CREATE) != 0;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->dp.fd = -1;
	s->label = xstrdup(label);
	r = dirpath_open(&s->dp, rootfd, path, create ? DIRPATH_MKDIR :
	    DIRPATH_MISSING_OK, geteuid(), why, sizeof(why));
	if (r == DIRPATH_MISSING)
		return 0;	/* no directory above it: no state */
	if (r == DIRPATH_REFUSED) {
		warnx("%s: %s", s->label, why);
		return -1;
	}
	if (r == -1) {
		warn("%s: cannot %s", s->label, why);
		return -1;
	}
	r = dirpath_trusted_at(&s->dp, rootfd, geteuid(),
	    fstatat(s->dp.fd, s->dp.name, &st, AT_SYMLINK_NOFOLLOW) == 0 ?
	    &st : NULL, why, sizeof(why));
	if (r == DIRPATH_REFUSED) {
		warnx("%s: refusing to use: %s; the directories above it must "
		    "be owned by root%s and not writable by group or others",
		    s->label, why, geteuid() != 0 ? " or you" : "");
		return -1;
	}
	if (r == -1) {
		warn("%s: cannot %s", s->label, why);
		return -1;
	}
	if (open_self(s, create) == -1)
		return -1;
	if ((flags & (DJ_STATE_CREATE | DJ_STATE_WRITE)) && s->fd != -1 &&
	    faccessat(s->fd, ".", W_OK, AT_EACCESS) == -1) {
		warn("%s: cannot write", s->label);
		return -1;
	}
	return 0;
}

void
dj_state_close(struct dj_state *s)
{
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
	dirpath_close(&s->dp);
	free(s->label);
	s->label = NULL;
}

int
dj_state_read(const struct dj_state *s, const char *name, size_t max,
    char **buf, size_t *len, struct file_stamp *fs)
{
	const char *step;
	char *p;
	int r;

	memset(fs, 0, sizeof(*fs));
	if (s->fd == -1) {
		*buf = xstrdup("");
		*len = 0;
		return 0;
	}
	r = file_read_at(s->fd, name, max, buf, len, fs, &step);
	if (r == FILE_OK)
		return 0;
	p = dj_state_path(s, name);
	if (r == FILE_NOT_REGULAR)
		warnx("%s: not a regular file", p);
	else if (r == FILE_TOO_BIG)
		warnx("%s: larger than %zu bytes, the limit for this file", p, max);
	else if (r == FILE_CHANGED)
		warnx("%s: changed while it was being read; run again", p);
	else
		warn("%s: cannot %s", p, step);
	free(p);
	return -1;
}

int
dj_state_write(const struct dj_state *s, const char *name, const char *data,
    size_t len, const struct file_stamp *was, mode_t mode)
{
	const char *step;
	char *p;
	int r;

	if (s->fd == -1) {
		warnx("%s: no such directory", s->label);
		return -1;
	}
	r = file_replace_at(s->fd, name, data, len, was, mode, NULL, &step);
	if (r == FILE_OK)
		return 0;
	p = dj_state_path(s, name);
	if (r == FILE_CHANGED)
		warnx("%s: changed since it was read; left as it is; run again", p);
	else
		warn("%s: cannot %s", p, step);
	free(p);
	return -1;
}

int
dj_state_mark(const struct dj_state *s, const char *key, const char *text)
{
	struct file_stamp fs;
	const char *name = dj_marker_file(key);
	char *buf;
	size_t len;
	int r;

	if (dj_state_read(s, name, DJ_STATE_MAX, &buf, &len, &fs) == -1)
		return -1;
	r = 0;
	if (!fs.exists || (text != NULL && (len != strlen(text) ||
	    memcmp(buf, text, len) != 0)))
		r = dj_state_write(s, name, text != NULL ? text : "",
		    text != NULL ? strlen(text) : 0, &fs, 0644);
	free(buf);
	return r;
}

int
dj_state_remove(const struct dj_state *s, const char *name)
{
	char *p;

	if (s->fd == -1)
		return 0;
	if (unlinkat(s->fd, name, 0) == 0) {
		(void)fsync(s->fd);	/* best effort: it is gone either way */
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	p = dj_state_path(s, name);
	warn("%s: cannot remove", p);
	free(p);
	return -1;
}
