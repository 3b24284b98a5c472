#!/usr/bin/env bats
# The package's maintainer scripts against files root does not control:
# daemon.json a FIFO, a device, a link to /dev/zero, an oversized file, or
# a root symlink into a group-writable directory whose members may swap
# the target.  configure fails at once naming the file; triggered, remove
# and purge finish with a warning; nothing reaches the state directory.
# In a throwaway root (tests/run e2e@R), no Docker needed.

load ../lib/common
load ../lib/package

setup_file() {
	file_needs root throwaway deb || return 0
	HG_DEB=$HERSH_DEB
	export HG_DEB
}

setup() {
	file_skip_check
	hersh_purge
	pkg_forget
	pkg_preseed apt-source=false
	rm -rf /etc/docker /srv/shared
	mkdir -p /etc/docker
	printf '{}\n' >/etc/docker/daemon.json
	if [ "$(pkg_status runsc)" != installed ]; then
		skip "needs runsc installed (the e2e root has it)"
	fi
}

teardown() {
	rm -rf /etc/docker /srv/shared
	mkdir -p /etc/docker
	hersh_purge
}

# odd KIND: put KIND at /etc/docker/daemon.json.
odd() {
	rm -f /etc/docker/daemon.json
	case $1 in
	fifo) mkfifo /etc/docker/daemon.json ;;
	device) mknod /etc/docker/daemon.json c 1 5 ;;
	zero-link) ln -s /dev/zero /etc/docker/daemon.json ;;
	oversized) head -c $((5 << 20)) /dev/zero | tr '\0' ' ' >/etc/docker/daemon.json ;;
	shared-fifo)
		# root's link into a directory group staff may write, whose
		# member swapped the target for a FIFO.
		mkdir -p /srv/shared
		chown root:staff /srv/shared
		chmod 0775 /srv/shared
		mkfifo /srv/shared/daemon.json
		chown nobody:staff /srv/shared/daemon.json
		ln -s /srv/shared/daemon.json /etc/docker/daemon.json ;;
	esac
}

# The state holds nothing copied from daemon.json.
state_clean() {
	local kib
	[ ! -e /var/lib/hersh-gvisor/daemon.json ] || [ -f /var/lib/hersh-gvisor/daemon.json ] || return 1
	kib=$(du -sk /var/lib/hersh-gvisor 2>/dev/null | cut -f 1)
	[ "${kib:-0}" -lt 2048 ]
}

configure_fails() {
	odd "$1"
	run timeout 60 env DEBIAN_FRONTEND=noninteractive dpkg -i "$HG_DEB"
	[ "$status" -ne 124 ]
	assert_failure
	assert_output --partial /etc/docker/daemon.json
	assert_output --partial "hersh-gvisor: failed:"
	state_clean
	[ "$(pkg_status hersh-gvisor)" = half-configured ]
}

later_scripts_warn() {
	run pkg_install
	assert_success
	odd "$1"
	run timeout 60 dpkg-trigger --no-await /usr/bin/runsc
	run timeout 60 dpkg --triggers-only hersh-gvisor
	[ "$status" -ne 124 ]
	assert_success
	assert_output --partial "warning: /etc/docker/daemon.json"
	state_clean
	run timeout 60 env DEBIAN_FRONTEND=noninteractive dpkg -r hersh-gvisor
	[ "$status" -ne 124 ]
	assert_success
	assert_output --partial "warning"
	assert_output --partial /etc/docker/daemon.json
	state_clean
	run timeout 60 env DEBIAN_FRONTEND=noninteractive dpkg -P hersh-gvisor
	[ "$status" -ne 124 ]
	assert_success
	[ "$(pkg_status hersh-gvisor)" = not-installed ]
}

@test "configure fails at once naming daemon.json when it is a FIFO" {
	configure_fails fifo
}

@test "triggered, remove and purge succeed with a warning when daemon.json is a FIFO" {
	later_scripts_warn fifo
}

@test "configure fails at once naming daemon.json when it is a device" {
	configure_fails device
}

@test "triggered, remove and purge succeed with a warning when daemon.json is a device" {
	later_scripts_warn device
}

@test "configure fails at once naming daemon.json when it is a link to /dev/zero" {
	configure_fails zero-link
}

@test "triggered, remove and purge succeed with a warning when daemon.json is a link to /dev/zero" {
	later_scripts_warn zero-link
}

@test "configure fails at once naming daemon.json when it is an oversized file" {
	configure_fails oversized
}

@test "triggered, remove and purge succeed with a warning when daemon.json is an oversized file" {
	later_scripts_warn oversized
}

@test "configure fails at once naming daemon.json when it is a FIFO behind a root symlink into a group-writable directory" {
	configure_fails shared-fifo
}

@test "triggered, remove and purge succeed with a warning when daemon.json is a FIFO behind a root symlink into a group-writable directory" {
	later_scripts_warn shared-fifo
}
