# Start and stop a real dockerd for tests, and a local busybox image.
# Load after common:  load ../lib/docker
# dockerd_start refuses (skips) when a dockerd the tests did not start is
# running: the tests rewrite its configuration and may stop it.

DOCKER_PIDFILE=/var/run/docker.pid
# The test image: busybox-static's busybox, imported (never pulled) under
# the name a busybox image has anywhere, so that hersh-gvisor-check finds
# it as it would a user's.  An image of that name that was there before is
# used as it is and never removed; one the tests imported is removed when
# a file is done with the dockerd they started (dockerd_stop in
# teardown_file), not when a test restarts it.
TEST_IMAGE=busybox:latest
HERSH_DOCKERD_MARK=/run/hersh-test-dockerd
HERSH_IMAGE_MARK=/run/hersh-test-image

require_docker() {
	require_root
	require_cmd dockerd docker
}

docker_up() {
	docker info >/dev/null 2>&1
}

dockerd_pid() {
	local pid
	pid=$(cat "$DOCKER_PIDFILE" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && printf '%s\n' "$pid"
}

# dockerd_start [ARGS...]: start dockerd (reading /etc/docker/daemon.json
# unless ARGS say otherwise) and wait until it answers.
dockerd_start() {
	require_docker
	if dockerd_pid >/dev/null && [ ! -e "$HERSH_DOCKERD_MARK" ]; then
		skip "a dockerd the tests did not start is running"
	fi
	dockerd_pid >/dev/null && return 0
	: >"$HERSH_DOCKERD_MARK"
	# start-stop-daemon detaches and closes every inherited descriptor, so
	# neither dockerd nor the container shims it spawns hold bats' pipes.
	start-stop-daemon --start --background --output /tmp/hersh-test-dockerd.log \
		--pidfile "$DOCKER_PIDFILE" --exec /usr/sbin/dockerd -- "$@"
	local _
	for _ in $(seq 1 150); do
		docker_up && return 0
		sleep 0.2
	done
	echo "dockerd did not come up; log:" >&2
	tail -n 30 /tmp/hersh-test-dockerd.log >&2
	return 1
}

# Stop the dockerd the tests started (and wait until it is gone); at the
# end of a file (teardown_file: no test is running), remove the test image
# first if the tests imported it.
dockerd_stop() {
	local pid _
	[ -e "$HERSH_DOCKERD_MARK" ] || return 0
	if pid=$(dockerd_pid); then
		# The containers the tests left running go first, as at a normal
		# shutdown, so that no shim or sandbox outlives the daemon.
		docker ps -q 2>/dev/null | xargs -r docker kill >/dev/null 2>&1 || true
		[ -n "${BATS_TEST_NAME:-}" ] || test_image_remove
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 150); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
	fi
	rm -f "$HERSH_DOCKERD_MARK"
}

# A tiny local image (busybox-static), never pulled from a registry.
test_image_ensure() {
	docker image inspect "$TEST_IMAGE" >/dev/null 2>&1 && return 0
	local root a
	root=$(mktemp -d)
	mkdir -p "$root/bin"
	cp /bin/busybox "$root/bin/busybox"
	for a in sh echo sleep cat ls true id uname; do
		ln -s busybox "$root/bin/$a"
	done
	tar -C "$root" -c . | docker import - "$TEST_IMAGE" >"$HERSH_IMAGE_MARK"
	rm -rf "$root"
}

# Remove the test image if test_image_ensure imported it (and it is still
# that image), with the stopped containers made from it.
test_image_remove() {
	local id
	[ -s "$HERSH_IMAGE_MARK" ] || return 0
	id=$(docker image inspect -f '{{.Id}}' "$TEST_IMAGE" 2>/dev/null) || id=
	if [ -n "$id" ] && [ "$id" = "$(cat "$HERSH_IMAGE_MARK")" ]; then
		docker ps -aq --filter "ancestor=$id" | xargs -r docker rm -f >/dev/null 2>&1
		docker rmi "$id" >/dev/null 2>&1 || true
	fi
	rm -f "$HERSH_IMAGE_MARK"
}
