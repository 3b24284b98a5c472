/* OpenPGP keys through gpg(1) in a throwaway GNUPGHOME (see key.h). */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interrupt.h"
#include "key.h"
#include "tmpdir.h"
#include "lib/atomic-file.h"
#include "lib/xmalloc.h"

/* Write DATA to NAME in HOME (created 0600); -1 with errno. */
static int
put(const struct as_tmpdir *home, const char *name, const void *data,
    size_t len)
{
	int fd, saved;

	fd = openat(home->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	if (write_full(fd, data, len) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

/*
 * The child's side of gpg(): in HOME, stdin /dev/null, stdout and stderr
 * to HOME/out and HOME/err.
 */
static void __attribute__((noreturn))
exec_gpg(const struct as_tmpdir *home, const char *const *argv)
{
	char *env[4];
	int fd;

	env[0] = "PATH=/usr/bin:/bin";
	env[1] = "LC_ALL=C";
	env[2] = xasprintf("GNUPGHOME=%s", home->path);
	env[3] = NULL;
	if (fchdir(home->fd) == -1 ||
	    (fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, 0) == -1 ||
	    (fd = openat(home->fd, "out", O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    dup2(fd, 1) == -1 ||
	    (fd = openat(home->fd, "err", O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    dup2(fd, 2) == -1)
		_exit(126);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	execve(GPG_PATH, (char *const *)argv, env);
	dprintf(2, "gpg: cannot run %s: %s\n", GPG_PATH, strerror(errno));
	_exit(127);
}

/*
 * Run gpg with ARGS (NULL-terminated, after the common options) in HOME,
 * stdout to HOME/out and stderr to HOME/err.  Returns its exit status, or
 * -1 (killed, or stopped by a signal we caught).
 */
static int
gpg(const struct as_tmpdir *home, const char *const *args)
{
	const char *argv[16];
	size_t n = 0;
	pid_t pid;
	int status;

	argv[n++] = GPG_PATH;
	argv[n++] = "--batch";
	argv[n++] = "--no-tty";
	argv[n++] = "--quiet";
	argv[n++] = "--no-autostart";
	argv[n++] = "--no-auto-check-trustdb";
	argv[n++] = "--no-options";
	argv[n++] = "--homedir";
	argv[n++] = home->path;
	while (*args != NULL && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;

	fflush(NULL);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0)
		exec_gpg(home, argv);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return -1;
		if (as_interrupted())
			kill(pid, SIGTERM);
	}
	if (as_interrupted())
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* What gpg may write to out or err: a listing or export of a key of at most 1 MiB. */
#define GPG_OUT_MAX	(8 * 1024 * 1024)

/*
 * HOME/NAME (a regular file gpg wrote, read relative to HOME's descriptor,
 * at most GPG_OUT_MAX bytes), malloc'd and NUL-terminated, or NULL.
 */
static char *
get(const struct as_tmpdir *home, const char *name, size_t *len)
{
	struct file_stamp st;
	const char *step;
	char *buf;

	if (file_read_at(home->fd, name, GPG_OUT_MAX, &buf, len, &st,
	    &step) != FILE_OK)
		return NULL;
	if (!st.exists) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* gpg's last stderr line (its reason), malloc'd. */
static char *
reason(const struct as_tmpdir *home)
{
	char *buf, *out;
	size_t len, start;

	if (as_interrupted())
		return xstrdup("interrupted");
	if ((buf = get(home, "err", &len)) == NULL)
		return xstrdup("gpg failed");
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	for (start = len; start > 0 && buf[start - 1] != '\n'; start--)
		continue;
	if (strncmp(buf + start, "gpg: ", 5) == 0)
		start += 5;
	out = xstrdup(buf[start] != '\0' ? buf + start : "gpg failed");
	free(buf);
	return out;
}

/* Field I (0-based) of colon-separated LINE, copied into OUT (N bytes). */
static void
field(const char *line, int i, char *out, size_t n)
{
	size_t len;

	for (; i > 0 && line != NULL; i--)
		if ((line = strchr(line, ':')) != NULL)
			line++;
	if (line == NULL) {
		*out = '\0';
		return;
	}
	len = strcspn(line, ":\n");
	snprintf(out, n, "%.*s", (int)(len < n ? len : n - 1), line);
}

/* The blocks of `gpg --with-colons` output TEXT. */
static void
parse_colons(const char *text, struct as_keys *out)
{
	const char *line, *nl;
	struct as_key *k = NULL;
	char f[65], want = 0;	/* what the next fpr record is for: 'p', 's' */

	memset(out, 0, sizeof(*out));
	for (line = text; *line != '\0'; line = nl != NULL ? nl + 1 : "") {
		nl = strchr(line, '\n');
		if (strncmp(line, "pub:", 4) == 0) {
			out->k = xreallocarray(out->k, out->n + 1, sizeof(*out->k));
			k = &out->k[out->n++];
			memset(k, 0, sizeof(*k));
			field(line, 1, f, sizeof(f));
			k->validity = f[0];
			field(line, 6, f, sizeof(f));
			k->expires = strtoll(f, NULL, 10);
			want = 'p';
		} else if (strncmp(line, "sub:", 4) == 0 && k != NULL) {
			want = 's';
		} else if (strncmp(line, "fpr:", 4) == 0 && want != 0) {
			field(line, 9, f, sizeof(f));
			if (want == 'p')
				memcpy(k->fpr, f, sizeof(f));
			else {
				k->sub = xreallocarray(k->sub, k->nsub + 1,
				    sizeof(*k->sub));
				memcpy(k->sub[k->nsub++], f, sizeof(f));
			}
			want = 0;
		} else if (strncmp(line, "fpr:", 4) != 0 &&
		    strncmp(line, "grp:", 4) != 0)
			want = 0;
	}
}

int
as_key_list(const void *data, size_t len, struct as_keys *out, char **why)
{
	const char *args[] = { "--with-colons", "--show-keys", "key", NULL };
	struct as_tmpdir home;
	char *text = NULL;
	size_t n;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (as_tmpdir_new("gpg", &home) == -1) {
		*why = xstrdup("no temporary directory for gpg");
		return -1;
	}
	if (put(&home, "key", data, len) == -1)
		*why = xasprintf("%s/key: %s", home.path, strerror(errno));
	else if (gpg(&home, args) != 0 ||
	    (text = get(&home, "out", &n)) == NULL)
		*why = reason(&home);
	else {
		parse_colons(text, out);
		if (out->n == 0)
			*why = xstrdup("no key in it");
	}
	free(text);
	as_tmpdir_free(&home);
	return *why == NULL ? 0 : -1;
}

void
as_keys_free(struct as_keys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->k[i].sub);
	free(k->k);
	memset(k, 0, sizeof(*k));
}

const struct as_key *
as_key_find(const struct as_keys *k, const char *fpr)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->k[i].fpr, fpr) == 0)
			return &k->k[i];
	return NULL;
}

int
as_key_export(const void *data, size_t len, const char *fpr, char **out,
    size_t *outlen, char **why)
{
	const char *imp[] = { "--import", "key", NULL };
	const char *exp[] = { "--export", fpr, NULL };
	struct as_tmpdir home;

	*out = NULL;
	*why = NULL;
	if (as_tmpdir_new("gpg", &home) == -1) {
		*why = xstrdup("no temporary directory for gpg");
		return -1;
	}
	if (put(&home, "key", data, len) == -1)
		*why = xasprintf("%s/key: %s", home.path, strerror(errno));
	else if (gpg(&home, imp) != 0)
		*why = reason(&home);
	else if (gpg(&home, exp) != 0 || (*out = get(&home, "out", outlen)) == NULL)
		*why = reason(&home);
	else if (*outlen == 0)
		*why = xstrdup("gpg exported nothing");
	if (*why != NULL) {
		free(*out);
		*out = NULL;
	}
	as_tmpdir_free(&home);
	return *why == NULL ? 0 : -1;
}
