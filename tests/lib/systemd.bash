# Debian roots booted with systemd as PID 1, for the tests in
# tests/systemd/.  Load after common:  load ../lib/systemd
#
# A root is built once per test run with mmdebstrap from the Debian mirror
# this host's apt uses, and cached in $HERSH_TEST_TMPDIR (root_build,
# tests/lib/root.bash).  A boot runs on a throwaway overlay over the cached
# root, in its own pid, mount, network, UTS, IPC and cgroup namespaces,
# after pivot_root:
#     unshare --pid --fork --mount --net ... -> pivot_root -> systemd --system
# so it can start services, reload Docker and run containers while nothing
# reaches the host: its mounts live in its own mount namespace, its network
# is a private loopback, its processes die with its pid namespace, its
# cgroups sit in one directory of the host's cgroup2 hierarchy, and
# sysd_stop removes all of it (teardown_file, or a watchdog if the test
# process is killed).  No policy-rc.d inside: the root plays a real host.
#
#     sysd_file_init procps    (release: the file name's start; defines
#                              setup_file, teardown_file and setup)
#     ... sysd_exec systemctl is-active docker.service ...

# root_build (and the mirror it reads from apt's configuration).
# shellcheck source=tests/lib/root.bash
source "$HERSH_SRC/tests/lib/root.bash"

SYSD_BOOT_TIMEOUT=${SYSD_BOOT_TIMEOUT:-120}
SYSD_CONTAINER_PREFIX=hersh-systemd-
SYSD_TEST_IMAGE=hersh-test/busybox:latest
# Units that have no business in a container sharing this host's kernel
# and devices: they are masked in the throwaway copy before it boots.
SYSD_MASKED_UNITS="console-getty.service systemd-modules-load.service"

# sysd_log TEXT...: a line in bats' output ("# TEXT"), kept in the log
# tests/run writes, so a run shows what the checks saw.
sysd_log() {
	printf '# %s\n' "$*" >&3
}

# ------------------------------------------------------------ building roots

# The packages a root for RELEASE gets besides the package's own Depends.
# trixie's docker.io no longer ships the docker command (docker-cli does).
sysd_root_packages() {
	local release=$1 variant=$2
	printf '%s\n' systemd systemd-sysv dbus docker.io runsc busybox-static debconf-utils
	case $release in
	bookworm) ;;
	*) echo docker-cli ;;
	esac
	case $variant in
	procps) echo procps ;;
	noprocps) ;;
	*) echo "sysd_root_packages: unknown variant '$variant' (procps, noprocps)" >&2; return 1 ;;
	esac
}

# sysd_deb RELEASE: the built package for RELEASE (make deb puts bookworm's
# in dist/, the deb@trixie stage trixie's in dist/trixie/), or the one
# HERSH_DEB_<RELEASE> names.  Prints its path, or fails with a message.
sysd_deb() {
	local release=$1 var deb dir how
	var=HERSH_DEB_${release^^}
	if [ -n "${!var:-}" ]; then
		[ -f "${!var}" ] || { echo "$var=${!var}: no such file" >&2; return 1; }
		printf '%s\n' "${!var}"
		return 0
	fi
	case $release in
	bookworm) dir=$HERSH_SRC/dist how="make deb" ;;
	*) dir=$HERSH_SRC/dist/$release how="tests/run deb@$release" ;;
	esac
	deb=$(ls -1 "$dir"/hersh-gvisor_*.deb 2>/dev/null | tail -n 1)
	if [ -z "$deb" ]; then
		echo "no package built for $release in ${dir#"$HERSH_SRC"/}/ ($how builds it) and $var does not name one" >&2
		return 1
	fi
	printf '%s\n' "$deb"
}

# sysd_deb_depends DEB: the names of the packages DEB depends on (the first
# of each set of alternatives), one a line.
sysd_deb_depends() {
	dpkg-deb -f "$1" Depends | tr ',' '\n' |
		sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' -e 's/[[:space:]]//g' | grep -v '^$'
}

# sysd_roots_build RELEASE DEB: both roots of RELEASE (with and without
# procps), built side by side; prints "VARIANT PATH" lines.
sysd_roots_build() {
	local release=$1 deb=$2 variant pid rc=0
	local -a deps pkgs pids=()
	mapfile -t deps < <(sysd_deb_depends "$deb")
	for variant in procps noprocps; do
		mapfile -t pkgs < <(sysd_root_packages "$release" "$variant")
		root_build "$release" "$release-systemd-$variant" "${pkgs[@]}" "${deps[@]}" \
			>"$BATS_FILE_TMPDIR/root-$variant" 2>"$BATS_FILE_TMPDIR/root-$variant.err" &
		pids+=("$!")
	done
	# By pid: a build that ended at once (a cached root) may already be
	# reaped, and "wait -n" would then find no job left and fail.
	for pid in "${pids[@]}"; do
		wait "$pid" || rc=1
	done
	if [ "$rc" != 0 ]; then
		cat "$BATS_FILE_TMPDIR"/root-*.err >&2
		return 1
	fi
	for variant in procps noprocps; do
		printf '%s %s\n' "$variant" "$(cat "$BATS_FILE_TMPDIR/root-$variant")"
	done
}

# ------------------------------------------------------------------- booting

# Where a boot's cgroup goes: below this process's own cgroup in the
# host's cgroup2 hierarchy (the whole of it, or the "unified" part of a
# hybrid one).
sysd_cgroup2_base() {
	local mnt own
	mnt=$(findmnt -n -t cgroup2 -o TARGET | head -n 1)
	[ -n "$mnt" ] || return 1
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	printf '%s%s\n' "$mnt" "${own%/}"
}

# Runs as PID 1 of the new pid namespace, in new mount, network, UTS and
# IPC namespaces: join the boot's cgroup, set up the overlay and Docker's
# storage, then enter a cgroup namespace rooted there.
sysd_boot_stage1() {
	local lower=$1 dir=$2
	set -e
	echo 0 >"$(cat "$dir/cgroup")/cgroup.procs"
	hostname hersh-systemd
	ip link set lo up
	mkdir -p "$dir/upper" "$dir/work" "$dir/merged" "$dir/docker"
	if ! mount -t overlay overlay -o "lowerdir=$lower,upperdir=$dir/upper,workdir=$dir/work" "$dir/merged"; then
		echo "sysd_boot: no overlayfs here; booting a copy of $lower" >&2
		cp -a "$lower/." "$dir/merged/"
	fi
	# overlay2 cannot live on overlayfs: Docker's storage is a host directory.
	mkdir -p "$dir/merged/var/lib/docker"
	mount --bind "$dir/docker" "$dir/merged/var/lib/docker"
	exec unshare --cgroup -- bash -c "$(declare -f sysd_boot_stage2); sysd_boot_stage2 \"\$@\"" sysd_boot_stage2 "$dir/merged"
}

# In the cgroup namespace: the API file systems (read-only where writing
# would reach the host: /proc/sys but for the network namespace's part,
# /sys; a /dev of its own), pivot_root, and systemd.
sysd_boot_stage2() {
	local root=$1 unit n name maj min
	set -e
	cd "$root"
	mount -t proc proc proc
	mount --bind proc/sys proc/sys
	mount --bind proc/sys/net proc/sys/net
	mount -o remount,bind,ro proc/sys
	if [ -e proc/sysrq-trigger ]; then
		mount --bind proc/sysrq-trigger proc/sysrq-trigger
		mount -o remount,bind,ro proc/sysrq-trigger
	fi
	mount -t sysfs -o ro,nosuid,nodev,noexec sysfs sys
	mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 sys/fs/cgroup
	mount -t tmpfs -o mode=755,nosuid tmpfs dev
	for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		IFS=: read -r name maj min <<<"$n"
		mknod -m 666 "dev/$name" c "$maj" "$min"
	done
	mkdir dev/pts dev/shm
	mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts dev/pts
	ln -s pts/ptmx dev/ptmx
	mount -t tmpfs -o nosuid,nodev tmpfs dev/shm
	ln -s /proc/self/fd dev/fd
	ln -s /proc/self/fd/0 dev/stdin
	ln -s /proc/self/fd/1 dev/stdout
	ln -s /proc/self/fd/2 dev/stderr
	touch dev/console
	mount --bind dev/null dev/console
	mount -t tmpfs -o mode=755,nosuid,nodev tmpfs run
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs tmp
	for unit in $SYSD_MASKED_UNITS; do
		ln -sfn /dev/null "etc/systemd/system/$unit"
	done
	mkdir .hersh-oldroot
	pivot_root . .hersh-oldroot
	cd /
	umount -l /.hersh-oldroot
	rmdir /.hersh-oldroot
	exec env -i container=other TERM=dumb /lib/systemd/systemd --system
}

# A process's start time (field 22 of /proc/PID/stat), so a pid is never
# mistaken for a later process that got the same number.
sysd_starttime() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	# shellcheck disable=SC2086 # split the fields
	set -- $stat
	printf '%s\n' "${20}"
}

# sysd_alive DIR NAME: the process recorded as DIR/NAME.pid still runs.
sysd_alive() {
	local pid
	pid=$(cat "$1/$2.pid" 2>/dev/null) || return 1
	[ "$(sysd_starttime "$pid")" = "$(cat "$1/$2.start" 2>/dev/null)" ]
}

# sysd_boot ROOT DIR: boot ROOT (a directory, left unchanged) with systemd
# as PID 1; DIR (new) holds the throwaway state.  Returns once the pid
# namespace's init runs; sysd_wait_booted waits for the boot to finish.
sysd_boot() {
	local root=$1 dir=$2 cg2 u init _
	cg2=$(sysd_cgroup2_base) || { echo "sysd_boot: no cgroup2 hierarchy mounted on this host" >&2; return 1; }
	mkdir -p "$dir"
	mktemp -d "$cg2/hersh-systemd.XXXXXX" >"$dir/cgroup"
	# setsid and no inherited descriptors: bats must not wait for it.
	SYSD_MASKED_UNITS=$SYSD_MASKED_UNITS setsid unshare --pid --fork --kill-child --mount \
		--propagation private --net --uts --ipc -- \
		bash -c "$(declare -f sysd_boot_stage1 sysd_boot_stage2); sysd_boot_stage1 \"\$@\"" \
		sysd_boot_stage1 "$root" "$dir" </dev/null >"$dir/boot.log" 2>&1 3>&- &
	u=$!
	printf '%s\n' "$u" >"$dir/unshare.pid"
	sysd_starttime "$u" >"$dir/unshare.start" || true
	for _ in $(seq 1 100); do
		init=$(cat "/proc/$u/task/$u/children" 2>/dev/null) || init=
		init=${init%% *}
		if [ -n "$init" ]; then
			printf '%s\n' "$init" >"$dir/init.pid"
			sysd_starttime "$init" >"$dir/init.start"
			# pivot_root done and systemd exec'd: it is ready to enter.
			if [ "$(cat "/proc/$init/comm" 2>/dev/null)" = systemd ]; then
				return 0
			fi
		fi
		kill -0 "$u" 2>/dev/null || break
		sleep 0.1
	done
	echo "sysd_boot: $root did not start systemd; its output:" >&2
	cat "$dir/boot.log" >&2
	return 1
}

# sysd_exec CMD...: run CMD in the booted root (SYSD_DIR), as root, with a
# clean environment; its exit status is CMD's.
sysd_exec() {
	local init
	init=$(cat "$SYSD_DIR/init.pid") || return 1
	nsenter -t "$init" -m -u -i -n -p -C --root --wd -- \
		env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive "$@"
}

# sysd_copy_in FILE PATH: copy a host file into the booted root.
sysd_copy_in() {
	sysd_exec sh -c 'cat >"$1"' sh "$2" <"$1"
}

# Wait (bounded) until systemd has finished booting (running, or degraded
# by a unit a container cannot run) and docker.service is active.
sysd_wait_booted() {
	local state _
	for _ in $(seq 1 $((SYSD_BOOT_TIMEOUT * 5))); do
		state=$(sysd_exec systemctl is-system-running 2>/dev/null) || true
		case $state in
		running|degraded)
			if sysd_exec systemctl is-active --quiet docker.service; then
				return 0
			fi ;;
		esac
		sysd_alive "$SYSD_DIR" init || break
		sleep 0.2
	done
	echo "sysd_wait_booted: state '$state' after ${SYSD_BOOT_TIMEOUT}s; failed units and Docker's log:" >&2
	sysd_exec systemctl --failed --no-pager >&2 || true
	sysd_exec journalctl -u docker.service -u containerd.service --no-pager -n 30 >&2 || true
	return 1
}

# sysd_stop [DIR]: end the boot (every process of its pid namespace goes
# with its init), remove its cgroups and DIR.  Safe to call twice, and on
# a boot that never came up.
sysd_stop() {
	local dir=${1:-${SYSD_DIR:-}} cg _ rc=0
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	if sysd_alive "$dir" init; then
		kill -KILL "$(cat "$dir/init.pid")" 2>/dev/null || true
	fi
	for _ in $(seq 1 100); do
		sysd_alive "$dir" unshare || break
		sleep 0.1
	done
	if sysd_alive "$dir" unshare; then
		echo "sysd_stop: the boot in $dir (unshare pid $(cat "$dir/unshare.pid")) did not end; left as it is" >&2
		return 1
	fi
	cg=$(cat "$dir/cgroup" 2>/dev/null) || cg=
	if [ -n "$cg" ] && [ -d "$cg" ]; then
		# (Nothing should be left in it; cgroup.kill is from Linux 5.14.)
		if [ -e "$cg/cgroup.kill" ]; then
			echo 1 >"$cg/cgroup.kill" 2>/dev/null || true
		fi
		for _ in $(seq 1 50); do
			find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
			[ -d "$cg" ] || break
			sleep 0.1
		done
		if [ -d "$cg" ]; then
			echo "sysd_stop: could not remove the cgroup $cg" >&2
			rc=1
		fi
	fi
	rm -rf "$dir"
	return "$rc"
}

# sysd_watchdog OWNER DIR: once the process OWNER is gone (a test run
# killed before its teardown), stop the boot in DIR.
sysd_watchdog() {
	local owner=$1 dir=$2
	while kill -0 "$owner" 2>/dev/null && [ -d "$dir" ]; do
		sleep 2
	done
	sysd_stop "$dir"
}

# --------------------------------------------------------- Docker inside it

# The runtime arguments runsc needs in the booted root: no sandbox
# networking (the kernel is newer than the runsc: gVisor issue 10704), and
# no cgroup set-up when the boot's cgroup lacks the memory or cpu
# controller (a hybrid host keeps them in cgroup v1; runsc refuses to start
# a container without them on cgroup v2).
sysd_runsc_args() {
	local controllers
	controllers=$(cat "$(cat "$SYSD_DIR/cgroup")/cgroup.controllers" 2>/dev/null) || controllers=
	case " $controllers " in
	*" memory "*" cpu "*|*" cpu "*" memory "*) echo "--network=none" ;;
	*) echo "--network=none --ignore-cgroups" ;;
	esac
}

# A tiny image from the root's busybox-static, never pulled.
sysd_image_ensure() {
	sysd_exec docker image inspect "$SYSD_TEST_IMAGE" >/dev/null 2>&1 && return 0
	sysd_exec sh -c '
		set -e
		d=$(mktemp -d)
		mkdir "$d/bin"
		cp /bin/busybox "$d/bin/busybox"
		for a in sh echo sleep cat true; do ln -s busybox "$d/bin/$a"; done
		tar -C "$d" -c . | docker import - "$1" >/dev/null
		rm -rf "$d"' sh "$SYSD_TEST_IMAGE"
}

# sysd_container_start NAME [RUNTIME]: a long-running container.
sysd_container_start() {
	sysd_exec docker run -d --name "$SYSD_CONTAINER_PREFIX$1" --network none \
		--runtime "${2:-runc}" "$SYSD_TEST_IMAGE" sleep 1000000 >/dev/null
}

# "RUNNING STARTEDAT PID" of a container started by sysd_container_start.
sysd_container_state() {
	sysd_exec docker inspect -f '{{.State.Running}} {{.State.StartedAt}} {{.State.Pid}}' \
		"$SYSD_CONTAINER_PREFIX$1"
}

# dockerd's pid as systemd knows it.
sysd_main_pid() {
	sysd_exec systemctl show -p MainPID --value docker.service
}

# The runtimes Docker lists, "NAME=PATH ARGS...;" each (docker info's JSON
# of Docker 26 also carries each runc's whole feature list).
sysd_docker_runtimes() {
	sysd_exec docker info --format \
		'{{range $n, $r := .Runtimes}}{{$n}}={{$r.Path}}{{range $r.Args}} {{.}}{{end}};{{end}}'
}

# How many times dockerd re-read its configuration since the boot (its own
# log line, whoever sent the signal).
sysd_docker_reloads() {
	sysd_exec journalctl -u docker.service -o cat --no-pager |
		grep -c 'Got signal to reload configuration' || true
}

# sysd_preseed QUESTION=VALUE...: debconf answers for hersh-gvisor inside.
sysd_preseed() {
	local kv q type
	for kv in "$@"; do
		q=${kv%%=*}
		case $q in
		configure-docker|default-runtime|apt-source) type=boolean ;;
		docker-action) type=select ;;
		*) type=string ;;
		esac
		printf 'hersh-gvisor hersh-gvisor/%s %s %s\n' "$q" "$type" "${kv#*=}"
	done | sysd_exec debconf-set-selections
}

# ------------------------------------------------------ steps and their facts

# How many reloads of docker.service systemd carried out (its own journal
# line; a failed reload is logged differently).
sysd_systemd_reloads() {
	sysd_exec journalctl -u docker.service -o cat --no-pager |
		grep -c '^Reloaded docker.service' || true
}

# The containers sysd_container_start started, by name.
sysd_containers() {
	sysd_exec docker ps -a --filter "name=$SYSD_CONTAINER_PREFIX" --format '{{.Names}}' |
		sed "s/^$SYSD_CONTAINER_PREFIX//" | sort
}

# What Docker looks like now, as KEY=VALUE lines.
sysd_facts() {
	local c
	printf 'mainpid=%s\n' "$(sysd_main_pid)"
	printf 'runtimes=%s\n' "$(sysd_docker_runtimes)"
	printf 'dockerd_reloads=%s\n' "$(sysd_docker_reloads)"
	printf 'systemd_reloads=%s\n' "$(sysd_systemd_reloads)"
	for c in $(sysd_containers); do
		printf 'container_%s=%s\n' "$c" "$(sysd_container_state "$c")"
	done
}

# sysd_step NAME CMD...: run CMD in the booted root once per file (later
# calls do nothing), with Docker's facts recorded before and after.  The
# tests of one file walk through steps (install, remove, purge); each test
# asks for the steps it needs, so it also runs on its own (bats -f).
sysd_step() {
	local name=$1 s=$BATS_FILE_TMPDIR/step-$1 rc=0 line c
	shift
	[ -e "$s.rc" ] && return 0
	sysd_facts >"$s.before"
	sysd_exec "$@" >"$s.out" 2>&1 || rc=$?
	sysd_facts >"$s.after"
	echo "$rc" >"$s.rc"
	sysd_log "$name: $* -> exit $rc"
	while IFS= read -r line; do
		sysd_log "$name: $line"
	done < <(grep '^hersh-gvisor: Docker' "$s.out")
	sysd_log "$name: dockerd MainPID $(sysd_fact "$name" before mainpid) -> $(sysd_fact "$name" after mainpid)"
	sysd_log "$name: runtimes $(sysd_fact "$name" after runtimes)"
	for c in $(sysd_containers); do
		sysd_log "$name: container $c (running, StartedAt, pid) $(sysd_fact "$name" before "container_$c") -> $(sysd_fact "$name" after "container_$c")"
	done
}

# sysd_fact STEP before|after KEY: one recorded fact.
sysd_fact() {
	sed -n "s/^$3=//p" "$BATS_FILE_TMPDIR/step-$1.$2"
}

# sysd_step_result STEP: the step's output and exit status in bats' $output
# and $status, for assert_success, assert_output...
sysd_step_result() {
	# shellcheck disable=SC2034 # read by bats-assert
	output=$(cat "$BATS_FILE_TMPDIR/step-$1.out")
	# shellcheck disable=SC2034
	status=$(cat "$BATS_FILE_TMPDIR/step-$1.rc")
}

# sysd_assert_dockerd_reloaded STEP: dockerd re-read its configuration
# exactly once during STEP.
sysd_assert_dockerd_reloaded() {
	assert_equal "dockerd reloads after $1: $(sysd_fact "$1" after dockerd_reloads)" \
		"dockerd reloads after $1: $(($(sysd_fact "$1" before dockerd_reloads) + 1))"
}

# ----------------------------------------------------------- a file's boot

# The release a test file is for: the start of its name (bookworm.bats,
# trixie-noprocps.bats).
sysd_release_of() {
	local f=${1##*/}
	f=${f%.bats}
	printf '%s\n' "${f%%-*}"
}

# "Debian 12" for bookworm, and so on.
sysd_release_title() {
	case $1 in
	bookworm) echo "Debian 12" ;;
	trixie) echo "Debian 13" ;;
	*) echo "Debian $1" ;;
	esac
}

# sysd_file_init VARIANT [TITLE]: at the top of a test file: the release
# (from the file's name), the root VARIANT (procps or noprocps), the prefix
# of every test name ("Debian 12 under systemdTITLE: "), and the file's
# setup_file (one boot for all its tests), teardown_file and setup.
sysd_file_init() {
	SYSD_RELEASE=$(sysd_release_of "$BATS_TEST_FILENAME")
	SYSD_VARIANT=$1
	# shellcheck disable=SC2034 # bats puts it before every test name
	BATS_TEST_NAME_PREFIX="$(sysd_release_title "$SYSD_RELEASE") under systemd${2:-}: "
	setup_file() { sysd_file_setup; }
	teardown_file() { sysd_file_teardown; }
	setup() { file_skip_check; }
}

# sysd_file_needs: what a file needs before it can boot a root.  Returns 1
# after file_skip when something is missing.
sysd_file_needs() {
	local deb
	file_needs root mmdebstrap unshare nsenter setsid ip || return 1
	deb=$(sysd_deb "$SYSD_RELEASE" 2>&1) || { file_skip "$deb"; return 1; }
	if ! sysd_cgroup2_base >/dev/null; then
		file_skip "needs a cgroup2 hierarchy (systemd runs on one)"
		return 1
	fi
}

# sysd_file_setup: setup_file of every file here (returns 0 after
# file_skip when the file cannot run): the root for the file's release and
# variant booted, Docker up, the test image and the package there, and the
# container "before" running under runc.  Exports SYSD_DIR, SYSD_NAME,
# SYSD_DEB (the package's path inside) and SYSD_RUNSC_ARGS.
sysd_file_setup() {
	local deb roots root
	sysd_file_needs || return 0
	deb=$(sysd_deb "$SYSD_RELEASE") || return 1
	roots=$(sysd_roots_build "$SYSD_RELEASE" "$deb") || return 1
	root=$(awk -v v="$SYSD_VARIANT" '$1 == v { print $2 }' <<<"$roots")
	export SYSD_DIR=$BATS_FILE_TMPDIR/boot SYSD_NAME=$SYSD_RELEASE-$SYSD_VARIANT
	sysd_log "$SYSD_NAME: booting $root"
	sysd_boot "$root" "$SYSD_DIR" || return 1
	setsid bash -c "$(declare -f sysd_watchdog sysd_stop sysd_alive sysd_starttime); sysd_watchdog \"\$@\"" \
		sysd_watchdog "$$" "$SYSD_DIR" </dev/null >/dev/null 2>&1 3>&- &
	sysd_wait_booted || return 1
	sysd_image_ensure || return 1
	export SYSD_DEB=/root/${deb##*/}
	sysd_copy_in "$deb" "$SYSD_DEB" || return 1
	SYSD_RUNSC_ARGS=$(sysd_runsc_args)
	export SYSD_RUNSC_ARGS
	sysd_log "$(sysd_exec sh -c '. /etc/os-release; echo "$PRETTY_NAME"'), $(sysd_exec systemctl --version | head -n 1), Docker $(sysd_exec docker version --format '{{.Server.Version}}'), $(sysd_exec runsc --version | head -n 1)"
	sysd_log "package: ${deb#"$HERSH_SRC"/}; runsc runtime args: $SYSD_RUNSC_ARGS"
	# Running before the package arrives, under Docker's default runtime.
	sysd_container_start before
}

# sysd_file_teardown: keep the boot's journal with the run's logs
# ($HERSH_TEST_TMPDIR/systemd-RELEASE-VARIANT.journal, for a failed run's
# post-mortem), then stop it.
sysd_file_teardown() {
	! file_skipped || return 0
	if [ -n "${HERSH_TEST_TMPDIR:-}" ] && [ -n "${SYSD_DIR:-}" ] && sysd_alive "$SYSD_DIR" init; then
		sysd_exec journalctl --no-pager >"$HERSH_TEST_TMPDIR/systemd-$SYSD_NAME.journal" 2>&1 || true
	fi
	sysd_stop
}
