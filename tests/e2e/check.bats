#!/usr/bin/env bats
# hersh-gvisor-check against a real dockerd, without the package installed:
# a working host is set up by hand (daemon.json from a fixture, a local
# busybox image), then broken one way at a time.  Needs root and dockerd;
# run under the host lock:  flock /run/hersh-host.lock bats tests/e2e/check.bats

load ../lib/common
load ../lib/docker

DAEMON_JSON=/etc/docker/daemon.json

setup_file() {
	file_needs docker runsc || return 0
	if [ ! -x "$HERSH_BIN_DIR/hersh-daemon-json" ]; then
		file_skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
		return 0
	fi
	: >"$BATS_FILE_TMPDIR/set-up"
	save_path "$DAEMON_JSON"
	mkdir -p /etc/docker
	cp "$FIXTURES/check/working.json" "$DAEMON_JSON"
	dockerd_start
	test_image_ensure
}

# Containers hersh-gvisor-check started (it labels them) must be gone
# before dockerd stops: a runsc container torn down by a dying dockerd
# leaves its shim and sandbox running.
remove_check_containers() {
	local ids _
	docker_up || return 0
	for _ in $(seq 1 100); do
		ids=$(docker ps -aq --filter label=hersh-gvisor-check)
		[ -n "$ids" ] || return 0
		# shellcheck disable=SC2086 # one id per word
		docker rm -f $ids >/dev/null 2>&1 || true
		sleep 0.1
	done
	echo "containers labelled hersh-gvisor-check remain: $ids" >&2
}

dockerd_stop_clean() {
	remove_check_containers
	dockerd_stop
}

teardown_file() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	dockerd_stop_clean
	restore_path "$DAEMON_JSON"
}

setup() {
	file_skip_check
	PATH="$HERSH_BIN_DIR:$HERSH_SRC/src/check:$PATH"
	export PATH
}

# Put the working state back after a test broke it.
teardown() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	if [ -e "$BATS_FILE_TMPDIR/package-installed" ]; then
		hersh_purge
		policy_rc_d_restore
		rm -f "$BATS_FILE_TMPDIR/package-installed"
	fi
	if [ -e "$BATS_FILE_TMPDIR/dockerd-args" ]; then
		dockerd_stop_clean
		rm -f "$BATS_FILE_TMPDIR/dockerd-args"
	fi
	remove_check_containers
	cp "$FIXTURES/check/working.json" "$DAEMON_JSON"
	if ! dockerd_pid >/dev/null; then
		dockerd_start
	elif ! docker_has_working_runsc; then
		dockerd_reload
	fi
	wait_docker_working
}

# Docker's runsc is the one of working.json.
docker_has_working_runsc() {
	local rt
	rt=$(docker info --format '{{json .Runtimes.runsc}}' 2>/dev/null)
	case $rt in
	*'"/usr/bin/runsc"'*'"--network=none"'*) return 0 ;;
	esac
	return 1
}

wait_docker_working() {
	local _
	for _ in $(seq 1 100); do
		docker_has_working_runsc && return 0
		sleep 0.1
	done
	echo "Docker's runsc runtime is not the working one: $(docker info --format '{{json .Runtimes}}' 2>&1)" >&2
	return 1
}

docker_runtimes() {
	docker info --format '{{range $k, $v := .Runtimes}}{{$k}} {{end}}' 2>/dev/null
}

# wait_docker_runtime present|absent NAME: until docker info agrees (a
# reload is asynchronous).
wait_docker_runtime() {
	local want=$1 name=$2 _
	for _ in $(seq 1 100); do
		case " $(docker_runtimes) " in
		*" $name "*) [ "$want" = present ] && return 0 ;;
		*) [ "$want" = absent ] && return 0 ;;
		esac
		sleep 0.1
	done
	echo "docker info never showed runtime $name $want" >&2
	return 1
}

dockerd_reload() {
	kill -HUP "$(dockerd_pid)"
}

use_config() {
	cp "$FIXTURES/check/$1" "$DAEMON_JSON"
}

# Restart dockerd with extra arguments (teardown restarts it plainly).
dockerd_restart_with() {
	dockerd_stop_clean
	: >"$BATS_FILE_TMPDIR/dockerd-args"
	dockerd_start "$@"
}

@test "passes on a working host and prints the container's greeting" {
	run hersh-gvisor-check
	assert_success
	assert_line --regexp '^\[ok\] +test container under runsc: Hello from gVisor'
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

@test "an invalid daemon.json fails with the parser's message and the fix" {
	use_config invalid.json
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp "^\[FAIL\] daemon.json valid: .*$DAEMON_JSON.*line [0-9]+"
	assert_line --regexp "^ +fix: correct $DAEMON_JSON .*kill -HUP"
}

@test "quiet prints only the failing check and its fix" {
	use_config invalid.json
	run hersh-gvisor-check --quiet
	assert_failure 1
	assert_line --index 0 --regexp '^\[FAIL\] daemon.json valid: '
	assert_line --index 1 --regexp '^ +fix: '
	refute_line --regexp '^\[(ok|warn|skip)'
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
	assert_line '[FAIL] test container under runsc: image hersh-test/absent:none is not present locally (not pulling)'
	run docker image inspect hersh-test/absent:none
	assert_failure
}

@test "a dangling default-runtime fails with the fix" {
	use_config dangling-default.json
	run hersh-gvisor-check
	assert_failure 1
	assert_line --regexp '^\[FAIL\] daemon.json default-runtime: default-runtime "hersh-no-such-runtime" is not a runtime Docker knows'
	assert_line --regexp "^ +fix: set \"default-runtime\" in $DAEMON_JSON to runc"
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
	su nobody -s /bin/sh -c "test -x '$HERSH_SRC/src/check/hersh-gvisor-check'" 2>/dev/null ||
		skip "user nobody cannot run $HERSH_SRC/src/check/hersh-gvisor-check"
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
	assert_output --regexp '^true	runsc.installed=ok runsc.version=ok apt.source=(ok|warn) apt.keyring=(ok|skip) daemon-json.valid=ok daemon-json.runtime=ok daemon-json.default-runtime=ok docker.running=ok docker.reachable=ok docker.runtime=ok dockerd.cmdline=ok pitfall.network-10704=(ok|warn) container.hello=ok$'
}

@test "--json marks a failed check with its detail and fix" {
	use_config invalid.json
	run hersh-gvisor-check --json
	assert_failure 1
	run jq -e '.ok == false and (.checks[] | select(.id == "daemon-json.valid") | .status == "fail" and (.detail | test("line [0-9]+")) and (.fix | startswith("correct ")))' <<<"$output"
	assert_success
}

@test "--bench prints runc and runsc side by side with ratios" {
	run hersh-gvisor-check --bench
	assert_success
	assert_line --regexp '^ +runc +runsc +ratio +the guide says$'
	assert_line --regexp '^container start, median \(ms\) +[0-9]+ +[0-9]+ +[0-9.]+x '
	assert_line --regexp '^syscall, dd bs=1 \(ns/syscall\) +[0-9]+ +[0-9]+ +[0-9.]+x '
	assert_line --regexp '^memory, idle sleep \(MiB\) +[0-9.]+ +[0-9.]+ +[0-9.]+x '
}

@test "the packaged command passes on a host the package configured" {
	local deb
	deb=$(hersh_deb) || skip "no dist/hersh-gvisor_*.deb (run make deb)"
	dpkg-query -W -f '${Status}' hersh-gvisor 2>/dev/null | grep -q ' installed$' &&
		skip "hersh-gvisor is installed already"
	: >"$BATS_FILE_TMPDIR/package-installed"
	printf '{}\n' >"$DAEMON_JSON"
	dockerd_reload
	printf '%s\n' \
		'hersh-gvisor hersh-gvisor/apt-source boolean false' \
		'hersh-gvisor hersh-gvisor/runtime-args string --network=none' |
		debconf-set-selections
	policy_rc_d_hide
	DEBIAN_FRONTEND=noninteractive dpkg -i "$deb"
	wait_docker_working
	run env PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/sbin/hersh-gvisor-check
	assert_success
	assert_line --regexp '^\[ok\] +test container under runsc: Hello from gVisor'
	assert_line --regexp '^\[warn\] gVisor apt source: none \(disabled: hersh-gvisor/apt-source is false\)'
}
