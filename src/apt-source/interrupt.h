/*
 * SIGINT, SIGTERM and SIGHUP (unless the caller ignores them) while
 * hersh-apt-source runs: the handler only records the signal (system calls
 * it interrupts fail with EINTR); the download and gpg notice it, stop,
 * and remove their temporary directories on the way out; main() then dies
 * by the same signal.
 */
#ifndef AS_INTERRUPT_H
#define AS_INTERRUPT_H

void	 as_interrupt_catch(void);
/* The signal caught so far, or 0. */
int	 as_interrupted(void);
/* When a signal was caught: die by it (default action).  Else return. */
void	 as_interrupt_exit(void);

#endif
