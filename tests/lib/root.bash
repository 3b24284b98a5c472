# Throwaway Debian roots for the tests: a suite that plays "the host"
# (installs and purges packages, rewrites /etc/docker and /etc/apt, starts
# dockerd) runs inside one, so nothing it does reaches this machine.
#
#   root=$(root_build trixie e2e-trixie docker.io runsc bats ...)
#   root_run [OPTIONS] "$root" bats --tap /src/tests/e2e/package.bats
#   root_start DIR [OPTIONS] "$root" dockerd ...   # in the background
#   root_stop DIR
#
# root_build makes a root with mmdebstrap from this host's Debian mirror
# (read from apt's own configuration), once per test run: it is cached in
# $HERSH_TEST_TMPDIR/roots (tests/run sets it; under bats, BATS_RUN_TMPDIR
# serves), keyed by its arguments.  The cached root is never changed.
#
# root_run runs a command as root in a throwaway copy of a root: an
# overlay over it (the upper directory is a new temporary directory) in
# new mount, network, PID, UTS, IPC and cgroup namespaces, entered with
# pivot_root (not chroot: the kernel refuses user namespaces, which runsc
# needs, to a chrooted process).  Inside: /proc, /sys, a private /dev,
# a tmpfs (or the host directory of --run) on /run, a fresh host
# directory on /var/lib/docker (Docker's storage does not work on an
# overlay root), the loopback interface up and no other network, and a
# cgroup subtree of its own, so Docker's cgroups stay below it.  When the
# command ends, or root_run is killed, every process inside dies with the
# PID namespace, the mounts go with the mount namespace, and the cgroup
# subtree and the temporary directory are removed.
#
# Load from bats (load ../lib/root) or source it from bash.  Needs root,
# mmdebstrap, unshare (util-linux), iproute2 and a statically linked
# /bin/busybox (busybox-static): it unmounts the host's tree inside.

ROOT_MARKER=/run/hersh-throwaway

# What the package's end-to-end suites need in a root that plays a host:
# Docker and runsc, bats, what tests/lib/*.bash and the suites call, the
# package's own Depends (apt, debconf, gpg; libjson-c5 and libapt-pkg for
# its programs; ca-certificates for https key URLs), autopkgtest for the
# autopkgtest stage.  root_e2e_packages RELEASE prints them, one a line.
ROOT_E2E_PACKAGES=(
	docker.io runsc busybox-static iptables
	bats bats-assert bats-support bats-file
	debconf-utils gpg gpg-agent gpgv apt-utils reprepro ca-certificates libjson-c5
	python3 curl jq strace file make dpkg-dev dpkg-repack fakeroot
	iproute2 procps util-linux mount bsdextrautils
	autopkgtest
)
root_e2e_packages() {
	printf '%s\n' "${ROOT_E2E_PACKAGES[@]}"
	# From Debian 13 on, the docker command is a package of its own.
	[ "$1" = bookworm ] || echo docker-cli
}

# What an arm64 root needs to play an image being built: Docker and runsc
# (arm64, emulated), bats and what tests/arm64/*.bats call, the package's
# own Depends (installed with dpkg -i, which fetches nothing).  Kept small:
# every package's maintainer scripts run under qemu-user while the root is
# made.  root_arm64_packages RELEASE prints them, one a line.
ROOT_ARM64_PACKAGES=(
	docker.io runsc
	bats bats-assert bats-support bats-file
	debconf-utils gpg ca-certificates libjson-c5 jq procps
)
root_arm64_packages() {
	printf '%s\n' "${ROOT_ARM64_PACKAGES[@]}"
	# From Debian 13 on, the docker command is a package of its own.
	[ "$1" = bookworm ] || echo docker-cli
}

# root_foreign_ready ARCH: this kernel runs ARCH's binaries, as roots of
# ARCH need (mmdebstrap --arch=ARCH runs their maintainer scripts, root_run
# their commands): binfmt_misc is mounted when it is not, qemu-user-static's
# entry for ARCH is enabled (update-binfmts), and arch-test confirms it.
# The entry must carry the F flag (the emulator opened once, when it was
# registered), so that a root without the emulator inside still runs.
# Fails with one message saying what is missing; changes nothing when ARCH
# is this machine's.
root_foreign_ready() {
	local arch=$1 qemu entry out
	[ "$arch" != "$(dpkg --print-architecture)" ] || return 0
	case $arch in
	arm64) qemu=aarch64 ;;
	armhf | armel) qemu=arm ;;
	ppc64el) qemu=ppc64le ;;
	*) qemu=$arch ;;
	esac
	local dir=/proc/sys/fs/binfmt_misc
	local missing=
	command -v update-binfmts >/dev/null 2>&1 || missing="$missing binfmt-support"
	[ -e "/usr/share/binfmts/qemu-$qemu" ] || missing="$missing qemu-user-static"
	command -v arch-test >/dev/null 2>&1 || missing="$missing arch-test"
	if [ -n "$missing" ]; then
		echo "root_foreign_ready: this machine cannot run $arch binaries: not installed:$missing (apt-get install qemu-user-static binfmt-support arch-test)" >&2
		return 1
	fi
	if [ ! -e "$dir/status" ] && ! out=$(mount -t binfmt_misc binfmt_misc "$dir" 2>&1); then
		echo "root_foreign_ready: this kernel cannot run $arch binaries here: binfmt_misc is not mounted and cannot be ($out)" >&2
		return 1
	fi
	entry=$dir/qemu-$qemu
	if [ ! -e "$entry" ] || ! grep -qx enabled "$entry"; then
		out=$(update-binfmts --enable "qemu-$qemu" 2>&1) || {
			echo "root_foreign_ready: update-binfmts --enable qemu-$qemu failed: $out" >&2
			return 1
		}
	fi
	if ! grep -q '^flags:.*F' "$entry" 2>/dev/null; then
		echo "root_foreign_ready: $entry is registered without the F flag (fix binary): $arch roots would need the emulator inside them; re-register it from qemu-user-static (update-binfmts --disable qemu-$qemu; update-binfmts --enable qemu-$qemu)" >&2
		return 1
	fi
	if ! out=$(arch-test "$arch" 2>&1); then
		echo "root_foreign_ready: this kernel cannot run $arch binaries, even with qemu-user-static registered in binfmt_misc: arch-test says: $out" >&2
		return 1
	fi
}

# root_mirror: the URI of the Debian archive this host's apt uses (the
# source of its bookworm packages; every release is on the same mirror).
# HERSH_DEBIAN_MIRROR overrides it.
root_mirror() {
	if [ -n "${HERSH_DEBIAN_MIRROR:-}" ]; then
		printf '%s\n' "$HERSH_DEBIAN_MIRROR"
		return 0
	fi
	local uri
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	uri=$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' |
		awk '$2 == "bookworm" { print $1; exit }')
	if [ -z "$uri" ]; then
		echo "root_mirror: no bookworm source in this host's apt configuration (/etc/apt/sources.list.d/)" >&2
		return 1
	fi
	printf '%s\n' "$uri"
}

# root_aptopts: the host's APT settings a build on this machine must share
# to reach the same mirror (proxy, release-file date checks), one mmdebstrap
# --aptopt value a line.
root_aptopts() {
	apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy)( |::)' || true
}

# root_cache: the directory roots are cached in for this test run.
root_cache() {
	local base=${HERSH_TEST_TMPDIR:-${BATS_RUN_TMPDIR:-}}
	if [ -z "$base" ]; then
		echo "root_cache: set HERSH_TEST_TMPDIR to a directory for this run's roots (tests/run does)" >&2
		return 1
	fi
	mkdir -p "$base/roots" && printf '%s\n' "$base/roots"
}

# root_build [--hook HOOK]... RELEASE NAME [PACKAGE...]: the root NAME, a
# mmdebstrap --variant=apt of RELEASE with PACKAGE... (and each HOOK as a
# --customize-hook), built once per run and printed as a path.  A second
# call with the same arguments reuses it; with other arguments NAME is
# built again.  Concurrent calls for one NAME wait for each other.  apt's
# package lists and downloaded packages stay in the root, so apt inside
# knows the release's packages without network.  The log is NAME.log next
# to the root; on failure its end goes to stderr.
root_build() {
	local -a hooks=()
	while [ $# -gt 0 ]; do
		case $1 in
		--hook) hooks+=("--customize-hook=$2"); shift 2 ;;
		*) break ;;
		esac
	done
	if [ $# -lt 2 ]; then
		echo "usage: root_build [--hook HOOK]... RELEASE NAME [PACKAGE...]" >&2
		return 2
	fi
	local release=$1 name=$2 cache dir key
	shift 2
	cache=$(root_cache) || return 1
	dir=$cache/$name
	key=$(printf '%s\n' "$release" "$@" -- "${hooks[@]}" | sha256sum | cut -d' ' -f1)
	(
		flock -x 9
		if [ -d "$dir" ] && [ "$(cat "$dir.key" 2>/dev/null)" = "$key" ]; then
			exit 0
		fi
		_root_mmdebstrap "$release" "$dir" "$key" "$@" "${hooks[@]}"
	) 9>"$dir.lock" || return 1
	printf '%s\n' "$dir"
}

# _root_mmdebstrap RELEASE DIR KEY [PACKAGE...] [--customize-hook=...]...
_root_mmdebstrap() {
	local release=$1 dir=$2 key=$3 mirror opt p start=$SECONDS
	shift 3
	# dpkg skips its fsync calls (force-unsafe-io, kept inside the root):
	# a throwaway root never outlives a crash, and builds run three times
	# faster side by side.
	local -a args=(--variant=apt --skip=cleanup/apt/lists --skip=cleanup/apt/cache
		--dpkgopt=force-unsafe-io) pkgs=()
	mirror=$(root_mirror) || return 1
	while IFS= read -r opt; do
		args+=("--aptopt=$opt")
	done < <(root_aptopts)
	for p in "$@"; do
		case $p in
		--*) args+=("$p") ;;
		*) pkgs+=("$p") ;;
		esac
	done
	if [ ${#pkgs[@]} -gt 0 ]; then
		args+=("--include=$(IFS=,; printf '%s' "${pkgs[*]}")")
	fi
	rm -rf "$dir" "$dir.tmp" "$dir.key"
	printf 'root_build: mmdebstrap %s %s %s "deb %s %s main"\n' \
		"${args[*]}" "$release" "$dir" "$mirror" "$release" >"$dir.log"
	# In a mount namespace of its own: no mount it makes in the root (its
	# hooks' chroot included) can outlive it, even when it is killed.
	# Without the caller's descriptors above 2: mmdebstrap hands apt a pipe
	# as the lowest free one, and its sh cannot redirect one above 9 (under
	# bats, several are open).
	if ! (
		for fd in /proc/"$BASHPID"/fd/*; do
			fd=${fd##*/}
			[ "$fd" -le 2 ] || eval "exec $fd>&-"
		done
		exec unshare --mount --propagation private \
			mmdebstrap "${args[@]}" "$release" "$dir.tmp" "deb $mirror $release main"
	) >>"$dir.log" 2>&1; then
		echo "root_build: mmdebstrap $release failed; the end of $dir.log:" >&2
		tail -n 30 "$dir.log" >&2
		rm -rf "$dir.tmp"
		return 1
	fi
	mv "$dir.tmp" "$dir"
	printf '%s\n' "$key" >"$dir.key"
	echo "root_build: $release root $dir built in $((SECONDS - start)) s" >>"$dir.log"
}

# root_run [OPTIONS] ROOT COMMAND...: run COMMAND in a throwaway copy of
# ROOT (see the top of this file); returns COMMAND's exit status.
#   --bind SRC:DST      bind the host path SRC on DST inside, read-write
#   --ro-bind SRC:DST   the same, read-only
#   --run DIR           the host directory DIR on /run inside (so the host
#                       reaches a socket there), instead of a tmpfs
#   --policy-rc-d       a /usr/sbin/policy-rc.d exiting 101 inside, as
#                       container-based images and these machines ship
#   --env NAME=VALUE    set in COMMAND's environment (otherwise only PATH,
#                       HOME, LANG, TERM and USER are)
#   --chdir DIR         run COMMAND in DIR inside (default /)
# Inside, /run/hersh-throwaway exists (file_needs throwaway checks it).
root_run() {
	(
		local -a inner=() envs=()
		local root t upid='' rc cg
		while [ $# -gt 0 ]; do
			case $1 in
			--bind|--ro-bind)
				case $2 in
				/*:/*) ;;
				*) echo "root_run: $1 $2: give SRC:DST, both absolute" >&2; exit 2 ;;
				esac
				[ -e "${2%%:*}" ] || { echo "root_run: $1 ${2%%:*}: no such file or directory" >&2; exit 2; }
				inner+=("$1" "$2"); shift 2 ;;
			--run)
				[ -d "$2" ] || { echo "root_run: --run $2: not a directory" >&2; exit 2; }
				inner+=("$1" "$2"); shift 2 ;;
			--chdir) inner+=("$1" "$2"); shift 2 ;;
			--env) envs+=("$2"); shift 2 ;;
			--policy-rc-d) inner+=("$1"); shift ;;
			--) shift; break ;;
			-*) echo "root_run: unknown option $1" >&2; exit 2 ;;
			*) break ;;
			esac
		done
		if [ $# -lt 2 ]; then
			echo "usage: root_run [--bind SRC:DST] [--ro-bind SRC:DST] [--run DIR] [--policy-rc-d] [--env NAME=VALUE] [--chdir DIR] ROOT COMMAND..." >&2
			exit 2
		fi
		root=$(realpath -e "$1") || exit 2
		shift
		[ -x "$root/bin/sh" ] || { echo "root_run: $root: not a root (no /bin/sh)" >&2; exit 2; }
		t=$(mktemp -d "${HERSH_TEST_TMPDIR:-${TMPDIR:-/tmp}}/throwaway.XXXXXX") || exit 1
		ROOT_CGROUPS=()
		# shellcheck disable=SC2317 # called by the traps
		_root_run_cleanup() {
			trap - EXIT INT TERM HUP
			if [ -n "$upid" ]; then
				kill -KILL "$upid" 2>/dev/null
				wait "$upid" 2>/dev/null
			fi
			_root_cgroups_remove
			rm -rf "$t"
		}
		trap _root_run_cleanup EXIT
		trap 'exit 143' TERM
		trap 'exit 130' INT
		trap 'exit 129' HUP
		_root_cgroups_create "$(_root_cgroup_name "$t")" || exit 1
		for cg in "${ROOT_CGROUPS[@]}"; do
			inner+=(--cgroup "$cg")
		done
		_root_cgroups_join "$BASHPID" || exit 1
		[ -z "${ROOT_PIDFILE:-}" ] || printf '%s\n' "$BASHPID" >"$ROOT_PIDFILE"
		# unshare runs in the background so that a signal to this shell
		# is handled at once (bash runs traps only between commands), and
		# dies with this shell even when it is killed (--pdeathsig); its
		# child, PID 1 inside, dies with it (--kill-child).
		setpriv --pdeathsig KILL unshare --mount --net --pid --fork --kill-child --uts --ipc --cgroup \
			bash -c "$(declare -p ROOT_MARKER; declare -f _root_ns); _root_ns \"\$@\"" _root_ns \
			"${inner[@]}" "$root" "$t" "${envs[@]/#/--env=}" -- "$@" <&0 &
		upid=$!
		_root_cgroups_leave "$BASHPID"
		wait "$upid"
		rc=$?
		upid=
		exit "$rc"
	)
}

# root_start DIR [OPTIONS] ROOT COMMAND...: root_run in the background,
# its output in DIR/log, its process in DIR/pid; no descriptor of the
# caller (bats' among them) stays open in it.
root_start() {
	local dir=$1 _
	shift
	mkdir -p "$dir"
	rm -f "$dir/pid"
	ROOT_PIDFILE=$dir/pid root_run "$@" </dev/null >"$dir/log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	for _ in $(seq 1 100); do
		[ -s "$dir/pid" ] && return 0
		sleep 0.05
	done
	echo "root_start: root_run did not start; its log ($dir/log):" >&2
	cat "$dir/log" >&2
	return 1
}

# root_stop DIR: end what root_start DIR started and wait until it and its
# clean-up are done.
root_stop() {
	local dir=$1 pid _
	pid=$(cat "$dir/pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$dir/pid"
}

# --- cgroups ----------------------------------------------------------------
# A throwaway gets, in every cgroup hierarchy mounted under /sys/fs/cgroup,
# a directory NAME below the cgroup root_run runs in; root_run moves into
# it, creates the cgroup namespace there, and binds those directories on
# the root's /sys/fs/cgroup.  Docker's and runsc's cgroups end up below
# NAME, and NAME goes away with the throwaway.

# _root_cgroup_hierarchies: "MOUNTPOINT FSTYPE SUPEROPTIONS" for every
# cgroup hierarchy mounted whole under /sys/fs/cgroup.
_root_cgroup_hierarchies() {
	awk '{
		for (i = 7; $i != "-"; i++) ;
		fstype = $(i + 1); superopts = $(i + 3)
		if ((fstype == "cgroup" || fstype == "cgroup2") && $4 == "/" && $5 ~ "^/sys/fs/cgroup(/|$)")
			print $5, fstype, superopts
	}' /proc/self/mountinfo
}

# _root_cgroup_own FSTYPE SUPEROPTIONS: this process's cgroup path in that
# hierarchy (from /proc/self/cgroup).
_root_cgroup_own() {
	awk -F: -v fstype="$1" -v opts=",$2," '
		fstype == "cgroup2" && $1 == "0" && $2 == "" { print $3; exit }
		fstype == "cgroup" && $2 != "" {
			n = split($2, c, ",")
			if (index(opts, "," c[1] ",")) { print $3; exit }
		}' /proc/self/cgroup
}

# _root_cgroup_name DIR: the cgroup name of the throwaway whose temporary
# directory is DIR: its path, "/" written ".", so that a run finds its own.
_root_cgroup_name() {
	printf 'hersh-root%s\n' "$(printf '%s' "$1" | tr / .)"
}

# _root_cgroups_create NAME: the directories (ROOT_CGROUPS: "MOUNTPOINT=DIR").
_root_cgroups_create() {
	local name=$1 mnt fstype opts own dir f
	while read -r mnt fstype opts; do
		own=$(_root_cgroup_own "$fstype" "$opts")
		[ -n "$own" ] || continue
		dir=$mnt${own%/}/$name
		mkdir "$dir" || { echo "root_run: cannot create the cgroup $dir" >&2; return 1; }
		ROOT_CGROUPS+=("$mnt=$dir")
		# A new cpuset starts with no CPU and no memory node.
		for f in cpuset.cpus cpuset.mems; do
			[ -f "$dir/$f" ] && cat "${dir%/*}/$f" >"$dir/$f"
		done
	done < <(_root_cgroup_hierarchies)
	return 0
}

# _root_cgroups_join PID / _root_cgroups_leave PID: move PID into the
# throwaway's cgroups / back to their parents.
_root_cgroups_join() {
	local cg
	for cg in "${ROOT_CGROUPS[@]}"; do
		echo "$1" >"${cg#*=}/cgroup.procs" ||
			{ echo "root_run: cannot move into the cgroup ${cg#*=}" >&2; return 1; }
	done
}
_root_cgroups_leave() {
	local cg
	for cg in "${ROOT_CGROUPS[@]}"; do
		echo "$1" >"${cg#*=}/../cgroup.procs" 2>/dev/null
	done
	return 0
}

# _root_cgroups_remove: kill whatever is still in the throwaway's cgroups,
# then remove them, deepest first.
_root_cgroups_remove() {
	local cg dir pid _
	for cg in "${ROOT_CGROUPS[@]}"; do
		dir=${cg#*=}
		[ -d "$dir" ] || continue
		for _ in $(seq 1 50); do
			while read -r pid; do
				kill -KILL "$pid" 2>/dev/null
			done < <(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null)
			find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
			[ -d "$dir" ] || break
			sleep 0.1
		done
		[ ! -d "$dir" ] || echo "root_run: could not remove the cgroup $dir" >&2
	done
	ROOT_CGROUPS=()
}

# root_cgroups_sweep DIR: remove the cgroups that a killed root_run left
# behind for its throwaways under DIR (HERSH_TEST_TMPDIR).  tests/run calls
# it at exit; the cgroups of other runs are not touched.
root_cgroups_sweep() {
	local prefix mnt fstype opts own base dir
	prefix=$(_root_cgroup_name "${1%/}/throwaway.")
	while read -r mnt fstype opts; do
		own=$(_root_cgroup_own "$fstype" "$opts")
		base=$mnt${own%/}
		for dir in "$base/$prefix"*; do
			[ -d "$dir" ] || continue
			ROOT_CGROUPS=("$mnt=$dir")
			_root_cgroups_remove
		done
	done < <(_root_cgroup_hierarchies)
}

# --- inside the namespaces ------------------------------------------------
# _root_ns [--bind S:D]... [--ro-bind S:D]... [--run DIR] [--policy-rc-d]
#         [--chdir DIR] [--cgroup MNT=DIR]... ROOT TMP [--env=N=V]... -- COMMAND...
# Runs as PID 1 of the new PID namespace, with the host's tools until
# pivot_root; then COMMAND runs from the root.  When COMMAND ends, this
# shell exits and the kernel kills everything else inside.
_root_ns() {
	set -eu
	local -a binds=() cgroups=() envs=()
	local run='' policy='' chdir=/ root t m b src dst cg rc p
	while :; do
		case $1 in
		--bind|--ro-bind) binds+=("$1=$2"); shift 2 ;;
		--run) run=$2; shift 2 ;;
		--policy-rc-d) policy=1; shift ;;
		--chdir) chdir=$2; shift 2 ;;
		--cgroup) cgroups+=("$2"); shift 2 ;;
		*) break ;;
		esac
	done
	root=$1 t=$2
	shift 2
	while [ "$1" != -- ]; do
		envs+=("${1#--env=}")
		shift
	done
	shift
	m=$t/root
	mount --make-rprivate /
	mkdir -p "$t/upper" "$t/work" "$t/docker" "$m"
	mount -t overlay overlay -o "lowerdir=$root,upperdir=$t/upper,workdir=$t/work" "$m"
	mkdir -p "$m/var/lib/docker"
	mount --bind "$t/docker" "$m/var/lib/docker"
	mount -t proc proc "$m/proc"
	mount -t sysfs sysfs "$m/sys"
	mount -t tmpfs -o mode=0755,nosuid,nodev,noexec cgroup "$m/sys/fs/cgroup"
	for cg in "${cgroups[@]}"; do
		mkdir -p "$m${cg%%=*}"
		mount --bind "${cg#*=}" "$m${cg%%=*}"
	done
	# A /dev of its own: the usual nodes, a private devpts, /dev/shm.
	mount -t tmpfs -o mode=0755,nosuid dev "$m/dev"
	for p in null zero full random urandom tty; do
		: >"$m/dev/$p"
		mount --bind "/dev/$p" "$m/dev/$p"
	done
	mkdir -p "$m/dev/pts" "$m/dev/shm" "$m/dev/mqueue"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$m/dev/pts"
	ln -s pts/ptmx "$m/dev/ptmx"
	mount -t tmpfs -o mode=1777,nosuid,nodev shm "$m/dev/shm"
	mount -t mqueue mqueue "$m/dev/mqueue" 2>/dev/null || true
	ln -s /proc/self/fd "$m/dev/fd"
	ln -s /proc/self/fd/0 "$m/dev/stdin"
	ln -s /proc/self/fd/1 "$m/dev/stdout"
	ln -s /proc/self/fd/2 "$m/dev/stderr"
	if [ -n "$run" ]; then
		mount --bind "$run" "$m/run"
	else
		mount -t tmpfs -o mode=0755,nosuid,nodev run "$m/run"
	fi
	mkdir -p "$m/run/lock"
	printf '%s\n' "$root" >"$m$ROOT_MARKER"
	for b in "${binds[@]}"; do
		src=${b#*=}
		dst=${src#*:}
		src=${src%%:*}
		if [ -d "$src" ]; then
			mkdir -p "$m$dst"
		else
			mkdir -p "$(dirname "$m$dst")"
			[ -e "$m$dst" ] || : >"$m$dst"
		fi
		mount --bind "$src" "$m$dst"
		[ "${b%%=*}" = --bind ] || mount -o remount,bind,ro "$m$dst"
	done
	if [ -n "$policy" ]; then
		printf '#!/bin/sh\n# No service starts: this root plays an image builder'"'"'s or a container'"'"'s testbed.\nexit 101\n' \
			>"$m/usr/sbin/policy-rc.d"
		chmod 0755 "$m/usr/sbin/policy-rc.d"
	fi
	ip link set lo up
	cd "$m"
	mkdir -p .hersh-oldroot
	pivot_root . .hersh-oldroot
	cd /
	# The host's tree must be gone before COMMAND runs.  Its static
	# busybox does it when the root has no umount of its own.
	/.hersh-oldroot/bin/busybox umount -l /.hersh-oldroot 2>/dev/null ||
		umount -l /.hersh-oldroot
	rmdir /.hersh-oldroot
	cd "$chdir"
	set +e
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
		"${envs[@]}" "$@"
	rc=$?
	exit "$rc"
}
