/*
 * hersh-apt-source - the gVisor apt source and its key, through APT's own
 * configuration (Dir, APT_CONFIG, sourceparts), so chroot builds work.
 *
 *   hersh-apt-source [options] show
 *   hersh-apt-source [options] add [--suite SUITE]
 *   hersh-apt-source [options] remove
 *   hersh-apt-source [options] install-key [--from FILE|URL]
 */

#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apt.h"
#include "commands.h"
#include "config.h"
#include "state.h"
#include "text.h"

#ifndef HERSH_VERSION
#define HERSH_VERSION "unknown"
#endif

enum { OPT_URI = 256, OPT_KEY_URL, OPT_FPR, OPT_SUITE, OPT_FROM, OPT_VERSION };

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: hersh-apt-source [-q] [-o name=value]... [--uri URI] "
	    "[--key-url URL]\n"
	    "                        [--fingerprint FPR] show\n"
	    "       hersh-apt-source [options] add [--suite release|nightly|"
	    "master|yyyymmdd]\n"
	    "       hersh-apt-source [options] remove\n"
	    "       hersh-apt-source [options] install-key [--from FILE|URL]\n");
	exit(2);
}

static void __attribute__((noreturn))
usage_err(const char *what, const char *arg)
{
	warnx("%s '%s'", what, arg);
	usage();
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "option",	 required_argument, NULL, 'o' },
		{ "quiet",	 no_argument,	    NULL, 'q' },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ "uri",	 required_argument, NULL, OPT_URI },
		{ "key-url",	 required_argument, NULL, OPT_KEY_URL },
		{ "fingerprint", required_argument, NULL, OPT_FPR },
		{ "suite",	 required_argument, NULL, OPT_SUITE },
		{ "from",	 required_argument, NULL, OPT_FROM },
		{ "version",	 no_argument,	    NULL, OPT_VERSION },
		{ NULL,		 0,		    NULL, 0 }
	};
	static const char **names, **values;	/* static: still reachable at exit(2) */
	const char *suite = NULL, *from = NULL, *cmd;
	struct as_conf conf;
	size_t nset = 0;
	char *eq, *fpr;
	int ch, quiet = 0, rc;

	names = calloc((size_t)argc + 1, sizeof(*names));
	values = calloc((size_t)argc + 1, sizeof(*values));
	if (names == NULL || values == NULL)
		err(1, "calloc");
	while ((ch = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if ((eq = strchr(optarg, '=')) == NULL || eq == optarg)
				usage_err("-o wants name=value, not", optarg);
			*eq = '\0';
			names[nset] = optarg;
			values[nset++] = eq + 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_URI:
			if (as_uri_check(optarg) != NULL)
				usage_err("--uri: not a repository URI:", optarg);
			names[nset] = "Hersh-Gvisor::URI";
			values[nset++] = optarg;
			break;
		case OPT_KEY_URL:
			names[nset] = "Hersh-Gvisor::Key-URL";
			values[nset++] = optarg;
			break;
		case OPT_FPR:
			if ((fpr = as_fpr_norm(optarg)) == NULL)
				usage_err("--fingerprint: not a key fingerprint:",
				    optarg);
			free(fpr);
			names[nset] = "Hersh-Gvisor::Fingerprint";
			values[nset++] = optarg;
			break;
		case OPT_SUITE:
			if (!as_suite_valid(optarg))
				usage_err("--suite: want release, nightly, master "
				    "or a date yyyymmdd, not", optarg);
			suite = optarg;
			break;
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_VERSION:
			printf("hersh-apt-source %s\n", HERSH_VERSION);
			return 0;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	cmd = argv[0];
	if (strcmp(cmd, "show") != 0 && strcmp(cmd, "add") != 0 &&
	    strcmp(cmd, "remove") != 0 && strcmp(cmd, "install-key") != 0)
		usage_err("unknown command", cmd);
	if (suite != NULL && strcmp(cmd, "add") != 0)
		usage_err("--suite goes with add, not", cmd);
	if (from != NULL && strcmp(cmd, "install-key") != 0)
		usage_err("--from goes with install-key, not", cmd);

	if (as_apt_init(names, values, nset) == -1)
		return 1;
	if (as_conf_load(&conf) == -1) {
		as_conf_free(&conf);
		return 1;
	}
	conf.quiet = quiet;
	if (strcmp(cmd, "show") != 0 && as_state_lock(&conf) == -1)
		rc = 1;
	else if (strcmp(cmd, "show") == 0)
		rc = as_cmd_show(&conf);
	else if (strcmp(cmd, "add") == 0)
		rc = as_cmd_add(&conf, suite != NULL ? suite : "release");
	else if (strcmp(cmd, "remove") == 0)
		rc = as_cmd_remove(&conf);
	else
		rc = as_cmd_install_key(&conf, from);
	as_conf_free(&conf);
	free(names);
	free(values);
	return rc;
}
