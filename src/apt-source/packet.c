/* Public key material only: OpenPGP armor and packet headers (see packet.h).  No I/O. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "lib/xmalloc.h"

/* A growable byte buffer (allocation failure exits: xmalloc.h). */
struct buf {
	char	*buf;
	size_t	 len, cap;
};

static void
buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		b->cap = (b->len + len + 1) * 2;
		b->buf = xreallocarray(b->buf, b->cap, 1);
	}
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

static const char *const names[] = {
	[1] = "public-key encrypted session key",
	[2] = "signature",
	[3] = "symmetric-key encrypted session key",
	[4] = "one-pass signature",
	[5] = "secret key",
	[6] = "public key",
	[7] = "secret subkey",
	[8] = "compressed data",
	[9] = "symmetrically encrypted data",
	[10] = "marker",
	[11] = "literal data",
	[12] = "trust",
	[13] = "user ID",
	[14] = "public subkey",
	[17] = "user attribute",
	[18] = "encrypted and integrity protected data",
	[19] = "modification detection code",
	[20] = "AEAD encrypted data",
	[21] = "padding"
};

const char *
as_pgp_name(unsigned tag)
{
	if (tag >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[tag];
}

static int
allowed(unsigned tag)
{
	return tag == AS_PGP_SIGNATURE || tag == AS_PGP_PUBLIC_KEY ||
	    tag == AS_PGP_TRUST || tag == AS_PGP_USER_ID ||
	    tag == AS_PGP_PUBLIC_SUBKEY || tag == AS_PGP_USER_ATTRIBUTE;
}

static int
fail(char *why, const char *msg)
{
	snprintf(why, AS_PGP_WHY, "%s", msg);
	return -1;
}

/* WHY for a packet of type TAG that is not public key material. */
static int
refuse_tag(char *why, unsigned tag)
{
	const char *name = as_pgp_name(tag);

	if (tag == AS_PGP_SECRET_KEY || tag == AS_PGP_SECRET_SUBKEY)
		snprintf(why, AS_PGP_WHY, "holds secret key material (a %s "
		    "packet, type %u); only public keys are accepted", name, tag);
	else if (name != NULL)
		snprintf(why, AS_PGP_WHY, "holds a %s packet (type %u), which "
		    "is not public key material", name, tag);
	else
		snprintf(why, AS_PGP_WHY, "holds a packet of type %u, which is "
		    "not public key material", tag);
	return -1;
}

/*
 * Walk the packets of D (LEN bytes): 0 when each is allowed, complete and
 * of definite length; else -1 with WHY.
 */
static int
walk(const unsigned char *d, size_t len, char *why)
{
	size_t off = 0, hdr, body;
	unsigned tag, lt;

	if (len == 0)
		return fail(why, "holds no OpenPGP packet");
	while (off < len) {
		if (!(d[off] & 0x80)) {
			snprintf(why, AS_PGP_WHY, "is not OpenPGP data (no "
			    "packet header at byte %zu)", off);
			return -1;
		}
		if (d[off] & 0x40) {		/* new format */
			tag = d[off] & 0x3f;
			if (off + 1 >= len)
				return fail(why, "is truncated (a packet header "
				    "is cut off)");
			if (d[off + 1] < 192) {
				hdr = 2;
				body = d[off + 1];
			} else if (d[off + 1] < 224) {
				if (off + 2 >= len)
					return fail(why, "is truncated (a packet "
					    "header is cut off)");
				hdr = 3;
				body = ((size_t)(d[off + 1] - 192) << 8) +
				    d[off + 2] + 192;
			} else if (d[off + 1] == 255) {
				if (len - off < 6)
					return fail(why, "is truncated (a packet "
					    "header is cut off)");
				hdr = 6;
				body = ((size_t)d[off + 2] << 24) |
				    ((size_t)d[off + 3] << 16) |
				    ((size_t)d[off + 4] << 8) | d[off + 5];
			} else {
				if (!allowed(tag))
					return refuse_tag(why, tag);
				return fail(why, "holds a packet of partial "
				    "lengths, which no key packet has");
			}
		} else {			/* old format */
			tag = (d[off] >> 2) & 0x0f;
			lt = d[off] & 0x03;
			if (lt == 3) {
				if (!allowed(tag))
					return refuse_tag(why, tag);
				return fail(why, "holds a packet of indeterminate "
				    "length, which no key packet has");
			}
			hdr = 1 + ((size_t)1 << lt);
			if (len - off < hdr)
				return fail(why, "is truncated (a packet header "
				    "is cut off)");
			for (body = 0, lt = 1; lt < hdr; lt++)
				body = (body << 8) | d[off + lt];
		}
		if (!allowed(tag))
			return refuse_tag(why, tag);
		if (body > len - off - hdr)
			return fail(why, "is truncated (a packet is longer than "
			    "the file)");
		off += hdr + body;
	}
	return 0;
}

static int
b64(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

static uint32_t
crc24(const unsigned char *d, size_t len)
{
	uint32_t crc = 0xB704CEu;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= (uint32_t)d[i] << 16;
		for (b = 0; b < 8; b++) {
			crc <<= 1;
			if (crc & 0x1000000u)
				crc ^= 0x1864CFBu;
		}
	}
	return crc & 0xFFFFFFu;
}

/* One armor block being read. */
struct block {
	struct buf	 data;
	uint32_t	 acc;
	int		 nbits, padded, has_crc;
	uint32_t	 crc;
	size_t		 line;		/* of its BEGIN line */
};

/* Decode the base64 of LINE (N bytes) into B; -1 with WHY. */
static int
body_line(struct block *b, const char *line, size_t n, size_t lineno,
    char *why)
{
	size_t i;
	int v;

	for (i = 0; i < n; i++) {
		if (line[i] == '=') {
			b->padded = 1;
			continue;
		}
		if ((v = b64((unsigned char)line[i])) == -1 || b->padded) {
			snprintf(why, AS_PGP_WHY, "has damaged ASCII armor "
			    "(line %zu)", lineno);
			return -1;
		}
		b->acc = (b->acc << 6) | (uint32_t)v;
		b->nbits += 6;
		if (b->nbits >= 8) {
			b->nbits -= 8;
			{
			char c = (char)((b->acc >> b->nbits) & 0xff);

			buf_add(&b->data, &c, 1);
		}
		}
	}
	return 0;
}

/* The checksum line "=XXXX" of LINE (N bytes); -1 with WHY. */
static int
crc_line(struct block *b, const char *line, size_t n, size_t lineno,
    char *why)
{
	int i, v;

	b->crc = 0;
	for (i = 1; i < 5 && n == 5; i++) {
		if ((v = b64((unsigned char)line[i])) == -1)
			break;
		b->crc = (b->crc << 6) | (uint32_t)v;
	}
	if (n != 5 || i != 5) {
		snprintf(why, AS_PGP_WHY, "has damaged ASCII armor (line %zu)",
		    lineno);
		return -1;
	}
	b->has_crc = 1;
	return 0;
}

static int
starts(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return n >= p && memcmp(s, prefix, p) == 0;
}

static int
ends(const char *s, size_t n, const char *suffix)
{
	size_t p = strlen(suffix);

	return n >= p && memcmp(s + n - p, suffix, p) == 0;
}

/* Close block B: check its checksum, walk it, add its packets to OUT. */
static int
close_block(struct block *b, struct buf *out, char *why)
{
	size_t n;

	if (b->has_crc &&
	    crc24((const unsigned char *)b->data.buf, b->data.len) != b->crc) {
		snprintf(why, AS_PGP_WHY, "has damaged ASCII armor (the "
		    "checksum of the block at line %zu does not match)", b->line);
		return -1;
	}
	if (walk((const unsigned char *)b->data.buf, b->data.len, why) == -1) {
		n = strlen(why);
		snprintf(why + n, AS_PGP_WHY - n, " (armor block at line %zu)",
		    b->line);
		return -1;
	}
	buf_add(out, b->data.buf, b->data.len);
	return 0;
}

/* Decode every armor block of TEXT into OUT; -1 with WHY. */
static int
dearmor(const char *text, size_t len, struct buf *out, char *why)
{
	enum { OUTSIDE, HEADERS, BODY, AFTER_CRC } state = OUTSIDE;
	const char *p = text, *end = text + len, *nl;
	struct block b;
	size_t n, lineno = 0, blocks = 0;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	for (; p < end; p = nl < end ? nl + 1 : end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
		    p[n - 1] == '\t'))
			n--;
		if (state == OUTSIDE) {
			if (!starts(p, n, "-----BEGIN PGP ") || !ends(p, n, "-----"))
				continue;
			if (starts(p, n, "-----BEGIN PGP SIGNED MESSAGE-----")) {
				snprintf(why, AS_PGP_WHY, "holds a signed message "
				    "(line %zu), not a key", lineno);
				goto out;
			}
			b.data.len = 0;
			b.acc = 0;
			b.nbits = b.padded = b.has_crc = 0;
			b.line = lineno;
			state = HEADERS;
			continue;
		}
		if (starts(p, n, "-----END PGP ")) {
			if (close_block(&b, out, why) == -1)
				goto out;
			blocks++;
			state = OUTSIDE;
			continue;
		}
		if (state == AFTER_CRC) {
			snprintf(why, AS_PGP_WHY, "has damaged ASCII armor (line "
			    "%zu)", lineno);
			goto out;
		}
		if (state == HEADERS) {
			if (n == 0 || memchr(p, ':', n) != NULL) {
				if (n == 0)
					state = BODY;
				continue;
			}
			state = BODY;
		}
		if (n > 0 && p[0] == '=' && b.data.len > 0) {
			if (crc_line(&b, p, n, lineno, why) == -1)
				goto out;
			state = AFTER_CRC;
		} else if (body_line(&b, p, n, lineno, why) == -1)
			goto out;
	}
	if (state != OUTSIDE)
		snprintf(why, AS_PGP_WHY, "has an ASCII armor block that is not "
		    "closed (line %zu)", b.line);
	else if (blocks == 0)
		snprintf(why, AS_PGP_WHY, "holds no OpenPGP data (neither "
		    "packets nor ASCII armor)");
	else
		rc = 0;
out:
	free(b.data.buf);
	return rc;
}

int
as_pgp_public(const void *data, size_t len, char **out, size_t *outlen,
    char *why)
{
	const unsigned char *d = data;
	struct buf sb = { NULL, 0, 0 };

	*out = NULL;
	*outlen = 0;
	if (len == 0)
		return fail(why, "is empty");
	if (d[0] & 0x80) {
		if (walk(d, len, why) == -1)
			goto fail;
		buf_add(&sb, data, len);
	} else if (dearmor(data, len, &sb, why) == -1)
		goto fail;
	if (sb.buf == NULL)
		buf_add(&sb, "", 0);
	*outlen = sb.len;
	*out = sb.buf;
	return 0;
fail:
	free(sb.buf);
	return -1;
}
