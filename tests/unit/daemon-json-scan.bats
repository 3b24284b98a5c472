#!/usr/bin/env bats
# hersh-daemon-json reads every document through one scanner: keys are
# compared by their decoded bytes and length, as Go (and so dockerd) reads
# them, and show and the editors use the same lookup, so they can never
# disagree about what a file holds.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	F=$BATS_TEST_TMPDIR/daemon.json
}

@test "a key \"runtimes\\u0000x\" is not runtimes: show finds no runtime in it" {
	printf '{"runtimes\\u0000x":{"ghost":{"path":"/g"}}}' >"$F"
	run --separate-stderr "$DJ" -c "$F" show ghost
	assert_failure 3
	assert_output ""
	run "$DJ" -c "$F" show
	assert_success
	assert_output $'{\n  "runtimes": {}\n}'
}

@test "add next to a key \"runtimes\\u0000x\" creates a real runtimes and leaves that key alone" {
	printf '{"runtimes\\u0000x":{"ghost":{"path":"/g"}}}' >"$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_success
	assert_output "$F: added runtime runsc"
	run cat "$F"
	assert_output '{"runtimes\u0000x":{"ghost":{"path":"/g"}},"runtimes":{"runsc":{"path":"/usr/bin/runsc"}}}'
	run "$DJ" -c "$F" show runsc
	assert_success
	run "$DJ" -c "$F" show ghost
	assert_failure 3
	run "$DJ" -c "$F" remove ghost
	assert_success
	assert_output "$F: no runtime ghost, nothing to change"
}

@test "a runtime named \"runsc\\u0000\" is not runsc" {
	printf '{"runtimes": {"runsc\\u0000": {"path": "/x"}}}\n' >"$F"
	run "$DJ" -c "$F" show runsc
	assert_failure 3
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	run cat "$F"
	assert_output '{"runtimes": {"runsc\u0000": {"path": "/x"}, "runsc": {"path": "/usr/bin/runsc"}}}'
	"$DJ" -q -c "$F" remove runsc
	run cat "$F"
	assert_output '{"runtimes": {"runsc\u0000": {"path": "/x"}}}'
}

@test "a key spelled with escapes is the key it decodes to" {
	printf '{"run\\u0074imes": {"run\\u0073c": {"path": "\\/usr\\/bin\\/runsc"}}}\n' >"$F"
	run "$DJ" -c "$F" show runsc
	assert_success
	assert_output $'{\n  "path": "/usr/bin/runsc"\n}'
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_output "$F: runtime runsc is already as requested, nothing to change"
}

@test "two keys that decode the same are a duplicate" {
	printf '{"runtimes": {}, "run\\u0074imes": {}}\n' >"$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: duplicate key \"run\\u0074imes\" at line 1, column 18"
	run "$DJ" -c "$F" show runsc
	assert_failure 1
}

@test "a byte that is not UTF-8 reads as U+FFFD, as Go reads it" {
	printf '{"runtimes": {"runsc": {"path\xff": 1, "path\\ufffd": 2}}}\n' >"$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
	assert_output --partial 'duplicate key "path\ufffd" in runtime entry'
}

@test "show refuses to print a key holding \\u0000, which it cannot print faithfully" {
	printf '{"runtimes": {"runsc": {"path": "/x", "a\\u0000b": 1}}}\n' >"$F"
	run "$DJ" -c "$F" show runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: cannot print a key holding \\u0000 at line 1, column 39"
}

@test "show prints a string holding \\u0000 escaped" {
	printf '{"runtimes": {"runsc": {"path": "/x\\u0000y"}}}\n' >"$F"
	run "$DJ" -c "$F" show runsc
	assert_success
	assert_output $'{\n  "path": "/x\\u0000y"\n}'
}

@test "show prints numbers as they are written" {
	printf '{"runtimes": {"runsc": {"path": "/x", "n": [1e3, 3.0, 12345678901234567890, -0]}}}\n' >"$F"
	run "$DJ" -c "$F" show runsc
	assert_success
	assert_output --partial $'    1e3,\n    3.0,\n    12345678901234567890,\n    -0\n'
}

# nested D: {"a": inside D levels of arrays}, one line.
nested() {
	local open close
	printf -v open '%*s' "$1" ''
	close=${open// /]}
	printf '{"a":%s%s}\n' "${open// /[}" "$close"
}

@test "1000 levels of nesting are read, 1001 are refused with the place" {
	nested 999 >"$F"
	run "$DJ" -c "$F" show runsc
	assert_failure 3
	nested 1000 >"$F"
	run "$DJ" -c "$F" show runsc
	assert_failure 1
	assert_output "hersh-daemon-json: $F: invalid JSON at line 1, column 1005: nesting too deep"
}

@test "a string holding a raw byte below 0x20 is refused with its place" {
	printf '{"a": "x\ty"}\n' >"$F"
	run "$DJ" -c "$F" show
	assert_failure 1
	assert_output "hersh-daemon-json: $F: invalid JSON at line 1, column 9: control character in string"
}

@test "a bad escape is refused with its place" {
	printf '{"a": "\\x"}\n' >"$F"
	run "$DJ" -c "$F" show
	assert_failure 1
	assert_output "hersh-daemon-json: $F: invalid JSON at line 1, column 9: invalid escape in string"
	printf '{"a": "\\u12G4"}\n' >"$F"
	run "$DJ" -c "$F" show
	assert_failure 1
	assert_output "hersh-daemon-json: $F: invalid JSON at line 1, column 12: invalid \\u escape in string"
}
