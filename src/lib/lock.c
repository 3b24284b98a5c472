/*
 * Lock files with a deadline (see lock.h).  The lock file is unlinked
 * while still locked; a waiter that then gets the lock on the unlinked
 * file sees that the name no longer refers to it and starts again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"

#define WAIT_MAX_MS	50	/* longest sleep between two tries */

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* flock() FD, trying until DEADLINE (now_ms()); -1 with errno ETIMEDOUT. */
static int
flock_until(int fd, long deadline)
{
	long wait = 1, left;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -1;
		if ((left = deadline - now_ms()) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		sleep_ms(wait < left ? wait : left);
		if (wait < WAIT_MAX_MS)
			wait *= 2;
	}
}

/* Open (creating) the lock file; it must be a regular file of ours. */
static int
open_lock(int dirfd, const char *name)
{
	struct stat st;
	int fd, saved;

	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == ELOOP)	/* a symlink */
			errno = EPERM;
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* Is NAME in DIRFD still the file FD refers to? */
static int
still_named(int dirfd, const char *name, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 &&
	    fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The pid in /proc/locks holding a lock on device DEV, inode INO; 0 if none. */
static pid_t
proc_locks_holder(dev_t dev, ino_t ino)
{
	char line[256], want[64];
	long pid = 0, p;
	FILE *fp;
	int n;

	if ((fp = fopen("/proc/locks", "re")) == NULL)
		return 0;
	snprintf(want, sizeof(want), "%02x:%02x:%lu", major(dev), minor(dev),
	    (unsigned long)ino);
	while (pid == 0 && fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, "->") != NULL)	/* a waiter */
			continue;
		if (sscanf(line, "%*d: %*s %*s %*s %ld %n", &p, &n) == 1 &&
		    strncmp(line + n, want, strlen(want)) == 0 &&
		    line[n + strlen(want)] == ' ')
			pid = p;
	}
	fclose(fp);
	return (pid_t)pid;
}

pid_t
lock_holder(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return 0;
	return proc_locks_holder(st.st_dev, st.st_ino);
}

int
lock_take(struct lock *lk, int dirfd, const char *name, long timeout_ms,
    pid_t *holder)
{
	long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int fd, saved;

	memset(lk, 0, sizeof(*lk));
	lk->fd = -1;
	lk->dirfd = dirfd;
	*holder = 0;
	if ((lk->name = strdup(name)) == NULL)
		return -1;
	for (;;) {
		if ((fd = open_lock(dirfd, name)) == -1)
			break;
		if (flock_until(fd, deadline) == -1) {
			saved = errno;
			if (saved == ETIMEDOUT)
				*holder = lock_holder(fd);
			close(fd);
			errno = saved;
			break;
		}
		if (still_named(dirfd, name, fd)) {
			lk->fd = fd;
			return 0;
		}
		close(fd);	/* its holder removed it: take the new one */
	}
	saved = errno;
	free(lk->name);
	lk->name = NULL;
	errno = saved;
	return -1;
}

void
lock_release(struct lock *lk)
{
	int saved = errno;

	if (lk->fd != -1) {
		unlinkat(lk->dirfd, lk->name, 0);
		close(lk->fd);
	}
	free(lk->name);
	lk->name = NULL;
	lk->fd = -1;
	errno = saved;
}
