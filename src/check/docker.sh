# shellcheck shell=bash
# hersh-gvisor-check: Docker.  This host's dockerd (the library's rule:
# hg_dockerd_facts), the client talking only to it (hg_docker), the
# runtimes it lists, dockerd's command line; the test image and every
# container this command runs (check_docker_run), removed at exit.
# Loaded by the command; defines functions only.  *_facts functions
# gather, judge_* functions turn what was gathered into records.

# shellcheck disable=SC2034,SC2154 # variables shared with the other parts and the command

LABEL=hersh-gvisor-check
GREETING="Hello from gVisor"
# Docker's own runtimes, which every dockerd knows.
BUILTIN_RUNTIMES="runc io.containerd.runc.v2 io.containerd.runtime.v1.linux"
# The applets linked into the throwaway busybox image.
BB_APPLETS="sh echo cat true sleep dd nc wc rm mkdir mkfifo dmesg setpriv ls id"

# docker_fixes: fix_start, fix_reload and fix_restart, the commands that
# start, reload and restart Docker on this host.
docker_fixes() {
	if hg_have_systemd; then
		fix_reload="${SUDO}systemctl reload docker"
		fix_start="${SUDO}systemctl start docker"
		fix_restart="${SUDO}systemctl restart docker"
		dockerd_opts_where="the ExecStart of docker.service (${SUDO}systemctl edit docker)"
	else
		fix_reload="${SUDO}kill -HUP \$(cat $HG_DOCKER_PIDFILE)"
		fix_start="${SUDO}service docker start"
		fix_restart="${SUDO}service docker restart"
		dockerd_opts_where="DOCKER_OPTS in /etc/default/docker"
	fi
}

# docker_facts: this host's dockerd (dk_pid, empty when none; dk_note, the
# dockerd processes passed over), its arguments (dk_args, dk_args_read)
# and what they say: flag_runtimes (the --add-runtime NAME=PATH),
# flag_rt_path (the checked runtime's), flag_config, flag_default, and
# config_is_dockerds (1 when the checked file is the one it reads).  A user
# whose DOCKER_HOST names a daemon this command cannot see as a process
# talks to that one (their own setting: root never does).
docker_facts() {
	dk_pid='' dk_note='' dk_args=() dk_args_read=0 flag_runtimes=() flag_config='' flag_default=''
	flag_rt_path='' config_is_dockerds=0 dk_host=''
	if hg_dockerd_facts; then
		dk_pid=$HG_DOCKERD_PID
		if mapfile -d '' -t dk_args 2>/dev/null <"$HG_PROC/$dk_pid/cmdline" && [ ${#dk_args[@]} -gt 0 ]; then
			dk_args_read=1
		fi
	elif [ "$IS_ROOT" = 0 ] && [ -n "${DOCKER_HOST:-}" ]; then
		dk_host=$DOCKER_HOST
		HG_DOCKERD_SOCK=${DOCKER_HOST#unix://}
	fi
	dk_note=$HG_DOCKERD_NOTE
	read -r -a flag_runtimes <<<"$HG_DOCKERD_ADD_RUNTIMES"
	flag_config=$HG_DOCKERD_CONFIG
	flag_default=$HG_DOCKERD_DEFAULT
	local spec
	for spec in "${flag_runtimes[@]}"; do
		[ "${spec%%=*}" != "$runtime" ] || flag_rt_path=${spec#*=}
	done
	if [ -n "$dk_pid" ] &&
		[ "$(readlink -m -- "${flag_config:-$default_config}")" = "$(readlink -m -- "$config")" ]; then
		config_is_dockerds=1
	fi
}

# docker_client_facts: whether the Docker API answers (dk_client: missing
# or present; dk_ok 1 when it answers, else dk_err, what docker said), the
# runtimes it lists (dk_runtimes, space-separated) and, when it lists the
# checked one, its arguments as Docker has them (dk_rt_line "PATH ARG...").
docker_client_facts() {
	local out rc
	dk_client=present dk_ok=0 dk_err='' dk_runtimes='' dk_rt_line=''
	if ! command -v docker >/dev/null 2>&1; then
		dk_client=missing
		return 0
	fi
	# "docker version" fails when the daemon does not answer (some clients
	# print the error and succeed on "docker info --format").
	rc=0
	out=$(hg_docker version --format '{{.Server.Version}}' 2>&1) || rc=$?
	if [ $rc -eq 0 ] && [ -n "$out" ] && [[ $out != *[[:space:]]* ]]; then
		# shellcheck disable=SC2016 # a Go template, not shell
		out=$(hg_docker info --format '{{range $k, $v := .Runtimes}}{{$k}} {{end}}' 2>&1) || rc=$?
	elif [ $rc -eq 0 ]; then
		rc=1
	fi
	if [ $rc -ne 0 ]; then
		dk_err=$out
		return 0
	fi
	dk_ok=1
	dk_runtimes=${out% }
	case " $dk_runtimes " in
	*" $runtime "*)
		if hg_docker_view; then
			dk_rt_line=$HG_SEEN_LINE
		fi ;;
	esac
	return 0
}

# judge_docker: docker.running and docker.reachable.
judge_docker() {
	local running fix sock=${HG_DOCKERD_SOCK:-$HG_DOCKER_SOCKET}
	if [ -n "$dk_pid" ]; then
		running="dockerd pid $dk_pid${dk_note:+ (ignored: $dk_note)}"
	elif [ -n "$dk_host" ]; then
		running="the Docker daemon at DOCKER_HOST=$dk_host"
	else
		running="dockerd${dk_note:+ (ignored: $dk_note)}"
	fi
	if [ "$dk_client" = missing ]; then
		# Whether the daemon runs does not depend on the client.
		if [ -n "$dk_pid" ]; then
			record docker.running ok "Docker running" "$running"
		else
			record docker.running fail "Docker running" "dockerd is not running${dk_note:+ (ignored: $dk_note)}" "$fix_start"
		fi
		record docker.reachable fail "Docker reachable" "no docker command" "${SUDO}apt-get install docker.io"
		return
	fi
	if [ "$dk_ok" = 1 ]; then
		record docker.running ok "Docker running" "$running"
		record docker.reachable ok "Docker reachable" "$ME can use the Docker API (docker info)"
		return
	fi
	if [ -z "$dk_pid" ] && [ -z "$dk_host" ]; then
		record docker.running fail "Docker running" "dockerd is not running${dk_note:+ (ignored: $dk_note)}" "$fix_start"
		record docker.reachable skip "Docker reachable" "dockerd is not running"
		return
	fi
	record docker.running ok "Docker running" "$running"
	case $dk_err in
	*"ermission denied"*)
		if [ "$me_in_docker_group" = 1 ]; then
			fix="$ME is in group docker already: log out and in again (or run: newgrp docker)"
		else
			fix="sudo usermod -aG docker $ME, then log out and in again (or run: newgrp docker); membership in group docker is root-equivalent"
		fi
		record docker.reachable fail "Docker reachable" "$ME cannot use $sock: permission denied" "$fix" ;;
	*)
		record docker.reachable fail "Docker reachable" "docker info failed: $(first_error "${dk_err:-no answer}")" \
			"look at dockerd's log (journalctl -u docker, or $HG_DOCKER_LOG), then: $fix_restart" ;;
	esac
}

# The user is in group docker (in the group database: a new membership
# counts only after the next login).
user_facts() {
	me_in_docker_group=0
	if id -nG "$ME" 2>/dev/null | tr ' ' '\n' | grep -qx docker ||
		getent group docker 2>/dev/null | cut -d: -f4 | tr ',' '\n' | grep -qx "$ME"; then
		me_in_docker_group=1
	fi
}

# judge_docker_runtime: docker.runtime.
judge_docker_runtime() {
	local fix
	if [ "$dk_ok" = 0 ]; then
		record docker.runtime skip "Docker lists $runtime" "Docker is not reachable"
		return
	fi
	case " $dk_runtimes " in
	*" $runtime "*)
		record docker.runtime ok "Docker lists $runtime" "runtimes: $dk_runtimes"
		return ;;
	esac
	case $dv_status in
	fail | warn)
		fix="Docker refused $config (see \"daemon.json valid\"): correct it, then: $fix_reload" ;;
	*)
		if [ "$dj_entry" = 1 ]; then
			fix="$fix_reload   (dockerd has not read $config since $runtime was added; if it still is missing, dockerd's log says why)"
		else
			fix=$fix_add_runtime
		fi ;;
	esac
	record docker.runtime fail "Docker lists $runtime" \
		"Docker knows only: $dk_runtimes (docker run --runtime=$runtime fails: unknown runtime)" "$fix"
}

# judge_dockerd_cmdline: dockerd.cmdline, dockerd's options against the
# checked file.
judge_dockerd_cmdline() {
	local problems="" fixes="" shown
	if [ -z "$dk_pid" ]; then
		record dockerd.cmdline skip "dockerd options" "no local dockerd process"
		return
	fi
	if [ "$dk_args_read" = 0 ]; then
		record dockerd.cmdline skip "dockerd options" "cannot read $HG_PROC/$dk_pid/cmdline"
		return
	fi
	if [ -n "$flag_config" ] && [ "$config_is_dockerds" = 0 ]; then
		problems+="dockerd reads --config-file $flag_config, not $config; "
		fixes+="check that file instead: $PROG --config $flag_config"$'\n'
	fi
	if [ ${#flag_runtimes[@]} -gt 0 ] && [ "$dj_has_runtimes" = 1 ] && [ -z "$flag_config" ]; then
		problems+="dockerd has --add-runtime ${flag_runtimes[*]} and $config has \"runtimes\": dockerd refuses to start or reload with both; "
		fixes+="remove --add-runtime from $dockerd_opts_where (daemon.json carries the runtime), then: $fix_restart"$'\n'
	elif [ -n "$flag_rt_path" ] && [ -n "$rt_path" ] && [ "$flag_rt_path" != "$rt_path" ]; then
		problems+="dockerd has --add-runtime $runtime=$flag_rt_path, $config says $rt_path; "
		fixes+="remove --add-runtime from $dockerd_opts_where, then: $fix_restart"$'\n'
	fi
	if [ -n "$flag_default" ] && [ -n "$dj_default" ]; then
		problems+="dockerd has --default-runtime $flag_default and $config sets default-runtime: dockerd refuses to start with both; "
		fixes+="remove --default-runtime from $dockerd_opts_where, then: $fix_restart"$'\n'
	fi
	if [ -n "$problems" ]; then
		record dockerd.cmdline fail "dockerd options" "${problems%; }" "${fixes%$'\n'}"
	else
		shown="${dk_args[*]:1}"
		record dockerd.cmdline ok "dockerd options" "no conflicting option (${shown:-no options})"
	fi
}

# ---------------------------------------------------------- containers

# check_docker_run SECONDS RUNTIME [DOCKER-RUN-ARGS...] IMAGE CMD...: a
# container of this run (labelled, named, --rm, --pull=never unless
# --pull), removed when it does not finish within SECONDS, and at exit
# whatever happens.  An empty RUNTIME leaves the choice to Docker.  Its
# output is docker run's; its status, docker run's (124: out of time).
check_docker_run() {
	local secs=$1 rt=$2 name rc=0
	shift 2
	name=$LABEL-$RUN_ID-$BASHPID-$RANDOM
	made_in_docker=1
	# Waited for in the background: Ctrl-C ends the wait at once, and the
	# trap removes the container (timeout keeps docker out of the
	# terminal's signals).
	hg_docker_timed "$secs" run --rm --name "$name" --label "$LABEL=$RUN_ID" "${pull_flag[@]}" \
		${rt:+"--runtime=$rt"} "$@" </dev/null &
	wait $! || rc=$?
	[ $rc -ne 124 ] || hg_docker_timed 60 rm -f "$name" >/dev/null 2>&1 </dev/null
	return $rc
}

# cleanup: what this run created in Docker goes (at exit, Ctrl-C included;
# once).  Whenever Docker answered: a container started in a command
# substitution marks made_in_docker in that subshell only.
cleanup() {
	local ids _
	[ "${cleaned:-0}" = 0 ] || return 0
	[ "$made_in_docker" = 1 ] || [ "${dk_ok:-0}" = 1 ] || return 0
	cleaned=1
	ids=$(hg_docker ps -aq --filter "label=$LABEL=$RUN_ID" 2>/dev/null)
	# shellcheck disable=SC2086 # one id per word
	[ -z "$ids" ] || hg_docker_timed 60 rm -f $ids >/dev/null 2>&1 </dev/null
	for _ in 1 2 3 4 5; do
		ids=$(hg_docker volume ls -q --filter "label=$LABEL=$RUN_ID" 2>/dev/null)
		[ -n "$ids" ] || break
		# shellcheck disable=SC2086 # one name per word
		hg_docker volume rm -f $ids >/dev/null 2>&1 && break
		sleep 1
	done
	if [ -n "$throwaway_image" ]; then
		hg_docker_timed 60 image rm -f "$throwaway_image" >/dev/null 2>&1 </dev/null
		throwaway_image=""
	fi
}

# pick_image: test_image, a local image with a shell (a well-known base
# image).
pick_image() {
	local refs r base pat
	refs=$(hg_docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -v '<none>')
	for pat in busybox alpine debian ubuntu fedora centos rockylinux almalinux \
		amazonlinux oraclelinux archlinux opensuse; do
		while IFS= read -r r; do
			[ -n "$r" ] || continue
			base=${r%:*}
			base=${base##*/}
			case $base in "$pat" | "$pat"-*) ;; *) continue ;; esac
			test_image=$r
			return 0
		done <<<"$refs"
	done
	return 1
}

# busybox_static: busybox_bin, busybox-static's busybox (a dynamic busybox
# would not run alone; Debian 12 ships it as /bin/busybox, 13 as
# /usr/bin/busybox).
busybox_static() {
	local b
	busybox_bin=""
	for b in /bin/busybox /usr/bin/busybox; do
		[ -f "$b" ] || continue
		if pkg_query -S "$b" 2>/dev/null | grep -q '^busybox-static:'; then
			busybox_bin=$b
			return 0
		fi
	done
	return 1
}

# import_busybox: test_image, a throwaway image of the host's static
# busybox and a few applets (removed at exit).
import_busybox() {
	local root a rc=0 name=$LABEL/busybox:$RUN_ID
	root=$(mktemp -d) || return 1
	if ! mkdir -p "$root/bin" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/etc" ||
		! cp "$busybox_bin" "$root/bin/busybox"; then
		rm -rf "$root"
		return 1
	fi
	for a in $BB_APPLETS; do
		ln -s busybox "$root/bin/$a"
	done
	chmod 1777 "$root/tmp"
	made_in_docker=1
	tar --owner=0 --group=0 --numeric-owner -C "$root" -c . |
		hg_docker_timed 120 import -c "LABEL $LABEL=$RUN_ID" - "$name" >/dev/null 2>&1 || rc=1
	rm -rf "$root"
	[ $rc -eq 0 ] || return 1
	throwaway_image=$name
	test_image=$name
}

# choose_image: test_image and image_how, or (failing) img_status,
# img_detail and img_fix, the record of container.hello that says why
# there is none.
choose_image() {
	local out
	img_status='' img_detail='' img_fix=''
	if [ -n "$image" ]; then
		if hg_docker image inspect "$image" >/dev/null 2>&1; then
			test_image=$image image_how="given"
			return 0
		fi
		if [ "$opt_pull" = 0 ]; then
			img_status=fail img_detail="image $image is not present locally (not pulling without --pull)"
			img_fix="$PROG --pull --image $image   (where a registry is reachable), or load it: docker load -i FILE"
			return 1
		fi
		if ! out=$(hg_docker_timed 300 pull "$image" 2>&1 </dev/null); then
			img_status=fail img_detail="docker pull $image failed: $(first_error "$out")"
			img_fix="load it instead: docker load -i FILE"
			return 1
		fi
		test_image=$image image_how="pulled"
		return 0
	fi
	if pick_image; then
		image_how="local"
		return 0
	fi
	if busybox_static; then
		if import_busybox; then
			image_how="throwaway, from busybox-static; removed afterwards"
			return 0
		fi
		img_status=fail img_detail="could not import a throwaway image from $busybox_bin"
		img_fix="$PROG --image IMAGE   (a local image with sh)"
		return 1
	fi
	if [ "$opt_pull" = 1 ]; then
		if ! out=$(hg_docker_timed 300 pull alpine 2>&1 </dev/null); then
			img_status=fail img_detail="docker pull alpine failed: $(first_error "$out")"
			img_fix="${SUDO}apt-get install busybox-static, then check again"
			return 1
		fi
		test_image=alpine image_how="pulled"
		return 0
	fi
	img_status=skip
	img_detail="no local image with a shell (busybox, alpine, debian, ...) and no busybox-static; nothing is pulled"
	img_fix="${SUDO}apt-get install busybox-static   (this command then makes a throwaway image), or: $PROG --pull"
	return 1
}

# check_container: container.hello, a container under the runtime that
# prints the greeting (hello_ok 1 when it did).
check_container() {
	local title="test container under $runtime"
	hello_ok=0
	if [ "$dk_ok" = 0 ]; then
		record container.hello skip "$title" "Docker is not reachable"
		return
	fi
	case " $dk_runtimes " in
	*" $runtime "*) ;;
	*) record container.hello skip "$title" "Docker does not list $runtime"; return ;;
	esac
	if [ "$pitfall_blocks" = 1 ]; then
		# Such a start fails, and the failed sandbox is left running.
		record container.hello skip "$title" \
			"not run: it cannot start under this runsc on this kernel (see the networking check)"
		return
	fi
	if [ "$platform_blocks" = 1 ]; then
		# A sandbox under a platform that hangs here would hang this run.
		record container.hello skip "$title" \
			"not run: runsc's platform $rt_platform does not work on this host (see the platform check)"
		return
	fi
	if ! choose_image; then
		record container.hello "$img_status" "$title" "$img_detail" "$img_fix"
		return
	fi
	hello_rc=0
	hello_out=$(check_docker_run 120 "$runtime" --network none "$test_image" echo "$GREETING" 2>&1) || hello_rc=$?
	judge_hello
}

# judge_hello: container.hello from what the test container printed
# (hello_out) and its status (hello_rc).
judge_hello() {
	local title="test container under $runtime" err fix
	if [ "$hello_rc" -eq 0 ] && printf '%s\n' "$hello_out" | grep -qx "$GREETING"; then
		record container.hello ok "$title" "$GREETING (docker run --rm --runtime=$runtime --network none $test_image; image: $image_how)"
		hello_ok=1
		return
	fi
	err=$(first_error "$hello_out")
	[ "$hello_rc" -ne 124 ] || err="no answer within 120 s"
	case $hello_out in
	*"nknown runtime"* | *"invalid runtime"*) fix=$fix_reload ;;
	*"setting up network"* | *"network namespace"* | *"net namespace"*)
		fix="runsc cannot set up sandbox networking here: run it without: ${SUDO}hersh-daemon-json -c $config add $runtime $runsc_guess --runtime-arg --network=none && $fix_reload
or upgrade runsc from the gVisor repository (see the networking check above)" ;;
	*"executable file not found"* | *"no such file or directory"*)
		if [ -n "$rt_path" ] && [ ! -x "$rt_path" ]; then
			fix=$fix_add_runtime
		else
			fix="the image may lack echo: $PROG --image IMAGE (an image with /bin/echo or sh)"
		fi ;;
	*)
		fix="run it by hand for details: docker run --rm --runtime=$runtime --network none $test_image echo hi
for runsc's own logs add --debug --debug-log=/tmp/runsc/ to the runtime's runtimeArgs (${SUDO}hersh-daemon-json add $runtime $runsc_guess --runtime-arg --debug --runtime-arg --debug-log=/tmp/runsc/), then: $fix_reload" ;;
	esac
	record container.hello fail "$title" "docker run failed (exit $hello_rc): $err" "$fix"
}
