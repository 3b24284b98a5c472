/*
 * A stand-in for dockerd in the shell library's tests (tests/unit/lib.bash,
 * fake_dockerd): a root-owned binary that the tests copy under the name
 * dockerd.  "--validate --config-file FILE" answers as Docker 23 and later
 * do for a file it accepts; anything else waits until a signal ends it
 * (SIGHUP, dockerd's reload, ends it here, which the tests observe).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "--validate") == 0) {
		puts("configuration OK");
		return 0;
	}
	for (;;)
		pause();
}
