/*
 * OpenPGP keys for hersh-apt-source, through gpg(1) run from GPG_PATH with
 * a minimal environment in a private, throwaway GNUPGHOME: what a key
 * file holds, and one key exported from it.
 */
#ifndef AS_KEY_H
#define AS_KEY_H

#include <stddef.h>

#ifndef GPG_PATH
#define GPG_PATH	"/usr/bin/gpg"
#endif

/* One key block: a primary key and its subkeys, as gpg lists them. */
struct as_key {
	char		  fpr[65];	/* the primary key, upper-case hex */
	char		  validity;	/* gpg's: 'e' expired, 'r' revoked, 'i' invalid */
	long long	  expires;	/* seconds since the epoch; 0 for never */
	char		(*sub)[65];	/* the subkeys' fingerprints */
	size_t		  nsub;
};

struct as_keys {
	struct as_key	*k;
	size_t		 n;
};

/*
 * The key blocks in the LEN bytes of DATA (armored or binary), from
 * `gpg --show-keys --with-colons`.  Returns 0 with *out (n >= 1), or -1
 * with *why (malloc'd) saying why gpg found no key.
 */
int	 as_key_list(const void *data, size_t len, struct as_keys *out,
	    char **why);
void	 as_keys_free(struct as_keys *k);

/* The key block in K whose primary key is FPR, or NULL. */
const struct as_key *as_key_find(const struct as_keys *k, const char *fpr);

/*
 * Import DATA and export the key FPR (binary) into a malloc'd *out of
 * *outlen bytes.  Returns 0, or -1 with *why (malloc'd).
 */
int	 as_key_export(const void *data, size_t len, const char *fpr,
	    char **out, size_t *outlen, char **why);

#endif
