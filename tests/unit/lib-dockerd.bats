#!/usr/bin/env bats
# The shell library's rule of which dockerd is this host's Docker (the one
# root signals, asks and runs --validate with), and how the library talks
# to it.  Any user; the tests with a root-owned stand-in dockerd need root.

# The library's settings are assigned here and read by the sourced code.
# shellcheck disable=SC2034

load lib

setup() { lib_setup; }
teardown() { lib_teardown; }

@test "a root dockerd in our namespaces running a trusted binary is this host's Docker" {
	fake_dockerd
	hg_dockerd_trusted "$FAKE_PID"
	[ "$HG_DOCKERD_EXE" = "$FAKE_DIR/dockerd" ]
}

@test "a dockerd started by another user is never this host's Docker" {
	fake_dockerd setpriv --reuid=65534 --regid=65534 --clear-groups
	refute hg_dockerd_trusted "$FAKE_PID"
	[[ $HG_WHY == *"does not run as root"* ]]
}

@test "a dockerd whose binary others can replace is not trusted, and the reason names the directory" {
	fake_dockerd
	chmod 0777 "$FAKE_DIR"
	refute hg_dockerd_trusted "$FAKE_PID"
	[[ $HG_WHY == *"$FAKE_DIR"* ]]
}

@test "a dockerd of another mount namespace is not this host's Docker and is passed over without a note" {
	[ "$(id -u)" = 0 ] || skip "needs root (unshare)"
	FAKE_DIR=$(mktemp -d /tmp/hersh-fake-dockerd.XXXXXX)
	fake_dockerd unshare --mount
	refute hg_dockerd_trusted "$FAKE_PID"
	[[ $HG_WHY == *"another mount or pid namespace"* ]]
	hg_dockerd_facts || true
	[ "$HG_DOCKERD_PID" != "$FAKE_PID" ]
	[[ $HG_DOCKERD_NOTE != *"pid $FAKE_PID "* ]]
}

@test "a dockerd run by qemu-user is not taken for this host's, and the reason names the emulator" {
	[ "$(id -u)" = 0 ] || skip "a user cannot see another's executable: root only"
	mkdir -p "$T/usr/bin"
	cp /bin/true "$T/usr/bin/qemu-aarch64-static"
	fake_proc 4242 dockerd "0	0	0	0" "$T/usr/bin/qemu-aarch64-static"
	refute hg_dockerd_trusted 4242
	[[ $HG_WHY == *"qemu-aarch64-static, an emulator"* ]]
}

@test "a process called dockerd that runs another program is not Docker" {
	[ "$(id -u)" = 0 ] || skip "a user cannot see another's executable: root only"
	fake_proc 4243 dockerd "0	0	0	0" /bin/sleep
	refute hg_dockerd_trusted 4243
	[[ $HG_WHY == *"called dockerd but runs /bin/sleep"* ]]
}

@test "a process whose saved or file system uid is not root's is not Docker" {
	fake_proc 4244 dockerd "0	0	1000	0" /bin/sleep
	refute hg_dockerd_trusted 4244
	[[ $HG_WHY == *"does not run as root"* ]]
}

@test "a pid that is not a number is refused before anything is read" {
	refute hg_dockerd_trusted '1;touch /tmp/x'
	refute hg_dockerd_trusted ''
	refute hg_dockerd_trusted 0
}

@test "a pidfile that is a FIFO is never opened" {
	mkfifo "$T/docker.pid"
	run timeout 10 sh -c '. "$1"; HG_DATADIR=$2; hg_init; HG_PROC=$3 HG_DOCKER_PIDFILE=$4 HG_SYSTEMD_DIR=/nonexistent; hg_dockerd_candidates' \
		sh "$HERSH_SRC/src/shell/lib.sh" "$HG_DATADIR" "$HG_PROC" "$T/docker.pid"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the socket is dockerd's unix -H; fd:// and none mean the standard socket" {
	fake_proc 4245 dockerd "0	0	0	0"
	printf 'dockerd\0-H\0unix:///run/other/docker.sock\0--add-runtime\0foo=/usr/bin/foo\0' >"$T/proc/4245/cmdline"
	hg_dockerd_cmdline 4245
	[ "$HG_DOCKERD_SOCK" = /run/other/docker.sock ]
	[ "$HG_DOCKERD_ADD_RUNTIMES" = foo=/usr/bin/foo ]
	printf 'dockerd\0-H\0fd://\0--containerd=/run/containerd/containerd.sock\0' >"$T/proc/4245/cmdline"
	hg_dockerd_cmdline 4245
	[ "$HG_DOCKERD_SOCK" = /var/run/docker.sock ]
	printf 'dockerd\0--host=tcp://0.0.0.0:2375\0--default-runtime=runsc\0' >"$T/proc/4245/cmdline"
	hg_dockerd_cmdline 4245
	[ "$HG_DOCKERD_SOCK" = /var/run/docker.sock ]
	[ "$HG_DOCKERD_DEFAULT" = runsc ]
}

@test "as root, docker runs with none of the caller's client settings and only dockerd's socket" {
	[ "$(id -u)" = 0 ] || skip "the reset is for root"
	stub docker 'env | grep -E "^(DOCKER_|BUILDKIT)" | sort'
	HG_DOCKERD_SOCK=/run/test/docker.sock
	DOCKER_HOST=unix:///home/mallory/docker.sock DOCKER_CONTEXT=mallory DOCKER_CONFIG=/home/mallory/.docker \
		DOCKER_CERT_PATH=/home/mallory/certs DOCKER_TLS_VERIFY=1 BUILDKIT_HOST=tcp://evil run hg_docker info
	[ "$status" -eq 0 ]
	[ "$output" = "DOCKER_CONFIG=/nonexistent/hersh-gvisor
DOCKER_HOST=unix:///run/test/docker.sock" ]
}

@test "without a dockerd found, the library does not run docker at all" {
	stub docker 'touch "$0.ran"'
	HG_DOCKERD_SOCK=
	refute hg_docker info
	[ ! -e "$STUBS/docker.ran" ]
}

@test "a dockerd of another pid namespace is not this host's Docker" {
	HG_IS_ROOT=1	# root's rule: a user cannot read root's namespaces
	fake_proc 4246 dockerd "0	0	0	0" /usr/sbin/dockerd
	ln -sfn 'pid:[4026530001]' "$HG_PROC/4246/ns/pid"
	refute hg_dockerd_trusted 4246
	[[ $HG_WHY == *"another mount or pid namespace"* ]]
}

@test "as root, Docker's log file in a directory others can write is not read" {
	[ "$(id -u)" = 0 ] || skip "the log's trust is root's rule"
	mkdir -p "$T/log"
	chmod 0777 "$T/log"
	echo 'time="x" level=info msg="Reloaded configuration"' >"$T/log/docker.log"
	HG_DOCKER_LOG=$T/log/docker.log
	refute hg_log_file ""
	chmod 0755 "$T/log"
	hg_log_file ""
	[ "$HG_LOG_FILE" = "$T/log/docker.log" ]
}
