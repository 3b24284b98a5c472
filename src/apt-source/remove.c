/* hersh-apt-source remove (see commands.h). */

#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "apt.h"
#include "commands.h"
#include "sources.h"
#include "lib/xmalloc.h"

/* A source file we wrote (removed before the keyrings and pin that serve it). */
static int
is_source_file(const char *path)
{
	size_t n = strlen(path);

	return (n > 5 && strcmp(path + n - 5, ".list") == 0) ||
	    (n > 8 && strcmp(path + n - 8, ".sources") == 0);
}

/*
 * Why the file TARGET must stay although unchanged: the file of an entry
 * among E that still needs it (a keyring its Signed-By names; the pin,
 * while any gVisor source is left), with *verb set; or NULL.
 */
static const char *
still_needed(const struct as_conf *c, const char *target,
    const struct as_entry *e, size_t n, const char **verb)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(target, c->pin) == 0 && as_is_gvisor(c, &e[i])) {
			*verb = "still pins the gVisor source in";
			return e[i].file;
		}
		if (as_signed_by_uses(c, &e[i], target)) {
			*verb = "still used by the source in";
			return e[i].file;
		}
	}
	return NULL;
}

/*
 * Remove state entry I's file (opened with FLAGS, as_file_open's) if
 * unchanged and no longer needed: 1 removed (or already gone), 0 left,
 * -1 error.
 */
static int
remove_one(const struct as_conf *c, const struct as_state *st, size_t i,
    const struct as_entry *e, size_t n, unsigned flags)
{
	char *real = as_conf_real(c, st->path[i]);
	const char *user, *verb;
	struct as_file f;
	enum as_how how;
	int r = 0;

	if (as_state_file_flags(c, st, real, flags, &f, &how) == -1)
		r = -1;
	else if (how == AS_FILE_GONE) {
		as_say(c, "%s: already gone", real);
		r = 1;
	} else if (f.kind == AS_KIND_OTHER)
		warnx("%s: not a regular file now (a symlink, directory, FIFO, "
		    "socket or device); left in place", real);
	else if (f.kind == AS_KIND_TOO_BIG)
		warnx("%s: larger than %d bytes now, which no file of "
		    "hersh-apt-source is; left in place", real, AS_FILE_MAX);
	else if (how != AS_FILE_OURS)
		warnx("%s: changed since hersh-apt-source wrote it; left in place",
		    real);
	else if ((user = still_needed(c, st->path[i], e, n, &verb)) != NULL)
		warnx("%s: %s %s; left in place", real, verb, user);
	else if (as_file_remove(c, &f) == -1)
		r = -1;
	else {
		as_say(c, "%s: removed", real);
		r = 1;
	}
	as_file_close(&f);
	free(real);
	return r;
}

/*
 * Remove what ST records (files opened with FLAGS): sources first, then
 * what no remaining source needs; what is removed leaves ST.  0, or -1
 * when a file could not be checked or removed (after its message).
 */
static int
remove_recorded(const struct as_conf *c, struct as_state *st, unsigned flags)
{
	struct as_entry *e = NULL;
	size_t i, n = 0;
	int pass, r, rc = 0;

	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && as_apt_sources(&e, &n) == -1) {
			warnx("cannot read APT's sources; removing keyrings and "
			    "the pin anyway");
			e = NULL;
			n = 0;
		}
		for (i = 0; i < st->n;) {
			if (is_source_file(st->path[i]) != (pass == 0)) {
				i++;
				continue;
			}
			r = remove_one(c, st, i, e, n, flags);
			if (r == 1)
				as_state_del(st, i);
			else
				i++;
			if (r == -1)
				rc = -1;
		}
	}
	as_entries_free(e, n);
	free(e);
	return rc;
}

int
as_cmd_remove(const struct as_conf *c)
{
	struct as_state st;
	int rc = 0;

	if (as_state_load(c, &st) == -1)
		return 1;
	if (as_state_migrate(c, &st, 1, 0) == -1)
		rc = 1;
	if (st.n == 0) {
		as_say(c, "%s: nothing to remove", c->state_real);
		as_state_free(&st);
		return rc;
	}
	if (remove_recorded(c, &st, 0) == -1)
		rc = 1;
	if (as_state_save(c, &st) == -1)
		rc = 1;
	as_state_free(&st);
	return rc;
}

/* Remove the state file REAL (opened with no symlink on the way), if there. */
static void
purge_file(const struct as_conf *c, const char *real)
{
	struct as_file f;

	if (as_file_open(c, &f, real, AS_OPEN_NO_SYMLINKS) == 0 &&
	    f.kind != AS_KIND_ABSENT) {
		if (f.kind != AS_KIND_REGULAR)
			warnx("%s: not a regular file; left in place", real);
		else if (as_file_remove(c, &f) == 0)
			as_say(c, "%s: removed", real);
	}
	as_file_close(&f);
}

int
as_cmd_purge(const struct as_conf *c, int no_state)
{
	struct as_state st;
	char *old;

	if (no_state) {
		as_say(c, "%s%s: nothing to purge", c->root, AS_STATE_DIR);
		return 0;
	}
	if (as_state_load_flags(c, &st, AS_OPEN_NO_SYMLINKS, 1) == -1) {
		warnx("%s: the record cannot be read; nothing purged",
		    c->state_real);
		return 1;
	}
	(void)as_state_migrate(c, &st, 0, AS_OPEN_NO_SYMLINKS);
	(void)remove_recorded(c, &st, AS_OPEN_NO_SYMLINKS);
	as_state_free(&st);
	purge_file(c, c->state_real);
	old = xasprintf("%s%s/%s", c->root, AS_STATE_DIR, AS_OLD_CONF_SUM);
	purge_file(c, old);
	free(old);
	return 0;
}
