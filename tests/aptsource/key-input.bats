#!/usr/bin/env bats
# hersh-apt-source: key input holds public key material only.  Every packet
# of a key file (binary, or each block of its ASCII armor) must be a public
# key or subkey, a user ID or attribute, a signature or a trust packet;
# anything else (secret keys above all) is refused, naming the file, before
# gpg sees it.  Crafted files: tests/fixtures/apt-source/pgp-craft.py.

load ../lib/common
load ../lib/aptrepo

setup_file() {
	aptsrc_setup_file || return 1
	RIDER=$BATS_FILE_TMPDIR/rider
	RIDER_FPR=$(aptrepo_key_rider "$RIDER" "$MIRROR") || return 1
	export RIDER RIDER_FPR
}

teardown_file() {
	aptsrc_teardown_file
}

setup() {
	aptsrc_setup
	K=$BATS_TEST_TMPDIR
}

# craft MODE: the test key changed by pgp-craft.py MODE, as $K/MODE.key.
craft() {
	python3 "$FIXTURES/apt-source/pgp-craft.py" "$1" "$MIRROR/key.gpg" "$K/$1.key"
}

# secret_export HOME FPR OUT [--armor]: the secret key FPR of gpg home HOME.
secret_export() {
	GNUPGHOME=$1 gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		${4:+"$4"} --export-secret-keys "$2" >"$3"
	gpgconf --homedir "$1" --kill all >/dev/null 2>&1 || true
}

# install-key --from FILE is refused, naming FILE and saying WHY; nothing written.
refused() {
	run has install-key --from "$1"
	assert_failure 1
	assert_output "hersh-apt-source: $1: $2; nothing written"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "install-key refuses an armored secret key, naming the file" {
	secret_export "$MIRROR/gnupg" "$MIRROR_FPR" "$K/secret.asc" --armor
	refused "$K/secret.asc" "holds secret key material (a secret key packet, type 5); only public keys are accepted (armor block at line 1)"
}

@test "install-key refuses a binary secret key" {
	secret_export "$MIRROR/gnupg" "$MIRROR_FPR" "$K/secret.gpg"
	refused "$K/secret.gpg" "holds secret key material (a secret key packet, type 5); only public keys are accepted"
}

@test "install-key refuses the gVisor key bundled with a secret key that carries it as a secret subkey" {
	# the rider's secret key: key A with the gVisor key as its (secret) subkey
	secret_export "$RIDER/gnupg" "$RIDER_FPR" "$K/rider-secret.gpg"
	cat "$MIRROR/key.gpg" "$K/rider-secret.gpg" >"$K/bundle.gpg"
	refused "$K/bundle.gpg" "holds secret key material (a secret key packet, type 5); only public keys are accepted"
}

@test "install-key refuses a key inside a compressed data packet" {
	craft compressed
	refused "$K/compressed.key" "holds a compressed data packet (type 8), which is not public key material"
}

@test "install-key refuses a key inside a literal data packet" {
	craft literal
	refused "$K/literal.key" "holds a literal data packet (type 11), which is not public key material"
}

@test "install-key refuses a key after a marker packet" {
	craft marker
	refused "$K/marker.key" "holds a marker packet (type 10), which is not public key material"
}

@test "install-key refuses a key followed by a padding packet" {
	craft padding
	refused "$K/padding.key" "holds a padding packet (type 21), which is not public key material"
}

@test "install-key refuses a packet of an unknown type" {
	craft experimental
	refused "$K/experimental.key" "holds a packet of type 60, which is not public key material"
}

@test "install-key refuses a packet with partial body lengths" {
	craft partial
	refused "$K/partial.key" "holds a packet of partial lengths, which no key packet has"
}

@test "install-key refuses a packet of indeterminate length" {
	craft indeterminate
	refused "$K/indeterminate.key" "holds a packet of indeterminate length, which no key packet has"
}

@test "install-key refuses a truncated key" {
	craft truncated
	refused "$K/truncated.key" "is truncated (a packet is longer than the file)"
}

@test "install-key refuses bytes that are no packet after the key" {
	craft garbage
	local at
	at=$(stat -c %s "$MIRROR/key.gpg")
	refused "$K/garbage.key" "is not OpenPGP data (no packet header at byte $at)"
}

@test "install-key refuses ASCII armor whose checksum does not match" {
	craft badcrc
	refused "$K/badcrc.key" "has damaged ASCII armor (the checksum of the block at line 1 does not match)"
}

@test "install-key refuses ASCII armor that is not closed" {
	head -n 5 "$MIRROR/key.asc" >"$K/open.asc"
	refused "$K/open.asc" "has an ASCII armor block that is not closed (line 1)"
}

@test "install-key refuses a signed message" {
	printf -- '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhello\n' >"$K/signed.asc"
	cat "$MIRROR/key.asc" >>"$K/signed.asc"
	refused "$K/signed.asc" "holds a signed message (line 1), not a key"
}

@test "install-key refuses a text file with no key in it" {
	echo "no key here" >"$K/text.asc"
	refused "$K/text.asc" "holds no OpenPGP data (neither packets nor ASCII armor)"
}

@test "install-key refuses an empty file" {
	: >"$K/empty.asc"
	refused "$K/empty.asc" "is empty"
}

@test "install-key accepts a key whose packets have new-format headers" {
	craft newformat
	run has install-key --from "$K/newformat.key"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

@test "install-key accepts armor it decoded itself, checksum and all" {
	craft armor
	run has install-key --from "$K/armor.key"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

@test "install-key accepts an armored key with text before and after the block" {
	craft text
	run has install-key --from "$K/text.key"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

@test "install-key accepts the key with a second key in another armor block" {
	cat "$OTHER/key.asc" "$MIRROR/key.asc" >"$K/two.asc"
	run has install-key --from "$K/two.asc"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
}

@test "install-key refuses a secret key downloaded from the key URL" {
	secret_export "$MIRROR/gnupg" "$MIRROR_FPR" "$MIRROR/secret.asc" --armor
	run has install-key --from "$MIRROR_URL/secret.asc"
	rm -f "$MIRROR/secret.asc"
	assert_failure 1
	assert_output --partial "$MIRROR_URL/secret.asc: holds secret key material (a secret key packet, type 5)"
	assert_file_not_exists "$KEYRING"
}

@test "show reports a keyring that holds a secret key as a mismatch" {
	secret_export "$MIRROR/gnupg" "$MIRROR_FPR" "$KEYRING"
	run has show
	assert_failure 3
	assert_line "$(printf 'keyring\t%s\tmismatch\t-\t-' "$KEYRING")"
}

@test "add refuses a keyring that holds a secret key, saying so" {
	secret_export "$MIRROR/gnupg" "$MIRROR_FPR" "$KEYRING"
	run has add
	assert_failure 1
	assert_output --partial "$KEYRING: holds secret key material (a secret key packet, type 5)"
	run ls -A "$PARTS"
	assert_output ""
}
