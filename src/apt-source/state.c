/*
 * The state file of hersh-apt-source: its text (parse, format, edit: pure),
 * its loading and saving, and how a file stands against it (see state.h).
 */

#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apt.h"
#include "state.h"
#include "lib/path.h"
#include "lib/xmalloc.h"

/* The line S (LEN bytes) into HASH and *PATH; NULL, or why not. */
static const char *
parse_line(const char *s, size_t len, char hash[65], char **path)
{
	const char *why;
	size_t i;

	if (len < 64 + 2 + 1 || s[64] != ' ' || s[65] != ' ')
		return "not \"<sha256>  <path>\"";
	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return "not \"<sha256>  <path>\"";
		hash[i] = (char)tolower((unsigned char)s[i]);
	}
	hash[64] = '\0';
	for (i = 66; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\')
			return "the path holds a control character or backslash";
	*path = xstrndup(s + 66, len - 66);
	if ((why = path_noncanonical(*path)) != NULL) {
		free(*path);
		return why[0] == 'n' ? "the path is not absolute" :
		    "the path is not canonical";
	}
	return NULL;
}

int
as_state_parse(const char *data, size_t len, struct as_state *st,
    size_t *line, const char *lenient)
{
	const char *p = data, *end = data + len, *nl, *why;
	char hash[65], *path;
	size_t lineno = 0, bad = 0;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl > p) {
			if ((why = parse_line(p, (size_t)(nl - p), hash,
			    &path)) == NULL) {
				as_state_set(st, path, hash);
				free(path);
			} else if (lenient != NULL) {
				if (++bad <= AS_STATE_WARN_MAX)
					warnx("%s: line %zu: %s; ignored", lenient,
					    lineno, why);
			} else {
				as_state_free(st);
				*line = lineno;
				return -1;
			}
		}
		p = nl + 1;
	}
	if (bad > AS_STATE_WARN_MAX)
		warnx("%s: %zu more lines that are not \"<sha256>  <path>\"; "
		    "ignored", lenient, bad - AS_STATE_WARN_MAX);
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
	as_file_close(&st->file);
	memset(st, 0, sizeof(*st));
}

int
as_state_load(const struct as_conf *c, struct as_state *st)
{
	return as_state_load_flags(c, st, 0, 0);
}

int
as_state_load_flags(const struct as_conf *c, struct as_state *st,
    unsigned flags, int lenient)
{
	struct as_state parsed;
	size_t line;

	memset(st, 0, sizeof(*st));
	if (as_file_open(c, &st->file, c->state_real, flags) == -1)
		goto fail;
	switch (st->file.kind) {
	case AS_KIND_ABSENT:
		return 0;
	case AS_KIND_OTHER:
		warnx("%s: not a regular file", c->state_real);
		goto fail;
	case AS_KIND_TOO_BIG:
		warnx("%s: larger than %d bytes, which no record of "
		    "hersh-apt-source is", c->state_real, AS_FILE_MAX);
		goto fail;
	case AS_KIND_REGULAR:
		break;
	}
	if (as_state_parse(st->file.data, st->file.len, &parsed, &line,
	    lenient ? c->state_real : NULL) == -1) {
		warnx("%s: line %zu: not \"<sha256>  <absolute canonical path>\"",
		    c->state_real, line);
		goto fail;
	}
	parsed.file = st->file;
	*st = parsed;
	return 0;
fail:
	as_state_free(st);
	return -1;
}

int
as_state_save(const struct as_conf *c, struct as_state *st)
{
	char *text;
	size_t len;
	int rc = 0;

	text = as_state_format(st, &len);
	if (st->file.kind == AS_KIND_REGULAR && st->file.len == len &&
	    memcmp(st->file.data, text, len) == 0)
		rc = 0;		/* says so already */
	else if (st->n == 0)
		rc = as_file_remove(c, &st->file);
	else
		rc = as_file_write(c, &st->file, text, len);
	free(text);
	return rc;
}

int
as_state_file(const struct as_conf *c, const struct as_state *st,
    const char *real, struct as_file *f, enum as_how *how)
{
	return as_state_file_flags(c, st, real, 0, f, how);
}

int
as_state_file_flags(const struct as_conf *c, const struct as_state *st,
    const char *real, unsigned flags, struct as_file *f, enum as_how *how)
{
	char hex[65];
	long i;

	if (as_file_open(c, f, real, flags) == -1)
		return -1;
	i = as_state_find(st, f->target);
	switch (f->kind) {
	case AS_KIND_ABSENT:
		*how = i == -1 ? AS_FILE_ABSENT : AS_FILE_GONE;
		return 0;
	case AS_KIND_OTHER:
	case AS_KIND_TOO_BIG:
		*how = i == -1 ? AS_FILE_FOREIGN : AS_FILE_CHANGED;
		return 0;
	case AS_KIND_REGULAR:
		break;
	}
	as_apt_sha256(f->data, f->len, hex);
	if (i == -1)
		*how = AS_FILE_FOREIGN;
	else
		*how = strcmp(hex, st->hash[i]) == 0 ? AS_FILE_OURS : AS_FILE_CHANGED;
	return 0;
}

/* HASH from TEXT (LEN bytes) when it is "<64 hex>  -" and a newline. */
static int
old_sum(const char *text, size_t len, char hash[65])
{
	size_t i;

	if (len != 64 + 3 + 1 || memcmp(text + 64, "  -\n", 4) != 0)
		return -1;
	for (i = 0; i < 64; i++) {
		if (!isxdigit((unsigned char)text[i]))
			return -1;
		hash[i] = (char)tolower((unsigned char)text[i]);
	}
	hash[64] = '\0';
	return 0;
}

int
as_state_migrate(const struct as_conf *c, struct as_state *st, int save,
    unsigned flags)
{
	char hash[65], *real;
	struct as_file f;
	int rc = 0;

	real = xasprintf("%s%s/%s", c->root, AS_STATE_DIR, AS_OLD_CONF_SUM);
	if (as_file_open(c, &f, real, flags) == -1)
		rc = -1;
	else if (f.kind != AS_KIND_ABSENT) {
		if (f.kind != AS_KIND_REGULAR || old_sum(f.data, f.len, hash) == -1)
			warnx("%s: not the checksum line hersh-gvisor 0.1.0 wrote; "
			    "ignored", real);
		else if (as_state_find(st, c->conf) == -1)
			as_state_set(st, c->conf, hash);
		if (save && (as_state_save(c, st) == -1 ||
		    (f.kind == AS_KIND_REGULAR && as_file_remove(c, &f) == -1)))
			rc = -1;
	}
	as_file_close(&f);
	free(real);
	return rc;
}
