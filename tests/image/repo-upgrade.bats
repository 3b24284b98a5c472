#!/usr/bin/env bats
# A fleet sees each release: a host that installed the previous version of
# hersh-gvisor from the fleet's own repository (`make repo`) upgrades to
# the version under test with a plain `apt upgrade` once that is published
# there too, and Docker's runtime stays configured through the upgrade.
#
# The previous version is the second entry of debian/changelog, built from
# its release commit: the tag debian/VERSION, else the commit tests/releases
# records for it (tests/run: prev_build, on /hersh-prev;
# HERSH_PREV_DIR).  A clone without that history (shallow) cannot build it:
# the test fails and says so.
#
# Root; the host is a throwaway root of the release under test (tests/run:
# image-repo@RELEASE), whose apt sources, debconf answers and packages this
# file changes freely; it does not run on a real machine.

load ../lib/common
load ../lib/aptrepo

SOURCES=/etc/apt/sources.list.d/fleet.sources
KEYRING=/etc/apt/keyrings/fleet.gpg
DJ_FILE=/etc/docker/daemon.json
STATE=/var/lib/hersh-gvisor

# fleet_update: apt-get update of the fleet's repository only (the root's
# Debian mirror is out of reach; its lists stay).
fleet_update() {
	apt-get update -o Dir::Etc::SourceList="$SOURCES" -o Dir::Etc::SourceParts=- \
		-o APT::Get::List-Cleanup=0
}

# publish DEB: make repo with DEB into the fleet's repository, as a
# release manager runs it.
publish() {
	GNUPGHOME=$BATS_FILE_TMPDIR/key/gnupg make -s -C "$HERSH_SRC" repo KEY="$(aptrepo_fpr "$BATS_FILE_TMPDIR/key")" \
		REPO_DIR="$BATS_FILE_TMPDIR/site/repo" REPO_DEBS="$1"
}

setup_file() {
	file_needs throwaway root gpg gpgv apt-get make jq deb || return 0
	local w=$BATS_FILE_TMPDIR prev new url
	if [ -z "${HERSH_PREV_DIR:-}" ]; then
		echo "HERSH_PREV_DIR is not set: tests/run builds the previous version (image@RELEASE) and names it" >&2
		return 1
	fi
	if [ -s "$HERSH_PREV_DIR/ERROR" ]; then
		echo "no previous version to upgrade from: $(cat "$HERSH_PREV_DIR/ERROR")" >&2
		return 1
	fi
	prev=$(ls "$HERSH_PREV_DIR"/hersh-gvisor_*.deb 2>/dev/null | head -n 1)
	[ -n "$prev" ] || { echo "$HERSH_PREV_DIR: no hersh-gvisor_*.deb" >&2; return 1; }
	new=$HERSH_DEB
	if ! dpkg --compare-versions "$(dpkg-deb --field "$new" Version)" gt "$(dpkg-deb --field "$prev" Version)"; then
		echo "the package under test ($(dpkg-deb --field "$new" Version)) is not newer than the previous version ($(dpkg-deb --field "$prev" Version)): bump debian/changelog" >&2
		return 1
	fi
	printf '%s\n' "$prev" >"$w/prev"
	printf '%s\n' "$new" >"$w/new"
	aptrepo_key_new "$w/key" >/dev/null
	publish "$prev" >"$w/publish-prev.log" 2>&1 || { cat "$w/publish-prev.log" >&2; return 1; }
	install -D -m 0644 "$w/key/key.gpg" "$KEYRING"
	url=$(aptrepo_serve "$w/site") || return 1
	printf '%s\n' "$url" >"$w/url"
	cat >"$SOURCES" <<-EOF
		Types: deb
		URIs: $url/repo
		Suites: stable
		Components: main
		Signed-By: $KEYRING
	EOF
	# A fleet without internet access.
	echo 'hersh-gvisor hersh-gvisor/apt-source boolean false' | debconf-set-selections
	fleet_update >"$w/update-prev.log" 2>&1 || { cat "$w/update-prev.log" >&2; return 1; }
	rm -f /var/cache/apt/archives/hersh-gvisor_*.deb
	local rc=0
	DEBIAN_FRONTEND=noninteractive apt-get install -y hersh-gvisor >"$w/install.log" 2>&1 || rc=$?
	printf '%s\n' "$rc" >"$w/install.rc"
	dpkg-query -W -f '${Version}' hersh-gvisor >"$w/installed-before" 2>/dev/null || true
	jq -c '.runtimes.runsc' "$DJ_FILE" >"$w/runtime-before" 2>/dev/null || true

	# The release: the version under test published next to it.
	publish "$new" >"$w/publish-new.log" 2>&1 || { cat "$w/publish-new.log" >&2; return 1; }
	fleet_update >"$w/update-new.log" 2>&1 || { cat "$w/update-new.log" >&2; return 1; }
	rc=0
	DEBIAN_FRONTEND=noninteractive apt upgrade -y >"$w/upgrade.log" 2>&1 || rc=$?
	printf '%s\n' "$rc" >"$w/upgrade.rc"
}

teardown_file() {
	! file_skipped || return 0
	aptrepo_stop "$BATS_FILE_TMPDIR/site"
	aptrepo_stop "$BATS_FILE_TMPDIR/key"
}

setup() {
	file_skip_check
	W=$BATS_FILE_TMPDIR
	PREV=$(cat "$W/prev")
	NEW=$(cat "$W/new")
	URL=$(cat "$W/url")
}

# logged NAME: the output of a step of setup_file, with its exit status.
logged() {
	cat "$W/$1.log"
	return "$(cat "$W/$1.rc")"
}

@test "the previous version installs from the fleet repository first" {
	run logged install
	assert_success
	run cat "$W/installed-before"
	assert_output "$(dpkg-deb --field "$PREV" Version)"
}

@test "the previous version configured the runsc runtime" {
	run jq -r '.path' "$W/runtime-before"
	assert_output /usr/bin/runsc
}

@test "make repo publishes the new version next to the previous one" {
	run grep -h '^Version: ' "$W"/site/repo/dists/stable/main/binary-*/Packages
	assert_line "Version: $(dpkg-deb --field "$PREV" Version)"
	assert_line "Version: $(dpkg-deb --field "$NEW" Version)"
}

@test "apt upgrade succeeds and fetches the new version from the fleet repository" {
	run logged upgrade
	assert_success
	assert_line --regexp "^Get:[0-9]+ ${URL//./\\.}/repo stable/main [a-z0-9]+ hersh-gvisor [a-z0-9]+ $(dpkg-deb --field "$NEW" Version)"
	refute_output --partial 'cannot be authenticated'
}

@test "after apt upgrade the new version is installed" {
	run dpkg-query -W -f '${Status} ${Version}' hersh-gvisor
	assert_output "install ok installed $(dpkg-deb --field "$NEW" Version)"
}

@test "after apt upgrade daemon.json still names the runsc runtime at /usr/bin/runsc" {
	run jq -r '.runtimes.runsc.path' "$DJ_FILE"
	assert_output /usr/bin/runsc
	run hersh-daemon-json show runsc
	assert_success
}

@test "after apt upgrade the state under /var/lib/hersh-gvisor records the runtime entry" {
	assert_file_exist "$STATE/docker-runtime"
	run jq -c . "$STATE/docker-runtime"
	assert_output "$(jq -c '.runtimes.runsc' "$DJ_FILE")"
}

@test "the upgrade printed the new version's summary" {
	run grep '^hersh-gvisor: ' "$W/upgrade.log"
	assert_success
}
