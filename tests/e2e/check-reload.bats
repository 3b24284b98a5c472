#!/usr/bin/env bats
# "daemon.json valid" in Docker's own words: a file Docker refuses is never
# reported ok.  Docker 23 and later judge it with dockerd --validate; with
# an older Docker the running dockerd's log says why its last reload
# failed.  The file is an admin's with "max-concurrent-downloads": 3.0,
# which Docker refuses (it wants an integer).  Needs root and dockerd; run
# under the host lock:  flock /run/hersh-host.lock bats tests/e2e/check-reload.bats

load ../lib/common
load ../lib/docker
load check-lib

# A refused reload stays in dockerd's log: start afresh after each test.
teardown() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	: >"$BATS_FILE_TMPDIR/dockerd-args"
	check_restore
}

has_validate() {
	dockerd --help 2>/dev/null | grep -q -- '--validate'
}

# Reload dockerd and wait until its log has the outcome.
reload_and_wait() {
	local log n _
	log=/proc/$(dockerd_pid)/fd/2
	n=$(grep -c 'Got signal to reload configuration' "$log" || true)
	dockerd_reload
	for _ in $(seq 1 100); do
		# The outcome follows the last signal line, after however many
		# other lines (Docker 26 logs more in between than 20.10).
		[ "$(grep -c 'Got signal to reload configuration' "$log")" -gt "$n" ] &&
			awk '/Got signal to reload configuration/ { hit = 0; next }
				/Reloaded configuration|level=error/ { hit = 1 }
				END { exit !hit }' "$log" && return 0
		sleep 0.1
	done
	echo "dockerd logged no reload" >&2
	return 1
}

@test "a daemon.json Docker refused at its last reload fails with Docker's own error line" {
	has_validate && skip "this dockerd has --validate (see the next test)"
	use_config float-refused.json
	reload_and_wait
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp "^\[FAIL\] daemon.json valid: Docker refused $DAEMON_JSON at its last reload \([0-9-]+ [0-9:]+\): unable to configure the Docker daemon with file $DAEMON_JSON: json: cannot unmarshal number 3.0 into Go struct field .*max-concurrent-downloads of type int$"
	assert_line --regexp "^ +fix: correct $DAEMON_JSON as Docker says, then: "
}

@test "a daemon.json Docker refuses is judged by dockerd --validate" {
	has_validate || skip "this dockerd has no --validate (Docker before 23)"
	use_config float-refused.json
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp "^\[FAIL\] daemon.json valid: Docker refuses $DAEMON_JSON \(dockerd --validate\): .*3\.0"
}

@test "a daemon.json dockerd --validate accepts says so" {
	has_validate || skip "this dockerd has no --validate (Docker before 23)"
	run hersh-gvisor-check
	assert_success
	assert_line "[ok]   daemon.json valid: $DAEMON_JSON (dockerd --validate: configuration OK)"
}

@test "a refused daemon.json that changed since the reload is a warning to reload" {
	has_validate && skip "this dockerd has --validate"
	use_config float-refused.json
	reload_and_wait
	sleep 1.1
	use_config working.json
	run hersh-gvisor-check
	assert_success
	assert_line --regexp "^\[warn\] daemon.json valid: Docker refused this file at its last reload \(.*\): .*3\.0.*; it has changed since$"
}

@test "a runtime Docker lacks because it refused the file says to correct the file" {
	has_validate && skip "this dockerd has --validate"
	use_config no-runtime.json
	reload_and_wait
	use_config float-refused.json
	reload_and_wait
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp '^\[FAIL\] Docker lists runsc: Docker knows only: '
	assert_line --regexp "^ +fix: Docker refused $DAEMON_JSON \(see \"daemon.json valid\"\): correct it, then: "
}

@test "a reload Docker accepted leaves daemon.json valid" {
	use_config no-runtime.json
	reload_and_wait
	use_config working.json
	reload_and_wait
	run hersh-gvisor-check
	assert_success
	assert_line --regexp "^\[ok\]   daemon.json valid: $DAEMON_JSON"
}
