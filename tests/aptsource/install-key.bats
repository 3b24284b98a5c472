#!/usr/bin/env bats
# hersh-apt-source install-key, in a private APT root.

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

@test "install-key downloads the key and writes it binary, alone, mode 0644" {
	run has install-key
	assert_success
	assert_output "$KEYRING: installed the gVisor key $MIRROR_FPR"
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
	assert_equal "$(stat -c %a "$KEYRING")" 644
	# binary, not armored
	run grep -c 'BEGIN PGP' "$KEYRING"
	assert_output 0
}

@test "install-key --from reads an armored key file" {
	run has install-key --from "$MIRROR/key.asc"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

@test "install-key --from reads a binary key file" {
	run has install-key --from "$MIRROR/key.gpg"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

@test "install-key reads a file: URL" {
	run has install-key --from "file://$MIRROR/key.asc"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

@test "install-key --from follows a symlink to the key file" {
	ln -s "$MIRROR/key.asc" "$BATS_TEST_TMPDIR/link.asc"
	run has install-key --from "$BATS_TEST_TMPDIR/link.asc"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

@test "install-key writes only the expected key from a file holding two" {
	cat "$OTHER/key.gpg" "$MIRROR/key.gpg" >"$BATS_TEST_TMPDIR/both.gpg"
	run has install-key --from "$BATS_TEST_TMPDIR/both.gpg"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

@test "install-key refuses a key with another fingerprint and writes nothing" {
	run has install-key --from "$OTHER/key.asc"
	assert_failure 1
	assert_output --partial "$OTHER/key.asc: key $OTHER_FPR is not the gVisor key $MIRROR_FPR; nothing written"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "install-key refuses the default fingerprint for a test key" {
	run "$HERSH_BIN_DIR/hersh-apt-source" --key-url "$MIRROR_URL/key.asc" -o Acquire::Retries=0 install-key
	assert_failure 1
	assert_output --partial "6F1DF85E3A71C24918E727D56FC6D554E32BD943"
	assert_file_not_exists "$KEYRING"
}

@test "install-key leaves nothing when the download fails" {
	run has install-key --from http://127.0.0.1:1/key.asc
	assert_failure 1
	assert_output --partial "http://127.0.0.1:1/key.asc"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$STATE"
	run ls -A "$ROOT/usr/share/keyrings"
	assert_output ""
}

@test "install-key leaves nothing when the key URL is not found" {
	run has install-key --from "$MIRROR_URL/no-such.key"
	assert_failure 1
	assert_output --partial "$MIRROR_URL/no-such.key"
	assert_file_not_exists "$KEYRING"
}

@test "install-key downloads through Acquire::http::Proxy" {
	# an unreachable proxy makes the download fail: the setting is honoured
	run has -o Acquire::http::Proxy=http://127.0.0.1:1/ install-key
	assert_failure 1
	assert_output --partial "127.0.0.1:1"
	assert_file_not_exists "$KEYRING"
}

@test "install-key refuses a file that holds no key" {
	run has install-key --from "$FIXTURES/apt-source/unrelated.sources"
	assert_failure 1
	assert_output "hersh-apt-source: $FIXTURES/apt-source/unrelated.sources: holds no OpenPGP data (neither packets nor ASCII armor); nothing written"
	assert_file_not_exists "$KEYRING"
}

@test "install-key names a missing key file" {
	run has install-key --from "$BATS_TEST_TMPDIR/absent.asc"
	assert_failure 1
	assert_output "hersh-apt-source: $BATS_TEST_TMPDIR/absent.asc: No such file or directory"
}

@test "install-key again leaves the keyring untouched" {
	has -q install-key
	before=$(stat -c '%i %Y' "$KEYRING")
	run has install-key
	assert_success
	assert_output --partial "already holds the gVisor key"
	assert_equal "$(stat -c '%i %Y' "$KEYRING")" "$before"
}

@test "install-key records the keyring it created" {
	has -q install-key
	run cat "$STATE"
	assert_output "$(sha256sum <"$KEYRING" | cut -d' ' -f1)  /usr/share/keyrings/gvisor-archive-keyring.gpg"
}

@test "install-key never overwrites a keyring it did not create: it names the file, what it holds and what to do" {
	cp "$OTHER/key.gpg" "$KEYRING"
	run has install-key
	assert_failure 1
	assert_output "hersh-apt-source: $KEYRING: not created by hersh-apt-source and holds key $OTHER_FPR, not the gVisor key $MIRROR_FPR; not overwriting it: move it away, then run 'hersh-apt-source install-key' again"
	cmp "$OTHER/key.gpg" "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "install-key leaves a keyring it did not create that holds the gVisor key, and succeeds" {
	cp "$MIRROR/key.gpg" "$KEYRING"
	chmod 600 "$KEYRING"
	before=$(stat -c '%i %Y %a' "$KEYRING")
	run has install-key
	assert_success
	assert_output "$KEYRING: already holds the gVisor key $MIRROR_FPR; not created by hersh-apt-source, left as it is"
	assert_equal "$(stat -c '%i %Y %a' "$KEYRING")" "$before"
	assert_file_not_exists "$STATE"
}

@test "install-key never overwrites a keyring it created that was changed since" {
	has -q install-key
	cat "$OTHER/key.gpg" >>"$KEYRING"
	run has install-key
	assert_failure 1
	assert_output --partial "$KEYRING: changed since hersh-apt-source wrote it and holds 2 keys ("
	assert_output --partial "move it away, then run 'hersh-apt-source install-key' again"
}

@test "install-key refuses a keyring it did not create that holds no key" {
	echo "not a key" >"$KEYRING"
	run has install-key
	assert_failure 1
	assert_output --partial "$KEYRING: not created by hersh-apt-source and holds no OpenPGP data"
	assert_equal "$(cat "$KEYRING")" "not a key"
}

@test "install-key replaces the keyring it created when the key itself changed" {
	has -q install-key
	before=$(sha256sum <"$KEYRING")
	# the same key with one more user ID: new bytes, same fingerprint
	aptrepo_key_variant "$MIRROR" "$BATS_TEST_TMPDIR/new.gpg" \
		--quick-add-uid "$MIRROR_FPR" "second <second@hersh-gvisor.invalid>"
	run has install-key --from "$BATS_TEST_TMPDIR/new.gpg"
	assert_success
	assert_output "$KEYRING: installed the gVisor key $MIRROR_FPR"
	cmp "$BATS_TEST_TMPDIR/new.gpg" "$KEYRING"
	assert_not_equal "$(sha256sum <"$KEYRING")" "$before"
	assert_file_contains "$STATE" "^$(sha256sum <"$KEYRING" | cut -d' ' -f1)  /usr/share/keyrings/"
}

@test "install-key honours Hersh-Gvisor::Keyring under Dir" {
	run has -o Hersh-Gvisor::Keyring=/etc/apt/keyrings/gvisor.gpg install-key
	assert_success
	assert_file_exists "$ROOT/etc/apt/keyrings/gvisor.gpg"
	assert_file_not_exists "$KEYRING"
}

@test "install-key honours Hersh-Gvisor::Key-URL and ::Fingerprint from APT's configuration" {
	cat >"$ROOT/etc/apt/apt.conf.d/50gvisor" <<-CONF
		Hersh-Gvisor::Key-URL "$MIRROR_URL/key.asc";
		Hersh-Gvisor::Fingerprint "$MIRROR_FPR";
	CONF
	run "$HERSH_BIN_DIR/hersh-apt-source" install-key
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

# --- the key shipped with the package --------------------------------------

# A fact of src/upstream.facts.
fact() {
	sed -n "s/^$1=//p" "$HERSH_SRC/src/upstream.facts"
}

# hersh-apt-source with the tree's copy of the shipped key, the default
# repository, key URL and fingerprint.
shipped() {
	"$HERSH_BIN_DIR/hersh-apt-source" -o Hersh-Gvisor::Shipped-Key="$HERSH_SRC/src/keys/gvisor-archive.key" "$@"
}

@test "install-key with the default settings installs the key shipped with the package, without network" {
	require_cmd unshare
	run unshare --net "$HERSH_BIN_DIR/hersh-apt-source" \
		-o Hersh-Gvisor::Shipped-Key="$HERSH_SRC/src/keys/gvisor-archive.key" install-key
	assert_success
	assert_output "$KEYRING: installed the gVisor key $(fact FINGERPRINT)"
	assert_equal "$(keyring_fprs "$KEYRING")" "$(fact FINGERPRINT)"
}

@test "install-key with Key-URL set to gVisor's own key URL takes the shipped key, without network" {
	require_cmd unshare
	echo "Hersh-Gvisor::Key-URL \"$(fact KEY_URL)\";" >"$ROOT/etc/apt/apt.conf.d/50hersh-gvisor"
	run unshare --net "$HERSH_BIN_DIR/hersh-apt-source" \
		-o Hersh-Gvisor::Shipped-Key="$HERSH_SRC/src/keys/gvisor-archive.key" install-key
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$(fact FINGERPRINT)"
}

@test "install-key with an empty --key-url takes the shipped key" {
	run shipped --key-url "" install-key
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$(fact FINGERPRINT)"
}

@test "install-key downloads a Key-URL set to anything else" {
	run shipped --key-url "$MIRROR_URL/key.asc" --fingerprint "$MIRROR_FPR" install-key
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
	run grep -c "GET /key.asc" "$MIRROR/http.log"
	refute_output 0
}

@test "install-key refuses the shipped key for another fingerprint, naming the shipped key" {
	run shipped --fingerprint "$MIRROR_FPR" install-key
	assert_failure 1
	assert_output "hersh-apt-source: $HERSH_SRC/src/keys/gvisor-archive.key: key $(fact FINGERPRINT) is not the gVisor key $MIRROR_FPR; nothing written"
	assert_file_not_exists "$KEYRING"
}

@test "install-key names a missing shipped key" {
	run "$HERSH_BIN_DIR/hersh-apt-source" -o Hersh-Gvisor::Shipped-Key="$BATS_TEST_TMPDIR/none.key" install-key
	assert_failure 1
	assert_output "hersh-apt-source: $BATS_TEST_TMPDIR/none.key: No such file or directory"
	assert_file_not_exists "$KEYRING"
}

@test "install-key reads the shipped key on this system, never under Dir" {
	# a root holding another key at the shipped key's path
	mkdir -p "$ROOT$BATS_TEST_TMPDIR"
	cp "$OTHER/key.asc" "$ROOT$BATS_TEST_TMPDIR/k.asc"
	cp "$HERSH_SRC/src/keys/gvisor-archive.key" "$BATS_TEST_TMPDIR/k.asc"
	run "$HERSH_BIN_DIR/hersh-apt-source" -o Hersh-Gvisor::Shipped-Key="$BATS_TEST_TMPDIR/k.asc" install-key
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$(fact FINGERPRINT)"
}

@test "a relative Hersh-Gvisor::Shipped-Key is refused, naming the setting" {
	run "$HERSH_BIN_DIR/hersh-apt-source" -o Hersh-Gvisor::Shipped-Key=k.asc install-key
	assert_failure 1
	assert_output "hersh-apt-source: Hersh-Gvisor::Shipped-Key 'k.asc': not an absolute path"
}

@test "show reports the shipped key's keyring as ok, never expiring" {
	shipped -q install-key
	run shipped show
	assert_line "$(printf 'keyring\t%s\tok\t%s\tnever' "$KEYRING" "$(fact FINGERPRINT)")"
}
