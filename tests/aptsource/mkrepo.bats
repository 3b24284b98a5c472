#!/usr/bin/env bats
# src/mkrepo/mkrepo.sh and the test repository helpers.

load ../lib/common
load ../lib/aptrepo

MKREPO=$HERSH_SRC/src/mkrepo/mkrepo.sh

setup_file() {
	KEYDIR=$BATS_FILE_TMPDIR/key
	mkdir -p "$KEYDIR"
	KEYFPR=$(aptrepo_key_new "$KEYDIR")
	DEB=$(aptrepo_dummy_deb "$KEYDIR" hersh-test-dummy 1.0)
	export KEYDIR KEYFPR DEB
}

teardown_file() {
	aptrepo_stop "$KEYDIR"
}

mkrepo() {
	"$MKREPO" --gnupghome "$KEYDIR/gnupg" --key "$KEYFPR" "$@"
}

@test "mkrepo without --key is a usage error" {
	run "$MKREPO" "$BATS_TEST_TMPDIR/repo" "$DEB"
	assert_failure 2
	assert_output --partial "--key"
	assert_output --partial "usage: mkrepo.sh"
}

@test "mkrepo without a .deb is a usage error" {
	run mkrepo "$BATS_TEST_TMPDIR/repo"
	assert_failure 2
}

@test "mkrepo refuses a file that is not a package, naming it, and writes nothing" {
	run mkrepo "$BATS_TEST_TMPDIR/repo" "$FIXTURES/apt-source/unrelated.sources"
	assert_failure 1
	assert_output --partial "$FIXTURES/apt-source/unrelated.sources: not a Debian package"
	assert_file_not_exists "$BATS_TEST_TMPDIR/repo"
}

@test "mkrepo refuses an unknown key" {
	run "$MKREPO" --gnupghome "$KEYDIR/gnupg" --key 0123456789ABCDEF0123456789ABCDEF01234567 "$BATS_TEST_TMPDIR/repo" "$DEB"
	assert_failure 1
	assert_output --partial "no secret key"
}

@test "mkrepo writes pool, indices, signed Release files and the public key" {
	run mkrepo --suite release --component main --origin gVisor "$BATS_TEST_TMPDIR/repo" "$DEB"
	assert_success
	local r=$BATS_TEST_TMPDIR/repo arch
	arch=$(dpkg --print-architecture)
	assert_file_exists "$r/pool/main/${DEB##*/}"
	assert_file_exists "$r/dists/release/main/binary-$arch/Packages"
	assert_file_exists "$r/dists/release/main/binary-$arch/Packages.gz"
	assert_file_exists "$r/dists/release/Release.gpg"
	assert_file_exists "$r/key.asc"
	assert_file_contains "$r/dists/release/Release" "^Suite: release$"
	assert_file_contains "$r/dists/release/Release" "^Codename: release$"
	assert_file_contains "$r/dists/release/Release" "^Origin: gVisor$"
	assert_file_contains "$r/dists/release/Release" "^Components: main$"
	assert_file_contains "$r/dists/release/Release" "^Architectures: $arch$"
	assert_file_contains "$r/dists/release/InRelease" "BEGIN PGP SIGNED MESSAGE"
	assert_equal "$(keyring_fprs "$r/key.gpg")" "$KEYFPR"
}

@test "mkrepo signatures verify with the exported key" {
	mkrepo "$BATS_TEST_TMPDIR/repo" "$DEB" >/dev/null
	local d=$BATS_TEST_TMPDIR/repo/dists/stable
	run gpgv --keyring "$BATS_TEST_TMPDIR/repo/key.gpg" "$d/InRelease"
	assert_success
	run gpgv --keyring "$BATS_TEST_TMPDIR/repo/key.gpg" "$d/Release.gpg" "$d/Release"
	assert_success
}

@test "mkrepo lists arch-all packages under every architecture of the others" {
	local deb2
	deb2=$(aptrepo_dummy_deb "$BATS_TEST_TMPDIR" hersh-test-arm 1.0 arm64)
	mkrepo "$BATS_TEST_TMPDIR/repo" "$DEB" "$deb2" >/dev/null
	assert_file_contains "$BATS_TEST_TMPDIR/repo/dists/stable/main/binary-arm64/Packages" "^Package: hersh-test-dummy$"
	assert_file_contains "$BATS_TEST_TMPDIR/repo/dists/stable/Release" "^Architectures: arm64$"
}

@test "a served test repository passes apt-get update in a private APT root" {
	local dir=$BATS_TEST_TMPDIR/m url
	url=$(aptrepo_gvisor_mirror "$dir")
	aptroot_new "$BATS_TEST_TMPDIR/apt"
	echo "deb [signed-by=$dir/key.gpg] $url/repo release main" \
		>"$BATS_TEST_TMPDIR/apt/root/etc/apt/sources.list.d/test.list"
	APT_CONFIG=$BATS_TEST_TMPDIR/apt/apt.conf run apt-get -o APT::Sandbox::User=root update
	aptrepo_stop "$dir"
	assert_success
	refute_line --regexp '^(W|E):'
}
