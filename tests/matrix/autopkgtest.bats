#!/usr/bin/env bats
# The package's autopkgtest suite (debian/tests), run as README.md says for
# a disposable machine:
#   autopkgtest --ignore-restrictions=breaks-testbed,isolation-machine \
#       dist/hersh-gvisor_*.deb . -- null
# (the null runner is no machine of its own: autopkgtest from Debian 13 on
# skips isolation-machine tests there unless told so; the machine is the
# testbed here)
# on a testbed like the machines this project runs on: a dockerd already
# running (started before the package is installed, as a service would be)
# and /usr/sbin/policy-rc.d exiting 101.  No network: every test dependency
# is installed already, so apt downloads nothing.
#
# Root; the testbed is a throwaway root (tests/run: autopkgtest@RELEASE),
# which the suite breaks as it likes.

load ../lib/common

setup_file() {
	file_needs throwaway root deb autopkgtest dockerd docker || return 0
	local w=$BATS_FILE_TMPDIR _
	[ -x /usr/sbin/policy-rc.d ] || { echo "the testbed has no policy-rc.d" >&2; return 1; }
	# The testbed's Docker, up before anything is installed.
	start-stop-daemon --start --background --output "$w/dockerd.log" --exec /usr/sbin/dockerd
	for _ in $(seq 1 150); do
		docker info >/dev/null 2>&1 && break
		sleep 0.2
	done
	docker info >/dev/null 2>&1 || { tail -n 30 "$w/dockerd.log" >&2; return 1; }
	cat /var/run/docker.pid >"$w/dockerd.pid"
	sha256sum /usr/sbin/policy-rc.d >"$w/policy-rc.d.sum"
	local rc=0
	autopkgtest --ignore-restrictions=breaks-testbed,isolation-machine --output-dir "$w/out" \
		"$HERSH_DEB" "$HERSH_SRC" -- null >"$w/autopkgtest.log" 2>&1 || rc=$?
	printf '%s\n' "$rc" >"$w/autopkgtest.rc"
	# Its log, as comments in this file's TAP output.
	sed 's/^/# autopkgtest: /' "$w/autopkgtest.log" >&3
}

teardown_file() {
	! file_skipped || return 0
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/dockerd.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
	return 0
}

setup() {
	file_skip_check
	W=$BATS_FILE_TMPDIR
}

# The tests debian/tests/control declares, one a line.
control_tests() {
	sed -n 's/^Tests:[[:space:]]*//p' "$HERSH_SRC/debian/tests/control" | tr ', ' '\n\n' | sed '/^$/d'
}

# assert_autopkgtest_pass NAME: the summary says NAME PASS.
assert_autopkgtest_pass() {
	run cat "$W/out/summary"
	assert_line --regexp "^$1[[:space:]]+PASS"
}

@test "autopkgtest ran every test debian/tests/control declares, and each passed" {
	local t n=0
	assert_file_exist "$W/out/summary"
	while read -r t; do
		assert_autopkgtest_pass "$t"
		n=$((n + 1))
	done < <(control_tests)
	assert_equal "$(grep -c . "$W/out/summary")" "$n"
	assert_equal "$(cat "$W/autopkgtest.rc")" 0
}

@test "autopkgtest: docker-lists-runsc passes with Docker running before the install" {
	assert_autopkgtest_pass docker-lists-runsc
}

@test "autopkgtest: hello-from-gvisor passes under policy-rc.d exiting 101" {
	assert_autopkgtest_pass hello-from-gvisor
}

@test "autopkgtest: check-command passes" {
	assert_autopkgtest_pass check-command
}

@test "autopkgtest: remove-purge passes" {
	assert_autopkgtest_pass remove-purge
}

@test "the testbed's dockerd is the one that ran before the install: never restarted" {
	run kill -0 "$(cat "$W/dockerd.pid")"
	assert_success
	assert_equal "$(cat /var/run/docker.pid)" "$(cat "$W/dockerd.pid")"
}

@test "the testbed's policy-rc.d is in place afterwards, unchanged" {
	run sha256sum -c "$W/policy-rc.d.sum"
	assert_success
}

@test "autopkgtest downloaded no package: every test dependency was installed" {
	# (Its apt-get update cannot reach the Debian mirror: no network here.)
	run grep -E '^Get:[0-9]+ https?://' "$W/autopkgtest.log"
	assert_output ''
	run grep -E '^E: ' "$W/autopkgtest.log"
	assert_output ''
}
