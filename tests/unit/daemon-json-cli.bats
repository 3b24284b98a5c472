#!/usr/bin/env bats
# hersh-daemon-json's command line: forms, options anywhere, exit statuses
# (0 ok, 1 error, 2 usage, 3 absent, 4 changed with --exit-code), messages
# and show.

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	F=$BATS_TEST_TMPDIR/daemon.json
}

@test "-h prints every form on stdout and exits 0" {
	run "$DJ" -h
	assert_success
	assert_line --partial "add name path"
	assert_line --partial "remove name"
	assert_line --partial "show [name]"
	assert_line --partial "show --default"
	assert_line --partial "--set-default | --unset-default"
	assert_line --partial "--runtime-arg arg"
}

@test "--help is -h" {
	run "$DJ" --help
	assert_success
	assert_line --index 0 --partial "usage: hersh-daemon-json"
}

@test "-V prints the version" {
	run "$DJ" -V
	assert_success
	assert_output --regexp '^hersh-daemon-json [0-9][^ ]*$'
}

@test "no command is a usage error" {
	run "$DJ"
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: no command given"
	assert_line --index 1 --partial "usage:"
}

@test "an unknown command is a usage error" {
	run "$DJ" frobnicate
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: unknown command: frobnicate"
}

@test "an unknown option is a usage error" {
	run "$DJ" --frobnicate show
	assert_failure 2
	assert_line --partial "usage:"
}

@test "add without a path is a usage error" {
	run "$DJ" -c "$F" add runsc
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: missing arguments"
	assert_not_exist "$F"
}

@test "add with a relative path is a usage error" {
	run "$DJ" -c "$F" add runsc bin/runsc
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: path must be absolute: bin/runsc"
	assert_not_exist "$F"
}

@test "add with an empty name is a usage error" {
	run "$DJ" -c "$F" add "" /usr/bin/runsc
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: runtime name must be non-empty UTF-8"
}

@test "a name that is not UTF-8 is a usage error" {
	run "$DJ" -c "$F" add $'run\xffsc' /usr/bin/runsc
	assert_failure 2
	assert_not_exist "$F"
}

@test "too many arguments is a usage error" {
	run "$DJ" -c "$F" remove runsc extra
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: too many arguments: extra"
}

@test "--set-default with remove is a usage error" {
	run "$DJ" -c "$F" remove runsc --set-default
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: --set-default is only for add"
}

@test "--set-default with --unset-default is a usage error" {
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --set-default --unset-default
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: --set-default and --unset-default exclude each other"
}

@test "--runtime-arg with --no-runtime-args is a usage error" {
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --runtime-arg=-x --no-runtime-args
	assert_failure 2
}

@test "--default outside show is a usage error" {
	run "$DJ" -c "$F" remove runsc --default
	assert_failure 2
}

@test "show --default with a name is a usage error" {
	run "$DJ" -c "$F" show --default runsc
	assert_failure 2
}

@test "options may follow the command and its arguments" {
	run "$DJ" add runsc /usr/bin/runsc --runtime-arg --network=none -c "$F" --set-default -q
	assert_success
	assert_output ""
	run jq -c '[."default-runtime", .runtimes.runsc.runtimeArgs]' "$F"
	assert_output '["runsc",["--network=none"]]'
}

@test "a runtime argument may start with dashes" {
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc --runtime-arg --debug --runtime-arg -x
	run jq -c .runtimes.runsc.runtimeArgs "$F"
	assert_output '["--debug","-x"]'
}

@test "arguments after -- are not options" {
	run "$DJ" -q -c "$F" add -- -odd /usr/bin/runsc
	assert_success
	run jq -r '.runtimes | keys[0]' "$F"
	assert_output -- -odd
}

@test "add says what it did on one line" {
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --set-default
	assert_success
	assert_output "$F: added runtime runsc, set default-runtime to runsc"
}

@test "add of a changed path says it updated the runtime" {
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	run "$DJ" -c "$F" add runsc /usr/local/bin/runsc
	assert_output "$F: updated runtime runsc"
}

@test "remove says what it did on one line" {
	cp "$FX/default-runtime.json" "$F"
	run "$DJ" -c "$F" remove runsc
	assert_success
	assert_output "$F: removed runtime runsc, removed default-runtime runsc"
}

@test "-q silences the summary line" {
	run "$DJ" -q -c "$F" add runsc /usr/bin/runsc
	assert_success
	assert_output ""
}

@test "--exit-code makes an add that changed the file exit 4" {
	run "$DJ" -q --exit-code -c "$F" add runsc /usr/bin/runsc
	assert_failure 4
	assert_file_exist "$F"
}

@test "--exit-code makes an add that changed nothing exit 0" {
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	run "$DJ" -q --exit-code -c "$F" add runsc /usr/bin/runsc
	assert_success
}

@test "--exit-code makes a remove that changed the file exit 4" {
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	run "$DJ" -q --exit-code -c "$F" remove runsc
	assert_failure 4
}

@test "--exit-code makes a remove of an absent runtime exit 0" {
	cp "$FX/tabs.json" "$F"
	run "$DJ" -q --exit-code -c "$F" remove runsc
	assert_success
}

@test "--exit-code with -n exits 4 when the file would change and leaves it alone" {
	cp "$FX/tabs.json" "$F"
	run "$DJ" -n -q --exit-code -c "$F" add runsc /usr/bin/runsc
	assert_failure 4
	cmp "$FX/tabs.json" "$F"
}

@test "without --exit-code a change exits 0" {
	run "$DJ" -q -c "$F" add runsc /usr/bin/runsc
	assert_success
}

@test "an error exits 1 even with --exit-code" {
	cp "$FX/bad/missing-comma.json" "$F"
	run "$DJ" -q --exit-code -c "$F" add runsc /usr/bin/runsc
	assert_failure 1
}

@test "show NAME prints the entry as pretty JSON" {
	cp "$FX/existing-runsc.json" "$F"
	run "$DJ" -c "$F" show runsc
	assert_success
	assert_output '{
  "path": "/usr/local/bin/runsc",
  "runtimeArgs": [
    "--platform=kvm"
  ],
  "runtimeType": "io.containerd.runsc.v1",
  "options": {
    "TypeUrl": "io.containerd.runsc.v1.options"
  }
}'
}

@test "show NAME of an absent runtime exits 3 and prints nothing" {
	cp "$FX/nvidia.json" "$F"
	run --separate-stderr "$DJ" -c "$F" show runsc
	assert_failure 3
	assert_output ""
	[ -z "$stderr" ]
}

@test "show NAME works as a shell test" {
	cp "$FX/nvidia.json" "$F"
	"$DJ" -c "$F" show nvidia >/dev/null
	! "$DJ" -c "$F" show runsc >/dev/null
}

@test "show --default prints the default runtime" {
	cp "$FX/nvidia.json" "$F"
	run "$DJ" -c "$F" show --default
	assert_success
	assert_output nvidia
}

@test "show --default without a default exits 3 and prints nothing" {
	cp "$FX/tabs.json" "$F"
	run "$DJ" -c "$F" show --default
	assert_failure 3
	assert_output ""
}

@test "show prints the default runtime and all runtimes" {
	cp "$FX/nvidia.json" "$F"
	run "$DJ" -c "$F" show
	assert_success
	assert_output '{
  "default-runtime": "nvidia",
  "runtimes": {
    "nvidia": {
      "args": [],
      "path": "nvidia-container-runtime",
      "runtimeArgs": [
        "--debug"
      ]
    }
  }
}'
}

@test "show of a missing file prints empty runtimes" {
	run "$DJ" -c "$F" show
	assert_success
	assert_output $'{\n  "runtimes": {}\n}'
	assert_not_exist "$F"
}

@test "show of an invalid file fails with line and column" {
	cp "$FX/bad/missing-comma.json" "$F"
	run "$DJ" -c "$F" show
	assert_failure 1
	assert_output "hersh-daemon-json: $F: invalid JSON at line 3, column 3: expected ',' or '}'"
}

@test "show reads a file with a byte order mark" {
	cp "$FX/bom.json" "$F"
	"$DJ" -q -c "$F" add runsc /usr/bin/runsc
	run "$DJ" -c "$F" show runsc
	assert_success
	assert_output $'{\n  "path": "/usr/bin/runsc"\n}'
}

@test "an empty -c is a usage error" {
	run "$DJ" -c "" show
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: -c needs a file name"
}

@test "-h lists the state commands, purge, trusted and check-args" {
	run "$DJ" -h
	assert_success
	for form in "show --porcelain [name]" "state [name path]" "mark key [text]" \
		"unmark key ..." "remember" "forget" "purge [--keep-dir] [--keep-state]" \
		"trusted [--for-root] path ..." "check-args [arg ...]" "[--record]"; do
		assert_line --partial "$form"
	done
	assert_line --partial "--state dir and --root dir"
}

@test "options of one command are usage errors with another" {
	for args in "show --record" "state --keep-state" "mark default --porcelain" \
		"trusted /bin/sh --lock-timeout 1" "check-args --x --y" "purge --set-default"; do
		# shellcheck disable=SC2086 # split on purpose
		run "$DJ" --state "$BATS_TEST_TMPDIR/state" $args
		case $args in
		check-args*) assert_success ;;	# every argument after it is one to check
		*) assert_failure 2 ;;
		esac
	done
	assert_not_exist "$BATS_TEST_TMPDIR/state"
}
