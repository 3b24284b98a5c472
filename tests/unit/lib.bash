# Shared setup of the shell library's tests (tests/unit/lib-*.bats): the
# library from the tree (src/shell/lib.sh) with the tree's facts.sh and
# helpers ($HERSH_BIN_DIR), every path it acts on inside the test's
# temporary directory.  Any user; tests that need root say so and skip.
#   setup() { lib_setup; }

# The library's settings are assigned here and read by the sourced code.
# shellcheck disable=SC2034

load ../lib/common

lib_setup() {
	HG_DATADIR=$HERSH_BIN_DIR/share/hersh-gvisor
	# shellcheck source=../../src/shell/lib.sh
	. "$HERSH_SRC/src/shell/lib.sh"
	hg_init
	T=$BATS_TEST_TMPDIR
	STUBS=$T/bin
	mkdir -p "$STUBS" "$T/etc/docker"
	PATH=$STUBS:$PATH
	HG_DJ=$HERSH_BIN_DIR/hersh-daemon-json
	HG_AS=$HERSH_BIN_DIR/hersh-apt-source
	HG_STATE=$T/state
	HG_DAEMON_JSON=$T/etc/docker/daemon.json
	HG_RUNSC=$T/runsc
	HG_SYSTEMD_DIR=$T/no-systemd
	HG_POLICY_RC_D=$T/no-policy-rc.d
	HG_DOCKER_PIDFILE=$T/docker.pid
	HG_DOCKER_LOG=$T/no-docker.log
	HG_DOCKERD_BINS=$T/no-dockerd
	HG_DEV_KVM=$T/no-kvm
	# The library sees only the processes a test shows it (fake_dockerd,
	# fake_proc), never a dockerd of this machine.
	HG_PROC=$T/proc
	mkdir -p "$HG_PROC"
	ln -s /proc/self "$HG_PROC/self"
	HG_WAIT_SECONDS=2
	HG_PROBE_SECONDS=3
	HG_RUNSC_SECONDS=2
	HG_DOCKER_ACTION=reload
	HG_CONFIGURE_DOCKER=true
	HG_DEFAULT_RUNTIME=false
	HG_RUNTIME_ARGS=
	HG_PLATFORM=
	FAKE_PID=
}

lib_teardown() {
	if [ -n "${FAKE_PID:-}" ]; then
		kill "$FAKE_PID" 2>/dev/null || true
	fi
	[ -z "${FAKE_DIR:-}" ] || rm -rf "$FAKE_DIR"
}

# stub NAME BODY: a command NAME on PATH running BODY (sh).
stub() {
	printf '#!/bin/sh\n%s\n' "$2" >"$STUBS/$1"
	chmod +x "$STUBS/$1"
}

# stub_runsc VERSION [BODY]: HG_RUNSC prints "runsc version VERSION" for
# --version and runs BODY (sh) otherwise.
stub_runsc() {
	printf '#!/bin/sh\ncase "$1" in --version) echo "runsc version %s"; echo "spec: 1.0.2-dev"; exit 0 ;; esac\n%s\n' \
		"$1" "${2:-exit 0}" >"$HG_RUNSC"
	chmod 0755 "$HG_RUNSC"
}

# fake_dockerd [COMMAND...]: a process called dockerd (the stand-in
# tests/unit/dockerd-driver.c: --validate accepts, SIGHUP ends it),
# root-owned, in a directory of its own, started through COMMAND (setpriv
# ...); FAKE_PID is its pid.
fake_dockerd() {
	[ "$(id -u)" = 0 ] || skip "needs root (a root-owned stand-in dockerd)"
	[ -n "${FAKE_DIR:-}" ] || FAKE_DIR=$(mktemp -d /tmp/hersh-fake-dockerd.XXXXXX)
	chmod 0755 "$FAKE_DIR"
	cp "$HERSH_BIN_DIR/test-dockerd" "$FAKE_DIR/dockerd"
	chmod 0755 "$FAKE_DIR/dockerd"
	"$@" "$FAKE_DIR/dockerd" </dev/null >/dev/null 2>&1 3>&- &
	FAKE_PID=$!
	ln -sfn "/proc/$FAKE_PID" "$HG_PROC/$FAKE_PID"
	local _
	for _ in $(seq 1 50); do
		[ "$(cat "/proc/$FAKE_PID/comm" 2>/dev/null)" = dockerd ] && break
		sleep 0.05
	done
	case $(readlink "/proc/$FAKE_PID/exe" 2>/dev/null) in
	*/qemu-*) skip "the stand-in dockerd runs under qemu-user (the binaries under test are another architecture's)" ;;
	esac
}

# The stand-in dockerd still runs: nothing signalled it (what the library
# does, it has done when its function returns).
fake_dockerd_alive() {
	case $(cut -d ' ' -f 3 "/proc/$FAKE_PID/stat" 2>/dev/null) in
	S | R | D) return 0 ;;
	esac
	return 1
}

# The stand-in dockerd got SIGHUP: sleep ends on it (a zombie until this
# shell reaps it), with the status of a process killed by SIGHUP.
fake_dockerd_hupped() {
	local _ state rc=0
	for _ in $(seq 1 30); do
		state=$(cut -d ' ' -f 3 "/proc/$FAKE_PID/stat" 2>/dev/null) || state=gone
		case $state in
		Z | gone)
			wait "$FAKE_PID" || rc=$?
			FAKE_PID=
			[ "$rc" -eq $((128 + 1)) ]
			return ;;
		esac
		sleep 0.1
	done
	return 1
}

# fake_proc PID COMM UIDS [EXE]: a /proc entry for PID in $T/proc
# (HG_PROC): its comm, the Uid line of its status, namespace links equal to
# ours and, with EXE, an exe link to it.
fake_proc() {
	local d=$HG_PROC/$1
	mkdir -p "$d/ns"
	printf '%s\n' "$2" >"$d/comm"
	printf 'Name:\t%s\nUid:\t%s\n' "$2" "$3" >"$d/status"
	ln -sfn "$(readlink /proc/self/ns/mnt)" "$d/ns/mnt"
	ln -sfn "$(readlink /proc/self/ns/pid)" "$d/ns/pid"
	[ -z "${4:-}" ] || ln -sfn "$4" "$d/exe"
	: >"$d/cmdline"
}
