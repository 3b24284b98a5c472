#!/usr/bin/env bats
# hersh-apt-source: runs that change files serialise on a lock file of its
# own, Dir/var/lib/hersh-gvisor/.apt-source.hersh-lock (root-only, never
# followed as a symlink, removed when released), waited for at most
# Hersh-Gvisor::Lock-Timeout (--lock-timeout) seconds.  No directory
# another user can open and flock stands in the way.  A run holding the
# lock is an install-key stuck on a slow key server on 127.0.0.1.

load ../lib/common
load ../lib/aptrepo
load slow-run

bats_require_minimum_version 1.5.0

nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)

setup_file() {
	aptsrc_setup_file || return 1
	SLOW_URL=$(aptrepo_hostile "$BATS_FILE_TMPDIR/slow" slow) || return 1
	export SLOW_URL
}

teardown_file() {
	aptsrc_teardown_file
	aptrepo_stop "$BATS_FILE_TMPDIR/slow"
}

setup() {
	# The APT root where other users can reach it (test directories are
	# private), and a private TMPDIR APT's sandbox user can reach into.
	SCRATCH=$(mktemp -d /tmp/hersh-aptsrc-lock.XXXXXX)
	chmod 0755 "$SCRATCH"
	aptroot_new "$SCRATCH/apt"
	ROOT=$SCRATCH/apt/root
	APT_CONFIG=$SCRATCH/apt/apt.conf
	KEYRING=$ROOT/usr/share/keyrings/gvisor-archive-keyring.gpg
	PARTS=$ROOT/etc/apt/sources.list.d
	STATE_DIR=$ROOT/var/lib/hersh-gvisor
	LOCK=$STATE_DIR/.apt-source.hersh-lock
	TMPDIR=$SCRATCH/tmp
	mkdir "$TMPDIR"
	chmod 1777 "$TMPDIR"
	export ROOT APT_CONFIG KEYRING PARTS STATE_DIR LOCK TMPDIR
	export -f has
	HOLDER='' PID=''
}

teardown() {
	[ -z "$HOLDER" ] || kill "$HOLDER" 2>/dev/null || true
	[ -z "$PID" ] || kill "$PID" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$SCRATCH"
}

# nobody_flock DIR: nobody holds an exclusive flock on DIR (sets HOLDER).
nobody_flock() {
	"${nobody[@]}" bash -c 'exec 9<"$1" && flock -x 9 && exec sleep 60' _ "$1" 3>&- &
	HOLDER=$!
	wait_for eval "! flock -n -x '$1' true" || fail "nobody did not get a flock on $1"
}

# A run that holds the lock: install-key from the slow server; sets PID
# once it is downloading, with the lock taken.
holding_run() {
	slow_install_key
	wait_for download_dir || fail "install-key did not start its download"
}

# bounded ARGS...: has ARGS, stopped after 20 s (a run blocked on a lock
# fails instead of hanging the suite).
bounded() {
	timeout 20 bash -c 'has "$@"' _ "$@"
}

# install-key, add, remove: each succeeds within 20 s, and leaves nothing.
change_all() {
	run bounded -q install-key
	assert_success
	run bounded -q add
	assert_success
	run bounded -q remove
	assert_success
	assert_file_not_exists "$KEYRING"
	assert_equal "$(state_dir)" ""
}

# What the state directory holds (no lock file, we hope).
state_dir() {
	ls -A "$STATE_DIR"
}

@test "a flock another user holds on Dir/var/lib blocks neither install-key, add nor remove" {
	require_root
	nobody_flock "$ROOT/var/lib"
	change_all
}

@test "a flock another user holds on the state directory blocks neither install-key, add nor remove" {
	require_root
	mkdir -p "$STATE_DIR"
	nobody_flock "$STATE_DIR"
	change_all
}

@test "a lock held by another run times out after Hersh-Gvisor::Lock-Timeout, naming the lock file and the process" {
	holding_run
	SECONDS=0
	run --separate-stderr bounded -o Hersh-Gvisor::Lock-Timeout=1 install-key --from "$MIRROR/key.gpg"
	local took=$SECONDS
	assert_failure 1
	# shellcheck disable=SC2154 # set by run --separate-stderr
	assert_equal "$stderr" "hersh-apt-source: $LOCK: cannot lock: held by process $PID (waited 1 s)"
	[ "$took" -le 5 ] || fail "waited $took s"
	assert_file_not_exists "$KEYRING"
}

@test "--lock-timeout sets the deadline for add and remove" {
	holding_run
	SECONDS=0
	run bounded --lock-timeout 0 add
	assert_failure 1
	assert_output "hersh-apt-source: $LOCK: cannot lock: held by process $PID (waited 0 s)"
	run bounded remove --lock-timeout 1
	assert_failure 1
	assert_output "hersh-apt-source: $LOCK: cannot lock: held by process $PID (waited 1 s)"
	[ "$SECONDS" -le 8 ] || fail "waited $SECONDS s"
}

# waiter_ends_by SIGNAL STATUS: a second install-key waits for the lock of
# a holding run; SIGNAL ends it at once, with STATUS (it dies by SIGNAL),
# having written nothing.  SIGNAL is not ignored, as from a terminal (a
# background job's SIGINT is).
waiter_ends_by() {
	local waiter status=0
	holding_run
	env --default-signal="$1" "$HERSH_BIN_DIR/hersh-apt-source" -q \
		--fingerprint "$MIRROR_FPR" --lock-timeout 60 \
		install-key --from "$MIRROR/key.gpg" 3>&- &
	waiter=$!
	sleep 1
	kill -0 "$waiter" || fail "the second run did not wait for the lock"
	SECONDS=0
	kill -"$1" "$waiter"
	wait "$waiter" || status=$?
	assert_equal "$status" "$2"
	[ "$SECONDS" -le 1 ] || fail "it went on waiting for $SECONDS s"
	assert_file_exists "$LOCK"
	assert_file_not_exists "$KEYRING"
}

@test "a run waiting for the lock ends at once on SIGTERM, by that signal" {
	waiter_ends_by TERM 143
}

@test "a run waiting for the lock ends at once on SIGINT (Ctrl-C), by that signal" {
	waiter_ends_by INT 130
}

@test "the lock is a root-only file while held and is gone when the run ends, by a signal too" {
	local status=0
	holding_run
	assert_file_exists "$LOCK"
	assert_equal "$(stat -c '%a %u %F' "$LOCK")" "600 $(id -u) regular empty file"
	kill -TERM "$PID"
	wait "$PID" || status=$?
	PID=
	assert_equal "$status" 143
	assert_equal "$(state_dir)" ""
}

@test "no lock file is left after install-key, add and remove" {
	has -q install-key
	assert_equal "$(state_dir)" apt-source
	has -q add
	assert_equal "$(state_dir)" apt-source
	has -q remove
	assert_equal "$(state_dir)" ""
}

@test "a lock file left by a SIGKILLed run does not stop the next run, which removes it" {
	holding_run
	kill -KILL "$PID"
	wait "$PID" || true
	PID=
	assert_file_exists "$LOCK"
	run bounded -q --lock-timeout 1 install-key --from "$MIRROR/key.gpg"
	assert_success
	assert_equal "$(state_dir)" apt-source
}

@test "a lock file planted as a symlink is refused and never followed" {
	local victim=$SCRATCH/victim
	echo keep >"$victim"
	chmod 0640 "$victim"
	mkdir -p "$STATE_DIR"
	ln -s "$victim" "$LOCK"
	run bounded install-key
	assert_failure 1
	assert_output "hersh-apt-source: $LOCK: cannot lock: not a regular file owned by uid $(id -u)"
	assert_equal "$(cat "$victim")" keep
	assert_equal "$(stat -c %a "$victim")" 640
	assert_file_not_exists "$KEYRING"
}

@test "the state directory is made 0755, whatever the umask, to hold the lock" {
	rm -rf "${ROOT:?}/var/lib"
	(umask 077 && has -q install-key)
	assert_equal "$(stat -c %a "$ROOT/var" "$ROOT/var/lib" "$STATE_DIR")" "755
755
755"
}

@test "remove with no state directory makes none" {
	run has remove
	assert_success
	assert_output "$STATE_DIR/apt-source: nothing to remove"
	assert_file_not_exists "$STATE_DIR"
}

@test "--lock-timeout takes whole seconds up to a day, and not with show" {
	run has --lock-timeout soon add
	assert_failure 2
	assert_line --index 0 "hersh-apt-source: --lock-timeout 'soon': it is not a whole number of seconds from 0 to 86400"
	run has --lock-timeout 86401 add
	assert_failure 2
	run has --lock-timeout 5 show
	assert_failure 2
	assert_line --index 0 "hersh-apt-source: --lock-timeout goes with add, remove, install-key, set-config and purge, not 'show'"
}

@test "Hersh-Gvisor::Lock-Timeout from APT's configuration must be whole seconds" {
	echo 'Hersh-Gvisor::Lock-Timeout "1m";' >"$ROOT/etc/apt/apt.conf.d/50lock"
	run has remove
	assert_failure 1
	assert_output "hersh-apt-source: Hersh-Gvisor::Lock-Timeout '1m': it is not a whole number of seconds from 0 to 86400"
}
