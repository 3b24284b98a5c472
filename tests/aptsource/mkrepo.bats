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

# deb_build FILE NAME VERSION ARCH TEXT: a package whose bytes depend only
# on its arguments (TEXT is the content of its one file).
deb_build() {
	local file=$1 name=$2 version=$3 arch=$4 text=$5 root
	root=$(mktemp -d "$BATS_TEST_TMPDIR/deb.XXXXXX")
	mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$name"
	printf 'Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: hersh-gvisor tests <test@hersh-gvisor.invalid>\nDescription: test package\n test package for mkrepo.sh\n' \
		"$name" "$version" "$arch" >"$root/DEBIAN/control"
	printf '%s\n' "$text" >"$root/usr/share/doc/$name/README"
	SOURCE_DATE_EPOCH=1700000000 dpkg-deb --root-owner-group -Zgzip --build "$root" "$file" >/dev/null
	rm -rf "$root"
}

# repo_state DIR: every file of DIR with its size, mtime, inode and hash.
repo_state() {
	(cd "$1" && find . -type f -printf '%P %s %T@ %i ' -exec sha256sum {} \; | sort)
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

@test "mkrepo files each package in the pool as NAME_VERSION_ARCH.deb" {
	deb_build "$BATS_TEST_TMPDIR/odd-name.deb" hersh-test-pkg 1:1.0-1 arm64 one
	run mkrepo "$BATS_TEST_TMPDIR/repo" "$BATS_TEST_TMPDIR/odd-name.deb"
	assert_success
	assert_file_exists "$BATS_TEST_TMPDIR/repo/pool/main/hersh-test-pkg_1.0-1_arm64.deb"
	assert_file_not_exists "$BATS_TEST_TMPDIR/repo/pool/main/odd-name.deb"
}

@test "mkrepo publishes amd64 and arm64 packages: Packages per architecture, Release lists both" {
	local r=$BATS_TEST_TMPDIR/repo
	deb_build "$BATS_TEST_TMPDIR/a.deb" hersh-test-pkg 0.2.0 amd64 amd64
	deb_build "$BATS_TEST_TMPDIR/b.deb" hersh-test-pkg 0.2.0 arm64 arm64
	run mkrepo "$r" "$BATS_TEST_TMPDIR/a.deb" "$BATS_TEST_TMPDIR/b.deb" "$DEB"
	assert_success
	assert_output --partial "architectures amd64 arm64"
	assert_file_contains "$r/dists/stable/Release" "^Architectures: amd64 arm64$"
	assert_file_contains "$r/dists/stable/Release" " main/binary-amd64/Packages$"
	assert_file_contains "$r/dists/stable/Release" " main/binary-arm64/Packages.gz$"
	run grep -h '^Filename:' "$r/dists/stable/main/binary-amd64/Packages"
	assert_output - <<-EOF
		Filename: pool/main/hersh-test-dummy_1.0_all.deb
		Filename: pool/main/hersh-test-pkg_0.2.0_amd64.deb
	EOF
	run grep -h '^Filename:' "$r/dists/stable/main/binary-arm64/Packages"
	assert_output - <<-EOF
		Filename: pool/main/hersh-test-dummy_1.0_all.deb
		Filename: pool/main/hersh-test-pkg_0.2.0_arm64.deb
	EOF
	run bash -c "gzip -dc '$r/dists/stable/main/binary-arm64/Packages.gz' | cmp - '$r/dists/stable/main/binary-arm64/Packages'"
	assert_success
}

@test "a later run with only arm64 packages keeps the amd64 ones published" {
	local r=$BATS_TEST_TMPDIR/repo
	deb_build "$BATS_TEST_TMPDIR/a.deb" hersh-test-pkg 0.2.0 amd64 amd64
	deb_build "$BATS_TEST_TMPDIR/b.deb" hersh-test-pkg 0.2.0 arm64 arm64
	mkrepo "$r" "$BATS_TEST_TMPDIR/a.deb" >/dev/null
	run mkrepo "$r" "$BATS_TEST_TMPDIR/b.deb"
	assert_success
	assert_file_contains "$r/dists/stable/Release" "^Architectures: amd64 arm64$"
	assert_file_contains "$r/dists/stable/main/binary-amd64/Packages" "^Filename: pool/main/hersh-test-pkg_0.2.0_amd64.deb$"
	assert_file_contains "$r/dists/stable/main/binary-arm64/Packages" "^Filename: pool/main/hersh-test-pkg_0.2.0_arm64.deb$"
}

@test "mkrepo refuses a package already published with other contents, names the version to bump, and changes nothing" {
	local r=$BATS_TEST_TMPDIR/repo before
	deb_build "$BATS_TEST_TMPDIR/old.deb" hersh-gvisor 0.2.0 arm64 old
	deb_build "$BATS_TEST_TMPDIR/new.deb" hersh-gvisor 0.2.0 arm64 rebuilt
	deb_build "$BATS_TEST_TMPDIR/other.deb" hersh-test-pkg 1.0 arm64 other
	mkrepo "$r" "$BATS_TEST_TMPDIR/old.deb" >/dev/null
	before=$(repo_state "$r")
	run mkrepo "$r" "$BATS_TEST_TMPDIR/other.deb" "$BATS_TEST_TMPDIR/new.deb"
	assert_failure 1
	assert_line "mkrepo.sh: hersh-gvisor 0.2.0 arm64 is already published with other contents: bump the version in debian/changelog (dch -v 0.2.1)"
	assert_line --partial "published: $r/pool/main/hersh-gvisor_0.2.0_arm64.deb; given: $BATS_TEST_TMPDIR/new.deb"
	assert_equal "$(repo_state "$r")" "$before"
}

@test "the version to bump counts the last number up" {
	local v want r=$BATS_TEST_TMPDIR/repo
	for v in 1.0-1=1.0-2 20240807.0=20240807.1 2:1.09=2:1.10 1.0~rc9=1.0~rc10 1.0a=1.0a.1; do
		want=${v#*=}
		v=${v%%=*}
		rm -rf "$r"
		deb_build "$BATS_TEST_TMPDIR/old.deb" hersh-test-pkg "$v" amd64 old
		deb_build "$BATS_TEST_TMPDIR/new.deb" hersh-test-pkg "$v" amd64 new
		mkrepo "$r" "$BATS_TEST_TMPDIR/old.deb" >/dev/null
		run mkrepo "$r" "$BATS_TEST_TMPDIR/new.deb"
		assert_failure 1
		assert_line "mkrepo.sh: hersh-test-pkg $v amd64 is already published with other contents: bump the version in debian/changelog (dch -v $want)"
	done
}

@test "two given packages of the same name, version and architecture with other contents are refused" {
	deb_build "$BATS_TEST_TMPDIR/one.deb" hersh-gvisor 0.2.0 amd64 one
	deb_build "$BATS_TEST_TMPDIR/two.deb" hersh-gvisor 0.2.0 amd64 two
	run mkrepo "$BATS_TEST_TMPDIR/repo" "$BATS_TEST_TMPDIR/one.deb" "$BATS_TEST_TMPDIR/two.deb"
	assert_failure 1
	assert_output --partial "hersh-gvisor 0.2.0 amd64 is already published with other contents"
	assert_file_not_exists "$BATS_TEST_TMPDIR/repo"
}

@test "a file of the pool name that holds another package is refused, not overwritten" {
	local r=$BATS_TEST_TMPDIR/repo before
	deb_build "$BATS_TEST_TMPDIR/a.deb" hersh-test-pkg 1.0 amd64 one
	deb_build "$BATS_TEST_TMPDIR/b.deb" hersh-test-other 1.0 amd64 two
	mkrepo "$r" "$BATS_TEST_TMPDIR/a.deb" >/dev/null
	cp "$BATS_TEST_TMPDIR/a.deb" "$r/pool/main/hersh-test-other_1.0_amd64.deb"
	before=$(repo_state "$r")
	run mkrepo "$r" "$BATS_TEST_TMPDIR/b.deb"
	assert_failure 1
	assert_output "mkrepo.sh: $r/pool/main/hersh-test-other_1.0_amd64.deb: already there and not hersh-test-other 1.0 amd64; move it away"
	assert_equal "$(repo_state "$r")" "$before"
}

@test "the same packages again are accepted and no file of the repository changes" {
	local r=$BATS_TEST_TMPDIR/repo before
	deb_build "$BATS_TEST_TMPDIR/a.deb" hersh-gvisor 0.2.0 amd64 amd64
	deb_build "$BATS_TEST_TMPDIR/b.deb" hersh-gvisor 0.2.0 arm64 arm64
	mkrepo "$r" "$BATS_TEST_TMPDIR/a.deb" "$BATS_TEST_TMPDIR/b.deb" >/dev/null
	before=$(repo_state "$r")
	sleep 1.1 # a new Release would have another Date
	cp "$BATS_TEST_TMPDIR/b.deb" "$BATS_TEST_TMPDIR/b-copy.deb"
	run mkrepo "$r" "$BATS_TEST_TMPDIR/b-copy.deb" "$BATS_TEST_TMPDIR/a.deb"
	assert_success
	assert_output --partial "nothing changed"
	assert_equal "$(repo_state "$r")" "$before"
	run find "$r" -name '.*'
	assert_output ""
}

@test "a new version is added beside the published one and the Release is signed again" {
	local r=$BATS_TEST_TMPDIR/repo
	deb_build "$BATS_TEST_TMPDIR/a.deb" hersh-gvisor 0.1.0 amd64 old
	deb_build "$BATS_TEST_TMPDIR/b.deb" hersh-gvisor 0.2.0 amd64 new
	mkrepo "$r" "$BATS_TEST_TMPDIR/a.deb" >/dev/null
	run mkrepo "$r" "$BATS_TEST_TMPDIR/b.deb"
	assert_success
	assert_output --partial "added hersh-gvisor 0.2.0 amd64"
	run grep -c '^Package: hersh-gvisor$' "$r/dists/stable/main/binary-amd64/Packages"
	assert_output 2
	run gpgv --keyring "$r/key.gpg" "$r/dists/stable/InRelease"
	assert_success
	run gpgv --keyring "$r/key.gpg" "$r/dists/stable/Release.gpg" "$r/dists/stable/Release"
	assert_success
}

@test "the same packages signed with another key: the Release files are signed again with it" {
	local r=$BATS_TEST_TMPDIR/repo fpr2
	fpr2=$(aptrepo_key_new "$BATS_TEST_TMPDIR/key2")
	mkrepo "$r" "$DEB" >/dev/null
	run "$MKREPO" --gnupghome "$BATS_TEST_TMPDIR/key2/gnupg" --key "$fpr2" "$r" "$DEB"
	aptrepo_stop "$BATS_TEST_TMPDIR/key2"
	assert_success
	assert_equal "$(keyring_fprs "$r/key.gpg")" "$fpr2"
	run gpgv --keyring "$BATS_TEST_TMPDIR/key2/key.gpg" "$r/dists/stable/InRelease"
	assert_success
}

@test "apt configured for amd64 and arm64 reads both architectures' packages from the repository" {
	local r=$BATS_TEST_TMPDIR/m url
	mkdir -p "$r"
	aptrepo_key_new "$r" >/dev/null
	deb_build "$BATS_TEST_TMPDIR/a.deb" hersh-test-pkg 0.2.0 amd64 amd64
	deb_build "$BATS_TEST_TMPDIR/b.deb" hersh-test-pkg 0.2.0 arm64 arm64
	aptrepo_build "$r" stable main "$BATS_TEST_TMPDIR/a.deb" "$BATS_TEST_TMPDIR/b.deb"
	url=$(aptrepo_serve "$r")
	aptroot_new "$BATS_TEST_TMPDIR/apt"
	echo "deb [signed-by=$r/key.gpg] $url/repo stable main" \
		>"$BATS_TEST_TMPDIR/apt/root/etc/apt/sources.list.d/test.list"
	printf 'APT::Architecture "amd64";\nAPT::Architectures { "amd64"; "arm64"; };\n' \
		>>"$BATS_TEST_TMPDIR/apt/apt.conf"
	APT_CONFIG=$BATS_TEST_TMPDIR/apt/apt.conf run apt-get -o APT::Sandbox::User=root update
	assert_success
	refute_line --regexp '^(W|E):'
	APT_CONFIG=$BATS_TEST_TMPDIR/apt/apt.conf run apt-cache madison hersh-test-pkg:amd64 hersh-test-pkg:arm64
	aptrepo_stop "$r"
	assert_success
	assert_line --regexp '^hersh-test-pkg(:amd64)? \| +0\.2\.0 \| .* stable/main amd64 Packages$'
	assert_line --regexp '^hersh-test-pkg:arm64 \| +0\.2\.0 \| .* stable/main arm64 Packages$'
}
