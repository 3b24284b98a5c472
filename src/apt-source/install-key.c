/* hersh-apt-source install-key (see commands.h). */

#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "facts.h"
#include "fetch.h"
#include "keyring.h"

/*
 * The keyring F is there and not ours as it stands (HOW: changed since we
 * wrote it, or never ours): never overwritten.  0 when it holds exactly
 * the gVisor key, valid (read through a symlink, inside Dir); else 1
 * after a message saying how to proceed.
 */
static int
not_ours(const struct as_conf *c, enum as_how how, const struct as_file *f)
{
	const char *origin = how == AS_FILE_CHANGED ?
	    "changed since hersh-apt-source wrote it" :
	    "not created by hersh-apt-source";
	struct as_keyring kr;
	int rc = 1;

	as_keyring_check(c, &kr);
	if (kr.status == AS_KEYRING_OK) {
		as_say(c, "%s: already holds the gVisor key %s; %s, left as it is",
		    f->label, c->fpr, origin);
		rc = 0;
	} else if (f->kind == AS_KIND_OTHER)
		warnx("%s: not a regular file (a symlink, directory or device) "
		    "and %s; not overwriting it: move it away, then run "
		    "'hersh-apt-source install-key' again", f->label, origin);
	else
		warnx("%s: %s and %s; not overwriting it: move it away, then run "
		    "'hersh-apt-source install-key' again", f->label, origin,
		    kr.what);
	as_keyring_free(&kr);
	return rc;
}

/* Fetch the key from FROM and write it into F unless it holds it already. */
static int
install(const struct as_conf *c, struct as_state *st, const char *from,
    struct as_file *f)
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
	if (f->kind == AS_KIND_REGULAR && f->len == keylen &&
	    memcmp(f->data, key, keylen) == 0) {
		as_say(c, "%s: already holds the gVisor key %s; unchanged",
		    f->label, c->fpr);
		rc = 0;
	} else if (as_write_recorded(c, st, f, key, keylen) == 0) {
		as_say(c, "%s: installed the gVisor key %s", f->label, c->fpr);
		rc = 0;
	}
	free(key);
	return rc;
}

const char *
as_key_source(const struct as_conf *c)
{
	if (*c->key_url == '\0' || strcmp(c->key_url, HG_FACT_KEY_URL) == 0)
		return c->shipped_key;
	return c->key_url;
}

int
as_cmd_install_key(const struct as_conf *c, const char *from)
{
	struct as_state st;
	struct as_file f;
	enum as_how how;
	int rc;

	as_fetch_sweep();
	if (as_state_load(c, &st) == -1)
		return 1;
	if (as_state_file(c, &st, c->keyring_real, &f, &how) == -1)
		rc = 1;
	else if (how == AS_FILE_CHANGED || how == AS_FILE_FOREIGN)
		rc = not_ours(c, how, &f);
	else
		rc = install(c, &st, from != NULL ? from : as_key_source(c), &f);
	as_file_close(&f);
	as_state_free(&st);
	return rc;
}
