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
 * set-config: write the APT settings file C->conf (Dir::Etc::parts/
 * 50hersh-gvisor) saying the repository URI, key URL and fingerprint as
 * they now stand, and record it like the source; a file that already
 * says so is recorded as it is, not written.
 */
int	 as_cmd_set_config(const struct as_conf *c);
/* The text set-config writes, malloc'd. */
char	*as_conf_text(const char *uri, const char *key_url, const char *fpr);
/*
 * Non-zero when the APT configuration TEXT sets Hersh-Gvisor::URI (up to
 * trailing slashes), ::Key-URL and ::Fingerprint (normalised) to these,
 * each with a plain NAME "VALUE"; statement (the last one of a name
 * counts; other statements are ignored).
 */
int	 as_conf_says(const char *text, const char *uri, const char *key_url,
	    const char *fpr);

/*
 * purge: remove, confined to Dir and for a package being purged, then
 * the record itself.  Every recorded path must be absolute and canonical
 * and is resolved inside Dir without following any symlink, and only a
 * regular file of bounded size is read; anything else, and any bad line
 * of the record, gets a warning and is left.  NO_STATE: there is no
 * state directory.  1 only when the record cannot be read at all.
 */
int	 as_cmd_purge(const struct as_conf *c, int no_state);

/*
 * check KIND VALUE: print VALUE as the rule of KIND (one of
 * as_check_kinds) takes it, normalised, and return 0; or print why it
 * cannot be used (one line, a plain phrase) and return 1.  Needs only
 * APT's configuration (Dir::Bin::Methods), neither root nor the lock.
 */
extern const char *const as_check_kinds[];
int	 as_cmd_check(const char *kind, const char *value);

/*
 * One porcelain record on stdout: KEY, then each field (a NULL ends them)
 * after a tab, escaped so that the record is one line: \\ \t \n \r,
 * and \xHH for any other byte below 0x20 and 0x7f.
 */
void	 as_record(const char *key, ...) __attribute__((sentinel));
/* S on stdout, escaped as a field of a record. */
void	 as_field(const char *s);

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
