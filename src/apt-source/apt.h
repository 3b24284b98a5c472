/*
 * A plain C view of libapt-pkg for hersh-apt-source: APT's configuration,
 * the configured sources, downloads and SHA-256.  Implemented in as_apt.cc;
 * the only file that includes a libapt-pkg header.
 *
 * Functions that fail print APT's messages on stderr (prefixed with the
 * program name) and return -1 or NULL.  Strings returned are malloc'd.
 */
#ifndef AS_APT_H
#define AS_APT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One sources entry: one URI and suite of one line or stanza. */
struct as_entry {
	char	*file;		/* the file it is in (as APT opened it) */
	int	 deb822;	/* 1: .sources stanza; 0: one-line */
	char	*type;		/* "deb" or "deb-src" */
	char	*uri;		/* as APT parsed it */
	char	*suite;
	char	*components;	/* comma-separated, may be "" */
	char	*signed_by;	/* "" when none */
};

/*
 * Read APT's configuration (APT_CONFIG, apt.conf, apt.conf.d), then set
 * each NAMES[i] to VALUES[i] (the -o options, in order) and initialise the
 * system.  Returns 0 or -1.
 */
int	 as_apt_init(const char *const *names, const char *const *values,
	    size_t n);

/* _config->Find(NAME, DEF); never NULL (malloc failure exits). */
char	*as_apt_find(const char *name, const char *def);
/* _config->FindFile(NAME) / FindDir(NAME): Dir-prefixed paths. */
char	*as_apt_find_file(const char *name);
char	*as_apt_find_dir(const char *name);

/*
 * Every entry of every configured source file (Dir::Etc::sourcelist and
 * the *.list / *.sources files of Dir::Etc::sourceparts, as apt reads
 * them), parsed by libapt-pkg file by file.  Returns 0 and sets *out
 * (free with as_entries_free) and *n; or -1 when a file cannot be parsed.
 */
int	 as_apt_sources(struct as_entry **out, size_t *n);
void	 as_entries_free(struct as_entry *e, size_t n);

/*
 * Download URL (any scheme APT has a method for) with APT's acquire
 * machinery, honouring Acquire::* (proxies, timeouts).  Returns 0 and a
 * NUL-terminated malloc'd *buf of *len bytes, or -1 with a message.
 */
int	 as_apt_download(const char *url, char **buf, size_t *len);

/* Lower-case hex SHA-256 of DATA into HEX (65 bytes with the NUL). */
void	 as_apt_sha256(const void *data, size_t len, char hex[65]);

#ifdef __cplusplus
}
#endif

#endif
