#!/usr/bin/env bats
# hersh-apt-source check KIND VALUE: the one home of the answer rules, for
# the package's scripts.  Exit 0 printing the value as it will be used, or
# exit 1 printing one line, the reason (shown in a debconf dialog after
# "the value X cannot be used: ").  No root, no lock.
# shellcheck disable=SC2154 # stderr: set by run --separate-stderr

load ../lib/common
load ../lib/aptrepo

bats_require_minimum_version 1.5.0

setup() {
	aptsrc_setup
	AS=$HERSH_BIN_DIR/hersh-apt-source
}

@test "check uri prints the URI without trailing slashes" {
	run --separate-stderr "$AS" check uri https://mirror.example.invalid/gvisor//
	assert_success
	assert_output https://mirror.example.invalid/gvisor
	assert_equal "$stderr" ""
}

@test "check uri refuses a scheme apt cannot use, with the reason alone on stdout" {
	run --separate-stderr "$AS" check uri ftp://mirror.example.invalid/gvisor
	assert_failure 1
	assert_output "scheme 'ftp' is not one of http, https, file, copy, mirror, mirror+http, mirror+https, mirror+file, tor+http, tor+https"
	assert_equal "$stderr" ""
}

@test "check uri refuses a character apt cannot read in a sources line" {
	run "$AS" check uri 'https://h/a#b'
	assert_failure 1
	assert_output "it contains '#', which apt cannot read in a sources line"
}

@test "check uri refuses an empty value" {
	run "$AS" check uri ""
	assert_failure 1
	assert_output "it is empty"
}

@test "check uri refuses a scheme apt has no method for on this system" {
	mkdir "$BATS_TEST_TMPDIR/methods"
	run "$AS" -o Dir::Bin::Methods="$BATS_TEST_TMPDIR/methods" check uri https://h/p
	assert_failure 1
	assert_output "apt has no method for it on this system ($BATS_TEST_TMPDIR/methods/https: No such file or directory)"
}

@test "check keeps the reason on one line whatever the value holds" {
	run "$AS" check uri "$(printf 'https://h/a\nb')"
	assert_failure 1
	assert_output "it contains the byte 0x0a; only printable ASCII is allowed"
	run "$AS" check fingerprint "$(printf '6F1D\033[2J')"
	assert_failure 1
	assert_output "0x1b is not a hexadecimal digit"
}

@test "check key-url takes an empty value: the key shipped with the package" {
	run "$AS" check key-url ""
	assert_success
	assert_output ""
}

@test "check key-url refuses a scheme other than http, https or file" {
	run "$AS" check key-url mirror://h/key
	assert_failure 1
	assert_output "scheme 'mirror' is not one of http, https, file"
}

@test "check fingerprint prints it upper case without spaces or 0x" {
	run "$AS" check fingerprint "0x6f1d f85e 3a71 c249 18e7 27d5 6fc6 d554 e32b d943"
	assert_success
	assert_output 6F1DF85E3A71C24918E727D56FC6D554E32BD943
}

@test "check fingerprint refuses the wrong number of digits" {
	run "$AS" check fingerprint 1234
	assert_failure 1
	assert_output "it has 4 hexadecimal digits, not 40 or 64"
}

@test "check suite takes the names and real dates" {
	local s
	for s in release nightly master 20240229; do
		run "$AS" check suite "$s"
		assert_success
		assert_output "$s"
	done
}

@test "check suite refuses anything else, saying what a suite is" {
	run "$AS" check suite stable
	assert_failure 1
	assert_output "it is not release, nightly, master or a date yyyymmdd"
	run "$AS" check suite 20230229
	assert_failure 1
	assert_output "it is not a date yyyymmdd from 2018 on"
}

@test "check takes a value that starts with a dash after --" {
	run "$AS" check suite -- -x
	assert_failure 1
	assert_output "it is not release, nightly, master or a date yyyymmdd"
}

@test "check with an unknown kind is a usage error" {
	run "$AS" check colour blue
	assert_failure 2
	assert_line --index 0 "hersh-apt-source: check: not a kind (uri, key-url, fingerprint, suite): 'colour'"
}

@test "check without a value is a usage error" {
	run "$AS" check uri
	assert_failure 2
	assert_line --index 0 "hersh-apt-source: check wants two arguments: KIND VALUE"
}

@test "check runs as a user who cannot write anything here" {
	require_root
	chmod 755 "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR/apt"
	run runuser -u nobody -- env APT_CONFIG="$APT_CONFIG" "$AS" check uri https://h/p
	assert_success
	assert_output https://h/p
}

@test "check takes no lock: it answers while another run holds it" {
	mkdir -p "$ROOT/var/lib/hersh-gvisor"
	run flock "$ROOT/var/lib/hersh-gvisor/.apt-source.hersh-lock" \
		timeout 5 "$AS" check suite release
	assert_success
	assert_output release
}

@test "check uri keeps the slash of a file: URI of the root directory" {
	run "$HERSH_BIN_DIR/hersh-apt-source" check uri file:///
	assert_success
	assert_output file:///
}
