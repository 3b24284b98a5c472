/*
 * A plain C view of libapt-pkg for hersh-apt-source: APT's configuration,
 * the configured sources, downloads and SHA-256.  Implemented in apt.cc;
 * the only file that includes a libapt-pkg header.
 *
 * Functions that fail print APT's messages on stderr (prefixed with the
 * program name) and return -1 or NULL.  Strings returned are malloc'd.
 */
#ifndef AS_APT_H
#define AS_APT_H

#include <stddef.h>
#include <sys/types.h>

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
/* _config->FindDir(NAME): a Dir-prefixed path with a trailing '/'. */
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
 * Download URL (any scheme APT has a method for) into DIR/download with
 * APT's acquire machinery, honouring Acquire::* (proxies, timeouts).  The
 * download stops, and fails, once it passes MAX bytes, after SECONDS in
 * all, or when a signal was caught (interrupt.h).  Returns 0, or -1 after
 * a message naming URL.  DIR must be writable by APT's sandbox user.
 */
int	 as_apt_download(const char *url, const char *dir,
	    unsigned long long max, long seconds);

/* APT::Sandbox::User's ids (the user the methods run as); -1 if unknown. */
int	 as_apt_sandbox_user(uid_t *uid, gid_t *gid);

/* Lower-case hex SHA-256 of DATA into HEX (65 bytes with the NUL). */
void	 as_apt_sha256(const void *data, size_t len, char hex[65]);

#ifdef __cplusplus
}
#endif

#endif
