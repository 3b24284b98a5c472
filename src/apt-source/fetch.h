/*
 * Where install-key gets the key: a http, https or file URL, downloaded
 * with APT into a private temporary directory, or a file.  Either way at
 * most AS_KEY_MAX bytes of a regular file are read.
 */
#ifndef AS_FETCH_H
#define AS_FETCH_H

#include <stddef.h>

#include "config.h"

/*
 * The bytes at FROM (a URL or an absolute path) into a malloc'd,
 * NUL-terminated *buf of *len bytes; -1 after a message naming FROM.
 */
int	 as_fetch_key(const struct as_conf *c, const char *from, char **buf,
	    size_t *len);

/* Remove the temporary directories killed runs left behind (tmpdir.h). */
void	 as_fetch_sweep(void);

#endif
