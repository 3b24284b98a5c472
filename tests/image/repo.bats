#!/usr/bin/env bats
# Rolling out from your own apt repository: `make repo KEY=...` builds a
# signed repository from dist/*.deb with the key the user names; a host
# then installs from it with a plain `apt-get install -y hersh-gvisor`,
# trusting only that key (signed-by), after apt-source=false was preseeded
# as a fleet without internet access would.
#
# Root; the host is a throwaway root of the release under test (tests/run:
# image@RELEASE), whose apt sources, debconf answers and packages this file
# changes freely; it does not run on a real machine.

load ../lib/common
load ../lib/aptrepo

SOURCES=/etc/apt/sources.list.d/fleet.sources
# apt verifies as the _apt user: the key must be readable by it.
KEYRING=/etc/apt/keyrings/fleet.gpg

setup_file() {
	file_needs throwaway root gpg gpgv apt-get make deb || return 0
	printf '%s\n' "$HERSH_DEB" >"$BATS_FILE_TMPDIR/deb"
	local w=$BATS_FILE_TMPDIR url fpr
	fpr=$(aptrepo_key_new "$w/key")
	# What a user runs: their own key in their own GnuPG home.
	GNUPGHOME=$w/key/gnupg make -s -C "$HERSH_SRC" repo KEY="$fpr" REPO_DIR="$w/site/repo" \
		>"$w/make.log" 2>&1 || { cat "$w/make.log" >&2; return 1; }
	install -D -m 0644 "$w/key/key.gpg" "$KEYRING"
	url=$(aptrepo_serve "$w/site")
	printf '%s\n' "$url" >"$w/url"
	cat >"$SOURCES" <<-EOF
		Types: deb
		URIs: $url/repo
		Suites: stable
		Components: main
		Signed-By: $KEYRING
	EOF
	echo 'hersh-gvisor hersh-gvisor/apt-source boolean false' | debconf-set-selections
	# Only the new source: the root's Debian mirror is out of reach.
	apt-get update -o Dir::Etc::SourceList="$SOURCES" -o Dir::Etc::SourceParts=- \
		-o APT::Get::List-Cleanup=0 >"$w/update.log" 2>&1 ||
		{ cat "$w/update.log" >&2; return 1; }
	# A copy in apt's cache would be installed without fetching it from
	# the repository under test.
	rm -f /var/cache/apt/archives/hersh-gvisor_*.deb
	local rc=0
	DEBIAN_FRONTEND=noninteractive apt-get install -y hersh-gvisor >"$w/install.log" 2>&1 || rc=$?
	printf '%s\n' "$rc" >"$w/install.rc"
}

teardown_file() {
	! file_skipped || return 0
	aptrepo_stop "$BATS_FILE_TMPDIR/site"
	aptrepo_stop "$BATS_FILE_TMPDIR/key"
}

setup() {
	file_skip_check
	W=$BATS_FILE_TMPDIR
	DEB=$(cat "$W/deb")
	URL=$(cat "$W/url")
}

@test "make repo without KEY says how to name the signing key" {
	run make -s -C "$HERSH_SRC" repo KEY= REPO_DIR="$W/unused"
	assert_failure
	assert_output --partial 'make repo KEY='
	assert_file_not_exist "$W/unused"
}

@test "make repo signs the repository with the named key" {
	run gpgv --keyring "$W/key/key.gpg" "$W/site/repo/dists/stable/InRelease"
	assert_success
	run gpgv --keyring "$W/key/key.gpg" "$W/site/repo/dists/stable/Release.gpg" "$W/site/repo/dists/stable/Release"
	assert_success
}

@test "make repo lists the built package with its version" {
	local version
	version=$(dpkg-deb --field "$DEB" Version)
	run grep -h -A3 '^Package: hersh-gvisor$' "$W"/site/repo/dists/stable/main/binary-*/Packages
	assert_success
	assert_line "Version: $version"
}

# The output and exit status of the install setup_file ran.
install_result() {
	cat "$W/install.log"
	return "$(cat "$W/install.rc")"
}

@test "plain apt-get install hersh-gvisor succeeds from the repository" {
	run install_result
	assert_success
}

@test "apt fetched hersh-gvisor from the signed repository, authenticated" {
	run cat "$W/install.log"
	assert_line --regexp "^Get:[0-9]+ ${URL//./\\.}/repo stable/main [a-z0-9]+ hersh-gvisor "
	refute_output --partial 'cannot be authenticated'
}

@test "the installed hersh-gvisor is the built package" {
	run dpkg-query -W -f '${Status} ${Version}' hersh-gvisor
	assert_output "install ok installed $(dpkg-deb --field "$DEB" Version)"
}

@test "the preseeded apt-source=false kept the package from adding a gVisor source" {
	assert_file_not_exist /var/lib/hersh-gvisor/apt-source
	assert_file_not_exist /etc/apt/sources.list.d/gvisor.list
}
