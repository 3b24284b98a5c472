/*
 * hersh-daemon-json's file layer: the path resolved once (lib/dirpath.h),
 * the directory chain checked, the lock taken, the file read (regular,
 * at most DJ_FILE_MAX bytes) and replaced only if it did not change since.
 * Failures are reported here, as one line naming the file.
 */
#ifndef DJ_FILE_H
#define DJ_FILE_H

#include <stddef.h>

#include "lib/atomic-file.h"
#include "lib/dirpath.h"
#include "lib/lock.h"

#define DJ_FILE_MAX	(4 << 20)	/* 4 MiB: no daemon.json is larger */

#define DJ_OPEN_LOCK		0x01	/* take the lock: an edit that writes */
#define DJ_OPEN_MKDIR		0x02	/* create the file's directory when only it is missing */
#define DJ_OPEN_TRUSTED		0x04	/* refuse a directory chain others control */
#define DJ_OPEN_NOFOLLOW	0x08	/* a final symlink is not followed: is_link, nothing read */
#define DJ_OPEN_READ		0x10	/* only to read it (the refusal says so) */

struct dj_file {
	const char		*label;		/* the path as messages name it */
	int			 rootfd;	/* confined in it, or -1 */
	struct dirpath		 dp;		/* its directory, opened once */
	struct lock		 lock;
	struct file_stamp	 was;		/* as it was read */
	struct file_stamp	 wrote;		/* as dj_file_write() left it */
	int			 exists;
	int			 is_link;	/* DJ_OPEN_NOFOLLOW: a symlink, not read */
	int			 undo_dir;	/* remove the directory made, on close */
	char			*data;		/* contents ("" when it does not exist) */
	size_t			 len;
};

/*
 * Open PATH (confined in ROOTFD unless -1; LABEL names it in messages)
 * as FLAGS ask and read it; a missing file (or directory, without
 * DJ_OPEN_MKDIR) reads as empty with exists = 0.  LOCK_TIMEOUT_MS bounds
 * the wait for the lock.  f->dp.made tells whether DJ_OPEN_MKDIR created
 * the directory.  0, or -1 after a message.
 */
int	dj_file_open(struct dj_file *, int rootfd, const char *path,
	    const char *label, unsigned flags, long lock_timeout_ms);

/*
 * Replace the file with LEN bytes of DATA (a new one: 0644); f->wrote
 * then describes the new file.  0, or -1 after a message.
 */
int	dj_file_write(struct dj_file *, const char *data, size_t len);

/*
 * Undo a dj_file_write() whose change could not be recorded: put back
 * the bytes read (or remove the file it created, and, once the lock is
 * released, the directory DJ_OPEN_MKDIR made when it is empty), only if
 * the file is still what was written.  0, or -1 after a message.
 */
int	dj_file_undo(struct dj_file *);

/* Release the lock (removing the lock file) and free. */
void	dj_file_close(struct dj_file *);

#endif
