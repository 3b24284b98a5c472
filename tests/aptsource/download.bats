#!/usr/bin/env bats
# hersh-apt-source install-key: the key download is bounded in size (1 MiB)
# and time (Hersh-Gvisor::Key-Timeout), and its temporary directory goes
# away on every exit path.  Hostile servers on 127.0.0.1
# (tests/fixtures/apt-source/hostile-http.py).

load ../lib/common
load ../lib/aptrepo
load slow-run

setup_file() {
	aptsrc_setup_file || return 1
	ENDLESS_URL=$(aptrepo_hostile "$BATS_FILE_TMPDIR/endless" endless) || return 1
	BIG_URL=$(aptrepo_hostile "$BATS_FILE_TMPDIR/big" big) || return 1
	SLOW_URL=$(aptrepo_hostile "$BATS_FILE_TMPDIR/slow" slow) || return 1
	export ENDLESS_URL BIG_URL SLOW_URL
}

teardown_file() {
	aptsrc_teardown_file
	aptrepo_stop "$BATS_FILE_TMPDIR/endless"
	aptrepo_stop "$BATS_FILE_TMPDIR/big"
	aptrepo_stop "$BATS_FILE_TMPDIR/slow"
}

setup() {
	aptsrc_setup
	# A private TMPDIR, as /tmp is: APT's sandbox user must reach into it.
	TMPDIR=$(mktemp -d /tmp/hersh-aptsrc-tmp.XXXXXX)
	chmod 1777 "$TMPDIR"
	export TMPDIR
}

teardown() {
	rm -rf "$TMPDIR"
}

# What the run left in TMPDIR (nothing, we hope).
leftovers() {
	ls -A "$TMPDIR"
}

@test "install-key stops an endless key download at 1 MiB, writes nothing and leaves no temporary directory" {
	run has install-key --from "$ENDLESS_URL"
	assert_failure 1
	assert_output "hersh-apt-source: $ENDLESS_URL: larger than 1048576 bytes, which no key is (refused at the limit)"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$STATE"
	assert_equal "$(leftovers)" ""
	# it hung up at the limit: the server got no further than its socket buffers
	wait_for test -s "$BATS_FILE_TMPDIR/endless/sent"
	[ "$(cat "$BATS_FILE_TMPDIR/endless/sent")" -lt $((32 * 1024 * 1024)) ]
}

@test "install-key refuses a key download announced as 200 MB without reading it" {
	run has install-key --from "$BIG_URL"
	assert_failure 1
	assert_output --partial "$BIG_URL: larger than 1048576 bytes"
	assert_file_not_exists "$KEYRING"
	assert_equal "$(leftovers)" ""
	wait_for test -s "$BATS_FILE_TMPDIR/big/sent"
	[ "$(cat "$BATS_FILE_TMPDIR/big/sent")" -lt $((32 * 1024 * 1024)) ]
}

@test "install-key gives up on a server sending a byte a second at Hersh-Gvisor::Key-Timeout" {
	SECONDS=0
	run has -o Hersh-Gvisor::Key-Timeout=2 install-key --from "$SLOW_URL"
	local took=$SECONDS
	assert_failure 1
	assert_output "hersh-apt-source: $SLOW_URL: no complete answer within 2 s (Hersh-Gvisor::Key-Timeout)"
	[ "$took" -lt 15 ]
	assert_file_not_exists "$KEYRING"
	assert_equal "$(leftovers)" ""
}

@test "SIGTERM during the key download removes its temporary directory and ends the run by that signal" {
	local status=0
	slow_install_key
	wait_for download_dir
	kill -TERM "$PID"
	wait "$PID" || status=$?
	assert_equal "$status" 143
	assert_equal "$(leftovers)" ""
	assert_file_not_exists "$KEYRING"
}

@test "a directory left by a SIGKILLed download is closed to other users and removed by the next install-key" {
	local dir
	slow_install_key
	wait_for download_dir
	kill -KILL "$PID"
	wait "$PID" || true
	dir=$(compgen -G "$TMPDIR/hersh-apt-source.key.*")
	assert_equal "$(stat -c %a "$dir")" 700
	if [ "$(id -u)" = 0 ]; then
		assert_equal "$(stat -c %U "$dir")" _apt
	fi
	run has install-key --from "$MIRROR/key.gpg"
	assert_success
	assert_equal "$(leftovers)" ""
}

@test "install-key leaves alone a look-alike directory another user owns" {
	require_root
	mkdir "$TMPDIR/hersh-apt-source.key.planted"
	chown nobody "$TMPDIR/hersh-apt-source.key.planted"
	run has install-key --from "$MIRROR/key.gpg"
	assert_success
	assert_dir_exists "$TMPDIR/hersh-apt-source.key.planted"
}

@test "a successful download leaves no temporary directory" {
	run has install-key
	assert_success
	assert_equal "$(leftovers)" ""
}

@test "install-key refuses a file: URL to a device at the deadline" {
	SECONDS=0
	run has -o Hersh-Gvisor::Key-Timeout=2 install-key --from file:///dev/zero
	local took=$SECONDS
	assert_failure 1
	assert_output --partial "file:///dev/zero: "
	[ "$took" -lt 15 ]
	assert_file_not_exists "$KEYRING"
	assert_equal "$(leftovers)" ""
}

@test "install-key --from a key file over 1 MiB is refused" {
	head -c $((1024 * 1024 + 1)) /dev/zero >"$BATS_TEST_TMPDIR/big.key"
	run has install-key --from "$BATS_TEST_TMPDIR/big.key"
	assert_failure 1
	assert_output "hersh-apt-source: $BATS_TEST_TMPDIR/big.key: larger than 1048576 bytes, which no key is"
}

@test "install-key --from a FIFO is refused at once, not read" {
	mkfifo "$BATS_TEST_TMPDIR/key.fifo"
	run timeout 20 "$HERSH_BIN_DIR/hersh-apt-source" --fingerprint "$MIRROR_FPR" \
		install-key --from "$BATS_TEST_TMPDIR/key.fifo"
	assert_failure 1
	assert_output "hersh-apt-source: $BATS_TEST_TMPDIR/key.fifo: not a regular file"
}
