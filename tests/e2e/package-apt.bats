#!/usr/bin/env bats
# End to end: the package's apt source step against a local signed mirror
# of the gVisor repository on 127.0.0.1 (throwaway key), never the network.
# In a throwaway root (tests/run e2e@R).

load ../lib/common
load ../lib/docker
load ../lib/package
load ../lib/aptrepo

setup_file() {
	pkg_file_needs root throwaway gpg python3 || return 0
	hersh_purge
	save_path "$HG_DAEMON_JSON"
	MIRROR_DIR=$BATS_FILE_TMPDIR/mirror
	MIRROR_URL=$(aptrepo_gvisor_mirror "$MIRROR_DIR" release nightly)
	MIRROR_FPR=$(aptrepo_fpr "$MIRROR_DIR")
	export MIRROR_DIR MIRROR_URL MIRROR_FPR
}

teardown_file() {
	! file_skipped || return 0
	[ -z "${MIRROR_DIR:-}" ] || aptrepo_stop "$MIRROR_DIR"
	hersh_purge
}

setup() {
	file_skip_check
	hersh_purge
	restore_path "$HG_DAEMON_JSON"
	pkg_forget
	pkg_preseed apt-source=true "apt-uri=$MIRROR_URL/repo" "key-url=$MIRROR_URL/key.asc" \
		"key-fingerprint=$MIRROR_FPR" runtime-args=--network=none
}

# apt-get/apt-cache with only the gVisor source and private lists.
apt_gvisor() {
	local cmd=$1
	shift
	mkdir -p "$BATS_TEST_TMPDIR/lists/partial"
	"$cmd" -o Dir::Etc::SourceList="$HG_SOURCE_FILE" -o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$BATS_TEST_TMPDIR/lists" "$@"
}

@test "apt-source=true installs the verified key and a source apt can use" {
	run pkg_install
	assert_success
	assert_file_exists "$HG_KEYRING"
	assert_file_exists "$HG_SOURCE_FILE"
	run cat "$HG_SOURCE_FILE"
	assert_output --partial "$MIRROR_URL/repo release main"
	run apt_gvisor apt-get update
	assert_success
	refute_output --partial "NO_PUBKEY"
	# The pin confines the repository to runsc: its other package is
	# known to apt and never installed.
	run apt_gvisor apt-cache policy hersh-test-dummy
	assert_output --partial "Candidate: (none)"
	assert_output --regexp "1\.0 -1"
}

@test "the mirror settings are recorded so hersh-apt-source show finds the mirror's source" {
	run pkg_install
	assert_success
	run cat /etc/apt/apt.conf.d/50hersh-gvisor
	assert_line "Hersh-Gvisor::URI \"$MIRROR_URL/repo\";"
	assert_line "Hersh-Gvisor::Fingerprint \"$MIRROR_FPR\";"
	run /usr/sbin/hersh-apt-source show
	assert_success
	assert_line --regexp "^source	$HG_SOURCE_FILE	one-line	$MIRROR_URL/repo	release	"
	assert_line --regexp "^keyring	.*	ok	$MIRROR_FPR	"
}

@test "purge removes the recorded mirror settings" {
	run pkg_install
	assert_success
	run pkg_purge
	assert_success
	assert_not_exists /etc/apt/apt.conf.d/50hersh-gvisor
}

@test "purge removes the source, the key and the state the package created" {
	run pkg_install
	assert_success
	assert_file_exists "$HG_SOURCE_FILE"
	run pkg_purge
	assert_success
	assert_not_exists "$HG_SOURCE_FILE"
	assert_not_exists "$HG_KEYRING"
	assert_not_exists "$HG_STATE_DIR"
}

@test "an unreachable key URL adds no source and the install still succeeds" {
	pkg_preseed key-url=http://127.0.0.1:1/key
	run pkg_install
	assert_success
	assert_output --partial "hersh-gvisor: apt source: not added"
	assert_output --partial "dpkg-reconfigure hersh-gvisor"
	assert_not_exists "$HG_SOURCE_FILE"
	assert_not_exists "$HG_KEYRING"
	assert_equal "$(pkg_status hersh-gvisor)" installed
	run "$HG_DJ_TOOL" show runsc
	assert_success
}

@test "a key with another fingerprint adds no source" {
	pkg_preseed key-fingerprint=0123456789ABCDEF0123456789ABCDEF01234567
	run pkg_install
	assert_success
	assert_output --partial "apt source: not added"
	assert_not_exists "$HG_SOURCE_FILE"
	assert_not_exists "$HG_KEYRING"
}

@test "dpkg-reconfigure adds the source once the key can be obtained" {
	pkg_preseed key-url=http://127.0.0.1:1/key
	pkg_install
	assert_not_exists "$HG_SOURCE_FILE"
	pkg_preseed "key-url=$MIRROR_URL/key.asc"
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	assert_file_exists "$HG_SOURCE_FILE"
	assert_file_exists "$HG_KEYRING"
}

@test "dpkg-reconfigure with another suite replaces the package's source" {
	pkg_install
	run cat "$HG_SOURCE_FILE"
	assert_output --partial " release main"
	pkg_preseed apt-suite=nightly
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	run cat "$HG_SOURCE_FILE"
	assert_output --partial "$MIRROR_URL/repo nightly main"
	run apt_gvisor apt-get update
	assert_success
}

@test "apt-source=false set by dpkg-reconfigure takes the package's source out" {
	pkg_install
	assert_file_exists "$HG_SOURCE_FILE"
	pkg_preseed apt-source=false
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	assert_not_exists "$HG_SOURCE_FILE"
}

@test "an admin's edit of 50hersh-gvisor is read back into the answers and kept" {
	local conf=/etc/apt/apt.conf.d/50hersh-gvisor edited
	run pkg_install
	assert_success
	# The admin points the key URL elsewhere (the same key) and comments.
	sed -i "s|^Hersh-Gvisor::Key-URL .*|// our own copy of the key\nHersh-Gvisor::Key-URL \"$MIRROR_URL/key.asc?copy=1\";|" "$conf"
	edited=$BATS_TEST_TMPDIR/edited
	cp "$conf" "$edited"
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	cmp "$edited" "$conf"
	run debconf-show hersh-gvisor
	assert_output --partial "key-url: $MIRROR_URL/key.asc?copy=1"
}

@test "answers preseeded after the install still apply when the file was not edited" {
	run pkg_install
	assert_success
	pkg_preseed "key-url=$MIRROR_URL/key.asc?second=1"
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	run cat /etc/apt/apt.conf.d/50hersh-gvisor
	assert_line "Hersh-Gvisor::Key-URL \"$MIRROR_URL/key.asc?second=1\";"
}

@test "a preseeded URI apt cannot parse is replaced by the default, with a warning" {
	pkg_preseed "apt-uri=$MIRROR_URL/repo#x"
	run pkg_install
	assert_success
	assert_output --partial "warning: apt-uri '$MIRROR_URL/repo#x' is not valid"
	assert_output --partial "using the default https://storage.googleapis.com/gvisor/releases"
	run grep -rF "#x" /etc/apt/sources.list.d /etc/apt/apt.conf.d
	assert_failure
	run apt-config dump
	assert_success
}

# hersh-apt-source of the package knows --no-pin (pinning is its job).
pin_supported() {
	/usr/sbin/hersh-apt-source --help 2>&1 | grep -q -e --no-pin
}

@test "the source comes with a pin of the repository to runsc" {
	run pkg_install
	assert_success
	pin_supported || skip "this package's hersh-apt-source does not pin yet"
	assert_file_exists /etc/apt/preferences.d/hersh-gvisor
	run pkg_purge
	assert_success
	assert_not_exists /etc/apt/preferences.d/hersh-gvisor
}

@test "apt-pin=false adds the source without the pin, and true again adds it" {
	pkg_preseed apt-pin=false
	run pkg_install
	assert_success
	pin_supported || skip "this package's hersh-apt-source does not pin yet"
	assert_file_exists "$HG_SOURCE_FILE"
	assert_not_exists /etc/apt/preferences.d/hersh-gvisor
	pkg_preseed apt-pin=true
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	assert_file_exists "$HG_SOURCE_FILE"
	assert_file_exists /etc/apt/preferences.d/hersh-gvisor
}

@test "offline, the default answers add gVisor's source with the key shipped in the package" {
	local fpr uri install
	fpr=$(sed -n 's/^FINGERPRINT=//p' /src/src/upstream.facts)
	uri=$(sed -n 's/^URI=//p' /src/src/upstream.facts)
	pkg_forget
	# No route out of this root: nothing can be downloaded.
	run timeout 10 curl -sS -o /dev/null "$uri/dists/release/Release"
	assert_failure
	run pkg_install
	assert_success
	install=$output
	assert_output --partial "installed the gVisor key $fpr"
	run cat "$HG_SOURCE_FILE"
	assert_output "deb [arch=$(dpkg --print-architecture) signed-by=$HG_KEYRING] $uri release main"
	run /usr/sbin/hersh-apt-source show
	assert_line "$(printf 'keyring\t%s\tok\t%s\tnever' "$HG_KEYRING" "$fpr")"
	# Debian's runsc cannot use sandbox networking on Linux 6.11 and
	# later: the summary names the step that brings gVisor's runsc.
	if hg_kernel_611 && [ "$(hg_runsc_date)" -lt 20240807 ]; then
		output=$install
		assert_output --partial "next step: apt update && apt upgrade"
	fi
}
