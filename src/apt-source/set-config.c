/* hersh-apt-source set-config: the APT settings file (see commands.h). */

#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apt.h"
#include "commands.h"
#include "rules.h"
#include "lib/xmalloc.h"

/* The settings whose values set-config writes, as APT names them. */
static const char *const names[] = {
	"Hersh-Gvisor::URI", "Hersh-Gvisor::Key-URL",
	"Hersh-Gvisor::Fingerprint", NULL
};

char *
as_conf_text(const char *uri, const char *key_url, const char *fpr)
{
	return xasprintf(
	    "// Written by the hersh-gvisor package from its debconf answers;\n"
	    "// edits here are read back into them.  Removed on purge.\n"
	    "%s \"%s\";\n"
	    "%s \"%s\";\n"
	    "%s \"%s\";\n", names[0], uri, names[1], key_url, names[2], fpr);
}

/*
 * The statement LINE (N bytes) when it is NAME "VALUE"; for one of
 * names[] (APT reads names in any case): its index, *VALUE malloc'd.
 * Else -1.
 */
static int
statement(const char *line, size_t n, char **value)
{
	const char *q, *end = line + n;
	size_t i, k;

	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	for (i = 0; names[i] != NULL; i++) {
		k = strlen(names[i]);
		if ((size_t)(end - line) > k &&
		    strncasecmp(line, names[i], k) == 0 &&
		    (line[k] == ' ' || line[k] == '\t'))
			break;
	}
	if (names[i] == NULL)
		return -1;
	line += k;
	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	if (line == end || *line != '"' ||
	    (q = memchr(line + 1, '"', (size_t)(end - line - 1))) == NULL)
		return -1;
	for (k = 1; q + k < end && (q[k] == ' ' || q[k] == '\t'); k++)
		continue;
	if (q + k == end || q[k] != ';')
		return -1;
	*value = xstrndup(line + 1, (size_t)(q - line - 1));
	return (int)i;
}

int
as_conf_says(const char *text, const char *uri, const char *key_url,
    const char *fpr)
{
	char *v[3] = { NULL, NULL, NULL }, *value, *norm, why[AS_WHY];
	const char *p = text, *nl;
	size_t n;
	int i, same;

	for (; *p != '\0'; p = nl != NULL ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if ((i = statement(p, n, &value)) != -1) {
			free(v[i]);
			v[i] = value;
		}
		if (nl == NULL)
			break;
	}
	same = v[0] != NULL && v[1] != NULL && v[2] != NULL &&
	    strcmp(as_strip_slashes(v[0]), uri) == 0 &&
	    strcmp(v[1], key_url) == 0;
	if (same) {
		norm = as_fpr_norm(v[2], why);
		same = norm != NULL && strcmp(norm, fpr) == 0;
		free(norm);
	}
	for (i = 0; i < 3; i++)
		free(v[i]);
	return same;
}

int
as_cmd_set_config(const struct as_conf *c)
{
	struct as_state st;
	struct as_file f;
	enum as_how how;
	char *text, hex[65];
	int rc = 1;

	memset(&f, 0, sizeof(f));
	if (as_state_load(c, &st) == -1)
		return 1;
	if (as_state_migrate(c, &st, 1, 0) == -1 ||
	    as_state_file(c, &st, c->conf_real, &f, &how) == -1)
		goto out;
	if (f.kind == AS_KIND_OTHER || f.kind == AS_KIND_TOO_BIG) {
		warnx("%s: %s; not writing the settings into it: move it away, "
		    "then run 'hersh-apt-source set-config' again", f.label,
		    f.kind == AS_KIND_OTHER ? "not a regular file (a symlink, "
		    "directory, FIFO, socket or device)" :
		    "larger than any settings file");
		goto out;
	}
	if (f.kind == AS_KIND_REGULAR &&
	    as_conf_says(f.data, c->uri, c->key_url, c->fpr)) {
		if (how == AS_FILE_OURS) {
			as_say(c, "%s: already holds these settings; unchanged",
			    f.label);
			rc = 0;
			goto out;
		}
		as_apt_sha256(f.data, f.len, hex);
		as_state_set(&st, f.target, hex);
		if (as_state_save(c, &st) == 0) {
			as_say(c, "%s: already holds these settings; kept as it "
			    "is, and recorded", f.label);
			rc = 0;
		}
		goto out;
	}
	text = as_conf_text(c->uri, c->key_url, c->fpr);
	if (as_write_recorded(c, &st, &f, text, strlen(text)) == 0) {
		as_say(c, "%s: wrote the settings (repository %s, key %s, "
		    "fingerprint %s)", f.label, c->uri,
		    *c->key_url != '\0' ? c->key_url : "shipped with the package",
		    c->fpr);
		rc = 0;
	}
	free(text);
out:
	as_file_close(&f);
	as_state_free(&st);
	return rc;
}
