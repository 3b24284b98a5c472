#!/usr/bin/env bats
# hersh-daemon-json under faults: a full filesystem, one without free inodes,
# a read-only filesystem, a directory the user cannot write, I/O errors
# injected with strace, and SIGKILL at every system call and at random
# moments.  After each, daemon.json is byte for byte either the original or
# the complete new file, and no temporary file is left behind: a failing run
# removes its own, and one a SIGKILL'd run left (.daemon.json.hersh-tmp.*)
# is removed by the next run under the lock.
#
# Root-only tests (tmpfs mounts, setpriv) skip as any other user; strace tests
# skip without strace.  Nothing here touches a host path: every file and
# mount lives under the test's own temporary directory.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	D=$BATS_TEST_TMPDIR/etc
	mkdir -p "$D"
	F=$D/daemon.json
	ORIG=$BATS_TEST_TMPDIR/orig.json
	cp "$FIXTURES/faults/daemon.json" "$ORIG"
	MNT=
	SCRATCH=
}

teardown() {
	if [ -n "$MNT" ] && mountpoint -q "$MNT"; then
		umount "$MNT" || umount -l "$MNT"
	fi
	if [ -n "$SCRATCH" ]; then
		rm -rf "$SCRATCH"
	fi
}

# mount_tmpfs OPTIONS: a small tmpfs of our own becomes the directory D.
mount_tmpfs() {
	MNT=$BATS_TEST_TMPDIR/mnt
	mkdir -p "$MNT"
	mount -t tmpfs -o "$1,mode=0755" hersh-faults "$MNT" || skip "cannot mount a tmpfs here"
	D=$MNT
	F=$D/daemon.json
}

# fill_space DIR: use up every free block of DIR's filesystem.
fill_space() {
	dd if=/dev/zero of="$1/fill" bs=4096 2>/dev/null || true
	if printf x 2>/dev/null >"$1/probe"; then
		rm -f "$1/probe"
		fail "could not fill $1"
	fi
	rm -f "$1/probe"
}

# fill_inodes DIR: use up every free inode of DIR's filesystem.
fill_inodes() {
	local i=0
	while touch "$1/inode.$i" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 10000 ] || fail "could not use up the inodes of $1"
	done
}

# expected RESULT SRC ARGS...: run ARGS on a copy of SRC (no file when SRC is
# empty) in a directory of its own and keep the resulting file as RESULT.
expected() {
	local out=$1 src=$2 dir
	shift 2
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/ref.XXXXXX")
	[ -z "$src" ] || cp "$src" "$dir/daemon.json"
	"$DJ" -q -c "$dir/daemon.json" "$@" || fail "reference run of '$*' failed"
	jq empty "$dir/daemon.json" || fail "reference run of '$*' wrote invalid JSON"
	cp "$dir/daemon.json" "$out"
	rm -rf "$dir"
}

# reset SRC: D holds exactly a copy of SRC as daemon.json (nothing if empty).
reset() {
	find "$D" -mindepth 1 -delete
	[ -z "$1" ] || cp "$1" "$F"
}

# assert_untouched FILE COPY INODE: same bytes, same inode.
assert_untouched() {
	cmp -s "$1" "$2" || fail "$1 changed: $(diff -u "$2" "$1")"
	[ "$(stat -c %i "$1")" = "$3" ] || fail "$1 was replaced (new inode)"
}

# assert_only DIR NAME...: DIR holds exactly these entries.
assert_only() {
	local dir=$1 got want
	shift
	got=$(ls -A "$dir" | sort)
	want=$(printf '%s\n' "$@" | sort)
	[ "$got" = "$want" ] ||
		fail "$dir holds: ${got//$'\n'/ }; expected: ${want//$'\n'/ }"
}

# assert_error TEXT: one line on stderr naming F and saying TEXT.
# shellcheck disable=SC2154 # run --separate-stderr sets stderr, stderr_lines
assert_error() {
	[ "${#stderr_lines[@]}" -eq 1 ] ||
		fail "expected one line on stderr, got: $stderr"
	[[ $stderr == *"$F"* ]] || fail "stderr does not name $F: $stderr"
	[[ $stderr == *"$1"* ]] || fail "stderr does not say '$1': $stderr"
}

# xstrace ARGS...: strace with LeakSanitizer off (it cannot work under ptrace)
# for an ASan build, as make check-sanitize runs these tests.
xstrace() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace "$@"
}

# traced INJECT ARGS...: the tool under strace with one -e inject=INJECT.
traced() {
	local inject=$1
	shift
	xstrace -f -qq -o /dev/null -e inject="$inject" "$DJ" "$@"
}

# call_index SYSCALL TEXT ARGS...: trace one run of ARGS (it edits F) and
# print which call of SYSCALL (1, 2, ...) is the first whose line, as
# strace -y prints it (fds shown as <path>), contains TEXT.
call_index() {
	local sc=$1 text=$2
	shift 2
	nth_call "$sc" "$text" -q -c "$F" "$@"
}

# state OLD NEW: print old or new for what F now holds (OLD empty = no
# file), or mix for anything else.
state() {
	if [ -z "$1" ] && [ ! -e "$F" ] && [ ! -L "$F" ]; then
		echo old
	elif [ -n "$1" ] && cmp -s "$F" "$1"; then
		echo old
	elif cmp -s "$F" "$2"; then
		echo new
	else
		echo mix
	fi
}

# litter: what D (or LITTER_DIR) holds besides daemon.json, one name a line.
litter() {
	find "${LITTER_DIR:-$D}" -mindepth 1 -maxdepth 1 ! -name daemon.json -printf '%f\n' | sort
}

# reset_link SRC: F is a symlink to ../real/daemon.json, a copy of SRC.
reset_link() {
	reset ""
	rm -rf "$BATS_TEST_TMPDIR/real"
	mkdir "$BATS_TEST_TMPDIR/real"
	cp "$1" "$BATS_TEST_TMPDIR/real/daemon.json"
	ln -s ../real/daemon.json "$F"
}

# kill_sweep OLD NEW ARGS...: trace one run of ARGS from OLD to find its
# system calls, then for each one from the first that touches D on (before
# it, start-up: nothing to break) run again from OLD and SIGKILL the tool as
# it enters that call.  Each time F must be OLD or NEW, byte for byte.  Files
# a killed run leaves beside F (a temporary file, a lock file) are listed;
# the tests after the sweeps check that the next run does not keep them.
# With RESET=reset_link, F is a symlink that must stay one.
kill_sweep() {
	local old=$1 new=$2 trace=$BATS_TEST_TMPDIR/trace i k s st rc first
	local n_kill=0 n_old=0 n_new=0 n_litter=0 names='' calls=()
	local -A seen=()
	shift 2
	${RESET:-reset} "$old"
	xstrace -f -y -qq -o "$trace" "$DJ" -q -c "$F" "$@" || fail "traced run of '$*' failed"
	[ "$(state "$old" "$new")" = new ] || fail "traced run of '$*' gave another result"
	mapfile -t calls < <(sed -nE 's/^[0-9]+ +([a-z_0-9]+)\(.*/\1/p' "$trace")
	[ "${#calls[@]}" -gt 10 ] || fail "strace saw only ${#calls[@]} system calls"
	[ "${#calls[@]}" -le 1000 ] || fail "too many system calls to sweep: ${#calls[@]}"
	first=$(grep -E '^[0-9]+ +[a-z_0-9]+\(' "$trace" | grep -n -F "$D" |
		grep -v -m 1 -E '^[0-9]+:[0-9]+ +execve\(' | cut -d: -f1)
	[ -n "$first" ] || fail "the traced run never touched $D"
	first=$((first - 1))
	for ((i = 0; i < ${#calls[@]}; i++)); do
		s=${calls[i]}
		k=$((${seen[$s]:-0} + 1))
		seen[$s]=$k
		[ "$i" -ge "$first" ] || continue
		# strace sees the first execve only on its way out: no entry to
		# kill at.  getrandom is skipped: glibc's temporary names take one
		# or two calls at random, and nothing is written there.
		if [ "$s" = execve ] && [ "$k" -eq 1 ] || [ "$s" = getrandom ]; then
			continue
		fi
		n_kill=$((n_kill + 1))
		${RESET:-reset} "$old"
		rc=0
		traced "$s:signal=KILL:when=$k" -q -c "$F" "$@" 2>/dev/null || rc=$?
		[ "$rc" -eq 137 ] || fail "call $i ($s #$k): expected SIGKILL, exit $rc (system calls differ between runs?)"
		[ -z "${RESET:-}" ] || [ -L "$F" ] ||
			fail "killed entering call $i ($s #$k): $F is no longer a symlink"
		st=$(state "$old" "$new")
		case $st in
		old) n_old=$((n_old + 1)) ;;
		new) n_new=$((n_new + 1)) ;;
		*) fail "killed entering call $i ($s #$k): $F is neither the old nor the new file: $(cat "$F")" ;;
		esac
		jq empty "$F" 2>/dev/null || { [ -z "$old" ] && [ "$st" = old ]; } ||
			fail "killed entering call $i ($s #$k): $F does not parse"
		if [ -n "$(litter)" ]; then
			n_litter=$((n_litter + 1))
			names+=$(litter | sed -E 's/^(\.daemon\.json\.([a-z-]+\.)?)[A-Za-z0-9]{6}$/\1XXXXXX/')$'\n'
		fi
	done
	names=$(printf '%s' "$names" | sort -u | paste -sd ' ')
	echo "# $n_kill kill points (of ${#calls[@]} calls): $n_old left the old file, $n_new the new one, $n_litter left files beside it: ${names:-none}" >&3
}

@test "add on a full filesystem fails naming the file and leaves it untouched" {
	require_root
	mount_tmpfs size=64k
	cp "$ORIG" "$F"
	ino=$(stat -c %i "$F")
	fill_space "$D"
	run --separate-stderr "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_error "No space left on device"
	assert_untouched "$F" "$ORIG" "$ino"
	assert_only "$D" daemon.json fill
}

@test "add of a new file on a full filesystem fails naming the file and creates nothing" {
	require_root
	mount_tmpfs size=64k
	fill_space "$D"
	run --separate-stderr "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_error "No space left on device"
	assert_only "$D" fill
}

@test "remove on a full filesystem fails naming the file and leaves it untouched" {
	require_root
	expected "$BATS_TEST_TMPDIR/with.json" "$ORIG" add runsc /usr/bin/runsc
	mount_tmpfs size=64k
	cp "$BATS_TEST_TMPDIR/with.json" "$F"
	ino=$(stat -c %i "$F")
	fill_space "$D"
	run --separate-stderr "$DJ" -c "$F" remove runsc
	assert_failure 1
	assert_error "No space left on device"
	assert_untouched "$F" "$BATS_TEST_TMPDIR/with.json" "$ino"
	assert_only "$D" daemon.json fill
}

@test "add on a filesystem without free inodes fails naming the file and leaves it untouched" {
	require_root
	mount_tmpfs size=1m,nr_inodes=16
	cp "$ORIG" "$F"
	ino=$(stat -c %i "$F")
	fill_inodes "$D"
	before=$(ls -A "$D")
	run --separate-stderr "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_error "No space left on device"
	assert_untouched "$F" "$ORIG" "$ino"
	[ "$(ls -A "$D")" = "$before" ] || fail "files appeared: $(ls -A "$D")"
}

@test "add on a read-only filesystem fails naming the file and leaves it untouched" {
	require_root
	mount_tmpfs size=1m
	cp "$ORIG" "$F"
	ino=$(stat -c %i "$F")
	mount -o remount,ro "$MNT"
	run --separate-stderr "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_error "Read-only file system"
	assert_untouched "$F" "$ORIG" "$ino"
	assert_only "$D" daemon.json
}

@test "a dry run on a read-only filesystem succeeds and writes nothing" {
	require_root
	mount_tmpfs size=1m
	cp "$ORIG" "$F"
	ino=$(stat -c %i "$F")
	mount -o remount,ro "$MNT"
	run --separate-stderr "$DJ" -n -c "$F" add runsc /usr/bin/runsc
	assert_success
	assert_output --partial '"runsc"'
	assert_untouched "$F" "$ORIG" "$ino"
}

@test "an add that changes nothing succeeds on a read-only filesystem: no lock is needed where nobody can write" {
	require_root
	expected "$BATS_TEST_TMPDIR/with.json" "$ORIG" add runsc /usr/bin/runsc
	mount_tmpfs size=1m
	cp "$BATS_TEST_TMPDIR/with.json" "$F"
	ino=$(stat -c %i "$F")
	mount -o remount,ro "$MNT"
	run --separate-stderr "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_success
	assert_output "$F: runtime runsc is already as requested, nothing to change"
	assert_untouched "$F" "$BATS_TEST_TMPDIR/with.json" "$ino"
	assert_only "$D" daemon.json
}

@test "a remove that changes nothing succeeds for a user who cannot write the directory" {
	require_root
	require_cmd setpriv
	SCRATCH=$(mktemp -d /tmp/hersh-faults.XXXXXX)
	chmod 0755 "$SCRATCH"
	D=$SCRATCH
	F=$D/daemon.json
	cp "$ORIG" "$F"
	chmod 0644 "$F"
	nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	"${nobody[@]}" test -x "$DJ" || skip "nobody cannot run $DJ"
	run --separate-stderr "${nobody[@]}" "$DJ" -c "$F" remove runsc
	assert_success
	assert_output "$F: no runtime runsc, nothing to change"
	assert_only "$D" daemon.json
}

@test "add in a directory the user cannot write fails naming the file and leaves it untouched" {
	require_root
	require_cmd setpriv
	SCRATCH=$(mktemp -d /tmp/hersh-faults.XXXXXX)
	chmod 0755 "$SCRATCH"
	D=$SCRATCH
	F=$D/daemon.json
	cp "$ORIG" "$F"
	chmod 0644 "$F"
	ino=$(stat -c %i "$F")
	nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	"${nobody[@]}" test -x "$DJ" || skip "nobody cannot run $DJ"
	run --separate-stderr "${nobody[@]}" "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_error "Permission denied"
	assert_untouched "$F" "$ORIG" "$ino"
	assert_only "$D" daemon.json
}

@test "show works for a user who can read but not write the file" {
	require_root
	require_cmd setpriv
	SCRATCH=$(mktemp -d /tmp/hersh-faults.XXXXXX)
	chmod 0755 "$SCRATCH"
	F=$SCRATCH/daemon.json
	cp "$ORIG" "$F"
	chmod 0644 "$F"
	nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	"${nobody[@]}" test -x "$DJ" || skip "nobody cannot run $DJ"
	run --separate-stderr "${nobody[@]}" "$DJ" -c "$F" show crun
	assert_success
	jq -e '.path == "/usr/bin/crun"' <<<"$output" >/dev/null || fail "show crun printed: $output"
	assert_only "$SCRATCH" daemon.json
}

@test "an ENOSPC while writing the temporary file fails naming the file and leaves it untouched" {
	require_cmd strace
	cp "$ORIG" "$F"
	ino=$(stat -c %i "$F")
	run --separate-stderr traced write,writev,pwrite64:error=ENOSPC:when=1 -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_error "No space left on device"
	assert_untouched "$F" "$ORIG" "$ino"
	assert_only "$D" daemon.json
}

@test "an ENOSPC while writing during remove fails naming the file and leaves it untouched" {
	require_cmd strace
	expected "$BATS_TEST_TMPDIR/with.json" "$ORIG" add runsc /usr/bin/runsc
	cp "$BATS_TEST_TMPDIR/with.json" "$F"
	ino=$(stat -c %i "$F")
	run --separate-stderr traced write,writev,pwrite64:error=ENOSPC:when=1 -c "$F" remove runsc
	assert_failure 1
	assert_error "No space left on device"
	assert_untouched "$F" "$BATS_TEST_TMPDIR/with.json" "$ino"
	assert_only "$D" daemon.json
}

@test "an EIO from fsync of the temporary file fails naming the file and leaves it untouched" {
	require_cmd strace
	cp "$ORIG" "$F"
	ino=$(stat -c %i "$F")
	run --separate-stderr traced fsync,fdatasync:error=EIO:when=1 -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_error "Input/output error"
	assert_untouched "$F" "$ORIG" "$ino"
	assert_only "$D" daemon.json
}

@test "an EIO from any fsync fails naming the file and leaves the old or the complete new file" {
	require_cmd strace
	expected "$BATS_TEST_TMPDIR/new.json" "$ORIG" add runsc /usr/bin/runsc
	reset "$ORIG"
	xstrace -f -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=fsync,fdatasync "$DJ" -q -c "$F" add runsc /usr/bin/runsc
	n=$(grep -cE '^[0-9]+ +f(data)?sync\(' "$BATS_TEST_TMPDIR/trace" || true)
	[ "$n" -ge 2 ] || fail "expected an fsync of the file and of its directory, saw $n"
	for ((k = 1; k <= n; k++)); do
		reset "$ORIG"
		run --separate-stderr traced fsync,fdatasync:error=EIO:when=$k -c "$F" add runsc /usr/bin/runsc
		assert_failure 1
		assert_error "Input/output error"
		st=$(state "$ORIG" "$BATS_TEST_TMPDIR/new.json")
		[ "$st" != mix ] || fail "fsync #$k failed: $F is neither old nor new"
		assert_only "$D" daemon.json
	done
}

@test "an EIO while reading the file fails naming the file and leaves it untouched" {
	require_cmd strace
	cp "$ORIG" "$F"
	k=$(call_index read "<$F>" add runsc /usr/bin/runsc)
	[ -n "$k" ] || fail "no read of $F seen"
	reset "$ORIG"
	ino=$(stat -c %i "$F")
	run --separate-stderr traced "read:error=EIO:when=$k" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_error "Input/output error"
	assert_untouched "$F" "$ORIG" "$ino"
	assert_only "$D" daemon.json
}

@test "interrupted reads and writes are retried and the complete new file written" {
	require_cmd strace
	expected "$BATS_TEST_TMPDIR/new.json" "$ORIG" add runsc /usr/bin/runsc
	reset "$ORIG"
	r=$(call_index read "<$F>" add runsc /usr/bin/runsc)
	reset "$ORIG"
	w=$(call_index write "<$D/.daemon.json." add runsc /usr/bin/runsc)
	[ -n "$r" ] && [ -n "$w" ] || fail "no read of $F or write of its temporary file seen"
	reset "$ORIG"
	run --separate-stderr xstrace -f -qq -o /dev/null \
		-e inject="read:error=EINTR:when=$r" -e inject="write:error=EINTR:when=$w" \
		"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	assert_success
	assert_equal "$(state "$ORIG" "$BATS_TEST_TMPDIR/new.json")" new
	assert_only "$D" daemon.json
}

@test "an EXDEV from rename fails naming the file and leaves it untouched" {
	require_cmd strace
	cp "$ORIG" "$F"
	ino=$(stat -c %i "$F")
	run --separate-stderr traced rename,renameat,renameat2:error=EXDEV -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_error "Invalid cross-device link"
	assert_untouched "$F" "$ORIG" "$ino"
	assert_only "$D" daemon.json
}

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
	RESET=reset_link LITTER_DIR=$BATS_TEST_TMPDIR/real
	kill_sweep "$ORIG" "$BATS_TEST_TMPDIR/new.json" add runsc /usr/bin/runsc
	reset_link "$ORIG"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	[ -L "$F" ] || fail "$F is no longer a symlink"
	cmp "$BATS_TEST_TMPDIR/real/daemon.json" "$BATS_TEST_TMPDIR/new.json"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/real")" daemon.json
}

@test "a temporary file left by a killed writer is gone after the next successful edit" {
	require_cmd strace timeout
	expected "$BATS_TEST_TMPDIR/new.json" "$ORIG" add runsc /usr/bin/runsc
	reset "$ORIG"
	# Killed just before the rename: the temporary file is complete.
	run traced rename,renameat,renameat2:signal=KILL -q -c "$F" add runsc /usr/bin/runsc
	assert_failure 137
	assert_equal "$(state "$ORIG" "$BATS_TEST_TMPDIR/new.json")" old
	left=$(litter | tr '\n' ' ')
	run --separate-stderr timeout 60 "$DJ" -q -c "$F" add runsc /usr/bin/runsc
	assert_success
	assert_equal "$(state "$ORIG" "$BATS_TEST_TMPDIR/new.json")" new
	[ -z "$(litter)" ] || fail "left by the killed writer: ${left:-nothing}; still there after the next edit: $(litter | tr '\n' ' ')"
}

@test "a temporary file left by a killed writer is gone after the next run even when it changes nothing" {
	require_cmd strace timeout
	reset "$ORIG"
	run traced rename,renameat,renameat2:signal=KILL -q -c "$F" add runsc /usr/bin/runsc
	assert_failure 137
	left=$(litter | tr '\n' ' ')
	run --separate-stderr timeout 60 "$DJ" -q -c "$F" remove runsc
	assert_success
	assert_equal "$(state "$ORIG" /dev/null)" old
	[ -z "$(litter)" ] || fail "left by the killed writer: ${left:-nothing}; still there after a remove that changed nothing: $(litter | tr '\n' ' ')"
}

@test "files of the admin beside daemon.json are never removed, even when named like a temporary file" {
	# Six letters after ".daemon.json." look like mkstemp's XXXXXX.
	names=(.daemon.json.backup .daemon.json.before .daemon.json.Orig01 .daemon.json.bak
		daemon.json.dpkg-old daemon.json~ daemon.json.XXXXXX)
	cp "$ORIG" "$F"
	for n in "${names[@]}"; do
		printf 'kept: %s\n' "$n" >"$D/$n"
	done
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	"$DJ" -q -c "$F" remove runsc
	"$DJ" -q -c "$F" remove runsc
	for n in "${names[@]}"; do
		[ -f "$D/$n" ] || fail "$D/$n was removed"
		[ "$(cat "$D/$n")" = "kept: $n" ] || fail "$D/$n was changed"
	done
}

@test "a writer killed while holding the lock does not block the next one" {
	require_cmd strace timeout
	expected "$BATS_TEST_TMPDIR/new.json" "$ORIG" add runsc /usr/bin/runsc
	reset "$ORIG"
	# Killed entering its first write: after any lock is taken.
	run traced write,writev,pwrite64:signal=KILL:when=1 -q -c "$F" add runsc /usr/bin/runsc
	assert_failure 137
	run --separate-stderr timeout 60 "$DJ" -q -c "$F" add runsc /usr/bin/runsc
	assert_success
	assert_equal "$(state "$ORIG" "$BATS_TEST_TMPDIR/new.json")" new
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
