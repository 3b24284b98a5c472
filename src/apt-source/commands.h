/*
 * The commands of hersh-apt-source.  Each returns the exit status:
 * 0 ok, 1 error (after a message naming the file), 3 (show) no gVisor
 * source.
 */
#ifndef AS_CMD_H
#define AS_CMD_H

#include "config.h"

int	 as_cmd_show(const struct as_conf *c);
int	 as_cmd_add(const struct as_conf *c, const char *suite);
int	 as_cmd_remove(const struct as_conf *c);
int	 as_cmd_install_key(const struct as_conf *c, const char *from);

#endif
