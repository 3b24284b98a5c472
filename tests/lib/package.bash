# Helpers for the end-to-end tests of the hersh-gvisor package.
# Load after common and docker:  load ../lib/package

# shellcheck disable=SC2034 # used by the suites that load this file
HG_DAEMON_JSON=/etc/docker/daemon.json
# shellcheck disable=SC2034
HG_STATE_DIR=/var/lib/hersh-gvisor
HG_SOURCE_FILE=/etc/apt/sources.list.d/gvisor.list
HG_KEYRING=/usr/share/keyrings/gvisor-archive-keyring.gpg
HG_CONTAINER_PREFIX=hersh-e2e-
# shellcheck disable=SC2034
HG_DJ_TOOL=/usr/sbin/hersh-daemon-json

# pkg_preseed QUESTION=VALUE...: debconf-set-selections for hersh-gvisor.
pkg_preseed() {
	local kv q v type
	for kv in "$@"; do
		q=${kv%%=*}
		v=${kv#*=}
		case $q in
		configure-docker|default-runtime|apt-source|apt-pin) type=boolean ;;
		docker-action) type=select ;;
		*) type=string ;;
		esac
		printf 'hersh-gvisor hersh-gvisor/%s %s %s\n' "$q" "$type" "$v" | debconf-set-selections
	done
}

# Reset every answer to its default (the package must not be installed).
pkg_forget() {
	echo PURGE | debconf-communicate hersh-gvisor >/dev/null 2>&1 || true
}

# pkg_install [DEB]: install the built package (or DEB) with dpkg.
pkg_install() {
	local deb=${1:-$HG_DEB}
	DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" 2>&1
}

pkg_remove() {
	DEBIAN_FRONTEND=noninteractive dpkg -r hersh-gvisor 2>&1
}

pkg_purge() {
	DEBIAN_FRONTEND=noninteractive dpkg -P hersh-gvisor 2>&1
}

# dpkg's status word for a package (installed, config-files, half-configured...).
pkg_status() {
	dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null || echo not-installed
}

# pkg_bumped_deb DIR VERSION: the built package repacked as VERSION (a
# newer version with the same contents), printed as a path.
pkg_bumped_deb() {
	local dir=$1 version=$2 root
	root=$dir/bump-root
	rm -rf "$root"
	dpkg-deb -R "$HG_DEB" "$root"
	sed -i "s/^Version: .*/Version: $version/" "$root/DEBIAN/control"
	dpkg-deb --root-owner-group -b "$root" "$dir/hersh-gvisor_${version}.deb" >/dev/null
	rm -rf "$root"
	printf '%s\n' "$dir/hersh-gvisor_${version}.deb"
}

# The runsc package file, for putting runsc back after a test removed it:
# apt's cache, or downloaded from the configured Debian mirror.
runsc_deb_find() {
	local deb version
	version=$(dpkg-query -W -f '${Version}' runsc 2>/dev/null) || return 1
	version=${version//:/%3a}
	for deb in /var/cache/apt/archives/runsc_"${version}"_*.deb "$BATS_FILE_TMPDIR"/runsc_"${version}"_*.deb; do
		[ -f "$deb" ] && { printf '%s\n' "$deb"; return 0; }
	done
	(cd "$BATS_FILE_TMPDIR" && apt-get download -q "runsc=$(dpkg-query -W -f '${Version}' runsc)" >/dev/null 2>&1) || return 1
	for deb in "$BATS_FILE_TMPDIR"/runsc_*.deb; do
		[ -f "$deb" ] && { printf '%s\n' "$deb"; return 0; }
	done
	return 1
}

runsc_ensure_installed() {
	[ "$(pkg_status runsc)" = installed ] && return 0
	[ -n "${RUNSC_DEB:-}" ] || return 1
	DEBIAN_FRONTEND=noninteractive dpkg -i "$RUNSC_DEB" >/dev/null 2>&1
}

# What the running Docker reports.
docker_runtimes() {
	docker info --format '{{json .Runtimes}}'
}
docker_default_runtime() {
	docker info --format '{{.DefaultRuntime}}'
}
docker_lists_runsc() {
	docker_runtimes | grep -q '"runsc":'
}
started_at() {
	docker inspect -f '{{.State.StartedAt}}' "$1"
}
# How many times dockerd has reloaded its configuration (its log).
dockerd_reloads() {
	grep -c 'Got signal to reload configuration' /tmp/hersh-test-dockerd.log || true
}

# Stop and start the dockerd the tests run, so it reads daemon.json afresh.
# (Stopping it may remove the test image: it is imported again.)
dockerd_restart() {
	dockerd_stop
	dockerd_start
	test_image_ensure
}

containers_cleanup() {
	docker ps -aq --filter "name=$HG_CONTAINER_PREFIX" 2>/dev/null |
		xargs -r docker rm -f >/dev/null 2>&1 || true
}

# Start a long-running container under the default runtime; prints its name.
container_start() {
	local name=$HG_CONTAINER_PREFIX$1
	docker run -d --name "$name" --network none "$TEST_IMAGE" sleep 100000 >/dev/null
	printf '%s\n' "$name"
}

# Linux 6.11 or later: runsc before 20240807 cannot set up sandbox
# networking there (gVisor issue 10704).
hg_kernel_611() {
	local r major minor
	r=$(uname -r)
	major=${r%%.*}
	minor=${r#*.}
	minor=${minor%%[!0-9]*}
	[ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 11 ]; }
}

# The release date (yyyymmdd) of the installed runsc.
hg_runsc_date() {
	runsc --version 2>/dev/null | sed -n 's/.*\(20[0-9]\{6\}\)\..*/\1/p' | head -n 1
}

# The last line the package's scripts printed, in $output.
last_summary_line() {
	# shellcheck disable=SC2154 # set by bats' run
	printf '%s\n' "$output" | grep '^hersh-gvisor: ' | tail -n 1
}

# The file identity that changes on any write: inode, size, mtime.
file_stamp() {
	stat -c '%i %s %Y.%y' "$1"
}

# pkg_file_needs: setup_file's checks (bats 1.8 cannot skip there: see
# file_needs); HERSH_DEB, when set, names the package to test.
pkg_file_needs() {
	file_needs "$@" || return 1
	if [ -n "${HERSH_DEB:-}" ]; then
		[ -f "$HERSH_DEB" ] || { file_skip "HERSH_DEB=$HERSH_DEB: no such file"; return 1; }
	else
		file_needs deb || return 1
	fi
	HG_DEB=$HERSH_DEB
	export HG_DEB
}

# ---- Each package suite runs in a throwaway root of the release under
# test (tests/run e2e@R builds one per file and throws it away): it
# installs, purges and reconfigures as freely as only a fresh machine
# allows, and nothing is saved or put back.

# pkg_file_setup: once per file: root, a throwaway root, the package, no
# package installed, dockerd, the test image.  Returns 1 (after file_skip)
# when the file cannot run.
pkg_file_setup() {
	# (not "file_needs docker": it calls itself with "docker" again)
	pkg_file_needs root throwaway dockerd || return 1
	command -v docker >/dev/null 2>&1 || { file_skip "needs docker"; return 1; }
	RUNSC_DEB=$(runsc_deb_find) || RUNSC_DEB=
	export RUNSC_DEB
	dpkg-query -W -f '${Version}' runsc >"$BATS_FILE_TMPDIR/runsc-version" 2>/dev/null ||
		: >"$BATS_FILE_TMPDIR/runsc-version"
	hersh_purge
	save_path "$HG_DAEMON_JSON"
	policy_rc_d_hide
	dockerd_start
	test_image_ensure
}

# pkg_runsc_restore: the runsc the root had when the file began (version),
# or none.
pkg_runsc_restore() {
	local want have
	[ -f "$BATS_FILE_TMPDIR/runsc-version" ] || return 0
	want=$(cat "$BATS_FILE_TMPDIR/runsc-version")
	have=$(dpkg-query -W -f '${Version}' runsc 2>/dev/null) || have=
	[ "$(pkg_status runsc)" = installed ] || have=
	[ "$want" != "$have" ] || return 0
	if [ -z "$want" ]; then
		DEBIAN_FRONTEND=noninteractive dpkg -P runsc >/dev/null 2>&1 || true
	elif [ -n "${RUNSC_DEB:-}" ]; then
		DEBIAN_FRONTEND=noninteractive dpkg -i "$RUNSC_DEB" >/dev/null 2>&1 || true
	fi
}

pkg_file_teardown() {
	! file_skipped || return 0
	containers_cleanup
	hersh_purge
	dockerd_stop
}

# Per test: no package, default answers, the saved daemon.json, runsc
# installed, policy-rc.d hidden, and a dockerd that read that daemon.json.
pkg_test_setup() {
	containers_cleanup
	hersh_purge
	pkg_forget
	runsc_ensure_installed || true
	policy_rc_d_hide
	local before after
	before=$(sha256sum 2>/dev/null <"$HG_DAEMON_JSON") || before=absent
	restore_path "$HG_DAEMON_JSON"
	after=$(sha256sum 2>/dev/null <"$HG_DAEMON_JSON") || after=absent
	if [ "$before" != "$after" ] || docker_lists_runsc || [ "$(docker_default_runtime)" != runc ]; then
		dockerd_restart
	fi
}

pkg_test_teardown() {
	containers_cleanup
	policy_rc_d_hide
}

# install_with_config FIXTURE: put FIXTURE in place as daemon.json and make
# dockerd read it.
daemon_json_use() {
	mkdir -p "${HG_DAEMON_JSON%/*}"
	cp "$1" "$HG_DAEMON_JSON"
	chmod 0644 "$HG_DAEMON_JSON"
	dockerd_restart
}
