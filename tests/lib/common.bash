# Shared bats helpers.  Load with:  load ../lib/common
# Everything here is for tests; nothing is installed by the package.

bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

HERSH_SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HERSH_BIN_DIR=${HERSH_BIN_DIR:-$HERSH_SRC/build}
FIXTURES=$HERSH_SRC/tests/fixtures
export HERSH_SRC HERSH_BIN_DIR FIXTURES

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# unprivileged COMMAND...: COMMAND as the caller, but without root's power
# to read and search any file (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): a
# file of mode 0 is unreadable to it whoever runs the tests.
unprivileged() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --bounding-set=-dac_override,-dac_read_search -- "$@"
	else
		"$@"
	fi
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

# The package under test: the one HERSH_DEB names (tests/run sets it to the
# package built for the release under test), else the newest built one
# (make deb).  Prints its path, or fails with a message on stderr.  (No
# skip here: it runs in $(...), a subshell.)
hersh_deb() {
	local deb
	if [ -n "${HERSH_DEB:-}" ]; then
		[ -f "$HERSH_DEB" ] || { echo "HERSH_DEB=$HERSH_DEB: no such file" >&2; return 1; }
		printf '%s\n' "$HERSH_DEB"
		return 0
	fi
	deb=$(ls -1 "$HERSH_SRC"/dist/hersh-gvisor_*.deb 2>/dev/null | tail -n 1)
	if [ -z "$deb" ]; then
		echo "no dist/hersh-gvisor_*.deb (run make deb)" >&2
		return 1
	fi
	printf '%s\n' "$deb"
}

# Skipping a whole file.  bats 1.8 (Debian 12) fails a file whose
# setup_file calls skip, so setup_file records the reason and returns,
# setup() skips each test, and teardown_file has nothing to undo:
#     setup_file()    { file_needs root mmdebstrap deb || return 0; ...; }
#     setup()         { file_skip_check; ...; }
#     teardown_file() { ! file_skipped || return 0; ...; }
file_skip() {
	printf '%s\n' "$*" >"$BATS_FILE_TMPDIR/skip-reason"
}
file_skipped() {
	[ -e "$BATS_FILE_TMPDIR/skip-reason" ]
}
file_skip_check() {
	if file_skipped; then
		skip "$(cat "$BATS_FILE_TMPDIR/skip-reason")"
	fi
}

# file_needs WHAT...: root; docker (root, dockerd and docker, and no dockerd
# the tests did not start); deb (exports HERSH_DEB, the package under test:
# see hersh_deb); throwaway (inside a throwaway root of tests/lib/root.bash:
# for a file that changes packages and configuration as freely as only a
# fresh machine allows; tests/run runs it in one); or a command name.
# Returns 1 after file_skip when one is missing.
file_needs() {
	local what
	for what in "$@"; do
		case $what in
		root)
			[ "$(id -u)" = 0 ] || { file_skip "needs root"; return 1; } ;;
		docker)
			file_needs root dockerd || return 1
			command -v docker >/dev/null 2>&1 ||
				{ file_skip "needs docker"; return 1; }
			if [ -s /var/run/docker.pid ] && [ ! -e /run/hersh-test-dockerd ] &&
				kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
				file_skip "a dockerd the tests did not start is running"
				return 1
			fi ;;
		throwaway)
			[ -e /run/hersh-throwaway ] || {
				file_skip "changes this machine's packages and configuration: runs in a throwaway root (sudo tests/run names the stage)"
				return 1
			} ;;
		deb)
			HERSH_DEB=$(hersh_deb 2>&1) || { file_skip "$HERSH_DEB"; return 1; }
			export HERSH_DEB ;;
		*)
			command -v "$what" >/dev/null 2>&1 ||
				{ file_skip "needs $what"; return 1; } ;;
		esac
	done
}

# policy-rc.d: these machines ship one that exits 101 (an image default).
# Tests that play a real host hide it and put it back; tests that play an
# image build keep it.  tests/run also puts it back if a test was killed.
POLICY_RC_D=/usr/sbin/policy-rc.d
policy_rc_d_hide() {
	if [ -e "$POLICY_RC_D" ] && [ ! -e "$POLICY_RC_D.hersh-test" ]; then
		mv "$POLICY_RC_D" "$POLICY_RC_D.hersh-test"
	fi
}
policy_rc_d_restore() {
	if [ -e "$POLICY_RC_D.hersh-test" ]; then
		mv -f "$POLICY_RC_D.hersh-test" "$POLICY_RC_D"
	fi
}

# Save a path (file, symlink, directory or absence) so it can be put back
# exactly.  save_path /etc/docker/daemon.json; ... restore_path /etc/docker/daemon.json
save_path() {
	local p=$1 store
	store="$BATS_FILE_TMPDIR/saved$(printf '%s' "$p" | tr / _)"
	rm -rf "$store"
	mkdir -p "$store"
	if [ -e "$p" ] || [ -L "$p" ]; then
		cp -a "$p" "$store/item"
	fi
}
restore_path() {
	local p=$1 store
	store="$BATS_FILE_TMPDIR/saved$(printf '%s' "$p" | tr / _)"
	[ -d "$store" ] || return 0
	rm -rf "$p"
	if [ -e "$store/item" ] || [ -L "$store/item" ]; then
		cp -a "$store/item" "$p"
	fi
}

# Purge the package if a test left it installed.
hersh_purge() {
	if dpkg-query -W -f '${Status}' hersh-gvisor 2>/dev/null | grep -qv 'not-installed'; then
		DEBIAN_FRONTEND=noninteractive dpkg --purge hersh-gvisor >/dev/null 2>&1 || true
	fi
	echo PURGE | debconf-communicate hersh-gvisor >/dev/null 2>&1 || true
}
