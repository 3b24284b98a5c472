#!/usr/bin/env bats
# hersh-daemon-json show --porcelain: what daemon.json says about the
# runtimes as line records for scripts (KEY<TAB>FIELD, fields escaped so
# that a record is always one line), found by the lookup the editor uses
# and read as Docker reads them.  See hersh-daemon-json(8), PORCELAIN.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	F=$BATS_TEST_TMPDIR/daemon.json
}

@test "show --porcelain lists the file, the default and each runtime in file order" {
	cp "$FX/nvidia.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	run "$DJ" -c "$F" show --porcelain
	assert_success
	assert_output $'file\tpresent\nruntimes\tpresent\ndefault\tnvidia\nruntime\tnvidia\nruntime\trunsc'
}

@test "show --porcelain NAME lists the entry's path, type, args and members" {
	cp "$FX/existing-runsc.json" "$F"
	run "$DJ" -c "$F" show --porcelain runsc
	assert_success
	assert_output "$(printf '%s\n' $'file\tpresent' $'runtimes\tpresent' $'entry\trunsc' \
		$'path\t/usr/local/bin/runsc' $'type\tio.containerd.runsc.v1' $'args\t1' \
		$'arg\t--platform=kvm' $'member\tpath' $'member\truntimeArgs' \
		$'member\truntimeType' $'member\toptions')"
}

@test "show --porcelain NAME of an absent runtime prints the file's lines and exits 3" {
	cp "$FX/nvidia.json" "$F"
	run "$DJ" -c "$F" show --porcelain runsc
	assert_failure 3
	assert_output $'file\tpresent\nruntimes\tpresent\ndefault\tnvidia'
}

@test "show --porcelain of a missing file says so, and NAME then exits 3" {
	run "$DJ" -c "$F" show --porcelain
	assert_success
	assert_output $'file\tmissing'
	run "$DJ" -c "$F" show --porcelain runsc
	assert_failure 3
	assert_output $'file\tmissing'
}

@test "show --porcelain of an empty or blank file has no runtimes line" {
	for f in empty.json whitespace.json empty-object.json; do
		cp "$FX/$f" "$F"
		run "$DJ" -c "$F" show --porcelain
		assert_success
		assert_output $'file\tpresent'
	done
	cp "$FX/empty-runtimes.json" "$F"
	run "$DJ" -c "$F" show --porcelain
	assert_output $'file\tpresent\nruntimes\tpresent'
}

@test "show --porcelain escapes tabs, newlines, backslashes and control bytes so a record is one line" {
	printf '{"default-runtime": "a\\tb", "runtimes": {"x\\ny": {"path": "/p\\\\q\\r", "runtimeArgs": ["\\u0001\\u007f", 7, "\xc3\xa9"], "k\\u0000": 1}}}' >"$F"
	run "$DJ" -c "$F" show --porcelain
	assert_success
	assert_output "$(printf '%s\n' 'file	present' 'runtimes	present' 'default	a\tb' 'runtime	x\ny')"
	run "$DJ" -c "$F" show --porcelain $'x\ny'
	assert_success
	assert_output "$(printf '%s\n' 'file	present' 'runtimes	present' 'default	a\tb' 'entry	x\ny' \
		'path	/p\\q\r' 'args	3' 'arg	\x01\x7f' 'arg	é' \
		'member	path' 'member	runtimeArgs' 'member	k\x00')"
}

@test "show --porcelain reads the entry as Docker does: a later duplicate key wins" {
	printf '{"runtimes": {"runsc": {"path": "/a", "path": "/b"}}}' >"$F"
	run "$DJ" -c "$F" show --porcelain runsc
	assert_success
	assert_line $'path\t/b'
	assert_line --index 4 $'member\tpath'
	assert_line --index 5 $'member\tpath'
}

@test "show --porcelain leaves out a path, type or args of another type" {
	printf '{"runtimes": {"runsc": {"path": 1, "runtimeType": null, "runtimeArgs": "--x"}}}' >"$F"
	run "$DJ" -c "$F" show --porcelain runsc
	assert_success
	assert_output "$(printf '%s\n' $'file\tpresent' $'runtimes\tpresent' $'entry\trunsc' \
		$'member\tpath' $'member\truntimeType' $'member\truntimeArgs')"
	printf '{"runtimes": {"runsc": "/usr/bin/runsc"}}' >"$F"
	run "$DJ" -c "$F" show --porcelain runsc
	assert_success
	assert_output $'file\tpresent\nruntimes\tpresent\nentry\trunsc'
}

@test "show --porcelain refuses what the editor refuses, naming the file and the place" {
	printf '{"runtimes": {"runsc": {}}, "runtimes": {}}' >"$F"
	run "$DJ" -c "$F" show --porcelain
	assert_failure 1
	assert_output "hersh-daemon-json: $F: duplicate key \"runtimes\" at line 1, column 29"
	printf '{"default-runtime": 1}' >"$F"
	run "$DJ" -c "$F" show --porcelain
	assert_failure 1
	assert_output --partial "\"default-runtime\" is not a string"
	printf '{"a": }' >"$F"
	run "$DJ" -c "$F" show --porcelain
	assert_failure 1
	assert_output --partial "invalid JSON at line 1, column 7"
}

@test "show --porcelain of a FIFO is refused at once" {
	mkfifo "$F"
	run timeout 5 "$DJ" -c "$F" show --porcelain
	assert_failure 1
	assert_output "hersh-daemon-json: $F: not a regular file"
}

@test "--porcelain is only for show, and not with --default" {
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --porcelain
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: --porcelain is only for show [name]"
	run "$DJ" -c "$F" show --porcelain --default
	assert_failure 2
}
