#!/usr/bin/env bats
# The package end to end on a host that runs systemd, as every real host
# does: a Debian root booted with systemd as PID 1 (tests/lib/systemd.bash)
# with docker.service running, where the postinst applies its change with
# `deb-systemd-invoke reload docker.service`.  Install, remove and purge
# must reload Docker through systemd without restarting dockerd or a
# container.  Root; nothing here touches the host's Docker, apt or dpkg.
#
# The release is the start of this file's name: trixie.bats is a link to
# bookworm.bats.  The package is the one built for that release (make deb;
# tests/run deb@trixie), or the one HERSH_DEB_<RELEASE> names.

load ../lib/common
load ../lib/systemd

sysd_file_init procps

installed() {
	sysd_preseed apt-source=false "runtime-args=$SYSD_RUNSC_ARGS"
	sysd_step install dpkg -i "$SYSD_DEB"
}

removed() {
	installed
	# A sandboxed container that must outlive the runtime's removal.
	if ! sysd_containers | grep -qx sandboxed; then
		sysd_container_start sandboxed runsc
	fi
	sysd_step remove dpkg -r hersh-gvisor
}

purged() {
	removed
	sysd_step purge dpkg -P hersh-gvisor
}

@test "systemd is PID 1, docker.service is active and no policy-rc.d forbids service actions" {
	run sysd_exec readlink /proc/1/exe
	assert_output --regexp '/systemd$'
	sysd_exec test -d /run/systemd/system
	sysd_exec systemctl is-active --quiet docker.service
	run sysd_exec test -e /usr/sbin/policy-rc.d
	assert_failure
}

@test "install reloads docker.service through systemd and says so" {
	installed
	sysd_step_result install
	assert_success
	assert_output --partial "hersh-gvisor: Docker: reloaded"
	assert_equal "$(sysd_fact install after systemd_reloads)" \
		"$(($(sysd_fact install before systemd_reloads) + 1))"
}

@test "install keeps dockerd running: its MainPID is unchanged" {
	installed
	sysd_assert_dockerd_reloaded install
	run sysd_fact install before mainpid
	assert_output --regexp '^[1-9][0-9]*$'
	assert_equal "$(sysd_fact install after mainpid)" "$output"
}

@test "install keeps a running container running: its StartedAt is unchanged" {
	installed
	sysd_assert_dockerd_reloaded install
	run sysd_fact install before container_before
	assert_output --regexp '^true '
	assert_equal "$(sysd_fact install after container_before)" "$output"
}

@test "after install docker info lists runsc with the preseeded runtime arguments" {
	installed
	sysd_step_result install
	assert_output --partial "hersh-gvisor: Docker: lists the runsc runtime"
	run sysd_fact install after runtimes
	assert_output --partial "runsc=/usr/bin/runsc $SYSD_RUNSC_ARGS;"
}

@test "after install a container prints Hello from gVisor under runsc" {
	installed
	run sysd_exec docker run --rm --runtime=runsc --network none "$SYSD_TEST_IMAGE" echo "Hello from gVisor"
	sysd_log "docker run --runtime=runsc: $output"
	assert_success
	assert_output "Hello from gVisor"
}

@test "remove reloads docker.service through systemd: Docker no longer lists runsc" {
	removed
	sysd_step_result remove
	assert_success
	assert_output --partial "hersh-gvisor: Docker: no longer lists the runsc runtime"
	run sysd_fact remove after runtimes
	refute_output --partial "runsc="
	assert_equal "$(sysd_fact remove after systemd_reloads)" \
		"$(($(sysd_fact remove before systemd_reloads) + 1))"
}

@test "remove keeps dockerd running: its MainPID is unchanged" {
	removed
	sysd_assert_dockerd_reloaded remove
	assert_equal "$(sysd_fact remove after mainpid)" "$(sysd_fact install before mainpid)"
}

@test "remove warns about the container running under runsc and leaves it running" {
	removed
	sysd_step_result remove
	assert_output --partial "warning: container ${SYSD_CONTAINER_PREFIX}sandboxed runs under runsc"
	run sysd_fact remove before container_sandboxed
	assert_output --regexp '^true '
	assert_equal "$(sysd_fact remove after container_sandboxed)" "$output"
	assert_equal "$(sysd_fact remove after container_before)" "$(sysd_fact install before container_before)"
}

@test "purge leaves nothing of the package behind" {
	purged
	sysd_step_result purge
	assert_success
	run sysd_exec dpkg -s hersh-gvisor
	assert_failure
	assert_output --partial "not installed"
	run sysd_exec sh -c 'debconf-get-selections | grep hersh-gvisor'
	assert_output ''
	local p
	for p in /etc/docker/daemon.json /var/lib/hersh-gvisor /etc/apt/apt.conf.d/50hersh-gvisor \
		/etc/apt/sources.list.d/gvisor.list /usr/share/keyrings/gvisor-archive-keyring.gpg \
		/usr/share/hersh-gvisor /usr/sbin/hersh-daemon-json; do
		run sysd_exec test -e "$p"
		assert_failure
	done
	sysd_exec systemctl is-active --quiet docker.service
	assert_equal "$(sysd_fact purge after mainpid)" "$(sysd_fact install before mainpid)"
}
