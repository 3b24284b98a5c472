/*
 * The commands of hersh-apt-source.  Each returns the exit status:
 * 0 ok, 1 error (after a message naming the file), 3 (show) no gVisor
 * source.  main() has checked the settings each one needs.
 */
#ifndef AS_CMD_H
#define AS_CMD_H

#include <stddef.h>

#include "config.h"
#include "state.h"
#include "target.h"

int	 as_cmd_show(const struct as_conf *c);
/* PIN: write the apt preferences with the source (0: --no-pin). */
int	 as_cmd_add(const struct as_conf *c, const char *suite, int pin);
int	 as_cmd_remove(const struct as_conf *c);
int	 as_cmd_install_key(const struct as_conf *c, const char *from);
/*
 * Where install-key takes the key from without --from: the key shipped
 * with the package (Hersh-Gvisor::Shipped-Key) when Hersh-Gvisor::Key-URL
 * is empty or gVisor's own key URL (the shipped key is that key: 0.1.0
 * stored that URL as its default); else the Key-URL.
 */
const char *as_key_source(const struct as_conf *c);

/*
 * One porcelain record on stdout: KEY, then each field (a NULL ends them)
 * after a tab, escaped so that the record is one line: \\ \t \n \r,
 * and \xHH for any other byte below 0x20 and 0x7f.
 */
void	 as_record(const char *key, ...) __attribute__((sentinel));

/* For the commands: one line on stdout saying what was done, unless -q. */
void	 as_say(const struct as_conf *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Write LEN bytes of DATA to F (opened by as_state_file) and record it in
 * ST and the state file; -1 after a message.
 */
int	 as_write_recorded(const struct as_conf *c, struct as_state *st,
	    struct as_file *f, const void *data, size_t len);

#endif
