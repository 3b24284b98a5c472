/*
 * The gVisor keyring: exactly one primary key, the expected one, valid.
 * What an installed keyring holds, and the key taken from a downloaded or
 * given file for install-key (nothing riding along with it).
 */
#ifndef AS_KEYRING_H
#define AS_KEYRING_H

#include <stddef.h>

#include "config.h"

enum as_keyring_status {
	AS_KEYRING_OK,		/* exactly the expected key, valid */
	AS_KEYRING_MISSING,
	AS_KEYRING_MISMATCH,	/* another key, more keys, or none */
	AS_KEYRING_EXPIRED,	/* the expected key alone, expired */
	AS_KEYRING_REVOKED	/* the expected key alone, revoked */
};

/* "ok", "missing", "mismatch", "expired", "revoked" */
extern const char *const as_keyring_names[];

struct as_keyring {
	enum as_keyring_status	 status;
	char			*found;	/* its primary keys, comma-separated, or "" */
	char			*what;	/* "holds ..." for messages */
	long long		 expires; /* the expected key alone: its expiry
					    (seconds since the epoch, 0 never);
					    else -1 */
};

/*
 * Judge the key data DATA (LEN bytes) against the fingerprint FPR.  Data
 * that holds anything but public key material (packet.h) is a mismatch.
 */
void	 as_keyring_judge(const void *data, size_t len, const char *fpr,
	    struct as_keyring *kr);
/* Judge the configured keyring (MISSING when absent). */
void	 as_keyring_check(const struct as_conf *c, struct as_keyring *kr);
void	 as_keyring_free(struct as_keyring *kr);

/*
 * The key C->fpr from DATA, read from LABEL (a file or URL), ready to be
 * the keyring: refused (-1 after a message naming LABEL) unless DATA
 * holds public key material only (packet.h), that primary key among it,
 * valid, and no other key block carries a key
 * with that fingerprint; the export holds exactly that one primary key.
 * *key is malloc'd.
 */
int	 as_keyring_take(const struct as_conf *c, const char *label,
	    const void *data, size_t len, char **key, size_t *keylen);

#endif
