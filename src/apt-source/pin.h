/*
 * The apt preferences file hersh-apt-source writes with the gVisor
 * source: the repository may provide runsc, and every other package from
 * it gets a negative priority (never installed, not even by name or as
 * runsc's dependency).  The pin names the repository by its identity, not
 * by its suite alone.  APT cannot require a site and a Release field in
 * one pin (a generic record is matched per package file, and "origin" and
 * "release" are distinct pin types), so the identity is the first of:
 *
 *   origin    the host of the configured URI (what APT records as the
 *             package files' Site: the host alone, without user or port),
 *             when no other configured source uses that host;
 *   release   the suite and component (Release file: Suite, Component),
 *             when no other configured source has both;
 *   shared    neither: nothing is pinned (a pin would hold the other
 *             source back too), and add says why.
 *
 * Pure: no I/O.
 */
#ifndef AS_PIN_H
#define AS_PIN_H

#include <stddef.h>

#include "apt.h"
#include "config.h"

#define AS_PIN_NAME	"hersh-gvisor"	/* in Dir::Etc::PreferencesParts */
/* The comment that starts a line of a pin file that pins nothing (shared). */
#define AS_PIN_SHARED_MARK "# Nothing is pinned:"

enum as_pin_mode { AS_PIN_ORIGIN, AS_PIN_RELEASE, AS_PIN_SHARED };

struct as_pin {
	enum as_pin_mode  mode;
	char		 *site;		/* AS_PIN_ORIGIN */
	char		 *suite;	/* AS_PIN_RELEASE */
	char		 *why;		/* AS_PIN_SHARED: why nothing is pinned */
};

/*
 * The pin for the gVisor repository at C->uri, suite SUITE, given the
 * configured entries E (N of them; the gVisor ones among them do not
 * count as other sources).  Free with as_pin_free.
 */
void	 as_pin_choose(const struct as_conf *c, const char *suite,
	    const struct as_entry *e, size_t n, struct as_pin *p);
void	 as_pin_free(struct as_pin *p);

/* The file's text for P and the source written to LIST (a path inside the target), malloc'd. */
char	*as_pin_text(const struct as_pin *p, const char *list);

/*
 * What the preferences TEXT pins with a negative priority for every
 * package: "origin:SITE", "release:SUITE/COMPONENT"; NULL when nothing.
 * malloc'd.
 */
char	*as_pin_by(const char *text);

/*
 * Non-zero when entry E is another source (not the gVisor repository)
 * that the pin BY (as from as_pin_by) also matches.
 */
int	 as_pin_hits(const struct as_conf *c, const char *by,
	    const struct as_entry *e);

#endif
