#!/usr/bin/env bats
# hersh-gvisor-check end to end, without Docker: the built command against
# a test root (HERSH_GVISOR_CHECK_ROOT: /proc, /etc/docker, runsc), the
# tree's hersh-daemon-json, a stub hersh-apt-source and stub commands
# (docker, dpkg-query, apt-cache, debconf-show).  Any user; as root, the
# runs drop to user nobody (root's PATH is fixed: see check-root.bats).

# The tests set the facts the sourced parts read, and read what they set
# (bats sets output and stderr).
# shellcheck disable=SC2034,SC2154

load check-helpers

setup() { cli_setup; }
teardown() { cli_teardown; }

# A host where everything works: a dockerd (as a user sees one: its name
# and user ids), daemon.json naming the stub runsc, Docker answering.
working_host() {
	fake_dockerd 4242 /usr/sbin/dockerd -H fd://
	printf '{"runtimes": {"runsc": {"path": "%s", "runtimeArgs": ["--network=none"]}}}\n' \
		"$R/usr/bin/runsc" >"$R/etc/docker/daemon.json"
	docker_stub_working
}

ALL_IDS="runsc.installed runsc.version runsc.gvisor-bin apt.source apt.keyring apt.key-expiry apt.pin apt.runsc daemon-json.valid daemon-json.runtime daemon-json.default-runtime docker.running docker.reachable docker.runtime dockerd.cmdline pitfall.network-10704 runsc.platform container.hello contract.read-only-root contract.state-volume contract.no-new-privileges contract.network-none contract.gvisor"

# --- options -------------------------------------------------------------

@test "an unknown option is a usage error" {
	run_check --frobnicate
	assert_failure 2
	[[ $stderr == *"hersh-gvisor-check: unknown option '--frobnicate'"* ]]
}

@test "an option without its argument is a usage error" {
	run_check --image
	assert_failure 2
	[[ $stderr == *"option --image needs an argument"* ]]
}

@test "a stray argument is a usage error" {
	run_check runsc
	assert_failure 2
	[[ $stderr == *"unexpected argument 'runsc'"* ]]
}

@test "a runtime name with other characters is a usage error" {
	run_check --runtime 'runsc;id'
	assert_failure 2
	[[ $stderr == *"invalid runtime name 'runsc;id'"* ]]
}

@test "help lists every option" {
	run_check --help
	assert_success
	local o
	for o in --image --pull --runtime --config --json --quiet --bench --bench-time --help --version; do
		assert_output --partial -- "$o"
	done
}

@test "version prints the package version from the facts" {
	run_check -V
	assert_success
	# shellcheck source=/dev/null
	. "$HERSH_BIN_DIR/share/hersh-gvisor/facts.sh"
	assert_output "hersh-gvisor-check $HG_FACT_VERSION"
}

@test "a --bench-time that is not a number of seconds is a usage error" {
	run_check --bench --bench-time 5s
	assert_failure 2
	[[ $stderr == *"--bench-time '5s': not a number of seconds (10 to 3600)"* ]]
}

@test "a --bench-time outside 10 to 3600 seconds is a usage error" {
	run_check --bench --bench-time 5
	assert_failure 2
	[[ $stderr == *"--bench-time '5': not between 10 and 3600 seconds"* ]]
}

@test "an unknown option in HERSH_GVISOR_CHECK_CONTRACT_DROP is a usage error" {
	CHECK_ENV="HERSH_GVISOR_CHECK_CONTRACT_DROP=read-only,seccomp" run_check
	assert_failure 2
	[[ $stderr == *"HERSH_GVISOR_CHECK_CONTRACT_DROP: unknown option 'read-only,seccomp'"* ]]
}

@test "the source file, its data directory not written in, says to run the built command" {
	run bash "$HERSH_SRC/src/check/hersh-gvisor-check" --json
	assert_failure 2
	assert_output --partial "run the built command"
}

# --- output --------------------------------------------------------------

@test "a working host passes and prints the container's greeting" {
	[ "$(id -u)" = 0 ] || skip "the stub runsc belongs to the tester, and a runtime must be root's (see below)"
	working_host
	run_check
	assert_success
	assert_line --regexp '^\[ok\]   test container under runsc: Hello from gVisor \(docker run --rm --runtime=runsc --network none busybox:latest; image: local\)$'
	assert_line "[ok]   daemon.json names runsc: path $R/usr/bin/runsc"
	assert_line "[ok]   Docker running: dockerd pid 4242"
	assert_line "[ok]   contract: runs under gVisor: dmesg inside shows gVisor's boot lines (Starting gVisor...)"
	refute_line --regexp '^\[FAIL\]'
	assert_line "hersh-gvisor-check: Docker can run containers under runsc."
}

@test "--json holds every check, in order, whatever fails" {
	run_check --json --runtime hersh-none --config "$FIXTURES/check/invalid.json"
	assert_failure 1
	run jq -r '.checks | map(.id) | join(" ")' <<<"$output"
	assert_output "$ALL_IDS"
}

@test "--json is one object: version, ok, runtime, config, image, checks and notes" {
	working_host
	run_check --json
	local json=$output
	run jq -e '(.version | type) == "string" and (.ok | type) == "boolean" and .runtime == "runsc"
		and .config == $c and .image == "busybox:latest" and (.checks | length) == 23
		and (.notes | type) == "array" and (has("bench") | not)' --arg c "$R/etc/docker/daemon.json" <<<"$json"
	assert_success
}

@test "json escapes quotes, backslashes and tabs from daemon.json" {
	run_check --json --runtime hersh-escape --config "$FIXTURES/check/escapes.json"
	assert_failure 1
	run jq -r '.checks[] | select(.id == "daemon-json.runtime") | .status + " " + .detail' <<<"$output"
	assert_success
	assert_output "fail runtimes.hersh-escape.path /nonexistent/dir with \"quotes\"\\and	tab/runsc does not exist: containers under hersh-escape cannot start"
}

@test "an invalid daemon.json fails with the parser's line and column and the fix" {
	run_check --json --runtime hersh-none --config "$FIXTURES/check/invalid.json"
	assert_failure 1
	run jq -r '.checks[] | select(.id == "daemon-json.valid") | [.status, .detail, .fix] | join("|")' <<<"$output"
	assert_output --regexp "^fail\|.*invalid.json.*line [0-9]+.*\|correct $FIXTURES/check/invalid.json .*kill -HUP"
}

@test "a daemon.json that does not exist is Docker's defaults and lacks the runtime" {
	run_check --runtime hersh-none
	assert_failure 1
	assert_line "[ok]   daemon.json valid: $R/etc/docker/daemon.json does not exist (Docker's defaults)"
	assert_line "[FAIL] daemon.json names hersh-none: $R/etc/docker/daemon.json has no runtime \"hersh-none\""
}

@test "quiet prints only the failing checks and their fixes" {
	run_check --quiet --runtime hersh-none --config "$FIXTURES/check/invalid.json"
	assert_failure 1
	assert_line --index 0 --regexp '^\[FAIL\] daemon.json valid: '
	assert_line --index 1 --regexp '^ +fix: '
	refute_line --regexp '^\[(ok|warn|skip)'
	refute_output --partial "some checks failed"
}

@test "output is plain ASCII when stdout is not a terminal" {
	run_check --runtime hersh-none
	run bash -c 'LC_ALL=C grep -c "[^ -~]" <<<"$0"' "$output"
	assert_output 0
}

@test "the man page documents every check id, option and seam" {
	local man=$HERSH_SRC/man/hersh-gvisor-check.1 id o
	for id in $ALL_IDS; do
		grep -qx "\.It Cm $id" "$man" || fail "hersh-gvisor-check.1 does not document $id"
	done
	for o in image pull runtime config json quiet bench bench-time help version; do
		grep -q "^\.It Fl .*-$o\( \|$\)" "$man" || fail "hersh-gvisor-check.1 does not document --$o"
	done
	for o in HERSH_GVISOR_CHECK_HELPERS HERSH_GVISOR_CHECK_ROOT HERSH_GVISOR_CHECK_CONTRACT_DROP DOCKER_HOST APT_CONFIG; do
		grep -q "^\.It Ev $o$" "$man" || fail "hersh-gvisor-check.1 does not document $o"
	done
}

# --- Docker --------------------------------------------------------------

@test "Docker not running fails with the start command of the init system" {
	run_check
	assert_failure 1
	assert_line '[FAIL] Docker running: dockerd is not running'
	assert_line '       fix: sudo service docker start'
	assert_line '[skip] test container under runsc: Docker is not reachable'
	mkdir -p "$R/run/systemd/system"
	run_check
	assert_line '       fix: sudo systemctl start docker'
}

@test "a user without access to the socket gets the docker group fix" {
	fake_dockerd 4242 /usr/sbin/dockerd -H "unix://$R/docker.sock"
	stub docker 'echo "permission denied while trying to connect to the Docker daemon socket" >&2; exit 1'
	stub id 'case "$1" in -nG) echo nogroup ;; -un) echo nobody ;; *) exec /usr/bin/id "$@" ;; esac'
	stub getent 'exit 2'
	run_check
	assert_failure 1
	assert_line "[ok]   Docker running: dockerd pid 4242"
	assert_line "[FAIL] Docker reachable: nobody cannot use $R/docker.sock: permission denied"
	assert_line --regexp '^ +fix: sudo usermod -aG docker nobody, then log out and in again'
}

@test "a user's DOCKER_HOST is that user's Docker when no dockerd process is visible" {
	docker_stub_working
	CHECK_ENV="DOCKER_HOST=unix:///run/user/1000/docker.sock" run_check
	assert_line "[ok]   Docker running: the Docker daemon at DOCKER_HOST=unix:///run/user/1000/docker.sock"
	assert_line "[ok]   Docker reachable: nobody can use the Docker API (docker info)"
}

@test "dockerd with --add-runtime next to daemon.json runtimes is a conflict" {
	working_host
	fake_dockerd 4242 /usr/sbin/dockerd --add-runtime "runsc=$R/usr/bin/runsc"
	run_check
	assert_failure 1
	assert_line "[FAIL] dockerd options: dockerd has --add-runtime runsc=$R/usr/bin/runsc and $R/etc/docker/daemon.json has \"runtimes\": dockerd refuses to start or reload with both"
	assert_line --regexp '^ +fix: remove --add-runtime from DOCKER_OPTS in /etc/default/docker'
}

@test "dockerd reading another --config-file is reported" {
	working_host
	fake_dockerd 4242 /usr/sbin/dockerd --config-file /etc/docker/other.json
	run_check
	assert_failure 1
	assert_line "[FAIL] dockerd options: dockerd reads --config-file /etc/docker/other.json, not $R/etc/docker/daemon.json"
	assert_line "       fix: check that file instead: hersh-gvisor-check --config /etc/docker/other.json"
}

@test "a runtime in daemon.json that Docker does not list asks for a reload" {
	working_host
	stub docker "case \"\$1\" in version) echo 28.2.2 ;; info) printf 'runc ' ;; esac"
	run_check
	assert_failure 1
	assert_line --regexp '^\[FAIL\] Docker lists runsc: Docker knows only: runc '
	assert_line --regexp '^ +fix: sudo kill -HUP \$\(cat .*/var/run/docker.pid\)   \(dockerd has not read'
	assert_line '[skip] test container under runsc: Docker does not list runsc'
}

# --- runsc ---------------------------------------------------------------

@test "a runtime path the caller owns is not safe: dockerd runs it as root" {
	working_host
	[ "$(id -u)" != 0 ] || chown -R "$NOBODY" "$R/usr"
	run_check
	assert_failure 1
	assert_line --regexp "^\[FAIL\] daemon.json names runsc: runtimes.runsc.path $R/usr/bin/runsc is not safe: dockerd runs it as root, and .* owned by uid [0-9]+"
}

@test "a platform the host cannot run is a failure, with the fix taking the flag out" {
	working_host
	stub_runsc "$R/usr/bin/runsc" release-20260914.0 'case "$1" in platforms) printf "ptrace\nsystrap\nkvm\n" ;; esac'
	printf '{"runtimes": {"runsc": {"path": "%s", "runtimeArgs": ["--network=none", "--platform=kvm"]}}}\n' \
		"$R/usr/bin/runsc" >"$R/etc/docker/daemon.json"
	run_check
	assert_failure 1
	assert_line "[FAIL] runsc platform: --platform=kvm no longer works on this host: $R/dev/kvm does not exist (no KVM on this host)"
	assert_line "       fix: take the flag out: sudo dpkg-reconfigure hersh-gvisor   (platform: empty, runsc's own default, or one that works here)"
	assert_line --regexp "^ +or: sudo hersh-daemon-json -c $R/etc/docker/daemon.json add runsc $R/usr/bin/runsc --runtime-arg --network=none && sudo kill -HUP"
	assert_line "[skip] test container under runsc: not run: runsc's platform kvm does not work on this host (see the platform check)"
}

@test "a platform this runsc does not offer is a failure" {
	working_host
	stub_runsc "$R/usr/bin/runsc" release-20221219.0 'case "$1" in platforms) printf "ptrace\nkvm\n" ;; esac'
	printf '{"runtimes": {"runsc": {"path": "%s", "runtimeArgs": ["--platform", "systrap"]}}}\n' \
		"$R/usr/bin/runsc" >"$R/etc/docker/daemon.json"
	run_check
	assert_failure 1
	assert_line "[FAIL] runsc platform: --platform=systrap: runsc version release-20221219.0 offers ptrace kvm, not systrap: containers under runsc fail"
	assert_line --regexp "add runsc $R/usr/bin/runsc --no-runtime-args && "
}

@test "a user is told the platform is not probed, and how to have it probed" {
	working_host
	stub_runsc "$R/usr/bin/runsc" release-20260914.0 'case "$1" in platforms) printf "ptrace\nsystrap\nkvm\n" ;; esac'
	printf '{"runtimes": {"runsc": {"path": "%s", "runtimeArgs": ["--platform=systrap"]}}}\n' \
		"$R/usr/bin/runsc" >"$R/etc/docker/daemon.json"
	run_check
	assert_line "[skip] runsc platform: --platform=systrap: not probed: only root can start a sandbox with runsc directly"
	assert_line "       fix: sudo hersh-gvisor-check"
}

@test "gvisor-bin/ next to runsc with a file of another release is a failure" {
	working_host
	mkdir "$R/usr/bin/gvisor-bin"
	local f
	for f in checkpointgofer runsc-metric-server gvisor_sentry; do
		printf '\177ELF...gvisor.dev/gvisor/runsc/version.versionrelease-20260914.0main.main...' >"$R/usr/bin/gvisor-bin/$f"
	done
	printf '\177ELF tiny freestanding helper' >"$R/usr/bin/gvisor-bin/gvisor-sentry-prewarmer"
	chmod 0755 "$R/usr/bin/gvisor-bin"/*
	run_check
	assert_line "[ok]   runsc's gvisor-bin/: $R/usr/bin/gvisor-bin: 3 files of runsc's release release-20260914.0; without a release label to compare: gvisor-sentry-prewarmer"
	printf '\177ELF...release-20260907.0main.main' >"$R/usr/bin/gvisor-bin/gvisor_sentry"
	run_check
	assert_failure 1
	assert_line "[FAIL] runsc's gvisor-bin/: $R/usr/bin/gvisor-bin holds files of another release than runsc (release-20260914.0): gvisor_sentry (release-20260907.0)"
	assert_line --regexp "^ +fix: put runsc and gvisor-bin/ of one gVisor release in $R/usr/bin"
}

@test "gvisor-bin/ next to runsc without the Sentry is a failure" {
	working_host
	mkdir "$R/usr/bin/gvisor-bin"
	run_check
	assert_failure 1
	assert_line "[FAIL] runsc's gvisor-bin/: $R/usr/bin/gvisor-bin lacks checkpointgofer runsc-metric-server gvisor_sentry gvisor-sentry-prewarmer: $R/usr/bin/runsc runs its Sentry and helpers from there"
}

@test "runsc too old for the kernel without --network=none is the issue 10704 pitfall, and no container is started" {
	working_host
	echo 6.12.0 >"$R/proc/sys/kernel/osrelease"
	stub_runsc "$R/usr/bin/runsc" release-20240729.0
	printf '{"runtimes": {"runsc": {"path": "%s"}}}\n' "$R/usr/bin/runsc" >"$R/etc/docker/daemon.json"
	RT_LINE="$R/usr/bin/runsc" docker_stub_working
	run_check
	assert_failure 1
	assert_line --regexp '^\[FAIL\] runsc networking on this kernel: runsc 20240729 on Linux 6.12.0 cannot use sandbox networking \(gVisor issue 10704\)'
	assert_line --regexp '^ +or run without sandbox networking: sudo hersh-daemon-json .* --runtime-arg --network=none'
	assert_line '[skip] test container under runsc: not run: it cannot start under this runsc on this kernel (see the networking check)'
	run grep -c '^run' "$T/docker.log"
	assert_output 0
}

# --- apt -----------------------------------------------------------------

@test "a key that expires within 90 days is a warning with how to refresh it" {
	local in30 t=$'\t'
	in30=$(($(date +%s) + 30 * 86400 + 3600))
	apt_source_stub "source${t}/etc/apt/sources.list.d/gvisor.list${t}one-line${t}$HG_FACT_URI_FOR_TESTS${t}release${t}/usr/share/keyrings/gvisor-archive-keyring.gpg${t}ours
keyring${t}/usr/share/keyrings/gvisor-archive-keyring.gpg${t}ok${t}6F1DF85E3A71C24918E727D56FC6D554E32BD943${t}$in30
pin${t}/etc/apt/preferences.d/hersh-gvisor${t}ok${t}origin:storage.googleapis.com"
	run_check
	assert_line "[warn] gVisor signing key expiry: the key in /usr/share/keyrings/gvisor-archive-keyring.gpg expires on $(date -u -d "@$in30" +%Y-%m-%d), in 30 days: apt-get update then refuses the gVisor source"
	assert_line --regexp '^ +fix: sudo apt update && sudo apt upgrade   \(a hersh-gvisor shipping gVisor.s renewed key\), then: sudo hersh-apt-source install-key$'
	assert_line "[ok]   gVisor pin: /etc/apt/preferences.d/hersh-gvisor (origin:storage.googleapis.com): only runsc comes from the gVisor repository"
}

@test "a pin that also hits another source is a warning naming that source" {
	local t=$'\t'
	apt_source_stub "source${t}/etc/apt/sources.list.d/gvisor.list${t}one-line${t}$HG_FACT_URI_FOR_TESTS${t}release${t}/usr/share/keyrings/gvisor-archive-keyring.gpg${t}ours
keyring${t}/usr/share/keyrings/gvisor-archive-keyring.gpg${t}ok${t}6F1DF85E3A71C24918E727D56FC6D554E32BD943${t}never
pin${t}/etc/apt/preferences.d/hersh-gvisor${t}ok${t}origin:storage.googleapis.com
pin-shared${t}/etc/apt/sources.list.d/other.list${t}https://storage.googleapis.com/other-project"
	run_check
	assert_line "[warn] gVisor pin: /etc/apt/preferences.d/hersh-gvisor (origin:storage.googleapis.com) also matches /etc/apt/sources.list.d/other.list (https://storage.googleapis.com/other-project): every package from there but runsc gets priority -1 and is never installed or upgraded"
	assert_line "       fix: sudo dpkg-reconfigure hersh-gvisor   (writes the pin again for the sources configured now)"
	assert_line "[ok]   gVisor signing key expiry: the key in /usr/share/keyrings/gvisor-archive-keyring.gpg does not expire"
}

@test "Debian's runsc while the gVisor repository has a newer one is a warning with the upgrade" {
	local t=$'\t'
	apt_source_stub "source${t}/etc/apt/sources.list.d/gvisor.list${t}one-line${t}$HG_FACT_URI_FOR_TESTS${t}release${t}/usr/share/keyrings/gvisor-archive-keyring.gpg${t}ours"
	stub dpkg-query 'case "$*" in *runsc*) echo "install ok installed 0.0~20221219.0-2+b3" ;; *) exit 1 ;; esac'
	stub apt-cache "cat <<'EOF'
runsc:
  Installed: 0.0~20221219.0-2+b3
  Candidate: 20260914.0
  Version table:
     20260914.0 500
        500 $HG_FACT_URI_FOR_TESTS release/main amd64 Packages
 *** 0.0~20221219.0-2+b3 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
EOF"
	run_check
	assert_line "[warn] runsc package: runsc 0.0~20221219.0-2+b3 is Debian's build; the gVisor repository has 20260914.0"
	assert_line "       fix: sudo apt-get install runsc   (or with the rest: sudo apt update && sudo apt upgrade)"
}
