/*
 * Which runtime arguments Docker can pass safely: the one home of that
 * rule.  Docker 20.10 and later run a runtime that has arguments through
 * a /bin/sh wrapper script it writes, with the arguments in it as they
 * are, so anything the shell would read as syntax would run as root.
 * Pure.
 */
#ifndef DJ_ARGS_H
#define DJ_ARGS_H

#include <stddef.h>

/*
 * NULL when ARG is not empty and holds only ASCII letters, digits and
 * - _ = , . / : @ % +; else the reason, naming ARG (escaped, quoted), in
 * WHY (WHYLEN bytes), which is returned.
 */
const char	*dj_arg_unsafe(const char *arg, char *why, size_t whylen);

#endif
