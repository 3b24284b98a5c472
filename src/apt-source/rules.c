/* URIs, key URLs, fingerprints, suites, seconds (see rules.h).  No I/O. */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "lib/xmalloc.h"

static const char *const repo_schemes[] = {
	"http", "https", "file", "copy", "mirror", "mirror+http",
	"mirror+https", "mirror+file", "tor+http", "tor+https", NULL
};
static const char *const key_schemes[] = { "http", "https", "file", NULL };

/* Characters apt's sources parser (or a shell quoting them) trips on. */
#define URI_FORBIDDEN	"#[]\"\\'<>{}|^`"

static int
fail(char *why, const char *fmt, const char *arg)
{
	snprintf(why, AS_WHY, fmt, arg);
	return -1;
}

/* The first byte of S outside 0x21-0x7e or in URI_FORBIDDEN, or NULL. */
static const char *
bad_char(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e ||
		    strchr(URI_FORBIDDEN, *s) != NULL)
			return s;
	return NULL;
}

static int
char_rule(const char *s, char *why)
{
	const char *p = bad_char(s);
	char what[8];

	if (p == NULL)
		return 0;
	if (*p == ' ')
		return fail(why, "it contains a space%s", "");
	if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e) {
		snprintf(what, sizeof(what), "0x%02x", (unsigned char)*p);
		return fail(why, "it contains the byte %s; only printable "
		    "ASCII is allowed", what);
	}
	snprintf(what, sizeof(what), "'%c'", *p);
	return fail(why, "it contains %s, which apt cannot read in a sources "
	    "line", what);
}

size_t
as_uri_scheme_len(const char *uri)
{
	const char *sep = strstr(uri, "://");

	return sep != NULL ? (size_t)(sep - uri) : 0;
}

static int
in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && strncmp(*list, s, n) == 0)
			return 1;
	return 0;
}

static char *
join_list(const char *const *list)
{
	char *out = xstrdup(""), *next;

	for (; *list != NULL; list++) {
		next = xasprintf("%s%s%s", out, *out ? ", " : "", *list);
		free(out);
		out = next;
	}
	return out;
}

/* SCHEME://REST with SCHEME in LIST; a host when the scheme is a network one. */
static int
scheme_rule(const char *uri, const char *const *list, char *why)
{
	size_t n = as_uri_scheme_len(uri);
	const char *rest = uri + n + 3;
	char *names, scheme[32];
	int local;

	if (n == 0)
		return fail(why, "it is not a URI of the form SCHEME://...%s", "");
	if (!in_list(uri, n, list)) {
		names = join_list(list);
		snprintf(scheme, sizeof(scheme), "%.*s", (int)n, uri);
		snprintf(why, AS_WHY, "scheme '%s' is not one of %s", scheme,
		    names);
		free(names);
		return -1;
	}
	local = strncmp(uri, "file", n) == 0 || strncmp(uri, "copy", n) == 0 ||
	    strncmp(uri, "mirror+file", n) == 0;
	if (!local && (*rest == '\0' || *rest == '/')) {
		snprintf(why, AS_WHY, "there is no host after '%.*s'", (int)n + 3, uri);
		return -1;
	}
	return 0;
}

int
as_uri_check(const char *uri, char *why)
{
	if (*uri == '\0')
		return fail(why, "it is empty%s", "");
	if (char_rule(uri, why) == -1)
		return -1;
	return scheme_rule(uri, repo_schemes, why);
}

int
as_key_url_check(const char *url, char *why)
{
	if (*url == '\0')
		return 0;	/* the key shipped with the package */
	if (char_rule(url, why) == -1)
		return -1;
	return scheme_rule(url, key_schemes, why);
}

int
as_key_from_check(const char *from, char *why)
{
	if (from[0] == '/')
		return 0;
	if (from[0] == '\0')
		return fail(why, "it is empty: name a file or a URL%s", "");
	if (as_uri_scheme_len(from) == 0)
		return fail(why, "it is not an absolute path, nor a http, https or "
		    "file URL%s", "");
	return as_key_url_check(from, why);
}

char *
as_fpr_norm(const char *s, char *why)
{
	char *out, what[8];
	size_t n = 0;

	if (*s == '\0') {
		fail(why, "it is empty%s", "");
		return NULL;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	out = xmalloc(strlen(s) + 1);
	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (!isxdigit((unsigned char)*s)) {
			if (isgraph((unsigned char)*s))
				snprintf(what, sizeof(what), "'%c'", *s);
			else
				snprintf(what, sizeof(what), "0x%02x",
				    (unsigned char)*s);
			fail(why, "%s is not a hexadecimal digit", what);
			free(out);
			return NULL;
		}
		out[n++] = (char)toupper((unsigned char)*s);
	}
	out[n] = '\0';
	if (n != 40 && n != 64) {
		snprintf(why, AS_WHY, "it has %zu hexadecimal digits, not 40 or 64", n);
		free(out);
		return NULL;
	}
	return out;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Non-zero when the 8 digits of S are a date yyyymmdd, 2018 or later. */
static int
real_date(const char *s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	d = (s[6] - '0') * 10 + (s[7] - '0');
	if (y < 2018 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && leap(y));
}

int
as_suite_check(const char *s, char *why)
{
	if (*s == '\0')
		return fail(why, "it is empty%s", "");
	if (strcmp(s, "release") == 0 || strcmp(s, "nightly") == 0 ||
	    strcmp(s, "master") == 0)
		return 0;
	if (strlen(s) == 8 && strspn(s, "0123456789") == 8) {
		if (real_date(s))
			return 0;
		return fail(why, "it is not a date yyyymmdd from 2018 on%s", "");
	}
	return fail(why, "it is not release, nightly, master or a date "
	    "yyyymmdd%s", "");
}

int
as_seconds_check(const char *s, long min, long max, long *out, char *why)
{
	long v = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && v <= max; i++)
		v = v * 10 + (s[i] - '0');
	if (i == 0 || s[i] != '\0' || v < min || v > max) {
		snprintf(why, AS_WHY, "it is not a whole number of seconds from %ld "
		    "to %ld", min, max);
		return -1;
	}
	*out = v;
	return 0;
}

char *
as_strip_slashes(char *s)
{
	size_t len = strlen(s), n = as_uri_scheme_len(s), keep = 0;

	if (n > 0)
		keep = n + 4;	/* "file:///" stays "file:///" */
	while (len > keep && s[len - 1] == '/')
		s[--len] = '\0';
	return s;
}

char *
as_uri_norm(const char *uri)
{
	char *p = as_strip_slashes(xstrdup(uri)), *out;
	size_t n = as_uri_scheme_len(p), i, hostend;

	if (n == 0)
		return p;
	hostend = n + 3;
	while (p[hostend] != '\0' && p[hostend] != '/')
		hostend++;
	for (i = 0; i < hostend; i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	if (strncmp(p, "http://", 7) == 0) {
		out = xasprintf("https://%s", p + 7);
		free(p);
		return out;
	}
	return p;
}

char *
as_uri_host(const char *uri)
{
	size_t n = as_uri_scheme_len(uri), len;
	const char *host, *at, *end;

	if (n == 0)
		return NULL;
	host = uri + n + 3;
	end = host + strcspn(host, "/?#");
	if ((at = memchr(host, '@', (size_t)(end - host))) != NULL)
		host = at + 1;
	len = strcspn(host, ":/?#");
	if (host + len > end)
		len = (size_t)(end - host);
	return len > 0 ? xstrndup(host, len) : NULL;
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
