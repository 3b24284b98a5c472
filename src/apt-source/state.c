/* The state file and atomic writes of hersh-apt-source (see as_state.h). */

#include <sys/file.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "lib/atomic-file.h"

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
