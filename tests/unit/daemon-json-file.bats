#!/usr/bin/env bats
# hersh-daemon-json and the file itself: no write when nothing changes,
# atomic replace keeping mode, owner and symlinks, the lock, dry runs,
# and bad input that must leave the file untouched.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	D=$BATS_TEST_TMPDIR/docker
	mkdir -p "$D"
	F=$D/daemon.json
}

# identity FILE: inode, full-precision mtime and checksum.
identity() {
	stat -c '%i %y' "$1"
	sha256sum <"$1"
}

# refuses FIXTURE MESSAGE: every command that edits refuses bad/FIXTURE.json
# with MESSAGE naming the file, exit 1, and leaves the file as it was.
refuses() {
	local before
	cp "$FX/bad/$1.json" "$F"
	before=$(identity "$F")
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --set-default
	assert_failure 1
	assert_output "hersh-daemon-json: $F: $2"
	[ "$(identity "$F")" = "$before" ]
	run "$DJ" -c "$F" remove runsc
	assert_failure 1
	[ "$(identity "$F")" = "$before" ]
	cmp "$FX/bad/$1.json" "$F"
}

@test "add that changes nothing does not write (same inode, same mtime)" {
	cp "$FX/tabs.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none
	local before
	before=$(identity "$F")
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none
	assert_success
	assert_output "$F: runtime runsc is already as requested, nothing to change"
	[ "$(identity "$F")" = "$before" ]
}

@test "remove of an absent runtime writes nothing" {
	cp "$FX/nvidia.json" "$F"
	local before
	before=$(identity "$F")
	run "$DJ" -c "$F" remove runsc
	assert_success
	assert_output "$F: no runtime runsc, nothing to change"
	[ "$(identity "$F")" = "$before" ]
}

@test "remove never creates a missing file or directory" {
	run "$DJ" -c "$D/new/daemon.json" remove runsc
	assert_success
	assert_not_exist "$D/new"
	run "$DJ" -c "$F" remove runsc
	assert_success
	assert_not_exist "$F"
}

@test "add creates a missing file with mode 0644 whatever the umask" {
	umask 077
	run "$DJ" -q -c "$F" add runsc /usr/bin/runsc
	assert_success
	[ "$(stat -c %a "$F")" = 644 ]
}

@test "add creates a missing last directory with mode 0755" {
	umask 077
	run "$DJ" -q -c "$D/etc-docker/daemon.json" add runsc /usr/bin/runsc
	assert_success
	[ "$(stat -c %a "$D/etc-docker")" = 755 ]
	[ "$(stat -c %a "$D/etc-docker/daemon.json")" = 644 ]
}

@test "add does not create more than the last missing directory" {
	run "$DJ" -c "$D/a/b/daemon.json" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $D/a/b/daemon.json: cannot create directory: No such file or directory"
	assert_not_exist "$D/a"
}

@test "add keeps the mode of an existing file" {
	cp "$FX/tabs.json" "$F"
	chmod 0600 "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	[ "$(stat -c %a "$F")" = 600 ]
}

@test "add keeps the owner of an existing file" {
	require_root
	cp "$FX/tabs.json" "$F"
	chown 65534:65534 "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	[ "$(stat -c %u:%g "$F")" = 65534:65534 ]
}

@test "add through a symlink edits the target and keeps the link" {
	mkdir "$D/real"
	cp "$FX/tabs.json" "$D/real/daemon.json"
	ln -s real/daemon.json "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none
	assert_link_exists "$F"
	[ "$(readlink "$F")" = real/daemon.json ]
	cmp "$FX/expected/tabs.add.json" "$D/real/daemon.json"
}

@test "add through a dangling symlink creates the target" {
	mkdir "$D/real"
	ln -s "$D/real/daemon.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none
	assert_link_exists "$F"
	cmp "$FX/expected/empty.add.json" "$D/real/daemon.json"
}

@test "a successful add leaves no temporary or lock file behind" {
	cp "$FX/two-space.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	"$DJ" -q -c "$F" remove runsc
	run ls -A "$D"
	assert_output daemon.json
}

@test "20 concurrent adds of different runtimes lose none and leave no stray file" {
	cp "$FX/four-space.json" "$F"
	local i pids=()
	for i in $(seq 1 20); do
		"$DJ" -q -c "$F" add "rt$i" "/usr/bin/rt$i" --runtime-arg "--n=$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	run jq -r '.runtimes | keys | length' "$F"
	assert_output 21
	for i in $(seq 1 20); do
		run jq -r ".runtimes.rt$i.runtimeArgs[0]" "$F"
		assert_output "--n=$i"
	done
	run ls -A "$D"
	assert_output daemon.json
}

@test "concurrent removes after concurrent adds give back the original bytes" {
	cp "$FX/tabs.json" "$F"
	local i
	for i in $(seq 1 10); do "$DJ" -q -c "$F" add "rt$i" /usr/bin/x & done
	wait
	for i in $(seq 1 10); do "$DJ" -q -c "$F" remove "rt$i" & done
	wait
	cmp "$FX/tabs.json" "$F"
	run ls -A "$D"
	assert_output daemon.json
}

@test "dry run writes nothing and prints what it would do and a diff" {
	cp "$FX/tabs.json" "$F"
	local before
	before=$(identity "$F")
	run "$DJ" -n -c "$F" add runsc /usr/bin/runsc
	assert_success
	assert_line --index 0 "$F: would add runtime runsc"
	assert_line --index 1 "--- a${F}"
	assert_line --index 2 "+++ b${F}"
	assert_line --index 3 --regexp '^@@ -[0-9]+,[0-9]+ \+[0-9]+,[0-9]+ @@$'
	[ "$(identity "$F")" = "$before" ]
}

@test "the dry-run diff applied with patch gives what add writes" {
	require_cmd patch
	cp "$FX/nvidia.json" "$F"
	"$DJ" -q -n -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none --set-default >"$BATS_TEST_TMPDIR/d.patch"
	cp "$FX/nvidia.json" "$BATS_TEST_TMPDIR/copy.json"
	patch -s "$BATS_TEST_TMPDIR/copy.json" <"$BATS_TEST_TMPDIR/d.patch"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none --set-default
	cmp "$F" "$BATS_TEST_TMPDIR/copy.json"
}

@test "the dry-run diff handles a file without a final newline" {
	require_cmd patch
	cp "$FX/one-line.json" "$F"
	"$DJ" -q -n -c "$F" add runsc /usr/bin/runsc >"$BATS_TEST_TMPDIR/d.patch"
	grep -qx '\\ No newline at end of file' "$BATS_TEST_TMPDIR/d.patch"
	patch -s "$F" <"$BATS_TEST_TMPDIR/d.patch"
	cp "$FX/one-line.json" "$BATS_TEST_TMPDIR/real.json"
	"$DJ" -q -c "$BATS_TEST_TMPDIR/real.json" add runsc /usr/bin/runsc
	cmp "$BATS_TEST_TMPDIR/real.json" "$F"
}

@test "the dry-run diff of remove applies with patch -p1 from the file's root" {
	require_cmd patch
	cp "$FX/default-runtime.json" "$F"
	(cd "$BATS_TEST_TMPDIR" && "$DJ" -q -n -c docker/daemon.json remove runsc >d.patch &&
		patch -s -p1 <d.patch)
	cmp "$FX/expected/default-runtime.remove.json" "$F"
}

@test "the dry-run diff for a missing file creates it with patch" {
	require_cmd patch
	"$DJ" -q -n -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none >"$BATS_TEST_TMPDIR/d.patch"
	assert_not_exist "$F"
	head -n 1 "$BATS_TEST_TMPDIR/d.patch" | grep -qx -- '--- /dev/null'
	(cd "$D" && patch -s daemon.json <"$BATS_TEST_TMPDIR/d.patch")
	cmp "$FX/expected/empty.add.json" "$F"
}

@test "dry run does not create a missing directory" {
	run "$DJ" -n -c "$D/new/daemon.json" add runsc /usr/bin/runsc
	assert_success
	assert_not_exist "$D/new"
}

@test "dry run of a change that is not needed prints no diff" {
	cp "$FX/default-runtime.json" "$F"
	run "$DJ" -n -c "$F" add runsc /usr/bin/runsc
	assert_success
	assert_output "$F: runtime runsc is already as requested, nothing to change"
}

@test "invalid JSON is refused with line and column" {
	refuses missing-comma "invalid JSON at line 3, column 3: expected ',' or '}'"
}

@test "a trailing comma is refused" {
	refuses trailing-comma "invalid JSON at line 3, column 1: trailing comma"
}

@test "a comment is refused" {
	refuses comment "invalid JSON at line 2, column 3: comments are not allowed in JSON"
}

@test "single quotes are refused" {
	refuses single-quotes "invalid JSON at line 2, column 3: single quotes are not JSON; use double quotes"
}

@test "NaN is refused" {
	refuses nan "invalid JSON at line 2, column 10: NaN and Infinity are not JSON numbers"
}

@test "a number ending in a dot is refused" {
	refuses number-dot "invalid JSON at line 2, column 12: invalid number"
}

@test "a raw control character in a string is refused" {
	refuses control-char "invalid JSON at line 2, column 14: control character in string"
}

@test "a truncated file is refused" {
	refuses truncated "invalid JSON at line 5, column 1: unexpected end of data"
}

@test "two documents in one file are refused" {
	refuses two-documents "invalid JSON at line 1, column 4: unexpected data after the top-level value"
}

@test "a top level that is not an object is refused" {
	refuses array-root "the top level is an array, not an object"
}

@test "runtimes that is not an object is refused" {
	refuses runtimes-array '"runtimes" is not an object: found an array at line 2, column 15'
}

@test "a runtime entry that is not an object is refused" {
	refuses entry-string 'runtime "runsc" is not an object: found a string at line 3, column 14'
}

@test "a duplicate runtimes key is refused" {
	refuses duplicate-runtimes 'duplicate key "runtimes" at line 3, column 3'
}

@test "a duplicate runtime name is refused" {
	refuses duplicate-name 'duplicate key "runsc" at line 4, column 5'
}

@test "a duplicate key inside the runtime entry is refused by add" {
	cp "$FX/bad/duplicate-entry-key.json" "$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: duplicate key \"path\" in runtime entry at line 5, column 7"
	cmp "$FX/bad/duplicate-entry-key.json" "$F"
}

@test "remove deletes an entry with duplicate keys inside as a whole" {
	cp "$FX/bad/duplicate-entry-key.json" "$F"
	run "$DJ" -q -c "$F" remove runsc
	assert_success
	[ "$(cat "$F")" = "{}" ]
}

@test "a duplicate default-runtime key is refused" {
	refuses duplicate-default 'duplicate key "default-runtime" at line 3, column 3'
}

@test "add --set-default refuses a default-runtime that is not a string" {
	cp "$FX/bad/default-number.json" "$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --set-default
	assert_failure 1
	assert_output "hersh-daemon-json: $F: \"default-runtime\" is not a string: found a number at line 2, column 22"
	cmp "$FX/bad/default-number.json" "$F"
}

@test "a directory in place of the file is refused as not a regular file" {
	mkdir "$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: not a regular file"
	assert_dir_exist "$F"
}

@test "an unreadable file is refused and left alone" {
	cp "$FX/tabs.json" "$F"
	chmod 000 "$F"
	run unprivileged "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: cannot read: Permission denied"
	chmod 644 "$F"
	cmp "$FX/tabs.json" "$F"
}

@test "a refused file leaves no temporary file behind" {
	cp "$FX/bad/missing-comma.json" "$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	run ls -A "$D"
	assert_output daemon.json
}

@test "an edit under the lock removes a temporary file a killed writer left" {
	cp "$FX/tabs.json" "$F"
	echo partial >"$D/.daemon.json.hersh-tmp.Ab12Cd"
	echo keep >"$D/.daemon.json.backup"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	assert_not_exist "$D/.daemon.json.hersh-tmp.Ab12Cd"
	assert_file_exist "$D/.daemon.json.backup"
}
