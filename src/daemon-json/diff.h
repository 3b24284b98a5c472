/* A unified line diff (for --dry-run).  Pure. */
#ifndef DJ_DIFF_H
#define DJ_DIFF_H

#include <stddef.h>

#include "lib/strbuf.h"

/*
 * Append to OUT a unified diff (3 lines of context) turning A into B,
 * labelled LABEL_A and LABEL_B; nothing when they are equal.  A line
 * without a final newline gets "\ No newline at end of file".
 * 0, or -1 when out of memory.
 */
int	dj_diff(const char *a, size_t alen, const char *b, size_t blen,
	    const char *label_a, const char *label_b, struct strbuf *out);

#endif
