#!/usr/bin/env bats
# hersh-apt-source: command line.  Usage errors exit 2 before anything is read.

load ../lib/common
load ../lib/aptrepo

setup() {
	aptsrc_setup
	AS=$HERSH_BIN_DIR/hersh-apt-source
}

@test "no command is a usage error listing every form" {
	run "$AS"
	assert_failure 2
	assert_output --partial "usage: hersh-apt-source"
	assert_output --partial " show"
	assert_output --partial " add [--suite"
	assert_output --partial " remove"
	assert_output --partial " install-key [--from FILE|URL]"
}

@test "an unknown command is a usage error naming it" {
	run "$AS" frobnicate
	assert_failure 2
	assert_line --index 0 "hersh-apt-source: unknown command 'frobnicate'"
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

@test "a repository URI without a scheme is a usage error" {
	run "$AS" --uri storage.example.invalid/gvisor show
	assert_failure 2
}

@test "options may follow the command" {
	run "$AS" show -q --uri "http://127.0.0.1:9/repo"
	assert_failure 3
}

@test "a malformed fingerprint in APT's configuration is an error naming the setting" {
	echo 'Hersh-Gvisor::Fingerprint "nothex";' >"$ROOT/etc/apt/apt.conf.d/50gvisor"
	run "$AS" show
	assert_failure 1
	assert_output --partial "Hersh-Gvisor::Fingerprint 'nothex'"
}

@test "--version prints the version" {
	run "$AS" --version
	assert_success
	assert_output --regexp '^hersh-apt-source [^ ]+$'
}
