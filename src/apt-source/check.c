/* hersh-apt-source check: the answer rules, for scripts (see commands.h). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apt.h"
#include "commands.h"
#include "rules.h"
#include "lib/xmalloc.h"

const char *const as_check_kinds[] = {
	"uri", "key-url", "fingerprint", "suite", NULL
};

/* VALUE as the rule of KIND takes it (malloc'd), or NULL with WHY. */
static char *
judge(const char *kind, const char *value, char *why)
{
	char *methods;
	int r;

	if (strcmp(kind, "uri") == 0) {
		if (as_uri_check(value, why) == -1)
			return NULL;
		methods = as_apt_find_dir("Dir::Bin::Methods");
		r = as_uri_method(methods, value, why);
		free(methods);
		return r == 0 ? as_strip_slashes(xstrdup(value)) : NULL;
	}
	if (strcmp(kind, "key-url") == 0)
		return as_key_url_check(value, why) == 0 ? xstrdup(value) : NULL;
	if (strcmp(kind, "fingerprint") == 0)
		return as_fpr_norm(value, why);
	return as_suite_check(value, why) == 0 ? xstrdup(value) : NULL;
}

int
as_cmd_check(const char *kind, const char *value)
{
	char why[AS_WHY], *out;

	if ((out = judge(kind, value, why)) == NULL) {
		as_field(why);
		putchar('\n');
		return 1;
	}
	as_field(out);
	putchar('\n');
	free(out);
	return 0;
}
