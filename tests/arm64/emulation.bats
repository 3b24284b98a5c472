#!/usr/bin/env bats
# What the package's dockerd rule does under emulation, recorded so that a
# reader of the arm64 results sees an artefact of qemu-user, not a
# misjudgement of real arm64 hosts.
#
# The package acts on a running Docker only when the process its pidfile
# (or systemd) names is a dockerd: /proc/PID/exe must name a file called
# dockerd, owned by root and not writable by others.  On a real arm64 host
# the kernel runs dockerd itself and /proc/PID/exe is /usr/sbin/dockerd.
# Here, on an amd64 machine, binfmt_misc hands every arm64 binary to
# qemu-user: the process the kernel runs is the emulator, and
# /proc/PID/exe names qemu-aarch64-static.  So the package does not take
# the emulated dockerd for this host's Docker and reports Docker as not
# running (or as not this host's), next to a dockerd that answers.  The
# reload path cannot be tested under emulation; tests/run's e2e stages
# test it on amd64, where the rule reads the same files.
#
# Root, in a throwaway arm64 root (tests/run: arm64-install@R):
#   sudo tests/run arm64

load ../lib/common
load ../lib/docker
load ../lib/package

setup_file() {
	file_needs throwaway root deb dockerd docker start-stop-daemon || return 0
	# A machine, not an image build: service actions are allowed, so only
	# the dockerd rule decides.
	rm -f /usr/sbin/policy-rc.d
	# The root's own arm64 dockerd, emulated (no iptables, no bridge:
	# this root has only a loopback interface).
	dockerd_start --iptables=false --bridge=none
	cat "$DOCKER_PIDFILE" >"$BATS_FILE_TMPDIR/pid"
	pkg_forget
	local rc=0
	pkg_install "$HERSH_DEB" >"$BATS_FILE_TMPDIR/install.out" 2>&1 || rc=$?
	printf '%s\n' "$rc" >"$BATS_FILE_TMPDIR/install.rc"
}

teardown_file() {
	! file_skipped || return 0
	dockerd_stop
}

setup() {
	file_skip_check
	W=$BATS_FILE_TMPDIR
	PID=$(cat "$W/pid")
}

@test "the arm64 dockerd runs, emulated: Docker answers" {
	run docker info --format '{{.ServerVersion}} {{.Architecture}}'
	assert_success
	assert_output --regexp ' aarch64$'
}

@test "under qemu-user, /proc/PID/exe of the arm64 dockerd names the emulator, qemu-aarch64-static, not /usr/sbin/dockerd" {
	run readlink "/proc/$PID/exe"
	assert_success
	assert_output --regexp 'qemu-aarch64'
	echo "# /proc/$PID/exe -> $output" >&3
	# The emulator was handed the dockerd binary: it is in the command line.
	run sh -c "tr '\0' ' ' </proc/$PID/cmdline"
	assert_output --regexp '^[^ ]*qemu[^ ]* /usr/sbin/dockerd '
}

@test "the package installs next to the emulated dockerd" {
	run cat "$W/install.out"
	assert_equal "$(cat "$W/install.rc")" 0
}

@test "an artefact of emulation: the package does not take the emulated dockerd for this host's Docker (its exe is qemu-aarch64-static) and says Docker is not running" {
	run grep '^hersh-gvisor: ' "$W/install.out"
	assert_success
	local line
	while IFS= read -r line; do
		echo "# under qemu-user: $line" >&3
	done <<<"$output"
	assert_output --regexp "Docker: not running|not this host's|qemu-aarch64"
}

@test "the package neither stopped nor restarted the emulated dockerd" {
	run kill -0 "$PID"
	assert_success
	run cat "$DOCKER_PIDFILE"
	assert_output "$PID"
}

@test "daemon.json names runsc all the same: Docker reads it when it next starts" {
	run jq -r '.runtimes.runsc.path' /etc/docker/daemon.json
	assert_output /usr/bin/runsc
}
