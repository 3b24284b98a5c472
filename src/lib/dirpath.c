/*
 * Path resolution done once, component by component (see dirpath.h).
 * The walk holds an O_PATH descriptor of the directory reached so far and
 * the components still to go; a symlink puts its target in front of
 * those, restarting at the top (/ or the root) when it is absolute.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dirpath.h"
#include "path.h"

#define WALK_MISSING	(-3)	/* enter(): no such directory (DIRPATH_MISSING_OK) */

struct walk {
	int		 rootfd;	/* confinement root, or -1 */
	int		 cur;		/* the directory reached (O_PATH) */
	dev_t		 top_dev;	/* the top: the root, or / */
	ino_t		 top_ino;
	char		*canon;		/* path of cur ("" at the top) */
	char		*rest;		/* what is still to walk, */
	size_t		 pos;		/* from here */
	unsigned	 flags;
	uid_t		 owner;
	int		 links;
	int		 made;		/* directories created */
	char		*why;
	size_t		 whylen;
};

static int
step_failed(struct walk *w, const char *step)
{
	int saved = errno;

	snprintf(w->why, w->whylen, "%s", step);
	errno = saved;
	return -1;
}

static int __attribute__((format(printf, 2, 3)))
refuse(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->why, w->whylen, fmt, ap);
	va_end(ap);
	errno = EPERM;
	return DIRPATH_REFUSED;
}

static void
set_cur(struct walk *w, int fd)
{
	if (w->cur != -1)
		close(w->cur);
	w->cur = fd;
}

/* Go back to the top: / or the root. */
static int
to_top(struct walk *w)
{
	int fd;

	fd = w->rootfd >= 0 ?
	    openat(w->rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC) :
	    open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return step_failed(w, "open directory");
	set_cur(w, fd);
	w->canon[0] = '\0';
	return 0;
}

static int
at_top(struct walk *w)
{
	struct stat st;

	return fstat(w->cur, &st) == 0 && st.st_dev == w->top_dev &&
	    st.st_ino == w->top_ino;
}

/* canon += "/" + the N bytes of COMP; or, for "..", drop the last one. */
static int
canon_step(struct walk *w, const char *comp, size_t n)
{
	char *p, *np;
	size_t cl = strlen(w->canon);

	if (n == 2 && memcmp(comp, "..", 2) == 0) {
		if ((p = strrchr(w->canon, '/')) != NULL)
			*p = '\0';
		return 0;
	}
	if ((np = realloc(w->canon, cl + n + 2)) == NULL)
		return step_failed(w, "resolve path");
	w->canon = np;
	np[cl] = '/';
	memcpy(np + cl + 1, comp, n);
	np[cl + 1 + n] = '\0';
	return 0;
}

/*
 * COMP (N bytes) in cur is a symlink: put its target in front of AFTER
 * (what follows COMP) as the rest to walk.  Returns 1 (the walk goes on
 * from the new rest), or an error.
 */
static int
follow(struct walk *w, const char *comp, size_t n, const char *after)
{
	char name[NAME_MAX + 1], target[PATH_MAX], *nr;
	struct stat st;
	ssize_t tl;

	memcpy(name, comp, n);
	name[n] = '\0';
	if (++w->links > DIRPATH_MAX_LINKS) {
		errno = ELOOP;
		return step_failed(w, "resolve path");
	}
	if (fstatat(w->cur, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return step_failed(w, "resolve path");
	if (w->rootfd < 0 && st.st_uid != 0 && st.st_uid != w->owner)
		return refuse(w, "the symlink %s/%s is owned by uid %u, not by root%s",
		    w->canon, name, (unsigned)st.st_uid,
		    w->owner != 0 ? " or you" : "");
	if ((tl = readlinkat(w->cur, name, target, sizeof(target))) == -1)
		return step_failed(w, "resolve path");
	if ((size_t)tl == sizeof(target) || tl == 0) {
		errno = tl == 0 ? ENOENT : ENAMETOOLONG;
		return step_failed(w, "resolve path");
	}
	if (asprintf(&nr, "%.*s%s%s", (int)tl, target, *after ? "/" : "",
	    after) == -1)
		return step_failed(w, "resolve path");
	if (target[0] == '/' && to_top(w) == -1) {
		free(nr);
		return -1;
	}
	free(w->rest);
	w->rest = nr;
	w->pos = 0;
	return 1;
}

/* NAME in cur is a symlink, and none may be followed. */
static int
no_symlink(struct walk *w, const char *name)
{
	return refuse(w, "a symlink on the way (%s/%s)", w->canon, name);
}

/* Create directory NAME in cur, mode 0755 whatever the umask, and enter it. */
static int
make_dir(struct walk *w, const char *name)
{
	int fd, made;

	made = mkdirat(w->cur, name, 0755) == 0;
	if (!made && errno != EEXIST)
		return step_failed(w, "create directory");
	fd = openat(w->cur, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return step_failed(w, "open directory");
	if (made && fchmod(fd, 0755) == -1) {
		close(fd);
		return step_failed(w, "create directory");
	}
	w->made += made;
	set_cur(w, fd);
	return 0;
}

/*
 * Enter the directory COMP (N bytes) of cur; AFTER is what follows it,
 * LAST_DIR whether it is the file's own directory.  Returns 0 (entered),
 * 1 (a symlink: the rest to walk was replaced), WALK_MISSING, or an error.
 */
static int
enter(struct walk *w, const char *comp, size_t n, const char *after,
    int last_dir)
{
	char name[NAME_MAX + 1];
	struct stat st;
	int fd;

	if (n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return step_failed(w, "open directory");
	}
	if (n == 1 && comp[0] == '.')
		return 0;
	memcpy(name, comp, n);
	name[n] = '\0';
	if (n == 2 && memcmp(comp, "..", 2) == 0) {
		if (at_top(w))	/* the root's parent is the root */
			return 0;
		if ((fd = openat(w->cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
			return step_failed(w, "open directory");
		set_cur(w, fd);
		return canon_step(w, comp, n);
	}
	fd = openat(w->cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd != -1) {
		set_cur(w, fd);
		return canon_step(w, comp, n);
	}
	if (errno == ENOENT && ((w->flags & DIRPATH_MKDIR) ||
	    ((w->flags & DIRPATH_MKDIR_LAST) && last_dir)))
		return make_dir(w, name) == -1 ? -1 : canon_step(w, comp, n);
	if (errno == ENOENT && (w->flags & DIRPATH_MKDIR_LAST))
		return step_failed(w, "create directory");
	if (errno == ENOENT && (w->flags & DIRPATH_MISSING_OK)) {
		snprintf(w->why, w->whylen, "%s/%s", w->canon, name);
		return WALK_MISSING;
	}
	if ((errno == ELOOP || errno == ENOTDIR) &&
	    fstatat(w->cur, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return (w->flags & DIRPATH_NO_SYMLINKS) ? no_symlink(w, name) :
		    follow(w, comp, n, after);
	return step_failed(w, "open directory");
}

/* The component at *P (slashes skipped): its length, *NEXT after it. */
static size_t
component(const char **p, const char **next)
{
	size_t n;

	while (**p == '/')
		(*p)++;
	n = strcspn(*p, "/");
	*next = *p + n;
	while (**next == '/')
		(*next)++;
	return n;
}

static int
is_dots(const char *c, size_t n)
{
	return (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.');
}

/* The final component (N bytes at P) must not be a symlink: *NAME, or refused. */
static int
final_no_symlink(struct walk *w, const char *p, size_t n, char **name)
{
	struct stat st;

	if ((*name = strndup(p, n)) == NULL)
		return step_failed(w, "resolve path");
	if (fstatat(w->cur, *name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode)) {
		no_symlink(w, *name);
		free(*name);
		*name = NULL;
		return DIRPATH_REFUSED;
	}
	return 0;
}

/* Walk w->rest; on success the final name is left in *NAME (malloc'd). */
static int
walk(struct walk *w, char **name)
{
	const char *p, *next, *q, *qnext;
	size_t n;
	struct stat st;
	int r;

	for (;;) {
		p = w->rest + w->pos;
		if ((n = component(&p, &next)) == 0) {	/* "" or ".../" */
			errno = EISDIR;
			return step_failed(w, "resolve path");
		}
		q = next;
		if (component(&q, &qnext) > 0) {	/* a directory on the way */
			r = enter(w, p, n, next, component(&qnext, &q) == 0);
			if (r < 0)
				return r;
			if (r == 0)
				w->pos = (size_t)(next - w->rest);
			continue;
		}
		if (p[n] == '/' || is_dots(p, n)) {
			errno = EISDIR;
			return step_failed(w, "resolve path");
		}
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			return step_failed(w, "resolve path");
		}
		if (w->flags & DIRPATH_NO_SYMLINKS)
			return final_no_symlink(w, p, n, name);
		if ((w->flags & DIRPATH_FOLLOW) && (*name = strndup(p, n)) != NULL &&
		    fstatat(w->cur, *name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode)) {
			free(*name);
			*name = NULL;
			if ((r = follow(w, p, n, "")) < 0)
				return r;
			continue;
		}
		if ((w->flags & DIRPATH_FOLLOW) == 0)
			*name = strndup(p, n);
		return *name == NULL ? step_failed(w, "resolve path") : 0;
	}
}

/* The walk's start: the top for an absolute or confined path, else the cwd. */
static int
start(struct walk *w, const char *path)
{
	struct stat st;
	char *cwd;
	int fd;

	if (to_top(w) == -1)
		return -1;
	if (fstat(w->cur, &st) == -1)
		return step_failed(w, "open directory");
	w->top_dev = st.st_dev;
	w->top_ino = st.st_ino;
	if (w->rootfd >= 0 || path[0] == '/')
		return 0;
	if ((fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return step_failed(w, "open directory");
	set_cur(w, fd);
	if ((cwd = getcwd(NULL, 0)) != NULL && strcmp(cwd, "/") != 0) {
		free(w->canon);
		w->canon = cwd;
	} else
		free(cwd);
	return 0;
}

/*
 * With openat2(2), for a canonical path: confined (RESOLVE_IN_ROOT), or
 * with no symlink followed at all (DIRPATH_NO_SYMLINKS); no symlink to
 * follow at the end.  0; -1 for the walk to try (and say why);
 * DIRPATH_REFUSED for a final symlink.
 */
static int
open_fast(struct dirpath *dp, int rootfd, const char *path, unsigned flags,
    char *why, size_t whylen)
{
	struct open_how how;
	const char *slash;
	char *abs, *dir;
	struct stat st;
	int fd;

	while (rootfd >= 0 && *path == '/')
		path++;
	if (asprintf(&abs, "%s%s", rootfd >= 0 ? "/" : "", path) == -1)
		return -1;
	slash = strrchr(abs, '/');
	if (!path_canonical(abs) || slash == NULL || slash[1] == '\0' ||
	    (dir = strndup(abs, slash == abs ? 1 : (size_t)(slash - abs))) == NULL) {
		free(abs);
		return -1;	/* the walk says why */
	}
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_NO_MAGICLINKS |
	    (rootfd >= 0 ? RESOLVE_IN_ROOT : 0) |
	    (flags & DIRPATH_NO_SYMLINKS ? RESOLVE_NO_SYMLINKS : 0);
	fd = (int)syscall(SYS_openat2, rootfd >= 0 ? rootfd : AT_FDCWD,
	    rootfd >= 0 ? (dir[1] ? dir + 1 : ".") : dir, &how, sizeof(how));
	if (fd == -1 || (dp->name = strdup(slash + 1)) == NULL) {
		if (fd != -1)
			close(fd);
		free(dir);
		free(abs);
		return -1;
	}
	free(abs);
	dp->fd = fd;
	dp->dir = dir;
	if ((flags & DIRPATH_NO_SYMLINKS) &&
	    fstatat(fd, dp->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode)) {
		snprintf(why, whylen, "a symlink on the way (%s/%s)",
		    dir[1] ? dir : "", dp->name);
		dirpath_close(dp);
		errno = EPERM;
		return DIRPATH_REFUSED;
	}
	return 0;
}

/* The directory reached, opened for reading (else kept as O_PATH). */
static void
finish(struct walk *w, struct dirpath *dp)
{
	int fd;

	fd = openat(w->cur, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd != -1)
		set_cur(w, fd);
	dp->fd = w->cur;
	dp->made = w->made;
	w->cur = -1;
	if (w->canon[0] == '\0') {
		free(w->canon);
		w->canon = strdup("/");
	}
	dp->dir = w->canon;
	w->canon = NULL;
}

int
dirpath_open(struct dirpath *dp, int rootfd, const char *path, unsigned flags,
    uid_t owner, char *why, size_t whylen)
{
	struct walk w;
	int r, saved;

	memset(dp, 0, sizeof(*dp));
	dp->fd = -1;
	if ((rootfd >= 0 || ((flags & DIRPATH_NO_SYMLINKS) && path[0] == '/')) &&
	    !(flags & DIRPATH_WALK) &&
	    (!(flags & DIRPATH_FOLLOW) || (flags & DIRPATH_NO_SYMLINKS)) &&
	    (r = open_fast(dp, rootfd, path, flags, why, whylen)) != -1)
		return r;
	memset(&w, 0, sizeof(w));
	w.rootfd = rootfd;
	w.cur = -1;
	w.flags = flags;
	w.owner = owner;
	w.why = why;
	w.whylen = whylen;
	w.canon = strdup("");
	w.rest = strdup(path);
	if (w.canon == NULL || w.rest == NULL)
		r = step_failed(&w, "resolve path");
	else if ((r = start(&w, path)) == 0 && (r = walk(&w, &dp->name)) == 0)
		finish(&w, dp);
	else if (r == WALK_MISSING)
		r = DIRPATH_MISSING;
	saved = errno;
	if (w.cur != -1)
		close(w.cur);
	free(w.canon);
	free(w.rest);
	errno = saved;
	return r;
}

void
dirpath_close(struct dirpath *dp)
{
	int saved = errno;

	if (dp->fd != -1)
		close(dp->fd);
	free(dp->dir);
	free(dp->name);
	memset(dp, 0, sizeof(*dp));
	dp->fd = -1;
	errno = saved;
}

static int
trusted_owner(uid_t uid, uid_t owner)
{
	return uid == 0 || uid == owner;
}

/* The parent of path P (in place): "/a/b" -> "/a", "/a" -> "/". */
static void
up(char *p)
{
	char *s = strrchr(p, '/');

	if (s == p)
		p[1] = '\0';
	else if (s != NULL)
		*s = '\0';
}

int
dirpath_trusted(const struct dirpath *dp, uid_t owner, const struct stat *final,
    char *why, size_t whylen)
{
	return dirpath_trusted_at(dp, -1, owner, final, why, whylen);
}

int
dirpath_trusted_at(const struct dirpath *dp, int rootfd, uid_t owner,
    const struct stat *final, char *why, size_t whylen)
{
	struct stat st, pst, rst;
	uid_t child = final != NULL ? final->st_uid : 0;
	char *path;
	int fd, pfd, r = 0;

	if ((path = strdup(dp->dir)) == NULL ||
	    (fd = openat(dp->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		free(path);
		snprintf(why, whylen, "open directory");
		return -1;
	}
	if (fstat(fd, &st) == -1 || (rootfd >= 0 && fstat(rootfd, &rst) == -1)) {
		snprintf(why, whylen, "check directory %s", path);
		r = -1;
	}
	while (r == 0) {
		if (!trusted_owner(st.st_uid, owner) ||
		    ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
		    (!(st.st_mode & S_ISVTX) || !trusted_owner(child, owner)))) {
			snprintf(why, whylen, "%s is owned by uid %u with mode %04o",
			    path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
			r = DIRPATH_REFUSED;
			break;
		}
		if (rootfd >= 0 && st.st_dev == rst.st_dev && st.st_ino == rst.st_ino)
			break;		/* the root: the top there */
		if ((pfd = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
		    fstat(pfd, &pst) == -1) {
			snprintf(why, whylen, "check the directories above %s", path);
			if (pfd != -1)
				close(pfd);
			r = -1;
			break;
		}
		close(fd);
		fd = pfd;
		if (pst.st_dev == st.st_dev && pst.st_ino == st.st_ino)
			break;		/* the top: its own parent */
		child = st.st_uid;
		st = pst;
		up(path);
	}
	close(fd);
	free(path);
	return r;
}
