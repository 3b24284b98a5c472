/*
 * test-dirpath: a driver for tests/unit/dirpath.bats, over src/lib's path
 * resolution (dirpath.h) and replace (atomic-file.h).
 *
 *   test-dirpath [-fmltw] [-r root] [-W data] path
 *
 * -r ROOT confines PATH inside ROOT; -w walks step by step (no openat2);
 * -m creates missing directories, -l only the last; -f follows a final
 * symlink; -t checks the directory chain is trusted (owner: the euid);
 * -W DATA replaces the file with DATA.  Prints the directory reached, the
 * final name and the directory's device:inode, tab-separated.  Exit 0;
 * 1 on an error (message on stderr); 3 when refused.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/atomic-file.h"
#include "lib/dirpath.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: test-dirpath [-fmltw] [-r root] [-W data] path\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct dirpath dp;
	struct stat st;
	const char *data = NULL, *step;
	char why[PATH_MAX + 128];
	unsigned flags = 0;
	int ch, rootfd = -1, trust = 0, r;

	while ((ch = getopt(argc, argv, "fmltwr:W:")) != -1) {
		switch (ch) {
		case 'f': flags |= DIRPATH_FOLLOW; break;
		case 'm': flags |= DIRPATH_MKDIR; break;
		case 'l': flags |= DIRPATH_MKDIR_LAST; break;
		case 'w': flags |= DIRPATH_WALK; break;
		case 't': trust = 1; break;
		case 'W': data = optarg; break;
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
	r = dirpath_open(&dp, rootfd, argv[optind], flags, geteuid(), why,
	    sizeof(why));
	if (r == DIRPATH_REFUSED)
		errx(3, "%s", why);
	if (r == -1)
		err(1, "%s: cannot %s", argv[optind], why);
	if (trust && (r = dirpath_trusted(&dp, geteuid(), NULL, why,
	    sizeof(why))) != 0) {
		if (r == DIRPATH_REFUSED)
			errx(3, "refused: %s", why);
		err(1, "%s: cannot %s", argv[optind], why);
	}
	if (data != NULL && file_replace_at(dp.fd, dp.name, data, strlen(data),
	    NULL, 0644, &step) != FILE_OK)
		err(1, "%s: cannot %s", argv[optind], step);
	if (fstat(dp.fd, &st) == -1)
		err(1, "fstat");
	printf("%s\t%s\t%lu:%lu\n", dp.dir, dp.name, (unsigned long)st.st_dev,
	    (unsigned long)st.st_ino);
	dirpath_close(&dp);
	return 0;
}
