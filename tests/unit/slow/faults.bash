# Shared by the hersh-daemon-json fault tests: tests/unit/daemon-json-faults.bats
# (failures injected, runs in make check) and tests/unit/slow/daemon-json-crash.bats
# (SIGKILL at every system call; slow, run once by tests/run).  Load after
# ../lib/common and ../lib/daemon-json.  Every file and mount lives under the
# test's own temporary directory.

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
