/*
 * Resolving a path once: open the directory that holds its final
 * component, following symlinks the caller can trust, optionally confined
 * inside a root directory (an image being built) and creating missing
 * directories 0755 whatever the umask.  Everything after is done
 * relative to that directory, so nothing can redirect it.  And the trust
 * rule for that directory's chain when root edits a file in it.
 */
#ifndef LIB_DIRPATH_H
#define LIB_DIRPATH_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define DIRPATH_MKDIR		0x01	/* create every missing directory */
#define DIRPATH_MKDIR_LAST	0x02	/* create the file's directory when only it is missing */
#define DIRPATH_FOLLOW		0x04	/* a symlink as final component is followed to the file it names */
#define DIRPATH_WALK		0x08	/* resolve step by step, never with openat2 (for tests) */
#define DIRPATH_MISSING_OK	0x10	/* a missing directory is DIRPATH_MISSING, not an error */
#define DIRPATH_NO_SYMLINKS	0x20	/* any symlink on the way, the final component too, is refused */

#define DIRPATH_MAX_LINKS	40	/* symlinks followed, as the kernel allows */

/* Results besides 0 and -1 (errno). */
#define DIRPATH_REFUSED		(-2)	/* a policy refusal: WHY says it all */
#define DIRPATH_MISSING		1	/* DIRPATH_MISSING_OK: a directory on the way does not exist */

struct dirpath {
	int	 fd;	/* the directory (O_RDONLY, or O_PATH when it cannot be read) */
	char	*dir;	/* its path, symlinks resolved (confined: from the root, "/...") */
	char	*name;	/* the final component, for use with fd */
	int	 made;	/* how many directories this call created */
};

/*
 * Resolve PATH and open the directory of its final component into DP.
 *
 * ROOTFD -1: PATH is a path of this system (a relative one starts at the
 * working directory).  Every symlink followed must be owned by root or
 * by OWNER.
 *
 * ROOTFD a directory: PATH is confined inside it as if it were /:
 * absolute symlinks and ".." resolve inside it, nothing outside is ever
 * reached (openat2(2) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS where
 * the kernel has it, else a walk of our own with the same result).  The
 * owner of symlinks is not checked there: the root is the boundary.
 *
 * DIRPATH_NO_SYMLINKS: no symlink is followed at all, inside a root or
 * out of it; one on the way, or as the final component (whatever
 * DIRPATH_FOLLOW says), is DIRPATH_REFUSED with WHY "a symlink on the
 * way (DIR/NAME)" (openat2(2) RESOLVE_NO_SYMLINKS, or the walk).  The
 * final component is checked when resolved; open it with O_NOFOLLOW.
 *
 * At most DIRPATH_MAX_LINKS symlinks are followed.  A path ending in "/",
 * "." or ".." names no file (EISDIR).  Directories created (FLAGS) get
 * mode 0755.  Returns 0; -1 with errno set and WHY (WHYLEN bytes) the step
 * that failed ("open directory", "create directory", "resolve path");
 * DIRPATH_REFUSED with WHY a sentence (a symlink of another user); or,
 * with DIRPATH_MISSING_OK, DIRPATH_MISSING when a directory on the way
 * (one FLAGS do not ask to create) does not exist, so neither does the
 * file: DP is then closed, WHY the directory's path.
 */
int	dirpath_open(struct dirpath *dp, int rootfd, const char *path,
	    unsigned flags, uid_t owner, char *why, size_t whylen);

/* Close and free DP (safe on a DP that failed to open). */
void	dirpath_close(struct dirpath *dp);

/*
 * May a program running as OWNER (0 for root) trust the directory of DP?
 * Every directory from it up to / must be owned by root or OWNER and not
 * writable by group or others; a sticky directory (like /tmp) may be,
 * when what lies in it on the way (FINAL, the file's lstat, for DP's own
 * directory; may be NULL when there is no file) is owned by root or
 * OWNER.  Returns 0; DIRPATH_REFUSED with WHY naming the directory, its
 * owner and mode; or -1 with errno and WHY the step.
 */
int	dirpath_trusted(const struct dirpath *dp, uid_t owner,
	    const struct stat *final, char *why, size_t whylen);

/*
 * The same, for a DP resolved confined in ROOTFD (-1: not confined, as
 * dirpath_trusted): the chain ends at the root directory, which is
 * checked too; the directories above it are not the root's.
 */
int	dirpath_trusted_at(const struct dirpath *dp, int rootfd, uid_t owner,
	    const struct stat *final, char *why, size_t whylen);

/*
 * May a program running as OWNER trust the file PATH (to run it, or to
 * take a decision from it)?  The one rule: symlinks on the way are
 * followed only when owned by root or OWNER (confined in ROOTFD, when
 * not -1: resolved inside it); the file is a regular file or a directory
 * owned by root or OWNER and not writable by group or others, and so is
 * every directory above it (dirpath_trusted_at).  A magic link of
 * /proc (/proc/PID/exe, also "(deleted)") is judged by the file it opens
 * and by the directory chain of its target, when that directory still
 * exists.  Returns 0; DIRPATH_REFUSED with WHY saying why not; or -1
 * with errno and WHY the step that failed (a missing file: ENOENT).
 */
int	dirpath_trusted_file(int rootfd, const char *path, uid_t owner,
	    char *why, size_t whylen);

#endif
