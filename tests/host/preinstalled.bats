#!/usr/bin/env bats
# Install first, run a suite, compare: the package is installed with
# non-default debconf answers on a host whose admin wrote their own
# daemon.json; then the package suites that install from a gVisor-style
# repository (apt source, key and pin; runsc upgrades; install, remove and
# purge with an admin's daemon.json) run on that same host; afterwards the
# package, its answers, daemon.json, /etc/apt, /var/lib/hersh-gvisor and
# the gVisor keyring must be exactly as before, and the suite must have
# run and passed with the package installed beforehand.
#
# Root; the host is a throwaway root (tests/run: preinstalled@RELEASE), with
# a policy-rc.d exiting 101 as on the machines the tests run on.
#   HERSH_SUITE="tests/e2e/package.bats"  runs other suites instead

load ../lib/common

SUITE=${HERSH_SUITE:-tests/e2e/package-apt.bats tests/e2e/runsc-upgrade.bats}
DAEMON_JSON=/etc/docker/daemon.json

setup_file() {
	file_needs throwaway root deb debconf-set-selections debconf-get-selections || return 0
	local w=$BATS_FILE_TMPDIR
	cat >"$w/preseed" <<-EOF
		hersh-gvisor hersh-gvisor/apt-source boolean false
		hersh-gvisor hersh-gvisor/apt-suite string nightly
		hersh-gvisor hersh-gvisor/apt-pin boolean false
		hersh-gvisor hersh-gvisor/runtime-args string --network=none
		hersh-gvisor hersh-gvisor/default-runtime boolean true
	EOF
	debconf-set-selections "$w/preseed"
	mkdir -p "${DAEMON_JSON%/*}"
	cp "$FIXTURES/package/daemon-admin.json" "$DAEMON_JSON"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "$HERSH_DEB" >"$w/install.log" 2>&1 ||
		{ cat "$w/install.log" >&2; return 1; }
	cp -p "$DAEMON_JSON" "$w/daemon.json.before"
	dpkg-query -W -f '${Status} ${Version}\n' hersh-gvisor >"$w/package.before"
	debconf-get-selections | awk '$1 == "hersh-gvisor"' | sort >"$w/debconf.before"
	"$HERSH_SRC/tests/host/snapshot" >"$w/snapshot.before"
	local rc=0
	local -a files=()
	local f
	for f in $SUITE; do
		files+=("$HERSH_SRC/$f")
	done
	bats --tap --timing "${files[@]}" >"$w/suite.tap" 2>&1 || rc=$?
	echo "$rc" >"$w/suite.rc"
	# Its TAP, as comments in this file's (tests/run counts only this file's).
	sed "s|^|# suite: |" "$w/suite.tap" >&3
	"$HERSH_SRC/tests/host/snapshot" >"$w/snapshot.after"
}

setup() {
	file_skip_check
	W=$BATS_FILE_TMPDIR
}

@test "the package was installed with the non-default answers before the suite ran" {
	run cat "$W/package.before"
	assert_output --regexp '^install ok installed '
	run cat "$W/debconf.before"
	assert_line --regexp '^hersh-gvisor[[:space:]]hersh-gvisor/default-runtime[[:space:]]boolean[[:space:]]true$'
	assert_line --regexp '^hersh-gvisor[[:space:]]hersh-gvisor/apt-suite[[:space:]]string[[:space:]]nightly$'
}

@test "the suite ran every test with the package installed beforehand: none skipped for it" {
	run grep -c '^ok ' "$W/suite.tap"
	refute_output 0
	run grep -E '^ok .* # skip' "$W/suite.tap"
	assert_output ''
}

@test "the suite passed with the package installed beforehand" {
	run grep -E '^not ok ' "$W/suite.tap"
	assert_output ''
	assert_equal "$(cat "$W/suite.rc")" 0
}

@test "the installed package's version and status are as before the suite" {
	assert_equal "$(dpkg-query -W -f '${Status} ${Version}\n' hersh-gvisor 2>&1)" "$(cat "$W/package.before")"
}

@test "the package's debconf answers are as before the suite" {
	run diff -u "$W/debconf.before" <(debconf-get-selections | awk '$1 == "hersh-gvisor"' | sort)
	assert_success
}

@test "daemon.json is byte for byte as before the suite" {
	run cmp "$W/daemon.json.before" "$DAEMON_JSON"
	assert_success
}

@test "packages, /etc/docker, /etc/apt, /var/lib/hersh-gvisor and the gVisor keyring are as before the suite" {
	run diff -u "$W/snapshot.before" "$W/snapshot.after"
	assert_success
}
