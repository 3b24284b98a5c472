#!/usr/bin/env bats
# The shell library bringing a running Docker in line with daemon.json:
# converge (tell Docker whenever what it lists differs from the file, not
# only when this run changed it), Docker's own word (--validate, its log),
# policy-rc.d, systemd and SIGHUP, the bounded wait, the removal's
# placeholders.  docker, systemctl and deb-systemd-invoke are stubs; the
# stand-in dockerd (root) is a copy of sleep that SIGHUP ends.

# The library's settings are assigned here and read by the sourced code.
# shellcheck disable=SC2034

load lib

setup() {
	lib_setup
	cat >"$HG_DAEMON_JSON" <<-'JSON'
	{
	  "runtimes": {
	    "runsc": {
	      "path": "/usr/bin/runsc",
	      "runtimeArgs": [
	        "--network=none"
	      ]
	    }
	  }
	}
	JSON
	VIEW_BEFORE="|"
	VIEW_AFTER="runc|/usr/bin/runsc --network=none"
	# docker info: the view before the reload at the first call, after at
	# the others.
	stub docker 'n=$(cat "$0.calls" 2>/dev/null || echo 0); echo $((n + 1)) >"$0.calls"
[ "$1" = info ] || exit 1
if [ "$n" -eq 0 ]; then cat "$0.before"; else cat "$0.after"; fi'
	printf '%s\n' "$VIEW_BEFORE" >"$STUBS/docker.before"
	printf '%s\n' "$VIEW_AFTER" >"$STUBS/docker.after"
}
teardown() { lib_teardown; }

view() {
	printf '%s\n' "$1" >"$STUBS/docker.before"
	printf '%s\n' "${2:-$1}" >"$STUBS/docker.after"
}

# A stand-in dockerd, named by the pidfile as dockerd writes it (no newline).
running() {
	fake_dockerd
	printf '%s' "$FAKE_PID" >"$HG_DOCKER_PIDFILE"
}

@test "Docker already listing what daemon.json says is not told anything" {
	running
	view "runc|/usr/bin/runsc --network=none"
	hg_apply 2>"$T/err"
	grep -q "has this daemon.json already; nothing to apply" "$T/err"
	fake_dockerd_alive
	[ -n "$HG_CONFIRMED" ]
}

@test "an unchanged daemon.json Docker does not have yet is applied: the summary says why" {
	running
	hg_apply 2>"$T/err"
	fake_dockerd_hupped
	grep -q "daemon.json is unchanged, but Docker lists no runsc runtime" "$T/err"
	grep -q "Docker: lists the runsc runtime (/usr/bin/runsc --network=none)" "$T/err"
}

@test "a changed daemon.json is applied and the summary says it changed" {
	running
	HG_CHANGED=1
	hg_apply 2>"$T/err"
	fake_dockerd_hupped
	grep -q "Docker: daemon.json changed" "$T/err"
}

@test "with policy-rc.d forbidding the reload Docker is not signalled and the summary says when it applies" {
	running
	printf '#!/bin/sh\nexit 101\n' >"$T/policy-rc.d"
	chmod 0755 "$T/policy-rc.d"
	HG_POLICY_RC_D=$T/policy-rc.d
	hg_apply 2>"$T/err"
	fake_dockerd_alive
	grep -q "not reloaded: policy-rc.d forbids service actions (exit 101)" "$T/err"
	grep -q "next dpkg-reconfigure hersh-gvisor" "$T/err"
}

@test "docker-action none leaves Docker alone" {
	running
	HG_DOCKER_ACTION=none
	hg_apply 2>"$T/err"
	fake_dockerd_alive
	grep -q "docker-action is none" "$T/err"
}

@test "Docker not running: nothing is signalled, its next start reads the file" {
	HG_CHANGED=1
	hg_apply 2>"$T/err"
	grep -q "Docker: not running; it reads the new daemon.json when it starts" "$T/err"
	[ -n "$HG_DOCKER_DOWN" ]
}

@test "without systemd the dockerd of the pidfile gets SIGHUP, a forged one does not" {
	fake_dockerd setpriv --reuid=65534 --regid=65534 --clear-groups
	echo "$FAKE_PID" >"$HG_DOCKER_PIDFILE"
	hg_apply 2>"$T/err" || true
	fake_dockerd_alive
	kill "$FAKE_PID"
	FAKE_PID=
	running
	hg_apply 2>"$T/err"
	fake_dockerd_hupped
}

@test "when systemctl reload fails, dockerd's MainPID gets SIGHUP and the summary says so" {
	running
	mkdir -p "$T/systemd"
	HG_SYSTEMD_DIR=$T/systemd
	stub systemctl "[ \"\$2\" = MainPID ] && echo $FAKE_PID"
	stub deb-systemd-invoke 'exit 1'
	stub journalctl 'exit 1'
	local pid=$FAKE_PID
	hg_apply 2>"$T/err"
	fake_dockerd_hupped
	grep -q "sent SIGHUP, dockerd's reload, to its main process $pid instead" "$T/err"
}

@test "a MainPID that is not a root-owned dockerd is never signalled" {
	fake_dockerd setpriv --reuid=65534 --regid=65534 --clear-groups
	mkdir -p "$T/systemd"
	HG_SYSTEMD_DIR=$T/systemd
	stub systemctl "[ \"\$2\" = MainPID ] && echo $FAKE_PID"
	stub deb-systemd-invoke 'exit 1'
	hg_apply 2>"$T/err" || true
	fake_dockerd_alive
}

@test "dockerd --validate refusing the file: Docker's words, and no reload" {
	printf '#!/bin/sh\necho "unable to configure the Docker daemon with file %%s: the runtime runsc is bad" "$3" >&2\nexit 1\n' >"$T/dockerd"
	chmod 0755 "$T/dockerd"
	HG_DOCKERD_BINS=$T/dockerd
	run hg_docker_validate
	[ "$status" -eq 1 ]
	[[ $output == *"dockerd --validate refuses"* ]]
	[[ $output == *"the runtime runsc is bad"* ]]
	[[ $output == *"not reloaded"* ]]
}

@test "a dockerd without --validate (before Docker 23) does not stop the reload" {
	printf '#!/bin/sh\necho "unknown flag: --validate" >&2\nexit 125\n' >"$T/dockerd"
	chmod 0755 "$T/dockerd"
	HG_DOCKERD_BINS=$T/dockerd
	hg_docker_validate
	[ "$HG_VALIDATE" = unsupported ]
}

@test "a reload is confirmed by Docker's log line after the signal" {
	printf 'time="x" level=info msg="Starting up"\n' >"$T/docker.log"
	HG_DOCKER_LOG=$T/docker.log
	hg_log_mark ""
	printf 'time="y" level=info msg="Got signal to reload configuration"\ntime="y" level=info msg="Reloaded configuration: {}"\n' >>"$T/docker.log"
	HG_EXP_RT=ours HG_EXP_LINE="/usr/bin/runsc --network=none" HG_EXP_DEF=''
	HG_DOCKERD_SOCK=/var/run/docker.sock
	view "runc|/usr/bin/runsc --network=none"
	hg_confirm 2>"$T/err"
	[ -n "$HG_CONFIRMED" ]
}

@test "a refusal in Docker's log is reported in its words although docker info lists runsc" {
	: >"$T/docker.log"
	HG_DOCKER_LOG=$T/docker.log
	hg_log_mark ""
	printf 'time="y" level=error msg="Error reconfiguring the daemon: unable to configure the Docker daemon: bad"\n' >>"$T/docker.log"
	HG_EXP_RT=ours HG_EXP_LINE="/usr/bin/runsc --network=none" HG_EXP_DEF=''
	view "runc|/usr/bin/runsc --network=none"
	hg_confirm 2>"$T/err"
	[ -z "$HG_CONFIRMED" ]
	grep -q "refused the new daemon.json" "$T/err"
	grep -q "unable to configure the Docker daemon: bad" "$T/err"
}

@test "an old reload line before the signal does not count" {
	printf 'time="x" level=info msg="Reloaded configuration: {}"\n' >"$T/docker.log"
	HG_DOCKER_LOG=$T/docker.log
	hg_log_mark ""
	HG_EXP_RT=ours HG_EXP_LINE="/usr/bin/runsc --network=none" HG_EXP_DEF=''
	view "runc|"
	hg_confirm 2>"$T/err"
	[ -z "$HG_CONFIRMED" ]
	grep -q "did NOT confirm" "$T/err"
}

@test "without a log, docker info listing what was written confirms the reload" {
	HG_LOG=
	HG_EXP_RT=ours HG_EXP_LINE="/usr/bin/runsc --network=none" HG_EXP_DEF=''
	view "runc|/usr/bin/runsc --network=none"
	HG_DOCKERD_SOCK=/var/run/docker.sock
	hg_confirm 2>"$T/err"
	[ -n "$HG_CONFIRMED" ]
}

@test "the removal's placeholders are tidied only once Docker is known to have read the file" {
	printf '{\n  "runtimes": {},\n  "default-runtime": "runc"\n}\n' >"$HG_DAEMON_JSON"
	HG_TIDY=runc HG_CONFIRMED='' HG_DOCKER_DOWN=''
	hg_tidy 2>"$T/err"
	grep -q '"runtimes": {}' "$HG_DAEMON_JSON"
	HG_CONFIRMED=1
	hg_tidy 2>"$T/err"
	[ "$(tr -d ' \n' <"$HG_DAEMON_JSON")" = "{}" ]
}
