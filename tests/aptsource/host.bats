#!/usr/bin/env bats
# hersh-apt-source on the real host's /etc/apt (root).  tests/run runs it
# with /etc/apt, /usr/share/keyrings and /var/lib as throwaway overlays of
# themselves, so nothing it does reaches the host even if it is stopped
# half way; by hand:
#   sudo tests/host/overlay /etc/apt /usr/share/keyrings /var/lib -- \
#       flock /run/hersh-host.lock bats tests/aptsource/host.bats
# Every other source is moved aside for the test, so apt only ever talks to
# the signed mirror on 127.0.0.1; /etc/apt, the keyring and the tool's state
# are put back afterwards.  apt-get update uses private lists and no caches,
# so the host's package lists are never touched.

load ../lib/common
load ../lib/aptrepo

HOST_PATHS="/etc/apt/sources.list /etc/apt/sources.list.d
/etc/apt/preferences.d/hersh-gvisor /etc/apt/apt.conf.d/50hersh-gvisor
/usr/share/keyrings/gvisor-archive-keyring.gpg
/usr/share/keyrings/debian-archive-keyring.gpg /var/lib/hersh-gvisor"

setup_file() {
	[ "$(id -u)" = 0 ] || return 0
	aptsrc_setup_file
}

teardown_file() {
	[ "$(id -u)" = 0 ] || return 0
	aptsrc_teardown_file
}

setup() {
	require_root
	local p
	for p in $HOST_PATHS; do
		save_path "$p"
	done
	# What an installed hersh-gvisor put here goes too (saved above).
	rm -f /etc/apt/sources.list /etc/apt/sources.list.d/* /etc/apt/preferences.d/hersh-gvisor \
		/etc/apt/apt.conf.d/50hersh-gvisor /usr/share/keyrings/gvisor-archive-keyring.gpg
	rm -rf /var/lib/hersh-gvisor
	LISTS=$(mktemp -d /var/tmp/hersh-test-lists.XXXXXX)
	chmod 755 "$LISTS"
	mkdir "$LISTS/partial"
	chown _apt:root "$LISTS/partial" 2>/dev/null || true
	chmod 700 "$LISTS/partial"
	unset APT_CONFIG
}

teardown() {
	local p
	for p in $HOST_PATHS; do
		restore_path "$p"
	done
	rm -rf "$LISTS"
}

# apt-get on the host's configuration, with private lists and no caches.
host_apt_get() {
	apt-get -o Dir::State::Lists="$LISTS" -o Dir::Cache::pkgcache= \
		-o Dir::Cache::srcpkgcache= "$@"
}

@test "on the host, install-key then add gives a source apt-get update accepts without warning" {
	run has install-key
	assert_success
	run has add
	assert_success
	assert_line "/etc/apt/sources.list.d/gvisor.list: added the gVisor source $MIRROR_URL/repo, suite release"
	assert_line "/etc/apt/preferences.d/hersh-gvisor: pinned the gVisor repository (host 127.0.0.1) to runsc; every other package from it gets priority -1"
	run host_apt_get update
	assert_success
	assert_output --partial "$MIRROR_URL/repo release InRelease"
	refute_line --regexp '^(W|E|Err):'
	# the repository offers only runsc: the pin holds its other package back
	run host_apt_get install --simulate hersh-test-dummy
	assert_failure 100
	assert_output --partial "Package 'hersh-test-dummy' has no installation candidate"
}

@test "on the host, show reports the added source and a good keyring" {
	has -q install-key
	has -q add
	run has show
	assert_success
	assert_line "$(printf 'source\t/etc/apt/sources.list.d/gvisor.list\tone-line\t%s\trelease\t/usr/share/keyrings/gvisor-archive-keyring.gpg\tours' "$MIRROR_URL/repo")"
	assert_line "$(printf 'keyring\t/usr/share/keyrings/gvisor-archive-keyring.gpg\tok\t%s\tnever' "$MIRROR_FPR")"
	assert_line "$(printf 'pin\t/etc/apt/preferences.d/hersh-gvisor\tok\torigin:127.0.0.1')"
}

@test "on the host, apt gives the repository's other packages priority -1" {
	has -q install-key
	has -q add
	host_apt_get -q update >/dev/null
	run apt-cache -o Dir::State::Lists="$LISTS" -o Dir::Cache::pkgcache= \
		-o Dir::Cache::srcpkgcache= policy hersh-test-dummy
	assert_success
	assert_line --regexp "^ +-1 $MIRROR_URL/repo release/main "
}

@test "on the host, remove after add leaves /etc/apt as it was" {
	has -q install-key
	has -q add
	run has remove
	assert_success
	run ls -A /etc/apt/sources.list.d
	assert_output ""
	assert_file_not_exists /etc/apt/preferences.d/hersh-gvisor
	assert_file_not_exists /usr/share/keyrings/gvisor-archive-keyring.gpg
	assert_file_not_exists /var/lib/hersh-gvisor/apt-source
	assert_file_not_exists /var/lib/hersh-gvisor/.apt-source.hersh-lock
	run host_apt_get update
	assert_success
	refute_line --regexp '^(W|E):'
}

@test "on the host, a state directory another user owns is refused, naming it, and nothing is written" {
	mkdir -p /var/lib/hersh-gvisor
	chown nobody /var/lib/hersh-gvisor
	run has install-key
	assert_failure 1
	assert_output "hersh-apt-source: /var/lib/hersh-gvisor/.apt-source.hersh-lock: refusing to lock: /var/lib/hersh-gvisor is owned by uid $(id -u nobody) with mode 0755; the directories above it must be owned by root and not writable by group or others"
	assert_file_not_exists /usr/share/keyrings/gvisor-archive-keyring.gpg
	assert_file_not_exists /var/lib/hersh-gvisor/apt-source
}

@test "on the host, add refuses a sources.list.d its group can write, naming it, and writes neither source nor pin" {
	has -q install-key
	chmod g+w /etc/apt/sources.list.d
	run has add
	assert_failure 1
	assert_output "hersh-apt-source: /etc/apt/sources.list.d/gvisor.list: refusing to write: /etc/apt/sources.list.d is owned by uid 0 with mode 0775; the directories above it must be owned by root and not writable by group or others"
	run ls -A /etc/apt/sources.list.d
	assert_output ""
	assert_file_not_exists /etc/apt/preferences.d/hersh-gvisor
}

@test "on the host, purge removes what install-key, add and set-config created" {
	has -q install-key
	has -q add
	has -q set-config
	run has purge
	assert_success
	assert_line "/etc/apt/sources.list.d/gvisor.list: removed"
	assert_line "/etc/apt/preferences.d/hersh-gvisor: removed"
	assert_line "/usr/share/keyrings/gvisor-archive-keyring.gpg: removed"
	assert_line "/etc/apt/apt.conf.d/50hersh-gvisor: removed"
	assert_line "/var/lib/hersh-gvisor/apt-source: removed"
	run ls -A /etc/apt/sources.list.d /var/lib/hersh-gvisor
	assert_output "/etc/apt/sources.list.d:

/var/lib/hersh-gvisor:"
}

@test "on the host, purge ignores a record line that climbs with .. to the Debian archive keyring" {
	[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || skip "no Debian archive keyring"
	local sum before
	sum=$(sha256sum </usr/share/keyrings/debian-archive-keyring.gpg | cut -d' ' -f1)
	before=$(sha256sum /usr/share/keyrings/debian-archive-keyring.gpg)
	mkdir -p /var/lib/hersh-gvisor
	echo "$sum  /../../../../../usr/share/keyrings/debian-archive-keyring.gpg" >/var/lib/hersh-gvisor/apt-source
	run has purge
	assert_success
	assert_line "hersh-apt-source: /var/lib/hersh-gvisor/apt-source: line 1: the path is not canonical; ignored"
	assert_equal "$(sha256sum /usr/share/keyrings/debian-archive-keyring.gpg)" "$before"
}

@test "on the host, purge never opens a FIFO at a recorded path" {
	has -q install-key
	has -q add
	rm /etc/apt/sources.list.d/gvisor.list
	mkfifo /etc/apt/sources.list.d/gvisor.list
	run timeout 20 "$HERSH_BIN_DIR/hersh-apt-source" purge
	assert_success
	assert_line "hersh-apt-source: /etc/apt/sources.list.d/gvisor.list: not a regular file now (a symlink, directory, FIFO, socket or device); left in place"
	[ -p /etc/apt/sources.list.d/gvisor.list ]
}
