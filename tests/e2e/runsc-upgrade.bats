#!/usr/bin/env bats
# End to end: the first run on a current kernel.  The package is installed
# with apt from a preseeded mirror of the gVisor repository (a local signed
# one on 127.0.0.1, laid out as gVisor's: suite release, component main),
# Debian's runsc comes along, then `apt-get update && apt-get upgrade`
# brings the repository's runsc (YYYYMMDD.0), whose postinst runs `runsc
# install --clobber=false` as gVisor's does, re-formatting daemon.json.
# A real dockerd runs throughout; no running container may restart.
# Root; run under the host lock:
#   flock /run/hersh-host.lock bats tests/e2e/runsc-upgrade.bats
#
# apt runs with only the gVisor source and private lists (gvisor_apt), so
# that nothing but runsc can be upgraded and the host's apt state stays.

load ../lib/common
load ../lib/docker
load ../lib/package
load ../lib/aptrepo
load ../lib/gvisor-repo

ADMIN=$FIXTURES/package/daemon-admin-numbers.json
FIRST=20250101.0
LATER=20250201.0

setup_file() {
	pkg_file_needs root gpg python3 curl apt-ftparchive || return 0
	pkg_file_setup || return 0
	if [ -z "$RUNSC_DEB" ]; then
		file_skip "no runsc package file (apt-get download runsc failed)"
		return 0
	fi
	REPO_DIR=$BATS_FILE_TMPDIR/gvisor-repo
	REPO_URL=$(gvisor_repo_new "$REPO_DIR" "$FIRST") ||
		{ file_skip "could not build the gVisor-style repository"; return 0; }
	REPO_FPR=$(aptrepo_fpr "$REPO_DIR")
	export REPO_DIR REPO_URL REPO_FPR
}

teardown_file() {
	! file_skipped || return 0
	[ -z "${REPO_DIR:-}" ] || aptrepo_stop "$REPO_DIR"
	pkg_file_teardown
}

setup() {
	file_skip_check
	pkg_test_setup
	pkg_runsc_restore
	rm -rf "$BATS_FILE_TMPDIR/gvisor-apt"
	# The repository holds the first release only.
	rm -rf "$REPO_DIR/repo"
	gvisor_repo_publish "$REPO_DIR" "$FIRST"
	pkg_preseed apt-source=true "apt-uri=$REPO_URL/repo" "key-url=$REPO_URL/key.asc" \
		"key-fingerprint=$REPO_FPR"
}

teardown() {
	pkg_test_teardown
}

# The runsc line Docker lists: "PATH ARG...", or nothing.
docker_runsc_line() {
	docker info --format '{{(index .Runtimes "runsc").Path}}{{range (index .Runtimes "runsc").Args}} {{.}}{{end}}'
}

# Every line of the admin's file is still there, unchanged (diff shows
# only added lines: the runsc entry).
admin_bytes_kept() {
	run diff "$ADMIN" "$HG_DAEMON_JSON"
	refute_output --regexp '^[<-]'
	refute_output --regexp '^[0-9,]+[cd][0-9,]+$'
}

# The entry carries the preseeded args, Docker lists exactly that.
entry_and_docker_have() {
	run "$HG_DJ_TOOL" show runsc
	assert_success
	assert_output --partial "\"$1\""
	assert_equal "$(docker_runsc_line)" "/usr/bin/runsc $1"
}

# evidence STEP CONTAINER STARTED: what Docker says after STEP, in the log:
# its version, the runsc runtime it lists, the container's StartedAt.
evidence() {
	printf '# %s: Docker %s lists runsc as "%s"; container %s StartedAt %s -> %s\n' "$1" \
		"$(docker version --format '{{.Server.Version}}')" "$(docker_runsc_line)" \
		"$2" "$3" "$(started_at "$2")" >&3
}

# hello: a container under runsc greets, and the log shows it.
hello() {
	run docker run --rm --runtime=runsc "$TEST_IMAGE" echo Hello from gVisor
	printf '# docker run --runtime=runsc: %s\n' "$output" >&3
	assert_output "Hello from gVisor"
}

upgrade_runsc_to() {
	local version=$1
	[ "$version" = "$FIRST" ] || gvisor_repo_publish "$REPO_DIR" "$version"
	run gvisor_apt update
	assert_success
	run gvisor_apt upgrade
	assert_success
	echo "$output" >&3
	assert_equal "$(dpkg-query -W -f '${Version}' runsc)" "$version"
}

@test "apt-get upgrade to gVisor's runsc keeps the preseeded args, the admin's bytes and Docker's listing" {
	local name started written
	daemon_json_use "$ADMIN"
	pkg_preseed runtime-args=--network=none
	name=$(container_start keep)
	started=$(started_at "$name")
	run gvisor_apt install "$HG_DEB"
	assert_success
	evidence "apt install hersh-gvisor" "$name" "$started"
	assert_file_exists "$HG_SOURCE_FILE"
	admin_bytes_kept
	entry_and_docker_have --network=none
	written=$BATS_TEST_TMPDIR/written.json
	cp "$HG_DAEMON_JSON" "$written"

	upgrade_runsc_to "$FIRST"
	assert_output --partial "administrator's layout was put back"
	evidence "apt upgrade to runsc $FIRST (trigger)" "$name" "$started"
	cmp "$written" "$HG_DAEMON_JSON"
	entry_and_docker_have --network=none
	assert_equal "$(started_at "$name")" "$started"
	hello

	upgrade_runsc_to "$LATER"
	evidence "apt upgrade to runsc $LATER (trigger)" "$name" "$started"
	cmp "$written" "$HG_DAEMON_JSON"
	entry_and_docker_have --network=none
	assert_equal "$(started_at "$name")" "$started"
	hello

	run gvisor_apt remove hersh-gvisor
	assert_success
	evidence "apt remove hersh-gvisor" "$name" "$started"
	cmp "$ADMIN" "$HG_DAEMON_JSON"
	refute docker_lists_runsc
	assert_equal "$(started_at "$name")" "$started"
	run gvisor_apt purge hersh-gvisor
	assert_success
	cmp "$ADMIN" "$HG_DAEMON_JSON"
	assert_not_exists "$HG_SOURCE_FILE"
	assert_not_exists "$HG_KEYRING"
	assert_not_exists "$HG_STATE_DIR"
	assert_equal "$(started_at "$name")" "$started"
}

@test "installed without recommends, apt-get install runsc from the gVisor repository gets the preseeded entry" {
	local name started
	DEBIAN_FRONTEND=noninteractive dpkg -r runsc >/dev/null
	daemon_json_use "$ADMIN"
	pkg_preseed runtime-args=--network=none
	name=$(container_start keep)
	started=$(started_at "$name")
	run gvisor_apt install --no-install-recommends "$HG_DEB"
	assert_success
	assert_output --partial "/usr/bin/runsc is not installed"
	cmp "$ADMIN" "$HG_DAEMON_JSON"

	run gvisor_apt update
	assert_success
	run gvisor_apt install runsc
	assert_success
	echo "$output" >&3
	assert_equal "$(dpkg-query -W -f '${Version}' runsc)" "$FIRST"
	assert_output --partial "the one runsc's own package writes"
	admin_bytes_kept
	entry_and_docker_have --network=none
	assert_file_exists "$HG_STATE_DIR/docker-runtime"
	assert_equal "$(started_at "$name")" "$started"
	run docker run --rm --runtime=runsc "$TEST_IMAGE" echo Hello from gVisor
	assert_output "Hello from gVisor"

	upgrade_runsc_to "$LATER"
	admin_bytes_kept
	entry_and_docker_have --network=none
	assert_equal "$(started_at "$name")" "$started"

	run gvisor_apt remove hersh-gvisor
	assert_success
	cmp "$ADMIN" "$HG_DAEMON_JSON"
	refute docker_lists_runsc
	assert_equal "$(started_at "$name")" "$started"
}

@test "with the default answers and Debian's runsc the runtime has --network=none until gVisor's runsc arrives" {
	hg_kernel_611 || skip "the kernel is older than 6.11: Debian's runsc needs no workaround"
	run gvisor_apt install "$HG_DEB"
	assert_success
	assert_output --partial "networking in the sandbox is off until runsc is upgraded"
	run last_summary_line
	assert_output --partial "next step: apt update && apt upgrade"
	entry_and_docker_have --network=none
	assert_file_exists "$HG_STATE_DIR/network-none"
	run docker run --rm --runtime=runsc "$TEST_IMAGE" echo ok
	assert_output ok

	upgrade_runsc_to "$FIRST"
	assert_output --partial "is taken out again"
	run "$HG_DJ_TOOL" show runsc
	refute_output --partial runtimeArgs
	assert_equal "$(docker_runsc_line)" /usr/bin/runsc
	assert_not_exists "$HG_STATE_DIR/network-none"
}
