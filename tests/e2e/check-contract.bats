#!/usr/bin/env bats
# Hersh's container contract under runsc: a container started with exactly
# --read-only, --security-opt no-new-privileges:true, --network none and
# one volume at /state, checked from inside.  Each property is shown
# failing when its option is left out (HERSH_GVISOR_CHECK_CONTRACT_DROP,
# which counts for a user only: those runs are a docker group member's).
# Needs root and dockerd; run under the host lock:
#     flock /run/hersh-host.lock bats tests/e2e/check-contract.bats

load ../lib/common
load ../lib/docker
load check-lib

setup_file() {
	file_needs useradd userdel setpriv || return 0
	getent group docker >/dev/null || { file_skip "needs group docker"; return 0; }
	check_setup_file
}
setup() {
	check_setup
	docker_user_add
}
teardown() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	docker_user_remove
	check_restore
}

CONTRACT_IDS="contract.read-only-root contract.state-volume contract.no-new-privileges contract.network-none contract.gvisor"

# contract_statuses: "id=status ..." of the contract checks of a --json run.
contract_statuses() {
	jq -r '[.checks[] | select(.id | startswith("contract.")) | .id + "=" + .status] | join(" ")' <<<"$output"
}

# expect_only_failing ID: that contract check fails, the others pass (the
# gVisor one is allowed to fail too when the runtime was dropped).
expect_only_failing() {
	local id want="" st
	for id in $CONTRACT_IDS; do
		st=ok
		[ "$id" = "$1" ] && st=fail
		[ "$id" = contract.gvisor ] && [ "${2:-}" = runc ] && st=fail
		want+="${want:+ }$id=$st"
	done
	run contract_statuses
	assert_output "$want"
}

# gVisor releases before 2025-08 set no_new_privs for every process in the
# sandbox, whatever the container's options: there the property cannot be
# seen failing under runsc, so it is shown under runc.
runsc_ignores_no_new_privileges() {
	local d
	d=$(runsc_date)
	[ -n "$d" ] && [ "$d" -lt 20250813 ]
}

# Docker's runsc runtime passes --network=none: its sandboxes never see a
# network device, so the property is shown under runc.
runsc_has_no_network() {
	case " $(docker_runtime_line runsc) " in *" --network=none "*) return 0 ;; esac
	return 1
}

# drop_run OPTION...: the check (--json) with OPTION... left out of the
# contract's container: a test setting that counts for a user only, so
# it runs as a member of group docker.
drop_run() {
	run as_docker_user HERSH_GVISOR_CHECK_CONTRACT_DROP="$*" hersh-gvisor-check --json
}

@test "the contract holds on a working host, one line per property" {
	run hersh-gvisor-check
	assert_success
	assert_line '[ok]   contract: read-only root filesystem: writing to / fails: Read-only file system'
	assert_line --regexp '^\[ok\]   contract: one read-write volume at /state: writing to /state succeeds \(mount type [a-z0-9]+\)$'
	assert_line --regexp '^\[ok\]   contract: no new privileges: no_new_privs is 1 \('
	assert_line '[ok]   contract: no network: only lo inside the container'
	assert_line --regexp '^\[ok\]   contract: runs under gVisor: dmesg inside shows gVisor.s boot lines \(.*gVisor.*\)$'
}

@test "--json reports each contract property under a stable id" {
	run hersh-gvisor-check --json
	assert_success
	run contract_statuses
	assert_output "contract.read-only-root=ok contract.state-volume=ok contract.no-new-privileges=ok contract.network-none=ok contract.gvisor=ok"
}

@test "without --read-only the read-only root check fails" {
	drop_run read-only
	assert_failure 1
	expect_only_failing contract.read-only-root
}

@test "without the volume the /state check fails" {
	drop_run volume
	assert_failure 1
	expect_only_failing contract.state-volume
}

@test "without no-new-privileges the no-new-privileges check fails" {
	local drop=no-new-privileges under=
	if runsc_ignores_no_new_privileges; then
		drop+=" runtime" under=runc
	fi
	drop_run "$drop"
	assert_failure 1
	expect_only_failing contract.no-new-privileges $under
}

@test "without --network none the network check fails" {
	local drop=network under=
	if runsc_has_no_network; then
		drop+=" runtime" under=runc
	fi
	# Docker's default network must give the container an interface.
	local ifs
	ifs=$(docker run --rm --pull=never "$TEST_IMAGE" ls /sys/class/net | tr '\n' ' ')
	[ "$ifs" != "lo " ] || skip "this dockerd's default network has no interface (--bridge=none?)"
	drop_run "$drop"
	assert_failure 1
	expect_only_failing contract.network-none $under
}

@test "under another runtime the gVisor check fails" {
	drop_run runtime
	assert_failure 1
	local json=$output
	expect_only_failing contract.gvisor
	run jq -r '.checks[] | select(.id == "contract.gvisor") | .detail' <<<"$json"
	assert_output --regexp '^dmesg inside shows no gVisor boot lines'
}

@test "the contract's volume and container are removed afterwards" {
	local before
	before=$(docker_state)
	run hersh-gvisor-check
	assert_success
	run docker_state
	assert_output "$before"
}
