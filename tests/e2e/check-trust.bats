#!/usr/bin/env bats
# hersh-gvisor-check run as root trusts nothing another user controls: a
# process any user can start under the name dockerd, a runtime binary in a
# directory another user can write, a PATH entry, the Docker client's
# settings of the caller's environment (tests/unit/check-root.bats has
# the rest of the environment, without Docker).  The attacker is user
# nobody; its runsc would leave a mark if anything ran it.  Needs root and
# dockerd; run under the host lock:
#     flock /run/hersh-host.lock bats tests/e2e/check-trust.bats

load ../lib/common
load ../lib/docker
load check-lib

setup_file() {
	file_needs setpriv || return 0
	check_setup_file
}

teardown() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	evil_remove
	if [ -e "$BATS_FILE_TMPDIR/ns-dirs" ]; then
		xargs rm -rf <"$BATS_FILE_TMPDIR/ns-dirs"
		rm -f "$BATS_FILE_TMPDIR/ns-dirs"
	fi
	if [ -e "$BATS_FILE_TMPDIR/pidfile-forged" ]; then
		rm -f "$DOCKER_PIDFILE" "$BATS_FILE_TMPDIR/pidfile-forged"
	fi
	check_restore
}

# Nothing ran the attacker's runsc.
refute_evil_ran() {
	assert_file_not_exists "$1/ran"
}

@test "another user's process named dockerd is ignored and its --add-runtime binary never runs" {
	local evil pid
	evil=$(forged_dockerd_setup)
	pid=$(evil_dockerd "$evil" --add-runtime "runsc=$evil/runsc")
	run hersh-gvisor-check
	assert_failure 1
	refute_evil_ran "$evil"
	assert_line "[FAIL] Docker running: dockerd is not running (ignored: pid $pid is a dockerd that does not run as root)"
	assert_line '[ok]   runsc installed: /usr/bin/runsc'
}

@test "a pid file naming another user's dockerd is ignored" {
	local evil pid
	evil=$(forged_dockerd_setup)
	pid=$(evil_dockerd "$evil" --add-runtime "runsc=$evil/runsc")
	: >"$BATS_FILE_TMPDIR/pidfile-forged"
	printf '%s\n' "$pid" >"$DOCKER_PIDFILE"
	run hersh-gvisor-check
	assert_failure 1
	refute_evil_ran "$evil"
	assert_line "[FAIL] Docker running: dockerd is not running (ignored: pid $pid is a dockerd that does not run as root)"
	assert_line '[skip] dockerd options: no local dockerd process'
}

@test "a root dockerd run from a directory another user can write is ignored" {
	local evil pid
	evil=$(forged_dockerd_setup)
	pid=$(evil_dockerd "$evil" --as-root --add-runtime "runsc=$evil/runsc")
	run hersh-gvisor-check
	assert_failure 1
	refute_evil_ran "$evil"
	assert_line --regexp "^\[FAIL\] Docker running: dockerd is not running \(ignored: pid $pid runs $evil/bin/dockerd, and .*(uid 65534|nobody).*\)$"
}

@test "a root dockerd of another mount namespace (a container's, a build root's) is not this host's Docker" {
	local evil pid dir
	evil=$(forged_dockerd_setup)
	dir=$(mktemp -d /run/hersh-nsdockerd.XXXXXX)
	chmod 0755 "$dir"
	printf '%s\n' "$dir" >>"$BATS_FILE_TMPDIR/ns-dirs"
	cp /bin/bash "$dir/dockerd"
	unshare --mount --propagation private "$dir/dockerd" -c 'while :; do sleep 1; done' \
		dockerd --add-runtime "runsc=$evil/runsc" </dev/null >/dev/null 2>&1 &
	pid=$(evil_track "$!")
	run hersh-gvisor-check
	assert_failure 1
	refute_evil_ran "$evil"
	assert_line "[FAIL] Docker running: dockerd is not running"
	refute_output --partial "pid $pid"
}

@test "a runtime path another user can write is reported and never run as root" {
	local evil
	evil=$(evil_dir)
	printf '{"runtimes": {"runsc": {"path": "%s/runsc"}}}\n' "$evil" >"$DAEMON_JSON"
	run hersh-gvisor-check
	assert_failure 1
	refute_evil_ran "$evil"
	assert_line --regexp "^\[FAIL\] runsc installed: $evil/runsc is not trusted, so it is not run: $evil.* (uid 65534|nobody)"
	assert_line --regexp "^\[FAIL\] daemon.json names runsc: runtimes.runsc.path $evil/runsc is not safe: dockerd runs it as root, and $evil.* (uid 65534|nobody)"
}

@test "a runtime path in a directory writable by others is not trusted either" {
	local dir
	dir=$(mktemp -d /tmp/hersh-shared.XXXXXX)
	printf '%s\n' "$dir" >"$BATS_FILE_TMPDIR/evil-dir"
	chmod 0777 "$dir"
	cp /usr/bin/runsc "$dir/runsc"
	printf '{"runtimes": {"runsc": {"path": "%s/runsc"}}}\n' "$dir" >"$DAEMON_JSON"
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp "^\[FAIL\] runsc installed: $dir/runsc is not trusted, so it is not run: $dir .*0?777"
}

@test "as root, a runsc on the caller's PATH is not run" {
	local evil
	evil=$(evil_dir)
	use_config no-runtime.json
	dockerd_reload
	PATH="$evil:$PATH" run hersh-gvisor-check
	refute_evil_ran "$evil"
	assert_line '[ok]   runsc installed: /usr/bin/runsc'
}

# A user's Docker client settings, given to root (su without -, sudo -E):
# a CLI plugin in DOCKER_CONFIG that marks when anything runs it, and
# DOCKER_HOST at an API socket of the user's that marks when anything
# connects.  The real dockerd is still the one checked.
@test "as root, a user's DOCKER_CONFIG plugin never runs and a user's DOCKER_HOST is never asked" {
	require_cmd python3
	local evil
	evil=$(evil_dir)
	mkdir -p "$evil/docker/cli-plugins"
	cat >"$evil/docker/cli-plugins/docker-hersh" <<EOF
#!/bin/sh
id -u >>$evil/plugin-ran
echo '{"SchemaVersion":"0.1.0","Vendor":"x","Version":"1","ShortDescription":"x"}'
EOF
	chmod 0755 "$evil/docker/cli-plugins/docker-hersh"
	chown -R nobody:nogroup "$evil/docker"
	setpriv --reuid=nobody --regid=nogroup --clear-groups python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1] + "/docker.sock")
s.listen(8)
open(sys.argv[1] + "/listening", "w").close()
while True:
    c, _ = s.accept()
    open(sys.argv[1] + "/socket-used", "a").write("x\n")
    c.close()
' "$evil" </dev/null >/dev/null 2>&1 &
	printf '%s\n' "$!" >>"$BATS_FILE_TMPDIR/evil-pids"
	local _
	for _ in $(seq 1 50); do [ -e "$evil/listening" ] && break; sleep 0.1; done
	DOCKER_CONFIG=$evil/docker DOCKER_HOST=unix://$evil/docker.sock run hersh-gvisor-check
	assert_success
	assert_file_not_exists "$evil/plugin-ran"
	assert_file_not_exists "$evil/socket-used"
	assert_line --regexp '^\[ok\]   Docker running: dockerd pid [0-9]+$'
	assert_line --regexp '^\[ok\]   Docker lists runsc: '
	assert_line --regexp "^hersh-gvisor-check: note: as root, the caller's Docker client settings are ignored \(DOCKER_CONFIG DOCKER_HOST\)"
}
