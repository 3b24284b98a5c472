/*
 * The files hersh-apt-source created, with their checksums:
 * Dir/var/lib/hersh-gvisor/apt-source in sha256sum(1) format (the format
 * 0.1.0 wrote), paths as seen inside the target system.
 */
#ifndef AS_STATE_H
#define AS_STATE_H

#include <stddef.h>

#include "config.h"

/* Lines of a corrupt record named one by one; the rest are counted. */
#define AS_STATE_WARN_MAX	10
#include "target.h"

/*
 * The state: one "<sha256>  <path>" line per file we created, and the
 * state file it was loaded from.
 */
struct as_state {
	size_t		  n;
	char		(*hash)[65];
	char		**path;
	struct as_file	  file;	/* as loaded by as_state_load() */
};

/*
 * Parse DATA (LEN bytes).  Returns 0, or -1 with *line set to the 1-based
 * line that is not "<64 hex>  <path>" with an absolute, canonical path
 * (lib/path.h) of printable characters and no backslash.  With LENIENT
 * (a label for messages) such a line gets a warning naming it and is
 * ignored instead.
 */
int	 as_state_parse(const char *data, size_t len, struct as_state *st,
	    size_t *line, const char *lenient);
/* The file text, malloc'd; *len set. */
char	*as_state_format(const struct as_state *st, size_t *len);
/* Index of PATH, or -1. */
long	 as_state_find(const struct as_state *st, const char *path);
/* Set PATH's hash, adding it if absent. */
void	 as_state_set(struct as_state *st, const char *path, const char *hash);
/* Drop entry I. */
void	 as_state_del(struct as_state *st, size_t i);
/* Free ST and close its file. */
void	 as_state_free(struct as_state *st);

/* How a file stands against the state (as_state_file). */
enum as_how {
	AS_FILE_ABSENT,		/* not there, not recorded */
	AS_FILE_GONE,		/* recorded, not there */
	AS_FILE_OURS,		/* recorded, unchanged since */
	AS_FILE_CHANGED,	/* recorded, changed since (or not a regular file now) */
	AS_FILE_FOREIGN		/* there, not recorded: someone else's */
};

/*
 * Open REAL (a path under Dir; see target.h) into F, without following a
 * final symlink, and say in *HOW how it stands against ST.  F is then
 * what a write or remove of it checks against.  -1 after a message; F is
 * to be closed either way.
 */
int	 as_state_file(const struct as_conf *c, const struct as_state *st,
	    const char *real, struct as_file *f, enum as_how *how);
/* The same, opening REAL with FLAGS (as_file_open's). */
int	 as_state_file_flags(const struct as_conf *c, const struct as_state *st,
	    const char *real, unsigned flags, struct as_file *f,
	    enum as_how *how);

/* Load the state (empty when absent); -1 after a message, ST empty. */
int	 as_state_load(const struct as_conf *c, struct as_state *st);
/*
 * The same, the state file opened with FLAGS (as_file_open's); when
 * LENIENT, a bad line gets a warning and is ignored (as_state_parse).
 */
int	 as_state_load_flags(const struct as_conf *c, struct as_state *st,
	    unsigned flags, int lenient);
/*
 * Write ST back to the state file it was loaded from, unless it says so
 * already; an empty state removes the file.  -1 after a message.
 */
int	 as_state_save(const struct as_conf *c, struct as_state *st);

/*
 * hersh-gvisor 0.1.0 kept the checksum of the APT settings file
 * (C->conf) in AS_STATE_DIR/AS_OLD_CONF_SUM, as `sha256sum` prints it
 * for its standard input ("<sha256>  -").  Take it into ST as the record
 * of C->conf (unless ST has one): the file is then ours if unchanged
 * since, changed otherwise.  When SAVE, write ST and remove the old file.
 * FLAGS: as_file_open's.  A malformed old file gets a warning and is
 * ignored.  -1 after a message.
 */
int	 as_state_migrate(const struct as_conf *c, struct as_state *st,
	    int save, unsigned flags);

#endif
