# shellcheck shell=bash
# Shared by the hersh-gvisor-check suites (tests/e2e/check*.bats): a real
# dockerd the tests start, with /etc/docker/daemon.json from a fixture and
# the local test image; put back after each test that changes them.  What
# needs no Docker is tested in tests/unit/check-*.bats.
# Load after common and docker:
#     load ../lib/common
#     load ../lib/docker
#     load check-lib
# Needs root and dockerd.  tests/run runs each file in a throwaway root of
# each release (stage check@R); by hand, under the host lock:
#     flock /run/hersh-host.lock bats tests/e2e/check*.bats

DAEMON_JSON=/etc/docker/daemon.json
CHECK_LABEL=hersh-gvisor-check

# The suites' defaults (a suite defines its own after loading this file
# where it needs more): a working host for the file, the command from the
# source tree for each test, and the working host again after each.
setup_file() { check_setup_file; }
teardown_file() { check_teardown_file; }
setup() { check_setup; }
teardown() {
	check_restore_package
	check_restore
}

# setup_file: a working host (file_needs: the file is skipped without it).
check_setup_file() {
	file_needs docker runsc || return 0
	if [ ! -x "$HERSH_BIN_DIR/hersh-daemon-json" ]; then
		file_skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
		return 0
	fi
	: >"$BATS_FILE_TMPDIR/set-up"
	check_tree
	save_path "$DAEMON_JSON"
	mkdir -p /etc/docker
	cp "$FIXTURES/check/working.json" "$DAEMON_JSON"
	dockerd_start
	test_image_ensure
}

check_teardown_file() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	dockerd_stop_clean
	check_empty_root_remove
	restore_path "$DAEMON_JSON"
	check_tree_remove
}

# setup: the command of the source tree (check_tree), first on PATH.
check_setup() {
	file_skip_check
	PATH="$(cat "$BATS_FILE_TMPDIR/check-tree"):$PATH"
	export PATH
}

# check_tree: the source tree's command, assembled as make does it (the
# Makefile's tree rules: lib.sh, check/*.sh and facts.sh in a data
# directory written into the command), with the helpers of
# $HERSH_BIN_DIR (tests/run's roots get the built helpers only, in
# another place than where they were built).  In a directory every user
# may read (check-user.bats runs it as another user); its path is kept in
# $BATS_FILE_TMPDIR/check-tree, and check_tree_remove removes it.
check_tree() {
	local dir share version
	dir=$(mktemp -d /tmp/hersh-check-tree.XXXXXX)
	chmod 0755 "$dir"
	share=$dir/share/hersh-gvisor
	mkdir -p "$share/check"
	cp "$HERSH_SRC/src/shell/lib.sh" "$share/"
	cp "$HERSH_SRC"/src/check/*.sh "$share/check/"
	version=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$HERSH_SRC/debian/changelog")
	"$HERSH_SRC/src/gen/facts" sh "$HERSH_SRC/src/upstream.facts" SBINDIR="$HERSH_BIN_DIR" \
		DATADIR="$share" SHIPPED_KEY="$HERSH_SRC/src/keys/gvisor-archive.key" VERSION="${version:-0}" \
		>"$share/facts.sh"
	sed "s|@DATADIR@|$share|g" "$HERSH_SRC/src/check/hersh-gvisor-check" >"$dir/hersh-gvisor-check"
	chmod -R a+rX "$dir"
	chmod 0755 "$dir/hersh-gvisor-check"
	printf '%s\n' "$dir" >"$BATS_FILE_TMPDIR/check-tree"
}
check_tree_remove() {
	[ -e "$BATS_FILE_TMPDIR/check-tree" ] || return 0
	rm -rf "$(cat "$BATS_FILE_TMPDIR/check-tree")"
	rm -f "$BATS_FILE_TMPDIR/check-tree"
}

# teardown: the working host again, whatever the test changed.
check_restore() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	if [ -e "$BATS_FILE_TMPDIR/dockerd-args" ]; then
		dockerd_stop_clean
		rm -f "$BATS_FILE_TMPDIR/dockerd-args"
	fi
	check_empty_root_remove
	remove_check_containers
	cp "$FIXTURES/check/working.json" "$DAEMON_JSON"
	if ! dockerd_pid >/dev/null; then
		dockerd_start
	elif ! docker_has_working_runsc; then
		dockerd_reload
	fi
	wait_docker_working
	test_image_ensure
}

# Containers hersh-gvisor-check started (it labels them) must be gone
# before dockerd stops: a runsc container torn down by a dying dockerd
# leaves its shim and sandbox running.
remove_check_containers() {
	local ids _
	docker_up || return 0
	for _ in $(seq 1 100); do
		ids=$(docker ps -aq --filter "label=$CHECK_LABEL")
		[ -n "$ids" ] || return 0
		# shellcheck disable=SC2086 # one id per word
		docker rm -f $ids >/dev/null 2>&1 || true
		sleep 0.1
	done
	echo "containers labelled $CHECK_LABEL remain: $ids" >&2
}

dockerd_stop_clean() {
	remove_check_containers
	dockerd_stop
}

# Restart dockerd with extra arguments (teardown restarts it plainly).
dockerd_restart_with() {
	dockerd_stop_clean
	: >"$BATS_FILE_TMPDIR/dockerd-args"
	dockerd_start "$@"
}

# A dockerd with a data root of its own, empty: no image at all.  It lives
# below Docker's own data root, whose file system Docker's storage driver
# is known to work on.
check_empty_root() {
	local dir=/var/lib/docker/hersh-check-empty-root
	printf '%s\n' "$dir" >"$BATS_FILE_TMPDIR/empty-root"
	dockerd_restart_with --data-root "$dir"
}
check_empty_root_remove() {
	local dir
	[ -e "$BATS_FILE_TMPDIR/empty-root" ] || return 0
	dir=$(cat "$BATS_FILE_TMPDIR/empty-root")
	if dockerd_pid >/dev/null; then
		dockerd_stop_clean
		: >"$BATS_FILE_TMPDIR/dockerd-args"
	fi
	rm -rf --one-file-system "$dir"
	rm -f "$BATS_FILE_TMPDIR/empty-root"
}

# The package, installed as an admin would on this host (no apt source:
# no network; --network=none for runsc), configuring Docker; skips when
# there is no package to install or it is installed already.
# check_restore_package (in teardown) purges it again.
check_install_package() {
	local deb
	deb=$(hersh_deb) || skip "no package to install (run make deb)"
	dpkg-query -W -f '${Status}' hersh-gvisor 2>/dev/null | grep -q ' installed$' &&
		skip "hersh-gvisor is installed already"
	: >"$BATS_FILE_TMPDIR/package-installed"
	printf '{}\n' >"$DAEMON_JSON"
	dockerd_reload
	printf '%s\n' \
		'hersh-gvisor hersh-gvisor/apt-source boolean false' \
		'hersh-gvisor hersh-gvisor/runtime-args string --network=none' |
		debconf-set-selections
	policy_rc_d_hide
	DEBIAN_FRONTEND=noninteractive dpkg -i "$deb"
	wait_docker_working
}
check_restore_package() {
	[ -e "$BATS_FILE_TMPDIR/set-up" ] || return 0
	[ -e "$BATS_FILE_TMPDIR/package-installed" ] || return 0
	hersh_purge
	policy_rc_d_restore
	rm -f "$BATS_FILE_TMPDIR/package-installed"
}

# forged_dockerd_setup: daemon.json without the runtime (so the check
# would take it from a dockerd's --add-runtime), no real dockerd, and the
# attacker's directory (printed).
forged_dockerd_setup() {
	use_config no-runtime.json
	dockerd_stop_clean >/dev/null
	evil_dir
}

dockerd_reload() {
	kill -HUP "$(dockerd_pid)"
}

use_config() {
	cp "$FIXTURES/check/$1" "$DAEMON_JSON"
}

# docker_runtime_line NAME: "PATH ARG..." of Docker's runtime NAME (a Go
# template printing plain fields; empty when Docker does not list it).
docker_runtime_line() {
	docker info --format "{{with index .Runtimes \"$1\"}}{{.Path}}{{range .Args}} {{.}}{{end}}{{end}}" 2>/dev/null
}

# Docker's runsc is the one of working.json.
docker_has_working_runsc() {
	[ "$(docker_runtime_line runsc)" = "/usr/bin/runsc --network=none" ]
}

wait_docker_working() {
	local _
	for _ in $(seq 1 100); do
		docker_has_working_runsc && return 0
		sleep 0.1
	done
	echo "Docker's runsc runtime is not the working one: $(docker_runtime_line runsc)" >&2
	return 1
}

docker_runtimes() {
	# shellcheck disable=SC2016 # a Go template
	docker info --format '{{range $k, $v := .Runtimes}}{{$k}} {{end}}' 2>/dev/null
}

# wait_docker_runtime present|absent NAME: until docker info agrees (a
# reload is asynchronous).
wait_docker_runtime() {
	local want=$1 name=$2 _
	for _ in $(seq 1 100); do
		case " $(docker_runtimes) " in
		*" $name "*) [ "$want" = present ] && return 0 ;;
		*) [ "$want" = absent ] && return 0 ;;
		esac
		sleep 0.1
	done
	echo "docker info never showed runtime $name $want" >&2
	return 1
}

# Everything in Docker a run could leave behind: images (all layers),
# volumes, containers.
docker_state() {
	docker images -a --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}' | sort
	docker volume ls -q | sort
	docker ps -a --no-trunc --format '{{.ID}} {{.Image}} {{.Names}}' | sort
}

# The status of check ID in the JSON of the last run.
# shellcheck disable=SC2154 # bats' run sets output
check_status() {
	jq -r --arg id "$1" '.checks[] | select(.id == $id) | .status' <<<"$output"
}

# The date in the runsc version, e.g. 20221219.
runsc_date() {
	runsc --version 2>/dev/null | grep -o '20[0-9][0-9][01][0-9][0-3][0-9]' | head -n 1
}

# A directory of an attacker (user nobody) under /tmp, with a runsc that
# leaves a mark when anything runs it, a script named dockerd, and
# bin/dockerd, a copy of sh.
evil_dir() {
	local dir
	dir=$(mktemp -d /tmp/hersh-evil.XXXXXX)
	printf '%s\n' "$dir" >"$BATS_FILE_TMPDIR/evil-dir"
	chmod 755 "$dir"
	mkdir "$dir/bin"
	printf '#!/bin/sh\nid -u >>%s/ran\necho "runsc version 0.0~20990101.0"\n' "$dir" >"$dir/runsc"
	printf '#!/bin/sh\nwhile :; do sleep 1; done\n' >"$dir/dockerd"
	cp /bin/sh "$dir/bin/dockerd"
	chmod 755 "$dir/runsc" "$dir/dockerd" "$dir/bin/dockerd"
	chown -R nobody:nogroup "$dir"
	printf '%s\n' "$dir"
}

# evil_dockerd DIR ARGS...: the script DIR/dockerd run by nobody, in the
# background; prints its pid (evil_remove ends it).
# evil_dockerd DIR --as-root ARGS...: DIR/bin/dockerd run by root.
evil_dockerd() {
	local dir=$1
	shift
	if [ "${1:-}" = --as-root ]; then
		shift
		"$dir/bin/dockerd" -c 'while :; do sleep 1; done' dockerd "$@" </dev/null >/dev/null 2>&1 &
	else
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$dir/dockerd" "$@" </dev/null >/dev/null 2>&1 &
	fi
	evil_track "$!"
}

# evil_track PID: a forged dockerd started in the background, ended by
# evil_remove; waits until it runs as dockerd (setpriv or unshare has
# exec'd it) and prints PID.
evil_track() {
	local pid=$1 _
	printf '%s\n' "$pid" >>"$BATS_FILE_TMPDIR/evil-pids"
	for _ in $(seq 1 50); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] && break
		sleep 0.1
	done
	printf '%s\n' "$pid"
}

evil_remove() {
	local pid
	if [ -e "$BATS_FILE_TMPDIR/evil-pids" ]; then
		while read -r pid; do
			kill "$pid" 2>/dev/null || true
		done <"$BATS_FILE_TMPDIR/evil-pids"
		rm -f "$BATS_FILE_TMPDIR/evil-pids"
	fi
	if [ -e "$BATS_FILE_TMPDIR/evil-dir" ]; then
		rm -rf "$(cat "$BATS_FILE_TMPDIR/evil-dir")"
		rm -f "$BATS_FILE_TMPDIR/evil-dir"
	fi
}

# A throwaway system user in group docker (DOCKER_USER), with Debian's
# default user PATH: what a member of the docker group runs.  The test
# settings a user may give (HERSH_GVISOR_CHECK_CONTRACT_DROP) count for
# such a user only: root ignores them.
USER_PATH=/usr/local/bin:/usr/bin:/bin:/usr/games
docker_user_add() {
	getent group docker >/dev/null || skip "needs group docker"
	DOCKER_USER=hersh-check-$$
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
		--groups docker "$DOCKER_USER"
	printf '%s\n' "$DOCKER_USER" >"$BATS_FILE_TMPDIR/docker-user"
}
docker_user_remove() {
	[ -e "$BATS_FILE_TMPDIR/docker-user" ] || return 0
	userdel "$(cat "$BATS_FILE_TMPDIR/docker-user")" 2>/dev/null || true
	rm -f "$BATS_FILE_TMPDIR/docker-user"
}

# as_docker_user [NAME=VALUE...] COMMAND...: COMMAND as DOCKER_USER, its
# groups from the group database, a clean environment with the default
# PATH after the tree's command, and the NAME=VALUE given.
as_docker_user() {
	local -a vars=()
	while [[ ${1:-} == [A-Z]*=* ]]; do
		vars+=("$1")
		shift
	done
	env -i PATH="$(cat "$BATS_FILE_TMPDIR/check-tree"):$USER_PATH" HOME=/nonexistent LANG=C.UTF-8 "${vars[@]}" \
		setpriv --reuid="$DOCKER_USER" --regid="$DOCKER_USER" --init-groups "$@"
}
