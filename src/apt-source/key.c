/* OpenPGP keys through gpg(1) in a throwaway GNUPGHOME (see as_key.h). */

#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "key.h"
#include "lib/atomic-file.h"

/* A private directory for gpg; its path is malloc'd. */
static char *
home_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (asprintf(&dir, "%s/hersh-apt-source-gpg.XXXXXX", tmp) == -1)
		err(1, "asprintf");
	if (mkdtemp(dir) == NULL) {
		warn("%s", dir);
		free(dir);
		return NULL;
	}
	return dir;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) == -1 && errno != ENOENT)
		warn("%s", path);
	return 0;
}

static void
home_free(char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

static char *
home_path(const char *home, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", home, name) == -1)
		err(1, "asprintf");
	return p;
}

static int
write_all(const char *path, const void *data, size_t len)
{
	const char *p = data;
	ssize_t w;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	while (len > 0) {
		if ((w = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return close(fd);
}

/*
 * Run gpg with ARGS (NULL-terminated, after the common options) in HOME,
 * stdout to HOME/out and stderr to HOME/err.  Returns its exit status,
 * or -1.
 */
static int
gpg(const char *home, const char *const *args)
{
	const char *argv[32];
	char *out = home_path(home, "out"), *errp = home_path(home, "err");
	size_t n = 0;
	pid_t pid;
	int status, fd;

	argv[n++] = "gpg";
	argv[n++] = "--batch";
	argv[n++] = "--no-tty";
	argv[n++] = "--quiet";
	argv[n++] = "--no-autostart";
	argv[n++] = "--no-auto-check-trustdb";
	argv[n++] = "--homedir";
	argv[n++] = home;
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;

	fflush(NULL);
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, 0) == -1 ||
		    (fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
		    dup2(fd, 1) == -1 ||
		    (fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
		    dup2(fd, 2) == -1)
			_exit(126);
		execvp("gpg", (char *const *)argv);
		dprintf(2, "cannot run gpg: %s\n", strerror(errno));
		_exit(127);
	}
	free(out);
	free(errp);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* gpg's last stderr line (its reason), malloc'd; "" when none. */
static char *
gpg_reason(const char *home)
{
	char *errp = home_path(home, "err"), *buf, *line, *nl;
	size_t len;

	if (read_file(errp, &buf, &len) == -1) {
		free(errp);
		return strdup("");
	}
	free(errp);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	line = (nl = strrchr(buf, '\n')) != NULL ? nl + 1 : buf;
	if (strncmp(line, "gpg: ", 5) == 0)
		line += 5;
	line = strdup(line);
	free(buf);
	return line;
}

/* gpg's stdout, malloc'd, or NULL. */
static char *
gpg_output(const char *home, size_t *len)
{
	char *out = home_path(home, "out"), *buf;

	if (read_file(out, &buf, len) == -1)
		buf = NULL;
	free(out);
	return buf;
}

/* Fingerprints of "pub" records in gpg --with-colons output. */
static void
parse_colons(char *text, char ***fprs, size_t *n)
{
	char *line, *save = NULL, *f;
	int after_pub = 0, i;

	*fprs = NULL;
	*n = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "pub:", 4) == 0) {
			after_pub = 1;
			continue;
		}
		if (strncmp(line, "fpr:", 4) != 0 || !after_pub) {
			after_pub = 0;
			continue;
		}
		after_pub = 0;
		f = line;
		for (i = 0; i < 9 && f != NULL; i++)
			f = (f = strchr(f, ':')) != NULL ? f + 1 : NULL;
		if (f == NULL)
			continue;
		f[strcspn(f, ":")] = '\0';
		if ((*fprs = reallocarray(*fprs, *n + 1, sizeof(**fprs))) == NULL ||
		    ((*fprs)[*n] = strdup(f)) == NULL)
			err(1, "malloc");
		(*n)++;
	}
}

/* A home holding DATA as HOME/key; NULL after a message. */
static char *
home_with_key(const char *label, const void *data, size_t len)
{
	char *home = home_new(), *key;

	if (home == NULL)
		return NULL;
	key = home_path(home, "key");
	if (write_all(key, data, len) == -1) {
		warn("%s: copy of %s", key, label);
		free(key);
		home_free(home);
		return NULL;
	}
	free(key);
	return home;
}

int
as_key_fprs(const char *label, const void *data, size_t len, char ***fprs,
    size_t *n)
{
	const char *args[] = { "--with-colons", "--show-keys", NULL, NULL };
	char *home, *key, *out, *why;
	size_t outlen;
	int rc;

	if ((home = home_with_key(label, data, len)) == NULL)
		return -1;
	key = home_path(home, "key");
	args[2] = key;
	rc = gpg(home, args);
	out = rc == 0 ? gpg_output(home, &outlen) : NULL;
	if (out != NULL) {
		parse_colons(out, fprs, n);
		free(out);
	}
	if (out == NULL || *n == 0) {
		why = gpg_reason(home);
		warnx("%s: no OpenPGP key found%s%s", label,
		    *why != '\0' ? ": " : "", why);
		free(why);
		rc = -1;
	} else
		rc = 0;
	free(key);
	home_free(home);
	return rc;
}

void
as_key_fprs_free(char **fprs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(fprs[i]);
	free(fprs);
}

int
as_key_export(const char *label, const void *data, size_t len,
    const char *fpr, char **out, size_t *outlen)
{
	const char *imp[] = { "--import", NULL, NULL };
	const char *exp[] = { "--export", NULL, NULL };
	char *home, *key, *why;
	int rc = -1;

	if ((home = home_with_key(label, data, len)) == NULL)
		return -1;
	key = home_path(home, "key");
	imp[1] = key;
	exp[1] = fpr;
	if (gpg(home, imp) != 0) {
		why = gpg_reason(home);
		warnx("%s: gpg cannot import it: %s", label, why);
		free(why);
	} else if (gpg(home, exp) != 0 ||
	    (*out = gpg_output(home, outlen)) == NULL) {
		why = gpg_reason(home);
		warnx("%s: gpg cannot export key %s: %s", label, fpr, why);
		free(why);
	} else if (*outlen == 0) {
		warnx("%s: key %s exported nothing", label, fpr);
		free(*out);
	} else
		rc = 0;
	free(key);
	home_free(home);
	return rc;
}
