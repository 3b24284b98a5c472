/*
 * A daemon.json document as every command reads it: a byte-order mark
 * skipped, an empty or blank file read as {}, the scanner's tree, an
 * object at the top; and the one lookup of "runtimes", a runtime entry
 * and "default-runtime" that edit and show share, so that they can never
 * disagree.  Pure: no I/O, no globals.
 */
#ifndef DJ_DOCUMENT_H
#define DJ_DOCUMENT_H

#include <stddef.h>

#include "scan.h"

/* What a command did, or why it failed. */
struct dj_result {
	unsigned	changes;	/* DJ_CH_* (edit.h) */
	int		which;		/* failed input: 0 the file, 1 another */
	char		msg[256];	/* what is wrong, without the file name */
};

struct dj_doc {
	const char	*s;	/* the document after its BOM ("{}\n" when blank) */
	size_t		 len;
	size_t		 bom;	/* bytes of BOM before it in the input */
	int		 blank;	/* the input was empty or only whitespace */
	struct dj_tree	 t;
};

/*
 * Read IN (LEN bytes; it must outlive D) as a daemon.json: strict JSON
 * with an object at the top.  0, or -1 with RES->msg set ("invalid JSON
 * at line L, column C: why", or "the top level is ..., not an object").
 * Free D with dj_doc_free() either way.
 */
int	dj_doc_read(struct dj_doc *d, const char *in, size_t len,
	    struct dj_result *res);
void	dj_doc_free(struct dj_doc *d);

/* RES->msg = the message FMT ... plus " at line L, column C" of OFF in S. */
void	dj_fail_at(struct dj_result *res, const char *s, size_t len,
	    size_t off, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* RES->msg from a scanner error. */
void	dj_fail_scan(struct dj_result *res, const struct dj_error *err);

/* Where things are; value indexes and member positions, DJ_NONE when absent. */
struct dj_loc {
	size_t	root;		/* the top-level object */
	size_t	ri, di;		/* positions in root of "runtimes", "default-runtime" */
	size_t	rt;		/* the "runtimes" object */
	size_t	ni;		/* position of the runtime in rt */
	size_t	ent;		/* its entry */
};

#define DJ_LOC_DEFAULT		0x01	/* find "default-runtime" (a second one is refused) */
#define DJ_LOC_DEFAULT_STRING	0x02	/* ... and refuse one that is not a string */
#define DJ_LOC_ENTRY_OBJECT	0x04	/* refuse an entry that is not an object */
#define DJ_LOC_ENTRY_UNIQUE	0x08	/* refuse an entry holding a key twice */

/*
 * Find, in the tree T of a document whose top level is an object,
 * "runtimes" (which must be an object) and, unless NAME is NULL, the
 * runtime NAME in it, as FLAGS ask; keys compare by their decoded bytes.
 * A second "runtimes" or a second entry named NAME is refused.  0, or -1
 * with RES set.
 */
int	dj_locate(const struct dj_tree *t, const char *name, unsigned flags,
	    struct dj_loc *loc, struct dj_result *res);

/* Position in object O of the member whose key is the C string KEY, or DJ_NONE. */
size_t	dj_find(const struct dj_tree *t, size_t o, const char *key);

#endif
