/* What the commands share, and show (see commands.h). */

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apt.h"
#include "commands.h"
#include "keyring.h"
#include "pin.h"
#include "sources.h"
#include "lib/strbuf.h"
#include "lib/xmalloc.h"

void
as_say(const struct as_conf *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int
as_write_recorded(const struct as_conf *c, struct as_state *st,
    struct as_file *f, const void *data, size_t len)
{
	char hex[65];

	if (as_file_write(c, f, data, len) == -1)
		return -1;
	as_apt_sha256(data, len, hex);
	as_state_set(st, f->target, hex);
	return as_state_save(c, st);
}

void
as_field(const char *s)
{
	struct strbuf b = { NULL, 0, 0, 0 };

	strbuf_field(&b, s, strlen(s));
	if (b.oom)
		errx(1, "out of memory");
	if (b.len > 0)
		fwrite(b.p, 1, b.len, stdout);
	strbuf_free(&b);
}

void
as_record(const char *key, ...)
{
	const char *field;
	va_list ap;

	fputs(key, stdout);
	va_start(ap, key);
	while ((field = va_arg(ap, const char *)) != NULL) {
		putchar('\t');
		as_field(field);
	}
	va_end(ap);
	putchar('\n');
}

static const char *const how_names[] = {
	[AS_FILE_ABSENT] = "missing", [AS_FILE_GONE] = "missing",
	[AS_FILE_OURS] = "ok", [AS_FILE_CHANGED] = "changed",
	[AS_FILE_FOREIGN] = "foreign"
};

/*
 * The pin's record, and one for each other source among E (N) that what
 * it pins also matches.
 */
static void
show_pin(const struct as_conf *c, const struct as_state *st,
    const struct as_entry *e, size_t n)
{
	const char *state = "unreadable";
	char *by = NULL;
	struct as_file f;
	enum as_how how;
	size_t i, j;

	if (as_state_file(c, st, c->pin_real, &f, &how) == 0) {
		state = how_names[how];
		if ((how == AS_FILE_OURS || how == AS_FILE_CHANGED) &&
		    f.kind == AS_KIND_REGULAR && (by = as_pin_by(f.data)) == NULL &&
		    how == AS_FILE_OURS && strstr(f.data, "\n" AS_PIN_SHARED_MARK) != NULL)
			by = xstrdup("shared");
	}
	as_file_close(&f);
	as_record("pin", c->pin_real, state, by != NULL ? by : "-", NULL);
	for (i = 0; by != NULL && i < n; i++) {
		if (!as_pin_hits(c, by, &e[i]))
			continue;
		for (j = 0; j < i; j++)	/* once per file and URI */
			if (strcmp(e[j].file, e[i].file) == 0 &&
			    strcmp(e[j].uri, e[i].uri) == 0 &&
			    as_pin_hits(c, by, &e[j]))
				break;
		if (j == i)
			as_record("pin-shared", e[i].file, e[i].uri, NULL);
	}
	free(by);
}

/* The APT settings file's record. */
static void
show_conf(const struct as_conf *c, const struct as_state *st)
{
	const char *state = "unreadable";
	struct as_file f;
	enum as_how how;

	if (as_state_file(c, st, c->conf_real, &f, &how) == 0)
		state = how_names[how];
	as_file_close(&f);
	as_record("conf", c->conf_real, state, NULL);
}

/* The keyring's expiry for show: "never", seconds since the epoch, or "-". */
static void
expiry(long long t, char buf[32])
{
	if (t == 0)
		snprintf(buf, 32, "never");
	else if (t > 0)
		snprintf(buf, 32, "%lld", t);
	else
		snprintf(buf, 32, "-");
}

/* The source file REAL (a path under Dir) is one add created and recorded. */
static int
recorded(const struct as_conf *c, const struct as_state *st, const char *real)
{
	char *target = as_conf_target(c, real);
	int r = as_state_find(st, target) != -1;

	free(target);
	return r;
}

int
as_cmd_show(const struct as_conf *c)
{
	struct as_keyring kr;
	struct as_entry *e;
	struct as_source *s;
	struct as_state st;
	char exp[32];
	size_t n, ns, i;

	if (as_apt_sources(&e, &n) == -1)
		return 1;
	(void)as_state_load(c, &st);	/* empty after its message */
	(void)as_state_migrate(c, &st, 0, 0);
	ns = as_sources(c, e, n, &s);
	for (i = 0; i < ns; i++)
		as_record("source", s[i].file, s[i].deb822 ? "deb822" : "one-line",
		    s[i].uri, s[i].suites, s[i].signed_by,
		    recorded(c, &st, s[i].file) ? "ours" : "-", NULL);
	as_keyring_check(c, &kr);
	expiry(kr.expires, exp);
	as_record("keyring", c->keyring_real, as_keyring_names[kr.status],
	    *kr.found != '\0' ? kr.found : "-", exp, NULL);
	show_pin(c, &st, e, n);
	show_conf(c, &st);
	as_record("setting", "URI", c->uri_raw, NULL);
	as_record("setting", "Key-URL", c->key_url, NULL);
	as_record("setting", "Fingerprint", c->fpr_raw, NULL);
	as_state_free(&st);
	as_keyring_free(&kr);
	as_sources_free(s, ns);
	as_entries_free(e, n);
	free(e);
	return ns > 0 ? 0 : 3;
}
