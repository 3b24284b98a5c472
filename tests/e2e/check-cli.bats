#!/usr/bin/env bats
# hersh-gvisor-check's command line and JSON output, on fixture files; any
# user, no Docker needed (Docker checks report whatever the host has).

load ../lib/common

setup() {
	PATH="$HERSH_BIN_DIR:$HERSH_SRC/src/check:$PATH"
	export PATH
}

@test "an unknown option is a usage error" {
	run hersh-gvisor-check --frobnicate
	assert_failure 2
	assert_output --partial "hersh-gvisor-check: unknown option '--frobnicate'"
}

@test "an option without its argument is a usage error" {
	run hersh-gvisor-check --image
	assert_failure 2
	assert_output --partial "option --image needs an argument"
}

@test "a stray argument is a usage error" {
	run hersh-gvisor-check runsc
	assert_failure 2
	assert_output --partial "unexpected argument 'runsc'"
}

@test "help lists every option" {
	run hersh-gvisor-check --help
	assert_success
	local o
	for o in --image --runtime --config --json --quiet --bench --help --version; do
		assert_output --partial -- "$o"
	done
}

@test "version prints the package version" {
	run hersh-gvisor-check -V
	assert_success
	assert_output --regexp '^hersh-gvisor-check [0-9][^ ]*$'
}

@test "json escapes quotes, backslashes and tabs from daemon.json" {
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	run hersh-gvisor-check --json --runtime hersh-escape --config "$FIXTURES/check/escapes.json"
	assert_failure 1
	run jq -r '.checks[] | select(.id == "daemon-json.runtime") | .status + " " + .detail' <<<"$output"
	assert_success
	assert_output "fail runtimes.hersh-escape.path /nonexistent/dir with \"quotes\"\\and	tab/runsc does not exist: containers under hersh-escape cannot start"
}

@test "json reports an invalid daemon.json with line and column" {
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	run hersh-gvisor-check --json --runtime hersh-none --config "$FIXTURES/check/invalid.json"
	assert_failure 1
	local json=$output
	run jq -e '.ok == false and .config == $c and (.checks[] | select(.id == "daemon-json.valid") | .status == "fail")' --arg c "$FIXTURES/check/invalid.json" <<<"$json"
	assert_success
	run jq -r '.checks[] | select(.id == "daemon-json.valid") | .detail' <<<"$json"
	assert_output --regexp "invalid.json.*line [0-9]+"
}

@test "json has the same checks in the same order whatever fails" {
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	run hersh-gvisor-check --json --runtime hersh-none --config "$FIXTURES/check/invalid.json"
	run jq -r '.checks | map(.id) | join(" ")' <<<"$output"
	assert_output "runsc.installed runsc.version apt.source apt.keyring daemon-json.valid daemon-json.runtime daemon-json.default-runtime docker.running docker.reachable docker.runtime dockerd.cmdline pitfall.network-10704 container.hello"
}

@test "a daemon.json that does not exist is Docker's defaults and lacks the runtime" {
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	run hersh-gvisor-check --runtime hersh-none --config "$BATS_TEST_TMPDIR/absent.json"
	assert_failure 1
	assert_line "[ok]   daemon.json valid: $BATS_TEST_TMPDIR/absent.json does not exist (Docker's defaults)"
	assert_line "[FAIL] daemon.json names hersh-none: $BATS_TEST_TMPDIR/absent.json has no runtime \"hersh-none\""
}
