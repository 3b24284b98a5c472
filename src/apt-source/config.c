/* hersh-apt-source settings from APT's configuration (see config.h). */

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apt.h"
#include "config.h"
#include "facts.h"
#include "pin.h"
#include "rules.h"
#include "lib/xmalloc.h"

static int
check_path(const char *name, const char *path)
{
	const char *p;

	if (path[0] != '/') {
		warnx("%s '%s': not an absolute path", name, path);
		return -1;
	}
	for (p = path; *p != '\0'; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\' ||
		    *p == ']' || *p == ',') {
			warnx("%s '%s': contains a space, backslash, comma or bracket",
			    name, path);
			return -1;
		}
	return 0;
}

int
as_conf_load(struct as_conf *c, unsigned given)
{
	char *prefs, *parts;

	memset(c, 0, sizeof(*c));
	c->rootfd = -1;
	c->given = given;
	c->root = as_strip_slashes(as_apt_find_dir("Dir"));
	c->parts = as_apt_find_dir("Dir::Etc::sourceparts");
	c->methods = as_apt_find_dir("Dir::Bin::Methods");
	prefs = as_apt_find_dir("Dir::Etc::PreferencesParts");
	parts = as_apt_find_dir("Dir::Etc::parts");
	c->arch = as_apt_find("APT::Architecture", "");
	c->uri_raw = as_apt_find("Hersh-Gvisor::URI", HG_FACT_URI);
	c->uri = as_strip_slashes(xstrdup(c->uri_raw));
	c->key_url = as_apt_find("Hersh-Gvisor::Key-URL", "");
	c->shipped_key = as_apt_find("Hersh-Gvisor::Shipped-Key",
	    HG_FACT_SHIPPED_KEY);
	c->fpr_raw = as_apt_find("Hersh-Gvisor::Fingerprint", HG_FACT_FINGERPRINT);
	c->keyring = as_apt_find("Hersh-Gvisor::Keyring", HG_FACT_KEYRING);

	c->pin_real = xasprintf("%s/%s", as_strip_slashes(prefs), AS_PIN_NAME);
	free(prefs);
	c->pin = as_conf_target(c, c->pin_real);
	c->conf_real = xasprintf("%s/%s", as_strip_slashes(parts), AS_CONF_NAME);
	free(parts);
	c->conf = as_conf_target(c, c->conf_real);
	if (*c->arch == '\0' || strpbrk(c->arch, " \t,]=") != NULL) {
		warnx("APT::Architecture '%s': not an architecture", c->arch);
		return -1;
	}
	if (check_path("Hersh-Gvisor::Keyring", c->keyring) == -1 ||
	    check_path("Hersh-Gvisor::Shipped-Key", c->shipped_key) == -1)
		return -1;
	c->keyring_real = as_conf_real(c, c->keyring);
	c->state_real = as_conf_real(c, AS_STATE);
	return 0;
}

/* Where a setting came from, for messages. */
static const char *
label(const struct as_conf *c, unsigned given, const char *option,
    const char *setting)
{
	return (c->given & given) ? option : setting;
}

/* Non-zero when apt has the method NAME (N bytes) in METHODS. */
static int
has_method(const char *methods, const char *name, size_t n, char **path)
{
	*path = xasprintf("%s%.*s", methods, (int)n, name);
	return access(*path, X_OK) == 0;
}

int
as_uri_method(const char *methods, const char *uri, char *why)
{
	size_t n = as_uri_scheme_len(uri);
	const char *plus;
	char *path;
	int ok;

	ok = has_method(methods, uri, n, &path);
	if (ok && (plus = memchr(uri, '+', n)) != NULL) {
		free(path);
		ok = has_method(methods, uri, (size_t)(plus - uri), &path);
	}
	if (!ok)
		snprintf(why, AS_WHY, "apt has no method for it on this system "
		    "(%s: %s)", path, strerror(errno));
	free(path);
	return ok ? 0 : -1;
}

/* The URI rule, then apt's method for the scheme (and for X+Y, for X). */
static int
need_uri(const struct as_conf *c)
{
	const char *name = label(c, AS_GIVEN_URI, "--uri", "Hersh-Gvisor::URI");
	char why[AS_WHY];

	if (as_uri_check(c->uri, why) == -1 ||
	    as_uri_method(c->methods, c->uri, why) == -1) {
		warnx("%s '%s': %s", name, c->uri, why);
		return -1;
	}
	return 0;
}

static int
need_key_url(const struct as_conf *c)
{
	const char *name = label(c, AS_GIVEN_KEY_URL, "--key-url",
	    "Hersh-Gvisor::Key-URL");
	char why[AS_WHY];

	if (as_key_url_check(c->key_url, why) == -1) {
		warnx("%s '%s': %s", name, c->key_url, why);
		return -1;
	}
	return 0;
}

/* The seconds of SETTING (default DEF), from MIN to AS_TIMEOUT_MAX, into *OUT. */
static int
need_seconds(const char *setting, const char *name, const char *def, long min,
    long *out)
{
	char why[AS_WHY], *t;
	int r;

	t = as_apt_find(setting, def);
	if ((r = as_seconds_check(t, min, AS_TIMEOUT_MAX, out, why)) == -1)
		warnx("%s '%s': %s", name, t, why);
	free(t);
	return r;
}

static int
need_fpr(struct as_conf *c)
{
	const char *name = label(c, AS_GIVEN_FPR, "--fingerprint",
	    "Hersh-Gvisor::Fingerprint");
	char why[AS_WHY];

	if (c->fpr != NULL)
		return 0;
	if ((c->fpr = as_fpr_norm(c->fpr_raw, why)) == NULL) {
		warnx("%s '%s': not a key fingerprint: %s", name, c->fpr_raw,
		    why);
		return -1;
	}
	return 0;
}

int
as_conf_need(struct as_conf *c, unsigned need)
{
	if ((need & AS_NEED_FPR) && need_fpr(c) == -1)
		return -1;
	if ((need & AS_NEED_URI) && need_uri(c) == -1)
		return -1;
	if ((need & AS_NEED_KEY_URL) && need_key_url(c) == -1)
		return -1;
	if ((need & AS_NEED_TIMEOUT) &&
	    need_seconds("Hersh-Gvisor::Key-Timeout", "Hersh-Gvisor::Key-Timeout",
	    AS_DEFAULT_KEY_TIMEOUT, 1, &c->key_timeout) == -1)
		return -1;
	if ((need & AS_NEED_LOCK) &&
	    need_seconds("Hersh-Gvisor::Lock-Timeout", label(c,
	    AS_GIVEN_LOCK_TIMEOUT, "--lock-timeout", "Hersh-Gvisor::Lock-Timeout"),
	    AS_DEFAULT_LOCK_TIMEOUT, 0, &c->lock_timeout) == -1)
		return -1;
	return 0;
}

void
as_conf_free(struct as_conf *c)
{
	if (c->rootfd != -1)
		close(c->rootfd);
	free(c->root);
	free(c->parts);
	free(c->methods);
	free(c->arch);
	free(c->uri);
	free(c->uri_raw);
	free(c->key_url);
	free(c->shipped_key);
	free(c->fpr_raw);
	free(c->fpr);
	free(c->keyring);
	free(c->keyring_real);
	free(c->pin);
	free(c->pin_real);
	free(c->state_real);
	free(c->conf);
	free(c->conf_real);
	memset(c, 0, sizeof(*c));
	c->rootfd = -1;
}

char *
as_conf_real(const struct as_conf *c, const char *target_path)
{
	return xasprintf("%s%s", c->root, target_path);
}

char *
as_conf_target(const struct as_conf *c, const char *real)
{
	size_t n = strlen(c->root);

	if (n > 0 && strncmp(real, c->root, n) == 0 && real[n] == '/')
		real += n;
	return xstrdup(real);
}
