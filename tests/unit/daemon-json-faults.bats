#!/usr/bin/env bats
# hersh-daemon-json under faults: a full filesystem, one without free inodes,
# a read-only filesystem, a directory the user cannot write, I/O errors
# injected with strace, and SIGKILL at chosen points (the sweeps that kill
# at every system call and at random moments are slow, in
# tests/unit/slow/daemon-json-crash.bats).  After each, daemon.json is byte
# for byte either the original or the complete new file, and no temporary
# file is left behind: a failing run removes its own, and one a SIGKILL'd
# run left (.daemon.json.hersh-tmp.*) is removed by the next run under the
# lock.
#
# Root-only tests (tmpfs mounts, setpriv) skip as any other user; strace tests
# skip without strace.  Nothing here touches a host path: every file and
# mount lives under the test's own temporary directory.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json
load slow/faults

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
