/* What the gVisor keyring holds, and what may go into it (see keyring.h). */

#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "key.h"
#include "keyring.h"
#include "packet.h"
#include "sources.h"
#include "target.h"
#include "lib/xmalloc.h"

const char *const as_keyring_names[] = {
	"ok", "missing", "mismatch", "expired", "revoked"
};

/* The status of key blocks K against FPR. */
static enum as_keyring_status
status_of(const struct as_keys *k, const char *fpr)
{
	if (k->n != 1 || strcmp(k->k[0].fpr, fpr) != 0)
		return AS_KEYRING_MISMATCH;
	if (k->k[0].validity == 'r')
		return AS_KEYRING_REVOKED;
	if (k->k[0].validity == 'e')
		return AS_KEYRING_EXPIRED;
	if (k->k[0].validity == 'i')
		return AS_KEYRING_MISMATCH;
	return AS_KEYRING_OK;
}

/* "2020-01-02" for an expiry time, or "an unknown date". */
static char *
day(long long t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d", &tm) == 0)
		return xstrdup("an unknown date");
	return xstrdup(buf);
}

/* What is wrong with KEY, judged S: "expired (since ...)", "revoked", ... */
static char *
flaw(const struct as_key *key, enum as_keyring_status s)
{
	char *d, *out;

	if (s == AS_KEYRING_REVOKED)
		return xstrdup("revoked");
	if (s != AS_KEYRING_EXPIRED)
		return xstrdup("not valid");
	d = day(key->expires);
	out = xasprintf("expired (since %s)", d);
	free(d);
	return out;
}

/* What key blocks K hold, judged as S against FPR, for messages. */
static char *
describe(const struct as_keys *k, enum as_keyring_status s, const char *fpr,
    const char *found)
{
	char *f, *out;

	if (s == AS_KEYRING_OK)
		return xasprintf("holds the gVisor key %s", fpr);
	if (k->n == 0)
		return xstrdup("holds no OpenPGP key");
	if (k->n == 1 && strcmp(k->k[0].fpr, fpr) == 0) {
		f = flaw(&k->k[0], s);
		out = xasprintf("holds the gVisor key %s, %s", fpr, f);
		free(f);
		return out;
	}
	if (k->n == 1)
		return xasprintf("holds key %s, not the gVisor key %s", found, fpr);
	return xasprintf("holds %zu keys (%s), not only the gVisor key %s", k->n,
	    found, fpr);
}

/* The primary fingerprints of K, comma-separated, malloc'd. */
static char *
primaries(const struct as_keys *k)
{
	char *list = xstrdup("");
	size_t i;

	for (i = 0; i < k->n; i++)
		list = as_list_add(list, k->k[i].fpr);
	return list;
}

static void
judge_keys(const struct as_keys *k, const char *fpr, struct as_keyring *kr)
{
	kr->status = status_of(k, fpr);
	kr->found = primaries(k);
	kr->what = describe(k, kr->status, fpr, kr->found);
	kr->expires = -1;
	if (k->n == 1 && strcmp(k->k[0].fpr, fpr) == 0)
		kr->expires = k->k[0].expires;
}

void
as_keyring_judge(const void *data, size_t len, const char *fpr,
    struct as_keyring *kr)
{
	char pwhy[AS_PGP_WHY], *bin, *why;
	struct as_keys k;
	size_t binlen;

	memset(kr, 0, sizeof(*kr));
	if (as_pgp_public(data, len, &bin, &binlen, pwhy) == -1) {
		kr->status = AS_KEYRING_MISMATCH;
		kr->found = xstrdup("");
		kr->what = xstrdup(pwhy);
		kr->expires = -1;
		return;
	}
	if (as_key_list(bin, binlen, &k, &why) == -1) {
		free(why);
		memset(&k, 0, sizeof(k));
	}
	free(bin);
	judge_keys(&k, fpr, kr);
	as_keys_free(&k);
}

void
as_keyring_check(const struct as_conf *c, struct as_keyring *kr)
{
	struct as_file f;

	memset(kr, 0, sizeof(*kr));
	kr->expires = -1;
	if (as_file_open(c, &f, c->keyring_real, AS_OPEN_FOLLOW) == -1) {
		kr->status = AS_KEYRING_MISMATCH;
		kr->what = xstrdup("cannot be read");
	} else if (f.kind == AS_KIND_REGULAR)
		as_keyring_judge(f.data, f.len, c->fpr, kr);
	else if (f.kind == AS_KIND_ABSENT) {
		kr->status = AS_KEYRING_MISSING;
		kr->what = xstrdup("does not exist");
	} else {
		kr->status = AS_KEYRING_MISMATCH;
		kr->what = f.kind == AS_KIND_OTHER ?
		    xstrdup("is not a regular file") :
		    xasprintf("is larger than %d bytes", AS_FILE_MAX);
	}
	if (f.kind != AS_KIND_REGULAR)
		kr->found = xstrdup("");
	as_file_close(&f);
}

void
as_keyring_free(struct as_keyring *kr)
{
	free(kr->found);
	free(kr->what);
	memset(kr, 0, sizeof(*kr));
}

/* A block of K other than FPR's own that carries FPR as a subkey, or NULL. */
static const struct as_key *
rider(const struct as_keys *k, const char *fpr)
{
	size_t i, j;

	for (i = 0; i < k->n; i++) {
		if (strcmp(k->k[i].fpr, fpr) == 0)
			continue;
		for (j = 0; j < k->k[i].nsub; j++)
			if (strcmp(k->k[i].sub[j], fpr) == 0)
				return &k->k[i];
	}
	return NULL;
}

/* Refuse, naming LABEL, unless key blocks K hold FPR with no rider. */
static int
check_input(const char *label, const struct as_keys *k, const char *fpr)
{
	const struct as_key *r = rider(k, fpr), *g = as_key_find(k, fpr);
	enum as_keyring_status s;
	struct as_keys one;
	char *f;

	if (r != NULL) {
		warnx("%s: key %s carries the gVisor key %s as a subkey; the "
		    "file is refused, since gpg would export key %s with it; "
		    "nothing written", label, r->fpr, fpr, r->fpr);
		return -1;
	}
	if (g == NULL) {
		warnx("%s: key %s%s is not the gVisor key %s; nothing written",
		    label, k->k[0].fpr, k->n > 1 ? " (and others)" : "", fpr);
		return -1;
	}
	one.k = (struct as_key *)g;
	one.n = 1;
	if ((s = status_of(&one, fpr)) == AS_KEYRING_OK)
		return 0;
	f = flaw(g, s);
	warnx("%s: the gVisor key %s is %s; nothing written", label, fpr, f);
	free(f);
	return -1;
}

/* Refuse unless the exported KEY holds FPR alone, valid. */
static int
check_export(const char *label, const char *key, size_t len, const char *fpr)
{
	struct as_keyring kr;
	int rc = 0;

	as_keyring_judge(key, len, fpr, &kr);
	if (kr.status != AS_KEYRING_OK) {
		warnx("%s: the key gpg exported %s; nothing written", label,
		    kr.what);
		rc = -1;
	}
	as_keyring_free(&kr);
	return rc;
}

int
as_keyring_take(const struct as_conf *c, const char *label, const void *data,
    size_t len, char **key, size_t *keylen)
{
	char pwhy[AS_PGP_WHY], *bin, *why;
	struct as_keys k;
	size_t binlen;
	int rc = -1;

	if (as_pgp_public(data, len, &bin, &binlen, pwhy) == -1) {
		warnx("%s: %s; nothing written", label, pwhy);
		return -1;
	}
	if (as_key_list(bin, binlen, &k, &why) == -1) {
		warnx("%s: no OpenPGP key found: %s", label, why);
		free(why);
		free(bin);
		return -1;
	}
	if (check_input(label, &k, c->fpr) == 0) {
		if (as_key_export(bin, binlen, c->fpr, key, keylen, &why) == -1) {
			warnx("%s: gpg cannot export key %s: %s", label, c->fpr,
			    why);
			free(why);
		} else if (check_export(label, *key, *keylen, c->fpr) == -1)
			free(*key);
		else
			rc = 0;
	}
	as_keys_free(&k);
	free(bin);
	return rc;
}
