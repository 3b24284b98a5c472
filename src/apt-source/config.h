/*
 * hersh-apt-source's settings, read from APT's configuration once the
 * command line overrides are in it (as_apt_init), and the mapping between
 * paths inside the target system and paths under Dir.
 */
#ifndef AS_CONF_H
#define AS_CONF_H

#define AS_DEFAULT_URI		"https://storage.googleapis.com/gvisor/releases"
#define AS_UPSTREAM_URI		AS_DEFAULT_URI
#define AS_DEFAULT_KEY_URL	"https://gvisor.dev/archive.key"
#define AS_DEFAULT_FPR		"6F1DF85E3A71C24918E727D56FC6D554E32BD943"
#define AS_DEFAULT_KEYRING	"/usr/share/keyrings/gvisor-archive-keyring.gpg"
#define AS_STATE		"/var/lib/hersh-gvisor/apt-source"
#define AS_LIST_NAME		"gvisor.list"

struct as_conf {
	char	*root;		/* Dir without its trailing slash; "" for / */
	char	*parts;		/* Dir::Etc::sourceparts (under Dir), with '/' */
	char	*arch;		/* APT::Architecture */
	char	*uri;		/* Hersh-Gvisor::URI, no trailing slash */
	char	*key_url;	/* Hersh-Gvisor::Key-URL */
	char	*fpr;		/* Hersh-Gvisor::Fingerprint, normalised */
	char	*keyring;	/* Hersh-Gvisor::Keyring, inside the target */
	char	*keyring_real;	/* the same under Dir */
	char	*state_real;	/* AS_STATE under Dir */
	int	 quiet;
};

/* Fill C from APT's configuration; -1 after a message naming the setting. */
int	 as_conf_load(struct as_conf *c);
void	 as_conf_free(struct as_conf *c);

/* The path under Dir of TARGET_PATH (absolute inside the target), malloc'd. */
char	*as_conf_real(const struct as_conf *c, const char *target_path);
/* The path inside the target of REAL (a path under Dir), malloc'd. */
char	*as_conf_target(const struct as_conf *c, const char *real);

#endif
