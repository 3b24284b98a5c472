/* The gVisor sources among APT's entries (see sources.h).  No I/O. */

#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "rules.h"
#include "sources.h"
#include "lib/xmalloc.h"

int
as_is_gvisor(const struct as_conf *c, const struct as_entry *e)
{
	return as_uri_same(e->uri, c->uri) || as_uri_same(e->uri, HG_FACT_URI);
}

/* Signed-By as one printable field. */
static char *
printable_signed_by(const char *s)
{
	if (*s == '\0')
		return xstrdup("-");
	if (strchr(s, '\n') != NULL || strstr(s, "BEGIN PGP") != NULL)
		return xstrdup("inline");
	return xstrdup(s);
}

int
as_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)) != NULL; p++)
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

char *
as_list_add(char *list, const char *word)
{
	char *out;

	if (as_list_has(list, word))
		return list;
	out = xasprintf("%s%s%s", list, *list ? "," : "", word);
	free(list);
	return out;
}

size_t
as_sources(const struct as_conf *c, const struct as_entry *e, size_t n,
    struct as_source **out)
{
	struct as_source *s = NULL, *last;
	size_t i, ns = 0;
	char *uri, *sb;

	for (i = 0; i < n; i++) {
		if (!as_is_gvisor(c, &e[i]))
			continue;
		uri = as_strip_slashes(xstrdup(e[i].uri));
		sb = printable_signed_by(e[i].signed_by);
		last = ns > 0 ? &s[ns - 1] : NULL;
		if (last != NULL && strcmp(last->file, e[i].file) == 0 &&
		    strcmp(last->uri, uri) == 0 &&
		    strcmp(last->signed_by, sb) == 0) {
			last->suites = as_list_add(last->suites, e[i].suite);
			free(uri);
			free(sb);
			continue;
		}
		s = xreallocarray(s, ns + 1, sizeof(*s));
		s[ns].file = e[i].file;
		s[ns].deb822 = e[i].deb822;
		s[ns].uri = uri;
		s[ns].suites = xstrdup(e[i].suite);
		s[ns].signed_by = sb;
		ns++;
	}
	*out = s;
	return ns;
}

void
as_sources_free(struct as_source *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].uri);
		free(s[i].suites);
		free(s[i].signed_by);
	}
	free(s);
}

int
as_signed_by_uses(const struct as_conf *c, const struct as_entry *e,
    const char *path)
{
	char *real = as_conf_real(c, path);
	int used;

	used = as_list_has(e->signed_by, path) || as_list_has(e->signed_by, real);
	free(real);
	return used;
}

char *
as_list_line(const char *arch, const char *keyring, const char *uri,
    const char *suite)
{
	return xasprintf("deb [arch=%s signed-by=%s] %s %s %s\n", arch,
	    keyring, uri, suite, HG_FACT_COMPONENT);
}
