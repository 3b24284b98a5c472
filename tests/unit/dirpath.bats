#!/usr/bin/env bats
# src/lib's path resolution (lib/dirpath.h) through its test driver,
# build/test-dirpath: a path confined inside a root never leaves it,
# whether the kernel's openat2(2) resolves it or the step-by-step walk
# does (-w); directories are created 0755 whatever the umask; symlinks
# are followed to the end, at most 40 of them; a missing directory can be
# a result of its own.  And lib/atomic-file.h's replace and remove relative
# to the directory found: neither touches a file that changed since it
# was read (-X runs a command in between).

bats_require_minimum_version 1.5.0
load ../lib/common

setup() {
	TD=$HERSH_BIN_DIR/test-dirpath
	[ -x "$TD" ] || fail "no $TD: run make"
	ROOT=$BATS_TEST_TMPDIR/root
	HOST=$BATS_TEST_TMPDIR/host
	mkdir -p "$ROOT/etc" "$ROOT/usr/share" "$HOST"
}

# devino DIR: device:inode as the driver prints it.
devino() {
	stat -c '%d:%i' "$1"
}

# resolves_to WANT ARGS...: the driver, both ways, reaches directory WANT.
resolves_to() {
	local want=$1 walk
	shift
	for walk in "" -w; do
		run "$TD" ${walk:+"$walk"} "$@"
		assert_success
		[ "$(cut -f3 <<<"$output")" = "$(devino "$want")" ] ||
			fail "${walk:-openat2}: $* reached $(cut -f1 <<<"$output"), not $want"
	done
}

@test "an absolute symlink inside a root resolves inside the root" {
	ln -s /etc "$ROOT/usr/share/keyrings"
	resolves_to "$ROOT/etc" -r "$ROOT" /usr/share/keyrings/gvisor.gpg
}

@test "a relative symlink climbing out of a root stays inside it" {
	ln -s ../../../../../../../etc "$ROOT/usr/share/keyrings"
	resolves_to "$ROOT/etc" -r "$ROOT" /usr/share/keyrings/gvisor.gpg
}

@test "a path with .. cannot leave a root" {
	resolves_to "$ROOT" -r "$ROOT" ../../../../x.gpg
	resolves_to "$ROOT/etc" -r "$ROOT" /usr/../../../etc/x.gpg
}

@test "a write through an absolute symlink inside a root lands inside the root" {
	ln -s "$HOST" "$ROOT/usr/share/keyrings"
	mkdir -p "$ROOT/$HOST"
	for walk in "" -w; do
		run "$TD" ${walk:+"$walk"} -r "$ROOT" -W key /usr/share/keyrings/gvisor.gpg
		assert_success
		assert_file_not_exist "$HOST/gvisor.gpg"
		assert_equal "$(cat "$ROOT/$HOST/gvisor.gpg")" key
		rm "$ROOT/$HOST/gvisor.gpg"
	done
}

@test "a final symlink followed inside a root stays inside it" {
	ln -s /etc/target "$ROOT/usr/share/link"
	run "$TD" -f -r "$ROOT" /usr/share/link
	assert_success
	assert_output "/etc	target	$(devino "$ROOT/etc")"
}

@test "missing directories are created 0755 under umask 077" {
	umask 077
	for walk in "" -w; do
		rm -rf "$ROOT/a"
		run "$TD" ${walk:+"$walk"} -m -r "$ROOT" -W data /a/b/c/file
		assert_success
		assert_equal "$(stat -c %a "$ROOT/a" "$ROOT/a/b" "$ROOT/a/b/c" | paste -sd ' ')" "755 755 755"
		assert_equal "$(stat -c %a "$ROOT/a/b/c/file")" 644
	done
}

@test "only the last directory is created when asked so" {
	run "$TD" -l "$BATS_TEST_TMPDIR/x/y/file"
	assert_failure 1
	assert_output --partial "cannot create directory: No such file or directory"
	assert_not_exist "$BATS_TEST_TMPDIR/x"
	run "$TD" -l "$BATS_TEST_TMPDIR/x/file"
	assert_success
	assert_dir_exist "$BATS_TEST_TMPDIR/x"
}

@test "a chain of symlinks is followed to the end, and a loop is refused" {
	ln -s "$HOST/f" "$BATS_TEST_TMPDIR/l1"
	ln -s l1 "$BATS_TEST_TMPDIR/l2"
	run "$TD" -f "$BATS_TEST_TMPDIR/l2"
	assert_success
	assert_output "$HOST	f	$(devino "$HOST")"
	ln -s loop "$BATS_TEST_TMPDIR/loop"
	run "$TD" -f "$BATS_TEST_TMPDIR/loop"
	assert_failure 1
	assert_output --partial "Too many levels of symbolic links"
}

@test "a path naming a directory names no file" {
	run "$TD" "$ROOT/etc/"
	assert_failure 1
	assert_output --partial "Is a directory"
	run "$TD" -r "$ROOT" /etc/..
	assert_failure 1
}

@test "a directory writable by others is not trusted, a sticky one with our own entry is" {
	mkdir -m 0777 "$BATS_TEST_TMPDIR/open"
	run "$TD" -t "$BATS_TEST_TMPDIR/open/file"
	assert_failure 3
	assert_output --partial "$BATS_TEST_TMPDIR/open is owned by uid $(id -u) with mode 0777"
	mkdir -m 1777 "$BATS_TEST_TMPDIR/sticky"
	mkdir "$BATS_TEST_TMPDIR/sticky/mine"
	run "$TD" -t "$BATS_TEST_TMPDIR/sticky/mine/file"
	assert_success
}

@test "a missing directory is a result of its own when asked, an error otherwise" {
	for walk in "" -w; do
		run "$TD" ${walk:+"$walk"} -M -r "$ROOT" /usr/no/such/file
		assert_failure 4
		assert_output "missing	/usr/no"
		run "$TD" ${walk:+"$walk"} -r "$ROOT" /usr/no/such/file
		assert_failure 1
		assert_output --partial "cannot open directory: No such file or directory"
	done
	run "$TD" -M "$HOST/no/file"
	assert_failure 4
	assert_output "missing	$HOST/no"
	# Not missing: a file where a directory should be; one to be created.
	touch "$HOST/file"
	run "$TD" -M "$HOST/file/x"
	assert_failure 1
	assert_output --partial "Not a directory"
	run "$TD" -M -l "$HOST/new/file"
	assert_success
	assert_dir_exist "$HOST/new"
}

@test "a file is removed only while it is still the file that was read" {
	echo data >"$HOST/f"
	run "$TD" -X true -R "$HOST/f"
	assert_success
	assert_file_not_exist "$HOST/f"
	# replaced by another file
	echo data >"$HOST/f"
	run "$TD" -X "echo other >'$HOST/f.new' && mv '$HOST/f.new' '$HOST/f'" -R "$HOST/f"
	assert_failure 5
	assert_output "test-dirpath: $HOST/f: changed since it was read"
	assert_equal "$(cat "$HOST/f")" other
	# written to in place
	run "$TD" -X "echo more >>'$HOST/f'" -R "$HOST/f"
	assert_failure 5
	assert_equal "$(cat "$HOST/f")" "other
more"
	# created where there was none
	run "$TD" -X "echo new >'$HOST/g'" -R "$HOST/g"
	assert_failure 5
	assert_file_exist "$HOST/g"
}

@test "a symlink in place of the file read is not removed, even one to that very file" {
	echo data >"$HOST/f"
	run "$TD" -X "mv '$HOST/f' '$HOST/f.real' && ln -s f.real '$HOST/f'" -R "$HOST/f"
	assert_failure 5
	assert [ -L "$HOST/f" ]
	assert_equal "$(cat "$HOST/f.real")" data
}

@test "removing a file already gone is no error" {
	echo data >"$HOST/f"
	run "$TD" -X "rm '$HOST/f'" -R "$HOST/f"
	assert_success
}

@test "a replace refuses a file changed since it was read" {
	echo data >"$HOST/f"
	run "$TD" -X "echo other >'$HOST/f.new' && mv '$HOST/f.new' '$HOST/f'" -W mine "$HOST/f"
	assert_failure 5
	assert_equal "$(cat "$HOST/f")" other
	assert_equal "$(ls -A "$HOST")" f
}

@test "a file just written is removed with what the write reported, without reading it again" {
	run "$TD" -W data -R "$HOST/f"
	assert_success
	assert_file_not_exist "$HOST/f"
	echo old >"$HOST/f"
	run "$TD" -X true -W data -R "$HOST/f"
	assert_success
	assert_file_not_exist "$HOST/f"
}

# refused_nosym WANT ARGS...: with -s, the driver, both ways, refuses
# naming the symlink WANT.
refused_nosym() {
	local want=$1 walk
	shift
	for walk in "" -w; do
		run "$TD" -s ${walk:+"$walk"} "$@"
		assert_failure 3
		assert_output "test-dirpath: a symlink on the way ($want)"
	done
}

@test "with no symlink to follow, a root-owned symlink on the way is refused, naming it" {
	ln -s "$HOST" "$BATS_TEST_TMPDIR/link"
	refused_nosym "$BATS_TEST_TMPDIR/link" "$BATS_TEST_TMPDIR/link/file"
	# without -s it is followed
	run "$TD" "$BATS_TEST_TMPDIR/link/file"
	assert_success
}

@test "with no symlink to follow, a symlink inside a root is refused, even one staying inside" {
	ln -s /etc "$ROOT/usr/share/keyrings"
	refused_nosym /usr/share/keyrings -r "$ROOT" /usr/share/keyrings/gvisor.gpg
	ln -s ../../etc "$ROOT/usr/lib"
	refused_nosym /usr/lib -r "$ROOT" /usr/lib/x
}

@test "with no symlink to follow, a root's var/lib linked to the host is refused" {
	mkdir -p "$ROOT/var" "$HOST/lib/hersh-gvisor"
	ln -s "$HOST/lib" "$ROOT/var/lib"
	refused_nosym /var/lib -r "$ROOT" /var/lib/hersh-gvisor/apt-source
	refused_nosym /var/lib -r "$ROOT" -M /var/lib/hersh-gvisor/apt-source
}

@test "with no symlink to follow, a symlink as the final component is refused, even with -f" {
	ln -s /etc/passwd "$HOST/file"
	refused_nosym "$HOST/file" "$HOST/file"
	refused_nosym "$HOST/file" -f "$HOST/file"
	ln -s /etc/passwd "$ROOT/etc/file"
	refused_nosym /etc/file -r "$ROOT" /etc/file
	ln -s /etc/passwd "$ROOT/top"
	refused_nosym /top -r "$ROOT" /top
}

@test "with no symlink to follow, a path without symlinks resolves, confined or not" {
	touch "$ROOT/etc/file"
	resolves_to "$ROOT/etc" -s -r "$ROOT" /etc/file
	resolves_to "$HOST" -s "$HOST/file"
	resolves_to "$ROOT/etc" -s -r "$ROOT" /usr/../etc/file
}

@test "with no symlink to follow, a missing directory is still a result of its own" {
	for walk in "" -w; do
		run "$TD" -s -M ${walk:+"$walk"} -r "$ROOT" /var/lib/hersh-gvisor/x
		assert_failure 4
		assert_output "missing	/var"
	done
}

@test "a canonical path is absolute, without . or .. or empty components or a trailing slash" {
	for p in / /etc /etc/apt/sources.list.d/gvisor.list; do
		run "$TD" -C "$p"
		assert_success
		assert_output canonical
	done
	while IFS='|' read -r p why; do
		run "$TD" -C "$p"
		[ "$why" = canonical ] || assert_failure 1
		assert_output "$why"
	done <<-'EOF2'
		|not absolute
		etc/x|not absolute
		/../../usr/share/keyrings/x.gpg|a ".." component
		/etc/./x|a "." component
		/etc//x|an empty component
		/etc/|a trailing slash
		/etc/x/.|a "." component
		/etc/x/..|a ".." component
		/etc/...|canonical
	EOF2
}

@test "a tree is removed with its symlinks, FIFOs and sockets as names, their targets untouched" {
	mkdir -p "$HOST/keep/sub" "$ROOT/var/lib/st/a/b"
	echo keep >"$HOST/keep/file"
	echo x >"$ROOT/var/lib/st/a/b/f"
	ln -s "$HOST/keep" "$ROOT/var/lib/st/dirlink"
	ln -s "$HOST/keep/file" "$ROOT/var/lib/st/a/filelink"
	ln -s /dev/zero "$ROOT/var/lib/st/zero"
	mkfifo "$ROOT/var/lib/st/fifo"
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$ROOT/var/lib/st/sock"
	run timeout 10 "$TD" -D -s -r "$ROOT" /var/lib/st
	assert_success
	assert_line "removed /var/lib/st/fifo"
	assert_line "removed /var/lib/st/dirlink"
	assert_line "removed /var/lib/st/a/b/f"
	assert_line "removed /var/lib/st"
	assert_not_exist "$ROOT/var/lib/st"
	assert_equal "$(cat "$HOST/keep/file")" keep
	assert_dir_exist "$HOST/keep/sub"
}

@test "a tree whose own name is a symlink loses only the link" {
	mkdir -p "$HOST/lib/st"
	echo keep >"$HOST/lib/st/f"
	mkdir -p "$ROOT/var"
	ln -s "$HOST/lib" "$ROOT/var/lib2"
	ln -s "$HOST/lib/st" "$ROOT/var/st"
	run "$TD" -D -r "$ROOT" /var/st
	assert_success
	assert_output "removed /var/st"
	assert_equal "$(cat "$HOST/lib/st/f")" keep
	# with no symlink to follow, one on the way to it is refused
	run "$TD" -D -s -r "$ROOT" /var/lib2/st
	assert_failure 3
	assert_equal "$(cat "$HOST/lib/st/f")" keep
}

@test "a tree deeper than the bound is left where it is too deep, the rest removed" {
	d=$ROOT/st
	for i in $(seq 1 20); do d=$d/d$i; done
	mkdir -p "$d"
	touch "$ROOT/st/file"
	run "$TD" -D -r "$ROOT" /st
	assert_failure 1
	assert_line "removed /st/file"
	assert_line --partial "kept /st/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17: Too many levels of symbolic links"
	assert_line "kept /st: Directory not empty"
	assert_file_not_exist "$ROOT/st/file"
	# with no directory to enter, a directory inside stays whole
	mkdir -p "$ROOT/st2/sub"
	touch "$ROOT/st2/file" "$ROOT/st2/sub/file"
	run "$TD" -D -L 0 -r "$ROOT" /st2
	assert_failure 1
	assert_line "removed /st2/file"
	assert_line "kept /st2/sub: Too many levels of symbolic links"
	assert_line "kept /st2: Directory not empty"
	assert_file_exist "$ROOT/st2/sub/file"
}

@test "a tree with another filesystem mounted inside is not entered" {
	require_root
	mkdir -p "$ROOT/st/mnt"
	mount -t tmpfs hersh-rmtree "$ROOT/st/mnt" || skip "cannot mount a tmpfs here"
	touch "$ROOT/st/mnt/keep"
	run "$TD" -D -r "$ROOT" /st
	status_was=$status
	umount "$ROOT/st/mnt"
	[ "$status_was" = 1 ] || fail "exit $status_was: $output"
	assert_line "kept /st/mnt: Invalid cross-device link"
}
