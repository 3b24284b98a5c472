#!/usr/bin/env bats
# hersh-apt-source: what it accepts as a repository URI, key URL,
# fingerprint and suite.  A value given as an option that breaks the rule
# is a usage error (exit 2) naming the option and the offending part; the
# same value from APT's configuration is an error naming the setting.

load ../lib/common
load ../lib/aptrepo

setup() {
	aptsrc_setup
	AS=$HERSH_BIN_DIR/hersh-apt-source
}

@test "a repository URI with '#' is a usage error naming the character" {
	run "$AS" --uri 'https://mirror.example.invalid/gvisor#x' show
	assert_failure 2
	assert_output --partial "hersh-apt-source: --uri 'https://mirror.example.invalid/gvisor#x': it contains '#', which apt cannot read in a sources line"
}

@test "every character apt's sources parser trips on is refused in a repository URI" {
	local c
	for c in '#' '[' ']' '"' '\' "'" '<' '>' '{' '}' '|' '^' '`'; do
		run "$AS" --uri "https://mirror.example.invalid/a${c}b" show
		assert_failure 2
		assert_output --partial "contains '$c'"
	done
}

@test "a repository URI with a space is a usage error" {
	run "$AS" --uri 'https://mirror.example.invalid/a b' show
	assert_failure 2
	assert_output --partial "it contains a space"
}

@test "a repository URI with a control or non-ASCII byte is a usage error naming the byte" {
	run "$AS" --uri "$(printf 'https://mirror.example.invalid/a\tb')" show
	assert_failure 2
	assert_output --partial "it contains the byte 0x09"
	run "$AS" --uri "$(printf 'https://mirror.example.invalid/\303\251')" show
	assert_failure 2
	assert_output --partial "it contains the byte 0xc3"
}

@test "a repository URI without a scheme is a usage error" {
	run "$AS" --uri storage.example.invalid/gvisor show
	assert_failure 2
	assert_output --partial "it is not a URI of the form SCHEME://"
}

@test "a repository URI with a scheme apt has no method for here is a usage error naming the scheme" {
	run "$AS" --uri ftp://mirror.example.invalid/gvisor show
	assert_failure 2
	assert_output --partial "scheme 'ftp' is not one of http, https, file, copy, mirror, mirror+http, mirror+https, mirror+file, tor+http, tor+https"
}

@test "a network repository URI without a host is a usage error" {
	run "$AS" --uri https:///gvisor show
	assert_failure 2
	assert_output --partial "there is no host after 'https://'"
	run "$AS" --uri mirror+http:// show
	assert_failure 2
}

@test "every repository URI form of the rule is accepted" {
	local u
	for u in http://h/p https://h/p file:///srv/repo copy:///srv/repo mirror://h/list \
		mirror+http://h/list mirror+https://h/list mirror+file:///srv/list \
		tor+http://h/p tor+https://h/p 'https://user@h:8443/a/b?x=1&y=%20;z~'; do
		run "$AS" --uri "$u" show
		assert_failure 3
	done
}

@test "a key URL with a scheme other than http, https or file is a usage error" {
	run "$AS" --key-url mirror://mirror.example.invalid/key install-key
	assert_failure 2
	assert_output --partial "--key-url 'mirror://mirror.example.invalid/key': scheme 'mirror' is not one of http, https, file"
}

@test "a key URL with a character apt cannot parse is a usage error" {
	run "$AS" --key-url 'https://gvisor.example.invalid/archive.key#x' install-key
	assert_failure 2
	assert_output --partial "it contains '#'"
}

@test "a key URL in APT's configuration that breaks the rule is refused by install-key, naming the setting" {
	echo 'Hersh-Gvisor::Key-URL "ftp://gvisor.example.invalid/archive.key";' >"$ROOT/etc/apt/apt.conf.d/50gvisor"
	run "$AS" install-key
	assert_failure 1
	assert_output --partial "Hersh-Gvisor::Key-URL 'ftp://gvisor.example.invalid/archive.key': scheme 'ftp'"
	assert_file_not_exists "$KEYRING"
}

@test "remove works whatever the URI and key settings say" {
	echo 'Hersh-Gvisor::URI "https://x/#"; Hersh-Gvisor::Fingerprint "nothex";' >"$ROOT/etc/apt/apt.conf.d/50gvisor"
	run "$AS" remove
	assert_success
}

@test "--from a relative path is a usage error" {
	run "$AS" install-key --from key.asc
	assert_failure 2
	assert_output --partial "--from 'key.asc': it is not an absolute path, nor a http, https or file URL"
}

@test "a fingerprint with spaces, a 0x prefix and lower case is accepted" {
	run "$AS" --fingerprint "0x6f1d f85e 3a71 c249 18e7 27d5 6fc6 d554 e32b d943" show
	assert_failure 3
	assert_output --partial "missing"
}

@test "a 64-digit fingerprint is accepted" {
	run "$AS" --fingerprint "$(printf 'A%.0s' $(seq 64))" show
	assert_failure 3
}

@test "a fingerprint of the wrong length is a usage error counting the digits" {
	run "$AS" --fingerprint 6F1DF85E3A71C24918E727D56FC6D554E32BD94 show
	assert_failure 2
	assert_output --partial "--fingerprint '6F1DF85E3A71C24918E727D56FC6D554E32BD94': it has 39 hexadecimal digits, not 40 or 64"
}

@test "a fingerprint with a character that is not hex is a usage error naming it" {
	run "$AS" --fingerprint 6F1DF85E3A71C24918E727D56FC6D554E32BD94G show
	assert_failure 2
	assert_output --partial "'G' is not a hexadecimal digit"
}

@test "a malformed fingerprint in APT's configuration is an error naming the setting and the fault" {
	echo 'Hersh-Gvisor::Fingerprint "1234";' >"$ROOT/etc/apt/apt.conf.d/50gvisor"
	run "$AS" show
	assert_failure 1
	assert_output --partial "Hersh-Gvisor::Fingerprint '1234': not a key fingerprint: it has 4 hexadecimal digits, not 40 or 64"
}

@test "a suite that is a real date from 2018 on is accepted, leap days included" {
	local s
	for s in 20180101 20240229 20991231; do
		run "$AS" -q add --suite "$s"
		assert_failure 1	# no key: an error, not a usage error
	done
}

@test "a suite that is not a real date is a usage error" {
	local s
	for s in 20230229 21000229 20240431 20241301 20240100 20241232; do
		run "$AS" add --suite "$s"
		assert_failure 2
		assert_output --partial "--suite '$s': it is not a date yyyymmdd from 2018 on"
	done
}

@test "a date suite before 2018 is a usage error" {
	run "$AS" add --suite 20171231
	assert_failure 2
	assert_output --partial "not a date yyyymmdd from 2018 on"
}

@test "a suite that is neither a name nor a date is a usage error" {
	run "$AS" add --suite stable
	assert_failure 2
	assert_output --partial "--suite 'stable': it is not release, nightly, master or a date yyyymmdd"
}

@test "Hersh-Gvisor::Key-Timeout must be a number of seconds" {
	run "$AS" -o Hersh-Gvisor::Key-Timeout=soon install-key
	assert_failure 1
	assert_output --partial "Hersh-Gvisor::Key-Timeout 'soon': it is not a whole number of seconds from 1 to 86400"
}
