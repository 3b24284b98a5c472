/*
 * Pure text helpers of hersh-apt-source: no I/O.  URIs, suites,
 * fingerprints, the sources line `add` writes, and the state file
 * (sha256sum(1) format).
 */
#ifndef AS_TEXT_H
#define AS_TEXT_H

#include <stddef.h>

/*
 * URI in comparable form: scheme and host in lower case, http taken as
 * https, trailing slashes dropped.  malloc'd.
 */
char	*as_uri_norm(const char *uri);
/* Non-zero when A and B name the same repository. */
int	 as_uri_same(const char *a, const char *b);
/* NULL when URI may be written into a sources line, else what is wrong. */
const char *as_uri_check(const char *uri);

/* Non-zero for release, nightly, master or a date yyyymmdd. */
int	 as_suite_valid(const char *suite);

/*
 * An OpenPGP fingerprint (40 or 64 hex digits; spaces and a 0x prefix
 * allowed) in upper case without spaces, malloc'd; NULL if not one.
 */
char	*as_fpr_norm(const char *s);

/* The line upstream's install guide writes (with its newline), malloc'd. */
char	*as_list_line(const char *arch, const char *keyring, const char *uri,
	    const char *suite);

/* The state file: one "<sha256>  <path>" line per file we created. */
struct as_state {
	size_t	  n;
	char	(*hash)[65];
	char	**path;
};

/*
 * Parse DATA (LEN bytes).  Returns 0, or -1 with *line set to the 1-based
 * line that is not "<64 hex>  <absolute path>".
 */
int	 as_state_parse(const char *data, size_t len, struct as_state *st,
	    size_t *line);
/* The file text, malloc'd; *len set. */
char	*as_state_format(const struct as_state *st, size_t *len);
/* Index of PATH, or -1. */
long	 as_state_find(const struct as_state *st, const char *path);
/* Set PATH's hash, adding it if absent. */
void	 as_state_set(struct as_state *st, const char *path, const char *hash);
/* Drop entry I. */
void	 as_state_del(struct as_state *st, size_t i);
void	 as_state_free(struct as_state *st);

#endif
