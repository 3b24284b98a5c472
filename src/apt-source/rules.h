/*
 * What hersh-apt-source accepts as a repository URI, key URL, key
 * fingerprint, suite and number of seconds, and when two URIs name the
 * same repository.
 * Pure: no I/O.  The checks fill WHY (a buffer of AS_WHY bytes) with what
 * is wrong, naming the offending character or part, for a message that
 * the caller prefixes with the option or setting.
 */
#ifndef AS_RULES_H
#define AS_RULES_H

#include <stddef.h>

#define AS_WHY	320

/*
 * A repository URI: SCHEME://REST, SCHEME one of http, https, file, copy,
 * mirror, mirror+http, mirror+https, mirror+file, tor+http, tor+https; a
 * network scheme needs a host before the first '/' of REST; only
 * printable ASCII (0x21-0x7e) and none of # [ ] " \ ' < > { } | ^ `.
 * 0 or -1 with WHY.  Whether apt has the method is for the caller to check.
 */
int	 as_uri_check(const char *uri, char *why);

/* The length of URI's scheme (before "://"), 0 when it has none. */
size_t	 as_uri_scheme_len(const char *uri);

/*
 * A key URL: empty (the key shipped with the package), or the URI
 * character rule with scheme http or https (with a host) or file.
 */
int	 as_key_url_check(const char *url, char *why);
/* What --from takes: a key URL, or an absolute path. */
int	 as_key_from_check(const char *from, char *why);

/*
 * An OpenPGP fingerprint: 40 or 64 hex digits, spaces and a 0x prefix
 * allowed.  Returns it in upper case without spaces, malloc'd; or NULL
 * with WHY.
 */
char	*as_fpr_norm(const char *s, char *why);

/* release, nightly, master or a real date yyyymmdd, 2018 or later; 0 or -1 with WHY. */
int	 as_suite_check(const char *suite, char *why);

/*
 * A number of seconds: decimal digits only, from MIN to MAX.  Sets *OUT;
 * 0, or -1 with WHY.
 */
int	 as_seconds_check(const char *s, long min, long max, long *out,
	    char *why);

/* Drop trailing slashes from S in place (not those of a URI's "://"); returns S. */
char	*as_strip_slashes(char *s);
/*
 * URI in comparable form: scheme and host in lower case, http taken as
 * https, trailing slashes dropped.  malloc'd.
 */
char	*as_uri_norm(const char *uri);
/*
 * The host of URI (after any user@, before any :port), as APT records
 * it as the Site of a repository's package files; malloc'd, or NULL when
 * URI has none.
 */
char	*as_uri_host(const char *uri);
/* Non-zero when A and B name the same repository. */
int	 as_uri_same(const char *a, const char *b);

#endif
