/*
 * hersh-daemon-json's edit logic: bytes of a daemon.json in, bytes out.
 * Pure: no I/O, no globals.  Everything outside the edited entry keeps
 * its bytes; new text follows the layout the document already uses.
 */
#ifndef DJ_EDIT_H
#define DJ_EDIT_H

#include <stddef.h>

#include "document.h"

/* What an edit did (or, unchanged, would have nothing to do). */
#define DJ_CH_CREATED		0x01	/* runtimes.NAME added */
#define DJ_CH_PATH		0x02	/* its path changed */
#define DJ_CH_ARGS		0x04	/* its runtimeArgs set */
#define DJ_CH_ARGS_CLEARED	0x08	/* its runtimeArgs taken out */
#define DJ_CH_DEFAULT_SET	0x10	/* default-runtime set to NAME */
#define DJ_CH_DEFAULT_UNSET	0x20	/* default-runtime NAME taken out */
#define DJ_CH_REMOVED		0x40	/* runtimes.NAME deleted */
#define DJ_CH_RUNTIMES_REMOVED	0x80	/* "runtimes" deleted as it became empty */
#define DJ_CH_DEFAULT_RUNC	0x100	/* default-runtime NAME replaced by runc */

/*
 * DJ_RELOAD_SAFE: a running dockerd applies only the keys present in the
 * file when it reloads: a deleted "runtimes" or "default-runtime" keeps
 * its old value (and a default naming a vanished runtime crashes it).  So
 * an emptied "runtimes" stays as {} and a default-runtime naming the
 * runtime becomes "runc"; dj_edit_tidy() takes both out after the reload.
 */
#define DJ_RELOAD_SAFE		0x1

enum dj_args_mode { DJ_ARGS_KEEP, DJ_ARGS_SET, DJ_ARGS_CLEAR };
enum dj_default_mode { DJ_DEFAULT_KEEP, DJ_DEFAULT_SET, DJ_DEFAULT_UNSET };

struct dj_add_req {
	const char		*name;
	const char		*path;
	const char *const	*args;
	size_t			 nargs;
	enum dj_args_mode	 args_mode;
	enum dj_default_mode	 default_mode;
	unsigned		 flags;		/* DJ_RELOAD_SAFE */
};

/*
 * Edit IN (LEN bytes; need not be NUL-terminated).  On success return 0
 * with *OUT a malloc'd NUL-terminated copy of the result (*OUTLEN bytes;
 * identical to IN when nothing changed) and RES->changes set.  On failure
 * return -1 with RES->msg set and *OUT NULL.
 */
int	dj_edit_add(const char *in, size_t len, const struct dj_add_req *,
	    char **out, size_t *outlen, struct dj_result *res);
int	dj_edit_remove(const char *in, size_t len, const char *name,
	    unsigned flags, char **out, size_t *outlen, struct dj_result *res);

/*
 * Delete an empty "runtimes" object and, when DEFAULT is not NULL, a
 * default-runtime naming DEFAULT: what a DJ_RELOAD_SAFE edit left behind.
 */
int	dj_edit_tidy(const char *in, size_t len, const char *dflt,
	    char **out, size_t *outlen, struct dj_result *res);

#endif
