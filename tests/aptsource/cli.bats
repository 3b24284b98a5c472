#!/usr/bin/env bats
# hersh-apt-source: command line.  Usage errors exit 2 before anything is read.

load ../lib/common
load ../lib/aptrepo

bats_require_minimum_version 1.5.0

setup() {
	aptsrc_setup
	AS=$HERSH_BIN_DIR/hersh-apt-source
}

@test "no command is a usage error listing every form, on stderr" {
	run --separate-stderr "$AS"
	assert_failure 2
	assert_equal "$output" ""
	# shellcheck disable=SC2154 # stderr: set by run --separate-stderr
	output=$stderr
	assert_output --partial "usage: hersh-apt-source"
	assert_output --partial " show"
	assert_output --partial " add [--suite"
	assert_output --partial "[--no-pin]"
	assert_output --partial " remove"
	assert_output --partial " install-key [--from FILE|URL]"
	assert_output --partial " set-config"
	assert_output --partial " purge"
	assert_output --partial " check uri|key-url|fingerprint|suite VALUE"
	assert_output --partial "--help"
}

@test "-h and --help print the usage on stdout and exit 0" {
	local opt
	for opt in -h --help; do
		run --separate-stderr "$AS" "$opt"
		assert_success
		assert_equal "$stderr" ""
		assert_output --partial "usage: hersh-apt-source"
		assert_output --partial "[--no-pin]"
	done
}

@test "--help wins over a command and reads nothing" {
	run "$AS" -o Dir=/nonexistent/ --help show
	assert_success
	assert_output --partial "usage: hersh-apt-source"
}

@test "--no-pin with a command other than add is a usage error" {
	run "$AS" install-key --no-pin
	assert_failure 2
	assert_output --partial "--no-pin goes with add"
}

@test "an unknown command is a usage error naming it" {
	run "$AS" frobnicate
	assert_failure 2
	assert_line --index 0 "hersh-apt-source: unknown command 'frobnicate'"
}

@test "an argument after a command other than check is a usage error" {
	run "$AS" purge now
	assert_failure 2
	run "$AS" set-config x
	assert_failure 2
}

@test "two commands are a usage error" {
	run "$AS" show add
	assert_failure 2
}

@test "an unknown option is a usage error" {
	run "$AS" --bogus show
	assert_failure 2
}

@test "a suite that is not release nightly master or a date is a usage error" {
	run "$AS" add --suite stable
	assert_failure 2
	assert_output --partial "--suite"
	run "$AS" add --suite 20241332
	assert_failure 2
}

@test "a date suite is accepted" {
	run "$AS" -q add --suite 20240212
	# no key installed: refused as an error, not as a usage error
	assert_failure 1
}

@test "--suite with a command other than add is a usage error" {
	run "$AS" show --suite release
	assert_failure 2
}

@test "--from with a command other than install-key is a usage error" {
	run "$AS" add --from /dev/null
	assert_failure 2
}

@test "-o without name=value is a usage error" {
	run "$AS" -o Dir show
	assert_failure 2
	assert_output --partial "name=value"
}

@test "a malformed fingerprint is a usage error" {
	run "$AS" --fingerprint 1234 show
	assert_failure 2
	assert_output --partial "--fingerprint"
}

@test "options may follow the command" {
	run "$AS" show -q --uri "http://127.0.0.1:9/repo"
	assert_failure 3
}

@test "--version prints the version" {
	run "$AS" --version
	assert_success
	assert_output --regexp '^hersh-apt-source [^ ]+$'
}
