/* hersh-daemon-json show: runtimes and default-runtime as JSON.  Pure. */
#ifndef DJ_SHOW_H
#define DJ_SHOW_H

#include <stddef.h>

#include "document.h"

enum dj_show_what {
	DJ_SHOW_ALL,		/* {"default-runtime": ..., "runtimes": {...}} */
	DJ_SHOW_ENTRY,		/* runtimes.NAME */
	DJ_SHOW_DEFAULT		/* the default-runtime name */
};

/*
 * Render WHAT of the daemon.json IN into *OUT (malloc'd, *OUTLEN bytes,
 * ending in a newline).  The entry and the default are found by the same
 * lookup the editor uses.  Returns 0; 1 when the entry or default is
 * absent (*OUT NULL); -1 with RES set on bad input.
 */
int	dj_show(const char *in, size_t len, enum dj_show_what what,
	    const char *name, char **out, size_t *outlen,
	    struct dj_result *res);

#endif
