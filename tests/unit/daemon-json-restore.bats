#!/usr/bin/env bats
# hersh-daemon-json restore-layout: gVisor's runsc package runs `runsc
# install` on every install and upgrade, which rewrites daemon.json in Go's
# layout.  When only the layout changed (and, with --upstream-entry, a bare
# runtime entry was added), the saved bytes come back; any other change is
# left alone with exit 5.  Fixtures: tests/fixtures/daemon-json/restore
# (the Go-style ones written by the installed runsc).

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	R=$FX/restore
	D=$BATS_TEST_TMPDIR/docker
	mkdir -p "$D"
	F=$D/daemon.json
	SAVED=$BATS_TEST_TMPDIR/saved.json
}

identity() {
	stat -c '%i %y' "$1"
	sha256sum <"$1"
}

@test "restore-layout puts back the saved bytes when runsc install only changed the layout" {
	cp "$R/hersh.runsc-install.json" "$F"
	cp "$R/hersh.json" "$SAVED"
	run "$DJ" -c "$F" restore-layout "$SAVED"
	assert_success
	assert_output "$F: put back the layout of $SAVED"
	cmp "$R/hersh.json" "$F"
}

@test "restore-layout treats 3.0 as 3, a 20-digit number as Go rounds it and escapes by their value" {
	printf '{"a": 3.0, "b": 12345678901234567890, "c": "<&>", "d": [1e2, "\\u00e9"]}\n' >"$SAVED"
	printf '{\n    "d": [100, "\xc3\xa9"],\n    "c": "\\u003c\\u0026\\u003e",\n    "b": 12345678901234567000,\n    "a": 3\n}' >"$F"
	run "$DJ" -q -c "$F" restore-layout "$SAVED"
	assert_success
	cmp "$SAVED" "$F"
}

@test "restore-layout with --upstream-entry takes back the admin's bytes and keeps the runtime runsc install added" {
	cp "$R/admin.runsc-install.json" "$F"
	cp "$R/admin.json" "$SAVED"
	run "$DJ" -c "$F" restore-layout "$SAVED" --upstream-entry runsc /usr/bin/runsc
	assert_success
	assert_output "$F: put back the layout of $SAVED, with runtime runsc added"
	cmp "$R/admin.add.json" "$F"
}

@test "restore-layout without --upstream-entry leaves a file with an added runtime alone and exits 5" {
	cp "$R/admin.runsc-install.json" "$F"
	before=$(identity "$F")
	run --separate-stderr "$DJ" -c "$F" restore-layout "$R/admin.json"
	assert_failure 5
	# shellcheck disable=SC2154 # set by run --separate-stderr
	assert_equal "$stderr" "hersh-daemon-json: $F: differs from $R/admin.json in content, not only in layout; left as it is"
	[ "$(identity "$F")" = "$before" ]
}

@test "restore-layout leaves a file whose content changed alone and exits 5" {
	sed 's/"shutdown-timeout": 15/"shutdown-timeout": 30/' "$R/hersh.runsc-install.json" >"$F"
	before=$(identity "$F")
	run "$DJ" -c "$F" restore-layout "$R/hersh.json"
	assert_failure 5
	assert_output --partial "differs from $R/hersh.json in content, not only in layout; left as it is"
	[ "$(identity "$F")" = "$before" ]
}

@test "an upstream entry with more than a path is content, not layout" {
	jq '.runtimes.runsc.runtimeArgs = ["--debug"]' "$R/admin.runsc-install.json" >"$F"
	run "$DJ" -c "$F" restore-layout "$R/admin.json" --upstream-entry runsc /usr/bin/runsc
	assert_failure 5
}

@test "an upstream entry with another path is content, not layout" {
	cp "$R/admin.runsc-install.json" "$F"
	run "$DJ" -c "$F" restore-layout "$R/admin.json" --upstream-entry runsc /usr/local/bin/runsc
	assert_failure 5
}

@test "restore-layout of a file that already holds the saved bytes writes nothing" {
	cp "$R/hersh.json" "$F"
	before=$(identity "$F")
	run "$DJ" --exit-code -c "$F" restore-layout "$R/hersh.json"
	assert_success
	assert_output "$F: already laid out as $R/hersh.json, nothing to change"
	[ "$(identity "$F")" = "$before" ]
}

@test "restore-layout --exit-code exits 4 when it changed the file" {
	cp "$R/hersh.runsc-install.json" "$F"
	run "$DJ" -q --exit-code -c "$F" restore-layout "$R/hersh.json"
	assert_failure 4
	cmp "$R/hersh.json" "$F"
}

@test "restore-layout -n prints the diff and writes nothing" {
	require_cmd patch
	cp "$R/admin.runsc-install.json" "$F"
	before=$(identity "$F")
	run "$DJ" -n -c "$F" restore-layout "$R/admin.json" --upstream-entry runsc /usr/bin/runsc
	assert_success
	assert_line --index 0 "$F: would put back the layout of $R/admin.json, with runtime runsc added"
	assert_line --index 1 "--- a$F"
	[ "$(identity "$F")" = "$before" ]
	"$DJ" -q -n -c "$F" restore-layout "$R/admin.json" --upstream-entry runsc /usr/bin/runsc >"$BATS_TEST_TMPDIR/d.patch"
	patch -s "$F" <"$BATS_TEST_TMPDIR/d.patch"
	cmp "$R/admin.add.json" "$F"
}

@test "restore-layout keeps the mode of the file and is serialised like any edit" {
	cp "$R/hersh.runsc-install.json" "$F"
	chmod 0640 "$F"
	"$DJ" -q -c "$F" restore-layout "$R/hersh.json"
	[ "$(stat -c %a "$F")" = 640 ]
	assert_equal "$(ls -A "$D")" daemon.json
}

@test "restore-layout names the saved file when it is not valid JSON" {
	cp "$R/hersh.runsc-install.json" "$F"
	printf '{"a": 1,}\n' >"$SAVED"
	run "$DJ" -c "$F" restore-layout "$SAVED"
	assert_failure 1
	assert_output "hersh-daemon-json: $SAVED: invalid JSON at line 1, column 9: trailing comma"
	cmp "$R/hersh.runsc-install.json" "$F"
}

@test "restore-layout names daemon.json when it is not valid JSON" {
	printf '{"a": 1,}\n' >"$F"
	run "$DJ" -c "$F" restore-layout "$R/hersh.json"
	assert_failure 1
	assert_output "hersh-daemon-json: $F: invalid JSON at line 1, column 9: trailing comma"
}

@test "restore-layout of a missing file or a missing saved file is an error" {
	run "$DJ" -c "$F" restore-layout "$R/hersh.json"
	assert_failure 1
	assert_output "hersh-daemon-json: $F: no such file, nothing to restore"
	assert_not_exist "$F"
	cp "$R/hersh.json" "$F"
	run "$DJ" -c "$F" restore-layout "$BATS_TEST_TMPDIR/none.json"
	assert_failure 1
	assert_output "hersh-daemon-json: $BATS_TEST_TMPDIR/none.json: no such file"
}

@test "restore-layout usage errors exit 2" {
	run "$DJ" -c "$F" restore-layout "$SAVED" --upstream-entry runsc
	assert_failure 2
	run "$DJ" -c "$F" restore-layout "$SAVED" --upstream-entry runsc bin/runsc
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: path must be absolute: bin/runsc"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --upstream-entry runsc /usr/bin/runsc
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: --upstream-entry is only for restore-layout"
}

@test "-h lists restore-layout" {
	run "$DJ" -h
	assert_success
	assert_line --partial "restore-layout saved"
	assert_line --partial "[--upstream-entry name path]"
}
