# Helpers for the image-build tests (tests/image/*.bats): bake an image of
# a Debian release with mmdebstrap the way an image builder does -- no
# Docker running, service starts forbidden by mmdebstrap's own policy-rc.d,
# debconf preseeded before the packages are installed -- then boot it: its
# own dockerd in a throwaway copy of it (tests/lib/root.bash), reached from
# this host through the socket in a directory of the test.  Load after
# common:
#   load bake
#
# BAKE_RELEASE is the release baked: HERSH_RELEASE (tests/run sets it for
# image@RELEASE), else bookworm.  Everything these helpers start or write
# lives under the directory the caller names; bake_cleanup DIR undoes it.

# shellcheck source=tests/lib/root.bash
source "$(dirname "${BASH_SOURCE[0]}")/../lib/root.bash"

BAKE_RELEASE=${HERSH_RELEASE:-bookworm}

# debian_mirror, host_aptopts: the mirror and APT settings of this host
# (root_mirror, root_aptopts; other suites use these names).
debian_mirror() {
	root_mirror
}
host_aptopts() {
	root_aptopts
}

# local_repo_sources DIR URL NAME: a deb822 source for the signed repository
# served at URL (suite stable, component main) with its key (DIR/key.asc)
# embedded in Signed-By, written to DIR/NAME.sources; prints the path.  The
# key travels with the entry, so apt verifies the repository both while
# mmdebstrap builds and later inside the image.
local_repo_sources() {
	local dir=$1 url=$2 name=$3
	{
		printf 'Types: deb\nURIs: %s\nSuites: stable\nComponents: main\nSigned-By:\n' "$url"
		sed -e 's/^$/./' -e 's/^/ /' "$dir/key.asc"
	} >"$dir/$name.sources"
	printf '%s\n' "$dir/$name.sources"
}

# A customize hook (sh, chroot in $1): list the processes whose root is the
# chroot, "PID COMMAND LINE" a line.
# shellcheck disable=SC2016
BAKE_PROCS_HOOK='r=$(cd "$1" && pwd -P); for p in /proc/[0-9]*; do [ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && printf "%s %s\n" "${p#/proc/}" "$(tr "\0" " " < "$p/cmdline")"; done; true'

# bake_image OUT PRESEED SOURCES LOG: mmdebstrap a BAKE_RELEASE directory
# image into OUT (variant apt) that installs hersh-gvisor, runsc and
# docker.io in one apt run.  PRESEED is fed to debconf-set-selections
# inside the chroot once debconf is there (essential hook) and before
# anything else is installed.  SOURCES is an extra deb822 sources file.
# The full log (apt, dpkg and maintainer-script output: --verbose) goes to
# LOG.  Writes OUT.procs: processes running inside the chroot once
# everything is installed (a started service would show up there).
# Downloaded .debs are kept in BAKE_CACHE (if set) and reused by the next
# build of the run.  On failure the end of LOG goes to stderr.
bake_image() {
	local out=$1 preseed=$2 sources=$3 log=$4 mirror opt r=$BAKE_RELEASE
	local -a args
	mirror=$(root_mirror) || return 1
	args=(--variant=apt --verbose "--include=hersh-gvisor,runsc,docker.io")
	while IFS= read -r opt; do
		args+=("--aptopt=$opt")
	done < <(root_aptopts)
	if [ -n "${BAKE_CACHE:-}" ]; then
		mkdir -p "$BAKE_CACHE/$r"
		args+=(--skip=essential/unlink
			--setup-hook="mkdir -p \"\$1/var/cache/apt/archives\""
			--setup-hook="sync-in $BAKE_CACHE/$r /var/cache/apt/archives/"
			--customize-hook="sync-out /var/cache/apt/archives $BAKE_CACHE/$r")
	fi
	args+=(--essential-hook="chroot \"\$1\" debconf-set-selections < '$preseed'"
		--customize-hook="{ $BAKE_PROCS_HOOK; } > '$out.procs'")
	mkdir -p "$out"
	printf 'bake_image: mmdebstrap %s %s %s "deb %s %s main" %s\n' \
		"${args[*]}" "$r" "$out" "$mirror" "$r" "$sources" >"$log"
	if ! unshare --mount --propagation private \
		mmdebstrap "${args[@]}" "$r" "$out" "deb $mirror $r main" "$sources" >>"$log" 2>&1; then
		echo "mmdebstrap failed; the end of its log ($log):" >&2
		tail -n 40 "$log" >&2
		return 1
	fi
}

# in_image IMG CMD...: run CMD inside the image (chroot, this host's
# network) with /proc mounted, in a mount namespace of its own.
in_image() {
	local img=$1
	shift
	unshare --mount --propagation private \
		sh -c 'mount -t proc proc "$1/proc" && exec chroot "$@"' sh "$img" "$@"
}

# image_boot IMG DIR: boot the image as far as Docker: its dockerd, reading
# the image's own /etc/docker/daemon.json, in a throwaway copy of IMG with
# DIR/run as its /run.  image_docker talks to it from this host.  Its log
# is DIR/log.
image_boot() {
	local img=$1 dir=$2 _
	mkdir -p "$dir/run"
	root_start "$dir" --run "$dir/run" "$img" \
		dockerd || return 1
	for _ in $(seq 1 150); do
		IMAGE_RUN=$dir/run image_docker info >/dev/null 2>&1 && return 0
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
		sleep 0.2
	done
	echo "image_boot: the image's dockerd did not come up; its log ($dir/log):" >&2
	tail -n 30 "$dir/log" >&2
	return 1
}

# image_docker ARGS...: docker, talking to the dockerd image_boot started
# (IMAGE_RUN: its DIR/run).
image_docker() {
	docker -H "unix://$IMAGE_RUN/docker.sock" "$@"
}

# image_busybox REF: import busybox-static's busybox as the image REF into
# the booted image's Docker (never pulled).
image_busybox() {
	local ref=$1 root a
	root=$(mktemp -d)
	mkdir -p "$root/bin"
	cp /bin/busybox "$root/bin/busybox"
	for a in sh echo sleep cat ls true; do
		ln -s busybox "$root/bin/$a"
	done
	tar -C "$root" -c . | image_docker import - "$ref" >/dev/null
	local rc=$?
	rm -rf "$root"
	return "$rc"
}

# image_shutdown DIR: stop what image_boot DIR started; nothing of it stays.
image_shutdown() {
	root_stop "$1"
}

# bake_cleanup DIR: stop the repository servers under DIR.
bake_cleanup() {
	local d
	for d in "$1"/*/; do
		[ -f "$d/http.pid" ] && aptrepo_stop "${d%/}"
	done
	return 0
}
