/*
 * Reading, atomically replacing and removing files (see atomic-file.h):
 * bounded reads of regular files only, replace and remove with a
 * changed-since-read check, stale temporary files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"

#define TEMP_RANDOM	6	/* letters after the tag */

int
write_full(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t r;

	while (len > 0) {
		r = write(fd, p, len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/*
 * Read FD to its end, at most MAX bytes, into a NUL-terminated malloc'd
 * buffer.  0; -1 with errno; FILE_TOO_BIG over MAX.
 */
static int
read_fd(int fd, size_t max, char **buf, size_t *len)
{
	char *p = NULL, *np;
	size_t cap = 0, n = 0;
	ssize_t r;
	int saved;

	for (;;) {
		if (cap - n < 2) {
			cap = cap ? cap * 2 : 8192;
			if ((np = realloc(p, cap)) == NULL)
				goto fail;
			p = np;
		}
		r = read(fd, p + n, cap - n - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			free(p);
			return FILE_TOO_BIG;
		}
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
fail:
	saved = errno;
	free(p);
	errno = saved;
	return -1;
}

static void
stamp(struct file_stamp *fs, const struct stat *st)
{
	fs->exists = 1;
	fs->dev = st->st_dev;
	fs->ino = st->st_ino;
	fs->size = st->st_size;
	fs->mtime = st->st_mtim;
	fs->mode = st->st_mode;
	fs->uid = st->st_uid;
	fs->gid = st->st_gid;
}

/* Is ST (a stat of the name now) the file FS describes? */
static int
same_file(const struct file_stamp *fs, const struct stat *st)
{
	return fs->dev == st->st_dev && fs->ino == st->st_ino &&
	    fs->size == st->st_size && fs->mtime.tv_sec == st->st_mtim.tv_sec &&
	    fs->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

int
file_read_at(int dirfd, const char *name, size_t max, char **buf, size_t *len,
    struct file_stamp *fs, const char **step)
{
	struct stat st;
	int fd, r, saved;

	memset(fs, 0, sizeof(*fs));
	*buf = NULL;
	*len = 0;
	*step = "read";
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT)
			return FILE_ERRNO;
		if ((*buf = strdup("")) == NULL)
			return FILE_ERRNO;
		return FILE_OK;
	}
	if (!S_ISREG(st.st_mode))
		return FILE_NOT_REGULAR;
	if ((uintmax_t)st.st_size > max)
		return FILE_TOO_BIG;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return errno == ELOOP ? FILE_NOT_REGULAR : FILE_ERRNO;
	if (fstat(fd, &st) == -1) {
		r = FILE_ERRNO;
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		r = FILE_NOT_REGULAR;
		goto done;
	}
	stamp(fs, &st);
	if ((r = read_fd(fd, max, buf, len)) != 0)
		goto done;
	if (fstat(fd, &st) == -1)
		r = FILE_ERRNO;
	else if (!same_file(fs, &st))
		r = FILE_CHANGED;	/* written to while we read */
	if (r != FILE_OK) {
		free(*buf);
		*buf = NULL;
	}
done:
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

/* Create .NAME.hersh-tmp.XXXXXX in DIRFD; its name goes to TMP (PATH_MAX). */
static int
create_temp(int dirfd, const char *name, char *tmp)
{
	static const char az[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[TEMP_RANDOM];
	size_t n, k;
	int fd, tries;

	for (tries = 0; tries < 100; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -1;
		n = (size_t)snprintf(tmp, PATH_MAX, ".%s." ATOMIC_TEMP_TAG, name);
		if (n + TEMP_RANDOM >= PATH_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		for (k = 0; k < TEMP_RANDOM; k++)
			tmp[n + k] = az[rnd[k] % (sizeof(az) - 1)];
		tmp[n + k] = '\0';
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/* Rename TMP over NAME if NAME is still what WAS describes. */
static int
rename_checked(int dirfd, const char *tmp, const char *name,
    const struct file_stamp *was)
{
	struct stat st;

	if (was == NULL)
		return renameat(dirfd, tmp, dirfd, name);
	if (!was->exists) {
		if (renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno == EEXIST)
			return FILE_CHANGED;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		/* A filesystem without RENAME_NOREPLACE: link(2) never replaces. */
		if (linkat(dirfd, tmp, dirfd, name, 0) == -1)
			return errno == EEXIST ? FILE_CHANGED : -1;
		unlinkat(dirfd, tmp, 0);
		return 0;
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? FILE_CHANGED : -1;
	if (!same_file(was, &st))
		return FILE_CHANGED;
	return renameat(dirfd, tmp, dirfd, name);
}

int
file_replace_at(int dirfd, const char *name, const void *data, size_t len,
    const struct file_stamp *was, mode_t newmode, struct file_stamp *made,
    const char **step)
{
	const struct file_stamp *keep = was;	/* owner and mode */
	struct file_stamp now, out;
	struct stat st;
	char tmp[PATH_MAX];
	const char *what = "stat";
	int fd = -1, r = FILE_ERRNO, saved, tmp_made = 0;

	if (was == NULL) {
		memset(&now, 0, sizeof(now));
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			stamp(&now, &st);
		else if (errno != ENOENT)
			goto fail;
		keep = &now;
	}
	what = "create temporary file";
	if ((fd = create_temp(dirfd, name, tmp)) == -1)
		goto fail;
	tmp_made = 1;
	what = "set owner";
	if (keep->exists && fchown(fd, keep->uid, keep->gid) == -1 &&
	    errno != EPERM)
		goto fail;
	what = "set mode";
	if (fchmod(fd, keep->exists ? (keep->mode & 07777) : newmode) == -1)
		goto fail;
	what = "write";
	if (write_full(fd, data, len) == -1)
		goto fail;
	what = "fsync";
	if (fsync(fd) == -1)
		goto fail;
	what = "stat the temporary file";
	if (fstat(fd, &st) == -1)
		goto fail;
	stamp(&out, &st);	/* a rename keeps its inode and mtime */
	what = "close";
	r = close(fd);
	fd = -1;
	if (r == -1)
		goto fail;
	what = "rename";
	r = rename_checked(dirfd, tmp, name, was);
	if (r != 0) {
		if (r == -1)
			r = FILE_ERRNO;
		goto fail;
	}
	tmp_made = 0;
	/* The new file is in place; only its durability is in doubt. */
	if (made != NULL)	/* WAS may be MADE: read no more of it */
		*made = out;
	what = "fsync the directory (the new file is in place but may not survive a crash)";
	if (fsync(dirfd) == -1) {
		r = FILE_ERRNO;
		goto fail;
	}
	return FILE_OK;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	if (tmp_made)
		unlinkat(dirfd, tmp, 0);
	if (step != NULL)
		*step = what;
	errno = saved;
	return r == FILE_CHANGED ? FILE_CHANGED : FILE_ERRNO;
}

int
file_remove_at(int dirfd, const char *name, const struct file_stamp *was)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? FILE_OK : FILE_ERRNO;
	if (!was->exists || !S_ISREG(st.st_mode) || !same_file(was, &st))
		return FILE_CHANGED;
	if (unlinkat(dirfd, name, 0) == -1 && errno != ENOENT)
		return FILE_ERRNO;
	(void)fsync(dirfd);	/* best effort: the file is gone either way */
	return FILE_OK;
}

/* Is ENT ".NAME.hersh-tmp.XXXXXX", a temporary file of NAME? */
static int
is_temp_of(const char *ent, const char *name)
{
	size_t nl = strlen(name), tl = strlen(ATOMIC_TEMP_TAG), i;

	if (ent[0] != '.' || strncmp(ent + 1, name, nl) != 0 ||
	    ent[1 + nl] != '.' ||
	    strncmp(ent + 2 + nl, ATOMIC_TEMP_TAG, tl) != 0 ||
	    strlen(ent + 2 + nl + tl) != TEMP_RANDOM)
		return 0;
	for (i = 2 + nl + tl; ent[i] != '\0'; i++)
		if (!((ent[i] >= 'a' && ent[i] <= 'z') ||
		    (ent[i] >= 'A' && ent[i] <= 'Z') ||
		    (ent[i] >= '0' && ent[i] <= '9')))
			return 0;
	return 1;
}

void
file_remove_stale_temps(int dirfd, const char *name)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (is_temp_of(de->d_name, name) &&
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode))
			unlinkat(dirfd, de->d_name, 0);
	closedir(d);
}
