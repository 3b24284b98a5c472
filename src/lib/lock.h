/*
 * An exclusive lock that only the caller's user can hold: a lock file of
 * our own beside the file it guards, never a directory or file other
 * users can open.  Waiting has a deadline; the lock file is removed when
 * the lock is released, so none is left behind.
 */
#ifndef LIB_LOCK_H
#define LIB_LOCK_H

#include <sys/types.h>

struct lock {
	int	 dirfd;		/* the directory holding the lock file (not owned) */
	char	*name;		/* the lock file's name in it */
	int	 fd;		/* the locked file; -1 when not held */
};

/*
 * Take the lock file NAME in the directory DIRFD: it is opened with
 * O_CREAT|O_NOFOLLOW (created mode 0600), must be a regular file owned
 * by the effective uid, and is flock()ed exclusively, waiting at most
 * TIMEOUT_MS milliseconds (0: no wait).  Once taken, NAME must still be
 * that file (a holder removes it when done): else the wait starts again
 * on the new one.  Nothing is written into it: it is never data to
 * sync.  Returns 0;
 * or -1 with errno ETIMEDOUT (*HOLDER the pid holding it, 0 when it
 * cannot be found), EPERM (NAME is not a regular file of ours), or the
 * failing call's.  DIRFD must stay open while the lock is held.
 */
int	lock_take(struct lock *, int dirfd, const char *name, long timeout_ms,
	    pid_t *holder);

/* Release a lock taken by lock_take(): its file is removed while still held. */
void	lock_release(struct lock *);

/*
 * The pid of a process holding a flock() on the file FD refers to, from
 * /proc/locks; 0 when unknown (another pid namespace, no /proc).
 */
pid_t	lock_holder(int fd);

#endif
