/*
 * Read-modify-write of daemon.json under a lock.  The lock is flock() on
 * the target's directory, held from before the read until after the
 * rename, so concurrent calls serialise and no lock file is left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/atomic-file.h"
#include "file.h"

static int
open_dir(const char *dir, int mkdir_ok, const char **what)
{
	int fd;

	*what = "open directory";
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && mkdir_ok) {
		*what = "create directory";
		if (mkdir(dir, 0755) == -1 && errno != EEXIST)
			return -1;
		if (chmod(dir, 0755) == -1)
			return -1;
		*what = "open directory";
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	return fd;
}

static int
lock_dir(struct dj_file *f, int mkdir_ok, const char **what)
{
	char *copy;
	int saved;

	if ((copy = strdup(f->target)) == NULL) {
		*what = "allocate";
		return -1;
	}
	f->dirfd = open_dir(dirname(copy), mkdir_ok, what);
	saved = errno;
	free(copy);
	errno = saved;
	if (f->dirfd == -1)	/* no directory, no file: nothing to lock */
		return errno == ENOENT && !mkdir_ok ? 0 : -1;
	*what = "lock directory";
	while (flock(f->dirfd, LOCK_EX) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

/*
 * Is NAME ".BASE.hersh-tmp.XXXXXX", a temporary file of atomic_replace()
 * for BASE?
 */
static int
is_temp_of(const char *name, const char *base)
{
	size_t bl = strlen(base), tl = strlen(ATOMIC_TEMP_TAG), i;

	if (name[0] != '.' || strncmp(name + 1, base, bl) != 0 ||
	    name[1 + bl] != '.' ||
	    strncmp(name + 2 + bl, ATOMIC_TEMP_TAG, tl) != 0 ||
	    strlen(name + 2 + bl + tl) != 6)
		return 0;
	for (i = 2 + bl + tl; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9')))
			return 0;
	return 1;
}

/*
 * With the directory locked no other writer is at work, so a temporary
 * file of ours in it was left by a writer that was killed: remove it.
 * Best effort; failures are ignored.
 */
static void
remove_stale_temps(const struct dj_file *f)
{
	struct dirent *de;
	struct stat st;
	char *copy, *base;
	DIR *d;
	int fd;

	if ((copy = strdup(f->target)) == NULL)
		return;
	base = basename(copy);
	if ((fd = openat(f->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		free(copy);
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (is_temp_of(de->d_name, base) &&
		    fstatat(f->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode))
			unlinkat(f->dirfd, de->d_name, 0);
	closedir(d);
	free(copy);
}

int
dj_file_open(struct dj_file *f, const char *path, int lock, int mkdir_ok,
    const char **what)
{
	memset(f, 0, sizeof(*f));
	f->dirfd = -1;
	*what = "resolve path";
	if ((f->target = resolve_target(path)) == NULL)
		return -1;
	if (lock && lock_dir(f, mkdir_ok, what) == -1)
		return -1;
	if (f->dirfd != -1)
		remove_stale_temps(f);
	*what = "read";
	if (read_file(f->target, &f->data, &f->len) == 0) {
		f->exists = 1;
		return 0;
	}
	if (errno != ENOENT)
		return -1;
	if ((f->data = strdup("")) == NULL)
		return -1;
	return 0;
}

int
dj_file_write(struct dj_file *f, const char *data, size_t len,
    const char **what)
{
	return atomic_replace(f->target, data, len, 0644, what);
}

void
dj_file_close(struct dj_file *f)
{
	int saved = errno;

	if (f->dirfd != -1)
		close(f->dirfd);	/* releases the lock */
	free(f->target);
	free(f->data);
	memset(f, 0, sizeof(*f));
	f->dirfd = -1;
	errno = saved;
}
