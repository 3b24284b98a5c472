/* Temporary directories that a killed run cannot leave for long (see tmpdir.h). */

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpdir.h"
#include "lib/xmalloc.h"

#define DIR_FLAGS	(O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* $TMPDIR when it is a usable directory, else /tmp (as APT decides). */
static const char *
base(void)
{
	const char *t = getenv("TMPDIR");
	struct stat sb;

	if (t == NULL || *t != '/' || stat(t, &sb) == -1 ||
	    !S_ISDIR(sb.st_mode) || access(t, R_OK | W_OK | X_OK) == -1)
		return "/tmp";
	return t;
}

/* Remove what directory DFD holds, never following a symlink. */
static void
empty_dir(int dfd, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = dup(dfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0 || errno != EISDIR ||
		    depth >= 8)
			continue;
		if ((fd = openat(dfd, de->d_name, DIR_FLAGS)) == -1)
			continue;
		empty_dir(fd, depth + 1);
		close(fd);
		unlinkat(dfd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Make and lock one directory: 0, 1 when a sweep took it first, -1 error. */
static int
make_locked(const char *kind, struct as_tmpdir *t)
{
	struct stat sb;

	t->path = xasprintf("%s/%s%s.XXXXXX", base(), AS_TMP_PREFIX, kind);
	t->fd = -1;
	if (mkdtemp(t->path) == NULL ||
	    (t->fd = open(t->path, DIR_FLAGS)) == -1 ||
	    flock(t->fd, LOCK_EX) == -1 || fstat(t->fd, &sb) == -1) {
		if (errno == ENOENT)
			goto again;
		warn("%s", t->path);
		goto fail;
	}
	if (sb.st_nlink > 0)
		return 0;
again:
	if (t->fd != -1)
		close(t->fd);
	free(t->path);
	return 1;
fail:
	if (t->fd != -1)
		close(t->fd);
	rmdir(t->path);
	free(t->path);
	return -1;
}

int
as_tmpdir_new(const char *kind, struct as_tmpdir *t)
{
	int tries, r = 1;

	for (tries = 0; tries < 3 && r == 1; tries++)
		r = make_locked(kind, t);
	if (r == 1)
		warnx("%s/%s%s.*: swept away while being made", base(),
		    AS_TMP_PREFIX, kind);
	if (r != 0) {
		t->path = NULL;
		t->fd = -1;
		return -1;
	}
	return 0;
}

void
as_tmpdir_free(struct as_tmpdir *t)
{
	if (t->path == NULL)
		return;
	empty_dir(t->fd, 0);
	if (rmdir(t->path) == -1 && errno != ENOENT)
		warn("%s", t->path);
	close(t->fd);
	free(t->path);
	t->path = NULL;
	t->fd = -1;
}

/* Remove the leftover NAME in directory BFD if it is one. */
static void
sweep_one(int bfd, const char *name, uid_t other)
{
	struct stat sb;
	int fd;

	if ((fd = openat(bfd, name, DIR_FLAGS | O_NONBLOCK)) == -1)
		return;
	if (fstat(fd, &sb) == 0 && (sb.st_uid == geteuid() || sb.st_uid == other) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0) {
		empty_dir(fd, 0);
		unlinkat(bfd, name, AT_REMOVEDIR);
	}
	close(fd);
}

void
as_tmpdir_sweep(uid_t other)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(base())) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, AS_TMP_PREFIX, strlen(AS_TMP_PREFIX)) == 0)
			sweep_one(dirfd(d), de->d_name, other);
	closedir(d);
}
