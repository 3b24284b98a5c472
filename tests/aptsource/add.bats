#!/usr/bin/env bats
# hersh-apt-source add, in a private APT root.

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

# The files in sources.list.d, one a line.
parts() {
	ls -1 "$PARTS"
}

@test "add without the key is refused and writes nothing" {
	run has add
	assert_failure 1
	assert_output --partial "$KEYRING"
	assert_output --partial "install-key"
	assert_equal "$(parts)" ""
	assert_file_not_exists "$STATE"
}

@test "add with a keyring holding another key is refused and writes nothing" {
	cp "$OTHER/key.gpg" "$KEYRING"
	run has add
	assert_failure 1
	assert_output --partial "$OTHER_FPR"
	assert_equal "$(parts)" ""
}

@test "add with a keyring holding the gVisor key expired is refused, saying so" {
	aptsrc_keyring_of expired
	run has --fingerprint "$FPR" add
	assert_failure 1
	assert_output --partial "$KEYRING: holds the gVisor key $FPR, expired (since 2020-01-02)"
	assert_equal "$(parts)" ""
}

@test "add with a keyring holding the gVisor key revoked is refused, saying so" {
	aptsrc_keyring_of revoked
	run has --fingerprint "$FPR" add
	assert_failure 1
	assert_output --partial "$KEYRING: holds the gVisor key $FPR, revoked"
	assert_equal "$(parts)" ""
}

@test "add writes upstream's install-guide line into gvisor.list, mode 0644" {
	has -q install-key
	run has add
	assert_success
	assert_line "$PARTS/gvisor.list: added the gVisor source $MIRROR_URL/repo, suite release"
	assert_equal "$(cat "$PARTS/gvisor.list")" \
		"deb [arch=$(dpkg --print-architecture) signed-by=/usr/share/keyrings/gvisor-archive-keyring.gpg] $MIRROR_URL/repo release main"
	assert_equal "$(stat -c %a "$PARTS/gvisor.list")" 644
}

@test "add writes the upstream repository URI by default" {
	cp "$MIRROR/key.gpg" "$KEYRING"
	run "$HERSH_BIN_DIR/hersh-apt-source" --fingerprint "$MIRROR_FPR" add
	assert_success
	assert_equal "$(cat "$PARTS/gvisor.list")" \
		"deb [arch=$(dpkg --print-architecture) signed-by=/usr/share/keyrings/gvisor-archive-keyring.gpg] https://storage.googleapis.com/gvisor/releases release main"
}

@test "add --suite nightly writes that suite" {
	has -q install-key
	run has add --suite nightly
	assert_success
	assert_file_contains "$PARTS/gvisor.list" ' nightly main$'
}

@test "add takes the architecture from APT::Architecture" {
	has -q install-key
	run has -o APT::Architecture=arm64 add
	assert_success
	assert_file_contains "$PARTS/gvisor.list" '^deb \[arch=arm64 '
}

@test "add records gvisor.list in the state file in sha256sum format" {
	has -q install-key
	has -q add
	assert_file_exists "$STATE"
	run grep -F "  /etc/apt/sources.list.d/gvisor.list" "$STATE"
	assert_success
	assert_equal "${output%% *}" "$(sha256sum <"$PARTS/gvisor.list" | cut -d' ' -f1)"
}

@test "add twice leaves one source" {
	has -q install-key
	has -q add
	run has add
	assert_success
	assert_output --partial "$PARTS/gvisor.list: gVisor source already configured"
	assert_equal "$(parts)" "gvisor.list"
}

@test "add adds nothing when a one-line source with Signed-By exists under another name" {
	has -q install-key
	fixture upstream-oneline.list my-gvisor.list
	run has add
	assert_success
	assert_output --partial "$PARTS/my-gvisor.list: gVisor source already configured (suites release); nothing added"
	assert_equal "$(parts)" "my-gvisor.list"
}

@test "add adds nothing when a one-line source without Signed-By exists" {
	has -q install-key
	fixture upstream-nosignedby.list
	run has add
	assert_success
	assert_output --partial "$PARTS/upstream-nosignedby.list"
	assert_equal "$(parts)" "upstream-nosignedby.list"
}

@test "add adds nothing when a deb822 source with Signed-By exists" {
	has -q install-key
	fixture upstream-deb822.sources
	run has add
	assert_success
	assert_output --partial "$PARTS/upstream-deb822.sources"
	assert_equal "$(parts)" "upstream-deb822.sources"
}

@test "add adds nothing when a deb822 source without Signed-By exists" {
	has -q install-key
	fixture upstream-deb822-nosignedby.sources
	run has add
	assert_success
	assert_equal "$(parts)" "upstream-deb822-nosignedby.sources"
}

@test "add adds nothing when the source is in the main sources.list" {
	has -q install-key
	cp "$FIXTURES/apt-source/upstream-oneline.list" "$ROOT/etc/apt/sources.list"
	run has add
	assert_success
	assert_output --partial "$ROOT/etc/apt/sources.list"
	assert_equal "$(parts)" ""
}

@test "add adds nothing when the configured mirror is already a source" {
	has -q install-key
	fixture mirror-deb822.sources.in
	run has add
	assert_success
	assert_equal "$(parts)" "mirror-deb822.sources"
}

@test "add adds nothing even without a key when a source exists" {
	fixture upstream-deb822.sources
	run has add
	assert_success
	assert_equal "$(parts)" "upstream-deb822.sources"
	assert_file_not_exists "$KEYRING"
}

@test "add never leaves two entries with different Signed-By" {
	has -q install-key
	fixture mirror-oneline.list.in
	has -q add
	# apt refuses sources with conflicting Signed-By; these parse
	run apt-get -o Debug::NoLocking=1 -qq indextargets
	assert_success
	refute_output --partial "Conflicting"
	assert_equal "$(parts)" "mirror-oneline.list"
}

@test "add refuses to overwrite a gvisor.list that holds no gVisor source" {
	has -q install-key
	fixture unrelated.sources
	printf '# deb https://storage.googleapis.com/gvisor/releases release main # disabled on upgrade\n' >"$PARTS/gvisor.list"
	run has add
	assert_failure 1
	assert_output --partial "$PARTS/gvisor.list: exists but holds no gVisor source"
	assert_file_contains "$PARTS/gvisor.list" "disabled on upgrade"
}

@test "add fails naming the file when a source file is malformed, and writes nothing" {
	has -q install-key
	fixture broken.list
	run has add
	assert_failure 1
	assert_output --partial "$PARTS/broken.list"
	assert_file_not_exists "$PARTS/gvisor.list"
}

@test "add honours Dir::Etc::sourceparts" {
	has -q install-key
	mkdir -p "$ROOT/etc/apt/parts"
	run has -o Dir::Etc::sourceparts=parts add
	assert_success
	assert_file_exists "$ROOT/etc/apt/parts/gvisor.list"
	assert_equal "$(parts)" ""
	run grep -F "  /etc/apt/parts/gvisor.list" "$STATE"
	assert_success
}

@test "add refuses a repository URI set in APT's configuration that apt cannot parse, writing nothing" {
	has -q install-key
	echo 'Hersh-Gvisor::URI "https://mirror.example.invalid/gvisor#old";' >"$ROOT/etc/apt/apt.conf.d/50gvisor"
	run "$HERSH_BIN_DIR/hersh-apt-source" --fingerprint "$MIRROR_FPR" add
	assert_failure 1
	assert_output --partial "Hersh-Gvisor::URI 'https://mirror.example.invalid/gvisor#old': it contains '#'"
	assert_equal "$(parts)" ""
	assert_file_not_exists "$ROOT/etc/apt/preferences.d/hersh-gvisor"
}

@test "add refuses a URI whose scheme apt has no method for, naming the method" {
	has -q install-key
	mkdir "$BATS_TEST_TMPDIR/methods"
	ln -s /usr/lib/apt/methods/http "$BATS_TEST_TMPDIR/methods/http"
	run has -o Dir::Bin::Methods="$BATS_TEST_TMPDIR/methods" --uri https://mirror.example.invalid/gvisor add
	assert_failure 1
	assert_output --partial "--uri 'https://mirror.example.invalid/gvisor': apt has no method for it on this system ($BATS_TEST_TMPDIR/methods/https:"
	assert_equal "$(parts)" ""
}

@test "add refuses mirror+https when apt has mirror+https but no mirror method" {
	has -q install-key
	mkdir "$BATS_TEST_TMPDIR/methods"
	ln -s /usr/lib/apt/methods/mirror "$BATS_TEST_TMPDIR/methods/mirror+https"
	run has -o Dir::Bin::Methods="$BATS_TEST_TMPDIR/methods" --uri mirror+https://mirror.example.invalid/list add
	assert_failure 1
	assert_output --partial "($BATS_TEST_TMPDIR/methods/mirror:"
	assert_equal "$(parts)" ""
}

@test "add with -q prints nothing" {
	has -q install-key
	run has -q add
	assert_success
	assert_output ""
}

@test "the added source passes apt-get update against the signed mirror" {
	has -q install-key
	has -q add
	# In a private root Signed-By paths are not under Dir: point apt at the keyring there.
	sed -i "s|signed-by=/usr|signed-by=$ROOT/usr|" "$PARTS/gvisor.list"
	run apt-get -o APT::Sandbox::User=root update
	assert_success
	refute_line --regexp '^(W|E):'
	# the pin holds the repository's package back, but apt knows it
	run apt-cache policy hersh-test-dummy
	assert_line --regexp "^ +-1 $MIRROR_URL/repo release/main "
}

@test "add honours -o Dir without APT_CONFIG" {
	has -q install-key
	run env -u APT_CONFIG "$HERSH_BIN_DIR/hersh-apt-source" --uri "$MIRROR_URL/repo" \
		--fingerprint "$MIRROR_FPR" -o Dir="$ROOT/" -o Dir::Etc::parts="$ROOT/etc/apt/apt.conf.d" add
	assert_success
	assert_file_exists "$PARTS/gvisor.list"
	assert_file_contains "$STATE" "  /etc/apt/sources.list.d/gvisor.list$"
}
