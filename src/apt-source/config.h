/*
 * hersh-apt-source's settings, read from APT's configuration once the
 * command line overrides are in it (as_apt_init), and the mapping between
 * paths inside the target system and paths under Dir.
 */
#ifndef AS_CONF_H
#define AS_CONF_H

/*
 * gVisor's own values (repository, key, keyring) are upstream facts: they
 * come from facts.h (HG_FACT_*, generated from src/upstream.facts).  Only
 * hersh-apt-source's own constants are here.
 */
#define AS_DEFAULT_KEY_TIMEOUT	"60"	/* seconds for the whole key download */
#define AS_DEFAULT_LOCK_TIMEOUT	"60"	/* seconds to wait for another run's lock */
#define AS_TIMEOUT_MAX		86400	/* seconds: a day */
#define AS_KEY_MAX		(1024 * 1024)	/* bytes: a key is a few KiB */
#define AS_STATE_DIR		"/var/lib/hersh-gvisor"
#define AS_STATE_NAME		"apt-source"	/* locked with lock.h: a file beside it */
#define AS_STATE		AS_STATE_DIR "/" AS_STATE_NAME
#define AS_LIST_NAME		"gvisor.list"
#define AS_CONF_NAME		"50hersh-gvisor"	/* in Dir::Etc::parts */
#define AS_OLD_CONF_SUM		"apt-conf"	/* 0.1.0's record of it, in AS_STATE_DIR */

/*
 * Settings given with --uri, --key-url, --fingerprint, --lock-timeout
 * (named so in messages).
 */
#define AS_GIVEN_URI		0x1
#define AS_GIVEN_KEY_URL	0x2
#define AS_GIVEN_FPR		0x4
#define AS_GIVEN_LOCK_TIMEOUT	0x8

/* What a command needs checked (as_conf_need). */
#define AS_NEED_URI		0x1	/* the URI rule and apt's method for it */
#define AS_NEED_KEY_URL		0x2	/* the key URL rule */
#define AS_NEED_FPR		0x4	/* the fingerprint */
#define AS_NEED_TIMEOUT		0x8	/* the key download's deadline */
#define AS_NEED_LOCK		0x10	/* the lock's deadline */

struct as_conf {
	char	*root;		/* Dir without its trailing slash; "" for / */
	int	 rootfd;	/* Dir opened (as_target_open); -1 on the host */
	char	*parts;		/* Dir::Etc::sourceparts (under Dir), with '/' */
	char	*arch;		/* APT::Architecture */
	char	*uri;		/* Hersh-Gvisor::URI, no trailing slash */
	char	*uri_raw;	/* the same as APT's configuration says it */
	char	*key_url;	/* Hersh-Gvisor::Key-URL; "" for the shipped key */
	char	*shipped_key;	/* Hersh-Gvisor::Shipped-Key, on this system (not under Dir) */
	char	*fpr_raw;	/* Hersh-Gvisor::Fingerprint as given */
	char	*fpr;		/* the same normalised, once AS_NEED_FPR passed */
	char	*keyring;	/* Hersh-Gvisor::Keyring, inside the target */
	char	*keyring_real;	/* the same under Dir */
	char	*pin;		/* the preferences file, inside the target */
	char	*pin_real;	/* the same under Dir */
	char	*state_real;	/* AS_STATE under Dir */
	char	*conf;		/* Dir::Etc::parts/AS_CONF_NAME, inside the target */
	char	*conf_real;	/* the same under Dir */
	char	*methods;	/* Dir::Bin::Methods, with '/' */
	long	 key_timeout;	/* Hersh-Gvisor::Key-Timeout, seconds */
	long	 lock_timeout;	/* Hersh-Gvisor::Lock-Timeout, seconds */
	unsigned given;		/* AS_GIVEN_* */
	int	 quiet;
};

/*
 * Fill C from APT's configuration; GIVEN says which settings came from
 * options (AS_GIVEN_*).  -1 after a message naming the setting.
 */
int	 as_conf_load(struct as_conf *c, unsigned given);
/* Check the settings of NEED (AS_NEED_*); -1 after a message naming one. */
int	 as_conf_need(struct as_conf *c, unsigned need);
void	 as_conf_free(struct as_conf *c);

/*
 * Has apt a method for URI's scheme in METHODS (Dir::Bin::Methods, with
 * '/'), and for X+Y also for X?  0, or -1 with WHY (AS_WHY bytes).
 */
int	 as_uri_method(const char *methods, const char *uri, char *why);

/* The path under Dir of TARGET_PATH (absolute inside the target), malloc'd. */
char	*as_conf_real(const struct as_conf *c, const char *target_path);
/* The path inside the target of REAL (a path under Dir), malloc'd. */
char	*as_conf_target(const struct as_conf *c, const char *real);

#endif
