/*
 * The state file of hersh-apt-source: its text (parse, format, edit: pure)
 * and its loading and saving; the atomic writes and the lock (see state.h).
 */

#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apt.h"
#include "state.h"
#include "lib/atomic-file.h"
#include "lib/xmalloc.h"

static int
parse_line(const char *s, size_t len, char hash[65], char **path)
{
	size_t i;

	if (len < 64 + 2 + 2 || s[64] != ' ' || s[65] != ' ' || s[66] != '/')
		return -1;
	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		hash[i] = (char)tolower((unsigned char)s[i]);
	}
	hash[64] = '\0';
	for (i = 66; i < len; i++)
		if (s[i] == '\0' || s[i] == '\\')
			return -1;
	*path = xstrndup(s + 66, len - 66);
	return 0;
}

int
as_state_parse(const char *data, size_t len, struct as_state *st,
    size_t *line)
{
	const char *p = data, *end = data + len, *nl;
	char hash[65], *path;
	size_t lineno = 0;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl > p) {
			if (parse_line(p, (size_t)(nl - p), hash, &path) == -1) {
				as_state_free(st);
				*line = lineno;
				return -1;
			}
			as_state_set(st, path, hash);
			free(path);
		}
		p = nl + 1;
	}
	return 0;
}

char *
as_state_format(const struct as_state *st, size_t *len)
{
	size_t i, total = 1, off = 0;
	char *out;

	for (i = 0; i < st->n; i++)
		total += 64 + 2 + strlen(st->path[i]) + 1;
	out = xmalloc(total);
	for (i = 0; i < st->n; i++)
		off += (size_t)snprintf(out + off, total - off, "%s  %s\n",
		    st->hash[i], st->path[i]);
	out[off] = '\0';
	*len = off;
	return out;
}

long
as_state_find(const struct as_state *st, const char *path)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->path[i], path) == 0)
			return (long)i;
	return -1;
}

void
as_state_set(struct as_state *st, const char *path, const char *hash)
{
	long i = as_state_find(st, path);

	if (i == -1) {
		st->hash = xreallocarray(st->hash, st->n + 1, sizeof(*st->hash));
		st->path = xreallocarray(st->path, st->n + 1, sizeof(*st->path));
		st->path[st->n] = xstrdup(path);
		i = (long)st->n++;
	}
	snprintf(st->hash[i], sizeof(st->hash[i]), "%s", hash);
}

void
as_state_del(struct as_state *st, size_t i)
{
	free(st->path[i]);
	memmove(&st->hash[i], &st->hash[i + 1], (st->n - i - 1) * sizeof(*st->hash));
	memmove(&st->path[i], &st->path[i + 1], (st->n - i - 1) * sizeof(*st->path));
	st->n--;
}

void
as_state_free(struct as_state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->path[i]);
	free(st->hash);
	free(st->path);
	memset(st, 0, sizeof(*st));
}

/* mkdir -p of PATH's parent directory, mode 0755. */
static int
make_parent(const char *path)
{
	char *dir = strdup(path), *p;

	if (dir == NULL)
		err(1, "strdup");
	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			warn("%s", dir);
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

int
as_write(const char *real, const void *data, size_t len)
{
	const char *step = NULL;
	struct stat sb;

	if (make_parent(real) == -1)
		return -1;
	if (atomic_replace(real, data, len, 0644, &step) == -1) {
		warn("%s: %s", real, step != NULL ? step : "write");
		return -1;
	}
	if (stat(real, &sb) == 0 && (sb.st_mode & 07777) != 0644 &&
	    chmod(real, 0644) == -1) {
		warn("%s: chmod 0644", real);
		return -1;
	}
	return 0;
}

int
as_state_lock(const struct as_conf *c)
{
	char *dir = strdup(c->state_real), *p;
	int fd;

	if (dir == NULL)
		err(1, "strdup");
	/* Dir/var/lib/hersh-gvisor/apt-source -> Dir/var/lib */
	for (int i = 0; i < 2 && (p = strrchr(dir, '/')) != NULL; i++)
		*p = '\0';
	if ((fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    flock(fd, LOCK_EX) == -1) {
		warn("%s: lock", *dir ? dir : "/");
		free(dir);
		return -1;
	}
	free(dir);
	return 0;	/* fd stays open: the lock lasts until exit */
}

int
as_state_load(const struct as_conf *c, struct as_state *st)
{
	char *buf;
	size_t len, line;

	memset(st, 0, sizeof(*st));
	if (read_file(c->state_real, &buf, &len) == -1) {
		if (errno == ENOENT)
			return 0;
		warn("%s", c->state_real);
		return -1;
	}
	if (as_state_parse(buf, len, st, &line) == -1) {
		warnx("%s: line %zu: not \"<sha256>  <path>\"", c->state_real,
		    line);
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

int
as_state_save(const struct as_conf *c, const struct as_state *st)
{
	char *text;
	size_t len;
	int rc;

	if (st->n == 0) {
		if (unlink(c->state_real) == -1 && errno != ENOENT) {
			warn("%s", c->state_real);
			return -1;
		}
		return 0;
	}
	text = as_state_format(st, &len);
	rc = as_write(c->state_real, text, len);
	free(text);
	return rc;
}

int
as_state_file(const struct as_conf *c, const struct as_state *st,
    const char *target, enum as_file *how, char **data, size_t *len)
{
	char *real = as_conf_real(c, target), *buf, hex[65];
	long i = as_state_find(st, target);
	size_t n;

	if (read_file(real, &buf, &n) == -1) {
		if (errno != ENOENT) {
			warn("%s", real);
			free(real);
			return -1;
		}
		*how = i == -1 ? AS_FILE_ABSENT : AS_FILE_GONE;
		free(real);
		return 0;
	}
	free(real);
	as_apt_sha256(buf, n, hex);
	if (i == -1)
		*how = AS_FILE_FOREIGN;
	else
		*how = strcmp(hex, st->hash[i]) == 0 ? AS_FILE_OURS : AS_FILE_CHANGED;
	if (data != NULL) {
		*data = buf;
		*len = n;
	} else
		free(buf);
	return 0;
}
