/*
 * show --porcelain: what the file says about the runtimes, as stable
 * line records for scripts (KEY<TAB>FIELD, fields escaped with
 * strbuf_field(); see hersh-daemon-json(8), PORCELAIN).  Pure.
 */
#ifndef DJ_PORCELAIN_H
#define DJ_PORCELAIN_H

#include <stddef.h>

#include "document.h"

/*
 * The records of the daemon.json IN (LEN bytes; EXISTS 0 for a missing
 * file), about runtime NAME when NAME is not NULL, into *OUT (malloc'd,
 * *OUTLEN bytes).  The entry and default are found by the lookup the
 * editor uses; path, type and args are read as Docker reads them (a
 * later duplicate key wins).  Returns 0; 1 when NAME is absent (*OUT
 * holds the file's records); -1 with RES set on bad input.
 */
int	dj_porcelain(const char *in, size_t len, int exists, const char *name,
	    char **out, size_t *outlen, struct dj_result *res);

#endif
