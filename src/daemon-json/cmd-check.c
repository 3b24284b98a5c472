/*
 * Questions a script asks instead of looking for itself: may root trust
 * this file (trusted), may Docker pass these runtime arguments safely
 * (check-args).  The rules live in lib/dirpath.h and args.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/dirpath.h"
#include "lib/strbuf.h"
#include "args.h"
#include "opts.h"

#define WHY_MAX	(PATH_MAX + 256)

/* "KEY<TAB>PATH[<TAB>WHY]", the fields escaped. */
static void
answer(const char *key, const char *path, const char *why)
{
	struct strbuf sb = { NULL, 0, 0, 0 };

	strbuf_str(&sb, key);
	strbuf_add(&sb, "\t", 1);
	strbuf_field(&sb, path, strlen(path));
	if (why != NULL) {
		strbuf_add(&sb, "\t", 1);
		strbuf_field(&sb, why, strlen(why));
	}
	strbuf_add(&sb, "\n", 1);
	if (!sb.oom)
		fwrite(sb.p, 1, sb.len, stdout);
	strbuf_free(&sb);
}

int
cmd_trusted(const struct opts *o)
{
	char why[WHY_MAX], msg[WHY_MAX + 64];
	int i, r, rc = 0;

	for (i = 0; i < o->npos; i++) {
		r = dirpath_trusted_file(o->rootfd, o->pos[i],
		    o->for_root ? 0 : geteuid(), why, sizeof(why));
		if (r == 0) {
			answer("trusted", o->pos[i], NULL);
			continue;
		}
		if (r == -1)
			snprintf(msg, sizeof(msg), "cannot %s: %s", why,
			    strerror(errno));
		else
			snprintf(msg, sizeof(msg), "%s", why);
		answer("untrusted", o->pos[i], msg);
		rc = 1;
	}
	return rc;
}

int
cmd_check_args(const struct opts *o)
{
	char why[512];
	int i;

	for (i = 0; i < o->npos; i++)
		if (dj_arg_unsafe(o->pos[i], why, sizeof(why)) != NULL) {
			printf("%s\n", why);
			return 1;
		}
	return 0;
}
