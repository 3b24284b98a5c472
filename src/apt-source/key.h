/*
 * OpenPGP keys for hersh-apt-source, through gpg(1) in a throwaway
 * GNUPGHOME: which primary keys a file holds, and one key exported alone.
 * LABEL names the key's origin (file or URL) in messages.
 */
#ifndef AS_KEY_H
#define AS_KEY_H

#include <stddef.h>

/*
 * The primary-key fingerprints in the LEN bytes of DATA (armored or
 * binary keys).  Returns 0 with *fprs (upper-case hex, malloc'd) and *n,
 * or -1 after a message when gpg finds no key.
 */
int	 as_key_fprs(const char *label, const void *data, size_t len,
	    char ***fprs, size_t *n);
void	 as_key_fprs_free(char **fprs, size_t n);

/*
 * The key FPR from DATA, alone and binary (gpg --export FPR), in a
 * malloc'd *out of *outlen bytes.  Returns 0 or -1 after a message.
 */
int	 as_key_export(const char *label, const void *data, size_t len,
	    const char *fpr, char **out, size_t *outlen);

#endif
