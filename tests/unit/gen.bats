#!/usr/bin/env bats
# The build's generators: the upstream facts (src/upstream.facts) for C,
# shell and the debconf templates, and the check that the shipped gVisor key
# is the key of the pinned fingerprint, public material only.  Any user.

load ../lib/common

FACTS_GEN=$HERSH_SRC/src/gen/facts
CHECK_KEY=$HERSH_SRC/src/gen/check-key
KEY=$HERSH_SRC/src/keys/gvisor-archive.key

fpr() {
	sed -n 's/^FINGERPRINT=//p' "$HERSH_SRC/src/upstream.facts"
}

@test "the shipped key is the key of the pinned fingerprint" {
	require_cmd gpg
	run "$CHECK_KEY" "$KEY" "$(fpr)"
	assert_success
}

@test "a shipped key of another fingerprint fails the build, naming the file and both keys" {
	require_cmd gpg
	run "$CHECK_KEY" "$KEY" 0000000000000000000000000000000000000000
	assert_failure
	assert_output --partial "$KEY: holds $(fpr)"
	assert_output --partial "not exactly the key 0000000000000000000000000000000000000000"
}

@test "a shipped key file holding two keys fails the build" {
	require_cmd gpg gpg-agent
	local home=$BATS_TEST_TMPDIR/gnupg two=$BATS_TEST_TMPDIR/two.asc
	mkdir -m 0700 "$home"
	gpg --homedir "$home" --batch --passphrase '' --quick-gen-key other@example.invalid ed25519 sign never 2>/dev/null
	{ cat "$KEY"; gpg --homedir "$home" --batch --armor --export other@example.invalid; } >"$two"
	run "$CHECK_KEY" "$two" "$(fpr)"
	assert_failure
}

@test "a shipped key file with secret key material fails the build" {
	require_cmd gpg gpg-agent
	local home=$BATS_TEST_TMPDIR/gnupg sec=$BATS_TEST_TMPDIR/sec.asc f
	mkdir -m 0700 "$home"
	gpg --homedir "$home" --batch --passphrase '' --quick-gen-key other@example.invalid ed25519 sign never 2>/dev/null
	f=$(gpg --homedir "$home" --batch --with-colons --list-keys other@example.invalid | awk -F: '$1 == "fpr" { print $10; exit }')
	gpg --homedir "$home" --batch --pinentry-mode loopback --passphrase '' --armor --export-secret-keys "$f" >"$sec"
	run "$CHECK_KEY" "$sec" "$f"
	assert_failure
	assert_output --partial "secret key material"
}

@test "the facts come out the same in C, shell and the templates' substitutions" {
	run "$FACTS_GEN" c "$HERSH_SRC/src/upstream.facts"
	assert_success
	assert_line "#define HG_FACT_FINGERPRINT \"$(fpr)\""
	run "$FACTS_GEN" sh "$HERSH_SRC/src/upstream.facts"
	assert_line "HG_FACT_FINGERPRINT='$(fpr)'"
	run "$FACTS_GEN" sed "$HERSH_SRC/src/upstream.facts"
	assert_line "s/@FINGERPRINT@/$(fpr)/g"
}

@test "a facts line that is not NAME=VALUE with a plain value is refused, naming the file and the line" {
	printf 'URI=https://example.invalid/x y\n' >"$BATS_TEST_TMPDIR/bad.facts"
	run "$FACTS_GEN" sh "$BATS_TEST_TMPDIR/bad.facts"
	assert_failure
	assert_output --partial "$BATS_TEST_TMPDIR/bad.facts: not NAME=VALUE with a plain value: URI=https://example.invalid/x y"
	printf 'URI=a\nURI=b\n' >"$BATS_TEST_TMPDIR/twice.facts"
	run "$FACTS_GEN" sh "$BATS_TEST_TMPDIR/twice.facts"
	assert_failure
	assert_output --partial "URI given twice"
}

@test "no C, shell or check source spells an upstream fact: they read the generated ones" {
	local v
	for v in "$(fpr)" "$(sed -n 's/^URI=//p' "$HERSH_SRC/src/upstream.facts")" \
		"$(sed -n 's/^KEY_URL=//p' "$HERSH_SRC/src/upstream.facts")"; do
		run grep -rlF -- "$v" "$HERSH_SRC/src/lib" "$HERSH_SRC/src/daemon-json" "$HERSH_SRC/src/apt-source" \
			"$HERSH_SRC/src/shell" "$HERSH_SRC/src/check" "$HERSH_SRC/debian/hersh-gvisor.config" \
			"$HERSH_SRC/debian/hersh-gvisor.postinst" "$HERSH_SRC/debian/hersh-gvisor.prerm" \
			"$HERSH_SRC/debian/hersh-gvisor.postrm" "$HERSH_SRC/debian/hersh-gvisor.templates.in"
		assert_output ""
	done
}
