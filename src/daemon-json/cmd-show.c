/*
 * show: what Docker will read from daemon.json, as JSON (show.c) or as
 * porcelain records (porcelain.c).  Reads from anywhere, locks nothing.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>

#include "file.h"
#include "opts.h"
#include "porcelain.h"
#include "show.h"

int
cmd_show(const struct opts *o)
{
	struct dj_result res;
	struct dj_file f;
	const char *name = o->npos > 0 ? o->pos[0] : NULL;
	char *out = NULL;
	size_t outlen;
	int r = -1;

	if (dj_file_open(&f, o->rootfd, o->file, o->file_label, 0, 0) == 0) {
		if (o->porcelain)
			r = dj_porcelain(f.data, f.len, f.exists, name, &out,
			    &outlen, &res);
		else
			r = dj_show(f.data, f.len, o->show_default ?
			    DJ_SHOW_DEFAULT : name != NULL ? DJ_SHOW_ENTRY :
			    DJ_SHOW_ALL, name, &out, &outlen, &res);
		if (r == -1)
			warnx("%s: %s", o->file_label, res.msg);
		else if (out != NULL)
			fwrite(out, 1, outlen, stdout);
	}
	free(out);
	dj_file_close(&f);
	return r == -1 ? 1 : r == 1 ? EXIT_ABSENT : 0;
}
