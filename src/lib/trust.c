/*
 * May root trust a file: the file itself and the directories above it
 * (dirpath_trusted_file, see dirpath.h).  The directory rule itself is
 * dirpath_trusted_at's; this adds the file and /proc's magic links.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "dirpath.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC	0x9fa0
#endif

#define DELETED	" (deleted)"

static int
owner_ok(uid_t uid, uid_t owner)
{
	return uid == 0 || uid == owner;
}

/* The file itself (ST): a regular file or a directory that OWNER may trust. */
static int
judge(const char *path, const struct stat *st, uid_t owner, char *why,
    size_t whylen)
{
	if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) {
		snprintf(why, whylen, "%s is not a regular file or a directory",
		    path);
		return DIRPATH_REFUSED;
	}
	if (!owner_ok(st->st_uid, owner) || (st->st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(why, whylen, "%s is owned by uid %u with mode %04o", path,
		    (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777));
		return DIRPATH_REFUSED;
	}
	return 0;
}

static int
on_proc(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/*
 * NAME in DP is a magic link of /proc: judge the file it opens, and the
 * directory chain of its target when that directory still exists.
 */
static int
magic(const char *path, const struct dirpath *dp, uid_t owner, char *why,
    size_t whylen)
{
	char target[PATH_MAX];
	struct dirpath tdp;
	struct stat st;
	size_t dl = strlen(DELETED);
	ssize_t n;
	int fd, r;

	if ((fd = openat(dp->fd, dp->name, O_PATH | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		r = errno;
		if (fd != -1)
			close(fd);
		errno = r;
		snprintf(why, whylen, "open");
		return -1;
	}
	close(fd);
	if ((r = judge(path, &st, owner, why, whylen)) != 0)
		return r;
	if ((n = readlinkat(dp->fd, dp->name, target, sizeof(target))) <= 0 ||
	    (size_t)n == sizeof(target) || target[0] != '/')
		return 0;	/* no path to a directory: the file is all */
	target[n] = '\0';
	if ((size_t)n > dl && strcmp(target + n - dl, DELETED) == 0)
		target[n - dl] = '\0';
	r = dirpath_open(&tdp, -1, target, DIRPATH_MISSING_OK, owner, why,
	    whylen);
	if (r == DIRPATH_MISSING || (r == -1 && errno == ENOENT))
		return 0;	/* its directory is gone */
	if (r == 0)
		r = dirpath_trusted(&tdp, owner, &st, why, whylen);
	dirpath_close(&tdp);
	return r;
}

int
dirpath_trusted_file(int rootfd, const char *path, uid_t owner, char *why,
    size_t whylen)
{
	struct dirpath dp;
	struct stat st;
	int r;

	r = dirpath_open(&dp, rootfd, path, 0, owner, why, whylen);
	if (r == 0 && fstatat(dp.fd, dp.name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		snprintf(why, whylen, "stat");
		r = -1;
	}
	if (r == 0 && S_ISLNK(st.st_mode)) {
		if (rootfd < 0 && on_proc(dp.fd)) {
			r = magic(path, &dp, owner, why, whylen);
			dirpath_close(&dp);
			return r;
		}
		dirpath_close(&dp);
		r = dirpath_open(&dp, rootfd, path, DIRPATH_FOLLOW, owner, why,
		    whylen);
		if (r == 0 && fstatat(dp.fd, dp.name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1) {
			snprintf(why, whylen, "stat");
			r = -1;
		}
	}
	if (r == 0)
		r = judge(path, &st, owner, why, whylen);
	if (r == 0)
		r = dirpath_trusted_at(&dp, rootfd, owner, &st, why, whylen);
	dirpath_close(&dp);
	return r;
}
