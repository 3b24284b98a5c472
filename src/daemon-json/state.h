/*
 * The package's state directory (default /var/lib/hersh-gvisor): what
 * the package recorded about daemon.json.  Opened once, never through a
 * symlink at its own name, and only when it and the directories above it
 * are root's (dirpath.h); its files are read only when regular and
 * small, replaced atomically, removed without being opened.  Failures
 * are reported here, as one line naming the file.
 */
#ifndef DJ_STATE_H
#define DJ_STATE_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/atomic-file.h"
#include "lib/dirpath.h"

#define DJ_STATE_DIR	"/var/lib/hersh-gvisor"
#define DJ_STATE_MAX	(64 << 10)	/* a marker or the record */

#define DJ_RECORD	"docker-runtime"	/* the entry as the package wrote it */
#define DJ_SAVED	"daemon.json"		/* the file as the package left it */

/*
 * The markers: a fixed set of keys, each a file of its own (the names
 * 0.1.0 wrote).  dj_marker_file() is NULL for a key not in the set.
 */
extern const char *const dj_marker_keys[];	/* NULL-terminated */
const char	*dj_marker_file(const char *key);

struct dj_state {
	char		*label;		/* STATE as messages name it */
	struct dirpath	 dp;		/* the directory holding it */
	int		 fd;		/* STATE itself; -1 when it does not exist */
};

#define DJ_STATE_WRITE	0x01	/* check it can be written (when it exists) */
#define DJ_STATE_CREATE	0x02	/* make it when missing (and write) */

/*
 * Open the state directory PATH (confined in ROOTFD unless -1; LABEL
 * names it in messages): it must not be a symlink, and it and every
 * directory above it (up to the root) must be owned by root (or the
 * caller) and not writable by group or others.  FLAGS: DJ_STATE_CREATE
 * makes it (and missing directories above it) 0755 when missing;
 * DJ_STATE_WRITE (implied by DJ_STATE_CREATE) refuses one that cannot be
 * written, so that a caller can refuse before it changes what the state
 * would record.  A missing one is not an error: S->fd is -1.  0, or -1
 * after a message.
 */
int	dj_state_open(struct dj_state *s, int rootfd, const char *path,
	    const char *label, unsigned flags);
void	dj_state_close(struct dj_state *s);

/* "STATE/NAME", malloc'd. */
char	*dj_state_path(const struct dj_state *s, const char *name);

/*
 * Read STATE/NAME: a regular file of at most MAX bytes (anything else is
 * refused before it is opened).  A missing one reads as "" with
 * FS->exists 0.  0 with *BUF malloc'd (NUL-terminated, *LEN bytes); -1
 * after a message.
 */
int	dj_state_read(const struct dj_state *s, const char *name, size_t max,
	    char **buf, size_t *len, struct file_stamp *fs);

/*
 * Replace STATE/NAME by LEN bytes of DATA (a new file: MODE), atomically;
 * WAS is how it was read (it must not have changed since).  0, or -1
 * after a message.
 */
int	dj_state_write(const struct dj_state *s, const char *name,
	    const char *data, size_t len, const struct file_stamp *was,
	    mode_t mode);

/*
 * The marker KEY (dj_marker_keys) present: with TEXT, holding exactly
 * TEXT.  Nothing is written when it already is so.  0, or -1 after a
 * message.
 */
int	dj_state_mark(const struct dj_state *s, const char *key,
	    const char *text);

/* Remove STATE/NAME, whatever it is, without opening it.  0 (also when absent), or -1 after a message. */
int	dj_state_remove(const struct dj_state *s, const char *name);

#endif
