# shellcheck shell=sh
# Shared by the autopkgtest scripts in debian/tests: start Docker if it is
# not running, build a local busybox image (never pulled), report.
# Output goes to stdout: autopkgtest fails a test that writes to stderr.

TEST_IMAGE=hersh-test/busybox:latest
# Marks a dockerd these tests started (remove-purge stops it again).
DOCKERD_MARK=/run/hersh-autopkgtest-dockerd
DOCKERD_LOG=${AUTOPKGTEST_ARTIFACTS:-/tmp}/dockerd.log

say() {
	printf '%s: %s\n' "${0##*/}" "$*"
}

fail() {
	say "FAIL: $*"
	exit 1
}

docker_up() {
	docker info >/dev/null 2>&1
}

# Start Docker (its service under systemd, else dockerd in the background)
# and wait until it answers.
dockerd_ensure() {
	docker_up && return 0
	if [ -d /run/systemd/system ]; then
		say "starting docker.service"
		systemctl start docker.service 2>&1
	else
		say "starting dockerd (no systemd), log in $DOCKERD_LOG"
		: >"$DOCKERD_MARK"
		setsid dockerd </dev/null >>"$DOCKERD_LOG" 2>&1 &
	fi
	i=0
	while [ "$i" -lt 150 ]; do
		docker_up && return 0
		sleep 0.2
		i=$((i + 1))
	done
	[ -f "$DOCKERD_LOG" ] && tail -n 30 "$DOCKERD_LOG"
	fail "Docker did not come up"
}

# Stop a dockerd these tests started (not a service).
dockerd_stop_ours() {
	[ -f "$DOCKERD_MARK" ] || return 0
	pid=$(cat /var/run/docker.pid 2>/dev/null) || pid=
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		i=0
		while [ "$i" -lt 150 ] && kill -0 "$pid" 2>/dev/null; do
			sleep 0.2
			i=$((i + 1))
		done
	fi
	rm -f "$DOCKERD_MARK"
}

# The runtimes Docker lists, one a line.
docker_runtimes() {
	docker info --format '{{range $name, $rt := .Runtimes}}{{$name}}{{"\n"}}{{end}}'
}

# A tiny local image from busybox-static.
test_image_ensure() {
	docker image inspect "$TEST_IMAGE" >/dev/null 2>&1 && return 0
	root=$(mktemp -d)
	mkdir -p "$root/bin"
	cp /bin/busybox "$root/bin/busybox"
	for a in sh echo sleep cat ls true id uname; do
		ln -s busybox "$root/bin/$a"
	done
	tar -C "$root" -c . | docker import - "$TEST_IMAGE" >/dev/null
	rm -rf "$root"
}
