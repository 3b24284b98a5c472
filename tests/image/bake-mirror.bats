#!/usr/bin/env bats
# An image builder's install against an internal mirror of the gVisor
# repository (an air-gapped fleet): mmdebstrap bakes an image of the release
# under test (BAKE_RELEASE: bookworm, or HERSH_RELEASE) that installs
# hersh-gvisor, runsc and docker.io from a local signed repository,
# with debconf preseeded to take the gVisor source and key from a signed
# mirror on 127.0.0.1 (apt-source=true, apt-uri, key-url, key-fingerprint;
# a throwaway key).  The image must end with exactly one gVisor source,
# verified by that key, and apt-get update inside it must be clean.
#
# Root; touches nothing on the host but its own temporary directory:
#   bats tests/image/bake-mirror.bats

load ../lib/common
load ../lib/aptrepo
load bake

setup_file() {
	file_needs root mmdebstrap chroot gpg deb || return 0
	printf '%s\n' "$HERSH_DEB" >"$BATS_FILE_TMPDIR/deb"
	local w=$BATS_FILE_TMPDIR url mirror sources
	export BAKE_CACHE=$BATS_RUN_TMPDIR/bake-archives
	aptrepo_key_new "$w/local" >/dev/null
	aptrepo_build "$w/local" stable main "$(cat "$w/deb")"
	url=$(aptrepo_serve "$w/local")
	sources=$(local_repo_sources "$w/local" "$url/repo" hersh-local)
	mirror=$(aptrepo_gvisor_mirror "$w/gvisor" release)
	printf '%s\n' "$mirror/repo" >"$w/mirror-uri"
	cat >"$w/preseed" <<-EOF
		hersh-gvisor hersh-gvisor/apt-source boolean true
		hersh-gvisor hersh-gvisor/apt-uri string $mirror/repo
		hersh-gvisor hersh-gvisor/key-url string $mirror/key.asc
		hersh-gvisor hersh-gvisor/key-fingerprint string $(aptrepo_fpr "$w/gvisor")
		hersh-gvisor hersh-gvisor/runtime-args string --network=none
	EOF
	bake_image "$w/img" "$w/preseed" "$sources" "$w/log"
}

teardown_file() {
	! file_skipped || return 0
	bake_cleanup "$BATS_FILE_TMPDIR"
}

setup() {
	file_skip_check
	IMG=$BATS_FILE_TMPDIR/img
	LOG=$BATS_FILE_TMPDIR/log
	MIRROR=$(cat "$BATS_FILE_TMPDIR/mirror-uri")
	FPR=$(aptrepo_fpr "$BATS_FILE_TMPDIR/gvisor")
}

# hersh-apt-source show inside the image, told about the mirror as the
# package was (debconf answers are not apt configuration).
show_in_image() {
	in_image "$IMG" hersh-apt-source --uri "$MIRROR" --key-url "${MIRROR%/repo}/key.asc" \
		--fingerprint "$FPR" show
}

@test "the image has exactly one gVisor source, pointing at the preseeded mirror" {
	run show_in_image
	assert_success
	run grep -c '^source' <<<"$output"
	assert_output 1
	run grep -r -h -F "$MIRROR" "$IMG/etc/apt/sources.list" "$IMG/etc/apt/sources.list.d"
	assert_success
	assert_equal "${#lines[@]}" 1
}

@test "the image's gVisor source is signed by the keyring the package installed" {
	run show_in_image
	assert_success
	assert_line --regexp "^source	[^	]+	[^	]+	${MIRROR//./\\.}/?	release	/usr/share/keyrings/gvisor-archive-keyring\\.gpg	ours$"
}

@test "the image's gVisor keyring holds the preseeded fingerprint and nothing else" {
	run gpg --batch --show-keys --with-colons "$IMG/usr/share/keyrings/gvisor-archive-keyring.gpg"
	assert_success
	run awk -F: '$1 == "pub" { n++ } END { print n }' <<<"$output"
	assert_output 1
	run gpg --batch --show-keys --with-colons "$IMG/usr/share/keyrings/gvisor-archive-keyring.gpg"
	assert_line --regexp "^fpr:+$FPR:"
}

@test "hersh-apt-source in the image reports the keyring verified" {
	run show_in_image
	assert_line "keyring	/usr/share/keyrings/gvisor-archive-keyring.gpg	ok	$FPR	never"
}

@test "apt-get update inside the image is clean" {
	run in_image "$IMG" apt-get update
	assert_success
	refute_line --regexp '^(W|E|Err):'
	assert_output --partial "$MIRROR"
}

@test "apt inside the image reads the gVisor mirror, and the pin keeps its other packages out" {
	in_image "$IMG" apt-get update -qq
	run in_image "$IMG" apt-cache policy hersh-test-dummy
	assert_success
	assert_line --regexp '^ +Candidate: \(none\)$'
	assert_line --regexp "^ +-1 ${MIRROR//./\\.}/? release/main "
}

@test "the image's daemon.json names runsc with the preseeded runtime args" {
	run jq -c '.runtimes.runsc' "$IMG/etc/docker/daemon.json"
	assert_output '{"path":"/usr/bin/runsc","runtimeArgs":["--network=none"]}'
}

@test "the maintainer scripts said which key they installed and that they added the source" {
	run grep '^hersh-gvisor: ' "$LOG"
	assert_line --regexp "^hersh-gvisor: apt source: .*installed .*$FPR"
	assert_line --regexp '^hersh-gvisor: apt source: .*added the gVisor source'
}

@test "hersh-gvisor-check in the image accepts the preseeded mirror's source and key" {
	run in_image "$IMG" hersh-gvisor-check --json
	# Docker does not run in the chroot: only the apt checks count here.
	run jq -r '.checks[] | select(.id | startswith("apt.")) | "\(.id) \(.status): \(.detail)"' <<<"$output"
	assert_line --regexp '^apt\.source ok: '
	assert_line --regexp '^apt\.keyring ok: '
}
