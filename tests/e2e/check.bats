#!/usr/bin/env bats
# hersh-gvisor-check against a real dockerd, without the package installed:
# a working host is set up by hand (daemon.json from a fixture, a local
# busybox image), then broken one way at a time.  Needs root and dockerd;
# tests/run runs it in a throwaway root (check@R).  What needs no Docker
# is in tests/unit/check-*.bats.

load ../lib/common
load ../lib/docker
load check-lib

@test "passes on a working host and prints the container's greeting" {
	run hersh-gvisor-check
	assert_success
	assert_line --regexp '^\[ok\] +test container under runsc: Hello from gVisor .*image: local\)$'
	assert_line --regexp '^\[ok\] +Docker lists runsc: '
	assert_line --regexp '^\[ok\] +daemon.json names runsc: path /usr/bin/runsc$'
	refute_line --regexp '^\[FAIL\]'
}

@test "output is plain ASCII when stdout is not a terminal" {
	run hersh-gvisor-check
	assert_success
	run bash -c 'LC_ALL=C grep -c "[^ -~]" <<<"$0"' "$output"
	assert_output 0
}

@test "a UTF-8 terminal gets check marks" {
	require_cmd script
	run script -qec "env LC_ALL=C.UTF-8 NO_COLOR=1 PATH='$PATH' hersh-gvisor-check" /dev/null
	assert_success
	assert_output --partial "✓ test container under runsc: Hello from gVisor"
	refute_output --partial "[ok]"
}

@test "quiet prints nothing when everything works" {
	run hersh-gvisor-check --quiet
	assert_success
	assert_output ""
}

@test "a runtime missing from Docker fails with the add-and-reload fix" {
	use_config no-runtime.json
	dockerd_reload
	wait_docker_runtime absent runsc
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp '^\[FAIL\] Docker lists runsc: Docker knows only: '
	assert_line --regexp "^ +fix: hersh-daemon-json -c $DAEMON_JSON add runsc /usr/bin/runsc && kill -HUP"
	assert_line --regexp "^\[FAIL\] daemon.json names runsc: $DAEMON_JSON has no runtime \"runsc\""
	assert_line --regexp '^\[skip\] test container under runsc: Docker does not list runsc'
}

@test "a runtime in daemon.json that Docker has not read asks for a reload" {
	use_config no-runtime.json
	dockerd_reload
	wait_docker_runtime absent runsc
	use_config working.json
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp '^\[ok\] +daemon.json names runsc: '
	assert_line --regexp '^\[FAIL\] Docker lists runsc: '
	assert_line --regexp '^ +fix: kill -HUP \$\(cat /var/run/docker.pid\) '
}

@test "a missing runsc binary fails on the runtime path and the test container" {
	use_config missing-binary.json
	dockerd_reload
	run hersh-gvisor-check
	assert_failure 1
	assert_line "[FAIL] daemon.json names runsc: runtimes.runsc.path /nonexistent/hersh-test/runsc does not exist: containers under runsc cannot start"
	assert_line --regexp '^ +fix: hersh-daemon-json -c /etc/docker/daemon.json add runsc /usr/bin/runsc && kill -HUP'
	assert_line --regexp '^\[FAIL\] test container under runsc: docker run failed'
}

@test "a --runtime name that is configured nowhere fails" {
	run hersh-gvisor-check --runtime hersh-no-such
	assert_failure 1
	assert_line --regexp "^\[FAIL\] daemon.json names hersh-no-such: $DAEMON_JSON has no runtime \"hersh-no-such\""
	assert_line --regexp '^\[FAIL\] Docker lists hersh-no-such: '
}

@test "an --image that is not present locally is not pulled" {
	run hersh-gvisor-check --image hersh-test/absent:none
	assert_failure 1
	assert_line '[FAIL] test container under runsc: image hersh-test/absent:none is not present locally (not pulling without --pull)'
	run docker image inspect hersh-test/absent:none
	assert_failure
}

@test "Docker stopped fails with the start command" {
	dockerd_stop_clean
	run hersh-gvisor-check
	assert_failure 1
	assert_line '[FAIL] Docker running: dockerd is not running'
	assert_line --regexp '^ +fix: (service docker start|systemctl start docker)$'
	assert_line --regexp '^\[skip\] test container under runsc: Docker is not reachable'
}

@test "a user without access to the Docker socket gets the docker group fix" {
	run su nobody -s /bin/bash -c "PATH='$PATH' hersh-gvisor-check"
	assert_failure 1
	assert_line --regexp '^\[FAIL\] Docker reachable: nobody cannot use /var/run/docker.sock: permission denied$'
	assert_line --regexp '^ +fix: sudo usermod -aG docker nobody, then log out and in again'
}

@test "dockerd with --add-runtime next to daemon.json runtimes is a conflict" {
	printf '{}\n' >"$DAEMON_JSON"
	dockerd_restart_with --add-runtime runsc=/usr/bin/runsc
	use_config working.json
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp '^\[FAIL\] dockerd options: dockerd has --add-runtime runsc=/usr/bin/runsc and /etc/docker/daemon.json has "runtimes"'
	assert_line --regexp '^ +fix: remove --add-runtime from '
}

@test "dockerd reading another --config-file is reported" {
	cp "$FIXTURES/check/working.json" "$BATS_FILE_TMPDIR/other.json"
	dockerd_restart_with --config-file "$BATS_FILE_TMPDIR/other.json"
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp "^\[FAIL\] dockerd options: dockerd reads --config-file $BATS_FILE_TMPDIR/other.json, not $DAEMON_JSON"
	assert_line "       fix: check that file instead: hersh-gvisor-check --config $BATS_FILE_TMPDIR/other.json"
}

@test "runsc without --network=none on an affected kernel is the issue 10704 pitfall" {
	local k
	k=$(uname -r)
	case $k in [0-5].* | 6.[0-9].* | 6.10.*) skip "kernel $k predates 6.11" ;; esac
	runsc --version | grep -q '20\(1[0-9]\|2[0-3]\)[0-9]\{4\}\|20240[0-7][0-9][0-9]' || skip "runsc is not older than 20240807"
	use_config no-network-arg.json
	dockerd_reload
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp '^\[FAIL\] runsc networking on this kernel: .*gVisor issue 10704'
	assert_line --regexp '^ +or run without sandbox networking: hersh-daemon-json .* --runtime-arg --network=none'
	assert_line --regexp '^\[skip\] test container under runsc: not run: it cannot start under this runsc'
}

@test "--json is one valid object with every check and its status" {
	run hersh-gvisor-check --json
	assert_success
	run jq -e . <<<"$output"
	assert_success
	run jq -r '[.ok, (.checks | map(.id + "=" + .status) | join(" "))] | @tsv' <<<"$output"
	assert_output --regexp '^true	runsc.installed=ok runsc.version=ok runsc.gvisor-bin=(ok|skip) apt.source=(ok|warn) apt.keyring=(ok|skip) apt.key-expiry=(ok|skip) apt.pin=(ok|warn|skip) apt.runsc=(ok|warn|skip) daemon-json.valid=ok daemon-json.runtime=ok daemon-json.default-runtime=ok docker.running=ok docker.reachable=ok docker.runtime=ok dockerd.cmdline=ok pitfall.network-10704=(ok|warn) runsc.platform=ok container.hello=ok contract.read-only-root=ok contract.state-volume=ok contract.no-new-privileges=ok contract.network-none=ok contract.gvisor=ok$'
}

@test "the packaged command passes on a host the package configured" {
	check_install_package
	run env PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/bin/hersh-gvisor-check
	assert_success
	assert_line --regexp '^\[ok\] +test container under runsc: Hello from gVisor'
	assert_line --regexp '^\[warn\] gVisor apt source: none \(disabled: hersh-gvisor/apt-source is false\)'
}
