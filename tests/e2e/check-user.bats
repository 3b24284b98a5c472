#!/usr/bin/env bats
# hersh-gvisor-check for everyone who runs containers: a throwaway user in
# group docker, with Debian's default user PATH and a clean environment,
# gets every check root gets; fixes that need root say sudo.  Needs root
# and dockerd; run under the host lock:
#     flock /run/hersh-host.lock bats tests/e2e/check-user.bats

load ../lib/common
load ../lib/docker
load check-lib

# Debian's default PATH for users (/etc/profile, login.defs).
USER_PATH=/usr/local/bin:/usr/bin:/bin:/usr/games

setup_file() {
	file_needs useradd userdel setpriv || return 0
	getent group docker >/dev/null || { file_skip "needs group docker"; return 0; }
	check_setup_file
}
setup() {
	check_setup
	CHECK_USER=hersh-check-$$
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
		--groups docker "$CHECK_USER"
}

teardown() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	userdel "$CHECK_USER" 2>/dev/null || true
	check_restore_package
	if [ -e "$BATS_FILE_TMPDIR/on-path" ]; then
		rm -f "$(cat "$BATS_FILE_TMPDIR/on-path")"
		rm -f "$BATS_FILE_TMPDIR/on-path"
	fi
	check_restore
}

# as_user COMMAND...: COMMAND as the throwaway user, its groups from the
# group database, a clean environment with the default PATH (and, for the
# command from the source tree, where its helpers are).
as_user() {
	env -i PATH="$USER_PATH" HOME=/nonexistent LANG=C.UTF-8 ${HELPERS:+HERSH_GVISOR_CHECK_HELPERS=$HELPERS} \
		setpriv --reuid="$CHECK_USER" --regid="$CHECK_USER" --init-groups "$@"
}

# The command of the source tree on the default PATH, in /usr/local/bin.
source_on_path() {
	local link=/usr/local/bin/hersh-gvisor-check
	[ ! -e "$link" ] || skip "$link exists already"
	ln -s "$HERSH_SRC/src/check/hersh-gvisor-check" "$link"
	printf '%s\n' "$link" >"$BATS_FILE_TMPDIR/on-path"
	HELPERS=$HERSH_BIN_DIR
}

# "id=status" of every check of a --json run.
statuses() {
	jq -r '.checks | map(.id + "=" + .status) | join(" ")' <<<"$output"
}

@test "a docker group user runs it from the default PATH and it passes" {
	source_on_path
	run as_user hersh-gvisor-check
	assert_success
	assert_line --regexp '^\[ok\]   test container under runsc: Hello from gVisor'
	assert_line '[ok]   contract: runs under gVisor: dmesg inside shows gVisor'"'"'s boot lines (Starting gVisor...)'
	refute_line --regexp '^\[FAIL\]'
}

@test "a docker group user gets every check root gets, with the same results" {
	source_on_path
	run hersh-gvisor-check --json
	assert_success
	local root_result
	root_result=$(statuses)
	run as_user hersh-gvisor-check --json
	assert_success
	run statuses
	assert_output "$root_result"
}

@test "a docker group user is told to use sudo for fixes that need root" {
	source_on_path
	use_config no-runtime.json
	dockerd_reload
	wait_docker_runtime absent runsc
	run as_user hersh-gvisor-check
	assert_failure 1
	assert_line --regexp "^ +fix: sudo hersh-daemon-json -c $DAEMON_JSON add runsc /usr/bin/runsc && sudo kill -HUP "
}

@test "the packaged command runs for a docker group user from the default PATH" {
	check_install_package
	HELPERS='' run as_user hersh-gvisor-check
	assert_success
	assert_line --regexp '^\[ok\]   test container under runsc: Hello from gVisor'
	assert_line --regexp '^\[ok\]   daemon.json names runsc: path /usr/bin/runsc$'
}
