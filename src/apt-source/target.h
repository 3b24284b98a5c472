/*
 * The files of the target system that hersh-apt-source reads for
 * checksums, writes and removes (the source, the pin, the keyring, its
 * state), and its lock.  Each path is resolved once, inside Dir when Dir
 * is not / (an image being built: an absolute symlink in it resolves in
 * it, never on the host), and everything after is done relative to the
 * directory found.  On the host (Dir is /) a directory written into, or
 * removed from, must be owned by root (or the user running the program)
 * and not writable by group or others.  Missing directories are created
 * 0755 and new files 0644, whatever the umask.
 */
#ifndef AS_TARGET_H
#define AS_TARGET_H

#include <stddef.h>

#include "config.h"
#include "lib/atomic-file.h"
#include "lib/dirpath.h"
#include "lib/lock.h"

#define AS_FILE_MAX	(1024 * 1024)	/* bytes: every file of ours is a few KiB */

/* What a path holds. */
enum as_kind {
	AS_KIND_ABSENT,		/* nothing (nor its directory) */
	AS_KIND_REGULAR,	/* a regular file: its bytes were read */
	AS_KIND_OTHER,		/* a symlink (not followed), directory, FIFO, socket or device */
	AS_KIND_TOO_BIG		/* a regular file of more than AS_FILE_MAX bytes */
};

/* One file of the target system, as it was read. */
struct as_file {
	char			*label;		/* its path under Dir, for messages */
	char			*target;	/* its path inside the target system */
	struct dirpath		 dp;		/* its directory (fd -1: none yet) */
	enum as_kind		 kind;
	char			*data;		/* AS_KIND_REGULAR: the bytes, NUL-terminated */
	size_t			 len;
	struct file_stamp	 was;		/* for the changed-since-read checks */
};

#define AS_OPEN_FOLLOW	0x1	/* follow a final symlink (inside Dir): to read only */
#define AS_OPEN_NO_SYMLINKS 0x2	/* refuse any symlink on the way, the file's own too */

/*
 * Open Dir into C->rootfd (left -1 when Dir is /, the host).  -1 after a
 * message.
 */
int	 as_target_open(struct as_conf *c);

/*
 * Resolve REAL (a path under Dir) and read what it holds into F.  A
 * missing directory is no error: F is then AS_KIND_ABSENT.  0, or -1
 * after a message naming REAL; F must be closed either way.
 */
int	 as_file_open(const struct as_conf *c, struct as_file *f,
	    const char *real, unsigned flags);
/*
 * Replace F by LEN bytes of DATA, atomically and durably, only if it is
 * still what was read (absent: still absent); creates its directories.
 * A replaced file keeps its owner and mode.  F then describes the new
 * file.  -1 after a message.
 */
int	 as_file_write(const struct as_conf *c, struct as_file *f,
	    const void *data, size_t len);
/*
 * May F be written, as far as can be told before: on the host, is its
 * directory (when there is one) trusted?  0, or -1 after a message.
 */
int	 as_file_trusted(const struct as_conf *c, const struct as_file *f);
/* Remove F if it is still the file that was read.  -1 after a message. */
int	 as_file_remove(const struct as_conf *c, struct as_file *f);
/* Close and free F (safe on a zeroed F). */
void	 as_file_close(struct as_file *f);

/* The lock serialising the runs that change files. */
struct as_lock {
	char		*label;		/* the lock file under Dir */
	struct lock	 lk;
};

/*
 * Take the lock: the root-only lock file of the state file AS_STATE,
 * beside it in the state directory (created 0755 with AS_LOCK_CREATE;
 * without, when it is missing, nothing is taken and 1 returned; with
 * AS_LOCK_NO_SYMLINKS a symlink on the way to it is refused), waiting
 * C->lock_timeout seconds at most for a run holding it; a signal caught
 * (interrupt.h) ends the wait.  0, 1, or -1 after a message naming the
 * lock file (and the process holding it; none when a signal ended it).
 */
#define AS_LOCK_CREATE		0x1
#define AS_LOCK_NO_SYMLINKS	0x2
int	 as_lock_take(const struct as_conf *c, struct as_lock *l,
	    unsigned flags);
/* Release the lock and remove its file (safe on a lock not taken). */
void	 as_lock_release(struct as_lock *l);

#endif
