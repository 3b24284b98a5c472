/* hersh-apt-source add: the gVisor source and its pin (see commands.h). */

#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "apt.h"
#include "commands.h"
#include "facts.h"
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

/* Take out the pin we wrote, F standing HOW, unless changed (add --no-pin). */
static int
unpin(const struct as_conf *c, struct as_state *st, struct as_file *f,
    enum as_how how)
{
	long i = as_state_find(st, f->target);

	switch (how) {
	case AS_FILE_OURS:
		if (as_file_remove(c, f) == -1)
			return -1;
		as_say(c, "%s: removed (--no-pin)", f->label);
		break;
	case AS_FILE_CHANGED:
		as_say(c, "%s: changed since hersh-apt-source wrote it; left in "
		    "place", f->label);
		return 0;
	case AS_FILE_GONE:
		break;
	default:
		return 0;
	}
	as_state_del(st, (size_t)i);
	return as_state_save(c, st);
}

/* Say what the pin P written into F does. */
static void
pin_said(const struct as_conf *c, const struct as_file *f,
    const struct as_pin *p)
{
	if (p->mode == AS_PIN_ORIGIN)
		as_say(c, "%s: pinned the gVisor repository (host %s) to runsc; "
		    "every other package from it gets priority -1", f->label,
		    p->site);
	else if (p->mode == AS_PIN_RELEASE)
		as_say(c, "%s: pinned the gVisor repository (suite %s, component "
		    "%s) to runsc; every other package from it gets priority -1",
		    f->label, p->suite, HG_FACT_COMPONENT);
}

/*
 * Write the pin F (standing HOW) for a source of SUITE in LIST, among the
 * configured entries E (N), or leave it.
 */
static int
pin_write(const struct as_conf *c, struct as_state *st, struct as_file *f,
    enum as_how how, const char *suite, const char *list,
    const struct as_entry *e, size_t n)
{
	char *text, *target = as_conf_target(c, list);
	struct as_pin p;
	int rc = 0;

	as_pin_choose(c, suite, e, n, &p);
	text = as_pin_text(&p, target);
	if (how == AS_FILE_ABSENT ||
	    (how == AS_FILE_OURS && strcmp(f->data, text) != 0)) {
		rc = as_write_recorded(c, st, f, text, strlen(text));
		if (rc == 0)
			pin_said(c, f, &p);
	} else if (how == AS_FILE_GONE)
		as_say(c, "%s: deleted since hersh-apt-source wrote it; not "
		    "written again (add --no-pin forgets it)", f->label);
	else if (how == AS_FILE_CHANGED)
		as_say(c, "%s: changed since hersh-apt-source wrote it; left as "
		    "it is", f->label);
	else if (how == AS_FILE_FOREIGN)
		as_say(c, "%s: not written by hersh-apt-source; left as it is",
		    f->label);
	if (rc == 0 && p.mode == AS_PIN_SHARED &&
	    (how == AS_FILE_ABSENT || how == AS_FILE_OURS))
		warnx("warning: %s: nothing pinned: %s; the gVisor repository's "
		    "other packages are not held back", f->label, p.why);
	as_pin_free(&p);
	free(target);
	free(text);
	return rc;
}

/*
 * Make the pin match WANT for a source of SUITE in LIST that we wrote
 * (SUITE NULL: the source is someone else's, nothing to pin), among the
 * configured entries E (N).  A pin the admin changed, deleted or wrote is
 * left as it is.
 */
static int
pin_sync(const struct as_conf *c, struct as_state *st, const char *suite,
    const char *list, int want, const struct as_entry *e, size_t n)
{
	struct as_file f;
	enum as_how how;
	int rc = 0;

	if (as_state_file(c, st, c->pin_real, &f, &how) == -1)
		rc = -1;
	else if (!want)
		rc = unpin(c, st, &f, how);
	else if (suite != NULL)
		rc = pin_write(c, st, &f, how, suite, list, e, n);
	as_file_close(&f);
	return rc;
}

/* The source among S that we wrote and nobody changed, or NULL. */
static const struct as_source *
ours(const struct as_conf *c, const struct as_state *st,
    const struct as_source *s, size_t ns)
{
	struct as_file f;
	enum as_how how;
	size_t i;
	int r;

	for (i = 0; i < ns; i++) {
		r = as_state_file(c, st, s[i].file, &f, &how);
		as_file_close(&f);
		if (r == 0 && how == AS_FILE_OURS && strchr(s[i].suites, ',') == NULL)
			return &s[i];
	}
	return NULL;
}

/* A gVisor source exists: add nothing, but keep the pin in step with ours. */
static int
existing(const struct as_conf *c, const struct as_source *s, size_t ns,
    int pin, const struct as_entry *e, size_t n)
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
	    our != NULL ? our->file : NULL, pin, e, n) == -1;
	as_state_free(&st);
	return rc;
}

/*
 * Write the pin (unless PIN is 0), then the source line into LIST, which
 * must not exist.
 */
static int
write_source(const struct as_conf *c, const char *list, const char *suite,
    int pin, const struct as_entry *e, size_t n)
{
	struct as_state st;
	struct as_file f;
	enum as_how how;
	char *line;
	int rc = 1;

	if (as_state_load(c, &st) == -1)
		return 1;
	if (as_state_file(c, &st, list, &f, &how) == -1)
		rc = 1;
	else if (f.kind != AS_KIND_ABSENT)
		warnx("%s: exists but holds no gVisor source; not overwriting "
		    "it (move it away, then run add again)", list);
	else if (as_file_trusted(c, &f) == 0) {	/* before the pin is written */
		line = as_list_line(c->arch, c->keyring, c->uri, suite);
		if (pin_sync(c, &st, suite, list, pin, e, n) == 0 &&
		    as_write_recorded(c, &st, &f, line, strlen(line)) == 0) {
			as_say(c, "%s: added the gVisor source %s, suite %s", list,
			    c->uri, suite);
			rc = 0;
		}
		free(line);
	}
	as_file_close(&f);
	as_state_free(&st);
	return rc;
}

int
as_cmd_add(const struct as_conf *c, const char *suite, int pin)
{
	struct as_entry *e;
	struct as_source *s;
	size_t n, ns;
	char *list;
	int rc;

	if (as_apt_sources(&e, &n) == -1)
		return 1;
	ns = as_sources(c, e, n, &s);
	rc = ns > 0 ? existing(c, s, ns, pin, e, n) : -1;
	as_sources_free(s, ns);
	if (rc == -1) {
		if (need_key(c) != 0)
			rc = 1;
		else {
			list = xasprintf("%s%s", c->parts, AS_LIST_NAME);
			rc = write_source(c, list, suite, pin, e, n);
			free(list);
		}
	}
	as_entries_free(e, n);
	free(e);
	return rc;
}
