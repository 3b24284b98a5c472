/*
 * An exclusive lock that only the caller's user can hold: a lock file of
 * our own beside the file it guards, never a directory or file other
 * users can open.  Waiting has a deadline, and a signal whose handler
 * runs ends it; the lock file is removed when the lock is released, so
 * none is left behind.
 */
#ifndef LIB_LOCK_H
#define LIB_LOCK_H

#include <stddef.h>
#include <sys/types.h>

/* The lock file of a file NAME is .NAME.hersh-lock, beside it. */
#define LOCK_SUFFIX	".hersh-lock"

struct lock {
	int	 dirfd;		/* the directory holding the lock file (ours: a dup) */
	char	*name;		/* the lock file's name in it: .NAME.hersh-lock */
	int	 fd;		/* the locked file; -1 when not held */
	long	 timeout_ms;	/* the wait allowed */
	pid_t	 holder;	/* after a timeout: the pid holding it; 0 unknown */
};

/* The lock file's name for the file NAME, malloc'd; NULL with errno. */
char	*lock_file_name(const char *name);

/*
 * Lock the file NAME in the directory DIRFD: its lock file (see
 * lock_file_name) is opened with O_CREAT|O_NOFOLLOW (created mode 0600),
 * must be a regular file owned by the effective uid, and is flock()ed
 * exclusively, waiting at most TIMEOUT_MS milliseconds (0: no wait).
 * Once taken, the name must still be that file (a holder removes it when
 * done): else the wait starts again on the new one.  Nothing is written
 * into it: it is never data to sync.  The lock keeps a descriptor of
 * DIRFD of its own.  Returns 0; or -1 with errno ETIMEDOUT (LK->holder
 * the pid holding it, 0 when it cannot be found), EINTR (a signal handler
 * ran during the wait; a signal whose handler ran before the call is not
 * seen: check for it first), EPERM (not a regular file of ours), or the
 * failing call's.  Either way LK is to be released with lock_release().
 */
int	lock_take(struct lock *lk, int dirfd, const char *name, long timeout_ms);

/*
 * Why lock_take() failed with errno ERR, into BUF (LEN bytes): "cannot
 * lock: " and "held by process P (waited T s)" or "held by another
 * process (waited T s)" (ETIMEDOUT), "not a regular file owned by uid U"
 * (EPERM), or strerror(ERR).  With DIR (the lock file's directory as the
 * caller names it), the lock file is named first: "cannot lock:
 * DIR/.NAME.hersh-lock is held by ...", for a message about the file it
 * guards; without, the message is about the lock file itself.  Returns
 * BUF.
 */
const char *lock_failure(const struct lock *lk, int err, const char *dir,
	    char *buf, size_t len);

/*
 * Release LK: its file is removed while still held.  Safe on a lock that
 * was not taken, and on a zeroed one.
 */
void	lock_release(struct lock *lk);

/*
 * The pid of a process holding a flock() on the file FD refers to, from
 * /proc/locks; 0 when unknown (another pid namespace, no /proc).
 */
pid_t	lock_holder(int fd);

#endif
