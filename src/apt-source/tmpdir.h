/*
 * Private temporary directories of hersh-apt-source (the key download,
 * gpg's home): $TMPDIR/hersh-apt-source.KIND.XXXXXX, mode 0700, holding a
 * flock(2) for as long as the run that made it lives.  A run killed with
 * SIGKILL leaves its directory behind, unreadable to others; the next run
 * removes such leftovers: recognisable by name, owned by it (or by APT's
 * sandbox user) and no longer locked.
 */
#ifndef AS_TMPDIR_H
#define AS_TMPDIR_H

#include <sys/types.h>

#define AS_TMP_PREFIX	"hersh-apt-source."

struct as_tmpdir {
	char	*path;
	int	 fd;		/* open and locked */
};

/* A new directory for KIND ("key", "gpg"); -1 after a message. */
int	 as_tmpdir_new(const char *kind, struct as_tmpdir *t);
/* Remove T and everything in it. */
void	 as_tmpdir_free(struct as_tmpdir *t);
/*
 * Remove the directories killed runs left, when owned by this user or
 * by OTHER ((uid_t)-1 for none).
 */
void	 as_tmpdir_sweep(uid_t other);

#endif
