/*
 * The gVisor sources among APT's entries, and the sources line `add`
 * writes.  Pure: no I/O.
 */
#ifndef AS_SOURCES_H
#define AS_SOURCES_H

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

/* The line upstream's install guide writes (with its newline), malloc'd. */
char	*as_list_line(const char *arch, const char *keyring, const char *uri,
	    const char *suite);

/* Non-zero when the comma-separated LIST holds WORD. */
int	 as_list_has(const char *list, const char *word);
/* LIST (malloc'd, comma-separated) with WORD appended unless in it already. */
char	*as_list_add(char *list, const char *word);

#endif
