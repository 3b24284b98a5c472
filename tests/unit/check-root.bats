#!/usr/bin/env bats
# hersh-gvisor-check run as root trusts nothing from its caller's
# environment (su without -, sudo -E, a profile): another user's Docker
# client settings (a CLI plugin in DOCKER_CONFIG, an API socket in
# DOCKER_HOST, a context), PATH, HOME, APT_CONFIG, TMPDIR, bash's start-up
# files and exported functions, and the check's own test seams unless
# root owns what they name.  The attacker is user nobody; whatever of its
# would run leaves a mark.  Root only (each test skips otherwise); no
# Docker daemon: a stand-in dockerd entry in a root-owned test root.

# The tests set the facts the sourced parts read, and read what they set
# (bats sets output and stderr).
# shellcheck disable=SC2034,SC2154

load check-helpers

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	cli_setup
	# The attacker's directory.
	U=$(mktemp -d /tmp/hersh-check-user.XXXXXX)
	chown "$NOBODY:$NOBODY" "$U"
	# A dockerd root trusts (a root-owned binary called dockerd in the
	# root-owned test root), whose socket is a path nobody listens on.
	mkdir -p "$R/usr/sbin"
	cp /bin/true "$R/usr/sbin/dockerd"
	fake_dockerd 4242 "$R/usr/sbin/dockerd" -H "unix://$R/var/run/docker.sock"
}

teardown() {
	[ -z "${SERVER_PID:-}" ] || kill "$SERVER_PID" 2>/dev/null || true
	[ -z "${U:-}" ] || rm -rf "$U"
	cli_teardown
}

# as_nobody COMMAND...: COMMAND as the attacker.
as_nobody() {
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups "$@"
}

# root_check [ARGS...]: the built command as root, with the caller's
# environment and CHECK_ENV (NAME=VALUE words) on top; root's PATH is
# whatever the caller had.
root_check() {
	# shellcheck disable=SC2086 # NAME=VALUE words
	run --separate-stderr env ${CHECK_ENV:-} HERSH_GVISOR_CHECK_ROOT="$R" HERSH_GVISOR_CHECK_HELPERS="$HELPERS" \
		"$CHECK" "$@"
}

# plugin_dir: a Docker client configuration of nobody's with a CLI plugin
# that leaves $U/plugin-ran when anything runs it (docker info lists
# plugins by running each).
plugin_dir() {
	as_nobody mkdir -p "$U/docker/cli-plugins"
	as_nobody sh -c "printf '%s\n' '#!/bin/sh' 'id -u >>$U/plugin-ran' \
		'echo {\\\"SchemaVersion\\\":\\\"0.1.0\\\",\\\"Vendor\\\":\\\"x\\\",\\\"Version\\\":\\\"1\\\",\\\"ShortDescription\\\":\\\"x\\\"}' \
		>$U/docker/cli-plugins/docker-hersh && chmod 0755 $U/docker/cli-plugins/docker-hersh"
}

# user_socket: an API socket of nobody's that leaves $U/socket-used when
# anything connects to it.
user_socket() {
	as_nobody /usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1] + "/docker.sock")
s.listen(8)
open(sys.argv[1] + "/listening", "w").close()
while True:
    c, _ = s.accept()
    open(sys.argv[1] + "/socket-used", "a").write("x\n")
    c.close()
' "$U" </dev/null >/dev/null 2>&1 3>&- &
	SERVER_PID=$!
	local _
	for _ in $(seq 1 50); do
		[ -e "$U/listening" ] && return 0
		sleep 0.1
	done
	fail "the stand-in API socket did not come up"
}

@test "the attack works without the check: docker info as root runs the plugin and asks the socket" {
	require_cmd docker /usr/bin/python3
	plugin_dir
	user_socket
	DOCKER_CONFIG=$U/docker DOCKER_HOST=unix://$U/docker.sock timeout 20 docker info >/dev/null 2>&1 || true
	assert_file_exists "$U/plugin-ran"
	assert_file_exists "$U/socket-used"
}

@test "as root, a user's DOCKER_CONFIG plugin never runs and a user's DOCKER_HOST is never asked" {
	require_cmd docker /usr/bin/python3
	plugin_dir
	user_socket
	as_nobody env DOCKER_CONFIG="$U/docker" docker context create hersh-evil \
		--docker "host=unix://$U/docker.sock" >/dev/null 2>&1 || true
	CHECK_ENV="DOCKER_CONFIG=$U/docker DOCKER_HOST=unix://$U/docker.sock DOCKER_CONTEXT=hersh-evil DOCKER_CERT_PATH=$U DOCKER_TLS_VERIFY=1" \
		root_check
	assert_file_not_exists "$U/plugin-ran"
	assert_file_not_exists "$U/socket-used"
	assert_line "[ok]   Docker running: dockerd pid 4242"
	assert_line --regexp "^\[FAIL\] Docker reachable: docker info failed: .*$R/var/run/docker.sock"
	[[ $stderr == *"note: as root, the caller's Docker client settings are ignored ("*"): only the socket of the dockerd root trusts is used"* ]] ||
		fail "no note on the Docker client settings: $stderr"
	local v
	for v in DOCKER_CONFIG DOCKER_HOST DOCKER_CONTEXT DOCKER_CERT_PATH DOCKER_TLS_VERIFY; do
		[[ $stderr == *"ignored ("*"$v"*")"* ]] || fail "the note does not name $v: $stderr"
	done
}

@test "as root, no dockerd root trusts means no Docker: a user's DOCKER_HOST is not taken instead" {
	require_cmd docker /usr/bin/python3
	user_socket
	rm -rf "${R:?}/proc/4242"
	CHECK_ENV="DOCKER_HOST=unix://$U/docker.sock" root_check --json
	assert_file_not_exists "$U/socket-used"
	run json_status docker.running
	assert_output fail
}

@test "as root, a dockerd entry whose binary another user can replace is passed over, with the reason" {
	cp /bin/true "$U/dockerd"
	chown "$NOBODY" "$U/dockerd"
	fake_dockerd 4242 "$U/dockerd" --add-runtime "runsc=$U/runsc"
	as_nobody sh -c "printf '#!/bin/sh\nid -u >>$U/runsc-ran\n' >$U/runsc; chmod 0755 $U/runsc"
	printf '{}\n' >"$R/etc/docker/daemon.json"
	root_check
	assert_line --regexp "^\[FAIL\] Docker running: dockerd is not running \(ignored: pid 4242 runs $U/dockerd, and "
	assert_file_not_exists "$U/runsc-ran"
}

@test "as root, a runtime path another user owns is reported and never run" {
	as_nobody sh -c "printf '#!/bin/sh\nid -u >>$U/runsc-ran\necho runsc version release-20990101.0\n' >$U/runsc; chmod 0755 $U/runsc"
	printf '{"runtimes": {"runsc": {"path": "%s/runsc"}}}\n' "$U" >"$R/etc/docker/daemon.json"
	root_check
	assert_file_not_exists "$U/runsc-ran"
	assert_line --regexp "^\[FAIL\] runsc installed: $U/runsc is not trusted, so it is not run: "
	assert_line --regexp "^\[FAIL\] daemon.json names runsc: runtimes.runsc.path $U/runsc is not safe: dockerd runs it as root, and "
}

@test "as root, the caller's PATH is not searched: a docker or runsc there never runs" {
	as_nobody sh -c "for c in docker runsc dpkg-query apt-cache; do printf '#!/bin/sh\nid -u >>$U/ran\n' >$U/\$c; chmod 0755 $U/\$c; done"
	PATH="$U:$PATH" root_check
	assert_file_not_exists "$U/ran"
}

@test "as root, BASH_ENV and functions exported by the caller are not taken" {
	as_nobody sh -c "printf 'id -u >>$U/bash-env-ran\n' >$U/env.sh"
	run env BASH_ENV="$U/env.sh" "BASH_FUNC_id%%=() { echo x >>$U/function-ran; command id \"\$@\"; }" \
		"$CHECK" --version
	assert_success
	assert_file_not_exists "$U/bash-env-ran"
	assert_file_not_exists "$U/function-ran"
}

# env_stub: hersh-apt-source (root-owned, in the root-owned helpers) dumps
# the environment it got to $T/env.
env_stub() {
	printf '#!/bin/sh\nenv >%s/env\nexit 3\n' "$T" >"$HELPERS/hersh-apt-source"
	chmod 0755 "$HELPERS/hersh-apt-source"
}

@test "as root, the commands the check runs get none of the caller's variables" {
	env_stub
	CHECK_ENV="TAR_OPTIONS=--to-command=id GCONV_PATH=$U PERL5OPT=-d LD_LIBRARY_PATH=$U GVISOR_SIDECAR_BINARIES_DIR=$U DOCKER_HOST=unix://$U/s LC_ALL=$U/locale TZ=$U/zone LANG=C.UTF-8" \
		root_check
	assert_file_exists "$T/env"
	run grep -E '^(TAR_OPTIONS|GCONV_PATH|PERL5OPT|LD_LIBRARY_PATH|GVISOR_SIDECAR_BINARIES_DIR|DOCKER_HOST|LC_ALL|TZ|HERSH_GVISOR_CHECK_[A-Z_]*)=' "$T/env"
	assert_output ""
	run grep -x "PATH=/usr/sbin:/usr/bin:/sbin:/bin" "$T/env"
	assert_success
	run grep -x "LANG=C.UTF-8" "$T/env"
	assert_success
}

@test "as root, a HOME another user owns is replaced by root's, with a note" {
	env_stub
	CHECK_ENV="HOME=$U" root_check
	[[ $stderr == *"note: HOME=$U is ignored: it does not belong to root;"* ]]
	run grep -x "HOME=$U" "$T/env"
	assert_failure
}

@test "as root, an APT_CONFIG another user can write is ignored, with a note; root's is used" {
	env_stub
	as_nobody touch "$U/apt.conf"
	CHECK_ENV="APT_CONFIG=$U/apt.conf" root_check
	[[ $stderr == *"note: APT_CONFIG=$U/apt.conf is ignored: "* ]]
	run grep -c '^APT_CONFIG=' "$T/env"
	assert_output 0
	: >"$T/apt.conf"
	CHECK_ENV="APT_CONFIG=$T/apt.conf" root_check
	run grep -x "APT_CONFIG=$T/apt.conf" "$T/env"
	assert_success
}

@test "as root, helpers in a directory another user owns are ignored, with a note, and never run" {
	as_nobody sh -c "mkdir $U/helpers; for c in hersh-daemon-json hersh-apt-source; do printf '#!/bin/sh\nid -u >>$U/ran\n' >$U/helpers/\$c; chmod 0755 $U/helpers/\$c; done"
	run --separate-stderr env HERSH_GVISOR_CHECK_ROOT="$R" HERSH_GVISOR_CHECK_HELPERS="$U/helpers" "$CHECK"
	assert_file_not_exists "$U/ran"
	[[ $stderr == *"note: HERSH_GVISOR_CHECK_HELPERS=$U/helpers is ignored: "* ]]
}

@test "as root, a test root another user owns is ignored, with a note" {
	as_nobody mkdir -p "$U/root/etc/docker"
	run --separate-stderr env HERSH_GVISOR_CHECK_ROOT="$U/root" HERSH_GVISOR_CHECK_HELPERS="$HELPERS" "$CHECK" --json
	[[ $stderr == *"note: HERSH_GVISOR_CHECK_ROOT=$U/root is ignored: "* ]]
	run jq -r .config <<<"$output"
	assert_output /etc/docker/daemon.json
}

@test "as root, root-owned seams are honoured" {
	local t=$'\t'
	apt_source_stub "source${t}/etc/apt/sources.list.d/gvisor.list${t}one-line${t}$HG_FACT_URI_FOR_TESTS${t}release${t}/k.gpg${t}ours"
	root_check --json
	[ -z "$stderr" ] || fail "notes where none was expected: $stderr"
	run jq -r '[.config, (.checks[] | select(.id == "apt.source") | .status)] | join(" ")' <<<"$output"
	assert_output "$R/etc/docker/daemon.json ok"
}

@test "as root, HERSH_GVISOR_CHECK_CONTRACT_DROP is ignored with a note, whatever it holds" {
	CHECK_ENV="HERSH_GVISOR_CHECK_CONTRACT_DROP=read-only,nonsense" root_check
	assert_failure 1
	[[ $stderr == *"note: HERSH_GVISOR_CHECK_CONTRACT_DROP is ignored: a test setting, honoured for users only"* ]]
}

@test "as root, the notes are also in --json" {
	CHECK_ENV="DOCKER_HOST=unix:///nonexistent" root_check --json
	run jq -r '.notes[]' <<<"$output"
	assert_output --partial "the caller's Docker client settings are ignored (DOCKER_HOST)"
}
