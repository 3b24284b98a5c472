/* What the commands share, and show (see commands.h). */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "apt.h"
#include "commands.h"
#include "keyring.h"
#include "sources.h"

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

/* The pin file's state for show. */
static const char *
pin_state(const struct as_conf *c)
{
	static const char *const names[] = {
		[AS_FILE_ABSENT] = "missing", [AS_FILE_GONE] = "missing",
		[AS_FILE_OURS] = "ok", [AS_FILE_CHANGED] = "changed",
		[AS_FILE_FOREIGN] = "foreign"
	};
	struct as_state st;
	struct as_file f;
	enum as_how how;
	int r;

	(void)as_state_load(c, &st);	/* empty after its message */
	r = as_state_file(c, &st, c->pin_real, &f, &how);
	as_file_close(&f);
	as_state_free(&st);
	return r == -1 ? "unreadable" : names[how];
}

int
as_cmd_show(const struct as_conf *c)
{
	struct as_keyring kr;
	struct as_entry *e;
	struct as_source *s;
	size_t n, ns, i;

	if (as_apt_sources(&e, &n) == -1)
		return 1;
	ns = as_sources(c, e, n, &s);
	for (i = 0; i < ns; i++)
		printf("source\t%s\t%s\t%s\t%s\t%s\n", s[i].file,
		    s[i].deb822 ? "deb822" : "one-line", s[i].uri, s[i].suites,
		    s[i].signed_by);
	as_keyring_check(c, &kr);
	printf("keyring\t%s\t%s\t%s\n", c->keyring_real,
	    as_keyring_names[kr.status], *kr.found != '\0' ? kr.found : "-");
	printf("pin\t%s\t%s\n", c->pin_real, pin_state(c));
	as_keyring_free(&kr);
	as_sources_free(s, ns);
	as_entries_free(e, n);
	free(e);
	return ns > 0 ? 0 : 3;
}
