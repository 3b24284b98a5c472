/*
 * Lock files with a deadline (see lock.h).  The lock file is unlinked
 * while still locked; a waiter that then gets the lock on the unlinked
 * file sees that the name no longer refers to it and starts again.
 *
 * A signal ends the wait.  While lock_take() works, asynchronous signals
 * are blocked; they get through only while it sleeps between two tries,
 * in ppoll(2), which sets the caller's mask for the sleep alone.  So a
 * signal that arrives while a try is under way is not lost: it stays
 * pending, is delivered as the next sleep starts, and that sleep ends
 * with EINTR at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

/* Block the asynchronous signals (a fault still kills); the old mask to OLD. */
static void
block_signals(sigset_t *old)
{
	static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
	    SIGSYS, SIGABRT };
	sigset_t set;
	size_t i;

	sigfillset(&set);
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(&set, faults[i]);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Sleep MS milliseconds with the signal mask MASK; -1 (EINTR) if a handler ran. */
static int
sleep_ms(long ms, const sigset_t *mask)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	return ppoll(NULL, 0, &ts, mask) == -1 ? -1 : 0;
}

/*
 * flock() FD, trying until DEADLINE (now_ms()), sleeping with the signal
 * mask MASK; -1 with errno ETIMEDOUT, EINTR, or flock's.
 */
static int
flock_until(int fd, long deadline, const sigset_t *mask)
{
	long wait = 1, left;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK)
			return -1;
		if ((left = deadline - now_ms()) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (sleep_ms(wait < left ? wait : left, mask) == -1)
			return -1;
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

char *
lock_file_name(const char *name)
{
	char *p;

	return asprintf(&p, ".%s" LOCK_SUFFIX, name) == -1 ? NULL : p;
}

int
lock_take(struct lock *lk, int dirfd, const char *name, long timeout_ms)
{
	long deadline;
	sigset_t old;
	int fd, r = -1, saved;

	memset(lk, 0, sizeof(*lk));
	lk->fd = -1;
	lk->dirfd = -1;
	lk->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
	if ((lk->name = lock_file_name(name)) == NULL ||
	    (lk->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	deadline = now_ms() + lk->timeout_ms;
	block_signals(&old);
	for (;;) {
		if ((fd = open_lock(lk->dirfd, lk->name)) == -1)
			break;
		if (flock_until(fd, deadline, &old) == -1) {
			saved = errno;
			if (saved == ETIMEDOUT)
				lk->holder = lock_holder(fd);
			close(fd);
			errno = saved;
			break;
		}
		if (still_named(lk->dirfd, lk->name, fd)) {
			lk->fd = fd;
			r = 0;
			break;
		}
		close(fd);	/* its holder removed it: take the new one */
	}
	saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);	/* pending signals run now */
	errno = saved;
	return r;
}

/* How long LK waited, "T s" (or "T ms"), into BUF. */
static void
waited(const struct lock *lk, char *buf, size_t len)
{
	if (lk->timeout_ms % 1000 == 0)
		snprintf(buf, len, "%ld s", lk->timeout_ms / 1000);
	else
		snprintf(buf, len, "%ld ms", lk->timeout_ms);
}

const char *
lock_failure(const struct lock *lk, int err, const char *dir, char *buf,
    size_t len)
{
	char why[128], t[32];
	const char *name = lk->name != NULL ? lk->name : "(lock file)";
	int is = 1;

	waited(lk, t, sizeof(t));
	if (err == ETIMEDOUT && lk->holder > 0)
		snprintf(why, sizeof(why), "held by process %ld (waited %s)",
		    (long)lk->holder, t);
	else if (err == ETIMEDOUT)
		snprintf(why, sizeof(why), "held by another process (waited %s)",
		    t);
	else if (err == EPERM)
		snprintf(why, sizeof(why), "not a regular file owned by uid %ld",
		    (long)geteuid());
	else {
		snprintf(why, sizeof(why), "%s", strerror(err));
		is = 0;
	}
	if (dir == NULL)
		snprintf(buf, len, "cannot lock: %s", why);
	else
		snprintf(buf, len, "cannot lock: %s%s%s%s%s", dir,
		    *dir != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", name,
		    is ? " is " : ": ", why);
	return buf;
}

void
lock_release(struct lock *lk)
{
	int saved = errno;

	if (lk->name != NULL) {
		if (lk->fd != -1) {
			unlinkat(lk->dirfd, lk->name, 0);
			close(lk->fd);
		}
		if (lk->dirfd != -1)
			close(lk->dirfd);
		free(lk->name);
	}
	lk->name = NULL;
	lk->fd = -1;
	lk->dirfd = -1;
	errno = saved;
}
