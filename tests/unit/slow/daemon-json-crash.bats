#!/usr/bin/env bats
# hersh-daemon-json killed: SIGKILL entering every system call of an edit
# (add, add with options, remove, a new file, a new directory, through a
# symlink) and at random moments of edits of a large file.  After each,
# daemon.json is byte for byte either the original or the complete new file.
# Slow (about a minute): not part of make check; tests/run runs it once, or
# run it as: bats tests/unit/slow.  Skips without strace.

bats_require_minimum_version 1.5.0
# common.bash finds the tree one level above the test file's directory;
# this one is two levels down.
: "${HERSH_BIN_DIR:=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)/build}"
export HERSH_BIN_DIR
load ../../lib/common
HERSH_SRC=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
FIXTURES=$HERSH_SRC/tests/fixtures
export HERSH_SRC FIXTURES
load ../../lib/daemon-json
load faults

@test "add killed entering any system call leaves the old or the complete new file" {
	require_cmd strace
	expected "$BATS_TEST_TMPDIR/new.json" "$ORIG" add runsc /usr/bin/runsc
	kill_sweep "$ORIG" "$BATS_TEST_TMPDIR/new.json" add runsc /usr/bin/runsc
}

@test "add with --set-default and runtime args killed entering any system call leaves the old or the complete new file" {
	require_cmd strace
	args=(add runsc /usr/bin/runsc --set-default --runtime-arg --network=none --runtime-arg --debug)
	expected "$BATS_TEST_TMPDIR/new.json" "$ORIG" "${args[@]}"
	kill_sweep "$ORIG" "$BATS_TEST_TMPDIR/new.json" "${args[@]}"
}

@test "remove killed entering any system call leaves the old or the complete new file" {
	require_cmd strace
	expected "$BATS_TEST_TMPDIR/with.json" "$ORIG" add runsc /usr/bin/runsc --set-default
	expected "$BATS_TEST_TMPDIR/new.json" "$BATS_TEST_TMPDIR/with.json" remove runsc
	kill_sweep "$BATS_TEST_TMPDIR/with.json" "$BATS_TEST_TMPDIR/new.json" remove runsc
}

@test "add creating a new file killed entering any system call leaves no file or the complete new one" {
	require_cmd strace
	expected "$BATS_TEST_TMPDIR/new.json" "" add runsc /usr/bin/runsc
	kill_sweep "" "$BATS_TEST_TMPDIR/new.json" add runsc /usr/bin/runsc
}

@test "add creating the file and its directory killed entering any system call leaves no file or the complete new one" {
	require_cmd strace
	expected "$BATS_TEST_TMPDIR/new.json" "" add runsc /usr/bin/runsc
	F=$D/docker/daemon.json
	kill_sweep "" "$BATS_TEST_TMPDIR/new.json" add runsc /usr/bin/runsc
	[ "$(stat -c %a "$D/docker")" = 755 ] || fail "$D/docker has mode $(stat -c %a "$D/docker")"
}

@test "add through a symlink killed entering any system call keeps the link and leaves the old or the complete new file" {
	require_cmd strace
	expected "$BATS_TEST_TMPDIR/new.json" "$ORIG" add runsc /usr/bin/runsc
	# shellcheck disable=SC2034 # read by kill_sweep and litter (faults.bash)
	RESET=reset_link LITTER_DIR=$BATS_TEST_TMPDIR/real
	kill_sweep "$ORIG" "$BATS_TEST_TMPDIR/new.json" add runsc /usr/bin/runsc
	reset_link "$ORIG"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	[ -L "$F" ] || fail "$F is no longer a symlink"
	cmp "$BATS_TEST_TMPDIR/real/daemon.json" "$BATS_TEST_TMPDIR/new.json"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/real")" daemon.json
}

@test "add and remove killed at random moments always leave the old or the complete new file" {
	# A large file makes each run long enough to be killed mid-way.
	big=$BATS_TEST_TMPDIR/big.json
	jq --tab '. + {"x-hersh-filler": ([range(40000)] | map({key: "k\(.)", value: "v\(.) \u00e9 12345678901234567890"}) | from_entries)}' \
		"$ORIG" >"$big"
	expected "$BATS_TEST_TMPDIR/new.json" "$big" add runsc /usr/bin/runsc
	new=$BATS_TEST_TMPDIR/new.json
	# How long one run takes here (not judged: it only spreads the kills
	# over the run, sleep's own start-up included).
	reset "$big"
	t0=${EPOCHREALTIME/./}
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	t1=${EPOCHREALTIME/./}
	span=$(((t1 - t0) + 1))
	reset "$big"
	n_killed=0 n_old=0 n_new=0 n_litter=0
	for ((i = 0; i < 150; i++)); do
		case $(state "$big" "$new") in
		old) cmd=(add runsc /usr/bin/runsc) ;;
		new) cmd=(remove runsc) ;;
		*) fail "iteration $i: $F is neither the old nor the new file (is add then remove byte-exact?)" ;;
		esac
		"$DJ" -q -c "$F" "${cmd[@]}" &
		pid=$!
		us=$((span / 4 + (RANDOM * 32768 + RANDOM) % span))
		sleep "$(printf '%d.%06d' $((us / 1000000)) $((us % 1000000)))"
		kill -KILL "$pid" 2>/dev/null || true
		rc=0
		wait "$pid" || rc=$?
		[ "$rc" -ne 137 ] || n_killed=$((n_killed + 1))
		case $(state "$big" "$new") in
		old) n_old=$((n_old + 1)) ;;
		new) n_new=$((n_new + 1)) ;;
		*) fail "iteration $i (${cmd[*]}): killed mid-way, $F is neither the old nor the new file" ;;
		esac
		# What a killed run leaves, the next run removes (checked below).
		[ -z "$(litter)" ] || n_litter=$((n_litter + 1))
	done
	echo "# 150 runs, SIGKILL after $((span / 4000))-$((span * 5 / 4000)) ms, $n_killed died of it: old file $n_old times, new file $n_new times, files left beside it $n_litter times" >&3
	"$DJ" -q -c "$F" remove runsc
	assert_equal "$(state "$big" /dev/null)" old
	assert_only "$D" daemon.json
}
