#!/usr/bin/env bats
# hersh-daemon-json against a local attacker and other writers: the path is
# resolved once and nothing can redirect the write; only regular files of
# bounded size are read; a file that changed since it was read is not
# replaced; the directories above the file must be root's (or, for a
# non-root caller, its own); the lock is a file of our own that nobody
# else can hold, with a deadline.
#
# Races are made deterministic with strace: the tool is stopped (SIGSTOP
# injected) right after a given system call, the test does what another
# writer or an attacker would, then lets it go on.  Tests that need root
# (another user via setpriv, chown, mknod) say so and skip without it.
# Nothing here touches a host path: every file lives in a throwaway
# directory.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	D=$BATS_TEST_TMPDIR/docker
	mkdir -p "$D"
	F=$D/daemon.json
	SCRATCH=
	HOLDER=
	STOPPED=
}

teardown() {
	if [ -n "$STOPPED" ] && kill -0 "$STOPPED" 2>/dev/null; then
		kill -CONT "$STOPPED" 2>/dev/null || true
		wait "$TRACER" 2>/dev/null || true
	fi
	if [ -n "$HOLDER" ]; then
		kill "$HOLDER" 2>/dev/null || true
		wait "$HOLDER" 2>/dev/null || true
	fi
	if [ -n "$SCRATCH" ]; then
		rm -rf "$SCRATCH"
	fi
}

nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)

# scratch: a directory other users can reach (the test directories are
# private), in SCRATCH, with D and F inside it.
scratch() {
	SCRATCH=$(mktemp -d /tmp/hersh-trust.XXXXXX)
	chmod 0755 "$SCRATCH"
	D=$SCRATCH
	F=$D/daemon.json
}

# stop_after_read ARGS...: the tool, run as -c F ARGS on a fresh copy of
# tabs.json, frozen just after it read F (stop_at).
stop_after_read() {
	local k
	cp "$FX/tabs.json" "$F"
	k=$(nth_call read "<$F>" -q -c "$F" "$@")
	[ -n "$k" ] || fail "no read of $F seen"
	cp "$FX/tabs.json" "$F"
	stop_at read "$k" -c "$F" "$@"
}

# identity FILE: inode, full-precision mtime and checksum.
identity() {
	stat -c '%i %y' "$1"
	sha256sum <"$1"
}

@test "a file replaced by another writer between read and rename is not overwritten: their edit is kept" {
	require_cmd strace
	stop_after_read add runsc /usr/bin/runsc
	printf '{"their-edit": true}\n' >"$D/theirs"
	mv "$D/theirs" "$F"
	resume
	[ "$STOPPED_RC" -eq 1 ] || fail "exit $STOPPED_RC: $(cat "$BATS_TEST_TMPDIR/stopped.err")"
	grep -q "$F: changed since it was read (someone else edited it); left as it is; run again" \
		"$BATS_TEST_TMPDIR/stopped.err" || fail "stderr: $(cat "$BATS_TEST_TMPDIR/stopped.err")"
	[ "$(cat "$F")" = '{"their-edit": true}' ]
	assert_equal "$(ls -A "$D")" daemon.json
}

@test "a file another writer creates while add creates it is not overwritten" {
	require_cmd strace
	k=$(nth_call write "<$D/.daemon.json.hersh-tmp." -q -c "$F" add runsc /usr/bin/runsc)
	rm -f "$F"
	[ -n "$k" ] || fail "no write of a temporary file seen"
	stop_at write "$k" -c "$F" add runsc /usr/bin/runsc
	printf '{"their-edit": true}\n' >"$F"
	resume
	[ "$STOPPED_RC" -eq 1 ] || fail "exit $STOPPED_RC"
	grep -q "changed since it was read" "$BATS_TEST_TMPDIR/stopped.err"
	[ "$(cat "$F")" = '{"their-edit": true}' ]
	assert_equal "$(ls -A "$D")" daemon.json
}

@test "a symlink swapped in for daemon.json between read and write is not followed: the file it names is untouched" {
	require_cmd strace
	victim=$BATS_TEST_TMPDIR/victim
	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$victim"
	before=$(identity "$victim")
	stop_after_read add runsc /usr/bin/runsc
	ln -s "$victim" "$D/swap"
	mv -T "$D/swap" "$F"
	resume
	[ "$STOPPED_RC" -eq 1 ] || fail "exit $STOPPED_RC"
	grep -q "changed since it was read" "$BATS_TEST_TMPDIR/stopped.err"
	[ "$(identity "$victim")" = "$before" ] || fail "the file the symlink names was written"
	[ -L "$F" ] && [ "$(readlink "$F")" = "$victim" ]
}

@test "a FIFO in place of daemon.json is refused at once as not a regular file" {
	require_cmd timeout
	mkfifo "$F"
	run timeout 10 "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: not a regular file"
	run timeout 10 "$DJ" -c "$F" show
	assert_failure 1
	assert_output "hersh-daemon-json: $F: not a regular file"
	[ -p "$F" ]
	assert_equal "$(ls -A "$D")" daemon.json
}

@test "/dev/zero is refused as not a regular file and nothing is read from it" {
	require_cmd timeout
	run timeout 10 "$DJ" -c /dev/zero show
	assert_failure 1
	assert_output "hersh-daemon-json: /dev/zero: not a regular file"
	run timeout 10 "$DJ" -n -c /dev/zero add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: /dev/zero: not a regular file"
}

@test "a daemon.json masked by a symlink to a null device is refused and the device is untouched" {
	require_root
	mknod "$D/null" c 1 3 || skip "cannot make a device node here"
	ln -s "$D/null" "$F"
	before=$(stat -c '%i %F %t:%T' "$D/null")
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: not a regular file ($D/null)"
	run "$DJ" -c "$F" remove runsc
	assert_failure 1
	[ "$(stat -c '%i %F %t:%T' "$D/null")" = "$before" ]
	[ -L "$F" ]
	[ "$(ls -A "$D" | sort | paste -sd ' ')" = "daemon.json null" ]
}

@test "a socket in place of daemon.json is refused as not a regular file" {
	require_cmd python3
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: not a regular file"
	[ -S "$F" ]
}

@test "a 5 MiB daemon.json is refused naming the 4 MiB limit and left untouched" {
	{
		printf '{"x-filler": "'
		head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' a
		printf '"}\n'
	} >"$F"
	before=$(identity "$F")
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: larger than 4 MiB, the limit for a daemon.json"
	run "$DJ" -c "$F" show
	assert_failure 1
	[ "$(identity "$F")" = "$before" ]
}

@test "a directory writable by group or others is refused for an edit, naming it" {
	cp "$FX/tabs.json" "$F"
	chmod 0775 "$D"
	before=$(identity "$F")
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output --partial "hersh-daemon-json: $F: refusing to edit: $D is owned by uid $(id -u) with mode 0775"
	assert_output --partial "--allow-untrusted-dir"
	[ "$(identity "$F")" = "$before" ]
	run "$DJ" -c "$F" show runsc
	assert_failure 3
}

@test "a directory owned by nobody is refused for root and accepted with --allow-untrusted-dir" {
	require_root
	scratch
	chown nobody "$D"
	cp "$FX/tabs.json" "$F"
	before=$(identity "$F")
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output --partial "refusing to edit: $D is owned by uid $(id -u nobody) with mode 0755"
	[ "$(identity "$F")" = "$before" ]
	run "$DJ" -q --allow-untrusted-dir -c "$F" add runsc /usr/bin/runsc
	assert_success
	cmp "$FX/expected/tabs.add.json" "$F" 2>/dev/null ||
		jq -e '.runtimes.runsc.path == "/usr/bin/runsc"' "$F" >/dev/null
	assert_equal "$(ls -A "$D")" daemon.json
}

@test "a user edits a daemon.json in a directory of its own (rootless Docker)" {
	require_root
	require_cmd setpriv
	scratch
	mkdir "$D/.config"
	F=$D/.config/daemon.json
	cp "$FX/tabs.json" "$F"
	chown -R nobody "$D"
	"${nobody[@]}" test -x "$DJ" || skip "nobody cannot run $DJ"
	run "${nobody[@]}" "$DJ" -q -c "$F" add runsc /usr/bin/runsc
	assert_success
	"${nobody[@]}" "$DJ" -c "$F" show runsc >/dev/null
}

@test "a symlink owned by another user is not followed" {
	require_root
	mkdir "$D/real"
	cp "$FX/tabs.json" "$D/real/daemon.json"
	ln -s real/daemon.json "$F"
	chown -h nobody "$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: the symlink $D/daemon.json is owned by uid $(id -u nobody), not by root"
	cmp "$FX/tabs.json" "$D/real/daemon.json"
}

@test "a flock on the directory held by another user no longer blocks an edit" {
	require_root
	require_cmd setpriv flock timeout
	scratch
	cp "$FX/tabs.json" "$F"
	"${nobody[@]}" bash -c 'exec 9<"$1" && flock -x 9 && exec sleep 60' _ "$D" &
	HOLDER=$!
	for ((i = 0; i < 100; i++)); do
		! flock -n -x "$D" true || { sleep 0.05; continue; }
		break
	done
	! flock -n -x "$D" true || fail "nobody did not get the lock on $D"
	run timeout 20 "$DJ" -q -c "$F" add runsc /usr/bin/runsc
	assert_success
	jq -e '.runtimes.runsc.path == "/usr/bin/runsc"' "$F" >/dev/null
}

@test "the lock is a root-only file beside daemon.json while held, and gone after" {
	require_cmd strace
	stop_after_read -q add runsc /usr/bin/runsc
	[ -f "$D/.daemon.json.hersh-lock" ] || fail "no lock file while the lock is held"
	assert_equal "$(stat -c '%a %u' "$D/.daemon.json.hersh-lock")" "600 $(id -u)"
	resume
	assert_equal "$STOPPED_RC" 0
	assert_equal "$(ls -A "$D")" daemon.json
}

@test "a lock held by another hersh-daemon-json times out after --lock-timeout naming its pid" {
	require_cmd strace
	stop_after_read -q add runsc /usr/bin/runsc
	t0=$SECONDS
	run --separate-stderr "$DJ" --lock-timeout 1 -c "$F" remove crun
	assert_failure 1
	[ $((SECONDS - t0)) -le 5 ] || fail "waited $((SECONDS - t0)) s"
	# shellcheck disable=SC2154 # set by run --separate-stderr
	assert_equal "$stderr" "hersh-daemon-json: $F: cannot lock: $D/.daemon.json.hersh-lock is held by process $STOPPED (waited 1 s)"
	resume
	assert_equal "$STOPPED_RC" 0
	jq -e '.runtimes.runsc.path == "/usr/bin/runsc"' "$F" >/dev/null
}

@test "a lock file planted as a symlink is refused and never followed" {
	cp "$FX/tabs.json" "$F"
	victim=$BATS_TEST_TMPDIR/victim
	echo keep >"$victim"
	ln -s "$victim" "$D/.daemon.json.hersh-lock"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: cannot lock: $D/.daemon.json.hersh-lock is not a regular file owned by uid $(id -u)"
	assert_equal "$(cat "$victim")" keep
	cmp "$FX/tabs.json" "$F"
}

@test "--lock-timeout takes whole seconds" {
	run "$DJ" --lock-timeout soon -c "$F" add runsc /usr/bin/runsc
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: --lock-timeout takes whole seconds from 0 to 86400: soon"
	run "$DJ" --lock-timeout 5 -c "$F" show
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: --lock-timeout is only for commands that lock the file"
}
