/*
 * hersh-daemon-json's command line as main.c parsed it, and the commands
 * (one file each: cmd-*.c) that run on it.  Each command returns the
 * exit status.
 */
#ifndef DJ_OPTS_H
#define DJ_OPTS_H

#include "edit.h"

#define EXIT_USAGE	2
#define EXIT_ABSENT	3
#define EXIT_CHANGED	4
#define EXIT_DIFFERS	5

enum cmd {
	CMD_NONE, CMD_ADD, CMD_REMOVE, CMD_SHOW, CMD_TIDY, CMD_RESTORE,
	CMD_STATE, CMD_MARK, CMD_UNMARK, CMD_REMEMBER, CMD_FORGET,
	CMD_TRUSTED, CMD_CHECK_ARGS, CMD_PURGE
};

struct opts {
	enum cmd		 cmd;
	const char		*file;		/* -c, as given */
	const char		*state;		/* --state, as given */
	int			 rootfd;	/* --root, or -1 */
	char			*file_label;	/* FILE as messages name it */
	char			*state_label;	/* STATE likewise */
	char			*root_label;	/* what goes before a path in the root */
	int			 dry, quiet, exit_code;
	int			 show_default, porcelain, record;
	int			 keep_dir, keep_state;
	int			 for_root;	/* trusted: judge as for root, whoever asks */
	int			 allow_untrusted;
	long			 lock_timeout;	/* seconds */
	const char		**pos;		/* the arguments after the command */
	int			 npos;
	const char		*up_name;	/* --upstream-entry NAME PATH */
	const char		*up_path;
	struct dj_add_req	 req;
};

/* PATH as messages name it: with the root in front under --root; malloc'd. */
char	*dj_label(const struct opts *, const char *path);

int	cmd_edit(const struct opts *);		/* add remove tidy restore-layout */
int	cmd_show(const struct opts *);
int	cmd_state(const struct opts *);
int	cmd_mark(const struct opts *);
int	cmd_unmark(const struct opts *);
int	cmd_remember(const struct opts *);
int	cmd_forget(const struct opts *);
int	cmd_trusted(const struct opts *);
int	cmd_check_args(const struct opts *);
int	cmd_purge(const struct opts *);

#endif
