/* Shared file helpers: whole-file read, atomic durable replace. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"

int
read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	char *p = NULL, *np;
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
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
	}
	p[n] = '\0';
	close(fd);
	*buf = p;
	*len = n;
	return 0;
fail:
	saved = errno;
	free(p);
	close(fd);
	errno = saved;
	return -1;
}

char *
resolve_target(const char *path)
{
	char *cur, *next, *dir, *tmp;
	char link[PATH_MAX];
	ssize_t n;
	int hops;

	if ((cur = strdup(path)) == NULL)
		return NULL;
	for (hops = 0; hops < 40; hops++) {
		n = readlink(cur, link, sizeof(link) - 1);
		if (n == -1) {
			if (errno == EINVAL || errno == ENOENT)
				return cur;	/* not a link, or not there */
			free(cur);
			return NULL;
		}
		link[n] = '\0';
		if (link[0] == '/') {
			next = strdup(link);
		} else {
			if ((tmp = strdup(cur)) == NULL) {
				free(cur);
				return NULL;
			}
			dir = dirname(tmp);
			if (asprintf(&next, "%s/%s", dir, link) == -1)
				next = NULL;
			free(tmp);
		}
		free(cur);
		if ((cur = next) == NULL)
			return NULL;
	}
	free(cur);
	errno = ELOOP;
	return NULL;
}

static int
write_all(int fd, const char *p, size_t len)
{
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

static int
fsync_dir(const char *dir)
{
	int fd, r, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int
atomic_replace(const char *path, const void *data, size_t len, mode_t newmode,
    const char **step)
{
	struct stat st;
	char *target, *dcopy = NULL, *tmp = NULL;
	const char *dir, *what = "resolve path";
	int fd = -1, saved, exists;

	if ((target = resolve_target(path)) == NULL)
		goto fail;
	what = "allocate";
	if ((dcopy = strdup(target)) == NULL)
		goto fail;
	dir = dirname(dcopy);
	if (asprintf(&tmp, "%s/.%s." ATOMIC_TEMP_TAG "XXXXXX", dir,
	    basename(target)) == -1) {
		tmp = NULL;
		goto fail;
	}
	what = "stat";
	exists = stat(target, &st) == 0;
	if (!exists && errno != ENOENT)
		goto fail;
	what = "create temporary file";
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		free(tmp);
		tmp = NULL;
		goto fail;
	}
	what = "set owner";
	if (exists && fchown(fd, st.st_uid, st.st_gid) == -1 && errno != EPERM)
		goto fail;
	what = "set mode";
	if (fchmod(fd, exists ? (st.st_mode & 07777) : newmode) == -1)
		goto fail;
	what = "write";
	if (write_all(fd, data, len) == -1)
		goto fail;
	what = "fsync";
	if (fsync(fd) == -1)
		goto fail;
	what = "close";
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	what = "rename";
	if (rename(tmp, target) == -1)
		goto fail;
	free(tmp);
	tmp = NULL;
	/* The new file is in place; only its durability is in doubt. */
	what = "fsync the directory (the new file is in place but may not survive a crash)";
	if (fsync_dir(dir) == -1)
		goto fail;
	free(dcopy);
	free(target);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(dcopy);
	free(target);
	if (step != NULL)
		*step = what;
	errno = saved;
	return -1;
}
