# Shared setup of the hersh-daemon-json unit tests.  Load after common.

# dj_setup: DJ, the binary under test (HERSH_BIN_DIR), and FX, the fixtures.
dj_setup() {
	DJ=$HERSH_BIN_DIR/hersh-daemon-json
	[ -x "$DJ" ] || fail "no $DJ: run make"
	# shellcheck disable=SC2034 # read by the test files
	FX=$FIXTURES/daemon-json
}

# stop_at SYSCALL K ARGS...: start the tool with ARGS under strace, stopped
# (SIGSTOP) just after its K-th call of SYSCALL returns; sets STOPPED (its
# pid) and TRACER (strace's).  resume lets it go on; its exit status is
# then in STOPPED_RC.  What happens in between is deterministic: the tool
# is frozen at that point.
stop_at() {
	local sc=$1 k=$2 i
	shift 2
	local trace=$BATS_TEST_TMPDIR/stopped.trace
	: >"$trace"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -o "$trace" -e trace="$sc" -e inject="$sc:signal=STOP:when=$k" "$DJ" "$@" \
		>"$BATS_TEST_TMPDIR/stopped.out" 2>"$BATS_TEST_TMPDIR/stopped.err" &
	TRACER=$!
	# Stopped is strace's word for it: a traced process shows "t" at every
	# system call strace looks at, not only at the injected stop.
	for ((i = 0; i < 400; i++)); do
		if grep -q -- '--- stopped by SIGSTOP ---' "$trace"; then
			STOPPED=$(pgrep -P "$TRACER" || true)
			[ -n "$STOPPED" ] && return 0
		fi
		sleep 0.05
	done
	fail "the tool did not stop at $sc #$k"
}

# shellcheck disable=SC2034 # STOPPED_RC is read by the test files
resume() {
	kill -CONT "$STOPPED"
	STOPPED_RC=0
	wait "$TRACER" || STOPPED_RC=$?
}

# nth_call SYSCALL TEXT ARGS...: which call of SYSCALL (1, 2, ...) of a run
# of the tool with ARGS is the first whose strace -y line holds TEXT.
nth_call() {
	local sc=$1 text=$2 trace=$BATS_TEST_TMPDIR/nth-trace
	shift 2
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -y -qq -o "$trace" -e trace="$sc" "$DJ" "$@" >/dev/null 2>&1
	awk -v sc="$sc(" -v text="$text" '
		index($2, sc) == 1 { n++; if (index($0, text)) { print n; exit } }' "$trace"
}
