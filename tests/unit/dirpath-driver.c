/*
 * test-dirpath: a driver for tests/unit/dirpath.bats, over src/lib's path
 * resolution (dirpath.h), replace and remove (atomic-file.h).
 *
 *   test-dirpath [-fmlMRstw] [-r root] [-W data] [-X command] path
 *   test-dirpath -C path
 *   test-dirpath -D [-s] [-L depth] [-r root] path
 *
 * -r ROOT confines PATH inside ROOT; -w walks step by step (no openat2);
 * -m creates missing directories, -l only the last; -M makes a missing
 * directory a result of its own (DIRPATH_MISSING_OK); -f follows a final
 * symlink; -s follows no symlink at all (DIRPATH_NO_SYMLINKS); -t checks the directory chain is trusted (owner: the euid).
 * -W DATA replaces the file with DATA; -R then removes it, if unchanged
 * since written (or, without -W, since read).  -X COMMAND reads the file
 * first and runs COMMAND (sh -c) before -W or -R, which then act only if
 * the file did not change since that read.  Prints the directory
 * reached, the final name and the directory's device:inode,
 * tab-separated.  Exit 0; 1 on an error (message on stderr); 3 when
 * refused; 4 when a directory is missing (-M: "missing" and its path);
 * 5 when the file changed since read or written (nothing done).
 *
 * -C prints "canonical" or why PATH is not (path.h), exiting 0 or 1.
 * -D removes the tree at PATH (rmtree.h; its directory resolved as the
 * flags say: -r confines it, -s follows no symlink; -L: directories
 * entered at most DEPTH levels below it, default RMTREE_MAX_DEPTH) and prints a line for each name
 * it met: "removed PATH" or "kept PATH: why"; exit 0 when all went, 1
 * when something stayed.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/atomic-file.h"
#include "lib/dirpath.h"
#include "lib/path.h"
#include "lib/rmtree.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: test-dirpath [-fmlMRstw] [-r root] [-W data] "
	    "[-X command] path\n"
	    "       test-dirpath -C path\n"
	    "       test-dirpath -D [-s] [-L depth] [-r root] path\n");
	exit(2);
}

/* Exit 5 when R says the file changed; 1 on an error of STEP. */
static void
check(int r, const char *path, const char *step)
{
	if (r == FILE_CHANGED)
		errx(5, "%s: changed since it was read", path);
	if (r != FILE_OK)
		err(1, "%s: cannot %s", path, step);
}

/* The file as it is now (FILE_OK even when missing). */
static void
stamp_now(const struct dirpath *dp, const char *path, struct file_stamp *fs)
{
	const char *step;
	char *buf;
	size_t len;
	int r;

	r = file_read_at(dp->fd, dp->name, SIZE_MAX, &buf, &len, fs, &step);
	check(r, path, step);
	free(buf);
}

static int
canonical(const char *path)
{
	const char *why = path_noncanonical(path);

	printf("%s\n", why != NULL ? why : "canonical");
	return why != NULL;
}

static void
told(void *ctx, const char *path, const struct stat *st, int err)
{
	(void)ctx;
	(void)st;
	if (err == 0)
		printf("removed %s\n", path);
	else
		printf("kept %s: %s\n", path, strerror(err));
}

static int
remove_tree(int rootfd, const char *path, unsigned flags, int depth)
{
	struct dirpath dp;
	char why[PATH_MAX + 128];
	int r;

	r = dirpath_open(&dp, rootfd, path, flags, geteuid(), why, sizeof(why));
	if (r == DIRPATH_REFUSED)
		errx(3, "%s", why);
	if (r != 0)
		err(1, "%s: cannot %s", path, why);
	r = rmtree_at(dp.fd, dp.name, path, depth, told, NULL);
	dirpath_close(&dp);
	return r == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	struct dirpath dp;
	struct file_stamp fs, *was = NULL;
	struct stat st;
	const char *data = NULL, *cmd = NULL, *step, *path;
	char why[PATH_MAX + 128];
	unsigned flags = 0;
	int ch, rootfd = -1, trust = 0, rm = 0, mode = 0, depth = RMTREE_MAX_DEPTH, r;

	while ((ch = getopt(argc, argv, "CDfmlMRstwr:L:W:X:")) != -1) {
		switch (ch) {
		case 'L': depth = atoi(optarg); break;
		case 'C': case 'D': mode = ch; break;
		case 's': flags |= DIRPATH_NO_SYMLINKS; break;
		case 'f': flags |= DIRPATH_FOLLOW; break;
		case 'm': flags |= DIRPATH_MKDIR; break;
		case 'l': flags |= DIRPATH_MKDIR_LAST; break;
		case 'M': flags |= DIRPATH_MISSING_OK; break;
		case 'w': flags |= DIRPATH_WALK; break;
		case 't': trust = 1; break;
		case 'R': rm = 1; break;
		case 'W': data = optarg; break;
		case 'X': cmd = optarg; break;
		case 'r':
			if ((rootfd = open(optarg, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
				err(1, "%s", optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	path = argv[optind];
	if (mode == 'C')
		return canonical(path);
	if (mode == 'D')
		return remove_tree(rootfd, path, flags, depth);
	r = dirpath_open(&dp, rootfd, path, flags, geteuid(), why, sizeof(why));
	if (r == DIRPATH_REFUSED)
		errx(3, "%s", why);
	if (r == DIRPATH_MISSING) {
		printf("missing\t%s\n", why);
		return 4;
	}
	if (r == -1)
		err(1, "%s: cannot %s", path, why);
	if (trust && (r = dirpath_trusted(&dp, geteuid(), NULL, why,
	    sizeof(why))) != 0) {
		if (r == DIRPATH_REFUSED)
			errx(3, "refused: %s", why);
		err(1, "%s: cannot %s", path, why);
	}
	if (cmd != NULL || (rm && data == NULL)) {
		stamp_now(&dp, path, &fs);
		was = &fs;
	}
	if (cmd != NULL && system(cmd) != 0)
		errx(1, "%s: failed", cmd);
	if (data != NULL) {
		check(file_replace_at(dp.fd, dp.name, data, strlen(data), was,
		    0644, &fs, &step), path, step);
		was = &fs;
	}
	if (rm)
		check(file_remove_at(dp.fd, dp.name, was), path, "remove");
	if (fstat(dp.fd, &st) == -1)
		err(1, "fstat");
	printf("%s\t%s\t%lu:%lu\n", dp.dir, dp.name, (unsigned long)st.st_dev,
	    (unsigned long)st.st_ino);
	dirpath_close(&dp);
	return 0;
}
