#!/usr/bin/env bats
# remove --reload-safe and tidy: a running dockerd (20.10) applies only the
# keys present in daemon.json on SIGHUP, so a removal is written in two
# steps: placeholders it applies ("runtimes": {} and "default-runtime":
# "runc"), then, after the reload, tidy takes them out.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	F=$BATS_TEST_TMPDIR/daemon.json
}

@test "remove --reload-safe of the only runtime leaves an empty runtimes object" {
	printf '{\n  "runtimes": {\n    "runsc": {\n      "path": "/usr/bin/runsc"\n    }\n  }\n}\n' >"$F"
	run "$DJ" -q -c "$F" remove --reload-safe runsc
	assert_success
	run cat "$F"
	assert_output "$(printf '{\n  "runtimes": {}\n}')"
}

@test "remove --reload-safe turns a default-runtime naming the runtime into runc" {
	cp "$FX/tabs.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --set-default
	run "$DJ" -c "$F" remove --reload-safe runsc
	assert_success
	assert_output --partial "set default-runtime runsc to runc until reload"
	run "$DJ" -c "$F" show --default
	assert_output runc
}

@test "remove --reload-safe keeps other runtimes and a default naming another runtime" {
	cp "$FX/nvidia.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	"$DJ" -q -c "$F" remove --reload-safe runsc
	cmp "$FX/nvidia.json" "$F"
}

@test "tidy after remove --reload-safe gives back the file from before the add" {
	for fx in tabs two-space four-space one-line no-newline bom numbers escapes; do
		cp "$FX/$fx.json" "$F"
		"$DJ" -q -c "$F" add runsc /usr/bin/runsc --set-default --runtime-arg --network=none
		"$DJ" -q -c "$F" remove --reload-safe runsc
		"$DJ" -q -c "$F" tidy runc
		cmp "$FX/$fx.json" "$F" || fail "$fx.json did not come back"
	done
}

@test "add --unset-default --reload-safe sets default-runtime to runc" {
	cp "$FX/two-space.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --set-default
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --unset-default --reload-safe
	run "$DJ" -c "$F" show --default
	assert_output runc
	run "$DJ" -c "$F" show runsc
	assert_success
}

@test "tidy without a name keeps a default-runtime of runc" {
	printf '{"default-runtime": "runc", "runtimes": {}}' >"$F"
	run "$DJ" -c "$F" tidy
	assert_success
	assert_output "$F: removed the empty runtimes"
	run cat "$F"
	assert_output '{"default-runtime": "runc"}'
}

@test "tidy of a file with nothing to tidy writes nothing" {
	cp "$FX/nvidia.json" "$F"
	before=$(stat -c '%i %Y' "$F")
	run "$DJ" --exit-code -c "$F" tidy runc
	assert_success
	assert_output "$F: nothing to tidy"
	assert_equal "$(stat -c '%i %Y' "$F")" "$before"
}

@test "tidy of a missing file creates nothing" {
	run "$DJ" -c "$F" tidy runc
	assert_success
	assert_file_not_exist "$F"
}

@test "--reload-safe with add alone is a usage error" {
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --reload-safe
	assert_failure 2
	assert_output --partial "--reload-safe is only for remove and add --unset-default"
}

@test "tidy refuses a non-object runtimes and leaves the file alone" {
	printf '{"runtimes": []}\n' >"$F"
	run "$DJ" -c "$F" tidy
	assert_failure 1
	assert_output --partial "$F:"
	assert_output --partial "not an object"
	run cat "$F"
	assert_output '{"runtimes": []}'
}

@test "tidy does not look at runtime entries, even one named with the empty string" {
	printf '{\n  "runtimes": {\n    "": "/usr/bin/runsc"\n   }\n}\n' >"$F"
	cp "$F" "$BATS_TEST_TMPDIR/before"
	run "$DJ" -c "$F" tidy runc
	assert_success
	assert_output "$F: nothing to tidy"
	cmp "$BATS_TEST_TMPDIR/before" "$F"
}
