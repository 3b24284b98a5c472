#!/usr/bin/env bats
# hersh-apt-source show: every gVisor source, in a private APT root.

load ../lib/common
load ../lib/aptrepo

setup_file() {
	aptsrc_setup_file
}

teardown_file() {
	aptsrc_teardown_file
}

setup() {
	aptsrc_setup
}

# The lines after the keyring's when there is no pin and no settings file,
# with the settings of has().
no_pin() {
	printf 'pin\t%s\tmissing\t-\n' "$ROOT/etc/apt/preferences.d/hersh-gvisor"
	printf 'conf\t%s\tmissing\n' "$ROOT/etc/apt/apt.conf.d/50hersh-gvisor"
	printf 'setting\tURI\t%s\n' "$MIRROR_URL/repo"
	printf 'setting\tKey-URL\t%s\n' "$MIRROR_URL/key.asc"
	printf 'setting\tFingerprint\t%s' "$MIRROR_FPR"
}

@test "show with no gVisor source exits 3 and prints the keyring, pin, conf and setting lines" {
	fixture unrelated.sources
	run has show
	assert_failure 3
	assert_output "$(printf 'keyring\t%s\tmissing\t-\t-\n%s' "$KEYRING" "$(no_pin)")"
}

@test "show lists a one-line upstream source in a file of any name" {
	fixture upstream-oneline.list zz-my-runtimes.list
	run has show
	assert_success
	assert_line "$(printf 'source\t%s\tone-line\thttps://storage.googleapis.com/gvisor/releases\trelease\t/usr/share/keyrings/gvisor-archive-keyring.gpg\t-' "$PARTS/zz-my-runtimes.list")"
}

@test "show lists a deb822 source with its suites comma-separated" {
	fixture upstream-deb822.sources
	run has show
	assert_success
	assert_line "$(printf 'source\t%s\tdeb822\thttps://storage.googleapis.com/gvisor/releases\trelease,nightly\t/etc/apt/keyrings/gvisor.gpg\t-' "$PARTS/upstream-deb822.sources")"
}

@test "show prints - for a source without Signed-By" {
	fixture upstream-nosignedby.list
	fixture upstream-deb822-nosignedby.sources
	run has show
	assert_success
	assert_line "$(printf 'source\t%s\tone-line\thttp://storage.googleapis.com/gvisor/releases\tmaster\t-\t-' "$PARTS/upstream-nosignedby.list")"
	assert_line "$(printf 'source\t%s\tdeb822\thttps://storage.googleapis.com/gvisor/releases\t20240212\t-\t-' "$PARTS/upstream-deb822-nosignedby.sources")"
}

@test "show finds a source in the main sources.list" {
	cp "$FIXTURES/apt-source/upstream-nosignedby.list" "$ROOT/etc/apt/sources.list"
	run has show
	assert_success
	assert_line --partial "$(printf 'source\t%s\tone-line\t' "$ROOT/etc/apt/sources.list")"
}

@test "show finds a source at the configured repository URI" {
	fixture mirror-deb822.sources.in
	run has show
	assert_success
	assert_line "$(printf 'source\t%s\tdeb822\t%s\trelease\t/etc/apt/keyrings/other.gpg\t-' "$PARTS/mirror-deb822.sources" "$MIRROR_URL/repo")"
}

@test "show ignores other repositories" {
	fixture unrelated.sources
	fixture upstream-oneline.list
	run has show
	assert_success
	refute_output --partial "example.invalid"
	assert_equal "$(grep -c '^source' <<<"$output")" 1
}

@test "show reports the keyring ok once install-key has run" {
	has -q install-key
	run has show
	assert_failure 3
	assert_output "$(printf 'keyring\t%s\tok\t%s\tnever\n%s' "$KEYRING" "$MIRROR_FPR" "$(no_pin)")"
}

@test "show reports a keyring holding another key as a mismatch" {
	cp "$OTHER/key.gpg" "$KEYRING"
	run has show
	assert_failure 3
	assert_output "$(printf 'keyring\t%s\tmismatch\t%s\t-\n%s' "$KEYRING" "$OTHER_FPR" "$(no_pin)")"
}

@test "show reports a keyring holding the gVisor key expired as expired" {
	aptsrc_keyring_of expired
	run has --fingerprint "$FPR" show
	assert_failure 3
	# made on 2020-01-01, valid for a day
	assert_line "$(printf 'keyring\t%s\texpired\t%s\t%s' "$KEYRING" "$FPR" "$(date -u -d 2020-01-02 +%s)")"
}

@test "show reports a keyring holding the gVisor key revoked as revoked" {
	aptsrc_keyring_of revoked
	run has --fingerprint "$FPR" show
	assert_failure 3
	assert_line "$(printf 'keyring\t%s\trevoked\t%s\tnever' "$KEYRING" "$FPR")"
}

@test "show counts primary keys only: the gVisor key with a subkey is ok" {
	aptrepo_key_variant "$MIRROR" "$KEYRING" --quick-add-key "$MIRROR_FPR" cv25519 encr never
	assert_equal "$(keyring_subkeys "$KEYRING" | wc -l)" 1
	run has show
	assert_line "$(printf 'keyring\t%s\tok\t%s\tnever' "$KEYRING" "$MIRROR_FPR")"
}

@test "show reports a keyring holding the gVisor key and a key riding on it as a mismatch" {
	local a
	a=$(aptrepo_key_rider "$BATS_TEST_TMPDIR/rider" "$MIRROR")
	cp "$BATS_TEST_TMPDIR/rider/bundle.gpg" "$KEYRING"
	run has show
	assert_line "$(printf 'keyring\t%s\tmismatch\t%s,%s\t-' "$KEYRING" "$MIRROR_FPR" "$a")"
}

@test "show fails naming the file when a source file is malformed" {
	fixture broken.list
	run has show
	assert_failure 1
	assert_output --partial "$PARTS/broken.list"
}

@test "show honours -o Dir without APT_CONFIG" {
	fixture upstream-oneline.list
	run env -u APT_CONFIG "$HERSH_BIN_DIR/hersh-apt-source" -o Dir="$ROOT/" -o Dir::Etc::parts="$ROOT/etc/apt/apt.conf.d" show
	assert_success
	assert_line --partial "$PARTS/upstream-oneline.list"
}

@test "show honours Dir::Etc::sourceparts" {
	mkdir -p "$ROOT/etc/apt/elsewhere"
	cp "$FIXTURES/apt-source/upstream-oneline.list" "$ROOT/etc/apt/elsewhere/g.list"
	run has -o Dir::Etc::sourceparts=elsewhere show
	assert_success
	assert_line --partial "$ROOT/etc/apt/elsewhere/g.list"
}

@test "show honours Hersh-Gvisor::URI from APT's configuration" {
	fixture mirror-oneline.list.in
	echo "Hersh-Gvisor::URI \"$MIRROR_URL/repo/\";" >"$ROOT/etc/apt/apt.conf.d/50gvisor"
	run "$HERSH_BIN_DIR/hersh-apt-source" show
	assert_success
	assert_line --partial "$(printf '\tone-line\t%s\trelease\t' "$MIRROR_URL/repo")"
}

@test "show warns when two files give the same repository different Signed-By" {
	fixture mirror-oneline.list.in a.list
	sed "s|@URI@|$MIRROR_URL/repo|; s|other.gpg|third.gpg|" "$FIXTURES/apt-source/mirror-oneline.list.in" >"$PARTS/b.list"
	run has show
	assert_success
	assert_output --partial "warning: apt cannot use the sources: Conflicting values set for option Signed-By"
	assert_line --partial "$PARTS/a.list"
	assert_line --partial "$PARTS/b.list"
}

@test "show marks the source add created as ours" {
	has -q install-key
	has -q add --no-pin
	run has show
	assert_success
	assert_line --regexp "^source	$PARTS/gvisor\\.list	one-line	.*	ours\$"
}
