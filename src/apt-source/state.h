/*
 * The files hersh-apt-source created, with their checksums:
 * Dir/var/lib/hersh-gvisor/apt-source in sha256sum(1) format, paths as
 * seen inside the target system (so `sha256sum -c` works from a chroot's
 * maintainer script).
 */
#ifndef AS_STATE_H
#define AS_STATE_H

#include <stddef.h>

#include "config.h"

/* The state file: one "<sha256>  <path>" line per file we created. */
struct as_state {
	size_t	  n;
	char	(*hash)[65];
	char	**path;
};

/*
 * Parse DATA (LEN bytes).  Returns 0, or -1 with *line set to the 1-based
 * line that is not "<64 hex>  <absolute path>".
 */
int	 as_state_parse(const char *data, size_t len, struct as_state *st,
	    size_t *line);
/* The file text, malloc'd; *len set. */
char	*as_state_format(const struct as_state *st, size_t *len);
/* Index of PATH, or -1. */
long	 as_state_find(const struct as_state *st, const char *path);
/* Set PATH's hash, adding it if absent. */
void	 as_state_set(struct as_state *st, const char *path, const char *hash);
/* Drop entry I. */
void	 as_state_del(struct as_state *st, size_t i);
void	 as_state_free(struct as_state *st);

/*
 * Serialise runs that change files: an exclusive flock(2) on the directory
 * that holds the state directory (Dir/var/lib), held until exit.  Nothing
 * is created.  -1 after a message.
 */
int	 as_state_lock(const struct as_conf *c);

/* How a file stands against the state (as_state_file). */
enum as_file {
	AS_FILE_ABSENT,		/* not there, not recorded */
	AS_FILE_GONE,		/* recorded, not there */
	AS_FILE_OURS,		/* recorded, unchanged since */
	AS_FILE_CHANGED,	/* recorded, changed since */
	AS_FILE_FOREIGN		/* there, not recorded: someone else's */
};

/*
 * How TARGET (a path inside the target system) stands against ST, in
 * *how.  When DATA is not NULL and the file is there, *data (malloc'd)
 * and *len hold its bytes.  -1 after a message when it cannot be read.
 */
int	 as_state_file(const struct as_conf *c, const struct as_state *st,
	    const char *target, enum as_file *how, char **data, size_t *len);

/* Load the state (empty when absent); -1 after a message. */
int	 as_state_load(const struct as_conf *c, struct as_state *st);
/* Write the state atomically, or remove the file when empty. */
int	 as_state_save(const struct as_conf *c, const struct as_state *st);

/*
 * Write LEN bytes of DATA to REAL (a path under Dir) atomically with
 * mode 0644, creating missing directories.  -1 after a message.
 */
int	 as_write(const char *real, const void *data, size_t len);

#endif
