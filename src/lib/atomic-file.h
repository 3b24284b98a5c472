/*
 * Reading, atomically replacing and removing files, for hersh-daemon-json
 * and hersh-apt-source.  The *_at() functions work relative to a directory
 * file descriptor (see dirpath.h), so that a path is resolved once and
 * nothing can redirect what follows.
 */
#ifndef LIB_ATOMIC_FILE_H
#define LIB_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/*
 * The temporary file of a replace of DIR/NAME is DIR/.NAME.hersh-tmp.XXXXXX:
 * distinctive, so that a caller holding the lock can tell one a killed
 * writer left from a file of the admin's.
 */
#define ATOMIC_TEMP_TAG	"hersh-tmp."

/*
 * What a file was when it was read (or written); file_replace_at() and
 * file_remove_at() check it is still so.
 */
struct file_stamp {
	int		exists;
	dev_t		dev;
	ino_t		ino;
	off_t		size;
	struct timespec	mtime;
	mode_t		mode;
	uid_t		uid;
	gid_t		gid;
};

/* Results of the *_at() functions besides 0 (FILE_OK). */
enum file_status {
	FILE_OK = 0,
	FILE_ERRNO = -1,	/* a system call failed: errno says why */
	FILE_NOT_REGULAR = -2,	/* a directory, FIFO, socket, device or symlink */
	FILE_TOO_BIG = -3,	/* over the size limit */
	FILE_CHANGED = -4	/* not what was read any more: nothing replaced */
};

/* Write all LEN bytes of DATA to FD (short writes and EINTR retried).  0, or -1 with errno. */
int	write_full(int fd, const void *data, size_t len);

/*
 * Read the regular file NAME in the directory DIRFD: a symlink, FIFO,
 * device, socket or directory is refused (FILE_NOT_REGULAR) before it is
 * opened, and the open itself uses O_NOFOLLOW and O_NONBLOCK, so nothing
 * can make the read block or follow a link.  More than MAX bytes is
 * FILE_TOO_BIG.  A missing file reads as empty with ST->exists 0.  On
 * FILE_OK, *BUF is malloc'd and NUL-terminated (*LEN bytes before the
 * NUL) and *ST describes the file for file_replace_at(); a file that
 * changed while it was read is FILE_CHANGED.  On FILE_ERRNO, errno and
 * *STEP say what failed.
 */
int	file_read_at(int dirfd, const char *name, size_t max, char **buf,
	    size_t *len, struct file_stamp *st, const char **step);

/*
 * Replace NAME in DIRFD by LEN bytes of DATA, atomically and durably: a
 * temporary file .NAME.hersh-tmp.XXXXXX is created in DIRFD (O_EXCL,
 * O_NOFOLLOW), given the owner and mode of the file WAS describes (a new
 * file: NEWMODE, whatever the umask), written and fsync'd; then, only if
 * NAME is still the file WAS describes (same device, inode, size and
 * modification time; or, when WAS says there was none, there still is
 * none: renameat2 RENAME_NOREPLACE), it is renamed over NAME and DIRFD is
 * fsync'd.  WAS NULL replaces whatever NAME is, keeping its owner and
 * mode.  Once NAME is the new file, *MADE (when MADE is not NULL; it may
 * be WAS) describes it, for a next replace or remove without reading it
 * again.  Returns FILE_OK; FILE_CHANGED with nothing replaced; or
 * FILE_ERRNO with errno set and *STEP naming what failed ("create
 * temporary file", "write", "fsync", "rename", ...).  The temporary file
 * never outlives a failure; a crash leaves the old or the new file.
 */
int	file_replace_at(int dirfd, const char *name, const void *data,
	    size_t len, const struct file_stamp *was, mode_t newmode,
	    struct file_stamp *made, const char **step);

/*
 * Remove NAME from DIRFD only if it is still the file WAS describes
 * (the same comparison as file_replace_at's; a symlink, or anything but
 * a regular file, where it was counts as changed), then fsync DIRFD (best
 * effort).  A NAME already gone is FILE_OK: nothing is left to remove.
 * Returns FILE_OK; FILE_CHANGED with nothing removed (also when WAS says
 * there was no file and there is one now); or FILE_ERRNO with errno set.
 * The check and the unlink are two calls: a caller guards NAME against
 * other writers of its own with a lock (lock.h).
 */
int	file_remove_at(int dirfd, const char *name,
	    const struct file_stamp *was);

/*
 * Remove from DIRFD the temporary files of NAME (.NAME.hersh-tmp.XXXXXX,
 * regular files only) that a killed writer left.  Only for a caller
 * holding the lock on NAME (lock.h): no other writer is at work.  Best
 * effort: failures are ignored.
 */
void	file_remove_stale_temps(int dirfd, const char *name);

#endif
