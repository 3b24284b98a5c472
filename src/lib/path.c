/* Paths as text (see path.h).  Pure: no I/O. */
#include <limits.h>
#include <string.h>

#include "path.h"

const char *
path_noncanonical(const char *p)
{
	size_t n;

	if (p[0] != '/')
		return "not absolute";
	if (strlen(p) >= PATH_MAX)
		return "too long";
	if (p[1] == '\0')
		return NULL;		/* "/" */
	for (p++;; p += n + 1) {
		n = strcspn(p, "/");
		if (n == 0)
			return p[0] == '\0' ? "a trailing slash" : "an empty component";
		if (n == 1 && p[0] == '.')
			return "a \".\" component";
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "a \"..\" component";
		if (n > NAME_MAX)
			return "a component too long";
		if (p[n] == '\0')
			return NULL;
	}
}

int
path_canonical(const char *p)
{
	return path_noncanonical(p) == NULL;
}
