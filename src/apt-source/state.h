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
#include "text.h"

/*
 * Serialise runs that change files: an exclusive flock(2) on the directory
 * that holds the state directory (Dir/var/lib), held until exit.  Nothing
 * is created.  -1 after a message.
 */
int	 as_state_lock(const struct as_conf *c);

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
