/*
 * hersh-daemon-json: add, remove and show container runtimes in Docker's
 * daemon.json, changing nothing else in the file.
 *
 * The edits themselves are pure (edit.c, layout.c, show.c over the one
 * scanner, scan.c); this file only parses the command line, runs the
 * read-modify-write through the file layer (file.c) and reports.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <limits.h>

#include "lib/xmalloc.h"
#include "diff.h"
#include "edit.h"
#include "file.h"
#include "layout.h"
#include "scan.h"
#include "show.h"

#ifndef HERSH_VERSION
#define HERSH_VERSION "0"
#endif

#define DEFAULT_FILE	"/etc/docker/daemon.json"

#define EXIT_USAGE	2
#define EXIT_ABSENT	3
#define EXIT_CHANGED	4
#define EXIT_DIFFERS	5

#define LOCK_TIMEOUT	60		/* seconds, unless --lock-timeout */
#define LOCK_TIMEOUT_MAX 86400

enum cmd { CMD_NONE, CMD_ADD, CMD_REMOVE, CMD_SHOW, CMD_TIDY, CMD_RESTORE };

static const char *const cmd_names[] = {
	NULL, "add", "remove", "show", "tidy", "restore-layout"
};

enum {
	OPT_EXIT_CODE = 256, OPT_SET_DEFAULT, OPT_UNSET_DEFAULT,
	OPT_RUNTIME_ARG, OPT_NO_RUNTIME_ARGS, OPT_DEFAULT, OPT_RELOAD_SAFE,
	OPT_UPSTREAM_ENTRY, OPT_ALLOW_UNTRUSTED, OPT_LOCK_TIMEOUT
};

struct opts {
	const char		*file;
	int			 dry, quiet, exit_code, show_default;
	int			 allow_untrusted;
	long			 lock_timeout;	/* seconds */
	const char		*editopt;	/* an edit-only option seen */
	enum cmd		 cmd;
	const char		*pos[3];	/* NAME, PATH (or SAVED) after the command */
	int			 npos;
	const char		*addopt;	/* an add-only option seen */
	const char		*up_name;	/* --upstream-entry NAME PATH */
	const char		*up_path;
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
	{ "upstream-entry",	required_argument,	NULL, OPT_UPSTREAM_ENTRY },
	{ "allow-untrusted-dir", no_argument,		NULL, OPT_ALLOW_UNTRUSTED },
	{ "lock-timeout",	required_argument,	NULL, OPT_LOCK_TIMEOUT },
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
	    "       hersh-daemon-json [-nq] [-c file] [--exit-code] restore-layout saved\n"
	    "           [--upstream-entry name path]\n"
	    "       hersh-daemon-json [-c file] show [name]\n"
	    "       hersh-daemon-json [-c file] show --default\n"
	    "       hersh-daemon-json -h | -V\n"
	    "Edits also take --allow-untrusted-dir and --lock-timeout seconds.\n");
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

/* Is S valid UTF-8, as Go (and so Docker) reads it? */
static int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, left = strlen(s);

	for (; left > 0; p += n, left -= n)
		if ((n = dj_utf8_len(p, left)) == 0)
			return 0;
	return 1;
}

static long
seconds(const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || n < 0 ||
	    n > LOCK_TIMEOUT_MAX)
		usage_error("--lock-timeout takes whole seconds from 0 to %d: %s",
		    LOCK_TIMEOUT_MAX, arg);
	return n;
}

static void
add_arg(struct opts *o, const char *arg)
{
	const char **na;

	na = xreallocarray((void *)o->req.args, o->req.nargs + 1, sizeof(*na));
	na[o->req.nargs++] = arg;
	o->req.args = na;
	o->req.args_mode = DJ_ARGS_SET;
}

static void
positional(struct opts *o, const char *arg)
{
	int c;

	if (o->cmd == CMD_NONE) {
		for (c = CMD_ADD; c <= CMD_RESTORE; c++)
			if (strcmp(arg, cmd_names[c]) == 0)
				o->cmd = c;
		if (o->cmd == CMD_NONE)
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
		case OPT_UPSTREAM_ENTRY:
			if (optind >= argc)
				usage_error("--upstream-entry needs a name and a path");
			o->up_name = optarg;
			o->up_path = argv[optind++];
			break;
		case OPT_ALLOW_UNTRUSTED:
			o->allow_untrusted = 1;
			o->editopt = "--allow-untrusted-dir";
			break;
		case OPT_LOCK_TIMEOUT:
			o->lock_timeout = seconds(optarg);
			o->editopt = "--lock-timeout";
			break;
		default:
			usage(EXIT_USAGE);
		}
	}
	for (; optind < argc; optind++)		/* after "--" */
		positional(o, argv[optind]);
}

/* A runtime NAME and PATH as Docker takes them. */
static void
check_runtime(const char *name, const char *path)
{
	if (name[0] == '\0' || !utf8_valid(name))
		usage_error("runtime name must be non-empty UTF-8");
	if (path == NULL)
		return;
	if (path[0] != '/')
		usage_error("path must be absolute: %s", path);
	if (!utf8_valid(path))
		usage_error("path is not valid UTF-8");
}

static void
check_args(struct opts *o)
{
	static const int want[] = { 0, 2, 1, 0, 0, 1 };
	int max;

	if (o->cmd == CMD_NONE)
		usage_error("no command given");
	if (o->file[0] == '\0')
		usage_error("-c needs a file name");
	if (o->addopt != NULL && o->cmd != CMD_ADD)
		usage_error("%s is only for add", o->addopt);
	if (o->show_default && o->cmd != CMD_SHOW)
		usage_error("--default is only for show");
	if (o->up_name != NULL && o->cmd != CMD_RESTORE)
		usage_error("--upstream-entry is only for restore-layout");
	if (o->editopt != NULL && o->cmd == CMD_SHOW)
		usage_error("%s is only for commands that edit", o->editopt);
	if ((o->req.flags & DJ_RELOAD_SAFE) && o->cmd != CMD_REMOVE &&
	    !(o->cmd == CMD_ADD && o->req.default_mode == DJ_DEFAULT_UNSET))
		usage_error("--reload-safe is only for remove and add --unset-default");
	max = o->cmd == CMD_SHOW ? !o->show_default :
	    o->cmd == CMD_TIDY ? 1 : want[o->cmd];
	if (o->npos > max)
		usage_error("too many arguments: %s", o->pos[max]);
	if (o->npos < want[o->cmd])
		usage_error("missing arguments");
	if (o->cmd == CMD_RESTORE && o->pos[0][0] == '\0')
		usage_error("restore-layout needs a file name");
	else if (o->cmd == CMD_RESTORE && o->up_name != NULL)
		check_runtime(o->up_name, o->up_path);
	else if (o->npos > 0 && o->cmd != CMD_RESTORE)
		check_runtime(o->pos[0], o->cmd == CMD_ADD ? o->pos[1] : NULL);
	o->req.name = o->pos[0];
	o->req.path = o->pos[1];
}

/* "a/etc/docker/daemon.json" for /etc/docker/daemon.json. */
static char *
label(const char *prefix, const char *file)
{
	while (*file == '/')
		file++;
	return xasprintf("%s%s", prefix, file);
}

static int
print_diff(const struct opts *o, const struct dj_file *f, const char *out,
    size_t outlen)
{
	struct strbuf sb = { NULL, 0, 0, 0 };
	char *la, *lb;
	int r;

	la = f->exists ? label("a/", o->file) : xstrdup("/dev/null");
	lb = label("b/", o->file);
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

static void
report_restore(const struct opts *o, int changed, enum dj_verdict v)
{
	if (o->quiet)
		return;
	if (!changed)
		printf("%s: already laid out as %s, nothing to change\n",
		    o->file, o->pos[0]);
	else
		printf("%s: %s the layout of %s%s%s%s\n", o->file,
		    o->dry ? "would put back" : "put back", o->pos[0],
		    v == DJ_SAME_PLUS_ENTRY ? ", with runtime " : "",
		    v == DJ_SAME_PLUS_ENTRY ? o->up_name : "",
		    v == DJ_SAME_PLUS_ENTRY ? " added" : "");
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

/*
 * restore-layout: *OUT is what FILE (F) should hold.  0; EXIT_DIFFERS
 * when FILE differs from SAVED in content; 1 after an error.
 */
static int
restore(const struct opts *o, const struct dj_file *f, char **out,
    size_t *outlen, enum dj_verdict *v)
{
	struct dj_result res;
	struct dj_file saved;
	int rc = 1;

	if (!f->exists) {
		warnx("%s: no such file, nothing to restore", o->file);
		return 1;
	}
	if (dj_file_open(&saved, o->pos[0], 0, 0) == -1)
		goto done;
	if (!saved.exists)
		warnx("%s: no such file", o->pos[0]);
	else if (dj_restore_layout(f->data, f->len, saved.data, saved.len,
	    o->up_name, o->up_path, v, out, outlen, &res) == -1)
		warnx("%s: %s", res.which ? o->pos[0] : o->file, res.msg);
	else if (*v == DJ_DIFFERENT) {
		warnx("%s: differs from %s in content, not only in layout; "
		    "left as it is", o->file, o->pos[0]);
		rc = EXIT_DIFFERS;
	} else
		rc = 0;
done:
	dj_file_close(&saved);
	return rc;
}

static int
do_edit(const struct opts *o)
{
	struct dj_result res;
	struct dj_file f;
	enum dj_verdict v = DJ_SAME_BYTES;
	char *out = NULL;
	size_t outlen;
	unsigned flags;
	int changed, rc = 1;

	flags = (o->dry ? 0 : DJ_OPEN_LOCK) |
	    (o->cmd == CMD_ADD && !o->dry ? DJ_OPEN_MKDIR : 0) |
	    (o->allow_untrusted ? 0 : DJ_OPEN_TRUSTED);
	if (dj_file_open(&f, o->file, flags, o->lock_timeout * 1000) == -1)
		goto done;
	if (o->cmd == CMD_RESTORE) {
		if ((rc = restore(o, &f, &out, &outlen, &v)) != 0)
			goto done;
		rc = 1;
	} else if (edit(o, &f, &out, &outlen, &res) == -1) {
		warnx("%s: %s", o->file, res.msg);
		goto done;
	}
	changed = outlen != f.len || memcmp(out, f.data, outlen) != 0;
	if (changed && !o->dry && dj_file_write(&f, out, outlen) == -1)
		goto done;
	if (o->cmd == CMD_RESTORE)
		report_restore(o, changed, v);
	else
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
	char *out = NULL;
	size_t outlen;
	int r = -1;

	if (dj_file_open(&f, o->file, 0, 0) == 0) {
		r = dj_show(f.data, f.len, o->show_default ? DJ_SHOW_DEFAULT :
		    o->npos > 0 ? DJ_SHOW_ENTRY : DJ_SHOW_ALL, o->pos[0], &out,
		    &outlen, &res);
		if (r == -1)
			warnx("%s: %s", o->file, res.msg);
		else if (r == 0)
			fwrite(out, 1, outlen, stdout);
	}
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
	o.lock_timeout = LOCK_TIMEOUT;
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
