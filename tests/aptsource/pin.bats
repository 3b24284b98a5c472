#!/usr/bin/env bats
# hersh-apt-source add pins the gVisor repository (apt preferences): runsc
# from it at 500, every other package from it at -1 (never installed), the
# repository named by its identity: its host when no other source uses it,
# else its suite and component when no other source has them, else nothing.
# A private APT root and signed repositories on this machine:
#   MIRROR   gVisor-style, on 127.0.0.1: runsc (which depends on
#            gvisor-extra), gvisor-extra and a higher-versioned fake bash;
#            suites release and nightly
#   UNREL    an unrelated repository on 127.0.0.2 (another host, as apt
#            sees it) with the same suite name, release, and component main
#   SAMEHOST another repository on 127.0.0.1 (another port), suite stable

load ../lib/common
load ../lib/aptrepo

setup_file() {
	local debs=()
	MIRROR=$BATS_FILE_TMPDIR/mirror
	UNREL=$BATS_FILE_TMPDIR/unrelated
	SAMEHOST=$BATS_FILE_TMPDIR/samehost
	mkdir -p "$MIRROR" "$UNREL" "$SAMEHOST"
	MIRROR_FPR=$(aptrepo_key_new "$MIRROR") || return 1
	debs+=("$(aptrepo_dummy_deb "$MIRROR" runsc 99.0 all gvisor-extra)") || return 1
	debs+=("$(aptrepo_dummy_deb "$MIRROR" gvisor-extra 1.0)") || return 1
	debs+=("$(aptrepo_dummy_deb "$MIRROR" bash 99.0)") || return 1
	aptrepo_build "$MIRROR" release main "${debs[@]}" || return 1
	aptrepo_build "$MIRROR" nightly main "${debs[@]}" || return 1
	MIRROR_URL=$(aptrepo_serve "$MIRROR") || return 1
	aptrepo_key_new "$UNREL" >/dev/null || return 1
	aptrepo_build "$UNREL" release main "$(aptrepo_dummy_deb "$UNREL" unrelated-pkg 1.0)" || return 1
	UNREL_URL=$(aptrepo_serve "$UNREL" 127.0.0.2) || return 1
	aptrepo_key_new "$SAMEHOST" >/dev/null || return 1
	aptrepo_build "$SAMEHOST" stable main "$(aptrepo_dummy_deb "$SAMEHOST" samehost-pkg 1.0)" || return 1
	SAMEHOST_URL=$(aptrepo_serve "$SAMEHOST") || return 1
	export MIRROR MIRROR_URL MIRROR_FPR UNREL UNREL_URL SAMEHOST SAMEHOST_URL
}

teardown_file() {
	aptrepo_stop "$MIRROR"
	aptrepo_stop "$UNREL"
	aptrepo_stop "$SAMEHOST"
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

# source NAME DIR SUITE: a source for repository DIR (served) in the
# private root, signed by its key copied there.
source_of() {
	cp "$2/key.gpg" "$ROOT/usr/share/keyrings/$1.gpg"
	echo "deb [signed-by=$ROOT/usr/share/keyrings/$1.gpg] $(aptrepo_url "$2")/repo $3 main" >"$PARTS/$1.list"
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

# The priority apt gives to the package file of URL (suite release).
file_priority() {
	apt-cache policy | awk -v u="$1/repo" '$2 == u { print $1; exit }'
}

@test "add writes the pin naming the repository's host: runsc at 500, every other package at -1" {
	run has add
	assert_success
	assert_line "$PIN: pinned the gVisor repository (host 127.0.0.1) to runsc; every other package from it gets priority -1"
	cmp "$FIXTURES/apt-source/hersh-gvisor.pref" "$PIN"
	assert_equal "$(stat -c %a "$PIN")" 644
}

@test "the pin says who wrote it, what it does and how to turn it off" {
	has -q add
	assert_file_contains "$PIN" "^# Written by hersh-apt-source"
	assert_file_contains "$PIN" "never installed"
	assert_file_contains "$PIN" "hersh-apt-source add --no-pin"
	assert_file_contains "$PIN" "dpkg-reconfigure hersh-gvisor"
}

@test "add records the pin in the state file" {
	has -q add
	assert_equal "$(pin_state)" "$(sha256sum <"$PIN" | cut -d' ' -f1)  /etc/apt/preferences.d/hersh-gvisor"
}

@test "apt records the site of a repository on http://127.0.0.1:PORT/ as the host alone" {
	has -q add
	private_update
	run apt-cache policy
	assert_line --regexp "^ +-1 $MIRROR_URL/repo release/main "
	assert_line "     origin 127.0.0.1"
	refute_output --partial "origin 127.0.0.1:"
}

@test "with the pin, the repository's runsc is the candidate at 500" {
	has -q add
	private_update
	assert_equal "$(candidate runsc)" 99.0
	run apt-cache policy runsc
	assert_line --regexp "^ +99.0 500$"
}

@test "with the pin, another package of the repository gets -1 and no candidate" {
	has -q add
	private_update
	run apt-cache policy gvisor-extra
	assert_line --regexp "^ +1.0 -1$"
	assert_equal "$(candidate gvisor-extra)" "(none)"
}

@test "with the pin, another package of the repository cannot be installed by name" {
	has -q add
	private_update
	run apt-get -s install gvisor-extra
	assert_failure 100
	assert_output --partial "Package 'gvisor-extra' has no installation candidate"
}

@test "with the pin, runsc's dependency on another package of its repository does not resolve" {
	has -q add
	private_update
	run apt-get -s install runsc
	assert_failure 100
	assert_output --partial "runsc : Depends: gvisor-extra but it is not installable"
}

@test "with the pin, the repository's higher-versioned bash does not replace the installed one" {
	has -q add
	private_update
	assert_equal "$(candidate bash)" "$(dpkg-query -W -f '${Version}' bash)"
}

@test "with the pin, an unrelated repository on another host with the same suite keeps priority 500" {
	source_of unrelated "$UNREL" release
	has -q add
	private_update
	assert_equal "$(file_priority "$UNREL_URL")" 500
	assert_equal "$(candidate unrelated-pkg)" 1.0
	assert_equal "$(file_priority "$MIRROR_URL")" -1
}

@test "an explicit version on the command line overrides the pin, as with any apt pin" {
	has -q add
	private_update
	run apt-get -s install gvisor-extra=1.0
	assert_success
	assert_output --partial "Inst gvisor-extra"
}

@test "without the pin the repository's bash would replace the installed one" {
	has -q add --no-pin
	private_update
	assert_equal "$(candidate bash)" 99.0
}

@test "another source on the same host: add pins by suite and component instead" {
	source_of samehost "$SAMEHOST" stable
	run has add
	assert_success
	assert_line "$PIN: pinned the gVisor repository (suite release, component main) to runsc; every other package from it gets priority -1"
	assert_file_contains "$PIN" '^Pin: release a=release,c=main$'
	refute_output --partial "origin"
}

@test "with the pin by suite, the other repository on the same host keeps 500 and the gVisor one's other packages get -1" {
	source_of samehost "$SAMEHOST" stable
	has -q add
	private_update
	assert_equal "$(file_priority "$SAMEHOST_URL")" 500
	assert_equal "$(candidate samehost-pkg)" 1.0
	assert_equal "$(candidate gvisor-extra)" "(none)"
	assert_equal "$(candidate runsc)" 99.0
}

@test "add pins by the suite it adds when it pins by suite" {
	source_of samehost "$SAMEHOST" stable
	has -q add --suite nightly
	assert_file_contains "$PIN" "^Pin: release a=nightly,c=main$"
	private_update
	assert_equal "$(candidate bash)" "$(dpkg-query -W -f '${Version}' bash)"
}

@test "another source with the same host, suite and component: add pins nothing and says why" {
	echo "deb http://127.0.0.2:9/other stable main" >"$PARTS/a.list"
	echo "deb [signed-by=/usr/share/keyrings/x.gpg] http://127.0.0.1:9/other release main" >"$PARTS/other.list"
	run has add
	assert_success
	assert_line "hersh-apt-source: warning: $PIN: nothing pinned: the source in $PARTS/other.list uses the same host 127.0.0.1 and has the same suite and component release/main; the gVisor repository's other packages are not held back"
	refute_line --partial "pinned the gVisor repository"
	run grep -c '^Pin' "$PIN"
	assert_output 0
}

@test "a file: repository with another source of the same suite and component is not pinned" {
	echo "deb http://127.0.0.2:9/other release main" >"$PARTS/other.list"
	run has --uri "file://$MIRROR/repo" add
	assert_success
	assert_output --partial "nothing pinned: apt records no host for file://$MIRROR/repo, and the source in $PARTS/other.list has the same suite and component release/main"
}

@test "apt reads a pin file that pins nothing without a word" {
	echo "deb [signed-by=$ROOT/usr/share/keyrings/x.gpg] http://127.0.0.1:9/other release main" >"$PARTS/other.list"
	has -q add 2>/dev/null
	run apt-cache policy runsc
	assert_success
	refute_output --partial "W:"
	refute_output --partial "E:"
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
	assert_line "$PIN: pinned the gVisor repository (host 127.0.0.1) to runsc; every other package from it gets priority -1"
	cmp "$FIXTURES/apt-source/hersh-gvisor.pref" "$PIN"
}

@test "add writes its unchanged pin again by suite once another source uses the host" {
	has -q add
	source_of samehost "$SAMEHOST" stable
	run has add
	assert_success
	assert_line "$PIN: pinned the gVisor repository (suite release, component main) to runsc; every other package from it gets priority -1"
	assert_equal "$(pin_state)" "$(sha256sum <"$PIN" | cut -d' ' -f1)  /etc/apt/preferences.d/hersh-gvisor"
}

@test "add replaces the pin 0.1.0 wrote (priority 1 by suite) with the confining one" {
	has -q add
	printf 'Package: runsc\nPin: release a=release,c=main\nPin-Priority: 500\n\nPackage: *\nPin: release a=release,c=main\nPin-Priority: 1\n' >"$PIN"
	sed -i "s|^[0-9a-f]*  /etc/apt/preferences.d/hersh-gvisor$|$(sha256sum <"$PIN" | cut -d' ' -f1)  /etc/apt/preferences.d/hersh-gvisor|" "$STATE"
	run has add
	assert_success
	assert_line --partial "$PIN: pinned the gVisor repository (host 127.0.0.1)"
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

@test "show reports the pin hersh-apt-source wrote as ok, naming the host it pins" {
	has -q add
	run has show
	assert_success
	assert_line "$(printf 'pin\t%s\tok\torigin:127.0.0.1' "$PIN")"
	refute_line --partial "pin-shared"
}

@test "show reports a pin by suite and component" {
	source_of samehost "$SAMEHOST" stable
	has -q add
	run has show
	assert_line "$(printf 'pin\t%s\tok\trelease:release/main' "$PIN")"
}

@test "show reports a pin that pins nothing as shared" {
	echo "deb http://127.0.0.1:9/other release main" >"$PARTS/other.list"
	has -q add 2>/dev/null
	run has show
	assert_line "$(printf 'pin\t%s\tok\tshared' "$PIN")"
	refute_line --partial "pin-shared"
}

@test "show names each other source the pin's host also matches" {
	has -q add
	echo "deb http://127.0.0.1:9/other stable main" >"$PARTS/other.list"
	printf 'Types: deb\nURIs: http://127.0.0.1:8/x\nSuites: a b\nComponents: main\n' >"$PARTS/more.sources"
	echo "deb http://127.0.0.3:9/third release main" >"$PARTS/third.list"
	run has show
	assert_line "$(printf 'pin\t%s\tok\torigin:127.0.0.1' "$PIN")"
	assert_line "$(printf 'pin-shared\t%s\thttp://127.0.0.1:9/other/' "$PARTS/other.list")"
	assert_line "$(printf 'pin-shared\t%s\thttp://127.0.0.1:8/x/' "$PARTS/more.sources")"
	assert_equal "$(grep -c '^pin-shared' <<<"$output")" 2
}

@test "show names each other source the pin's suite and component also match" {
	source_of samehost "$SAMEHOST" stable
	has -q add
	echo "deb http://127.0.0.3:9/third release main contrib" >"$PARTS/third.list"
	echo "deb http://127.0.0.3:9/fourth release contrib" >"$PARTS/fourth.list"
	run has show
	assert_line "$(printf 'pin-shared\t%s\thttp://127.0.0.3:9/third/' "$PARTS/third.list")"
	assert_equal "$(grep -c '^pin-shared' <<<"$output")" 1
}

@test "show reports a changed pin, one someone else wrote, and none" {
	run has show
	assert_line "$(printf 'pin\t%s\tmissing\t-' "$PIN")"
	echo "# mine" >"$PIN"
	run has show
	assert_line "$(printf 'pin\t%s\tforeign\t-' "$PIN")"
	rm "$PIN"
	has -q add
	echo "# mine" >>"$PIN"
	run has show
	assert_line "$(printf 'pin\t%s\tchanged\torigin:127.0.0.1' "$PIN")"
}

@test "show reports the pin 0.1.0 wrote as pinning nothing" {
	has -q add
	printf 'Package: *\nPin: release a=release,c=main\nPin-Priority: 1\n' >"$PIN"
	sed -i "s|^[0-9a-f]*  /etc/apt/preferences.d/hersh-gvisor$|$(sha256sum <"$PIN" | cut -d' ' -f1)  /etc/apt/preferences.d/hersh-gvisor|" "$STATE"
	run has show
	assert_line "$(printf 'pin\t%s\tok\t-' "$PIN")"
}
