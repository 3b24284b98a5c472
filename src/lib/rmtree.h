/*
 * Removing a directory tree without ever following a symlink or leaving
 * the tree: every step is relative to a directory descriptor opened with
 * O_NOFOLLOW, a symlink, FIFO, socket or device is removed as a name and
 * never opened, another filesystem mounted inside is not entered, and the
 * depth is bounded.  For a purge of a state directory (also one inside an
 * image root: the caller resolves the directory holding it confined).
 */
#ifndef LIB_RMTREE_H
#define LIB_RMTREE_H

#include <sys/stat.h>

#define RMTREE_MAX_DEPTH	16	/* directories below the top, at most */

/*
 * What happened to one name: PATH (LABEL/...), ST its lstat(2) (NULL
 * when that failed), ERR 0 when it was removed, else why it was not:
 * an errno, with EXDEV for a directory of another filesystem (not
 * entered), ELOOP for one deeper than allowed (not entered),
 * EAGAIN for a name that was swapped while we looked at it.  Called
 * for every name under NAME (children before their directory) and for
 * NAME itself, last.
 */
typedef void	rmtree_fn(void *ctx, const char *path, const struct stat *st,
		    int err);

/*
 * Remove NAME in the directory DIRFD and, when it is a directory (not a
 * symlink to one), everything below it, entering directories at most
 * DEPTH levels below NAME (0: NAME's own names only; at most
 * RMTREE_MAX_DEPTH).  LABEL names NAME in the paths given to FN (may be
 * NULL).  Returns 0 when NAME is gone (also when it was not there: FN is
 * not called then); -1 when something stayed.
 */
int	rmtree_at(int dirfd, const char *name, const char *label, int depth,
	    rmtree_fn *fn, void *ctx);

#endif
