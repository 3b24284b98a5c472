/*
 * What the package's state says about daemon.json, judged from bytes:
 * is the saved copy still the file, is the entry the one recorded, does
 * the file hold nothing but what a removal leaves.  Documents compare as
 * Docker reads them (layout.h).  Pure: no I/O, no globals.
 */
#ifndef DJ_JUDGE_H
#define DJ_JUDGE_H

#include <stddef.h>

#include "document.h"

enum dj_saved {
	DJ_SAVED_NONE,		/* no saved copy, or no file */
	DJ_SAVED_SAME,		/* the file's bytes are the saved ones */
	DJ_SAVED_LAYOUT,	/* the same document in another layout */
	DJ_SAVED_CONTENT	/* different content */
};

/*
 * FILE (FLEN bytes) against the saved copy SAVED (SLEN bytes): the same
 * bytes; the same document as Docker reads it in another layout, or,
 * when NAME is not NULL, the saved one plus runtimes.NAME exactly
 * {"path": PATH} where the saved one has no such runtime (what
 * restore-layout [--upstream-entry NAME PATH] puts back); else
 * different content (also when either is not a valid daemon.json).
 */
enum dj_saved	dj_judge_saved(const char *file, size_t flen,
		    const char *saved, size_t slen, const char *name,
		    const char *path);

/*
 * Is REC (RLEN bytes) a valid record of an entry: one JSON object,
 * strict?  0, or -1 with RES saying why.
 */
int	dj_record_check(const char *rec, size_t rlen, struct dj_result *res);

/* Are A and B (strict JSON texts) the same value as Docker reads them?  1 or 0. */
int	dj_same_json(const char *a, size_t alen, const char *b, size_t blen);

enum dj_entry {
	DJ_ENTRY_ABSENT,	/* no file, or no runtimes.NAME */
	DJ_ENTRY_OURS,		/* equal to the record as Docker reads JSON */
	DJ_ENTRY_UPSTREAM,	/* not ours, and exactly {"path": PATH} */
	DJ_ENTRY_FOREIGN	/* anything else */
};

/*
 * How runtimes.NAME of FILE (FLEN bytes; EXISTS 0 when there is no file)
 * stands against the record REC (RLEN bytes; NULL when there is none or
 * it is not valid) and PATH.  0 with *OUT; -1 with RES when FILE is not a
 * daemon.json the editor would edit (invalid JSON, a second "runtimes"
 * or runtime NAME, a "runtimes" that is not an object).
 */
int	dj_judge_entry(const char *file, size_t flen, int exists,
	    const char *rec, size_t rlen, const char *name, const char *path,
	    enum dj_entry *out, struct dj_result *res);

/*
 * Does FILE (FLEN bytes) hold nothing but what a removal of ours leaves,
 * as Docker reads it: an empty or blank file (a BOM allowed), {}, an
 * empty "runtimes" object, "default-runtime": "runc", in any layout?
 * 1 or 0 (also for a file that is not valid JSON).
 */
int	dj_leftover(const char *file, size_t flen);

#endif
