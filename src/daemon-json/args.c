/* The runtime-argument rule (see args.h).  Pure. */
#include <stdio.h>
#include <string.h>

#include "lib/strbuf.h"
#include "args.h"

#define ARG_QUOTE_MAX	200	/* bytes of an argument quoted in a reason */

static int
plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("-_=,./:@%+", c));
}

const char *
dj_arg_unsafe(const char *arg, char *why, size_t whylen)
{
	struct strbuf qa = { NULL, 0, 0, 0 };
	size_t n = strlen(arg), i;
	unsigned char c;
	char qc[8];

	if (n == 0) {
		snprintf(why, whylen, "runtime argument '' is empty");
		return why;
	}
	for (i = 0; i < n && plain((unsigned char)arg[i]); i++)
		;
	if (i == n)
		return NULL;
	c = (unsigned char)arg[i];
	if (c >= 0x20 && c < 0x7f)
		snprintf(qc, sizeof(qc), "%c", c);
	else
		snprintf(qc, sizeof(qc), "\\x%02x", c);
	strbuf_field(&qa, arg, n > ARG_QUOTE_MAX ? ARG_QUOTE_MAX : n);
	snprintf(why, whylen, "runtime argument '%s%s' holds '%s': only "
	    "letters, digits and - _ = , . / : @ %% + are allowed (Docker runs "
	    "the runtime through a shell script holding its arguments)",
	    qa.oom ? "" : qa.p, n > ARG_QUOTE_MAX ? "..." : "", qc);
	strbuf_free(&qa);
	return why;
}
