#!/usr/bin/env bats
# hersh-apt-source remove, in a private APT root.

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
}

@test "remove deletes the source and keyring it created and the state file" {
	has -q install-key
	has -q add
	run has remove
	assert_success
	assert_line "$PARTS/gvisor.list: removed"
	assert_line "$KEYRING: removed"
	assert_file_not_exists "$PARTS/gvisor.list"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "remove with nothing created says so and succeeds" {
	run has remove
	assert_success
	assert_output "$STATE: nothing to remove"
}

@test "remove leaves a source file changed since add, with a message" {
	has -q install-key
	has -q add
	echo "# my note" >>"$PARTS/gvisor.list"
	run has remove
	assert_success
	assert_output --partial "$PARTS/gvisor.list: changed since hersh-apt-source wrote it; left in place"
	assert_file_exists "$PARTS/gvisor.list"
	# the keyring the kept source names stays too
	assert_output --partial "$KEYRING: still used by the source in $PARTS/gvisor.list; left in place"
	assert_file_exists "$KEYRING"
	assert_file_contains "$STATE" "/etc/apt/sources.list.d/gvisor.list"
}

@test "remove leaves a keyring it did not create" {
	cp "$MIRROR/key.gpg" "$KEYRING"
	has -q install-key
	has -q add
	run has remove
	assert_success
	assert_file_not_exists "$PARTS/gvisor.list"
	assert_file_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "remove leaves a keyring another source still names" {
	has -q install-key
	has -q add
	cp "$FIXTURES/apt-source/uses-keyring.list" "$PARTS/"
	run has remove
	assert_success
	assert_file_not_exists "$PARTS/gvisor.list"
	assert_output --partial "$KEYRING: still used by the source in $PARTS/uses-keyring.list"
	assert_file_exists "$KEYRING"
	assert_file_exists "$STATE"
}

@test "remove leaves a source it did not create" {
	has -q install-key
	cp "$FIXTURES/apt-source/upstream-oneline.list" "$PARTS/gvisor.list"
	has -q add
	run has remove
	assert_success
	assert_file_exists "$PARTS/gvisor.list"
}

@test "remove copes with a created file already gone" {
	has -q install-key
	has -q add
	rm "$PARTS/gvisor.list"
	run has remove
	assert_success
	assert_line "$PARTS/gvisor.list: already gone"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "the state file checks with sha256sum -c from the target's root" {
	has -q install-key
	has -q add
	# what a maintainer script inside the target runs: paths are target paths
	run sed "s|  /|  $ROOT/|" "$STATE"
	run sha256sum -c - <<<"$output"
	assert_success
	assert_line "$PARTS/gvisor.list: OK"
	assert_line "$KEYRING: OK"
}

@test "remove refuses a corrupt state file, naming it" {
	mkdir -p "${STATE%/*}"
	echo "not a checksum line" >"$STATE"
	run has remove
	assert_failure 1
	assert_output --partial "$STATE: line 1"
}

@test "remove refuses a record line whose path is not canonical, naming the line" {
	has -q install-key
	echo "$(sha256sum <"$KEYRING" | cut -d' ' -f1)  /usr/share/keyrings/../keyrings/gvisor-archive-keyring.gpg" >>"$STATE"
	run has remove
	assert_failure 1
	assert_output "hersh-apt-source: $STATE: line 2: not \"<sha256>  <absolute canonical path>\""
	assert_file_exists "$KEYRING"
}
