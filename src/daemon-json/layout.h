/*
 * restore-layout, pure: are two daemon.json files the same document as
 * Docker reads it, differing only in layout?  gVisor's runsc package
 * rewrites the file in Go's format on every install and upgrade (keys
 * sorted, 4-space indent, 3.0 as 3); this tells when the admin's bytes
 * can be put back.  No I/O, no globals.
 */
#ifndef DJ_LAYOUT_H
#define DJ_LAYOUT_H

#include <stddef.h>

#include "document.h"

/*
 * Are value A of tree TA and value B of tree TB equal as Go's
 * encoding/json reads them into interface{}: objects as maps (member
 * order ignored, a later duplicate key replacing an earlier one), arrays
 * in order, strings by decoded value, numbers as float64 (strtod; the
 * programs never change the C locale), true, false and null?
 */
int	dj_same_value(const struct dj_tree *ta, size_t a,
	    const struct dj_tree *tb, size_t b);

/* Is value E of T exactly {"path": PATH} as Go reads it (what `runsc install` writes)? */
int	dj_bare_entry(const struct dj_tree *t, size_t e, const char *path);

enum dj_verdict {
	DJ_SAME_BYTES,		/* FILE already holds SAVED's bytes */
	DJ_SAME_DOCUMENT,	/* same document: *OUT is SAVED's bytes */
	DJ_SAME_PLUS_ENTRY,	/* same but for the upstream entry: *OUT is
				   SAVED with that entry added */
	DJ_DIFFERENT		/* different content: *OUT is NULL */
};

/*
 * Decide what restore-layout writes for FILE (FLEN bytes) given SAVED
 * (SLEN bytes).  When NAME is not NULL, FILE may also hold
 * runtimes.NAME equal to exactly {"path": PATH} where SAVED has no such
 * runtime (what `runsc install` adds); it is then added to SAVED's bytes
 * by the surgical add.  Returns 0 with *VERDICT and *OUT (malloc'd,
 * *OUTLEN bytes; FILE's own bytes for DJ_SAME_BYTES), or -1 with RES set
 * and RES->which naming the bad input (0 FILE, 1 SAVED).
 */
int	dj_restore_layout(const char *file, size_t flen, const char *saved,
	    size_t slen, const char *name, const char *path,
	    enum dj_verdict *verdict, char **out, size_t *outlen,
	    struct dj_result *res);

#endif
