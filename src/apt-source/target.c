/*
 * The files of the target system and the lock (see target.h): resolved
 * once with lib/dirpath (inside Dir's root directory, or on the host with
 * its trust rule), read and replaced with lib/atomic-file, locked with
 * lib/lock.
 */

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interrupt.h"
#include "target.h"
#include "lib/xmalloc.h"

#define WHY_MAX		(PATH_MAX + 128)

int
as_target_open(struct as_conf *c)
{
	struct stat r, top;

	if (*c->root == '\0')
		return 0;
	if ((c->rootfd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		warn("Dir '%s/'", c->root);
		return -1;
	}
	if (fstat(c->rootfd, &r) == 0 && stat("/", &top) == 0 &&
	    r.st_dev == top.st_dev && r.st_ino == top.st_ino) {
		close(c->rootfd);	/* / by another name: the host */
		c->rootfd = -1;
	}
	return 0;
}

/*
 * REAL's path inside the target system, malloc'd; NULL after a message
 * when REAL is not under Dir (a setting such as Dir::Etc::sourceparts
 * pointing out of it).
 */
static char *
inner(const struct as_conf *c, const char *real)
{
	size_t n = strlen(c->root);

	if (n > 0 && strncmp(real, c->root, n) == 0 && real[n] == '/')
		return xstrdup(real + n);
	if (n == 0 || c->rootfd == -1)
		return xstrdup(real);
	warnx("%s: not under Dir (%s/); hersh-apt-source works inside the "
	    "target system only", real, c->root);
	return NULL;
}

/*
 * Open the directory of TARGET into DP (FLAGS: DIRPATH_*).  0; 1 when
 * that directory does not exist (and FLAGS create none); -1 after a
 * message naming LABEL.
 */
static int
open_dir(const struct as_conf *c, struct dirpath *dp, const char *label,
    const char *target, unsigned flags)
{
	char why[WHY_MAX];
	int r;

	r = dirpath_open(dp, c->rootfd, target, flags | DIRPATH_MISSING_OK,
	    geteuid(), why, sizeof(why));
	if (r == 0)
		return 0;
	if (r == DIRPATH_MISSING)
		return 1;
	if (r == DIRPATH_REFUSED)
		warnx("%s: %s", label, why);
	else
		warn("%s: cannot %s", label, why);
	return -1;
}

/*
 * On the host, may we VERB ("write", "remove", "lock") in DP's directory?
 * Every directory up to / must be owned by root (or us) and not writable
 * by group or others.  In an image Dir is the boundary: 0.
 */
static int
trusted(const struct as_conf *c, const struct dirpath *dp, const char *label,
    const char *verb)
{
	char why[WHY_MAX];
	struct stat st;
	int r;

	if (c->rootfd != -1)
		return 0;
	r = dirpath_trusted(dp, geteuid(),
	    fstatat(dp->fd, dp->name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? &st : NULL,
	    why, sizeof(why));
	if (r == DIRPATH_REFUSED)
		warnx("%s: refusing to %s: %s; the directories above it must be "
		    "owned by root%s and not writable by group or others", label,
		    verb, why, geteuid() != 0 ? " or you" : "");
	else if (r == -1)
		warn("%s: cannot %s", label, why);
	return r == 0 ? 0 : -1;
}

/* Read F's file (its directory is open) into F. */
static int
read_into(struct as_file *f)
{
	const char *step;

	switch (file_read_at(f->dp.fd, f->dp.name, AS_FILE_MAX, &f->data,
	    &f->len, &f->was, &step)) {
	case FILE_OK:
		f->kind = f->was.exists ? AS_KIND_REGULAR : AS_KIND_ABSENT;
		return 0;
	case FILE_NOT_REGULAR:
		f->kind = AS_KIND_OTHER;
		return 0;
	case FILE_TOO_BIG:
		f->kind = AS_KIND_TOO_BIG;
		return 0;
	case FILE_CHANGED:
		warnx("%s: changed while it was being read; run again", f->label);
		return -1;
	}
	warn("%s: cannot %s", f->label, step);
	return -1;
}

int
as_file_open(const struct as_conf *c, struct as_file *f, const char *real,
    unsigned flags)
{
	int r;

	memset(f, 0, sizeof(*f));
	f->dp.fd = -1;
	f->kind = AS_KIND_ABSENT;
	f->label = xstrdup(real);
	if ((f->target = inner(c, real)) == NULL)
		return -1;
	r = open_dir(c, &f->dp, f->label, f->target,
	    ((flags & AS_OPEN_FOLLOW) ? DIRPATH_FOLLOW : 0) |
	    ((flags & AS_OPEN_NO_SYMLINKS) ? DIRPATH_NO_SYMLINKS : 0));
	if (r != 0)
		return r == 1 ? 0 : -1;
	return read_into(f);
}

int
as_file_write(const struct as_conf *c, struct as_file *f, const void *data,
    size_t len)
{
	const char *step;
	int r;

	if (f->dp.fd == -1 &&
	    open_dir(c, &f->dp, f->label, f->target, DIRPATH_MKDIR) == -1)
		return -1;
	if (trusted(c, &f->dp, f->label, "write") == -1)
		return -1;
	file_remove_stale_temps(f->dp.fd, f->dp.name);
	r = file_replace_at(f->dp.fd, f->dp.name, data, len, &f->was, 0644,
	    &f->was, &step);
	if (r == FILE_OK) {	/* F describes the new file, for a next write */
		free(f->data);
		f->data = xmalloc(len + 1);
		memcpy(f->data, data, len);
		f->data[len] = '\0';
		f->len = len;
		f->kind = AS_KIND_REGULAR;
		return 0;
	}
	if (r == FILE_CHANGED)
		warnx("%s: changed since it was read (someone else wrote it "
		    "meanwhile); left as it is; run again", f->label);
	else
		warn("%s: cannot %s", f->label, step);
	return -1;
}

int
as_file_trusted(const struct as_conf *c, const struct as_file *f)
{
	if (f->dp.fd == -1)
		return 0;
	return trusted(c, &f->dp, f->label, "write");
}

int
as_file_remove(const struct as_conf *c, struct as_file *f)
{
	if (f->dp.fd == -1 || !f->was.exists)
		return 0;
	if (trusted(c, &f->dp, f->label, "remove") == -1)
		return -1;
	file_remove_stale_temps(f->dp.fd, f->dp.name);
	switch (file_remove_at(f->dp.fd, f->dp.name, &f->was)) {
	case FILE_OK:
		break;
	case FILE_CHANGED:
		warnx("%s: changed since it was read (someone else wrote it "
		    "meanwhile); left in place", f->label);
		return -1;
	default:
		warn("%s: cannot remove", f->label);
		return -1;
	}
	f->kind = AS_KIND_ABSENT;
	memset(&f->was, 0, sizeof(f->was));
	return 0;
}

void
as_file_close(struct as_file *f)
{
	if (f->label == NULL)
		return;
	dirpath_close(&f->dp);
	free(f->label);
	free(f->target);
	free(f->data);
	memset(f, 0, sizeof(*f));
	f->dp.fd = -1;
}

int
as_lock_take(const struct as_conf *c, struct as_lock *l, unsigned flags)
{
	struct dirpath dp;
	char msg[WHY_MAX], *name, *path;
	int r;

	memset(l, 0, sizeof(*l));
	if ((name = lock_file_name(AS_STATE_NAME)) == NULL)
		err(1, NULL);
	l->label = xasprintf("%s%s/%s", c->root, AS_STATE_DIR, name);
	path = xasprintf("%s/%s", AS_STATE_DIR, name);
	free(name);
	/* the lock file's own path: its directory is the state file's */
	r = open_dir(c, &dp, l->label, path,
	    ((flags & AS_LOCK_CREATE) ? DIRPATH_MKDIR : 0) |
	    ((flags & AS_LOCK_NO_SYMLINKS) ? DIRPATH_NO_SYMLINKS : 0));
	if (r == 0 && (r = trusted(c, &dp, l->label, "lock")) == 0) {
		if (as_interrupted())	/* the run ends by that signal */
			r = -1;
		else if ((r = lock_take(&l->lk, dp.fd, AS_STATE_NAME,
		    c->lock_timeout * 1000)) == -1 && !as_interrupted())
			warnx("%s: %s", l->label, lock_failure(&l->lk, errno,
			    NULL, msg, sizeof(msg)));
	}
	dirpath_close(&dp);
	free(path);
	return r;
}

void
as_lock_release(struct as_lock *l)
{
	lock_release(&l->lk);
	free(l->label);
	l->label = NULL;
}
