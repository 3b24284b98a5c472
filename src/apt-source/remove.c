/* hersh-apt-source remove (see commands.h). */

#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "apt.h"
#include "commands.h"
#include "sources.h"

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
 * Remove state entry I's file if unchanged and no longer needed: 1 removed
 * (or already gone), 0 left, -1 error.
 */
static int
remove_one(const struct as_conf *c, const struct as_state *st, size_t i,
    const struct as_entry *e, size_t n)
{
	char *real = as_conf_real(c, st->path[i]);
	const char *user, *verb;
	struct as_file f;
	enum as_how how;
	int r = 0;

	if (as_state_file(c, st, real, &f, &how) == -1)
		r = -1;
	else if (how == AS_FILE_GONE) {
		as_say(c, "%s: already gone", real);
		r = 1;
	} else if (how != AS_FILE_OURS)
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

int
as_cmd_remove(const struct as_conf *c)
{
	struct as_state st;
	struct as_entry *e = NULL;
	size_t i, n = 0;
	int pass, r, rc = 0;

	if (as_state_load(c, &st) == -1)
		return 1;
	if (st.n == 0) {
		as_say(c, "%s: nothing to remove", c->state_real);
		as_state_free(&st);
		return 0;
	}
	/* Sources first; then what no remaining source needs. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && as_apt_sources(&e, &n) == -1) {
			warnx("cannot read APT's sources; removing keyrings and the pin anyway");
			e = NULL;
			n = 0;
		}
		for (i = 0; i < st.n;) {
			if (is_source_file(st.path[i]) != (pass == 0)) {
				i++;
				continue;
			}
			r = remove_one(c, &st, i, e, n);
			if (r == 1)
				as_state_del(&st, i);
			else
				i++;
			if (r == -1)
				rc = 1;
		}
	}
	as_entries_free(e, n);
	free(e);
	if (as_state_save(c, &st) == -1)
		rc = 1;
	as_state_free(&st);
	return rc;
}
