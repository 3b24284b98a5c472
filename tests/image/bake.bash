# Helpers for the image-build tests (tests/image/*.bats): bake a bookworm
# image with mmdebstrap the way an image builder does -- no Docker running,
# service starts forbidden by mmdebstrap's own policy-rc.d, debconf
# preseeded before the packages are installed.  Load after common:
#   load bake
#
# Everything these helpers start or write lives under the directory the
# caller names; bake_cleanup DIR undoes it.

# debian_mirror: the URI apt on this host uses for bookworm, read from apt's
# own configuration (sources.list, sources.list.d/*.sources).
debian_mirror() {
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' |
		awk '$2 == "bookworm" { print $1; exit }'
}

# host_aptopts: the host's APT settings an image build on this machine must
# share to reach the same mirror (proxy, release-file date checks), one
# --aptopt value a line.  They end up in the image's apt.conf.d/99mmdebstrap,
# so apt inside the image reaches the mirror the same way.
host_aptopts() {
	apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy)( |::)' || true
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

# bake_image OUT PRESEED SOURCES LOG: mmdebstrap a bookworm directory image
# into OUT (variant apt) that installs hersh-gvisor, runsc and docker.io in
# one apt run.  PRESEED is fed to debconf-set-selections inside the chroot
# once debconf is there (essential hook) and before anything else is
# installed.  SOURCES is an extra deb822 sources file.  The full log
# (apt, dpkg and maintainer-script output: --verbose) goes to LOG.  Writes
# OUT.procs: processes running inside the chroot once everything is
# installed (a started service would show up there).  Downloaded .debs are
# kept in BAKE_CACHE (if set) and reused by the next build of the run.  On
# failure the end of LOG goes to stderr.
bake_image() {
	local out=$1 preseed=$2 sources=$3 log=$4 mirror opt
	local -a args
	mirror=$(debian_mirror)
	if [ -z "$mirror" ]; then
		echo "bake_image: no bookworm source in this host's apt configuration" >&2
		return 1
	fi
	args=(--variant=apt --verbose "--include=hersh-gvisor,runsc,docker.io")
	while IFS= read -r opt; do
		args+=("--aptopt=$opt")
	done < <(host_aptopts)
	if [ -n "${BAKE_CACHE:-}" ]; then
		mkdir -p "$BAKE_CACHE"
		args+=(--skip=essential/unlink
			--setup-hook="mkdir -p \"\$1/var/cache/apt/archives\""
			--setup-hook="sync-in $BAKE_CACHE /var/cache/apt/archives/"
			--customize-hook="sync-out /var/cache/apt/archives $BAKE_CACHE")
	fi
	args+=(--essential-hook="chroot \"\$1\" debconf-set-selections < '$preseed'"
		--customize-hook="{ $BAKE_PROCS_HOOK; } > '$out.procs'")
	mkdir -p "$out"
	printf 'bake_image: mmdebstrap %s bookworm %s "deb %s bookworm main" %s\n' \
		"${args[*]}" "$out" "$mirror" "$sources" >"$log"
	if ! mmdebstrap "${args[@]}" bookworm "$out" "deb $mirror bookworm main" "$sources" >>"$log" 2>&1; then
		echo "mmdebstrap failed; the end of its log ($log):" >&2
		tail -n 40 "$log" >&2
		return 1
	fi
}

# in_image IMG CMD...: run CMD inside the image with /proc mounted (and
# unmounted again).
in_image() {
	local img=$1 rc=0
	shift
	mount -t proc proc "$img/proc"
	chroot "$img" "$@" || rc=$?
	umount "$img/proc"
	return "$rc"
}

# bake_cleanup DIR: stop the repository servers under DIR.
bake_cleanup() {
	local d
	for d in "$1"/*/; do
		[ -f "$d/http.pid" ] && aptrepo_stop "${d%/}"
	done
	return 0
}
