/* hersh-daemon-json's file layer: lock, read, replace atomically. */
#ifndef DJ_FILE_H
#define DJ_FILE_H

#include <stddef.h>

struct dj_file {
	char	*target;	/* the file edits replace (symlinks resolved) */
	int	 dirfd;		/* its directory, flock()ed; -1 when not locked */
	int	 exists;
	char	*data;		/* contents ("" when it does not exist) */
	size_t	 len;
};

/*
 * Resolve PATH, lock the target's directory when LOCK (creating it, just
 * the last component, 0755, when MKDIR and it is missing), and read the
 * file.  A missing file reads as empty with exists = 0.  Returns 0, or -1
 * with errno set and *WHAT naming the step that failed.
 */
int	dj_file_open(struct dj_file *, const char *path, int lock, int mkdir,
	    const char **what);

/* Replace the target atomically with DATA (new files: 0644). */
int	dj_file_write(struct dj_file *, const char *data, size_t len,
	    const char **what);

/* Unlock and free. */
void	dj_file_close(struct dj_file *);

#endif
