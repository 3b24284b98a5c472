/* Shared file helpers for hersh-daemon-json and hersh-apt-source. */
#ifndef COMMON_FILE_H
#define COMMON_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Read the whole of PATH into a NUL-terminated malloc'd buffer.
 * Returns 0 and sets *buf, *len; or -1 with errno set (EISDIR for a
 * directory).  The caller frees *buf.
 */
int	read_file(const char *path, char **buf, size_t *len);

/*
 * Replace PATH atomically and durably with LEN bytes of DATA: a temporary
 * file in the same directory is written, fsync'd and renamed over PATH,
 * then the directory is fsync'd.  A crash leaves the old or the new file.
 * A symlink is followed: its final target is replaced and the link stays.
 * An existing file keeps its mode and owner; a new one gets NEWMODE and the
 * caller's owner.  On failure returns -1 with errno set, the temporary file
 * removed, PATH untouched, and *step (if STEP is not NULL) naming what
 * failed ("create temporary file", "write", "fsync", "rename", ...).
 */
int	atomic_replace(const char *path, const void *data, size_t len,
	    mode_t newmode, const char **step);

/*
 * atomic_replace()'s temporary file for DIR/NAME is
 * DIR/.NAME.hersh-tmp.XXXXXX: distinctive, so that a caller holding a lock
 * can tell one a killed writer left from a file of the admin's.
 */
#define ATOMIC_TEMP_TAG	"hersh-tmp."

/*
 * Resolve PATH through any chain of symlinks to the file that an edit
 * must replace (which may not exist yet).  Returns a malloc'd path or NULL
 * with errno set.
 */
char	*resolve_target(const char *path);

#endif
