/*
 * The apt preferences file hersh-apt-source writes with the gVisor
 * source: the repository may provide runsc at normal priority and
 * anything else only at priority 1.  Pure: no I/O.
 */
#ifndef AS_PIN_H
#define AS_PIN_H

#define AS_PIN_NAME	"hersh-gvisor"	/* in Dir::Etc::PreferencesParts */

/*
 * The file's text for a source of SUITE written to LIST (a path inside
 * the target system), malloc'd.  gVisor's Release files carry only Suite
 * and Components, so the pin names the archive and the component: no
 * Debian archive is called release, nightly, master or yyyymmdd.
 */
char	*as_pin_text(const char *suite, const char *list);

#endif
