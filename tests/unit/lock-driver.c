/*
 * test-lock: a driver for tests/unit/lock.bats, over src/lib's lock
 * (lock.h): take the lock of a file, as hersh-daemon-json and
 * hersh-apt-source do.
 *
 *   test-lock [-in] [-t ms] path
 *
 * Resolves PATH's directory (dirpath.h) and locks PATH there (its lock
 * file .NAME.hersh-lock beside it), waiting at most -t MS milliseconds
 * (default 0).  -i catches SIGINT and SIGTERM with a handler that only
 * records them, as hersh-apt-source does (no SA_RESTART); without it they
 * keep their disposition.  Once locked, prints "locked" and holds the
 * lock until its standard input ends, then releases it.  On failure
 * prints lock_failure()'s message naming PATH (and the lock file; -n:
 * the lock file only) and exits 1 (also when a signal caught with -i
 * ended the wait: the message then names the signal).
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/dirpath.h"
#include "lib/lock.h"

static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: test-lock [-in] [-t ms] path\n");
	exit(2);
}

static void
catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		err(1, "sigaction");
}

int
main(int argc, char *argv[])
{
	struct dirpath dp;
	struct lock lk;
	char why[PATH_MAX + 128], msg[PATH_MAX + 256];
	long timeout = 0;
	int ch, named = 1, saved, rc = 0;

	while ((ch = getopt(argc, argv, "int:")) != -1) {
		switch (ch) {
		case 'i': catch(); break;
		case 'n': named = 0; break;
		case 't': timeout = strtol(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (argc - optind != 1)
		usage();
	if (dirpath_open(&dp, -1, argv[optind], 0, geteuid(), why,
	    sizeof(why)) != 0)
		errx(1, "%s: cannot %s", argv[optind], why);
	if (lock_take(&lk, dp.fd, dp.name, timeout) == 0) {
		printf("locked\n");
		fflush(stdout);
		while (getchar() != EOF)
			;
	} else {
		saved = errno;
		lock_failure(&lk, saved, named ? dp.dir : NULL, msg, sizeof(msg));
		warnx("%s: %s%s", named || lk.name == NULL ? argv[optind] :
		    lk.name, msg, caught == SIGINT ? " (SIGINT)" :
		    caught == SIGTERM ? " (SIGTERM)" : "");
		rc = 1;
	}
	lock_release(&lk);
	dirpath_close(&dp);
	return rc;
}
