/*
 * Read-modify-write of daemon.json: resolve once, check who controls the
 * directories, lock, read, replace if unchanged.  The lock is held from
 * before the read until after the rename, so concurrent calls serialise;
 * its file is removed on release, so none is left behind.
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
#include "file.h"

static void
say_step(const struct dj_file *f, const char *step)
{
	warn("%s: cannot %s", f->label, step);
}

static int
resolve(struct dj_file *f, const char *path, unsigned flags)
{
	char why[PATH_MAX + 128];
	int r;

	r = dirpath_open(&f->dp, f->rootfd, path,
	    (flags & DJ_OPEN_NOFOLLOW ? 0 : DIRPATH_FOLLOW) |
	    (flags & DJ_OPEN_MKDIR ? DIRPATH_MKDIR_LAST : DIRPATH_MISSING_OK),
	    geteuid(), why, sizeof(why));
	if (r == DIRPATH_MISSING)
		return 1;	/* no directory: no file */
	if (r == DIRPATH_REFUSED)
		warnx("%s: %s", f->label, why);
	else if (r == -1)
		say_step(f, why);
	return r == 0 ? 0 : -1;
}

static int
check_trust(struct dj_file *f, const char *verb)
{
	char why[PATH_MAX + 128];
	struct stat st;
	int r;

	r = dirpath_trusted_at(&f->dp, f->rootfd, geteuid(),
	    fstatat(f->dp.fd, f->dp.name, &st, AT_SYMLINK_NOFOLLOW) == 0 ?
	    &st : NULL, why, sizeof(why));
	if (r == DIRPATH_REFUSED)
		warnx("%s: refusing to %s: %s; the directories above the file "
		    "must be owned by root%s and not writable by group or others "
		    "(--allow-untrusted-dir overrides)", f->label, verb, why,
		    geteuid() != 0 ? " or you" : "");
	else if (r == -1)
		say_step(f, why);
	return r == 0 ? 0 : -1;
}

/*
 * Take the lock.  In a directory we cannot write (a read-only
 * filesystem, no permission) there is none to take and none needed: no
 * edit of ours can happen there, and one that needs writing fails then,
 * saying why.  So an edit that changes nothing still succeeds there.
 */
static int
take_lock(struct dj_file *f, long timeout_ms)
{
	char msg[PATH_MAX + 128];
	int saved;

	if (lock_take(&f->lock, f->dp.fd, f->dp.name, timeout_ms) == 0)
		return 0;
	saved = errno;
	if (saved == EROFS || saved == EACCES) {
		lock_release(&f->lock);	/* none to hold */
		return 0;
	}
	warnx("%s: %s", f->label, lock_failure(&f->lock, saved, f->dp.dir, msg,
	    sizeof(msg)));
	return -1;
}

static int
read_it(struct dj_file *f)
{
	const char *step;
	char *where = NULL;

	switch (file_read_at(f->dp.fd, f->dp.name, DJ_FILE_MAX, &f->data,
	    &f->len, &f->was, &step)) {
	case FILE_OK:
		f->exists = f->was.exists;
		return 0;
	case FILE_NOT_REGULAR:
		where = xasprintf("%s/%s", strcmp(f->dp.dir, "/") ? f->dp.dir : "",
		    f->dp.name);
		if (strcmp(where, f->label) == 0)
			warnx("%s: not a regular file", f->label);
		else
			warnx("%s: not a regular file (%s)", f->label, where);
		free(where);
		return -1;
	case FILE_TOO_BIG:
		warnx("%s: larger than %d MiB, the limit for a daemon.json",
		    f->label, DJ_FILE_MAX >> 20);
		return -1;
	case FILE_CHANGED:
		warnx("%s: changed while it was being read; run again", f->label);
		return -1;
	}
	say_step(f, step);
	return -1;
}

int
dj_file_open(struct dj_file *f, int rootfd, const char *path,
    const char *label, unsigned flags, long lock_timeout_ms)
{
	struct stat st;
	int r;

	memset(f, 0, sizeof(*f));
	f->label = label;
	f->rootfd = rootfd;
	f->dp.fd = -1;
	f->lock.fd = -1;	/* not held */
	if ((r = resolve(f, path, flags)) == 1) {
		f->data = xstrdup("");
		return 0;
	}
	if (r == -1 ||
	    ((flags & DJ_OPEN_TRUSTED) && check_trust(f,
	    flags & DJ_OPEN_READ ? "read it" : "edit") == -1) ||
	    ((flags & DJ_OPEN_LOCK) && take_lock(f, lock_timeout_ms) == -1))
		return -1;
	if (f->lock.fd != -1)
		file_remove_stale_temps(f->dp.fd, f->dp.name);
	if ((flags & DJ_OPEN_NOFOLLOW) &&
	    fstatat(f->dp.fd, f->dp.name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode)) {
		f->is_link = 1;
		f->data = xstrdup("");
		return 0;
	}
	return read_it(f);
}

int
dj_file_write(struct dj_file *f, const char *data, size_t len)
{
	const char *step;

	switch (file_replace_at(f->dp.fd, f->dp.name, data, len, &f->was, 0644,
	    &f->wrote, &step)) {
	case FILE_OK:
		return 0;
	case FILE_CHANGED:
		warnx("%s: changed since it was read (someone else edited it); "
		    "left as it is; run again", f->label);
		return -1;
	}
	say_step(f, step);
	return -1;
}

int
dj_file_undo(struct dj_file *f)
{
	const char *step = "remove";
	int r;

	if (!f->wrote.exists)
		return 0;
	if (f->was.exists)
		r = file_replace_at(f->dp.fd, f->dp.name, f->data, f->len,
		    &f->wrote, 0644, NULL, &step);
	else
		r = file_remove_at(f->dp.fd, f->dp.name, &f->wrote);
	if (r == FILE_CHANGED) {
		warnx("%s: changed since it was written; left as it is", f->label);
		return -1;
	}
	if (r != FILE_OK) {
		say_step(f, step);
		return -1;
	}
	f->wrote.exists = 0;
	f->undo_dir = !f->was.exists && f->dp.made;
	return 0;
}

/* The directory dj_file_open() made, when empty: its lock file is gone by now. */
static void
remove_made_dir(struct dj_file *f)
{
	const char *base = f->dp.dir != NULL ? strrchr(f->dp.dir, '/') : NULL;
	int pfd;

	if (base == NULL || base[1] == '\0' ||
	    (pfd = openat(f->dp.fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)unlinkat(pfd, base + 1, AT_REMOVEDIR);
	close(pfd);
}

void
dj_file_close(struct dj_file *f)
{
	lock_release(&f->lock);
	if (f->undo_dir)
		remove_made_dir(f);
	dirpath_close(&f->dp);
	free(f->data);
	f->data = NULL;
}
