/*
 * What an OpenPGP key file holds, packet by packet, before gpg sees it:
 * public key material only.  The file is taken apart here (ASCII armor
 * decoded, every packet header read) and only the packets found are
 * handed to gpg, so that gpg and this check always judge the same bytes.
 * Pure: no I/O.
 */
#ifndef AS_PACKET_H
#define AS_PACKET_H

#include <stddef.h>

#define AS_PGP_WHY	192

/* Packet types (RFC 4880 section 4.3; RFC 9580). */
enum {
	AS_PGP_SIGNATURE = 2,
	AS_PGP_SECRET_KEY = 5,
	AS_PGP_PUBLIC_KEY = 6,
	AS_PGP_SECRET_SUBKEY = 7,
	AS_PGP_TRUST = 12,
	AS_PGP_USER_ID = 13,
	AS_PGP_PUBLIC_SUBKEY = 14,
	AS_PGP_USER_ATTRIBUTE = 17
};

/*
 * The LEN bytes of DATA: binary packets, or ASCII armor (one block or
 * several, any text around them ignored), holding only public keys,
 * public subkeys, user IDs, user attributes, signatures and trust
 * packets, each with a definite length, nothing truncated.  Returns 0
 * with the packets, binary and verbatim, in a malloc'd *OUT of *OUTLEN
 * bytes; or -1 with WHY (AS_PGP_WHY bytes) saying what the file holds
 * instead ("a secret key packet (type 5)", ...), for a message that the
 * caller prefixes with the file's name.
 */
int	 as_pgp_public(const void *data, size_t len, char **out,
	    size_t *outlen, char *why);

/* The name of packet type TAG ("secret key", ...), or NULL if unknown. */
const char *as_pgp_name(unsigned tag);

#endif
