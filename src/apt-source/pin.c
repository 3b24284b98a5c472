/* The apt preferences for the gVisor repository (see pin.h).  No I/O. */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts.h"
#include "pin.h"
#include "rules.h"
#include "sources.h"
#include "lib/xmalloc.h"

/*
 * The host of URI as APT records it as the Site of its package files,
 * when a pin may name it: schemes whose methods fetch from that host
 * (http, https, tor+http, tor+https), a host of plain name characters
 * (nothing a pin pattern would read as a wildcard).  malloc'd, or NULL.
 */
static char *
pin_site(const char *uri)
{
	static const char *const schemes[] = {
		"http", "https", "tor+http", "tor+https", NULL
	};
	size_t n = as_uri_scheme_len(uri), i;
	char *host;

	for (i = 0; schemes[i] != NULL; i++)
		if (strlen(schemes[i]) == n && strncmp(uri, schemes[i], n) == 0)
			break;
	if (schemes[i] == NULL || (host = as_uri_host(uri)) == NULL)
		return NULL;
	if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-_") != strlen(host)) {
		free(host);
		return NULL;
	}
	return host;
}

/* Another source among E that uses the host SITE, or NULL. */
static const struct as_entry *
site_user(const struct as_conf *c, const char *site, const struct as_entry *e,
    size_t n)
{
	char *host;
	size_t i;
	int same;

	for (i = 0; i < n; i++) {
		if (as_is_gvisor(c, &e[i]) ||
		    (host = as_uri_host(e[i].uri)) == NULL)
			continue;
		same = strcasecmp(host, site) == 0;
		free(host);
		if (same)
			return &e[i];
	}
	return NULL;
}

/* Another source among E with suite SUITE and component COMP, or NULL. */
static const struct as_entry *
release_user(const struct as_conf *c, const char *suite, const char *comp,
    const struct as_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!as_is_gvisor(c, &e[i]) && strcasecmp(e[i].suite, suite) == 0 &&
		    (*comp == '\0' || as_list_has(e[i].components, comp)))
			return &e[i];
	return NULL;
}

void
as_pin_choose(const struct as_conf *c, const char *suite,
    const struct as_entry *e, size_t n, struct as_pin *p)
{
	const struct as_entry *by_site = NULL, *by_release;
	char *site, *reason;

	memset(p, 0, sizeof(*p));
	site = pin_site(c->uri);
	if (site != NULL && (by_site = site_user(c, site, e, n)) == NULL) {
		p->mode = AS_PIN_ORIGIN;
		p->site = site;
		return;
	}
	by_release = release_user(c, suite, HG_FACT_COMPONENT, e, n);
	if (by_release == NULL) {
		p->mode = AS_PIN_RELEASE;
		p->suite = xstrdup(suite);
		free(site);
		return;
	}
	if (site == NULL)
		reason = xasprintf("apt records no host for %s, and the source "
		    "in %s has", c->uri, by_release->file);
	else if (strcmp(by_site->file, by_release->file) == 0)
		reason = xasprintf("the source in %s uses the same host %s and "
		    "has", by_site->file, site);
	else
		reason = xasprintf("the source in %s uses the same host %s, and "
		    "the source in %s has", by_site->file, site, by_release->file);
	p->mode = AS_PIN_SHARED;
	p->why = xasprintf("%s the same suite and component %s/%s", reason,
	    suite, HG_FACT_COMPONENT);
	free(reason);
	free(site);
}

void
as_pin_free(struct as_pin *p)
{
	free(p->site);
	free(p->suite);
	free(p->why);
	memset(p, 0, sizeof(*p));
}

#define PIN_HEAD \
	"# Written by hersh-apt-source with the gVisor apt source in\n" \
	"# %s.\n"
#define PIN_TAIL \
	"# To turn this off: dpkg-reconfigure hersh-gvisor, or run\n" \
	"# \"hersh-apt-source add --no-pin\".  Deleted, this file is not\n" \
	"# written again; \"hersh-apt-source remove\" takes it out with the\n" \
	"# source.\n"
#define PIN_CONFINES \
	"# The gVisor repository may provide runsc; every other package from it\n" \
	"# gets priority -1: never installed, not even by name or as runsc's\n" \
	"# dependency.  The pin names the repository by its %s.\n"

/* S, malloc'd, with every control character a '?': text for a comment line. */
static char *
comment_safe(const char *s)
{
	char *out = xstrdup(s), *q;

	for (q = out; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	return out;
}

char *
as_pin_text(const struct as_pin *p, const char *list_path)
{
	char *what, *pin, *out, *list, *why;

	list = comment_safe(list_path);
	if (p->mode == AS_PIN_SHARED) {
		why = comment_safe(p->why);
		out = xasprintf(PIN_HEAD
		    AS_PIN_SHARED_MARK " a pin naming the gVisor repository would\n"
		    "# hold back another source too, since %s.\n"
		    PIN_TAIL, list, why);
		free(why);
		free(list);
		return out;
	}
	if (p->mode == AS_PIN_ORIGIN) {
		what = xstrdup("host, which no\n# other apt source uses");
		pin = xasprintf("origin \"%s\"", p->site);
	} else {
		what = xstrdup("suite and\n# component, which no other apt source has");
		pin = xasprintf("release a=%s,c=%s", p->suite, HG_FACT_COMPONENT);
	}
	out = xasprintf(PIN_HEAD PIN_CONFINES PIN_TAIL
	    "Package: runsc\n"
	    "Pin: %s\n"
	    "Pin-Priority: 500\n"
	    "\n"
	    "Package: *\n"
	    "Pin: %s\n"
	    "Pin-Priority: -1\n", list, what, pin, pin);
	free(what);
	free(pin);
	free(list);
	return out;
}

/* The value of field NAME (case-insensitive) in LINE (N bytes), or NULL. */
static char *
field_value(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return NULL;
	line += k + 1;
	n -= k + 1;
	while (n > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
	    line[n - 1] == '\r'))
		n--;
	return xstrndup(line, n);
}

/* "origin:SITE" or "release:SUITE/COMPONENT" for the Pin value PIN, or NULL. */
static char *
by_of(const char *pin)
{
	char *copy, *tok, *save, *a = NULL, *comp = NULL, *out = NULL;
	size_t n;

	if (strncmp(pin, "origin ", 7) == 0) {
		pin += 7;
		n = strlen(pin);
		if (n >= 2 && pin[0] == '"' && pin[n - 1] == '"')
			return xasprintf("origin:%.*s", (int)(n - 2), pin + 1);
		return *pin != '\0' ? xasprintf("origin:%s", pin) : NULL;
	}
	if (strncmp(pin, "release ", 8) != 0)
		return NULL;
	copy = xstrdup(pin + 8);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " ");
		if (strncmp(tok, "a=", 2) == 0 || strncmp(tok, "archive=", 8) == 0)
			a = strchr(tok, '=') + 1;
		else if (strncmp(tok, "c=", 2) == 0 ||
		    strncmp(tok, "component=", 10) == 0)
			comp = strchr(tok, '=') + 1;
	}
	if (a != NULL)
		out = xasprintf("release:%s/%s", a, comp != NULL ? comp : "");
	free(copy);
	return out;
}

/* One field line P (N bytes) of a stanza into *PKG, *PIN or *PRIO. */
static void
stanza_line(const char *p, size_t n, char **pkg, char **pin, char **prio)
{
	char **slot = NULL, *v;

	if ((v = field_value(p, n, "Package")) != NULL)
		slot = pkg;
	else if ((v = field_value(p, n, "Pin")) != NULL)
		slot = pin;
	else if ((v = field_value(p, n, "Pin-Priority")) != NULL)
		slot = prio;
	if (slot != NULL) {
		free(*slot);
		*slot = v;
	}
}

char *
as_pin_by(const char *text)
{
	char *pkg = NULL, *pin = NULL, *prio = NULL, *by = NULL;
	const char *p = text, *nl;
	size_t n;

	for (;;) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
		    p[n - 1] == '\t'))
			n--;
		if (n > 0 && *p != '#')
			stanza_line(p, n, &pkg, &pin, &prio);
		if (n == 0 || nl == NULL) {	/* a stanza ends */
			if (by == NULL && pkg != NULL && strcmp(pkg, "*") == 0 &&
			    pin != NULL && prio != NULL &&
			    strtol(prio, NULL, 10) < 0)
				by = by_of(pin);
			free(pkg);
			free(pin);
			free(prio);
			pkg = pin = prio = NULL;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return by;
}

int
as_pin_hits(const struct as_conf *c, const char *by, const struct as_entry *e)
{
	const char *slash;
	char *host, *suite;
	int hit;

	if (as_is_gvisor(c, e))
		return 0;
	if (strncmp(by, "origin:", 7) == 0) {
		if ((host = as_uri_host(e->uri)) == NULL)
			return 0;
		hit = strcasecmp(host, by + 7) == 0;
		free(host);
		return hit;
	}
	if (strncmp(by, "release:", 8) != 0 ||
	    (slash = strchr(by + 8, '/')) == NULL)
		return 0;
	suite = xstrndup(by + 8, (size_t)(slash - by - 8));
	hit = strcasecmp(e->suite, suite) == 0 &&
	    (slash[1] == '\0' || as_list_has(e->components, slash + 1));
	free(suite);
	return hit;
}
