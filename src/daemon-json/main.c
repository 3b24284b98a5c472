/*
 * hersh-daemon-json: add, remove and show container runtimes in Docker's
 * daemon.json, changing nothing else in the file; and keep the package's
 * record of what it did there (the state directory).
 *
 * This file only parses the command line and hands it to a command
 * (cmd-*.c).  The logic is pure (edit.c, layout.c, show.c, porcelain.c,
 * judge.c, args.c over the one scanner, scan.c); the I/O is file.c's
 * (daemon.json) and state.c's (the state directory).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/xmalloc.h"
#include "args.h"
#include "opts.h"
#include "scan.h"
#include "state.h"

#ifndef HERSH_VERSION
#define HERSH_VERSION "0"
#endif

#define DEFAULT_FILE	"/etc/docker/daemon.json"

#define LOCK_TIMEOUT	60		/* seconds, unless --lock-timeout */
#define LOCK_TIMEOUT_MAX 86400

#define MANY		(-1)		/* no upper bound on arguments */

/* What a command takes. */
#define T_EDIT		0x01	/* writes daemon.json: -n, --exit-code */
#define T_READS_FILE	0x02	/* --allow-untrusted-dir */
#define T_LOCKS		0x04	/* --lock-timeout */
#define T_DRY		0x08	/* -n */

struct command {
	const char	*name;
	int		(*run)(const struct opts *);
	int		 min, max;	/* arguments after it */
	unsigned	 takes;
};

static const struct command commands[] = {
	[CMD_ADD] =	{ "add", cmd_edit, 2, 2, T_EDIT | T_READS_FILE | T_LOCKS | T_DRY },
	[CMD_REMOVE] =	{ "remove", cmd_edit, 1, 1, T_EDIT | T_READS_FILE | T_LOCKS | T_DRY },
	[CMD_SHOW] =	{ "show", cmd_show, 0, 1, 0 },
	[CMD_TIDY] =	{ "tidy", cmd_edit, 0, 1, T_EDIT | T_READS_FILE | T_LOCKS | T_DRY },
	[CMD_RESTORE] =	{ "restore-layout", cmd_edit, 0, 1, T_EDIT | T_READS_FILE | T_LOCKS | T_DRY },
	[CMD_STATE] =	{ "state", cmd_state, 0, 2, T_READS_FILE },
	[CMD_MARK] =	{ "mark", cmd_mark, 1, 2, 0 },
	[CMD_UNMARK] =	{ "unmark", cmd_unmark, 1, MANY, 0 },
	[CMD_REMEMBER] = { "remember", cmd_remember, 0, 0, T_READS_FILE },
	[CMD_FORGET] =	{ "forget", cmd_forget, 0, 0, 0 },
	[CMD_TRUSTED] =	{ "trusted", cmd_trusted, 1, MANY, 0 },
	[CMD_CHECK_ARGS] = { "check-args", cmd_check_args, 0, MANY, 0 },
	[CMD_PURGE] =	{ "purge", cmd_purge, 0, 0, T_READS_FILE | T_LOCKS },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

enum {
	OPT_EXIT_CODE = 256, OPT_SET_DEFAULT, OPT_UNSET_DEFAULT,
	OPT_RUNTIME_ARG, OPT_NO_RUNTIME_ARGS, OPT_DEFAULT, OPT_RELOAD_SAFE,
	OPT_UPSTREAM_ENTRY, OPT_ALLOW_UNTRUSTED, OPT_LOCK_TIMEOUT,
	OPT_STATE, OPT_ROOT, OPT_PORCELAIN, OPT_RECORD, OPT_KEEP_DIR,
	OPT_KEEP_STATE, OPT_FOR_ROOT
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
	{ "state",		required_argument,	NULL, OPT_STATE },
	{ "root",		required_argument,	NULL, OPT_ROOT },
	{ "porcelain",		no_argument,		NULL, OPT_PORCELAIN },
	{ "record",		no_argument,		NULL, OPT_RECORD },
	{ "keep-dir",		no_argument,		NULL, OPT_KEEP_DIR },
	{ "keep-state",		no_argument,		NULL, OPT_KEEP_STATE },
	{ "for-root",		no_argument,		NULL, OPT_FOR_ROOT },
	{ NULL,			0,			NULL, 0 }
};

/* Options seen, for the check of which command takes them. */
struct seen {
	const char	*addopt;	/* an add-only option */
	const char	*editopt;	/* --allow-untrusted-dir */
	const char	*lockopt;	/* --lock-timeout */
	const char	*root;		/* --root DIR */
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	fprintf(fp,
	    "usage: hersh-daemon-json [-nq] [-c file] [--exit-code] add name path\n"
	    "           [--set-default | --unset-default [--reload-safe]]\n"
	    "           [--runtime-arg arg ... | --no-runtime-args] [--record]\n"
	    "       hersh-daemon-json [-nq] [-c file] [--exit-code] remove name\n"
	    "           [--reload-safe] [--record]\n"
	    "       hersh-daemon-json [-nq] [-c file] [--exit-code] tidy [default]\n"
	    "       hersh-daemon-json [-nq] [-c file] [--exit-code] restore-layout saved\n"
	    "           [--upstream-entry name path]\n"
	    "       hersh-daemon-json [-nq] [-c file] [--exit-code] restore-layout\n"
	    "           [--upstream-entry name path]\n"
	    "       hersh-daemon-json [-c file] show [name]\n"
	    "       hersh-daemon-json [-c file] show --default\n"
	    "       hersh-daemon-json [-c file] show --porcelain [name]\n"
	    "       hersh-daemon-json [-c file] state [name path]\n"
	    "       hersh-daemon-json mark key [text]\n"
	    "       hersh-daemon-json unmark key ...\n"
	    "       hersh-daemon-json [-c file] remember\n"
	    "       hersh-daemon-json forget\n"
	    "       hersh-daemon-json [-c file] purge [--keep-dir] [--keep-state]\n"
	    "       hersh-daemon-json trusted [--for-root] path ...\n"
	    "       hersh-daemon-json check-args [arg ...]\n"
	    "       hersh-daemon-json -h | -V\n"
	    "Every form also takes --state dir and --root dir; the forms that\n"
	    "read the file take --allow-untrusted-dir, those that lock it\n"
	    "--lock-timeout seconds.\n");
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
	char why[512];

	if (!utf8_valid(arg))
		usage_error("runtime argument is not valid UTF-8");
	if (dj_arg_unsafe(arg, why, sizeof(why)) != NULL)
		usage_error("%s", why);
	na = xreallocarray((void *)o->req.args, o->req.nargs + 1, sizeof(*na));
	na[o->req.nargs++] = arg;
	o->req.args = na;
	o->req.args_mode = DJ_ARGS_SET;
}

/* ARG after the command (or the command itself).  1 when the rest are all arguments. */
static int
positional(struct opts *o, const char *arg, int argc)
{
	size_t c;

	if (o->cmd == CMD_NONE) {
		for (c = 1; c < NCOMMANDS; c++)
			if (strcmp(arg, commands[c].name) == 0)
				o->cmd = (enum cmd)c;
		if (o->cmd == CMD_NONE)
			usage_error("unknown command: %s", arg);
		o->pos = xreallocarray(NULL, (size_t)argc, sizeof(*o->pos));
		return o->cmd == CMD_CHECK_ARGS;
	}
	o->pos[o->npos++] = arg;
	return 0;
}

static void
set_default(struct opts *o, struct seen *sn, int ch)
{
	enum dj_default_mode m = ch == OPT_SET_DEFAULT ? DJ_DEFAULT_SET :
	    DJ_DEFAULT_UNSET;

	if (o->req.default_mode != DJ_DEFAULT_KEEP && o->req.default_mode != m)
		usage_error("--set-default and --unset-default exclude each other");
	o->req.default_mode = m;
	sn->addopt = ch == OPT_SET_DEFAULT ? "--set-default" : "--unset-default";
}

static void
parse_args(int argc, char *argv[], struct opts *o, struct seen *sn)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "-c:nqhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (positional(o, optarg, argc))
				goto rest;	/* check-args: all arguments */
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
			set_default(o, sn, ch);
			break;
		case OPT_RUNTIME_ARG:
			if (o->req.args_mode == DJ_ARGS_CLEAR)
				usage_error("--runtime-arg and --no-runtime-args exclude each other");
			add_arg(o, optarg);
			sn->addopt = "--runtime-arg";
			break;
		case OPT_NO_RUNTIME_ARGS:
			if (o->req.args_mode == DJ_ARGS_SET)
				usage_error("--runtime-arg and --no-runtime-args exclude each other");
			o->req.args_mode = DJ_ARGS_CLEAR;
			sn->addopt = "--no-runtime-args";
			break;
		case OPT_DEFAULT:
			o->show_default = 1;
			break;
		case OPT_PORCELAIN:
			o->porcelain = 1;
			break;
		case OPT_RELOAD_SAFE:
			o->req.flags |= DJ_RELOAD_SAFE;
			break;
		case OPT_RECORD:
			o->record = 1;
			break;
		case OPT_KEEP_DIR:
			o->keep_dir = 1;
			break;
		case OPT_KEEP_STATE:
			o->keep_state = 1;
			break;
		case OPT_FOR_ROOT:
			o->for_root = 1;
			break;
		case OPT_UPSTREAM_ENTRY:
			if (optind >= argc)
				usage_error("--upstream-entry needs a name and a path");
			o->up_name = optarg;
			o->up_path = argv[optind++];
			break;
		case OPT_ALLOW_UNTRUSTED:
			o->allow_untrusted = 1;
			sn->editopt = "--allow-untrusted-dir";
			break;
		case OPT_LOCK_TIMEOUT:
			o->lock_timeout = seconds(optarg);
			sn->lockopt = "--lock-timeout";
			break;
		case OPT_STATE:
			o->state = optarg;
			break;
		case OPT_ROOT:
			sn->root = optarg;
			break;
		default:
			usage(EXIT_USAGE);
		}
	}
rest:
	for (; optind < argc; optind++)		/* after "--", or check-args */
		(void)positional(o, argv[optind], argc);
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

/* Which command takes the options given. */
static void
check_options(const struct opts *o, const struct seen *sn)
{
	const struct command *c = &commands[o->cmd];

	if (sn->addopt != NULL && o->cmd != CMD_ADD)
		usage_error("%s is only for add", sn->addopt);
	if (o->show_default && o->cmd != CMD_SHOW)
		usage_error("--default is only for show");
	if (o->porcelain && (o->cmd != CMD_SHOW || o->show_default))
		usage_error("--porcelain is only for show [name]");
	if (o->record && o->cmd != CMD_ADD && o->cmd != CMD_REMOVE)
		usage_error("--record is only for add and remove");
	if (o->for_root && o->cmd != CMD_TRUSTED)
		usage_error("--for-root is only for trusted");
	if ((o->keep_dir || o->keep_state) && o->cmd != CMD_PURGE)
		usage_error("%s is only for purge", o->keep_dir ? "--keep-dir" :
		    "--keep-state");
	if (o->up_name != NULL && o->cmd != CMD_RESTORE)
		usage_error("--upstream-entry is only for restore-layout");
	if (sn->editopt != NULL && !(c->takes & T_READS_FILE))
		usage_error("%s is only for commands that read the file",
		    sn->editopt);
	if (sn->lockopt != NULL && !(c->takes & T_LOCKS))
		usage_error("%s is only for commands that lock the file",
		    sn->lockopt);
	if (o->dry && !(c->takes & T_DRY) && o->cmd != CMD_SHOW)
		usage_error("-n is only for add, remove, tidy and restore-layout");
	if ((o->req.flags & DJ_RELOAD_SAFE) && o->cmd != CMD_REMOVE &&
	    !(o->cmd == CMD_ADD && o->req.default_mode == DJ_DEFAULT_UNSET))
		usage_error("--reload-safe is only for remove and add --unset-default");
}

static void
check_args(struct opts *o, const struct seen *sn)
{
	const struct command *c;
	int max;

	if (o->cmd == CMD_NONE)
		usage_error("no command given");
	c = &commands[o->cmd];
	if (o->file[0] == '\0')
		usage_error("-c needs a file name");
	if (o->state[0] != '/')
		usage_error("--state needs an absolute path: %s", o->state);
	if (sn->root != NULL && sn->root[0] == '\0')
		usage_error("--root needs a directory");
	check_options(o, sn);
	max = o->cmd == CMD_SHOW && o->show_default ? 0 : c->max;
	if (max != MANY && o->npos > max)
		usage_error("too many arguments: %s", o->pos[max]);
	if (o->npos < c->min || (o->cmd == CMD_STATE && o->npos == 1))
		usage_error("missing arguments");
	if (o->cmd == CMD_RESTORE && o->npos > 0 && o->pos[0][0] == '\0')
		usage_error("restore-layout needs a file name");
	if (o->cmd == CMD_RESTORE && o->up_name != NULL)
		check_runtime(o->up_name, o->up_path);
	else if (o->npos > 0 && (o->cmd == CMD_ADD || o->cmd == CMD_REMOVE ||
	    o->cmd == CMD_SHOW || o->cmd == CMD_TIDY || o->cmd == CMD_STATE))
		check_runtime(o->pos[0], o->cmd == CMD_ADD ||
		    o->cmd == CMD_STATE ? o->pos[1] : NULL);
	o->req.name = o->npos > 0 ? o->pos[0] : NULL;
	o->req.path = o->npos > 1 ? o->pos[1] : NULL;
}

char *
dj_label(const struct opts *o, const char *path)
{
	if (o->root_label == NULL)
		return xstrdup(path);
	while (*path == '/')
		path++;
	return xasprintf("%s/%s", o->root_label, path);
}

/* --root DIR: every path is resolved inside it. */
static void
open_root(struct opts *o, const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n == 1 && root[0] == '/')
		return;		/* the system itself */
	if ((o->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "%s", root);
	o->root_label = xstrndup(root, n);
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct seen sn;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&sn, 0, sizeof(sn));
	o.file = DEFAULT_FILE;
	o.state = DJ_STATE_DIR;
	o.rootfd = -1;
	o.lock_timeout = LOCK_TIMEOUT;
	parse_args(argc, argv, &o, &sn);
	check_args(&o, &sn);
	if (sn.root != NULL)
		open_root(&o, sn.root);
	o.file_label = dj_label(&o, o.file);
	o.state_label = dj_label(&o, o.state);
	rc = commands[o.cmd].run(&o);
	free((void *)o.req.args);
	free(o.pos);
	free(o.file_label);
	free(o.state_label);
	free(o.root_label);
	if (o.rootfd != -1)
		close(o.rootfd);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("stdout");
		rc = 1;
	}
	return rc;
}
