/*
 * Allocation that cannot fail: on failure the program exits with a
 * message (err(3)).  For the command-line programs and their I/O layers;
 * the pure edit core of hersh-daemon-json reports out-of-memory instead.
 */
#ifndef LIB_XMALLOC_H
#define LIB_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
