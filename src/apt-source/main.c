/*
 * hersh-apt-source - the gVisor apt source, its pin and its key, through
 * APT's own configuration (Dir, APT_CONFIG, sourceparts), so chroot
 * builds work.
 *
 *   hersh-apt-source [options] show
 *   hersh-apt-source [options] [--lock-timeout S] add [--suite SUITE] [--no-pin]
 *   hersh-apt-source [options] [--lock-timeout S] remove
 *   hersh-apt-source [options] [--lock-timeout S] install-key [--from FILE|URL]
 *   hersh-apt-source [options] [--lock-timeout S] set-config
 *   hersh-apt-source [options] [--lock-timeout S] purge
 *   hersh-apt-source [-o name=value]... check KIND VALUE
 */

#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apt.h"
#include "commands.h"
#include "config.h"
#include "facts.h"
#include "interrupt.h"
#include "rules.h"
#include "target.h"
#include "lib/xmalloc.h"

#ifndef HERSH_VERSION
#define HERSH_VERSION "unknown"
#endif

enum {
	OPT_URI = 256, OPT_KEY_URL, OPT_FPR, OPT_LOCK_TIMEOUT, OPT_SUITE,
	OPT_FROM, OPT_NO_PIN, OPT_VERSION
};

/* The parsed command line. */
struct args {
	const char	**names, **values;	/* -o and the settings options */
	size_t		  nset;
	unsigned	  given;		/* AS_GIVEN_* */
	const char	 *cmd, *suite, *from;
	const char	 *kind, *value;		/* check */
	int		  quiet, no_pin;
};

static void __attribute__((noreturn))
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: hersh-apt-source [-q] [-o name=value]... [--uri URI] "
	    "[--key-url URL]\n"
	    "                        [--fingerprint FPR] show\n"
	    "       hersh-apt-source [options] [--lock-timeout SECONDS]\n"
	    "                        add [--suite release|nightly|master|yyyymmdd] "
	    "[--no-pin]\n"
	    "       hersh-apt-source [options] [--lock-timeout SECONDS] remove\n"
	    "       hersh-apt-source [options] [--lock-timeout SECONDS]\n"
	    "                        install-key [--from FILE|URL]\n"
	    "       hersh-apt-source [options] [--lock-timeout SECONDS] set-config\n"
	    "       hersh-apt-source [options] [--lock-timeout SECONDS] purge\n"
	    "       hersh-apt-source [-o name=value]... check "
	    "uri|key-url|fingerprint|suite VALUE\n"
	    "       hersh-apt-source -h | --help | --version\n");
	exit(status);
}

static void __attribute__((noreturn))
usage_err(const char *what, const char *arg, const char *why)
{
	if (why != NULL)
		warnx("%s '%s': %s", what, arg, why);
	else
		warnx("%s '%s'", what, arg);
	usage(stderr, 2);
}

static void
set(struct args *a, const char *name, const char *value)
{
	a->names[a->nset] = name;
	a->values[a->nset++] = value;
}

/* One option CH with argument ARG; a bad value is a usage error. */
static void
option(struct args *a, int ch, char *arg)
{
	char why[AS_WHY], *eq, *fpr;
	long secs;

	switch (ch) {
	case 'o':
		if ((eq = strchr(arg, '=')) == NULL || eq == arg)
			usage_err("-o wants name=value, not", arg, NULL);
		*eq = '\0';
		set(a, arg, eq + 1);
		break;
	case 'q':
		a->quiet = 1;
		break;
	case 'h':
		usage(stdout, 0);
	case OPT_URI:
		if (as_uri_check(arg, why) == -1)
			usage_err("--uri", arg, why);
		set(a, "Hersh-Gvisor::URI", arg);
		a->given |= AS_GIVEN_URI;
		break;
	case OPT_KEY_URL:
		if (as_key_url_check(arg, why) == -1)
			usage_err("--key-url", arg, why);
		set(a, "Hersh-Gvisor::Key-URL", arg);
		a->given |= AS_GIVEN_KEY_URL;
		break;
	case OPT_FPR:
		if ((fpr = as_fpr_norm(arg, why)) == NULL)
			usage_err("--fingerprint", arg, why);
		free(fpr);
		set(a, "Hersh-Gvisor::Fingerprint", arg);
		a->given |= AS_GIVEN_FPR;
		break;
	case OPT_LOCK_TIMEOUT:
		if (as_seconds_check(arg, 0, AS_TIMEOUT_MAX, &secs, why) == -1)
			usage_err("--lock-timeout", arg, why);
		set(a, "Hersh-Gvisor::Lock-Timeout", arg);
		a->given |= AS_GIVEN_LOCK_TIMEOUT;
		break;
	case OPT_SUITE:
		if (as_suite_check(arg, why) == -1)
			usage_err("--suite", arg, why);
		a->suite = arg;
		break;
	case OPT_FROM:
		if (as_key_from_check(arg, why) == -1)
			usage_err("--from", arg, why);
		a->from = arg;
		break;
	case OPT_NO_PIN:
		a->no_pin = 1;
		break;
	case OPT_VERSION:
		printf("hersh-apt-source %s\n", HERSH_VERSION);
		exit(0);
	default:
		usage(stderr, 2);
	}
}

static int
is(const struct args *a, const char *cmd)
{
	return strcmp(a->cmd, cmd) == 0;
}

static void
parse(struct args *a, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "option",	 required_argument, NULL, 'o' },
		{ "quiet",	 no_argument,	    NULL, 'q' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ "uri",	 required_argument, NULL, OPT_URI },
		{ "key-url",	 required_argument, NULL, OPT_KEY_URL },
		{ "fingerprint", required_argument, NULL, OPT_FPR },
		{ "lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT },
		{ "suite",	 required_argument, NULL, OPT_SUITE },
		{ "from",	 required_argument, NULL, OPT_FROM },
		{ "no-pin",	 no_argument,	    NULL, OPT_NO_PIN },
		{ "version",	 no_argument,	    NULL, OPT_VERSION },
		{ NULL,		 0,		    NULL, 0 }
	};
	size_t i;
	int ch;

	memset(a, 0, sizeof(*a));
	a->names = xcalloc((size_t)argc + 1, sizeof(*a->names));
	a->values = xcalloc((size_t)argc + 1, sizeof(*a->values));
	while ((ch = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1)
		option(a, ch, optarg);
	if (argc - optind < 1)
		usage(stderr, 2);
	a->cmd = argv[optind++];
	if (!is(a, "show") && !is(a, "add") && !is(a, "remove") &&
	    !is(a, "install-key") && !is(a, "set-config") && !is(a, "purge") &&
	    !is(a, "check"))
		usage_err("unknown command", a->cmd, NULL);
	if (is(a, "check")) {
		if (argc - optind != 2) {
			warnx("check wants two arguments: KIND VALUE");
			usage(stderr, 2);
		}
		a->kind = argv[optind];
		a->value = argv[optind + 1];
		for (i = 0; as_check_kinds[i] != NULL; i++)
			if (strcmp(a->kind, as_check_kinds[i]) == 0)
				break;
		if (as_check_kinds[i] == NULL)
			usage_err("check: not a kind (uri, key-url, fingerprint, "
			    "suite):", a->kind, NULL);
	} else if (argc - optind != 0)
		usage(stderr, 2);
	if (a->suite != NULL && !is(a, "add"))
		usage_err("--suite goes with add, not", a->cmd, NULL);
	if (a->no_pin && !is(a, "add"))
		usage_err("--no-pin goes with add, not", a->cmd, NULL);
	if (a->from != NULL && !is(a, "install-key"))
		usage_err("--from goes with install-key, not", a->cmd, NULL);
	if ((a->given & AS_GIVEN_LOCK_TIMEOUT) && (is(a, "show") || is(a, "check")))
		usage_err("--lock-timeout goes with add, remove, install-key, "
		    "set-config and purge, not", a->cmd, NULL);
}

/* The settings command CMD needs checked (AS_NEED_*). */
static unsigned
needs(const struct args *a)
{
	if (is(a, "show"))
		return AS_NEED_FPR;
	if (is(a, "add"))
		return AS_NEED_LOCK | AS_NEED_FPR | AS_NEED_URI;
	if (is(a, "install-key"))
		return AS_NEED_LOCK | AS_NEED_FPR | AS_NEED_TIMEOUT |
		    (a->from == NULL ? AS_NEED_KEY_URL : 0);
	if (is(a, "set-config"))
		return AS_NEED_LOCK | AS_NEED_FPR | AS_NEED_URI | AS_NEED_KEY_URL;
	return AS_NEED_LOCK;	/* remove, purge: whatever the settings say */
}

/*
 * Run the command; those that change files hold the lock (remove only
 * when there is a state directory: else there is nothing to remove;
 * purge likewise, and without following a symlink on the way to it).
 */
static int
run(const struct args *a, const struct as_conf *c)
{
	struct as_lock lock;
	unsigned flags = 0;
	int r, rc;

	if (is(a, "show"))
		return as_cmd_show(c);
	if (!is(a, "remove") && !is(a, "purge"))
		flags |= AS_LOCK_CREATE;
	if (is(a, "purge"))
		flags |= AS_LOCK_NO_SYMLINKS;
	if ((r = as_lock_take(c, &lock, flags)) == -1)
		rc = 1;
	else if (is(a, "add"))
		rc = as_cmd_add(c, a->suite != NULL ? a->suite : HG_FACT_SUITE,
		    !a->no_pin);
	else if (is(a, "remove"))
		rc = as_cmd_remove(c);
	else if (is(a, "purge"))
		rc = as_cmd_purge(c, r == 1);
	else if (is(a, "set-config"))
		rc = as_cmd_set_config(c);
	else
		rc = as_cmd_install_key(c, a->from);
	as_lock_release(&lock);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct as_conf conf;
	struct args a;
	int rc = 1;

	parse(&a, argc, argv);
	as_interrupt_catch();
	if (is(&a, "check")) {
		if (as_apt_init(a.names, a.values, a.nset) == 0)
			rc = as_cmd_check(a.kind, a.value);
	} else if (as_apt_init(a.names, a.values, a.nset) == 0) {
		if (as_conf_load(&conf, a.given) == 0 &&
		    as_conf_need(&conf, needs(&a)) == 0 &&
		    as_target_open(&conf) == 0) {
			conf.quiet = a.quiet;
			rc = run(&a, &conf);
		}
		as_conf_free(&conf);
	}
	free(a.names);
	free(a.values);
	as_interrupt_exit();
	return rc;
}
