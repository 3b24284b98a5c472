/* hersh-apt-source settings from APT's configuration (see as_conf.h). */

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apt.h"
#include "config.h"
#include "text.h"

static char *
strip_slashes(char *s)
{
	size_t len = strlen(s);

	while (len > 0 && s[len - 1] == '/')
		s[--len] = '\0';
	return s;
}

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
as_conf_load(struct as_conf *c)
{
	const char *why;
	char *fpr;

	memset(c, 0, sizeof(*c));
	c->root = strip_slashes(as_apt_find_dir("Dir"));
	c->parts = as_apt_find_dir("Dir::Etc::sourceparts");
	c->arch = as_apt_find("APT::Architecture", "");
	c->uri = strip_slashes(as_apt_find("Hersh-Gvisor::URI", AS_DEFAULT_URI));
	c->key_url = as_apt_find("Hersh-Gvisor::Key-URL", AS_DEFAULT_KEY_URL);
	fpr = as_apt_find("Hersh-Gvisor::Fingerprint", AS_DEFAULT_FPR);
	c->keyring = as_apt_find("Hersh-Gvisor::Keyring", AS_DEFAULT_KEYRING);

	if ((c->fpr = as_fpr_norm(fpr)) == NULL) {
		warnx("Hersh-Gvisor::Fingerprint '%s': not a key fingerprint "
		    "(40 hexadecimal digits)", fpr);
		free(fpr);
		return -1;
	}
	free(fpr);
	if ((why = as_uri_check(c->uri)) != NULL) {
		warnx("Hersh-Gvisor::URI '%s': %s", c->uri, why);
		return -1;
	}
	if (*c->arch == '\0' || strpbrk(c->arch, " \t,]=") != NULL) {
		warnx("APT::Architecture '%s': not an architecture", c->arch);
		return -1;
	}
	if (check_path("Hersh-Gvisor::Keyring", c->keyring) == -1)
		return -1;
	c->keyring_real = as_conf_real(c, c->keyring);
	c->state_real = as_conf_real(c, AS_STATE);
	return 0;
}

void
as_conf_free(struct as_conf *c)
{
	free(c->root);
	free(c->parts);
	free(c->arch);
	free(c->uri);
	free(c->key_url);
	free(c->fpr);
	free(c->keyring);
	free(c->keyring_real);
	free(c->state_real);
	memset(c, 0, sizeof(*c));
}

char *
as_conf_real(const struct as_conf *c, const char *target_path)
{
	char *p;

	if (asprintf(&p, "%s%s", c->root, target_path) == -1)
		err(1, "asprintf");
	return p;
}

char *
as_conf_target(const struct as_conf *c, const char *real)
{
	size_t n = strlen(c->root);
	char *p;

	if (n > 0 && strncmp(real, c->root, n) == 0 && real[n] == '/')
		real += n;
	if ((p = strdup(real)) == NULL)
		err(1, "strdup");
	return p;
}
