#!/usr/bin/env bats
# hersh-daemon-json add/remove: exact bytes for real-world daemon.json
# layouts (tests/fixtures/daemon-json), the add/remove round trip, and the
# edit rules of hersh-daemon-json(8).

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	F=$BATS_TEST_TMPDIR/daemon.json
}

# add_gives FIXTURE: add runsc (with --network=none) to a copy of FIXTURE.json
# and compare with expected/FIXTURE.add.json byte for byte.
add_gives() {
	cp "$FX/$1.json" "$F"
	run "$DJ" -q -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none
	assert_success
	cmp "$FX/expected/$1.add.json" "$F"
}

default_gives() {
	cp "$FX/$1.json" "$F"
	run "$DJ" -q -c "$F" add runsc /usr/bin/runsc --set-default
	assert_success
	cmp "$FX/expected/$1.add-default.json" "$F"
}

remove_gives() {
	cp "$FX/$1.json" "$F"
	run "$DJ" -q -c "$F" remove runsc
	assert_success
	cmp "$FX/expected/$1.remove.json" "$F"
}

@test "add to a tab-indented file indents the new entry with tabs" {
	add_gives tabs
}

@test "add to a 2-space file indents the new entry with 2 spaces" {
	add_gives two-space
}

@test "add to a 4-space file appends after the existing runtime with 4 spaces" {
	add_gives four-space
}

@test "add to a one-line file keeps it one compact line without a newline" {
	add_gives one-line
}

@test "add to a one-line file with spaces follows its spacing" {
	add_gives one-line-spaced
}

@test "add keeps a UTF-8 byte order mark" {
	add_gives bom
}

@test "add to a CRLF file uses CRLF line ends" {
	add_gives crlf
}

@test "add keeps a missing final newline missing" {
	add_gives no-newline
}

@test "add keeps number spellings 3.0, 1e3 and 12345678901234567890" {
	add_gives numbers
	grep -q '"max-concurrent-downloads": 3.0,' "$F"
	grep -q '"max-concurrent-uploads": 1e3,' "$F"
	grep -q '"shutdown-timeout": 12345678901234567890,' "$F"
}

@test "add keeps string escapes as written" {
	add_gives escapes
	grep -qF '"caf\u00e9", "caf\u00E9"' "$F"
	grep -qF '"unix:\/\/\/var\/run\/docker.sock"' "$F"
}

@test "add to an empty file writes a pretty new document" {
	add_gives empty
}

@test "add to a whitespace-only file treats it as an empty object" {
	add_gives whitespace
}

@test "add to {} lays the document out one member a line" {
	add_gives empty-object
}

@test "add fills an empty runtimes object" {
	add_gives empty-runtimes
}

@test "add next to an nvidia runtime leaves it and the default alone" {
	add_gives nvidia
}

@test "add writes runtimeArgs one a line when the file writes arrays so" {
	add_gives multiline-arrays
}

@test "add to an existing runsc edits path and runtimeArgs in place and keeps its other keys" {
	add_gives existing-runsc
	grep -q '"runtimeType": "io.containerd.runsc.v1",' "$F"
	grep -qF '"options": {"TypeUrl": "io.containerd.runsc.v1.options"}' "$F"
}

@test "add to a one-line entry appends runtimeArgs on the same line" {
	add_gives runsc-middle
}

@test "add of an already configured runtime changes nothing" {
	add_gives default-runtime
	cmp "$FX/default-runtime.json" "$F"
}

@test "add --set-default appends default-runtime after runtimes" {
	default_gives tabs
}

@test "add --set-default to {} gives runtimes then default-runtime" {
	default_gives empty-object
}

@test "add --set-default to a one-line file stays on one line" {
	default_gives one-line
}

@test "add --set-default replaces another default-runtime in place" {
	default_gives nvidia
}

@test "remove of the only runtime deletes runtimes as well" {
	remove_gives existing-runsc
}

@test "remove deletes default-runtime when it names the runtime" {
	remove_gives default-runtime
}

@test "remove of a runtime between others keeps its neighbours" {
	remove_gives runsc-middle
}

@test "add then remove gives back the original bytes of every fixture without runsc" {
	local f n
	for f in "$FX"/*.json; do
		n=$(basename "$f" .json)
		case $n in
		existing-runsc | default-runtime | runsc-middle) continue ;;	# have runsc
		empty-runtimes | empty | whitespace) continue ;;	# documented exceptions
		esac
		cp "$f" "$F"
		"$DJ" -q -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none --runtime-arg=--debug
		"$DJ" -q -c "$F" remove runsc
		cmp "$f" "$F" || fail "round trip changed $n.json"
	done
}

@test "add --set-default then remove gives back a file that had no default" {
	local n
	for n in tabs two-space one-line bom crlf numbers escapes no-newline; do
		cp "$FX/$n.json" "$F"
		"$DJ" -q -c "$F" add runsc /usr/bin/runsc --set-default
		"$DJ" -q -c "$F" remove runsc
		cmp "$FX/$n.json" "$F" || fail "round trip changed $n.json"
	done
}

@test "add then remove of an empty runtimes object leaves no runtimes (documented exception)" {
	cp "$FX/empty-runtimes.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	"$DJ" -q -c "$F" remove runsc
	run cat "$F"
	assert_output $'{\n  "debug": false\n}'
}

@test "remove after add on an empty file leaves {}" {
	: >"$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	"$DJ" -q -c "$F" remove runsc
	[ "$(cat "$F")" = "{}" ]
}

@test "every result is valid JSON that jq reads as requested" {
	require_cmd jq
	local f
	for f in "$FX"/expected/*.add.json; do
		run jq -e '.runtimes.runsc.path == "/usr/bin/runsc" and .runtimes.runsc.runtimeArgs == ["--network=none"]' "$f"
		[ "$status" -eq 0 ] || fail "$f: $output"
	done
}

@test "add with several runtime args writes them in order" {
	echo '{}' >"$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --runtime-arg --network=none --runtime-arg=--platform=systrap --runtime-arg --debug
	run jq -c .runtimes.runsc.runtimeArgs "$F"
	assert_output '["--network=none","--platform=systrap","--debug"]'
}

@test "add without runtime args keeps existing runtimeArgs" {
	cp "$FX/existing-runsc.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	run jq -c .runtimes.runsc.runtimeArgs "$F"
	assert_output '["--platform=kvm"]'
}

@test "add --no-runtime-args takes runtimeArgs out of the entry" {
	cp "$FX/existing-runsc.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/local/bin/runsc --no-runtime-args
	run jq -c '.runtimes.runsc | keys' "$F"
	assert_output '["options","path","runtimeType"]'
}

@test "add with the same args in another spelling changes nothing" {
	printf '{"runtimes": {"runsc": {"path": "\\/usr\\/bin\\/runsc", "runtimeArgs": ["--network\\u003dnone"]}}}\n' >"$F"
	cp "$F" "$BATS_TEST_TMPDIR/before"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --runtime-arg=--network=none
	assert_success
	assert_output --partial "nothing to change"
	cmp "$BATS_TEST_TMPDIR/before" "$F"
}

@test "add escapes quotes and backslashes in names and paths" {
	echo '{}' >"$F"
	"$DJ" -q -c "$F" add 'we"ird\name' '/opt/a "b"/runsc' --runtime-arg 'x/y'
	run jq -r '.runtimes["we\"ird\\name"] | .path, .runtimeArgs[0]' "$F"
	assert_output $'/opt/a "b"/runsc\nx/y'
}

@test "add adds a missing path to an existing entry" {
	printf '{\n  "runtimes": {\n    "runsc": {\n      "runtimeArgs": ["--debug"]\n    }\n  }\n}\n' >"$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	run cat "$F"
	assert_output $'{\n  "runtimes": {\n    "runsc": {\n      "runtimeArgs": ["--debug"],\n      "path": "/usr/bin/runsc"\n    }\n  }\n}'
}

@test "add fills an empty entry object" {
	printf '{\n  "runtimes": {\n    "runsc": {}\n  }\n}\n' >"$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	run cat "$F"
	assert_output $'{\n  "runtimes": {\n    "runsc": {\n      "path": "/usr/bin/runsc"\n    }\n  }\n}'
}

@test "add --unset-default removes default-runtime naming the runtime" {
	cp "$FX/default-runtime.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --unset-default
	run jq -c '[has("default-runtime"), .runtimes.runsc.path]' "$F"
	assert_output '[false,"/usr/bin/runsc"]'
}

@test "add --unset-default leaves a default-runtime naming another runtime" {
	cp "$FX/nvidia.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --unset-default
	run jq -r '."default-runtime"' "$F"
	assert_output nvidia
}

@test "remove leaves a default-runtime naming another runtime" {
	cp "$FX/nvidia.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	"$DJ" -q -c "$F" remove runsc
	cmp "$FX/nvidia.json" "$F"
}

@test "remove finds a runtime whose key is written with escapes" {
	printf '{"runtimes": {"run\\u0073c": {"path": "/usr/bin/runsc"}}, "debug": true}' >"$F"
	"$DJ" -q -c "$F" remove runsc
	run cat "$F"
	assert_output '{"debug": true}'
}
