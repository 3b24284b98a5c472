#!/usr/bin/env bats
# hersh-apt-source install-key: the keyring holds exactly the gVisor key.
# Attacks with throwaway keys: key G plays gVisor's (the test mirror's key);
# key A is an attacker's that carries G's public key as a subkey, bound by
# A alone (aptrepo_key_rider).

load ../lib/common
load ../lib/aptrepo

setup_file() {
	aptsrc_setup_file || return 1
	RIDER=$BATS_FILE_TMPDIR/rider
	RIDER_FPR=$(aptrepo_key_rider "$RIDER" "$MIRROR") || return 1
	EXPIRED=$BATS_FILE_TMPDIR/expired
	EXPIRED_FPR=$(aptrepo_key_expired "$EXPIRED") || return 1
	REVOKED=$BATS_FILE_TMPDIR/revoked
	REVOKED_FPR=$(aptrepo_key_revoked "$REVOKED") || return 1
	aptrepo_stop "$EXPIRED"
	aptrepo_stop "$REVOKED"
	export RIDER RIDER_FPR EXPIRED EXPIRED_FPR REVOKED REVOKED_FPR
}

teardown_file() {
	aptsrc_teardown_file
}

setup() {
	aptsrc_setup
}

# A file signed by A's primary key: the Release file a hostile mirror serves.
sign_as_rider() {
	echo "Suite: release" >"$BATS_TEST_TMPDIR/Release"
	GNUPGHOME=$RIDER/gnupg gpg --batch --quiet --local-user "$RIDER_FPR!" \
		--detach-sign -o "$BATS_TEST_TMPDIR/Release.gpg" "$BATS_TEST_TMPDIR/Release"
	gpgconf --homedir "$RIDER/gnupg" --kill all
}

@test "the rider bundle really smuggles key A through gpg --export of the gVisor key" {
	# what install-key used to do: import the bundle, export G's fingerprint
	local home=$BATS_TEST_TMPDIR/gnupg
	mkdir -m 700 "$home"
	gpg --homedir "$home" --batch --quiet --import "$RIDER/bundle.gpg" 2>/dev/null
	gpg --homedir "$home" --batch --export "$MIRROR_FPR" >"$BATS_TEST_TMPDIR/exported.gpg"
	gpgconf --homedir "$home" --kill all
	assert_equal "$(keyring_fprs "$BATS_TEST_TMPDIR/exported.gpg" | sort)" \
		"$(printf '%s\n%s\n' "$MIRROR_FPR" "$RIDER_FPR" | sort)"
	sign_as_rider
	run gpgv --keyring "$BATS_TEST_TMPDIR/exported.gpg" "$BATS_TEST_TMPDIR/Release.gpg" "$BATS_TEST_TMPDIR/Release"
	assert_success
}

@test "install-key refuses a file in which another key carries the gVisor key as a subkey" {
	run has install-key --from "$RIDER/bundle.gpg"
	assert_failure 1
	assert_output "hersh-apt-source: $RIDER/bundle.gpg: key $RIDER_FPR carries the gVisor key $MIRROR_FPR as a subkey; the file is refused, since gpg would export key $RIDER_FPR with it; nothing written"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "install-key refuses a download in which another key carries the gVisor key as a subkey" {
	cp "$RIDER/bundle.gpg" "$MIRROR/rider-bundle.gpg"
	run has install-key --from "$MIRROR_URL/rider-bundle.gpg"
	rm -f "$MIRROR/rider-bundle.gpg"
	assert_failure 1
	assert_output --partial "key $RIDER_FPR carries the gVisor key $MIRROR_FPR as a subkey"
	assert_file_not_exists "$KEYRING"
}

@test "install-key refuses the rider key alone" {
	run has install-key --from "$RIDER/key.gpg"
	assert_failure 1
	assert_output --partial "key $RIDER_FPR carries the gVisor key $MIRROR_FPR as a subkey"
	assert_file_not_exists "$KEYRING"
}

@test "a keyring install-key wrote lets gpgv accept only the gVisor key's signatures" {
	run has install-key --from "$MIRROR/key.gpg"
	assert_success
	assert_equal "$(keyring_fprs "$KEYRING")" "$MIRROR_FPR"
	sign_as_rider
	run gpgv --keyring "$KEYRING" "$BATS_TEST_TMPDIR/Release.gpg" "$BATS_TEST_TMPDIR/Release"
	assert_failure
	run gpgv --keyring "$KEYRING" "$MIRROR/repo/dists/release/InRelease"
	assert_success
}

@test "install-key refuses an expired key, saying so, and writes nothing" {
	run has --fingerprint "$EXPIRED_FPR" install-key --from "$EXPIRED/key.asc"
	assert_failure 1
	assert_output "hersh-apt-source: $EXPIRED/key.asc: the gVisor key $EXPIRED_FPR is expired (since 2020-01-02); nothing written"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "install-key refuses a revoked key, saying so, and writes nothing" {
	run has --fingerprint "$REVOKED_FPR" install-key --from "$REVOKED/key.asc"
	assert_failure 1
	assert_output "hersh-apt-source: $REVOKED/key.asc: the gVisor key $REVOKED_FPR is revoked; nothing written"
	assert_file_not_exists "$KEYRING"
}

@test "install-key refuses a key whose revocation comes in the same file" {
	local fpr
	fpr=$(aptrepo_key_new "$BATS_TEST_TMPDIR/k")
	aptrepo_stop "$BATS_TEST_TMPDIR/k"
	{
		cat "$BATS_TEST_TMPDIR/k/key.asc"
		sed 's/^:-----BEGIN/-----BEGIN/' "$BATS_TEST_TMPDIR/k/gnupg/openpgp-revocs.d/$fpr.rev"
	} >"$BATS_TEST_TMPDIR/key-and-revocation.asc"
	run has --fingerprint "$fpr" install-key --from "$BATS_TEST_TMPDIR/key-and-revocation.asc"
	assert_failure 1
	assert_output --partial "$fpr"
	assert_output --partial "revoked"
	assert_file_not_exists "$KEYRING"
}

@test "install-key runs gpg from its absolute path, not from PATH" {
	mkdir "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\ntouch %s/fake-gpg-ran\nexec /usr/bin/gpg "$@"\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/bin/gpg"
	chmod +x "$BATS_TEST_TMPDIR/bin/gpg"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run has install-key --from "$MIRROR/key.gpg"
	assert_success
	assert_file_not_exists "$BATS_TEST_TMPDIR/fake-gpg-ran"
}
