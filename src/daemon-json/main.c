/*
 * hersh-daemon-json: add, remove and show container runtimes in Docker's
 * daemon.json, changing nothing else in the file.
 *
 * The edit itself is pure (dj_edit*.c); this file only parses the command
 * line, runs the read-modify-write under a lock (dj_file.c) and reports.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "edit.h"
#include "file.h"
#include "show.h"

#ifndef HERSH_VERSION
#define HERSH_VERSION "0"
#endif

#define DEFAULT_FILE	"/etc/docker/daemon.json"

#define EXIT_USAGE	2
#define EXIT_ABSENT	3
#define EXIT_CHANGED	4

enum cmd { CMD_NONE, CMD_ADD, CMD_REMOVE, CMD_SHOW, CMD_TIDY };

enum {
	OPT_EXIT_CODE = 256, OPT_SET_DEFAULT, OPT_UNSET_DEFAULT,
	OPT_RUNTIME_ARG, OPT_NO_RUNTIME_ARGS, OPT_DEFAULT, OPT_RELOAD_SAFE
};

struct opts {
	const char		*file;
	int			 dry, quiet, exit_code, show_default;
	enum cmd		 cmd;
	const char		*pos[3];	/* NAME, PATH after the command */
	int			 npos;
	const char		*addopt;	/* an add-only option seen */
	struct dj_add_req	 req;
};

static const struct option longopts[] = {
	{ "config",		required_argument,	NULL, 'c' },
	{ "dry-run",		no_argument,		NULL, 'n' },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "exit-code",		no_argument,		NULL, OPT_EXIT_CODE },
	{ "set-default",	no_argument,		NULL, OPT_SET_DEFAULT },
	{ "unset-default",	no_argument,		NULL, OPT_UNSET_DEFAULT },
	{ "runtime-arg",	required_argument,	NULL, OPT_RUNTIME_ARG },
	{ "no-runtime-args",	no_argument,		NULL, OPT_NO_RUNTIME_ARGS },
	{ "default",		no_argument,		NULL, OPT_DEFAULT },
	{ "reload-safe",	no_argument,		NULL, OPT_RELOAD_SAFE },
	{ NULL,			0,			NULL, 0 }
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	fprintf(fp,
	    "usage: hersh-daemon-json [-nq] [-c file] [--exit-code] add name path\n"
	    "           [--set-default | --unset-default [--reload-safe]]\n"
	    "           [--runtime-arg arg ... | --no-runtime-args]\n"
	    "       hersh-daemon-json [-nq] [-c file] [--exit-code] remove name\n"
	    "           [--reload-safe]\n"
	    "       hersh-daemon-json [-nq] [-c file] [--exit-code] tidy [default]\n"
	    "       hersh-daemon-json [-c file] show [name]\n"
	    "       hersh-daemon-json [-c file] show --default\n"
	    "       hersh-daemon-json -h | -V\n");
	exit(status);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	usage(EXIT_USAGE);
}

static int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n, k;

	while (*p != '\0') {
		if (*p < 0x80)
			n = 0;
		else if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		else
			return 0;
		for (k = 1; k <= n; k++)
			if ((p[k] & 0xc0) != 0x80)
				return 0;
		if ((n == 2 && *p == 0xe0 && p[1] < 0xa0) ||
		    (n == 2 && *p == 0xed && p[1] >= 0xa0) ||
		    (n == 3 && *p == 0xf0 && p[1] < 0x90) ||
		    (n == 3 && *p == 0xf4 && p[1] >= 0x90))
			return 0;
		p += n + 1;
	}
	return 1;
}

static void
add_arg(struct opts *o, const char *arg)
{
	const char **na;

	na = reallocarray((void *)o->req.args, o->req.nargs + 1, sizeof(*na));
	if (na == NULL)
		err(1, NULL);
	na[o->req.nargs++] = arg;
	o->req.args = na;
	o->req.args_mode = DJ_ARGS_SET;
}

static void
positional(struct opts *o, const char *arg)
{
	if (o->cmd == CMD_NONE) {
		if (strcmp(arg, "add") == 0)
			o->cmd = CMD_ADD;
		else if (strcmp(arg, "remove") == 0)
			o->cmd = CMD_REMOVE;
		else if (strcmp(arg, "show") == 0)
			o->cmd = CMD_SHOW;
		else if (strcmp(arg, "tidy") == 0)
			o->cmd = CMD_TIDY;
		else
			usage_error("unknown command: %s", arg);
		return;
	}
	if (o->npos == 2)
		usage_error("too many arguments: %s", arg);
	o->pos[o->npos++] = arg;
}

static void
parse_args(int argc, char *argv[], struct opts *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "-c:nqhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 1:
			positional(o, optarg);
			break;
		case 'c':
			o->file = optarg;
			break;
		case 'n':
			o->dry = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("hersh-daemon-json %s\n", HERSH_VERSION);
			exit(0);
		case OPT_EXIT_CODE:
			o->exit_code = 1;
			break;
		case OPT_SET_DEFAULT:
		case OPT_UNSET_DEFAULT:
			if (o->req.default_mode != DJ_DEFAULT_KEEP &&
			    o->req.default_mode != (ch == OPT_SET_DEFAULT ?
			    DJ_DEFAULT_SET : DJ_DEFAULT_UNSET))
				usage_error("--set-default and --unset-default exclude each other");
			o->req.default_mode = ch == OPT_SET_DEFAULT ?
			    DJ_DEFAULT_SET : DJ_DEFAULT_UNSET;
			o->addopt = ch == OPT_SET_DEFAULT ? "--set-default" :
			    "--unset-default";
			break;
		case OPT_RUNTIME_ARG:
			if (o->req.args_mode == DJ_ARGS_CLEAR)
				usage_error("--runtime-arg and --no-runtime-args exclude each other");
			if (!utf8_valid(optarg))
				usage_error("runtime argument is not valid UTF-8");
			add_arg(o, optarg);
			o->addopt = "--runtime-arg";
			break;
		case OPT_NO_RUNTIME_ARGS:
			if (o->req.args_mode == DJ_ARGS_SET)
				usage_error("--runtime-arg and --no-runtime-args exclude each other");
			o->req.args_mode = DJ_ARGS_CLEAR;
			o->addopt = "--no-runtime-args";
			break;
		case OPT_DEFAULT:
			o->show_default = 1;
			break;
		case OPT_RELOAD_SAFE:
			o->req.flags |= DJ_RELOAD_SAFE;
			break;
		default:
			usage(EXIT_USAGE);
		}
	}
	for (; optind < argc; optind++)		/* after "--" */
		positional(o, argv[optind]);
}

static void
check_args(struct opts *o)
{
	static const int want[] = { 0, 2, 1, 0, 0 };
	int max;

	if (o->cmd == CMD_NONE)
		usage_error("no command given");
	if (o->file[0] == '\0')
		usage_error("-c needs a file name");
	if (o->addopt != NULL && o->cmd != CMD_ADD)
		usage_error("%s is only for add", o->addopt);
	if (o->show_default && o->cmd != CMD_SHOW)
		usage_error("--default is only for show");
	if ((o->req.flags & DJ_RELOAD_SAFE) && o->cmd != CMD_REMOVE &&
	    !(o->cmd == CMD_ADD && o->req.default_mode == DJ_DEFAULT_UNSET))
		usage_error("--reload-safe is only for remove and add --unset-default");
	max = o->cmd == CMD_SHOW ? !o->show_default :
	    o->cmd == CMD_TIDY ? 1 : want[o->cmd];
	if (o->npos > max)
		usage_error("too many arguments: %s", o->pos[max]);
	if (o->npos < want[o->cmd])
		usage_error("missing arguments");
	if (o->npos > 0 && (o->pos[0][0] == '\0' || !utf8_valid(o->pos[0])))
		usage_error("runtime name must be non-empty UTF-8");
	if (o->cmd == CMD_ADD && o->pos[1][0] != '/')
		usage_error("path must be absolute: %s", o->pos[1]);
	if (o->cmd == CMD_ADD && !utf8_valid(o->pos[1]))
		usage_error("path is not valid UTF-8");
	o->req.name = o->pos[0];
	o->req.path = o->pos[1];
}

/* "a/etc/docker/daemon.json" for /etc/docker/daemon.json. */
static char *
label(const char *prefix, const char *file)
{
	char *s;

	while (*file == '/')
		file++;
	if (asprintf(&s, "%s%s", prefix, file) == -1)
		err(1, NULL);
	return s;
}

static int
print_diff(const struct opts *o, const struct dj_file *f, const char *out,
    size_t outlen)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	char *la, *lb;
	int r;

	la = f->exists ? label("a/", o->file) : strdup("/dev/null");
	lb = label("b/", o->file);
	if (la == NULL)
		err(1, NULL);
	r = dj_diff(f->data, f->len, out, outlen, la, lb, &sb);
	if (r == 0 && sb.len > 0)
		fwrite(sb.p, 1, sb.len, stdout);
	strbuf_free(&sb);
	free(la);
	free(lb);
	if (r == -1)
		warnx("%s: out of memory", o->file);
	return r;
}

struct phrase {
	unsigned	 mask;
	const char	*done, *would;
};

static const struct phrase phrases[] = {
	{ DJ_CH_CREATED, "added runtime %s", "would add runtime %s" },
	{ DJ_CH_PATH | DJ_CH_ARGS | DJ_CH_ARGS_CLEARED,
	    "updated runtime %s", "would update runtime %s" },
	{ DJ_CH_REMOVED, "removed runtime %s", "would remove runtime %s" },
	{ DJ_CH_DEFAULT_SET, "set default-runtime to %s",
	    "would set default-runtime to %s" },
	{ DJ_CH_DEFAULT_UNSET, "removed default-runtime %s",
	    "would remove default-runtime %s" },
	{ DJ_CH_DEFAULT_RUNC, "set default-runtime %s to runc until reload",
	    "would set default-runtime %s to runc until reload" },
	{ DJ_CH_RUNTIMES_REMOVED, "removed the empty runtimes",
	    "would remove the empty runtimes" },
};

static void
report(const struct opts *o, unsigned changes)
{
	const char *sep = "";
	size_t i;

	if (o->quiet)
		return;
	if (changes & DJ_CH_CREATED)
		changes &= ~(unsigned)(DJ_CH_PATH | DJ_CH_ARGS);
	if (o->cmd != CMD_TIDY)
		changes &= ~(unsigned)DJ_CH_RUNTIMES_REMOVED;
	printf("%s: ", o->file);
	if (changes == 0 && o->cmd == CMD_TIDY)
		fputs("nothing to tidy", stdout);
	else if (changes == 0)
		printf(o->cmd == CMD_ADD ?
		    "runtime %s is already as requested, nothing to change" :
		    "no runtime %s, nothing to change", o->req.name);
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
		if ((changes & phrases[i].mask) == 0)
			continue;
		fputs(sep, stdout);
		printf(o->dry ? phrases[i].would : phrases[i].done, o->req.name);
		sep = ", ";
	}
	putchar('\n');
}

static int
edit(const struct opts *o, const struct dj_file *f, char **out, size_t *outlen,
    struct dj_result *res)
{
	if (o->cmd == CMD_ADD)
		return dj_edit_add(f->data, f->len, &o->req, out, outlen, res);
	if (o->cmd == CMD_TIDY)
		return dj_edit_tidy(f->data, f->len, o->req.name, out, outlen,
		    res);
	return dj_edit_remove(f->data, f->len, o->req.name, o->req.flags, out,
	    outlen, res);
}

static int
do_edit(const struct opts *o)
{
	struct dj_result res;
	struct dj_file f;
	const char *what;
	char *out = NULL;
	size_t outlen;
	int changed, rc = 1;

	if (dj_file_open(&f, o->file, !o->dry, o->cmd == CMD_ADD, &what) == -1) {
		warn("%s: cannot %s", o->file, what);
		goto done;
	}
	if (edit(o, &f, &out, &outlen, &res) == -1) {
		warnx("%s: %s", o->file, res.msg);
		goto done;
	}
	changed = outlen != f.len || memcmp(out, f.data, outlen) != 0;
	if (changed && !o->dry && dj_file_write(&f, out, outlen, &what) == -1) {
		warn("%s: cannot %s", o->file, what);
		goto done;
	}
	report(o, changed ? res.changes : 0);
	if (changed && o->dry && print_diff(o, &f, out, outlen) == -1)
		goto done;
	rc = changed && o->exit_code ? EXIT_CHANGED : 0;
done:
	dj_file_close(&f);
	free(out);
	return rc;
}

static int
do_show(const struct opts *o)
{
	struct dj_result res;
	struct dj_file f;
	const char *what;
	char *out = NULL;
	int r;

	if (dj_file_open(&f, o->file, 0, 0, &what) == -1) {
		warn("%s: cannot %s", o->file, what);
		dj_file_close(&f);
		return 1;
	}
	r = dj_show(f.data, f.len, o->show_default ? DJ_SHOW_DEFAULT :
	    o->npos > 0 ? DJ_SHOW_ENTRY : DJ_SHOW_ALL, o->pos[0], &out, &res);
	if (r == -1)
		warnx("%s: %s", o->file, res.msg);
	else if (r == 0)
		fputs(out, stdout);
	free(out);
	dj_file_close(&f);
	return r == -1 ? 1 : r == 1 ? EXIT_ABSENT : 0;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.file = DEFAULT_FILE;
	parse_args(argc, argv, &o);
	check_args(&o);
	rc = o.cmd == CMD_SHOW ? do_show(&o) : do_edit(&o);
	free((void *)o.req.args);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		rc = 1;
	}
	return rc;
}
