#!/usr/bin/env bats
# The test image of hersh-gvisor-check: with no local image at all (a
# dockerd on an empty data root of its own) it makes a throwaway image
# from busybox-static, uses it and removes it, also when interrupted;
# nothing is pulled unless asked.  Needs root and dockerd; run under the
# host lock:  flock /run/hersh-host.lock bats tests/e2e/check-image.bats

load ../lib/common
load ../lib/docker
load check-lib

setup_file() {
	file_needs python3 || return 0
	dpkg-query -S /bin/busybox /usr/bin/busybox 2>/dev/null | grep -q '^busybox-static:' ||
		{ file_skip "needs busybox-static"; return 0; }
	check_setup_file
}

# A dockerd without a single image.
no_local_image() {
	check_empty_root
	[ -z "$(docker images -aq)" ] || fail "the empty data root has images"
}

@test "with no local image a throwaway busybox image is used and nothing is left behind" {
	no_local_image
	local before
	before=$(docker_state)
	run hersh-gvisor-check
	assert_success
	assert_line --regexp '^\[ok\]   test container under runsc: Hello from gVisor \(docker run --rm --runtime=runsc --network none hersh-gvisor-check/busybox:[0-9]+-[0-9]+; image: throwaway, from busybox-static; removed afterwards\)$'
	assert_line '[ok]   contract: no network: only lo inside the container'
	run docker_state
	assert_output "$before"
}

@test "--json names the throwaway image it used" {
	no_local_image
	run hersh-gvisor-check --json
	assert_success
	run jq -r .image <<<"$output"
	assert_output --regexp '^hersh-gvisor-check/busybox:[0-9]+-[0-9]+$'
	run docker images -q
	assert_output ""
}

@test "interrupted with Ctrl-C, the check removes its image, containers and volumes" {
	no_local_image
	local before pid rc=0 _ ids=""
	before=$(docker_state)
	# Its own process group, SIGINT as a terminal delivers it (a shell
	# starts background jobs with SIGINT ignored: python puts it back).
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setpgid(0, 0)
os.execvp(sys.argv[1], sys.argv[1:])' hersh-gvisor-check --bench >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	# Wait until the benchmark runs its containers on the throwaway image.
	for _ in $(seq 1 600); do
		ids=$(docker ps -q --filter "label=$CHECK_LABEL")
		[ -n "$ids" ] && [ -n "$(docker images -q --filter "label=$CHECK_LABEL")" ] &&
			grep -q '^\[ok\]   contract' "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	[ -n "$ids" ] || fail "no labelled container appeared: $(cat "$BATS_TEST_TMPDIR/out")"
	local sent=$SECONDS
	kill -INT -- "-$pid"
	wait "$pid" || rc=$?
	[ "$rc" = 130 ] || fail "exit status $rc, not 130: $(cat "$BATS_TEST_TMPDIR/out")"
	# No waiting for the measurement under way to end.
	[ $((SECONDS - sent)) -le 15 ] || fail "it took $((SECONDS - sent)) s to stop"
	run docker_state
	assert_output "$before"
}

@test "with no local image and --image of an absent image nothing is pulled" {
	no_local_image
	run hersh-gvisor-check --image alpine:latest
	assert_failure 1
	assert_line "[FAIL] test container under runsc: image alpine:latest is not present locally (not pulling without --pull)"
	assert_line --regexp '^ +fix: hersh-gvisor-check --pull --image alpine:latest '
	run docker images -aq
	assert_output ""
}

@test "a local busybox image is used as it is" {
	run hersh-gvisor-check
	assert_success
	assert_line --regexp "^\[ok\]   test container under runsc: Hello from gVisor \(docker run --rm --runtime=runsc --network none [^ ]*busybox[^ ]*; image: local\)$"
	run docker images -q --filter "label=$CHECK_LABEL"
	assert_output ""
}
