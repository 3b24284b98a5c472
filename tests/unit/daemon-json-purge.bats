#!/usr/bin/env bats
# hersh-daemon-json purge: the docker side of dpkg --purge.  A daemon.json
# the package created goes when it holds nothing but what a removal
# leaves, its directory when the package created it and it is empty, and
# then the state directory, without following a symlink or opening a
# file.  Everything is tried; odd files are warnings naming them; the
# exit status is 0 unless the usage is wrong.

# shellcheck disable=SC2154 # run --separate-stderr sets stderr
bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	D=$BATS_TEST_TMPDIR/etc/docker
	mkdir -p "$BATS_TEST_TMPDIR/etc"
	F=$D/daemon.json
	S=$BATS_TEST_TMPDIR/lib/hersh-gvisor
}

dj() {
	"$DJ" -c "$F" --state "$S" "$@"
}

# installed: what the package leaves after it added runsc to a new file
# and took it out again (created and dir-created marked, no record).
installed() {
	dj -q add runsc /usr/bin/runsc --set-default --record
	dj -q remove runsc --record
}

@test "purge removes the daemon.json, directory and state the package created" {
	installed
	run --separate-stderr dj purge
	assert_success
	assert_output "$(printf '%s\n' "removed $F (created by this package, empty again)" \
		"removed $D (created by this package, empty)" "removed $S")"
	assert_equal "$stderr" ""
	assert_not_exist "$D"
	assert_not_exist "$S"
}

@test "purge takes a file holding only what a removal leaves, in any layout, for empty" {
	installed
	cp -a "$S" "$BATS_TEST_TMPDIR/state"
	while IFS= read -r text; do
		rm -rf "$S"
		cp -a "$BATS_TEST_TMPDIR/state" "$S"
		mkdir -p "$D"
		printf "$text" >"$F"
		run dj purge --keep-dir
		assert_success
		assert_line --index 0 "removed $F (created by this package, empty again)"
		assert_not_exist "$F"
	done <<-'EOF2'
		
		 \n\t\r\n
		\xef\xbb\xbf{}
		{}
		{"runtimes": {}}
		{\n\t"default-runtime": "runc",\n\t"runtimes": {\n\t}\n}
		{"runtimes": {"runsc": {"path": "/x"}}, "runtimes": {}}
		{"default-runtime": "runsc", "default-runtime": "runc"}
		{"default-runtime": "r\\u0075nc"}
	EOF2
}

@test "purge keeps a created file that holds anything more" {
	installed
	cp -a "$S" "$BATS_TEST_TMPDIR/state"
	while IFS= read -r text; do
		rm -rf "$S"
		cp -a "$BATS_TEST_TMPDIR/state" "$S"
		printf "$text" >"$F"
		cp "$F" "$BATS_TEST_TMPDIR/before"
		run dj purge
		assert_success
		assert_line --index 0 "kept $F: it holds more than this package left there"
		assert_line --index 1 "kept $D: not empty"
		cmp "$BATS_TEST_TMPDIR/before" "$F"
	done <<-'EOF2'
		{"debug": true}
		{"default-runtime": "runsc"}
		{"runtimes": {"runsc": {"path": "/x"}}}
		{"runtimes": [], "default-runtime": "runc"}
		{"runtimes\\u0000": {}}
		{"a": }
		[]
	EOF2
}

@test "purge leaves a daemon.json the package did not create" {
	mkdir -p "$D"
	echo '{}' >"$F"
	dj mark default
	run dj purge
	assert_success
	assert_output "removed $S"
	assert_equal "$(cat "$F")" "{}"
}

@test "purge keeps the file and warns while a record says the runtime may still be there" {
	dj -q add runsc /usr/bin/runsc --record
	cp "$F" "$BATS_TEST_TMPDIR/before"
	run --separate-stderr dj purge
	assert_success
	assert_equal "$stderr" "hersh-daemon-json: $F may still hold the runtime this package added ($S/docker-runtime is still there); take it out by hand"
	assert_output "$(printf '%s\n' "kept $D: not empty" "removed $S")"
	cmp "$BATS_TEST_TMPDIR/before" "$F"
}

@test "a symlinked daemon.json stays, with a note, and its target is untouched" {
	installed
	mkdir -p "$BATS_TEST_TMPDIR/real"
	echo '{}' >"$BATS_TEST_TMPDIR/real/daemon.json"
	ln -sf "$BATS_TEST_TMPDIR/real/daemon.json" "$F"
	run --separate-stderr dj purge
	assert_success
	assert_equal "$stderr" "hersh-daemon-json: $F: a symlink; purge never removes through one: left as it is"
	assert_line --index 0 "kept $F: a symlink"
	assert [ -L "$F" ]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/real/daemon.json")" "{}"
}

@test "--keep-dir keeps the directory, --keep-state the state" {
	installed
	run dj purge --keep-dir --keep-state
	assert_success
	assert_output "removed $F (created by this package, empty again)"
	assert_dir_exist "$D"
	assert_file_exist "$S/docker-created"
}

@test "purge removes the state directory without following a symlink; FIFOs and device links go as names, each named once" {
	installed
	mkdir -p "$BATS_TEST_TMPDIR/host/keep"
	echo keep >"$BATS_TEST_TMPDIR/host/keep/file"
	ln -s "$BATS_TEST_TMPDIR/host/keep" "$S/docker-runtime.d"
	ln -s "$BATS_TEST_TMPDIR/host/keep/file" "$S/link"
	ln -s /dev/zero "$S/daemon.json"
	mkfifo "$S/apt-source"
	rm "$S/docker-dir"
	mkfifo "$S/docker-dir"
	run --separate-stderr timeout 10 "$DJ" -c "$F" --state "$S" purge
	assert_success
	assert_not_exist "$S"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/host/keep/file")" keep
	[ "$(grep -c "$S/docker-dir" <<<"$stderr")" = 1 ] || fail "docker-dir named $(grep -c "$S/docker-dir" <<<"$stderr") times: $stderr"
	[[ $stderr == *"$S/docker-dir: not a regular file; not taken as a marker"* ]] || fail "$stderr"
	[[ $stderr == *"$S/apt-source: not a regular file; removed without opening it"* ]] || fail "$stderr"
	[[ $stderr == *"$S/daemon.json: not a regular file; removed without opening it"* ]] || fail "$stderr"
	[[ $stderr == *"$S/link: not a regular file; removed without opening it"* ]] || fail "$stderr"
	# docker-dir was no marker: the directory stays
	assert_dir_exist "$D"
}

@test "a FIFO or a link to /dev/zero at daemon.json is left with a warning, and purge goes on at once" {
	installed
	cp -a "$S" "$BATS_TEST_TMPDIR/state"
	rm "$F"
	mkfifo "$F"
	run --separate-stderr timeout 5 "$DJ" -c "$F" --state "$S" purge --keep-dir
	assert_success
	assert_equal "$stderr" "hersh-daemon-json: $F: not a regular file"
	assert_output "removed $S"
	assert [ -p "$F" ]
	rm "$F"
	ln -s /dev/zero "$F"
	cp -a "$BATS_TEST_TMPDIR/state" "$S"
	run --separate-stderr timeout 5 "$DJ" -c "$F" --state "$S" purge --keep-dir
	assert_success
	assert [ -L "$F" ]
	assert_line --index 0 "kept $F: a symlink"
}

@test "a daemon.json behind a root symlink into a group-writable directory is left, and purge goes on" {
	installed
	mkdir -p "$BATS_TEST_TMPDIR/shared"
	chmod 0775 "$BATS_TEST_TMPDIR/shared"
	rm -r "$D"
	ln -s "$BATS_TEST_TMPDIR/shared" "$D"
	echo '{}' >"$F"
	run --separate-stderr timeout 5 "$DJ" -c "$F" --state "$S" purge
	assert_success
	[[ $stderr == *"$F: refusing to edit: $BATS_TEST_TMPDIR/shared is owned by uid $(id -u) with mode 0775"* ]] || fail "$stderr"
	assert_file_exist "$BATS_TEST_TMPDIR/shared/daemon.json"
	assert_not_exist "$S"
}

@test "a state directory others control is left as it is, and so is daemon.json" {
	installed
	chmod 0777 "$S"
	run --separate-stderr dj purge
	assert_success
	assert_output ""
	[[ $stderr == *"$S: refusing to use"* ]] || fail "$stderr"
	assert_file_exist "$F"
	assert_file_exist "$S/docker-created"
}

@test "purge under --root never acts outside the root, whatever the root's links say" {
	root=$BATS_TEST_TMPDIR/root
	host=$BATS_TEST_TMPDIR/host
	# the running system's state and files
	mkdir -p "$host/var/lib/hersh-gvisor" "$host/etc/docker"
	: >"$host/var/lib/hersh-gvisor/docker-created"
	echo '{}' >"$host/etc/docker/daemon.json"
	# an image root whose var/lib and etc/docker point at them
	mkdir -p "$root/var" "$root/etc"
	ln -s "$host/var/lib" "$root/var/lib"
	ln -s "$host/etc/docker" "$root/etc/docker"
	run "$DJ" --root "$root" purge
	assert_success
	assert_file_exist "$host/var/lib/hersh-gvisor/docker-created"
	assert_file_exist "$host/etc/docker/daemon.json"
	# inside the root, the same state is purged
	rm "$root/var/lib" "$root/etc/docker"
	mkdir -p "$root/var/lib/hersh-gvisor" "$root/etc/docker"
	: >"$root/var/lib/hersh-gvisor/docker-created"
	: >"$root/var/lib/hersh-gvisor/docker-dir"
	echo '{}' >"$root/etc/docker/daemon.json"
	run "$DJ" --root "$root/" purge
	assert_success
	assert_output "$(printf '%s\n' "removed $root/etc/docker/daemon.json (created by this package, empty again)" \
		"removed $root/etc/docker (created by this package, empty)" "removed $root/var/lib/hersh-gvisor")"
	assert_file_exist "$host/var/lib/hersh-gvisor/docker-created"
}

@test "purge with no state does nothing and says nothing" {
	mkdir -p "$D"
	echo '{}' >"$F"
	run --separate-stderr dj purge
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	assert_file_exist "$F"
}

@test "purge takes no arguments and no -n" {
	run dj purge now
	assert_failure 2
	run dj -n purge
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: -n is only for add, remove, tidy and restore-layout"
	run dj --keep-dir show
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: --keep-dir is only for purge"
}

@test "purge enters no directory in the state directory: a --state naming another by mistake loses no tree" {
	mkdir -p "$BATS_TEST_TMPDIR/var/lib/dpkg/info"
	echo keep >"$BATS_TEST_TMPDIR/var/lib/dpkg/info/x.list"
	run --separate-stderr "$DJ" -c "$F" --state "$BATS_TEST_TMPDIR/var/lib" purge
	assert_success
	assert_equal "$(cat "$BATS_TEST_TMPDIR/var/lib/dpkg/info/x.list")" keep
	[[ $stderr == *"$BATS_TEST_TMPDIR/var/lib/dpkg: cannot remove: a directory; purge enters none in the state directory"* ]] || fail "$stderr"
}

@test "an oversized daemon.json is left with a warning naming the limit, and purge goes on" {
	installed
	head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$F"
	run --separate-stderr timeout 5 "$DJ" -c "$F" --state "$S" purge
	assert_success
	assert_equal "$stderr" "hersh-daemon-json: $F: larger than 4 MiB, the limit for a daemon.json"
	assert_output "$(printf '%s\n' "kept $D: not empty" "removed $S")"
	assert_file_exist "$F"
}
