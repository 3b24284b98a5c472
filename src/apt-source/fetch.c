/* The key from a URL or a file, bounded in size and time (see fetch.h). */

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "apt.h"
#include "fetch.h"
#include "tmpdir.h"
#include "lib/atomic-file.h"
#include "lib/dirpath.h"
#include "lib/xmalloc.h"

/*
 * The regular file at PATH (a final symlink owned by root or us is
 * followed), at most AS_KEY_MAX bytes, without blocking on a FIFO or
 * device.  0, or -1 after a message naming LABEL.
 */
static int
read_key(const char *label, const char *path, char **buf, size_t *len)
{
	struct file_stamp st;
	struct dirpath dp;
	const char *step;
	char why[256];
	int r;

	r = dirpath_open(&dp, -1, path, DIRPATH_FOLLOW, geteuid(), why,
	    sizeof(why));
	if (r == DIRPATH_REFUSED || r == -1) {
		if (r == -1)
			warn("%s: %s", label, why);
		else
			warnx("%s: %s", label, why);
		return -1;
	}
	r = file_read_at(dp.fd, dp.name, AS_KEY_MAX, buf, len, &st, &step);
	dirpath_close(&dp);
	if (r == FILE_OK && !st.exists) {
		free(*buf);
		errno = ENOENT;
		r = FILE_ERRNO;
	}
	if (r == FILE_NOT_REGULAR)
		warnx("%s: not a regular file", label);
	else if (r == FILE_TOO_BIG)
		warnx("%s: larger than %d bytes, which no key is", label,
		    AS_KEY_MAX);
	else if (r == FILE_CHANGED)
		warnx("%s: changed while it was read", label);
	else if (r != FILE_OK)
		warn("%s", label);
	return r == FILE_OK ? 0 : -1;
}

/* Download URL into a private directory and read it. */
static int
download(const struct as_conf *c, const char *url, char **buf, size_t *len)
{
	struct as_tmpdir dir;
	char *path;
	uid_t uid;
	gid_t gid;
	int rc = -1;

	if (as_tmpdir_new("key", &dir) == -1)
		return -1;
	/* The download method runs as APT's sandbox user, as with apt-get. */
	if (geteuid() == 0 && as_apt_sandbox_user(&uid, &gid) == 0 &&
	    fchown(dir.fd, uid, gid) == -1)
		warn("%s: chown", dir.path);
	path = xasprintf("%s/download", dir.path);
	if (as_apt_download(url, dir.path, AS_KEY_MAX, c->key_timeout) == 0)
		rc = read_key(url, path, buf, len);
	free(path);
	as_tmpdir_free(&dir);
	return rc;
}

int
as_fetch_key(const struct as_conf *c, const char *from, char **buf,
    size_t *len)
{
	if (from[0] != '/')
		return download(c, from, buf, len);
	return read_key(from, from, buf, len);
}

void
as_fetch_sweep(void)
{
	uid_t uid = (uid_t)-1;
	gid_t gid;

	if (geteuid() == 0 && as_apt_sandbox_user(&uid, &gid) == -1)
		uid = (uid_t)-1;
	as_tmpdir_sweep(uid);
}
