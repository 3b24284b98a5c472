#!/usr/bin/env bats
# src/lib's lock (lib/lock.h) through its test driver, build/test-lock, and
# as hersh-daemon-json meets it: the lock of a file is .NAME.hersh-lock
# beside it; a wait for it ends at its deadline with one message naming
# the lock file and the pid holding it, or at once when a signal arrives:
# a handler that runs (hersh-apt-source's) ends the wait with EINTR, and a
# signal without one (hersh-daemon-json has none) kills the program as
# usual.  The holder here is flock(1) on the lock file.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	TL=$HERSH_BIN_DIR/test-lock
	[ -x "$TL" ] || fail "no $TL: run make"
	dj_setup
	D=$BATS_TEST_TMPDIR/d
	mkdir "$D"
	F=$D/daemon.json
	LOCK=$D/.daemon.json.hersh-lock
	HOLDER='' WAITER=''
}

teardown() {
	local p
	for p in $WAITER $HOLDER; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# hold: flock(1) holds the lock of F (sets HOLDER, its pid): without a fork,
# so that killing HOLDER ends the hold, and without bats's descriptor 3,
# which bats waits for at the end of the file.
hold() {
	flock -F -x "$LOCK" sleep 60 3>&- &
	HOLDER=$!
	for ((i = 0; i < 100; i++)); do
		! flock -n -x "$LOCK" true || { sleep 0.05; continue; }
		return 0
	done
	fail "flock did not take $LOCK"
}

# waiting PID: PID is still running after half a second (it waits for the lock).
waiting() {
	sleep 0.5
	kill -0 "$1" 2>/dev/null || fail "it did not wait for the lock"
}

# ends_at_once SIGNAL: send SIGNAL to WAITER; its exit status to STATUS,
# after no more than 2 s.
ends_at_once() {
	STATUS=0
	SECONDS=0
	kill -"$1" "$WAITER"
	wait "$WAITER" || STATUS=$?
	WAITER=
	[ "$SECONDS" -le 2 ] || fail "it went on waiting for $SECONDS s after SIG$1"
}

@test "the lock of a file is .NAME.hersh-lock beside it, 0600 while held and gone after" {
	local line pid
	coproc "$TL" "$F"
	pid=$COPROC_PID
	read -r line <&"${COPROC[0]}"
	assert_equal "$line" locked
	assert_equal "$(stat -c '%a %u %F' "$LOCK")" "600 $(id -u) regular empty file"
	eval "exec ${COPROC[1]}>&-"	# its stdin ends: it releases the lock
	wait "$pid"
	assert_equal "$(ls -A "$D")" ""
}

@test "a wait for the lock ends at its deadline naming the lock file and the pid holding it" {
	hold
	SECONDS=0
	run "$TL" -t 1000 "$F"
	assert_failure 1
	assert_output "test-lock: $F: cannot lock: $LOCK is held by process $HOLDER (waited 1 s)"
	[ "$SECONDS" -le 3 ] || fail "waited $SECONDS s"
	run "$TL" -n -t 300 "$F"
	assert_failure 1
	assert_output "test-lock: .daemon.json.hersh-lock: cannot lock: held by process $HOLDER (waited 300 ms)"
}

@test "a signal whose handler runs ends a wait for the lock at once" {
	hold
	"$TL" -i -t 30000 "$F" 2>"$BATS_TEST_TMPDIR/err" &
	WAITER=$!
	waiting "$WAITER"
	ends_at_once INT
	assert_equal "$STATUS" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" \
		"test-lock: $F: cannot lock: $LOCK: Interrupted system call (SIGINT)"
}

@test "a signal that arrives while the lock is being tried is not lost: the wait ends at once" {
	require_cmd strace
	hold
	SECONDS=0
	# SIGINT sent as the third try (flock) starts, not during a sleep.
	# (LeakSanitizer cannot work under ptrace.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run strace -f -qq -o /dev/null -e inject=flock:signal=INT:when=3 \
		"$TL" -i -t 5000 "$F"
	assert_failure 1
	assert_output "test-lock: $F: cannot lock: $LOCK: Interrupted system call (SIGINT)"
	[ "$SECONDS" -le 2 ] || fail "the signal was lost: waited $SECONDS s"
}

@test "a lock file planted as a symlink is refused and never followed" {
	echo keep >"$BATS_TEST_TMPDIR/victim"
	ln -s "$BATS_TEST_TMPDIR/victim" "$LOCK"
	run "$TL" "$F"
	assert_failure 1
	assert_output "test-lock: $F: cannot lock: $LOCK is not a regular file owned by uid $(id -u)"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/victim")" keep
}

@test "hersh-daemon-json waiting for the lock dies at once by SIGINT, leaving daemon.json as it was" {
	cp "$FX/tabs.json" "$F"
	hold
	env --default-signal=INT "$DJ" -q --lock-timeout 30 -c "$F" add runsc /usr/bin/runsc &
	WAITER=$!
	waiting "$WAITER"
	ends_at_once INT
	assert_equal "$STATUS" 130
	cmp "$FX/tabs.json" "$F"
}
