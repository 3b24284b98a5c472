#!/usr/bin/env bats
# hersh-apt-source -o Dir=ROOT (an image being built): every path it
# writes, reads for a checksum or removes is resolved inside ROOT, so a
# symlink in the image (absolute, or climbing with ..) never redirects a
# write, chmod or unlink onto the host.  HOST stands for the host: a
# directory outside ROOT whose files must come out byte-identical, with
# their modes.  Also: what is created gets 0755 (directories) and 0644
# (files) whatever the umask, so that apt's sandbox user can read it.

load ../lib/common
load ../lib/aptrepo

setup_file() {
	aptsrc_setup_file
}

teardown_file() {
	aptsrc_teardown_file
}

setup() {
	aptsrc_setup
	HOST=$BATS_TEST_TMPDIR/host
	mkdir -p "$HOST/keyrings" "$HOST/sources" "$HOST/prefs" "$HOST/state"
	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$HOST/passwd"
	chmod 0640 "$HOST/passwd"
	export HOST
}

teardown() {
	[ -z "${PUBLIC:-}" ] || rm -rf "$PUBLIC"
}

# host_sum: every file under HOST with its mode and checksum.
host_sum() {
	(cd "$HOST" && find . -printf '%p %m %y\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# link_out PATH TARGET: replace ROOT/PATH by a symlink to TARGET.
link_out() {
	rm -rf "${ROOT:?}/$1"
	ln -s "$2" "$ROOT/$1"
}

@test "install-key through an absolute symlink usr/share/keyrings writes the keyring inside the image" {
	before=$(host_sum)
	link_out usr/share/keyrings "$HOST/keyrings"
	run has install-key
	assert_success
	assert_equal "$(host_sum)" "$before"
	# the link resolves inside the image, as it does for apt in a chroot
	assert_file_exists "$ROOT$HOST/keyrings/gvisor-archive-keyring.gpg"
	assert_equal "$(keyring_fprs "$ROOT$HOST/keyrings/gvisor-archive-keyring.gpg")" "$MIRROR_FPR"
	run has show
	assert_line "$(printf 'keyring\t%s\tok\t%s\tnever' "$KEYRING" "$MIRROR_FPR")"
}

@test "install-key through a symlink climbing out with .. writes inside the image" {
	before=$(host_sum)
	link_out usr/share/keyrings "../../../../../../../../../../..$HOST/keyrings"
	run has -q install-key
	assert_success
	assert_equal "$(host_sum)" "$before"
	assert_file_exists "$ROOT$HOST/keyrings/gvisor-archive-keyring.gpg"
}

@test "install-key never writes or chmods through a keyring symlinked to a host file" {
	before=$(host_sum)
	ln -s "$HOST/passwd" "$KEYRING"
	run has install-key
	assert_failure 1
	assert_output "hersh-apt-source: $KEYRING: not a regular file (a symlink, directory or device) and not created by hersh-apt-source; not overwriting it: move it away, then run 'hersh-apt-source install-key' again"
	assert_equal "$(host_sum)" "$before"
	assert_link_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "show reads a keyring symlink inside the image, never the host file it names" {
	ln -s "$HOST/passwd" "$KEYRING"
	mkdir -p "$ROOT$HOST"
	cp "$MIRROR/key.gpg" "$ROOT$HOST/passwd"
	run has show
	assert_line "$(printf 'keyring\t%s\tok\t%s\tnever' "$KEYRING" "$MIRROR_FPR")"
}

@test "add through absolute symlinks sources.list.d and preferences.d writes the source and pin inside the image" {
	has -q install-key
	before=$(host_sum)
	link_out etc/apt/sources.list.d "$HOST/sources"
	link_out etc/apt/preferences.d "$HOST/prefs"
	run has add
	assert_success
	assert_equal "$(host_sum)" "$before"
	assert_file_exists "$ROOT$HOST/sources/gvisor.list"
	assert_file_exists "$ROOT$HOST/prefs/hersh-gvisor"
	assert_file_contains "$STATE" "  /etc/apt/sources.list.d/gvisor.list$"
	# and remove takes them out of the image again
	run has remove
	assert_success
	assert_file_not_exists "$ROOT$HOST/sources/gvisor.list"
	assert_file_not_exists "$ROOT$HOST/prefs/hersh-gvisor"
	assert_equal "$(host_sum)" "$before"
}

@test "the state directory symlinked out of the image is resolved inside it" {
	before=$(host_sum)
	link_out var/lib/hersh-gvisor "$HOST/state"
	run has -q install-key
	assert_success
	assert_equal "$(host_sum)" "$before"
	assert_file_exists "$ROOT$HOST/state/apt-source"
}

@test "remove never unlinks the host's copies of the files it created when the image's directories point at the host" {
	has -q install-key
	has -q add
	# the host holds the very same bytes where the image's links point
	cp "$PARTS/gvisor.list" "$HOST/sources/"
	cp "$KEYRING" "$HOST/keyrings/"
	cp "$ROOT/etc/apt/preferences.d/hersh-gvisor" "$HOST/prefs/"
	before=$(host_sum)
	link_out etc/apt/sources.list.d "$HOST/sources"
	link_out usr/share/keyrings "$HOST/keyrings"
	link_out etc/apt/preferences.d "$HOST/prefs"
	run has remove
	assert_success
	assert_line "$PARTS/gvisor.list: already gone"
	assert_line "$KEYRING: already gone"
	assert_equal "$(host_sum)" "$before"
}

@test "remove leaves a symlink put where a file it created was, as a change" {
	has -q install-key
	has -q add
	cp "$PARTS/gvisor.list" "$HOST/sources/gvisor.list"
	before=$(host_sum)
	rm "$PARTS/gvisor.list"
	ln -s "$HOST/sources/gvisor.list" "$PARTS/gvisor.list"
	run has remove
	assert_success
	assert_line --partial "$PARTS/gvisor.list: not a regular file now (a symlink, directory, FIFO, socket or device); left in place"
	assert_equal "$(host_sum)" "$before"
	assert_link_exists "$PARTS/gvisor.list"
}

@test "a setting pointing out of Dir is refused and nothing is written there" {
	has -q install-key
	before=$(host_sum)
	run has -o Dir::Etc::sourceparts="$HOST/sources" add
	assert_failure 1
	assert_output --partial "$HOST/sources/gvisor.list: not under Dir ($ROOT/)"
	assert_equal "$(host_sum)" "$before"
}

@test "under umask 077 install-key creates the keyring's and the state's directories 0755 and their files 0644" {
	rm -rf "${ROOT:?}/usr/share" "$ROOT/var/lib/hersh-gvisor"
	(umask 077 && has -q install-key)
	assert_equal "$(stat -c '%n %a' "$ROOT/usr/share" "$ROOT/usr/share/keyrings" "$KEYRING")" \
		"$ROOT/usr/share 755
$ROOT/usr/share/keyrings 755
$KEYRING 644"
	assert_equal "$(stat -c '%n %a' "$ROOT/var/lib/hersh-gvisor" "$STATE")" \
		"$ROOT/var/lib/hersh-gvisor 755
$STATE 644"
}

@test "under umask 077 add creates sources.list.d and preferences.d 0755 and the source and pin 0644" {
	has -q install-key
	rm -rf "$PARTS" "$ROOT/etc/apt/preferences.d"
	(umask 077 && has -q add)
	assert_equal "$(stat -c '%n %a' "$PARTS" "$PARTS/gvisor.list")" \
		"$PARTS 755
$PARTS/gvisor.list 644"
	assert_equal "$(stat -c '%n %a' "$ROOT/etc/apt/preferences.d" "$ROOT/etc/apt/preferences.d/hersh-gvisor")" \
		"$ROOT/etc/apt/preferences.d 755
$ROOT/etc/apt/preferences.d/hersh-gvisor 644"
}

@test "apt's sandbox user can read a keyring installed under umask 077" {
	require_root
	id _apt >/dev/null 2>&1 || skip "no _apt user"
	# a root other users can reach (the test directories are private)
	PUBLIC=$(mktemp -d /tmp/hersh-aptsrc-umask.XXXXXX)
	chmod 0755 "$PUBLIC"
	(umask 077 && has -q -o Dir="$PUBLIC/" install-key)
	run runuser -u _apt -- cat "$PUBLIC/usr/share/keyrings/gvisor-archive-keyring.gpg"
	assert_success
}
