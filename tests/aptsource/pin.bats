#!/usr/bin/env bats
# hersh-apt-source add pins the gVisor repository (apt preferences): runsc
# from it at normal priority, anything else at priority 1.  A private APT
# root and a signed test repository that also ships a higher-versioned
# fake bash.

load ../lib/common
load ../lib/aptrepo

setup_file() {
	local debs=()
	MIRROR=$BATS_FILE_TMPDIR/mirror
	mkdir -p "$MIRROR"
	MIRROR_FPR=$(aptrepo_key_new "$MIRROR") || return 1
	debs+=("$(aptrepo_dummy_deb "$MIRROR" runsc 99.0)") || return 1
	debs+=("$(aptrepo_dummy_deb "$MIRROR" bash 99.0)") || return 1
	aptrepo_build "$MIRROR" release main "${debs[@]}" || return 1
	aptrepo_build "$MIRROR" nightly main "${debs[@]}" || return 1
	MIRROR_URL=$(aptrepo_serve "$MIRROR") || return 1
	export MIRROR MIRROR_URL MIRROR_FPR
}

teardown_file() {
	aptrepo_stop "$MIRROR"
}

setup() {
	aptsrc_setup
	PIN=$ROOT/etc/apt/preferences.d/hersh-gvisor
	has -q install-key
}

# The state line of the pin file, or nothing.
pin_state() {
	grep -F "  /etc/apt/preferences.d/hersh-gvisor" "$STATE" || true
}

# apt-get update in the private root (Signed-By pointed at the keyring there).
private_update() {
	sed -i "s|signed-by=/usr|signed-by=$ROOT/usr|" "$PARTS/gvisor.list"
	apt-get -q -o APT::Sandbox::User=root update >/dev/null
}

# The candidate of PACKAGE with the host's installed packages.
candidate() {
	apt-cache -o Dir::State::status=/var/lib/dpkg/status policy "$1" |
		awk '$1 == "Candidate:" { print $2 }'
}

@test "add writes the pin with the source: runsc from the repository at 500, anything else at 1" {
	run has add
	assert_success
	assert_line "$PIN: pinned the gVisor repository (suite release) to runsc; anything else from it gets priority 1"
	cmp "$FIXTURES/apt-source/hersh-gvisor.pref" "$PIN"
	assert_equal "$(stat -c %a "$PIN")" 644
}

@test "the pin says who wrote it and how to turn it off" {
	has -q add
	assert_file_contains "$PIN" "^# Written by hersh-apt-source"
	assert_file_contains "$PIN" "hersh-apt-source add --no-pin"
	assert_file_contains "$PIN" "dpkg-reconfigure hersh-gvisor"
}

@test "add records the pin in the state file" {
	has -q add
	assert_equal "$(pin_state)" "$(sha256sum <"$PIN" | cut -d' ' -f1)  /etc/apt/preferences.d/hersh-gvisor"
}

@test "with the pin, the repository's runsc is the candidate and its higher-versioned bash is not" {
	has -q add
	private_update
	assert_equal "$(candidate runsc)" 99.0
	assert_equal "$(candidate bash)" "$(dpkg-query -W -f '${Version}' bash)"
}

@test "without the pin the repository's bash would replace the installed one" {
	has -q add --no-pin
	private_update
	assert_equal "$(candidate bash)" 99.0
}

@test "add pins the suite it adds" {
	has -q add --suite nightly
	assert_file_contains "$PIN" "^Pin: release a=nightly,c=main$"
	private_update
	assert_equal "$(candidate bash)" "$(dpkg-query -W -f '${Version}' bash)"
}

@test "add honours Dir::Etc::PreferencesParts" {
	mkdir -p "$ROOT/etc/apt/prefs"
	has -q -o Dir::Etc::PreferencesParts=prefs add
	assert_file_exists "$ROOT/etc/apt/prefs/hersh-gvisor"
	assert_file_not_exists "$PIN"
}

@test "add --no-pin writes no pin" {
	run has add --no-pin
	assert_success
	assert_output "$PARTS/gvisor.list: added the gVisor source $MIRROR_URL/repo, suite release"
	assert_file_not_exists "$PIN"
	assert_equal "$(pin_state)" ""
}

@test "add --no-pin takes out the pin it wrote" {
	has -q add
	run has add --no-pin
	assert_success
	assert_line "$PIN: removed (--no-pin)"
	assert_file_not_exists "$PIN"
	assert_equal "$(pin_state)" ""
	assert_file_exists "$PARTS/gvisor.list"
}

@test "add --no-pin leaves a pin changed since it was written" {
	has -q add
	echo "# mine now" >>"$PIN"
	run has add --no-pin
	assert_success
	assert_line "$PIN: changed since hersh-apt-source wrote it; left in place"
	assert_file_contains "$PIN" "mine now"
}

@test "add pins its own source that had been added without a pin" {
	has -q add --no-pin
	run has add
	assert_success
	assert_line "$PIN: pinned the gVisor repository (suite release) to runsc; anything else from it gets priority 1"
	cmp "$FIXTURES/apt-source/hersh-gvisor.pref" "$PIN"
}

@test "add does not write again a pin the admin deleted" {
	has -q add
	rm "$PIN"
	run has add
	assert_success
	assert_line "$PIN: deleted since hersh-apt-source wrote it; not written again (add --no-pin forgets it)"
	assert_file_not_exists "$PIN"
}

@test "add leaves a pin file it did not write" {
	printf 'Package: *\nPin: release a=release\nPin-Priority: 990\n' >"$PIN"
	run has add
	assert_success
	assert_line "$PIN: not written by hersh-apt-source; left as it is"
	assert_file_contains "$PIN" "990"
	assert_equal "$(pin_state)" ""
	assert_file_exists "$PARTS/gvisor.list"
}

@test "add writes no pin for a gVisor source it did not add" {
	fixture upstream-oneline.list
	run has add
	assert_success
	assert_file_not_exists "$PIN"
}

@test "remove deletes the pin with the source" {
	has -q add
	run has remove
	assert_success
	assert_line "$PIN: removed"
	assert_file_not_exists "$PIN"
	assert_file_not_exists "$STATE"
}

@test "remove leaves a pin changed since it was written" {
	has -q add
	echo "# mine now" >>"$PIN"
	run has remove
	assert_success
	assert_output --partial "$PIN: changed since hersh-apt-source wrote it; left in place"
	assert_file_exists "$PIN"
	assert_file_not_exists "$PARTS/gvisor.list"
}

@test "remove leaves the pin while a gVisor source is left" {
	has -q add
	echo "# my note" >>"$PARTS/gvisor.list"
	run has remove
	assert_success
	assert_output --partial "$PIN: still pins the gVisor source in $PARTS/gvisor.list; left in place"
	assert_file_exists "$PIN"
}

@test "show reports the pin hersh-apt-source wrote as ok" {
	has -q add
	run has show
	assert_success
	assert_line "$(printf 'pin\t%s\tok' "$PIN")"
}

@test "show reports a changed pin, one someone else wrote, and none" {
	run has show
	assert_line "$(printf 'pin\t%s\tmissing' "$PIN")"
	echo "# mine" >"$PIN"
	run has show
	assert_line "$(printf 'pin\t%s\tforeign' "$PIN")"
	rm "$PIN"
	has -q add
	echo "# mine" >>"$PIN"
	run has show
	assert_line "$(printf 'pin\t%s\tchanged' "$PIN")"
}
