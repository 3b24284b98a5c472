/* hersh-apt-source add: the gVisor source and its pin (see commands.h). */

#include <sys/stat.h>

#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apt.h"
#include "commands.h"
#include "keyring.h"
#include "pin.h"
#include "sources.h"
#include "lib/xmalloc.h"

/* 0 when the keyring holds exactly the expected key, valid; else 1. */
static int
need_key(const struct as_conf *c)
{
	struct as_keyring kr;
	int rc = 0;

	as_keyring_check(c, &kr);
	if (kr.status == AS_KEYRING_MISSING) {
		warnx("%s: no gVisor keyring; run 'hersh-apt-source install-key' "
		    "first (no source is added without its key)", c->keyring_real);
		rc = 1;
	} else if (kr.status != AS_KEYRING_OK) {
		warnx("%s: %s; no source is added without the gVisor key: run "
		    "'hersh-apt-source install-key'", c->keyring_real, kr.what);
		rc = 1;
	}
	as_keyring_free(&kr);
	return rc;
}

/* Take out the pin we wrote, unless changed (add --no-pin). */
static int
unpin(const struct as_conf *c, struct as_state *st, enum as_file how)
{
	long i = as_state_find(st, c->pin);

	switch (how) {
	case AS_FILE_OURS:
		if (unlink(c->pin_real) == -1) {
			warn("%s", c->pin_real);
			return -1;
		}
		as_say(c, "%s: removed (--no-pin)", c->pin_real);
		break;
	case AS_FILE_CHANGED:
		as_say(c, "%s: changed since hersh-apt-source wrote it; left in "
		    "place", c->pin_real);
		return 0;
	case AS_FILE_GONE:
		break;
	default:
		return 0;
	}
	as_state_del(st, (size_t)i);
	return as_state_save(c, st);
}

/*
 * Make the pin match WANT for a source of SUITE in LIST that we wrote
 * (SUITE NULL: the source is someone else's, nothing to pin).  A pin the
 * admin changed, deleted or wrote is left as it is.
 */
static int
pin_sync(const struct as_conf *c, struct as_state *st, const char *suite,
    const char *list, int want)
{
	enum as_file how;
	char *old = NULL, *text, *target;
	size_t len;
	int rc = 0;

	if (as_state_file(c, st, c->pin, &how, &old, &len) == -1)
		return -1;
	if (!want || suite == NULL) {
		free(old);
		return want ? 0 : unpin(c, st, how);
	}
	target = as_conf_target(c, list);
	text = as_pin_text(suite, target);
	if (how == AS_FILE_ABSENT || (how == AS_FILE_OURS && strcmp(old, text) != 0)) {
		rc = as_write_recorded(c, st, c->pin_real, text, strlen(text));
		if (rc == 0)
			as_say(c, "%s: pinned the gVisor repository (suite %s) to "
			    "runsc; anything else from it gets priority 1",
			    c->pin_real, suite);
	} else if (how == AS_FILE_GONE)
		as_say(c, "%s: deleted since hersh-apt-source wrote it; not "
		    "written again (add --no-pin forgets it)", c->pin_real);
	else if (how == AS_FILE_CHANGED)
		as_say(c, "%s: changed since hersh-apt-source wrote it; left as "
		    "it is", c->pin_real);
	else if (how == AS_FILE_FOREIGN)
		as_say(c, "%s: not written by hersh-apt-source; left as it is",
		    c->pin_real);
	free(target);
	free(text);
	free(old);
	return rc;
}

/* The source among S that we wrote and nobody changed, or NULL. */
static const struct as_source *
ours(const struct as_conf *c, const struct as_state *st,
    const struct as_source *s, size_t ns)
{
	enum as_file how;
	char *target;
	size_t i;
	int r;

	for (i = 0; i < ns; i++) {
		target = as_conf_target(c, s[i].file);
		r = as_state_file(c, st, target, &how, NULL, NULL);
		free(target);
		if (r == 0 && how == AS_FILE_OURS && strchr(s[i].suites, ',') == NULL)
			return &s[i];
	}
	return NULL;
}

/* A gVisor source exists: add nothing, but keep the pin in step with ours. */
static int
existing(const struct as_conf *c, const struct as_source *s, size_t ns,
    int pin)
{
	const struct as_source *our;
	struct as_state st;
	size_t i;
	int rc;

	for (i = 0; i < ns; i++)
		as_say(c, "%s: gVisor source already configured (suites %s); "
		    "nothing added", s[i].file, s[i].suites);
	if (as_state_load(c, &st) == -1)
		return 1;
	our = ours(c, &st, s, ns);
	rc = pin_sync(c, &st, our != NULL ? our->suites : NULL,
	    our != NULL ? our->file : NULL, pin) == -1;
	as_state_free(&st);
	return rc;
}

/* Write the pin (unless PIN is 0), then the source line into LIST. */
static int
write_source(const struct as_conf *c, const char *list, const char *suite,
    int pin)
{
	struct as_state st;
	char *line;
	int rc = 1;

	if (as_state_load(c, &st) == -1)
		return 1;
	line = as_list_line(c->arch, c->keyring, c->uri, suite);
	if (pin_sync(c, &st, suite, list, pin) == 0 &&
	    as_write_recorded(c, &st, list, line, strlen(line)) == 0) {
		as_say(c, "%s: added the gVisor source %s, suite %s", list,
		    c->uri, suite);
		rc = 0;
	}
	free(line);
	as_state_free(&st);
	return rc;
}

int
as_cmd_add(const struct as_conf *c, const char *suite, int pin)
{
	struct as_entry *e;
	struct as_source *s;
	struct stat sb;
	size_t n, ns;
	char *list;
	int rc;

	if (as_apt_sources(&e, &n) == -1)
		return 1;
	ns = as_sources(c, e, n, &s);
	rc = ns > 0 ? existing(c, s, ns, pin) : -1;
	as_sources_free(s, ns);
	as_entries_free(e, n);
	free(e);
	if (rc != -1)
		return rc;
	if (need_key(c) != 0)
		return 1;
	list = xasprintf("%s%s", c->parts, AS_LIST_NAME);
	if (lstat(list, &sb) == 0) {
		warnx("%s: exists but holds no gVisor source; not overwriting "
		    "it (move it away, then run add again)", list);
		rc = 1;
	} else
		rc = write_source(c, list, suite, pin);
	free(list);
	return rc;
}
