/* Stop cleanly on SIGINT, SIGTERM, SIGHUP (see interrupt.h). */

#include <signal.h>
#include <string.h>

#include "interrupt.h"

/* The one piece of global state: written by the handler, read by loops. */
static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

void
as_interrupt_catch(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: blocking calls return EINTR */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* A signal the caller ignores (a background job's SIGINT) stays so. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int
as_interrupted(void)
{
	return caught;
}

void
as_interrupt_exit(void)
{
	int sig = caught;

	if (sig == 0)
		return;
	signal(sig, SIG_DFL);
	raise(sig);
}
