#!/usr/bin/env bats
# hersh-gvisor-check for everyone who runs containers: a throwaway user in
# group docker, with Debian's default user PATH and a clean environment,
# gets every check root gets; fixes that need root say sudo.  Needs root
# and dockerd; tests/run runs it in a throwaway root (check@R).

load ../lib/common
load ../lib/docker
load check-lib

setup_file() {
	file_needs useradd userdel setpriv || return 0
	getent group docker >/dev/null || { file_skip "needs group docker"; return 0; }
	check_setup_file
}
setup() {
	check_setup
	docker_user_add
}

teardown() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	docker_user_remove
	check_restore_package
	check_restore
}

# "id=status" of every check of a --json run.
statuses() {
	jq -r '.checks | map(.id + "=" + .status) | join(" ")' <<<"$output"
}

@test "a docker group user runs it and it passes" {
	run as_docker_user hersh-gvisor-check
	assert_success
	assert_line --regexp '^\[ok\]   test container under runsc: Hello from gVisor'
	assert_line '[ok]   contract: runs under gVisor: dmesg inside shows gVisor'"'"'s boot lines (Starting gVisor...)'
	refute_line --regexp '^\[FAIL\]'
}

@test "a docker group user gets every check root gets, with the same results" {
	run hersh-gvisor-check --json
	assert_success
	local root_result
	root_result=$(statuses)
	run as_docker_user hersh-gvisor-check --json
	assert_success
	run statuses
	assert_output "$root_result"
}

@test "a docker group user is told to use sudo for fixes that need root" {
	use_config no-runtime.json
	dockerd_reload
	wait_docker_runtime absent runsc
	run as_docker_user hersh-gvisor-check
	assert_failure 1
	assert_line --regexp "^ +fix: sudo hersh-daemon-json -c $DAEMON_JSON add runsc /usr/bin/runsc && sudo kill -HUP "
}

@test "the packaged command runs for a docker group user from the default PATH" {
	check_install_package
	run env -i PATH="$USER_PATH" HOME=/nonexistent LANG=C.UTF-8 \
		setpriv --reuid="$DOCKER_USER" --regid="$DOCKER_USER" --init-groups hersh-gvisor-check
	assert_success
	assert_line --regexp '^\[ok\]   test container under runsc: Hello from gVisor'
	assert_line --regexp '^\[ok\]   daemon.json names runsc: path /usr/bin/runsc$'
}
