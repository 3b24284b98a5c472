#!/usr/bin/env bats
# The maintainer-script library (src/maintscript/common.sh) on its own: the
# answer checks (shared with the debconf config script), runsc versions,
# and the path that tells Docker and confirms it, with systemctl,
# deb-systemd-invoke, docker and Docker's log stubbed.  Any user; the tests
# that need a root-owned process (a stand-in dockerd) say so and skip.

# The library's settings are assigned here and read by the sourced code.
# shellcheck disable=SC2034

load ../lib/common

setup() {
	# shellcheck source=../../src/maintscript/common.sh
	. "$HERSH_SRC/src/maintscript/common.sh"
	T=$BATS_TEST_TMPDIR
	STUBS=$T/bin
	mkdir -p "$STUBS"
	PATH=$STUBS:$PATH
	HG_STATE=$T/state
	HG_DAEMON_JSON=$T/daemon.json
	HG_DJ=$HERSH_BIN_DIR/hersh-daemon-json
	HG_SYSTEMD_DIR=$T/no-systemd
	HG_POLICY_RC_D=$T/no-policy-rc.d
	HG_DOCKER_PIDFILE=$T/docker.pid
	HG_DOCKER_LOG=$T/no-docker.log
	HG_DOCKERD_BINS=$T/no-dockerd
	HG_WAIT_SECONDS=2
	HG_DOCKER_ACTION=reload
	FAKE_PID=
}

teardown() {
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null || true
	fi
	[ -z "${FAKE_DIR:-}" ] || rm -rf "$FAKE_DIR"
}

# stub NAME BODY: a command NAME on PATH running BODY (sh).
stub() {
	printf '#!/bin/sh\n%s\n' "$2" >"$STUBS/$1"
	chmod +x "$STUBS/$1"
}

# fake_dockerd [setpriv ARGS...]: a process called dockerd (a copy of
# sleep, root-owned) that SIGHUP ends; FAKE_PID is its pid.
fake_dockerd() {
	[ "$(id -u)" = 0 ] || skip "needs root (a root-owned stand-in dockerd)"
	[ -n "${FAKE_DIR:-}" ] || FAKE_DIR=$(mktemp -d /tmp/hersh-fake-dockerd.XXXXXX)
	chmod 0755 "$FAKE_DIR"
	cp /bin/sleep "$FAKE_DIR/dockerd"
	chmod 0755 "$FAKE_DIR/dockerd"
	"$@" "$FAKE_DIR/dockerd" 1000 </dev/null >/dev/null 2>&1 3>&- &
	FAKE_PID=$!
	sleep 0.2
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

# ---- answers

@test "suites release, nightly, master and real dates from 2018 on are valid" {
	local s
	for s in release nightly master 20180101 20240229 20241231 20250701; do
		hg_valid_suite "$s" || fail "$s refused: $HG_WHY"
	done
}

@test "a suite that is not a real date from 2018 on is refused with the reason" {
	local s
	for s in stable 2024010 202401011 20240230 20230229 20241301 20240100 20171231 2024-01-01 ''; do
		if hg_valid_suite "$s"; then
			fail "$s accepted"
		fi
		[ -n "$HG_WHY" ] || fail "no reason for $s"
	done
}

@test "runtime flags of plain characters are valid, none included" {
	local a
	for a in '' --network=none '--network=none --platform=systrap' \
		'--debug-log=/var/log/runsc/ --debug' '--overlay2=root:self' '--cpu-num-from-quota' \
		"--network=none	--host-uds=open"; do
		hg_valid_runtime_args "$a" || fail "$a refused: $HG_WHY"
	done
}

@test "runtime flags with shell syntax are refused with the reason, since Docker runs them through /bin/sh" {
	local a
	# shellcheck disable=SC2016 # literal on purpose
	for a in '--debug-log=/tmp/$(id)/' '--x=`id`' '--a;id' '--a|id' '--a&' '--log=~/x' \
		'--a="b c"' "--a='b'" '--a=*' '--a\b' '--a>b' "--a$HG_NL--b"; do
		if hg_valid_runtime_args "$a"; then
			fail "$a accepted"
		fi
		[ -n "$HG_WHY" ] || fail "no reason for $a"
	done
}

@test "repository URIs apt can use are valid" {
	local u
	for u in https://storage.googleapis.com/gvisor/releases http://127.0.0.1:8080/repo \
		file:///srv/gvisor copy:///srv/gvisor mirror+file:///etc/apt/mirrors.txt \
		https://user@mirror.example/gvisor/releases?x=1; do
		hg_valid_uri "$u" || fail "$u refused: $HG_WHY"
	done
}

@test "a URI with a character apt cannot take is refused, naming the characters" {
	local c u
	for c in '#' '[' ']' '"' '\' "'" '<' '>' '{' '}' '|' '^' '`'; do
		u="https://mirror.example/gvisor${c}x"
		if hg_valid_uri "$u"; then
			fail "$u accepted"
		fi
		assert_equal "$HG_WHY" "it holds one of the characters # [ ] \" \\ ' < > { } | ^ \`"
	done
}

@test "a URI with a space, a control or a non-ASCII character is refused" {
	local u
	for u in 'https://mirror.example/g visor' "$(printf 'https://mirror.example/g\tvisor')" \
		'https://mirror.example/gvisör' "$(printf 'https://mirror.example/\nx')"; do
		if hg_valid_uri "$u"; then
			fail "$u accepted"
		fi
	done
}

@test "a URI without a scheme apt has, or without a host, is refused" {
	local u
	for u in '' storage.googleapis.com/gvisor ftp://mirror.example/gvisor gopher://x/y \
		https:///gvisor http:// mirror+ftp://mirror.example/x; do
		if hg_valid_uri "$u"; then
			fail "$u accepted"
		fi
	done
}

@test "a scheme is refused when apt has no method for it here" {
	mkdir -p "$T/methods"
	touch "$T/methods/http" "$T/methods/https"
	HG_APT_METHODS=$T/methods
	hg_valid_uri https://mirror.example/gvisor
	run hg_valid_uri tor+https://mirror.example/gvisor
	assert_failure
	hg_valid_uri tor+https://mirror.example/gvisor || true
	assert_equal "$HG_WHY" "apt has no 'tor' method here ($T/methods/tor is missing)"
}

@test "key URLs are http, https or file" {
	hg_valid_key_url https://gvisor.dev/archive.key
	hg_valid_key_url http://127.0.0.1:8080/key.asc
	hg_valid_key_url file:///root/gvisor.key
	run hg_valid_key_url ftp://gvisor.dev/archive.key
	assert_failure
	run hg_valid_key_url 'https://gvisor.dev/archive.key#x'
	assert_failure
	run hg_valid_key_url https:///archive.key
	assert_failure
}

@test "fingerprints of 40 or 64 hex digits are valid, with spaces and 0x, and normalised" {
	hg_valid_fpr 6F1DF85E3A71C24918E727D56FC6D554E32BD943
	hg_valid_fpr '6f1d f85e 3a71 c249 18e7  27d5 6fc6 d554 e32b d943'
	hg_valid_fpr 0x6F1DF85E3A71C24918E727D56FC6D554E32BD943
	hg_valid_fpr "$(printf '%064d' 0)"
	assert_equal "$(hg_fpr_normal '0x6f1d f85e 3a71 c249 18e7 27d5 6fc6 d554 e32b d943')" \
		6F1DF85E3A71C24918E727D56FC6D554E32BD943
}

@test "a fingerprint of another length or with other characters is refused" {
	local f
	for f in '' 6F1DF85E3A71C24918E727D56FC6D554E32BD94 6F1DF85E3A71C24918E727D56FC6D554E32BD9433 \
		6F1DF85E3A71C24918E727D56FC6D554E32BD94G E32BD943; do
		if hg_valid_fpr "$f"; then
			fail "$f accepted"
		fi
	done
}

@test "a preseeded answer that is not valid gives way to the default, with a warning" {
	db_get() {
		case $1 in
		hersh-gvisor/apt-uri) RET='https://mirror.example/gvisor#releases' ;;
		hersh-gvisor/apt-suite) RET=20240230 ;;
		hersh-gvisor/key-fingerprint) RET=1234 ;;
		hersh-gvisor/runtime-args) RET= ;;
		hersh-gvisor/docker-action) RET=reload ;;
		*) return 10 ;;
		esac
	}
	run hg_read_debconf
	assert_success
	assert_output --partial "warning: apt-uri 'https://mirror.example/gvisor#releases' is not valid"
	assert_output --partial "using the default https://storage.googleapis.com/gvisor/releases"
	assert_output --partial "warning: apt-suite '20240230' is not valid"
	assert_output --partial "warning: key-fingerprint '1234' is not valid"
	hg_read_debconf 2>/dev/null
	assert_equal "$HG_APT_URI" https://storage.googleapis.com/gvisor/releases
	assert_equal "$HG_APT_SUITE" release
	assert_equal "$HG_KEY_FPR" 6F1DF85E3A71C24918E727D56FC6D554E32BD943
	assert_equal "$HG_APT_PIN" true
	assert_equal "$HG_CONFIGURE_DOCKER" true
}

# ---- runsc versions

@test "the release date is read from Debian's and gVisor's runsc versions" {
	assert_equal "$(hg_release_date 'runsc version 0.0~20221219.0')" 20221219
	assert_equal "$(hg_release_date 'runsc version release-20240807.0')" 20240807
	assert_equal "$(hg_release_date '0.0~20240729.0-1')" 20240729
	assert_equal "$(hg_release_date '20250101.0')" 20250101
	assert_equal "$(hg_release_date 'runsc version 1.2.3')" ''
}

@test "a runsc before 20240807 needs --network=none on Linux 6.11 and later only" {
	hg_trusted_file() { return 0; }
	HG_RUNSC=$STUBS/runsc
	stub runsc 'echo "runsc version 0.0~20240729.0"'
	uname() { echo 6.12.0-1-amd64; }
	hg_runsc_too_old
	uname() { echo 6.1.0-30-amd64; }
	run hg_runsc_too_old
	assert_failure
	uname() { echo 6.11.0; }
	stub runsc 'echo "runsc version release-20240807.0"'
	run hg_runsc_too_old
	assert_failure
}

# ---- telling Docker: systemd

@test "when systemctl reload fails, dockerd's MainPID gets SIGHUP and the summary says so" {
	fake_dockerd
	HG_SYSTEMD_DIR=$T
	stub deb-systemd-invoke 'echo "$*" >>'"$T/invoked"'; exit 1'
	stub systemctl 'case "$*" in *MainPID*) echo '"$FAKE_PID"' ;; *) exit 0 ;; esac'
	run hg_signal
	assert_success
	assert_output --partial "systemctl reload docker.service failed"
	assert_output --partial "sent SIGHUP, dockerd's reload, to its main process $FAKE_PID instead"
	run cat "$T/invoked"
	assert_output "reload docker.service"
	fake_dockerd_hupped
}

@test "a MainPID that is not a root-owned dockerd is never signalled" {
	fake_dockerd setpriv --reuid=nobody --regid=nogroup --clear-groups
	HG_SYSTEMD_DIR=$T
	stub deb-systemd-invoke 'exit 1'
	stub systemctl 'case "$*" in *MainPID*) echo '"$FAKE_PID"' ;; *) exit 0 ;; esac'
	run hg_signal
	assert_failure
	assert_output --partial "its MainPID is not a root-owned dockerd"
	run fake_dockerd_hupped
	assert_failure
}

@test "with policy-rc.d forbidding the reload neither systemctl nor the fallback runs" {
	fake_dockerd
	HG_SYSTEMD_DIR=$T
	HG_CHANGED=1
	hg_docker_validate() { return 0; }
	stub deb-systemd-invoke 'echo "$*" >>'"$T/invoked"'; exit 1'
	stub systemctl 'case "$*" in *MainPID*) echo '"$FAKE_PID"' ;; *) exit 0 ;; esac'
	HG_POLICY_RC_D=$STUBS/policy-rc.d
	stub policy-rc.d 'exit 101'
	run hg_apply_docker
	assert_success
	assert_output --partial "policy-rc.d forbids service actions (exit 101)"
	assert_not_exists "$T/invoked"
	run fake_dockerd_hupped
	assert_failure
}

@test "without systemd the dockerd of the pidfile gets SIGHUP, a forged one does not" {
	fake_dockerd
	echo "$FAKE_PID" >"$HG_DOCKER_PIDFILE"
	run hg_signal
	assert_success
	fake_dockerd_hupped
	FAKE_PID=
	fake_dockerd setpriv --reuid=nobody --regid=nogroup --clear-groups
	echo "$FAKE_PID" >"$HG_DOCKER_PIDFILE"
	run hg_signal
	assert_failure
	run fake_dockerd_hupped
	assert_failure
}

# ---- Docker's own word

@test "dockerd --validate refusing the file: Docker's words, and no reload" {
	[ "$(id -u)" = 0 ] || skip "needs root (a root-owned stand-in dockerd)"
	FAKE_DIR=$(mktemp -d /run/hersh-fake-dockerd.XXXXXX)
	chmod 0755 "$FAKE_DIR"
	printf '#!/bin/sh\necho "unable to configure the Docker daemon with file $3: runtime name '"'"'runc'"'"' is reserved" >&2\nexit 1\n' \
		>"$FAKE_DIR/dockerd"
	chmod 0755 "$FAKE_DIR/dockerd"
	HG_DOCKERD_BINS=$FAKE_DIR/dockerd
	HG_CHANGED=1
	hg_docker_running() { return 0; }
	hg_signal() { echo signalled >"$T/signalled"; }
	run hg_apply_docker
	assert_success
	assert_output --partial "Docker: dockerd --validate refuses $HG_DAEMON_JSON:"
	assert_output --partial "Docker: unable to configure the Docker daemon with file $HG_DAEMON_JSON: runtime name 'runc' is reserved"
	assert_output --partial "fix $HG_DAEMON_JSON, then run: dpkg-reconfigure hersh-gvisor"
	assert_not_exists "$T/signalled"
}

@test "a dockerd without --validate (before Docker 23) does not stop the reload" {
	[ "$(id -u)" = 0 ] || skip "needs root (a root-owned stand-in dockerd)"
	FAKE_DIR=$(mktemp -d /run/hersh-fake-dockerd.XXXXXX)
	chmod 0755 "$FAKE_DIR"
	printf '#!/bin/sh\necho "Status: unknown flag: --validate" >&2\nexit 1\n' >"$FAKE_DIR/dockerd"
	chmod 0755 "$FAKE_DIR/dockerd"
	HG_DOCKERD_BINS=$FAKE_DIR/dockerd
	run hg_docker_validate
	assert_success
	assert_output ''
}

# ---- confirming that Docker took this file

# A log that has an old successful reload; the mark is after it.
log_with_old_reload() {
	HG_LOG="file"
	HG_LOG_FILE=$T/dockerd.log
	HG_LOG_NAME=$HG_LOG_FILE
	echo 'time="x" level=info msg="Reloaded configuration: {}"' >"$HG_LOG_FILE"
	HG_LOG_OFF=$(stat -c %s "$HG_LOG_FILE")
	printf '{\n  "runtimes": {\n    "runsc": {\n      "path": "/usr/bin/runsc"\n    }\n  }\n}\n' >"$HG_DAEMON_JSON"
	HG_EXP_RT=ours
	HG_EXP_LINE=/usr/bin/runsc
}

@test "a reload is confirmed by Docker's log line after the signal" {
	log_with_old_reload
	echo 'time="y" level=info msg="Reloaded configuration: {...}"' >>"$HG_LOG_FILE"
	stub docker 'echo "runc|/usr/bin/runsc"'
	hg_confirm 2>"$T/out"
	assert_equal "$HG_CONFIRMED" 1
	run cat "$T/out"
	assert_output "hersh-gvisor: Docker: lists the runsc runtime (/usr/bin/runsc)"
}

@test "a refusal in Docker's log is reported in its words although docker info lists runsc" {
	log_with_old_reload
	echo 'time="y" level=error msg="unable to configure the Docker daemon with file /etc/docker/daemon.json: json: cannot unmarshal number 3.0 into Go struct field Config.max-concurrent-downloads of type int"' >>"$HG_LOG_FILE"
	stub docker 'echo "runc|/usr/bin/runsc"'
	hg_confirm 2>"$T/out"
	assert_equal "$HG_CONFIRMED" ''
	run cat "$T/out"
	assert_output --partial "Docker: refused the new daemon.json; $T/dockerd.log says:"
	assert_output --partial "cannot unmarshal number 3.0"
	refute_output --partial "lists the runsc runtime"
}

@test "an old reload line before the signal does not count" {
	log_with_old_reload
	stub docker 'echo "runc|"'
	hg_confirm 2>"$T/out"
	assert_equal "$HG_CONFIRMED" ''
	run cat "$T/out"
	assert_output --partial "did NOT confirm it took the new daemon.json within 2 seconds"
}

@test "without a log, docker info listing what was written confirms the reload" {
	HG_LOG=
	printf '{\n  "runtimes": {\n    "runsc": {\n      "path": "/usr/bin/runsc",\n      "runtimeArgs": ["--network=none"]\n    }\n  }\n}\n' >"$HG_DAEMON_JSON"
	HG_EXP_RT=ours
	HG_EXP_LINE="/usr/bin/runsc --network=none"
	stub docker 'echo "runc|/usr/bin/runsc"'
	hg_confirm 2>"$T/out"
	assert_equal "$HG_CONFIRMED" ''
	stub docker 'echo "runc|/usr/bin/runsc --network=none"'
	hg_confirm 2>"$T/out"
	assert_equal "$HG_CONFIRMED" 1
}

@test "the removal's placeholders are tidied only once Docker is known to have read the file" {
	printf '{\n  "runtimes": {}\n}\n' >"$HG_DAEMON_JSON"
	HG_TIDY=yes
	HG_CONFIRMED=
	HG_DOCKER_DOWN=
	run hg_tidy
	assert_success
	assert_output --partial "stay until Docker is known to have read the file"
	grep -q '"runtimes": {}' "$HG_DAEMON_JSON"
	HG_CONFIRMED=1
	hg_tidy
	run cat "$HG_DAEMON_JSON"
	assert_output '{}'
}
