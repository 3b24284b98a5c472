/* The apt preferences for the gVisor repository (see pin.h).  No I/O. */

#include "pin.h"
#include "lib/xmalloc.h"

char *
as_pin_text(const char *suite, const char *list)
{
	return xasprintf(
	    "# Written by hersh-apt-source with the gVisor apt source in\n"
	    "# %s.\n"
	    "# The gVisor repository may provide runsc; anything else it ships\n"
	    "# gets priority 1, so it never replaces or upgrades a package from\n"
	    "# another repository.\n"
	    "# To turn this off: dpkg-reconfigure hersh-gvisor, or run\n"
	    "# \"hersh-apt-source add --no-pin\".  Deleted, this file is not\n"
	    "# written again; \"hersh-apt-source remove\" takes it out with the\n"
	    "# source.\n"
	    "Package: runsc\n"
	    "Pin: release a=%s,c=main\n"
	    "Pin-Priority: 500\n"
	    "\n"
	    "Package: *\n"
	    "Pin: release a=%s,c=main\n"
	    "Pin-Priority: 1\n", list, suite, suite);
}
