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

struct dj_file {
	const char		*label;		/* the path as given, for messages */
	struct dirpath		 dp;		/* its directory, opened once */
	struct lock		 lock;
	struct file_stamp	 was;		/* as it was read */
	int			 exists;
	char			*data;		/* contents ("" when it does not exist) */
	size_t			 len;
};

/*
 * Open PATH as FLAGS ask and read it; a missing file (or directory,
 * without DJ_OPEN_MKDIR) reads as empty with exists = 0.  LOCK_TIMEOUT_MS
 * bounds the wait for the lock.  0, or -1 after a message.
 */
int	dj_file_open(struct dj_file *, const char *path, unsigned flags,
	    long lock_timeout_ms);

/* Replace the file with LEN bytes of DATA (a new one: 0644).  0, or -1 after a message. */
int	dj_file_write(struct dj_file *, const char *data, size_t len);

/* Release the lock (removing the lock file) and free. */
void	dj_file_close(struct dj_file *);

#endif
