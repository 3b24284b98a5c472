#!/usr/bin/env bats
# The package on a systemd host whose Docker cannot be reloaded through
# systemd: docker.io's unit reloads with `ExecReload=/bin/kill -s HUP
# $MAINPID`, and on a root without procps there is no /bin/kill, so
# `systemctl reload docker` fails (status=203/EXEC).  The postinst then
# signals the unit's MainPID itself -- only when policy-rc.d allows the
# action -- confirms that Docker lists the runtime, and says what it did.
# Root; nothing here touches the host's Docker, apt or dpkg.
#
# The release is the start of this file's name: trixie-noprocps.bats is a
# link to bookworm-noprocps.bats.

load ../lib/common
load ../lib/systemd

sysd_file_init noprocps ", without procps"

preseeded() {
	sysd_preseed apt-source=false "runtime-args=$SYSD_RUNSC_ARGS"
}

# Install and purge with a policy-rc.d that forbids every service action
# (an image build), then take it away again.
forbidden() {
	[ -e "$BATS_FILE_TMPDIR/step-forbidden-purge.rc" ] && return 0
	sysd_exec sh -c 'printf "#!/bin/sh\nexit 101\n" >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
	preseeded
	sysd_step forbidden dpkg -i "$SYSD_DEB"
	sysd_step forbidden-purge dpkg -P hersh-gvisor
	sysd_exec rm -f /usr/sbin/policy-rc.d
}

installed() {
	forbidden
	preseeded
	sysd_step install dpkg -i "$SYSD_DEB"
}

removed() {
	installed
	sysd_step remove dpkg -r hersh-gvisor
}

@test "systemctl reload docker fails: docker.io's ExecReload needs /bin/kill, which procps ships" {
	run sysd_exec sh -c 'test -e /bin/kill || test -e /usr/bin/kill'
	assert_failure
	run sysd_exec systemctl show -p ExecReload --value docker.service
	assert_output --partial "/bin/kill"
	run sysd_exec systemctl reload docker.service
	assert_failure
	run sysd_exec journalctl -u docker.service -o cat --no-pager
	assert_output --partial "status=203/EXEC"
	sysd_exec systemctl is-active --quiet docker.service
}

@test "with policy-rc.d forbidding service actions the postinst neither reloads nor signals dockerd" {
	forbidden
	sysd_step_result forbidden
	assert_success
	assert_output --partial "policy-rc.d forbids service actions"
	refute_output --partial SIGHUP
	assert_equal "$(sysd_fact forbidden after dockerd_reloads)" "$(sysd_fact forbidden before dockerd_reloads)"
	run sysd_fact forbidden after runtimes
	refute_output --partial "runsc="
}

@test "install falls back to SIGHUP of docker.service's MainPID and says so" {
	installed
	sysd_step_result install
	assert_success
	assert_output --regexp 'systemctl reload docker(\.service)? failed'
	assert_output --partial "SIGHUP"
	assert_output --partial "$(sysd_fact install before mainpid)"
	sysd_assert_dockerd_reloaded install
}

@test "after the fallback Docker lists runsc and says so" {
	installed
	sysd_step_result install
	assert_output --partial "hersh-gvisor: Docker: lists the runsc runtime"
	run sysd_fact install after runtimes
	assert_output --partial "runsc=/usr/bin/runsc $SYSD_RUNSC_ARGS;"
}

@test "the fallback keeps dockerd running: its MainPID is unchanged" {
	installed
	sysd_assert_dockerd_reloaded install
	run sysd_fact install before mainpid
	assert_output --regexp '^[1-9][0-9]*$'
	assert_equal "$(sysd_fact install after mainpid)" "$output"
}

@test "the fallback keeps a running container running: its StartedAt is unchanged" {
	installed
	sysd_assert_dockerd_reloaded install
	run sysd_fact install before container_before
	assert_output --regexp '^true '
	assert_equal "$(sysd_fact install after container_before)" "$output"
}

@test "after the fallback a container prints Hello from gVisor under runsc" {
	installed
	run sysd_exec docker run --rm --runtime=runsc --network none "$SYSD_TEST_IMAGE" echo "Hello from gVisor"
	assert_success
	assert_output "Hello from gVisor"
}

@test "remove falls back the same way: Docker no longer lists runsc" {
	removed
	sysd_step_result remove
	assert_success
	assert_output --partial "SIGHUP"
	assert_output --partial "hersh-gvisor: Docker: no longer lists the runsc runtime"
	run sysd_fact remove after runtimes
	refute_output --partial "runsc="
}

@test "remove keeps dockerd and the running container running" {
	removed
	sysd_assert_dockerd_reloaded remove
	assert_equal "$(sysd_fact remove after mainpid)" "$(sysd_fact install before mainpid)"
	assert_equal "$(sysd_fact remove after container_before)" "$(sysd_fact install before container_before)"
}
