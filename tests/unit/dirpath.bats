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
