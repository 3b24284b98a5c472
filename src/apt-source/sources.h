/*
 * What hersh-apt-source looks at on the system: the gVisor sources among
 * APT's entries, and the state of the gVisor keyring.
 */
#ifndef AS_GVISOR_H
#define AS_GVISOR_H

#include <stddef.h>

#include "apt.h"
#include "config.h"

/* Non-zero when E points at the configured repository or upstream's. */
int	 as_is_gvisor(const struct as_conf *c, const struct as_entry *e);

/* One gVisor source: a file's entries for one URI and Signed-By. */
struct as_source {
	const char	*file;
	int		 deb822;
	char		*uri;		/* without trailing slash */
	char		*suites;	/* comma-separated */
	char		*signed_by;	/* printable; "-" when none */
};

/* Group the gVisor entries of E; returns how many, *out malloc'd. */
size_t	 as_sources(const struct as_conf *c, const struct as_entry *e,
	    size_t n, struct as_source **out);
void	 as_sources_free(struct as_source *s, size_t n);

/* Non-zero when entry E's Signed-By names PATH (or PATH under Dir). */
int	 as_signed_by_uses(const struct as_conf *c, const struct as_entry *e,
	    const char *path);

enum as_keyring { AS_KEYRING_OK, AS_KEYRING_MISSING, AS_KEYRING_MISMATCH };

/*
 * The configured keyring: OK when it holds exactly the expected key.
 * *found (malloc'd) lists the primary fingerprints in it, comma-separated,
 * or is NULL.
 */
enum as_keyring as_keyring_check(const struct as_conf *c, char **found);

#endif
