#!/usr/bin/env bats
# A chrootless purge (dpkg --root, DPKG_ROOT) acts inside its root only,
# whatever that root holds: a record naming a path outside it, a var/lib
# that links to this system's, a FIFO where a recorded file was.  The
# postrm runs this system's own helpers (never the root's programs) with
# the root as their confinement.  In a throwaway root (tests/run e2e@R)
# with the package installed, playing the system dpkg runs on.

load ../lib/common
load ../lib/package

POSTRM=/var/lib/dpkg/info/hersh-gvisor.postrm

setup_file() {
	file_needs root throwaway deb || return 0
	HG_DEB=$HERSH_DEB
	export HG_DEB
	hersh_purge
	pkg_forget
	pkg_preseed apt-source=false configure-docker=false
	pkg_install >/dev/null
}

teardown_file() {
	! file_skipped || return 0
	hersh_purge
}

setup() {
	file_skip_check
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/var/lib/hersh-gvisor" "$ROOT/etc/apt/sources.list.d" "$ROOT/usr/share/keyrings" \
		"$ROOT/etc/docker"
}

# record LINE...: ROOT's apt-source record.
record() {
	printf '%s\n' "$@" >"$ROOT/var/lib/hersh-gvisor/apt-source"
}

sum() {
	sha256sum "$1" | cut -d ' ' -f 1
}

purge() {
	DPKG_ROOT=$ROOT timeout 60 "$POSTRM" purge
}

@test "a chrootless purge removes what the root's record lists, inside the root, and the root's state" {
	printf 'deb [signed-by=/usr/share/keyrings/gvisor-archive-keyring.gpg] https://example.invalid/gvisor release main\n' \
		>"$ROOT/etc/apt/sources.list.d/gvisor.list"
	record "$(sum "$ROOT/etc/apt/sources.list.d/gvisor.list")  /etc/apt/sources.list.d/gvisor.list"
	run purge
	assert_success
	assert_not_exists "$ROOT/etc/apt/sources.list.d/gvisor.list"
	assert_not_exists "$ROOT/var/lib/hersh-gvisor"
}

@test "a record line leading out of the root is refused by line and nothing of this system is removed" {
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg before
	before=$(sum "$keyring")
	record "$before  /../../../../..$keyring"
	run purge
	assert_success
	assert_output --partial "line 1"
	assert_file_exists "$keyring"
	assert_equal "$(sum "$keyring")" "$before"
}

@test "a root whose var/lib links to this system's leaves this system's state alone" {
	local host_state=/var/lib/hersh-gvisor
	mkdir -p "$host_state"
	echo keep >"$host_state/hersh-purge-test-marker"
	rm -rf "$ROOT/var/lib"
	ln -s /var/lib "$ROOT/var/lib"
	run purge
	assert_success
	assert_file_exists "$host_state/hersh-purge-test-marker"
	rm -f "$host_state/hersh-purge-test-marker"
}

@test "a FIFO where a recorded file was is never opened: the purge finishes and keeps it" {
	mkfifo "$ROOT/etc/apt/sources.list.d/gvisor.list"
	record "$(printf '%064d' 0)  /etc/apt/sources.list.d/gvisor.list"
	run purge
	assert_success
	[ -p "$ROOT/etc/apt/sources.list.d/gvisor.list" ]
}

@test "a record that is not one at all gets a warning and the purge succeeds" {
	head -c 100000 /dev/urandom | base64 >"$ROOT/var/lib/hersh-gvisor/apt-source"
	run purge
	assert_success
	assert_output --partial "line 1: "
	assert_output --regexp "[0-9]+ more lines that are not"
	assert_not_exists "$ROOT/var/lib/hersh-gvisor"
}

@test "a chrootless purge never runs a program found in the root" {
	local p
	mkdir -p "$ROOT/usr/sbin"
	for p in "$ROOT/var/lib/hersh-gvisor/hersh-daemon-json" "$ROOT/var/lib/hersh-gvisor/hersh-apt-source" \
		"$ROOT/usr/sbin/hersh-daemon-json" "$ROOT/usr/sbin/hersh-apt-source"; do
		printf '#!/bin/sh\ntouch /tmp/hersh-purge-ran-the-roots-program\n' >"$p"
		chmod 0755 "$p"
	done
	run purge
	assert_success
	assert_not_exists /tmp/hersh-purge-ran-the-roots-program
}
