/* hersh-apt-source install-key (see commands.h). */

#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fetch.h"
#include "keyring.h"

/*
 * The keyring is there and not ours as it stands (HOW: changed since we
 * wrote it, or never ours): never overwritten.  0 when it holds exactly
 * the gVisor key, valid; else 1 after a message saying how to proceed.
 */
static int
not_ours(const struct as_conf *c, enum as_file how, const char *data,
    size_t len)
{
	const char *origin = how == AS_FILE_CHANGED ?
	    "changed since hersh-apt-source wrote it" :
	    "not created by hersh-apt-source";
	struct as_keyring kr;
	int rc = 0;

	as_keyring_judge(data, len, c->fpr, &kr);
	if (kr.status == AS_KEYRING_OK)
		as_say(c, "%s: already holds the gVisor key %s; %s, left as it is",
		    c->keyring_real, c->fpr, origin);
	else {
		warnx("%s: %s and %s; not overwriting it: move it away, then run "
		    "'hersh-apt-source install-key' again", c->keyring_real,
		    origin, kr.what);
		rc = 1;
	}
	as_keyring_free(&kr);
	return rc;
}

/* Fetch the key from FROM and write it unless the keyring holds it already. */
static int
install(const struct as_conf *c, struct as_state *st, const char *from,
    const char *old, size_t oldlen)
{
	char *data, *key;
	size_t len, keylen;
	int rc = 1;

	if (as_fetch_key(c, from, &data, &len) == -1)
		return 1;
	if (as_keyring_take(c, from, data, len, &key, &keylen) == -1) {
		free(data);
		return 1;
	}
	free(data);
	if (old != NULL && oldlen == keylen && memcmp(old, key, keylen) == 0) {
		as_say(c, "%s: already holds the gVisor key %s; unchanged",
		    c->keyring_real, c->fpr);
		rc = 0;
	} else if (as_write_recorded(c, st, c->keyring_real, key, keylen) == 0) {
		as_say(c, "%s: installed the gVisor key %s", c->keyring_real,
		    c->fpr);
		rc = 0;
	}
	free(key);
	return rc;
}

int
as_cmd_install_key(const struct as_conf *c, const char *from)
{
	struct as_state st;
	enum as_file how;
	char *old = NULL;
	size_t oldlen = 0;
	int rc;

	as_fetch_sweep();
	if (as_state_load(c, &st) == -1)
		return 1;
	if (as_state_file(c, &st, c->keyring, &how, &old, &oldlen) == -1)
		rc = 1;
	else if (how == AS_FILE_CHANGED || how == AS_FILE_FOREIGN)
		rc = not_ours(c, how, old, oldlen);
	else
		rc = install(c, &st, from != NULL ? from : c->key_url, old, oldlen);
	free(old);
	as_state_free(&st);
	return rc;
}
