#!/usr/bin/env bats
# An image builder's install, offline: mmdebstrap bakes an image of the
# release under test (BAKE_RELEASE: bookworm, or HERSH_RELEASE) that
# installs hersh-gvisor, runsc and docker.io in one apt run from a local
# signed repository holding the package under test, with debconf preseeded
# (apt-source=false, runtime-args --network=none).  No Docker runs in the
# chroot and mmdebstrap forbids service starts (it writes its own
# /usr/sbin/policy-rc.d exiting 101 and replaces start-stop-daemon for the
# build, and removes both afterwards).  Then the image boots as far as
# Docker -- its own dockerd, reading its own daemon.json, in a throwaway
# copy of it with no network (tests/lib/root.bash) -- and must list runsc
# and run a container under it.
#
# Root; touches nothing on the host but its own temporary directory:
#   bats tests/image/bake.bats
#   HERSH_RELEASE=trixie HERSH_DEB=dist/trixie/hersh-gvisor_..._amd64.deb bats tests/image/bake.bats

load ../lib/common
load ../lib/aptrepo
load bake

setup_file() {
	file_needs root mmdebstrap chroot jq deb || return 0
	printf '%s\n' "$HERSH_DEB" >"$BATS_FILE_TMPDIR/deb"
	local w=$BATS_FILE_TMPDIR url sources
	export BAKE_CACHE=$BATS_RUN_TMPDIR/bake-archives
	aptrepo_key_new "$w/local" >/dev/null
	aptrepo_build "$w/local" stable main "$(cat "$w/deb")"
	url=$(aptrepo_serve "$w/local")
	sources=$(local_repo_sources "$w/local" "$url/repo" hersh-local)
	cat >"$w/preseed" <<-EOF
		hersh-gvisor hersh-gvisor/apt-source boolean false
		hersh-gvisor hersh-gvisor/runtime-args string --network=none
	EOF
	bake_image "$w/img" "$w/preseed" "$sources" "$w/log" || return 1
	image_boot "$w/img" "$w/boot"
}

teardown_file() {
	! file_skipped || return 0
	image_shutdown "$BATS_FILE_TMPDIR/boot"
	bake_cleanup "$BATS_FILE_TMPDIR"
}

setup() {
	file_skip_check
	IMG=$BATS_FILE_TMPDIR/img
	LOG=$BATS_FILE_TMPDIR/log
	# shellcheck disable=SC2034 # read by image_docker (bake.bash)
	IMAGE_RUN=$BATS_FILE_TMPDIR/boot/run
}

@test "the image's daemon.json names runsc with the preseeded runtime args" {
	run jq -c '.runtimes.runsc' "$IMG/etc/docker/daemon.json"
	assert_success
	assert_output '{"path":"/usr/bin/runsc","runtimeArgs":["--network=none"]}'
}

@test "the image's daemon.json leaves Docker's default runtime alone" {
	run jq -e 'has("default-runtime")' "$IMG/etc/docker/daemon.json"
	assert_output false
}

@test "the image records the runtime entry the package added under /var/lib/hersh-gvisor" {
	assert_file_exist "$IMG/var/lib/hersh-gvisor/docker-runtime"
	run jq -c . "$IMG/var/lib/hersh-gvisor/docker-runtime"
	assert_output "$(jq -c '.runtimes.runsc' "$IMG/etc/docker/daemon.json")"
}

@test "the image records that the package created daemon.json" {
	assert_file_exist "$IMG/var/lib/hersh-gvisor/docker-created"
}

@test "the image has no gVisor apt source or key when apt-source is preseeded false" {
	run chroot "$IMG" hersh-apt-source show
	assert_equal "$status" 3
	assert_file_not_exist "$IMG/usr/share/keyrings/gvisor-archive-keyring.gpg"
	run grep -r -l -i gvisor "$IMG/etc/apt/sources.list" "$IMG/etc/apt/sources.list.d"
	assert_failure
}

@test "mmdebstrap's policy-rc.d refused the service starts during the build" {
	run grep -F 'policy-rc.d denied execution of start' "$LOG"
	assert_success
	assert_file_not_exist "$IMG/usr/sbin/policy-rc.d"
}

@test "no service was running in the chroot once the packages were installed" {
	assert_file_exist "$IMG.procs"
	run cat "$IMG.procs"
	assert_output ''
}

@test "no dockerd ever ran in the image: no pidfile, no socket" {
	assert_file_not_exist "$IMG/run/docker.pid"
	assert_file_not_exist "$IMG/run/docker.sock"
	# /var/run is the image's link to /run (already checked); followed from
	# here, it would name this host's /run.
	if [ ! -L "$IMG/var/run" ]; then
		assert_file_not_exist "$IMG/var/run/docker.pid"
	fi
}

@test "the maintainer scripts said the apt source was skipped because apt-source is false" {
	run grep '^hersh-gvisor: ' "$LOG"
	assert_line --regexp '^hersh-gvisor: apt source: .*not added.*apt-source.*false'
}

@test "the maintainer scripts said Docker was not reloaded, and why" {
	run grep '^hersh-gvisor: ' "$LOG"
	assert_line --regexp '^hersh-gvisor: Docker: .*not running'
}

@test "the build log shows the maintainer scripts ran without errors" {
	run grep -E '^(E:|dpkg: error)|hersh-gvisor.*(error|failed)' "$LOG"
	assert_failure
}

@test "the booted image's dockerd lists runsc, from the image's own daemon.json" {
	run image_docker info --format '{{range $name, $rt := .Runtimes}}{{$name}} {{end}}'
	assert_success
	assert_output --regexp '(^| )runsc( |$)'
}

@test "the booted image's Docker is the release's own" {
	run image_docker version --format '{{.Server.Version}}'
	assert_success
	local want
	want=$(dpkg-query --admindir="$IMG/var/lib/dpkg" -W -f '${Version}' docker.io)
	[ -n "$output" ] && [[ $want == "$output"* ]] ||
		fail "the image has docker.io $want, its dockerd says it is $output"
}

@test "a container runs under the image's runsc with the preseeded args" {
	image_busybox busybox:latest
	run image_docker run --rm --runtime=runsc "busybox:latest" echo Hello from gVisor
	assert_success
	assert_output 'Hello from gVisor'
}
