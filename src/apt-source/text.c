/* Pure text helpers of hersh-apt-source (see as_text.h).  No I/O. */

#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static void *
xrealloc(void *p, size_t n, size_t size)
{
	void *q = reallocarray(p, n ? n : 1, size);

	if (q == NULL)
		err(1, "realloc");
	return q;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		err(1, "strndup");
	return p;
}

char *
as_uri_norm(const char *uri)
{
	const char *sep = strstr(uri, "://");
	size_t len = strlen(uri), i, hostend;
	char *p, *out;

	while (len > 0 && uri[len - 1] == '/')
		len--;
	p = xstrndup(uri, len);
	if (sep == NULL || (size_t)(sep - uri) >= len)
		return p;
	hostend = (size_t)(sep - uri) + 3;
	while (hostend < len && p[hostend] != '/')
		hostend++;
	for (i = 0; i < hostend; i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	if (strncmp(p, "http://", 7) == 0) {
		if (asprintf(&out, "https://%s", p + 7) == -1)
			err(1, "asprintf");
		free(p);
		return out;
	}
	return p;
}

int
as_uri_same(const char *a, const char *b)
{
	char *na = as_uri_norm(a), *nb = as_uri_norm(b);
	int same = strcmp(na, nb) == 0;

	free(na);
	free(nb);
	return same;
}

const char *
as_uri_check(const char *uri)
{
	const char *p, *sep = strstr(uri, "://");

	if (sep == NULL || sep == uri)
		return "not a URI (no scheme://)";
	for (p = uri; p < sep; p++)
		if (!isalnum((unsigned char)*p) && strchr("+-.", *p) == NULL)
			return "bad scheme";
	if (sep[3] == '\0' || sep[3] == '/')
		return "no host";
	for (p = uri; *p != '\0'; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p) ||
		    *p == '[' || *p == ']' || *p == '"')
			return "contains a space, quote, bracket or control character";
	return NULL;
}

int
as_suite_valid(const char *s)
{
	int month, day;
	size_t i;

	if (strcmp(s, "release") == 0 || strcmp(s, "nightly") == 0 ||
	    strcmp(s, "master") == 0)
		return 1;
	if (strlen(s) != 8)
		return 0;
	for (i = 0; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	month = (s[4] - '0') * 10 + (s[5] - '0');
	day = (s[6] - '0') * 10 + (s[7] - '0');
	return s[0] >= '1' && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

char *
as_fpr_norm(const char *s)
{
	size_t n = 0, len;
	char *out;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	len = strlen(s);
	out = xrealloc(NULL, len + 1, 1);
	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (!isxdigit((unsigned char)*s)) {
			free(out);
			return NULL;
		}
		out[n++] = (char)toupper((unsigned char)*s);
	}
	out[n] = '\0';
	if (n != 40 && n != 64) {
		free(out);
		return NULL;
	}
	return out;
}

char *
as_list_line(const char *arch, const char *keyring, const char *uri,
    const char *suite)
{
	char *line;

	if (asprintf(&line, "deb [arch=%s signed-by=%s] %s %s main\n",
	    arch, keyring, uri, suite) == -1)
		err(1, "asprintf");
	return line;
}

static int
parse_line(const char *s, size_t len, char hash[65], char **path)
{
	size_t i;

	if (len < 64 + 2 + 2 || s[64] != ' ' || s[65] != ' ' || s[66] != '/')
		return -1;
	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		hash[i] = (char)tolower((unsigned char)s[i]);
	}
	hash[64] = '\0';
	for (i = 66; i < len; i++)
		if (s[i] == '\0' || s[i] == '\\')
			return -1;
	*path = xstrndup(s + 66, len - 66);
	return 0;
}

int
as_state_parse(const char *data, size_t len, struct as_state *st,
    size_t *line)
{
	const char *p = data, *end = data + len, *nl;
	char hash[65], *path;
	size_t lineno = 0;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl > p) {
			if (parse_line(p, (size_t)(nl - p), hash, &path) == -1) {
				as_state_free(st);
				*line = lineno;
				return -1;
			}
			as_state_set(st, path, hash);
			free(path);
		}
		p = nl + 1;
	}
	return 0;
}

char *
as_state_format(const struct as_state *st, size_t *len)
{
	size_t i, total = 1, off = 0;
	char *out;

	for (i = 0; i < st->n; i++)
		total += 64 + 2 + strlen(st->path[i]) + 1;
	out = xrealloc(NULL, total, 1);
	for (i = 0; i < st->n; i++)
		off += (size_t)snprintf(out + off, total - off, "%s  %s\n",
		    st->hash[i], st->path[i]);
	out[off] = '\0';
	*len = off;
	return out;
}

long
as_state_find(const struct as_state *st, const char *path)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->path[i], path) == 0)
			return (long)i;
	return -1;
}

void
as_state_set(struct as_state *st, const char *path, const char *hash)
{
	long i = as_state_find(st, path);

	if (i == -1) {
		st->hash = xrealloc(st->hash, st->n + 1, sizeof(*st->hash));
		st->path = xrealloc(st->path, st->n + 1, sizeof(*st->path));
		st->path[st->n] = xstrndup(path, strlen(path));
		i = (long)st->n++;
	}
	snprintf(st->hash[i], sizeof(st->hash[i]), "%s", hash);
}

void
as_state_del(struct as_state *st, size_t i)
{
	free(st->path[i]);
	memmove(&st->hash[i], &st->hash[i + 1], (st->n - i - 1) * sizeof(*st->hash));
	memmove(&st->path[i], &st->path[i + 1], (st->n - i - 1) * sizeof(*st->path));
	st->n--;
}

void
as_state_free(struct as_state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->path[i]);
	free(st->hash);
	free(st->path);
	memset(st, 0, sizeof(*st));
}
