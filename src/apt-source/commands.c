/* The commands of hersh-apt-source (see as_cmd.h). */

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apt.h"
#include "commands.h"
#include "sources.h"
#include "key.h"
#include "state.h"
#include "text.h"
#include "lib/atomic-file.h"

static void say(const struct as_conf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* One line on stdout saying what was done, unless -q. */
static void
say(const struct as_conf *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int
as_cmd_show(const struct as_conf *c)
{
	struct as_entry *e;
	struct as_source *s;
	size_t n, ns, i;
	char *found;
	const char *status[] = { "ok", "missing", "mismatch" };
	enum as_keyring kr;

	if (as_apt_sources(&e, &n) == -1)
		return 1;
	ns = as_sources(c, e, n, &s);
	for (i = 0; i < ns; i++)
		printf("source\t%s\t%s\t%s\t%s\t%s\n", s[i].file,
		    s[i].deb822 ? "deb822" : "one-line", s[i].uri, s[i].suites,
		    s[i].signed_by);
	kr = as_keyring_check(c, &found);
	printf("keyring\t%s\t%s\t%s\n", c->keyring_real, status[kr],
	    found != NULL && *found != '\0' ? found : "-");
	free(found);
	as_sources_free(s, ns);
	as_entries_free(e, n);
	free(e);
	return ns > 0 ? 0 : 3;
}

/* exit status 1 unless the keyring holds exactly the expected key */
static int
need_key(const struct as_conf *c)
{
	enum as_keyring kr;
	char *found;

	kr = as_keyring_check(c, &found);
	if (kr == AS_KEYRING_MISSING)
		warnx("%s: no gVisor keyring; run 'hersh-apt-source install-key' "
		    "first (no source is added without its key)", c->keyring_real);
	else if (kr == AS_KEYRING_MISMATCH)
		warnx("%s: holds key %s, not the gVisor key %s; run "
		    "'hersh-apt-source install-key'", c->keyring_real,
		    found != NULL ? found : "(none)", c->fpr);
	free(found);
	return kr == AS_KEYRING_OK ? 0 : 1;
}

/* Record REAL (written with DATA) in the state file. */
static int
record(const struct as_conf *c, struct as_state *st, const char *real,
    const void *data, size_t len)
{
	char hex[65], *target = as_conf_target(c, real);

	as_apt_sha256(data, len, hex);
	as_state_set(st, target, hex);
	free(target);
	return as_state_save(c, st);
}

int
as_cmd_add(const struct as_conf *c, const char *suite)
{
	struct as_entry *e;
	struct as_source *s;
	struct as_state st;
	struct stat sb;
	size_t n, ns, i;
	char *list, *line;
	int rc = 1;

	if (as_apt_sources(&e, &n) == -1)
		return 1;
	ns = as_sources(c, e, n, &s);
	for (i = 0; i < ns; i++)
		say(c, "%s: gVisor source already configured (suites %s); "
		    "nothing added", s[i].file, s[i].suites);
	as_sources_free(s, ns);
	as_entries_free(e, n);
	free(e);
	if (ns > 0)
		return 0;
	if (need_key(c) != 0)
		return 1;

	if (asprintf(&list, "%s%s", c->parts, AS_LIST_NAME) == -1)
		err(1, "asprintf");
	if (lstat(list, &sb) == 0) {
		warnx("%s: exists but holds no gVisor source; not overwriting "
		    "it (move it away, then run add again)", list);
		free(list);
		return 1;
	}
	if (as_state_load(c, &st) == -1) {
		free(list);
		return 1;
	}
	line = as_list_line(c->arch, c->keyring, c->uri, suite);
	if (as_write(list, line, strlen(line)) == 0 &&
	    record(c, &st, list, line, strlen(line)) == 0) {
		say(c, "%s: added the gVisor source %s, suite %s", list, c->uri,
		    suite);
		rc = 0;
	}
	free(line);
	free(list);
	as_state_free(&st);
	return rc;
}

/* The key at FROM (a URL or a file), or -1 after a message. */
static int
fetch_key(const char *from, char **buf, size_t *len)
{
	if (strstr(from, "://") != NULL)
		return as_apt_download(from, buf, len);
	if (read_file(from, buf, len) == -1) {
		warn("%s", from);
		return -1;
	}
	return 0;
}

/* 0 when the key data from FROM holds the expected primary key. */
static int
verify_key(const struct as_conf *c, const char *from, const char *data,
    size_t len)
{
	char **fprs;
	size_t n, i;
	int ok = 0;

	if (as_key_fprs(from, data, len, &fprs, &n) == -1)
		return -1;
	for (i = 0; i < n; i++)
		ok = ok || strcmp(fprs[i], c->fpr) == 0;
	if (!ok) {
		warnx("%s: key %s%s is not the gVisor key %s; nothing written",
		    from, fprs[0], n > 1 ? " (and others)" : "", c->fpr);
	}
	as_key_fprs_free(fprs, n);
	return ok ? 0 : -1;
}

int
as_cmd_install_key(const struct as_conf *c, const char *from)
{
	struct as_state st;
	char *data, *key, *old = NULL, hex[65];
	size_t len, keylen, oldlen = 0;
	long i;
	int rc = 1, existed, ours;

	if (from == NULL)
		from = c->key_url;
	if (fetch_key(from, &data, &len) == -1)
		return 1;
	if (verify_key(c, from, data, len) == -1 ||
	    as_key_export(from, data, len, c->fpr, &key, &keylen) == -1) {
		free(data);
		return 1;
	}
	free(data);

	existed = read_file(c->keyring_real, &old, &oldlen) == 0;
	if (!existed && errno != ENOENT) {
		warn("%s", c->keyring_real);
		free(key);
		return 1;
	}
	if (existed && oldlen == keylen && memcmp(old, key, keylen) == 0) {
		say(c, "%s: already holds the gVisor key %s; unchanged",
		    c->keyring_real, c->fpr);
		free(old);
		free(key);
		return 0;
	}
	if (as_state_load(c, &st) == -1)
		goto out;
	/* Ours: created by us and unchanged since, or not there at all. */
	i = as_state_find(&st, c->keyring);
	ours = !existed;
	if (existed && i != -1) {
		as_apt_sha256(old, oldlen, hex);
		ours = strcmp(hex, st.hash[i]) == 0;
	}
	if (as_write(c->keyring_real, key, keylen) == 0 &&
	    (!ours || record(c, &st, c->keyring_real, key, keylen) == 0)) {
		say(c, "%s: installed the gVisor key %s", c->keyring_real,
		    c->fpr);
		rc = 0;
	}
	as_state_free(&st);
out:
	free(old);
	free(key);
	return rc;
}

/* A source file we wrote (removed before keyrings that may serve it). */
static int
is_source_file(const char *path)
{
	size_t n = strlen(path);

	return (n > 5 && strcmp(path + n - 5, ".list") == 0) ||
	    (n > 8 && strcmp(path + n - 8, ".sources") == 0);
}

/* The file of an entry among E whose Signed-By names PATH, or NULL. */
static const char *
user_of(const struct as_conf *c, const char *path, struct as_entry *e,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (as_signed_by_uses(c, &e[i], path))
			return e[i].file;
	return NULL;
}

/*
 * Remove state entry I if its file is unchanged: 1 removed (or gone),
 * 0 left, -1 error.
 */
static int
remove_one(const struct as_conf *c, struct as_state *st, size_t i,
    struct as_entry *e, size_t n)
{
	char *real = as_conf_real(c, st->path[i]), *buf, hex[65];
	const char *user;
	size_t len;
	int r = 0;

	if (read_file(real, &buf, &len) == -1) {
		if (errno == ENOENT) {
			say(c, "%s: already gone", real);
			r = 1;
		} else {
			warn("%s", real);
			r = -1;
		}
		free(real);
		return r;
	}
	as_apt_sha256(buf, len, hex);
	free(buf);
	if (strcmp(hex, st->hash[i]) != 0)
		warnx("%s: changed since hersh-apt-source wrote it; left in place",
		    real);
	else if ((user = user_of(c, st->path[i], e, n)) != NULL)
		warnx("%s: still used by the source in %s; left in place", real,
		    user);
	else if (unlink(real) == -1) {
		warn("%s", real);
		r = -1;
	} else {
		say(c, "%s: removed", real);
		r = 1;
	}
	free(real);
	return r;
}

int
as_cmd_remove(const struct as_conf *c)
{
	struct as_state st;
	struct as_entry *e = NULL;
	size_t i, n = 0;
	int pass, r, rc = 0;

	if (as_state_load(c, &st) == -1)
		return 1;
	if (st.n == 0) {
		say(c, "%s: nothing to remove", c->state_real);
		return 0;
	}
	/* Sources first; then keyrings no remaining source names. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1 && as_apt_sources(&e, &n) == -1) {
			warnx("cannot read APT's sources; removing keyrings anyway");
			e = NULL;
			n = 0;
		}
		for (i = 0; i < st.n;) {
			if (is_source_file(st.path[i]) != (pass == 0)) {
				i++;
				continue;
			}
			r = remove_one(c, &st, i, e, n);
			if (r == 1)
				as_state_del(&st, i);
			else
				i++;
			if (r == -1)
				rc = 1;
		}
	}
	as_entries_free(e, n);
	free(e);
	if (as_state_save(c, &st) == -1)
		rc = 1;
	as_state_free(&st);
	return rc;
}
