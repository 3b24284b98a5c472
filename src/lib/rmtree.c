/*
 * Removing a directory tree relative to directory descriptors, never
 * following a symlink (see rmtree.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rmtree.h"

#define PASSES	3	/* readdir passes over a directory that refills */

struct rm {
	dev_t		 dev;	/* the top's filesystem */
	int		 max;	/* deepest directory entered */
	rmtree_fn	*fn;
	void		*ctx;
};

static void
tell(struct rm *rm, const char *path, const struct stat *st, int err)
{
	if (rm->fn != NULL)
		rm->fn(rm->ctx, path, st, err);
}

static int remove_name(struct rm *, int dirfd, const char *name,
    const char *path, int depth);

/* Remove every name in the directory FD (PATH); 0 when all went. */
static int
empty_dir(struct rm *rm, int fd, const char *path, int depth)
{
	struct dirent *de;
	char *sub;
	DIR *d;
	int dfd, r = 0, pass, more;

	if ((dfd = dup(fd)) == -1)
		return -1;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return -1;
	}
	for (pass = 0, more = 1; more && pass < PASSES; pass++) {
		more = 0;
		r = 0;
		rewinddir(d);
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (asprintf(&sub, "%s/%s", path, de->d_name) == -1) {
				r = -1;
				break;
			}
			if (remove_name(rm, fd, de->d_name, sub, depth + 1) == 0)
				more = 1;	/* a name went: look again */
			else
				r = -1;
			free(sub);
		}
		if (r == 0)
			break;
	}
	closedir(d);
	return r;
}

/* Remove the directory NAME of DIRFD (lstat ST), its contents first. */
static int
remove_dir(struct rm *rm, int dirfd, const char *name, const char *path,
    const struct stat *st, int depth)
{
	struct stat fst;
	int fd, r;

	if (st->st_dev != rm->dev) {
		tell(rm, path, st, EXDEV);
		return -1;
	}
	if (depth > rm->max) {
		tell(rm, path, st, ELOOP);
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		tell(rm, path, st, errno == ELOOP || errno == ENOTDIR ? EAGAIN : errno);
		return -1;
	}
	if (fstat(fd, &fst) == -1 || fst.st_dev != st->st_dev ||
	    fst.st_ino != st->st_ino) {
		close(fd);
		tell(rm, path, st, EAGAIN);
		return -1;
	}
	r = empty_dir(rm, fd, path, depth);
	close(fd);
	if (r == -1) {
		tell(rm, path, st, ENOTEMPTY);
		return -1;
	}
	if (unlinkat(dirfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT) {
		tell(rm, path, st, errno);
		return -1;
	}
	tell(rm, path, st, 0);
	return 0;
}

static int
remove_name(struct rm *rm, int dirfd, const char *name, const char *path,
    int depth)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		tell(rm, path, NULL, errno);
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return remove_dir(rm, dirfd, name, path, &st, depth);
	if (unlinkat(dirfd, name, 0) == -1 && errno != ENOENT) {
		tell(rm, path, &st, errno == EISDIR ? EAGAIN : errno);
		return -1;
	}
	tell(rm, path, &st, 0);
	return 0;
}

int
rmtree_at(int dirfd, const char *name, const char *label, int depth,
    rmtree_fn *fn, void *ctx)
{
	struct rm rm;
	struct stat st;
	int r;

	rm.fn = fn;
	rm.ctx = ctx;
	rm.max = depth < 0 ? 0 : depth > RMTREE_MAX_DEPTH ? RMTREE_MAX_DEPTH :
	    depth;
	if (label == NULL)
		label = name;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		tell(&rm, label, NULL, errno);
		return -1;
	}
	rm.dev = st.st_dev;
	r = remove_name(&rm, dirfd, name, label, 0);
	if (r == 0)
		(void)fsync(dirfd);	/* best effort */
	return r;
}
