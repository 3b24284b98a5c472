# shellcheck shell=sh
# Shared by the autopkgtest scripts in debian/tests: start Docker if it is
# not running, play the admin where policy-rc.d forbids the package to
# reload Docker, build a local busybox image (never pulled), report.
# Output goes to stdout: autopkgtest fails a test that writes to stderr.

# The test image: busybox-static's busybox under the name a busybox image
# has anywhere.  One that was there before is used and left alone; one
# these tests imported is removed by the last test (remove-purge).
TEST_IMAGE=busybox:latest
IMAGE_MARK=/run/hersh-autopkgtest-image
# Marks a dockerd these tests started (remove-purge stops it again).
DOCKERD_MARK=/run/hersh-autopkgtest-dockerd
DOCKERD_LOG=${AUTOPKGTEST_ARTIFACTS:-/tmp}/dockerd.log
POLICY_RC_D=/usr/sbin/policy-rc.d

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
# and wait until it answers.  A Docker that already runs is used as it is.
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

dockerd_pid() {
	pid=$(cat /var/run/docker.pid 2>/dev/null) || pid=
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Stop a dockerd these tests started (not a service, not the testbed's).
dockerd_stop_ours() {
	[ -f "$DOCKERD_MARK" ] || return 0
	pid=$(dockerd_pid) || pid=
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

# True when policy-rc.d forbids reloading Docker (exit status other than 0
# and 104), as on image builders and container-based testbeds.
policy_forbids_reload() {
	[ -x "$POLICY_RC_D" ] || return 1
	prc=0
	"$POLICY_RC_D" docker reload >/dev/null 2>&1 || prc=$?
	case $prc in
	0 | 104) return 1 ;;
	esac
	return 0
}

# admin_reload_docker: where policy-rc.d forbade the package to reload
# Docker (it said so and left the change for Docker's next start), do what
# the admin of such a host does: reload Docker, the way that keeps every
# container running, and wait until it has read daemon.json.
admin_reload_docker() {
	policy_forbids_reload || return 0
	say "policy-rc.d forbids service actions on this testbed: reloading Docker as its admin would"
	if [ -d /run/systemd/system ]; then
		systemctl reload docker.service 2>&1 || fail "systemctl reload docker.service failed"
	else
		pid=$(dockerd_pid) || fail "no dockerd to reload (/var/run/docker.pid)"
		kill -HUP "$pid"
	fi
	want=absent
	hersh-daemon-json show runsc >/dev/null 2>&1 && want=listed
	i=0
	while [ "$i" -lt 50 ]; do
		got=absent
		docker_runtimes | grep -qx runsc && got=listed
		[ "$got" = "$want" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	say "after the reload Docker has runsc $got, daemon.json has it $want"
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
	tar -C "$root" -c . | docker import - "$TEST_IMAGE" >"$IMAGE_MARK"
	rm -rf "$root"
}

# Remove the test image if these tests imported it (and it is still that one).
test_image_remove() {
	[ -s "$IMAGE_MARK" ] || return 0
	id=$(docker image inspect -f '{{.Id}}' "$TEST_IMAGE" 2>/dev/null) || id=
	if [ -n "$id" ] && [ "$id" = "$(cat "$IMAGE_MARK")" ]; then
		docker rmi "$id" >/dev/null 2>&1 || say "could not remove the test image $TEST_IMAGE ($id)"
	fi
	rm -f "$IMAGE_MARK"
}

# admin_after LOG: after a package action (its output in LOG, shown by
# the caller): where policy-rc.d forbids service actions, the package left
# the change for Docker's next start; the admin reloads Docker.
admin_after() {
	if policy_forbids_reload && grep -q 'policy-rc.d' "$1"; then
		admin_reload_docker
	fi
	return 0
}
