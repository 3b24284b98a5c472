/* gVisor sources and keyring on the system (see as_gvisor.h). */

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources.h"
#include "key.h"
#include "text.h"
#include "lib/atomic-file.h"

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		err(1, "strdup");
	return p;
}

int
as_is_gvisor(const struct as_conf *c, const struct as_entry *e)
{
	return as_uri_same(e->uri, c->uri) || as_uri_same(e->uri, AS_UPSTREAM_URI);
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

static int
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; (p = strstr(p, word)) != NULL; p++)
		if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return 1;
	return 0;
}

static char *
append_word(char *list, const char *word)
{
	char *out;

	if (has_word(list, word))
		return list;
	if (asprintf(&out, "%s%s%s", list, *list ? "," : "", word) == -1)
		err(1, "asprintf");
	free(list);
	return out;
}

size_t
as_sources(const struct as_conf *c, const struct as_entry *e, size_t n,
    struct as_source **out)
{
	struct as_source *s = NULL, *last;
	size_t i, ns = 0, len;
	char *uri, *sb;

	for (i = 0; i < n; i++) {
		if (!as_is_gvisor(c, &e[i]))
			continue;
		uri = xstrdup(e[i].uri);
		len = strlen(uri);
		while (len > 0 && uri[len - 1] == '/')
			uri[--len] = '\0';
		sb = printable_signed_by(e[i].signed_by);
		last = ns > 0 ? &s[ns - 1] : NULL;
		if (last != NULL && strcmp(last->file, e[i].file) == 0 &&
		    strcmp(last->uri, uri) == 0 &&
		    strcmp(last->signed_by, sb) == 0) {
			last->suites = append_word(last->suites, e[i].suite);
			free(uri);
			free(sb);
			continue;
		}
		if ((s = reallocarray(s, ns + 1, sizeof(*s))) == NULL)
			err(1, "realloc");
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

	used = has_word(e->signed_by, path) || has_word(e->signed_by, real);
	free(real);
	return used;
}

enum as_keyring
as_keyring_check(const struct as_conf *c, char **found)
{
	char *buf, **fprs, *list;
	size_t len, n, i;
	enum as_keyring r;

	*found = NULL;
	if (read_file(c->keyring_real, &buf, &len) == -1) {
		if (errno == ENOENT)
			return AS_KEYRING_MISSING;
		warn("%s", c->keyring_real);
		return AS_KEYRING_MISMATCH;
	}
	if (as_key_fprs(c->keyring_real, buf, len, &fprs, &n) == -1) {
		free(buf);
		return AS_KEYRING_MISMATCH;
	}
	free(buf);
	list = xstrdup("");
	for (i = 0; i < n; i++)
		list = append_word(list, fprs[i]);
	r = n == 1 && strcmp(fprs[0], c->fpr) == 0 ?
	    AS_KEYRING_OK : AS_KEYRING_MISMATCH;
	as_key_fprs_free(fprs, n);
	*found = list;
	return r;
}
