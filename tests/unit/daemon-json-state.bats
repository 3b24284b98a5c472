#!/usr/bin/env bats
# hersh-daemon-json and the package's state directory (--state, default
# /var/lib/hersh-gvisor): state (what it records and how daemon.json
# stands against it), mark and unmark, remember and forget, add and remove
# --record, restore-layout from the remembered copy.  The state's file
# names and formats are those 0.1.0 wrote; the record is compared as
# JSON.  Every odd file (FIFO, device, link, oversized) and every
# directory others control is refused at once, naming it.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	D=$BATS_TEST_TMPDIR/etc/docker
	mkdir -p "$BATS_TEST_TMPDIR/etc"
	F=$D/daemon.json
	S=$BATS_TEST_TMPDIR/lib/hersh-gvisor
	R=$FX/restore
}

# dj ARGS...: the tool on F and S.
dj() {
	"$DJ" -c "$F" --state "$S" "$@"
}

# identity FILE: what changes when FILE is written.
identity() {
	stat -c '%i %Y.%y' "$1"
}

@test "state of a missing state directory records nothing" {
	run dj state
	assert_success
	assert_output $'recorded\tno\nsaved\tnone'
	run dj state runsc /usr/bin/runsc
	assert_success
	assert_output $'recorded\tno\nsaved\tnone\nentry\tabsent'
	assert_not_exist "$S"
}

@test "mark creates the state directory 0755 and the marker 0644 under the 0.1.0 name, whatever the umask" {
	umask 077
	run dj mark default
	assert_success
	assert_output ""
	assert_equal "$(stat -c %a "$S" "$BATS_TEST_TMPDIR/lib" | paste -sd ' ')" "755 755"
	assert_equal "$(stat -c '%a %s' "$S/docker-default")" "644 0"
	dj mark created
	dj mark dir-created
	assert_equal "$(ls "$S" | paste -sd ' ')" "docker-created docker-default docker-dir"
	run dj state
	assert_output $'recorded\tno\nmark\tdefault\nmark\tcreated\nmark\tdir-created\nsaved\tnone'
}

@test "mark with text keeps the text, and state shows its first line" {
	dj mark network-none $'runsc 20240101 predates 20240807 on Linux 6.12\nsecond line'
	dj mark platform systrap
	assert_equal "$(cat "$S/platform")" systrap
	run dj state
	assert_success
	assert_line $'mark\tnetwork-none\trunsc 20240101 predates 20240807 on Linux 6.12'
	assert_line $'mark\tplatform\tsystrap'
}

@test "a marker 0.1.0 wrote, its text without a final newline, reads the same" {
	mkdir -p "$S"
	printf 'runsc 20240101 predates 20240807 on Linux 6.12.1' >"$S/network-none"
	: >"$S/docker-default"
	run dj state
	assert_line $'mark\tdefault'
	assert_line $'mark\tnetwork-none\trunsc 20240101 predates 20240807 on Linux 6.12.1'
}

@test "mark of what is already so writes nothing; without text a marker keeps its text" {
	dj mark platform kvm
	before=$(identity "$S/platform")
	sleep 0.01
	dj mark platform kvm
	dj mark platform
	assert_equal "$(identity "$S/platform")" "$before"
	assert_equal "$(cat "$S/platform")" kvm
	dj mark platform systrap
	assert_equal "$(cat "$S/platform")" systrap
}

@test "unmark removes markers; absent ones are no error" {
	dj mark default
	dj mark network-none why
	run dj unmark default network-none created
	assert_success
	assert_equal "$(ls -A "$S")" ""
	run dj unmark default
	assert_success
	rmdir "$S"
	run dj unmark default
	assert_success
	assert_not_exist "$S"
}

@test "an unknown marker, or a text longer than a marker may hold, is a usage error, and nothing is written" {
	run dj mark docker-default
	assert_failure 2
	assert_output "hersh-daemon-json: unknown marker: docker-default (the markers are default, created, dir-created, network-none and platform)"
	run dj unmark default ../../etc/passwd
	assert_failure 2
	run dj mark
	assert_failure 2
	run dj mark platform "$(head -c 65537 /dev/zero | tr '\0' x)"
	assert_failure 2
	assert_output "hersh-daemon-json: the text of a marker is at most 65536 bytes"
	assert_not_exist "$S"
}

@test "add --record records the entry as it stands and marks the file, the directory and the default it made" {
	run dj add runsc /usr/bin/runsc --set-default --runtime-arg --network=none --record
	assert_success
	assert_equal "$(cat "$S/docker-runtime")" "$("$DJ" -c "$F" show runsc)"
	run dj state runsc /usr/bin/runsc
	assert_success
	assert_output "$(printf '%s\n' $'recorded\tyes' $'mark\tdefault' $'mark\tcreated' \
		$'mark\tdir-created' $'saved\tnone' $'entry\tours')"
}

@test "add --record of an entry already there records it and marks nothing made" {
	mkdir -p "$D"
	cp "$FX/existing-runsc.json" "$F"
	run dj add runsc /usr/local/bin/runsc --record
	assert_success
	assert_output "$F: runtime runsc is already as requested, nothing to change"
	run dj state runsc /usr/local/bin/runsc
	assert_output $'recorded\tyes\nsaved\tnone\nentry\tours'
}

@test "add --record --set-default marks the default only when it set it" {
	mkdir -p "$D"
	printf '{"default-runtime": "runsc"}\n' >"$F"
	dj add runsc /usr/bin/runsc --set-default --record
	assert_not_exist "$S/docker-default"
	printf '{"default-runtime": "runc"}\n' >"$F"
	dj add runsc /usr/bin/runsc --set-default --record
	assert_file_exist "$S/docker-default"
}

@test "add --unset-default --record takes the default marker out" {
	dj add runsc /usr/bin/runsc --set-default --record
	dj add runsc /usr/bin/runsc --unset-default --reload-safe --record
	assert_not_exist "$S/docker-default"
	assert_equal "$(jq -r '."default-runtime"' "$F")" runc
}

@test "a record already equal as JSON is not rewritten, whatever its layout" {
	dj add runsc /usr/bin/runsc --record
	printf '{"path":"\\/usr\\/bin\\/runsc"}\n\n' >"$S/docker-runtime"
	before=$(identity "$S/docker-runtime")
	sleep 0.01
	dj add runsc /usr/bin/runsc --record
	assert_equal "$(identity "$S/docker-runtime")" "$before"
}

@test "unmark runtime forgets the entry's record and leaves daemon.json alone" {
	dj -q add runsc /usr/bin/runsc --runtime-arg --debug --record
	local before
	before=$(identity "$F")
	run dj state runsc /usr/bin/runsc
	assert_line $'recorded\tyes'
	run dj unmark runtime
	assert_success
	run dj state runsc /usr/bin/runsc
	assert_line $'recorded\tno'
	assert_line $'entry\tforeign'
	assert_equal "$(identity "$F")" "$before"
}

@test "mark runtime is refused: only add --record writes the record" {
	run dj mark runtime
	assert_failure 2
	assert_output --partial "unknown marker: runtime"
}

@test "remove --record unmarks the record, the default and network-none, and keeps created and dir-created" {
	dj add runsc /usr/bin/runsc --set-default --runtime-arg --network=none --record
	dj mark network-none "too old"
	run dj remove runsc --record
	assert_success
	assert_equal "$(ls "$S" | paste -sd ' ')" "docker-created docker-dir"
	run dj state runsc /usr/bin/runsc
	assert_output $'recorded\tno\nmark\tcreated\nmark\tdir-created\nsaved\tnone\nentry\tabsent'
}

@test "--record with a dry run records nothing" {
	run dj -n add runsc /usr/bin/runsc --record
	assert_success
	assert_not_exist "$S"
	assert_not_exist "$F"
}

@test "--record is only for add and remove" {
	run dj tidy --record
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: --record is only for add and remove"
}

@test "add --record is refused before the edit when the state directory is not a directory" {
	mkdir -p "$D" "$BATS_TEST_TMPDIR/lib"
	cp "$FX/tabs.json" "$F"
	echo x >"$S"
	run dj add runsc /usr/bin/runsc --record
	assert_failure 1
	assert_output "hersh-daemon-json: $S: not a directory"
	cmp "$FX/tabs.json" "$F"
}

@test "add --record is refused before the edit when the caller cannot write the state directory" {
	require_root
	require_cmd setpriv
	# where nobody can reach: the test's own directory is not
	top=$(mktemp -d /tmp/hersh-state.XXXXXX)
	chmod 0755 "$top"
	D=$top/etc/docker F=$top/etc/docker/daemon.json S=$top/lib/hersh-gvisor
	mkdir -p "$D" "$S"
	cp "$FX/tabs.json" "$F"
	chown -R nobody "$top/etc"
	nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	"${nobody[@]}" test -x "$DJ" || { rm -rf "$top"; skip "nobody cannot run $DJ"; }
	run "${nobody[@]}" "$DJ" -c "$F" --state "$S" add runsc /usr/bin/runsc --record
	cmp "$FX/tabs.json" "$F" || { rm -rf "$top"; fail "$F changed"; }
	rm -rf "$top"
	assert_failure 1
	assert_output "hersh-daemon-json: $S: cannot write: Permission denied"
}

@test "a record that cannot be written after the edit puts the file back as it was" {
	mkdir -p "$D" "$S/docker-runtime"
	cp "$FX/tabs.json" "$F"
	before=$(identity "$F")
	run dj add runsc /usr/bin/runsc --record
	assert_failure 1
	assert_line --index 0 "hersh-daemon-json: $S/docker-runtime: not a regular file"
	assert_line --index 1 "hersh-daemon-json: $F: put back as it was: the change could not be recorded in $S"
	cmp "$FX/tabs.json" "$F"
	# a file and directory the edit made go again
	rm -rf "$D"
	run dj add runsc /usr/bin/runsc --record
	assert_failure 1
	assert_not_exist "$D"
	assert_equal "$(ls "$S")" docker-runtime
}

@test "state compares the record as JSON: the record 0.1.0 wrote is ours" {
	mkdir -p "$D" "$S"
	printf '{\n  "runtimes": {\n    "runsc": {\n      "runtimeArgs": ["--network=none"], "path": "/usr/bin/runsc"\n    }\n  }\n}\n' >"$F"
	# 0.1.0: the output of show runsc, and a newline more
	printf '{\n  "path": "/usr/bin/runsc",\n  "runtimeArgs": [\n    "--network\\u003dnone"\n  ]\n}\n\n' >"$S/docker-runtime"
	run dj state runsc /usr/bin/runsc
	assert_success
	assert_line $'recorded\tyes'
	assert_line $'entry\tours'
}

@test "state tells an entry ours, upstream, foreign or absent" {
	dj add runsc /usr/bin/runsc --runtime-arg --network=none --record
	run dj state runsc /usr/bin/runsc
	assert_line $'entry\tours'
	dj add runsc /usr/bin/runsc --no-runtime-args
	run dj state runsc /usr/bin/runsc
	assert_line $'entry\tupstream'
	run dj state runsc /usr/local/bin/runsc
	assert_line $'entry\tforeign'
	dj add runsc /usr/bin/runsc --runtime-arg --debug
	run dj state runsc /usr/bin/runsc
	assert_line $'entry\tforeign'
	run dj state runc /usr/bin/runc
	assert_line $'entry\tabsent'
}

@test "saved is same, layout, content or none as the file stands against the remembered copy" {
	mkdir -p "$D"
	cp "$R/hersh.json" "$F"
	run dj state
	assert_line $'saved\tnone'
	dj remember
	run dj state
	assert_line $'saved\tsame'
	cp "$R/hersh.runsc-install.json" "$F"
	run dj state
	assert_line $'saved\tlayout'
	printf '{}' >"$F"
	run dj state
	assert_line $'saved\tcontent'
	printf '{"a": }' >"$F"
	run dj state
	assert_line $'saved\tcontent'
	rm "$F"
	run dj state
	assert_line $'saved\tnone'
}

@test "saved is layout also when runsc install added its bare entry, when the entry is named" {
	mkdir -p "$D"
	cp "$R/admin.json" "$F"
	dj remember
	cp "$R/admin.runsc-install.json" "$F"
	run dj state
	assert_line $'saved\tcontent'
	run dj state runsc /usr/bin/runsc
	assert_line $'saved\tlayout'
	assert_line $'entry\tupstream'
}

@test "remember keeps the file's bytes 0600, writes nothing when they are kept already, and forgets a missing file" {
	mkdir -p "$D"
	cp "$FX/crlf.json" "$F"
	run dj remember
	assert_success
	assert_output ""
	cmp "$F" "$S/daemon.json"
	assert_equal "$(stat -c %a "$S/daemon.json")" 600
	before=$(identity "$S/daemon.json")
	sleep 0.01
	dj remember
	assert_equal "$(identity "$S/daemon.json")" "$before"
	rm "$F"
	dj remember
	assert_not_exist "$S/daemon.json"
}

@test "forget removes the remembered copy" {
	mkdir -p "$D"
	cp "$FX/tabs.json" "$F"
	dj remember
	run dj forget
	assert_success
	assert_not_exist "$S/daemon.json"
	run dj forget
	assert_success
}

@test "restore-layout without a saved file puts back the remembered copy" {
	mkdir -p "$D"
	cp "$R/admin.json" "$F"
	dj remember
	cp "$R/admin.runsc-install.json" "$F"
	run dj restore-layout --upstream-entry runsc /usr/bin/runsc
	assert_success
	assert_output "$F: put back the layout of $S/daemon.json, with runtime runsc added"
	cmp "$R/admin.add.json" "$F"
	dj forget
	run dj restore-layout
	assert_failure 1
	assert_output "hersh-daemon-json: $S/daemon.json: no such file"
}

@test "a record that is not a JSON object is named and never taken as ours" {
	dj add runsc /usr/bin/runsc --record
	printf '"runsc"\n' >"$S/docker-runtime"
	run dj state runsc /usr/bin/runsc
	assert_failure 1
	assert_line --index 0 "hersh-daemon-json: $S/docker-runtime: not a valid record: holds a string, not an object"
	assert_line $'recorded\tno'
	assert_line $'entry\tupstream'
}

@test "a FIFO, a link to /dev/zero or an oversized file in the state directory is refused at once, naming it" {
	mkdir -p "$D" "$S"
	cp "$FX/tabs.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --runtime-arg --debug
	cp "$F" "$BATS_TEST_TMPDIR/before.json"
	mkfifo "$S/docker-default"
	ln -s /dev/zero "$S/daemon.json"
	head -c 70000 /dev/zero | tr '\0' ' ' >"$S/network-none"
	mkfifo "$S/docker-runtime"
	run timeout 5 "$DJ" -c "$F" --state "$S" state runsc /usr/bin/runsc
	assert_failure 1
	assert_line "hersh-daemon-json: $S/docker-runtime: not a regular file"
	assert_line "hersh-daemon-json: $S/docker-default: not a regular file"
	assert_line "hersh-daemon-json: $S/network-none: larger than 65536 bytes, the limit for this file"
	assert_line "hersh-daemon-json: $S/daemon.json: not a regular file"
	assert_line $'entry\tforeign'
	run timeout 5 "$DJ" -c "$F" --state "$S" restore-layout
	assert_failure 1
	assert_output "hersh-daemon-json: $S/daemon.json: not a regular file"
	run timeout 5 "$DJ" -c "$F" --state "$S" remember
	assert_failure 1
	assert_output "hersh-daemon-json: $S/daemon.json: not a regular file"
	assert [ -L "$S/daemon.json" ]
	run timeout 5 "$DJ" -c "$F" --state "$S" mark default
	assert_failure 1
	run timeout 5 "$DJ" -c "$F" --state "$S" add runsc /usr/bin/runsc --record
	assert_failure 1
	cmp "$BATS_TEST_TMPDIR/before.json" "$F"
}

@test "a FIFO, a link to /dev/zero or an oversized file at daemon.json is refused at once, and nothing is remembered" {
	mkdir -p "$D"
	mkfifo "$F"
	run timeout 5 "$DJ" -c "$F" --state "$S" remember
	assert_failure 1
	assert_output "hersh-daemon-json: $F: not a regular file"
	run timeout 5 "$DJ" -c "$F" --state "$S" state runsc /usr/bin/runsc
	assert_failure 1
	rm "$F"
	ln -s /dev/zero "$F"
	run timeout 5 "$DJ" -c "$F" --state "$S" remember
	assert_failure 1
	assert_output "hersh-daemon-json: $F: not a regular file (/dev/zero)"
	rm "$F"
	head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$F"
	run timeout 5 "$DJ" -c "$F" --state "$S" remember
	assert_failure 1
	assert_output "hersh-daemon-json: $F: larger than 4 MiB, the limit for a daemon.json"
	assert_not_exist "$S/daemon.json"
}

@test "daemon.json behind a root symlink into a group-writable directory is refused, and nothing is remembered" {
	mkdir -p "$D" "$BATS_TEST_TMPDIR/shared"
	chmod 0775 "$BATS_TEST_TMPDIR/shared"
	cp "$FX/tabs.json" "$BATS_TEST_TMPDIR/shared/daemon.json"
	ln -s "$BATS_TEST_TMPDIR/shared/daemon.json" "$F"
	run dj remember
	assert_failure 1
	assert_output --partial "hersh-daemon-json: $F: refusing to read it: $BATS_TEST_TMPDIR/shared is owned by uid $(id -u) with mode 0775"
	assert_not_exist "$S/daemon.json"
	run dj state
	assert_failure 1
	run dj --allow-untrusted-dir remember
	assert_success
}

@test "a state directory that is a symlink is refused, and nothing is written through it" {
	mkdir -p "$BATS_TEST_TMPDIR/lib" "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$S"
	run dj mark default
	assert_failure 1
	assert_output "hersh-daemon-json: $S: a symlink; the state directory is never reached through one"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/elsewhere")" ""
	run dj state
	assert_failure 1
}

@test "a state directory others can write is refused, and so is one under such a directory" {
	mkdir -p "$S"
	chmod 0777 "$S"
	run dj mark default
	assert_failure 1
	assert_output "hersh-daemon-json: $S: refusing to use: it is owned by uid $(id -u) with mode 0777; it must be owned by root$([ "$(id -u)" = 0 ] || echo ' or you') and not writable by group or others"
	chmod 0755 "$S"
	chmod 0775 "$BATS_TEST_TMPDIR/lib"
	run dj state
	assert_failure 1
	assert_output --partial "hersh-daemon-json: $S: refusing to use: $BATS_TEST_TMPDIR/lib is owned by uid $(id -u) with mode 0775"
	assert_not_exist "$S/docker-default"
}

@test "--root resolves the file and the state directory inside the root, never outside" {
	root=$BATS_TEST_TMPDIR/root
	mkdir -p "$root/var" "$root/etc" "$BATS_TEST_TMPDIR/host/lib"
	# an image whose var/lib points at the host's
	ln -s "$BATS_TEST_TMPDIR/host/lib" "$root/var/lib"
	mkdir -p "$root/$BATS_TEST_TMPDIR/host/lib"
	run "$DJ" --root "$root" add runsc /usr/bin/runsc --record
	assert_success
	assert_output "$root/etc/docker/daemon.json: added runtime runsc"
	assert_file_exist "$root/etc/docker/daemon.json"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/host/lib")" ""
	assert_file_exist "$root/$BATS_TEST_TMPDIR/host/lib/hersh-gvisor/docker-runtime"
	run "$DJ" --root "$root" state runsc /usr/bin/runsc
	assert_success
	assert_output $'recorded\tyes\nmark\tcreated\nmark\tdir-created\nsaved\tnone\nentry\tours'
}

@test "--state takes an absolute path" {
	run "$DJ" --state lib/state state
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: --state needs an absolute path: lib/state"
}
