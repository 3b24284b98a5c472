#!/usr/bin/env bats
# The arm64 package installed as an image builder installs it, in an arm64
# root of the release under test (HERSH_RELEASE; mmdebstrap --arch=arm64
# with Debian's docker.io and runsc): no Docker running, service starts
# forbidden (policy-rc.d exits 101).  Every binary in the root, the
# package's own programs and maintainer scripts included, is arm64 and runs
# under qemu-user on this amd64 machine.  First with the default answers,
# then with preseeded ones (runtime arguments, runsc as Docker's default,
# no gVisor apt source); each time daemon.json, the state and the summary
# are checked, then the package is removed and purged, and nothing of it
# may be left.
#
# The tests follow each other: each one goes on from where the one before
# left the root.  Root, in a throwaway root (tests/run: arm64-install@R):
#   sudo tests/run arm64

load ../lib/common
load ../lib/package

DJ_FILE=/etc/docker/daemon.json
STATE=/var/lib/hersh-gvisor
SOURCE=/etc/apt/sources.list.d/gvisor.list
KEYRING=/usr/share/keyrings/gvisor-archive-keyring.gpg

# root_files: every file of this root that a package could leave behind,
# with its mode, owner and (files) size; apt's, dpkg's and the tests' own
# scratch places left out.
root_files() {
	find / -xdev \( -path /tmp -o -path /var/tmp -o -path /var/lib/dpkg -o -path /var/lib/apt \
		-o -path /var/cache -o -path /var/log -o -path /root \) -prune \
		-o -type f -printf '%M %u:%g %s %p\n' -o -printf '%M %u:%g %p\n' 2>/dev/null | sort
}

setup_file() {
	file_needs throwaway root deb jq debconf-set-selections || return 0
	[ -x /usr/sbin/policy-rc.d ] || {
		file_skip "needs the image builder's policy-rc.d (tests/run: root_suite --policy-rc-d)"
		return 0
	}
	root_files >"$BATS_FILE_TMPDIR/before"
}

setup() {
	file_skip_check
	W=$BATS_FILE_TMPDIR
}

# save NAME: keep $status and $output of the last run for the tests after.
save() {
	printf '%s\n' "$output" >"$W/$1.out"
	printf '%s\n' "$status" >"$W/$1.rc"
}
# saved NAME: its output again, with its status.
saved() {
	cat "$W/$1.out"
	return "$(cat "$W/$1.rc")"
}

# nothing_left: no file, answer or record of the package remains.
nothing_left() {
	root_files >"$W/after"
	run diff -u "$W/before" "$W/after"
	assert_success
	assert_file_not_exist "$STATE"
	run sh -c 'debconf-get-selections 2>/dev/null | grep "^hersh-gvisor[[:space:]]"'
	assert_output ''
}

@test "this root is arm64, its binaries emulated, and the package under test is for arm64" {
	run dpkg --print-architecture
	assert_output arm64
	run uname -m
	assert_output aarch64
	run dpkg-deb --field "$HERSH_DEB" Architecture
	assert_output arm64
}

@test "dpkg -i with the default answers succeeds with no Docker running and services forbidden" {
	pkg_forget
	run pkg_install "$HERSH_DEB"
	save default
	assert_success
	run pkg_status hersh-gvisor
	assert_output installed
}

@test "the install with the default answers prints the package's summary" {
	run saved default
	assert_line --regexp '^hersh-gvisor: '
	assert_line --regexp '^hersh-gvisor: .*Docker'
}

@test "the default answers: daemon.json names the runsc runtime at /usr/bin/runsc" {
	run jq -r '.runtimes.runsc.path' "$DJ_FILE"
	assert_output /usr/bin/runsc
	# The package's own arm64 editor reads it the same.
	run hersh-daemon-json show runsc
	assert_success
	assert_output --partial '"/usr/bin/runsc"'
}

@test "the default answers: the state under /var/lib/hersh-gvisor records the entry the package added" {
	assert_file_exist "$STATE/docker-runtime"
	run jq -c . "$STATE/docker-runtime"
	assert_output "$(jq -c '.runtimes.runsc' "$DJ_FILE")"
}

@test "the default answers: the gVisor source line names this machine's architecture, arm64" {
	assert_file_exist "$SOURCE"
	run grep -E '^deb \[' "$SOURCE"
	assert_success
	assert_output --partial 'arch=arm64'
	refute_output --partial 'amd64'
	assert_file_exist "$KEYRING"
}

@test "dpkg -r takes the runtime out of daemon.json again" {
	run pkg_remove
	assert_success
	run jq -c '.runtimes.runsc // "absent"' "$DJ_FILE"
	if [ -e "$DJ_FILE" ]; then
		assert_output '"absent"'
	fi
}

@test "dpkg -P after the default install leaves nothing of the package" {
	run pkg_purge
	assert_success
	nothing_left
	assert_file_not_exist "$DJ_FILE"
	assert_file_not_exist "$SOURCE"
	assert_file_not_exist "$KEYRING"
}

@test "dpkg -i with preseeded answers (runtime args, runsc as the default runtime, no apt source) succeeds" {
	pkg_forget
	pkg_preseed runtime-args=--network=none default-runtime=true apt-source=false
	run pkg_install "$HERSH_DEB"
	save preseeded
	assert_success
	run pkg_status hersh-gvisor
	assert_output installed
}

@test "the install with preseeded answers prints the package's summary" {
	run saved preseeded
	assert_line --regexp '^hersh-gvisor: '
}

@test "the preseeded answers: daemon.json names runsc with the runtime args, as Docker's default" {
	run jq -c '.runtimes.runsc' "$DJ_FILE"
	assert_output '{"path":"/usr/bin/runsc","runtimeArgs":["--network=none"]}'
	run jq -r '."default-runtime"' "$DJ_FILE"
	assert_output runsc
}

@test "the preseeded answers: the state records the entry, and no gVisor source or key is added" {
	assert_file_exist "$STATE/docker-runtime"
	run jq -c . "$STATE/docker-runtime"
	assert_output "$(jq -c '.runtimes.runsc' "$DJ_FILE")"
	assert_file_not_exist "$SOURCE"
	assert_file_not_exist "$KEYRING"
}

@test "dpkg -r takes out the runtime and the default-runtime it set" {
	run pkg_remove
	assert_success
	if [ -e "$DJ_FILE" ]; then
		run jq -c '[.runtimes.runsc, ."default-runtime"]' "$DJ_FILE"
		assert_output '[null,null]'
	fi
}

@test "dpkg -P after the preseeded install leaves nothing of the package" {
	run pkg_purge
	assert_success
	nothing_left
	assert_file_not_exist "$DJ_FILE"
}
