# shellcheck shell=sh
# hersh-gvisor maintainer-script library, installed as
# /usr/share/hersh-gvisor/common.sh and sourced by postinst and prerm after
# /usr/share/debconf/confmodule.  POSIX sh.
#
# With debconf loaded, standard output belongs to debconf: everything here
# writes to standard error, and helper output is captured.
#
# State in /var/lib/hersh-gvisor/ (what this package added):
#   docker-runtime  `hersh-daemon-json show runsc` of the entry we wrote
#   docker-default  present when we set "default-runtime": "runsc"
#   docker-created  present when we created daemon.json
#   docker-dir      present when we created its directory
#   apt-source      hersh-apt-source's own record (sha256sum format)
# postrm purge cannot use this file (it is gone by then) and repeats the
# purge steps inline.

HG_STATE=/var/lib/hersh-gvisor
HG_DAEMON_JSON=/etc/docker/daemon.json
HG_RUNSC=/usr/bin/runsc
HG_NAME=runsc
HG_DJ=/usr/sbin/hersh-daemon-json
HG_AS=/usr/sbin/hersh-apt-source
HG_DOCKER_PIDFILE=/var/run/docker.pid
HG_POLICY_RC_D=/usr/sbin/policy-rc.d
HG_WAIT_SECONDS=10

HG_CHANGED=
HG_TIDY=

hg_say() {
	printf 'hersh-gvisor: %s\n' "$*" >&2
}

# hg_say_lines TOPIC TEXT: every line of TEXT, as "TOPIC: line".
hg_say_lines() {
	printf '%s\n' "$2" | while IFS= read -r hg_l; do
		[ -z "$hg_l" ] || hg_say "$1: $hg_l"
	done
}

# Read the answers (confmodule must be loaded).
hg_read_debconf() {
	# shellcheck disable=SC2154 # RET is set by db_get
	{
		db_get hersh-gvisor/configure-docker; HG_CONFIGURE_DOCKER=$RET
		db_get hersh-gvisor/default-runtime; HG_DEFAULT_RUNTIME=$RET
		db_get hersh-gvisor/runtime-args; HG_RUNTIME_ARGS=$RET
		db_get hersh-gvisor/docker-action; HG_DOCKER_ACTION=$RET
		db_get hersh-gvisor/apt-source; HG_APT_SOURCE=$RET
		db_get hersh-gvisor/apt-suite; HG_APT_SUITE=$RET
		db_get hersh-gvisor/apt-uri; HG_APT_URI=$RET
		db_get hersh-gvisor/key-url; HG_KEY_URL=$RET
		db_get hersh-gvisor/key-fingerprint; HG_KEY_FPR=$RET
	}
	case $HG_DOCKER_ACTION in
	reload|restart|none) ;;
	*)
		hg_say "docker-action '$HG_DOCKER_ACTION' is not reload, restart or none; using reload"
		HG_DOCKER_ACTION=reload
		;;
	esac
}

hg_done() {
	hg_say "run hersh-gvisor-check to verify the setup"
}

# ---------------------------------------------------------------- apt source

# The status (ok|missing|mismatch) of the gVisor keyring, from `show`.
hg_key_status() {
	"$HG_AS" --uri "$HG_APT_URI" --key-url "$HG_KEY_URL" --fingerprint "$HG_KEY_FPR" show 2>/dev/null |
		awk -F '\t' '$1 == "keyring" { print $3; exit }'
}

# Our gVisor source line of `show`, when the file is one hersh-apt-source
# recorded as created by it.
hg_our_source() {
	[ -s "$HG_STATE/apt-source" ] || return 0
	"$HG_AS" --uri "$HG_APT_URI" --key-url "$HG_KEY_URL" --fingerprint "$HG_KEY_FPR" show 2>/dev/null |
		while IFS="$(printf '\t')" read -r hg_kind hg_file hg_rest; do
			[ "$hg_kind" = source ] || continue
			if awk -v f="$hg_file" '{ sub(/^[^ ]* [ *]/, ""); if ($0 == f) found = 1 } END { exit !found }' \
				"$HG_STATE/apt-source"; then
				printf '%s\t%s\t%s\n' "$hg_kind" "$hg_file" "$hg_rest"
			fi
		done
}

# The repository, key URL and fingerprint the admin chose, as APT
# configuration that hersh-apt-source (and so hersh-gvisor-check) reads:
# a mirror is then what `show` looks for, not upstream.  Purge removes it.
HG_APT_CONF=/etc/apt/apt.conf.d/50hersh-gvisor
hg_apt_conf_write() {
	case "$HG_APT_URI$HG_KEY_URL$HG_KEY_FPR" in
	*'"'* | *\\*)
		hg_say "apt source: not recording the settings in $HG_APT_CONF:" \
			"a value holds a quote or backslash"
		return 0 ;;
	esac
	mkdir -p "${HG_APT_CONF%/*}"
	{
		echo "// Written by the hersh-gvisor package from its debconf answers;"
		echo "// change them with: dpkg-reconfigure hersh-gvisor.  Removed on purge."
		printf 'Hersh-Gvisor::URI "%s";\n' "$HG_APT_URI"
		printf 'Hersh-Gvisor::Key-URL "%s";\n' "$HG_KEY_URL"
		printf 'Hersh-Gvisor::Fingerprint "%s";\n' "$HG_KEY_FPR"
	} >"$HG_APT_CONF.hersh-new"
	if cmp -s "$HG_APT_CONF.hersh-new" "$HG_APT_CONF"; then
		rm -f "$HG_APT_CONF.hersh-new"
	else
		chmod 0644 "$HG_APT_CONF.hersh-new"
		mv -f "$HG_APT_CONF.hersh-new" "$HG_APT_CONF"
	fi
}

hg_apt_remove() {
	if [ -s "$HG_STATE/apt-source" ]; then
		hg_out=$("$HG_AS" remove 2>&1) || true
		hg_say_lines "apt source" "$hg_out"
	fi
}

# Install the key and the source (apt-source=true), or take out ours
# (apt-source=false).  Never fails: without a key no source is added and
# the summary says why.
hg_apt_source() {
	if [ "$HG_APT_SOURCE" != true ]; then
		hg_say "apt source: not added (apt-source is false)"
		hg_apt_remove
		rm -f "$HG_APT_CONF"
		return 0
	fi
	hg_apt_conf_write
	# A suite or URI changed by dpkg-reconfigure: replace our own source.
	hg_src=$(hg_our_source)
	if [ -n "$hg_src" ]; then
		hg_uri=$(printf '%s\n' "$hg_src" | cut -f 4)
		hg_suites=$(printf '%s\n' "$hg_src" | cut -f 5)
		if [ "$hg_uri" != "$HG_APT_URI" ] || [ "$hg_suites" != "$HG_APT_SUITE" ]; then
			hg_say "apt source: replacing $hg_uri $hg_suites by $HG_APT_URI $HG_APT_SUITE"
			hg_apt_remove
		fi
	fi
	set -- --uri "$HG_APT_URI" --key-url "$HG_KEY_URL" --fingerprint "$HG_KEY_FPR"
	if [ "$(hg_key_status)" = ok ]; then
		hg_say "apt source: signing key $HG_KEY_FPR already installed"
	elif hg_out=$("$HG_AS" "$@" install-key 2>&1); then
		hg_say_lines "apt source" "$hg_out"
	else
		hg_say_lines "apt source" "$hg_out"
		hg_say "apt source: not added: the signing key could not be installed from $HG_KEY_URL;" \
			"run dpkg-reconfigure hersh-gvisor to retry"
		return 0
	fi
	if hg_out=$("$HG_AS" "$@" add --suite "$HG_APT_SUITE" 2>&1); then
		hg_say_lines "apt source" "$hg_out"
	else
		hg_say_lines "apt source" "$hg_out"
		hg_say "apt source: not added"
	fi
	return 0
}

# -------------------------------------------------------------- daemon.json

# hg_dj ARGS...: run hersh-daemon-json with --exit-code; its report goes to
# the summary, errors to stderr as they are.  Sets HG_CHANGED when the file
# changed.  Returns non-zero on error.
hg_dj() {
	hg_rc=0
	hg_out=$("$HG_DJ" -c "$HG_DAEMON_JSON" --exit-code "$@") || hg_rc=$?
	case $hg_rc in
	0) ;;
	4) HG_CHANGED=1 ;;
	*) return 1 ;;
	esac
	hg_say_lines daemon.json "$hg_out"
}

# Set HG_CUR to `show runsc` (empty when absent).  Fails, with the helper's
# message, when daemon.json cannot be read.
hg_read_entry() {
	HG_CUR=
	HG_CUR_DEFAULT=
	if [ ! -e "$HG_DAEMON_JSON" ] && [ ! -L "$HG_DAEMON_JSON" ]; then
		return 0
	fi
	hg_rc=0
	HG_CUR=$("$HG_DJ" -c "$HG_DAEMON_JSON" show "$HG_NAME") || hg_rc=$?
	case $hg_rc in
	0) ;;
	3) HG_CUR= ;;
	*) return 1 ;;
	esac
	hg_rc=0
	HG_CUR_DEFAULT=$("$HG_DJ" -c "$HG_DAEMON_JSON" show --default) || hg_rc=$?
	case $hg_rc in
	0) ;;
	3) HG_CUR_DEFAULT= ;;
	*) return 1 ;;
	esac
}

# The entry in daemon.json is the one this package wrote, unchanged since.
hg_entry_is_ours() {
	[ -n "$HG_CUR" ] && [ -f "$HG_STATE/docker-runtime" ] &&
		[ "$HG_CUR" = "$(cat "$HG_STATE/docker-runtime")" ]
}

hg_record_entry() {
	mkdir -p "$HG_STATE"
	"$HG_DJ" -c "$HG_DAEMON_JSON" show "$HG_NAME" >"$HG_STATE/docker-runtime.new"
	mv -f "$HG_STATE/docker-runtime.new" "$HG_STATE/docker-runtime"
}

# The "path" of the current entry (pretty JSON from `show`), or nothing.
hg_entry_path() {
	printf '%s\n' "$HG_CUR" | sed -n 's/^  "path": "\([^"\\]*\)",\{0,1\}$/\1/p'
}

# Take out a default-runtime this package set while the entry stays.
hg_unset_default_only() {
	if [ ! -f "$HG_STATE/docker-default" ]; then
		return 0
	fi
	if [ "$HG_CUR_DEFAULT" != "$HG_NAME" ]; then
		rm -f "$HG_STATE/docker-default"
		return 0
	fi
	hg_path=$(hg_entry_path)
	if [ -z "$hg_path" ]; then
		hg_say "daemon.json: default-runtime $HG_NAME was set by this package, but the entry has changed; left as it is"
		return 0
	fi
	hg_dj add "$HG_NAME" "$hg_path" --unset-default --reload-safe || return 1
	HG_TIDY="runc"
	rm -f "$HG_STATE/docker-default"
}

# Take out what this package added to daemon.json.  $1: why.
hg_docker_takeout() {
	if [ ! -f "$HG_STATE/docker-runtime" ] && [ ! -f "$HG_STATE/docker-default" ]; then
		hg_say "Docker: nothing to take out of daemon.json ($1)"
		return 0
	fi
	hg_read_entry || return 1
	if hg_entry_is_ours; then
		hg_say "Docker: taking the $HG_NAME runtime out of daemon.json ($1)"
		hg_dj remove "$HG_NAME" --reload-safe || return 1
		if [ "$HG_CUR_DEFAULT" = "$HG_NAME" ]; then
			HG_TIDY=runc
		else
			HG_TIDY=${HG_TIDY:-yes}
		fi
		rm -f "$HG_STATE/docker-runtime" "$HG_STATE/docker-default"
		return 0
	fi
	if [ -n "$HG_CUR" ] && [ -f "$HG_STATE/docker-runtime" ]; then
		hg_say "daemon.json: the $HG_NAME runtime was edited since this package added it; left as it is"
	fi
	rm -f "$HG_STATE/docker-runtime"
	if [ -n "$HG_CUR" ]; then
		hg_unset_default_only || return 1
	else
		rm -f "$HG_STATE/docker-default"
	fi
}

# Add or update our runtime entry according to the answers.
hg_docker_add() {
	hg_read_entry || return 1
	if [ -n "$HG_CUR" ] && ! hg_entry_is_ours; then
		hg_say "daemon.json: a $HG_NAME runtime not added by this package (or edited since) is there; left as it is"
		rm -f "$HG_STATE/docker-runtime"
		if [ "$HG_DEFAULT_RUNTIME" != true ]; then
			hg_unset_default_only || return 1
		fi
		return 0
	fi
	hg_default=
	if [ "$HG_DEFAULT_RUNTIME" = true ]; then
		if [ -z "$HG_CUR_DEFAULT" ]; then
			hg_default=--set-default
		elif [ "$HG_CUR_DEFAULT" != "$HG_NAME" ]; then
			hg_say "daemon.json: default-runtime is $HG_CUR_DEFAULT, set by someone else; not changed to $HG_NAME"
		fi
	elif [ -f "$HG_STATE/docker-default" ] && [ "$HG_CUR_DEFAULT" = "$HG_NAME" ]; then
		hg_default=--unset-default
		HG_TIDY=runc
	fi

	# runtime-args, split at blanks only: no globbing, no evaluation.
	hg_oldifs=$IFS
	IFS=' 	'
	set -f
	# shellcheck disable=SC2086 # splitting is the point
	set -- $HG_RUNTIME_ARGS
	set +f
	IFS=$hg_oldifs
	hg_n=$#
	for hg_a; do
		set -- "$@" --runtime-arg "$hg_a"
	done
	shift "$hg_n"

	# Without args, drop those of our own entry (add keeps them otherwise).
	[ $# -gt 0 ] || set -- --no-runtime-args

	mkdir -p "$HG_STATE"
	if [ ! -e "$HG_DAEMON_JSON" ] && [ ! -L "$HG_DAEMON_JSON" ]; then
		[ -d "${HG_DAEMON_JSON%/*}" ] || : >"$HG_STATE/docker-dir"
		: >"$HG_STATE/docker-created"
	fi
	if [ "$hg_default" = --unset-default ]; then
		set -- "$@" --reload-safe
	fi
	hg_dj add "$HG_NAME" "$HG_RUNSC" ${hg_default:+"$hg_default"} "$@" || return 1
	hg_record_entry
	case $hg_default in
	--set-default) : >"$HG_STATE/docker-default" ;;
	--unset-default) rm -f "$HG_STATE/docker-default" ;;
	esac
	return 0
}

# postinst: bring daemon.json in line with the answers.
hg_docker_configure() {
	if [ "$HG_CONFIGURE_DOCKER" != true ]; then
		if [ -f "$HG_STATE/docker-runtime" ] || [ -f "$HG_STATE/docker-default" ]; then
			hg_docker_takeout "configure-docker is false"
		else
			hg_say "Docker: not configured (configure-docker is false)"
		fi
	elif [ ! -x "$HG_RUNSC" ]; then
		if [ -f "$HG_STATE/docker-runtime" ] || [ -f "$HG_STATE/docker-default" ]; then
			hg_docker_takeout "$HG_RUNSC is gone"
		else
			hg_say "Docker: not configured: $HG_RUNSC is not installed; the runtime is added when it is"
		fi
	else
		hg_docker_add
	fi
}

# ------------------------------------------------------------------- apply

hg_have_systemd() {
	[ -d /run/systemd/system ]
}

# The pid of the running dockerd (without systemd), checked to be dockerd.
hg_dockerd_pid() {
	hg_pid=$(cat "$HG_DOCKER_PIDFILE" 2>/dev/null) || return 1
	case $hg_pid in
	''|*[!0-9]*) return 1 ;;
	esac
	kill -0 "$hg_pid" 2>/dev/null || return 1
	hg_comm=$(cat "/proc/$hg_pid/comm" 2>/dev/null) || hg_comm=
	hg_exe=$(readlink "/proc/$hg_pid/exe" 2>/dev/null) || hg_exe=
	if [ "$hg_comm" = dockerd ] || [ "${hg_exe##*/}" = dockerd ]; then
		printf '%s\n' "$hg_pid"
	else
		return 1
	fi
}

hg_docker_running() {
	if hg_have_systemd; then
		systemctl is-active --quiet docker.service 2>/dev/null
	else
		hg_dockerd_pid >/dev/null
	fi
}

# What daemon.json now says: "present|absent DEFAULT".
hg_expected() {
	if "$HG_DJ" -c "$HG_DAEMON_JSON" show "$HG_NAME" >/dev/null 2>&1; then
		hg_exp_rt=present
	else
		hg_exp_rt=absent
	fi
	hg_exp_def=$("$HG_DJ" -c "$HG_DAEMON_JSON" show --default 2>/dev/null) || hg_exp_def=
}

# Docker's view matches daemon.json's for our runtime and the default.
hg_docker_agrees() {
	hg_rts=$(timeout 5 docker info --format '{{json .Runtimes}}' 2>/dev/null) || return 1
	hg_def=$(timeout 5 docker info --format '{{.DefaultRuntime}}' 2>/dev/null) || return 1
	case $hg_rts in
	*"\"$HG_NAME\":"*) hg_has=present ;;
	*) hg_has=absent ;;
	esac
	[ "$hg_has" = "$hg_exp_rt" ] || return 1
	if [ "$hg_exp_def" = "$HG_NAME" ]; then
		[ "$hg_def" = "$HG_NAME" ]
	else
		[ "$hg_def" != "$HG_NAME" ]
	fi
}

# Wait (bounded) until Docker lists what daemon.json says.
hg_wait_docker() {
	if ! command -v docker >/dev/null 2>&1; then
		hg_say "Docker: no docker command to confirm the change with"
		return 0
	fi
	hg_expected
	hg_end=$(($(date +%s) + HG_WAIT_SECONDS))
	while :; do
		if hg_docker_agrees; then
			if [ "$hg_exp_rt" = present ]; then
				hg_say "Docker: lists the $HG_NAME runtime${hg_exp_def:+ (default runtime: $hg_exp_def)}"
			else
				hg_say "Docker: no longer lists the $HG_NAME runtime"
			fi
			return 0
		fi
		[ "$(date +%s)" -lt "$hg_end" ] || break
		sleep 0.5
	done
	if [ "$hg_exp_rt" = present ]; then
		hg_say "Docker: did NOT pick up the $HG_NAME runtime within $HG_WAIT_SECONDS seconds;" \
			"see Docker's log (a conflicting --add-runtime flag?) and run hersh-gvisor-check"
	else
		hg_say "Docker: still lists the $HG_NAME runtime after $HG_WAIT_SECONDS seconds; see Docker's log"
	fi
	return 0
}

# Tell Docker to read daemon.json (HG_DOCKER_ACTION reload or restart).
hg_signal() {
	if hg_have_systemd; then
		deb-systemd-invoke "$HG_DOCKER_ACTION" docker.service >/dev/null 2>&1 || {
			hg_say "Docker: systemctl $HG_DOCKER_ACTION docker.service failed; see its status"
			return 1
		}
	elif [ "$HG_DOCKER_ACTION" = reload ]; then
		# Not "invoke-rc.d docker force-reload": the sysvinit script
		# restarts, killing containers.  SIGHUP is dockerd's reload.
		hg_pid=$(hg_dockerd_pid) || { hg_say "Docker: dockerd went away"; return 1; }
		kill -HUP "$hg_pid"
	else
		invoke-rc.d docker restart >/dev/null 2>&1 || {
			hg_say "Docker: invoke-rc.d docker restart failed"
			return 1
		}
	fi
}

# dockerd's reload re-reads only the keys present in daemon.json: a
# removal is written --reload-safe ("runtimes": {}, "default-runtime":
# "runc"), and once Docker has it (or will read the file afresh at its
# next start) `tidy` takes those placeholders out.
hg_tidy() {
	[ -n "$HG_TIDY" ] || return 0
	if [ "$HG_TIDY" = runc ]; then
		"$HG_DJ" -c "$HG_DAEMON_JSON" -q tidy runc || return 1
	else
		"$HG_DJ" -c "$HG_DAEMON_JSON" -q tidy || return 1
	fi
	HG_TIDY=
}

# Apply a changed daemon.json to a running Docker, then tidy up.
hg_apply() {
	hg_apply_docker
	hg_tidy
}

hg_apply_docker() {
	if [ -z "$HG_CHANGED" ]; then
		hg_say "Docker: nothing to apply (daemon.json unchanged)"
		return 0
	fi
	if [ "$HG_DOCKER_ACTION" = none ]; then
		hg_say "Docker: not reloaded (docker-action is none); the change takes effect when Docker next starts"
		return 0
	fi
	if ! hg_docker_running; then
		hg_say "Docker: not running; the change takes effect when it starts"
		return 0
	fi
	if [ -x "$HG_POLICY_RC_D" ]; then
		hg_rc=0
		"$HG_POLICY_RC_D" docker "$HG_DOCKER_ACTION" >/dev/null 2>&1 || hg_rc=$?
		case $hg_rc in
		0|104) ;;
		*)
			hg_say "Docker: not ${HG_DOCKER_ACTION}ed: policy-rc.d forbids service actions (exit $hg_rc);" \
				"the change takes effect when Docker next starts"
			return 0
			;;
		esac
	fi
	hg_signal || return 0
	hg_say "Docker: ${HG_DOCKER_ACTION}ed"
	hg_wait_docker
}

# prerm: warn about containers running under our runtime.
hg_warn_containers() {
	command -v docker >/dev/null 2>&1 || return 0
	hg_docker_running || return 0
	hg_ids=$(timeout 10 docker ps -q 2>/dev/null) || return 0
	[ -n "$hg_ids" ] || return 0
	# shellcheck disable=SC2086 # one id per word
	timeout 10 docker inspect --format '{{.HostConfig.Runtime}} {{.Name}}' $hg_ids 2>/dev/null |
		while read -r hg_rt hg_cname; do
			[ "$hg_rt" = "$HG_NAME" ] || continue
			hg_say "warning: container ${hg_cname#/} runs under $HG_NAME; it keeps running, but Docker cannot start it again once the runtime is gone"
		done
	return 0
}
