# shellcheck shell=sh
# hersh-gvisor maintainer-script library, installed as
# /usr/share/hersh-gvisor/common.sh and sourced by postinst and prerm after
# /usr/share/debconf/confmodule.  POSIX sh.
#
# With debconf loaded, standard output belongs to debconf: everything here
# writes to standard error, and helper output is captured.
#
# Every function reports failure by its exit status and checks the status
# of each step itself (`step || return 1`): callers test them in `if`, where
# `set -e` is off.
#
# State in /var/lib/hersh-gvisor/ (what this package added), each file
# written only after the change it records was made:
#   docker-runtime  `hersh-daemon-json show runsc` of the entry we wrote
#   docker-default  present when we set "default-runtime": "runsc"
#   docker-created  present when we created daemon.json
#   docker-dir      present when we created its directory
#   network-none    present when --network=none was given to the runtime
#                   because runsc is too old for the kernel (it says why)
#   daemon.json     a copy of daemon.json as this package last left it, so
#                   that a re-formatting by runsc's own package (`runsc
#                   install`) can be undone with `restore-layout`
#   apt-conf        sha256sum of /etc/apt/apt.conf.d/50hersh-gvisor as
#                   written (or accepted) by the postinst
#   apt-source      hersh-apt-source's own record (sha256sum format)
# postrm purge cannot use this file (it is gone by then) and repeats the
# purge steps inline.

HG_STATE=/var/lib/hersh-gvisor
HG_DAEMON_JSON=/etc/docker/daemon.json
HG_RUNSC=/usr/bin/runsc
HG_NAME=runsc
HG_DJ=/usr/sbin/hersh-daemon-json
HG_AS=/usr/sbin/hersh-apt-source
HG_APT_CONF=/etc/apt/apt.conf.d/50hersh-gvisor
HG_APT_METHODS=/usr/lib/apt/methods
HG_DOCKER_PIDFILE=/var/run/docker.pid
HG_DOCKER_UNIT=docker.service
HG_DOCKER_LOG=/var/log/docker.log
HG_DOCKERD_BINS="/usr/sbin/dockerd /usr/bin/dockerd"
HG_POLICY_RC_D=/usr/sbin/policy-rc.d
HG_SYSTEMD_DIR=/run/systemd/system
HG_WAIT_SECONDS=15
# gVisor's fix for issue 10704 (sandbox networking on Linux >= 6.11).
HG_RUNSC_FIXED=20240807

# Upstream defaults of the apt questions (as in the templates), used when
# an answer is not valid.
HG_DEF_SUITE=release
HG_DEF_URI=https://storage.googleapis.com/gvisor/releases
HG_DEF_KEY_URL=https://gvisor.dev/archive.key
HG_DEF_FPR=6F1DF85E3A71C24918E727D56FC6D554E32BD943

HG_TAB=$(printf '\t')

HG_CHANGED=
HG_TIDY=
HG_CONFIRMED=
HG_DOCKER_DOWN=
HG_EXP_RT=
HG_EXP_LINE=
HG_NEXT=

hg_say() {
	printf 'hersh-gvisor: %s\n' "$*" >&2
}

# hg_say_lines TOPIC TEXT: every line of TEXT, as "TOPIC: line".
hg_say_lines() {
	printf '%s\n' "$2" | while IFS= read -r hg_l; do
		[ -z "$hg_l" ] || hg_say "$1: $hg_l"
	done
}

# ------------------------------------------------------------ validation
# BEGIN validate: copied into the debconf config script at build time
# (debian/rules), so that both check answers by the same rules.  Each
# hg_valid_* returns non-zero with the reason in HG_WHY.
HG_NL='
'

# hg_no_bad_chars VALUE: printable ASCII (0x21-0x7e) without the characters
# apt or a URI cannot take literally.
hg_no_bad_chars() {
	case $1 in
	*"$HG_NL"*) HG_WHY="it holds a line break"; return 1 ;;
	esac
	if printf '%s' "$1" | LC_ALL=C grep -q '[^!-~]'; then
		HG_WHY="it holds a space, a control character or a non-ASCII character"
		return 1
	fi
	case $1 in
	*'#'* | *'['* | *']'* | *'"'* | *'\'* | *"'"* | *'<'* | *'>'* | *'{'* | *'}'* | *'|'* | *'^'* | *'`'*)
		HG_WHY="it holds one of the characters # [ ] \" \\ ' < > { } | ^ \`"
		return 1 ;;
	esac
	return 0
}

# hg_uri_host_ok SCHEME REST: a network scheme needs a host.
hg_uri_host_ok() {
	case $1 in
	file | copy | mirror+file) return 0 ;;
	esac
	case $2 in
	'' | /*)
		HG_WHY="no host after $1://"
		return 1 ;;
	esac
	return 0
}

# hg_valid_uri URI: a repository URI apt can use: SCHEME://REST with a
# scheme apt has a method for here.
hg_valid_uri() {
	[ -n "$1" ] || { HG_WHY="it is empty"; return 1; }
	hg_no_bad_chars "$1" || return 1
	case $1 in
	*://*) ;;
	*) HG_WHY="it is not of the form SCHEME://..."; return 1 ;;
	esac
	hg_scheme=${1%%://*}
	case $hg_scheme in
	http | https | file | copy | mirror | mirror+http | mirror+https | mirror+file | tor+http | tor+https) ;;
	*)
		HG_WHY="scheme '$hg_scheme' is not one of http, https, file, copy, mirror, mirror+http, mirror+https, mirror+file, tor+http, tor+https"
		return 1 ;;
	esac
	hg_method=${hg_scheme%%+*}
	if [ ! -e "$HG_APT_METHODS/$hg_method" ]; then
		HG_WHY="apt has no '$hg_method' method here ($HG_APT_METHODS/$hg_method is missing)"
		return 1
	fi
	hg_uri_host_ok "$hg_scheme" "${1#*://}"
}

# hg_valid_key_url URL: where the key is fetched: http, https or file.
hg_valid_key_url() {
	[ -n "$1" ] || { HG_WHY="it is empty"; return 1; }
	hg_no_bad_chars "$1" || return 1
	case $1 in
	http://* | https://* | file://*) ;;
	*) HG_WHY="it does not start with http://, https:// or file://"; return 1 ;;
	esac
	hg_uri_host_ok "${1%%://*}" "${1#*://}"
}

# hg_fpr_normal FPR: the fingerprint without spaces and 0x, upper case.
hg_fpr_normal() {
	hg_f=$(printf '%s' "$1" | tr -d ' ' | tr 'abcdef' 'ABCDEF')
	case $hg_f in
	0x* | 0X*) hg_f=${hg_f#??} ;;
	esac
	printf '%s\n' "$hg_f"
}

# hg_valid_fpr FPR: 40 or 64 hexadecimal digits (spaces and 0x allowed).
hg_valid_fpr() {
	hg_f=$(hg_fpr_normal "$1")
	if [ -z "$hg_f" ] || ! printf '%s\n' "$hg_f" | LC_ALL=C grep -qx '[0-9A-F]*'; then
		HG_WHY="it is not hexadecimal digits"
		return 1
	fi
	case ${#hg_f} in
	40 | 64) return 0 ;;
	esac
	HG_WHY="it has ${#hg_f} hexadecimal digits, not 40 or 64"
	return 1
}

# hg_valid_runtime_args ARGS: runsc flags split at blanks.  Docker passes
# a runtime's runtimeArgs through /bin/sh (a wrapper script it writes), so
# shell syntax in them would be run by Docker: only plain characters.
hg_valid_runtime_args() {
	if printf '%s' "$1" | LC_ALL=C grep -q '[^-A-Za-z0-9_=,./:@%+ 	]'; then
		HG_WHY="it holds a character other than letters, digits, blanks and - _ = , . / : @ % + (Docker passes these flags through /bin/sh)"
		return 1
	fi
	case $1 in
	*"$HG_NL"*) HG_WHY="it holds a line break"; return 1 ;;
	esac
	return 0
}

# hg_valid_suite SUITE: release, nightly, master or a date yyyymmdd
# (2018 or later) that exists.
hg_valid_suite() {
	case $1 in
	release | nightly | master) return 0 ;;
	[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
	*)
		HG_WHY="it is not release, nightly, master or a date yyyymmdd"
		return 1 ;;
	esac
	hg_y=${1%????}
	hg_m=${1#????}
	hg_m=${hg_m%??}
	hg_m=${hg_m#0}
	hg_d=${1#??????}
	hg_d=${hg_d#0}
	hg_days=31
	case $hg_m in
	4 | 6 | 9 | 11) hg_days=30 ;;
	2)
		hg_days=28
		if [ $((hg_y % 4)) -eq 0 ] && { [ $((hg_y % 100)) -ne 0 ] || [ $((hg_y % 400)) -eq 0 ]; }; then
			hg_days=29
		fi ;;
	esac
	if [ "$hg_y" -lt 2018 ] || [ "$hg_m" -lt 1 ] || [ "$hg_m" -gt 12 ] ||
		[ "$hg_d" -lt 1 ] || [ "$hg_d" -gt "$hg_days" ]; then
		HG_WHY="it is not a date that exists, from 2018 on (yyyymmdd)"
		return 1
	fi
	return 0
}
# hg_apt_conf_values: the repository URI, key URL and fingerprint as APT
# reads them (50hersh-gvisor, or whatever overrides it), one a line.
hg_apt_conf_values() {
	hg_vals=$(apt-config dump 2>/dev/null) || return 1
	for hg_k in URI Key-URL Fingerprint; do
		printf '%s\n' "$hg_vals" | sed -n "s/^Hersh-Gvisor::$hg_k \"\\(.*\\)\";\$/\\1/Ip" | tail -n 1
	done
}
# END validate

# ---------------------------------------------------------------- answers

# hg_get QUESTION DEFAULT: HG_VAL is the answer (DEFAULT when debconf has
# none, as for a question an older version did not know).
hg_get() {
	# shellcheck disable=SC2154 # RET is set by db_get
	if db_get "hersh-gvisor/$1" 2>/dev/null; then
		HG_VAL=$RET
	else
		HG_VAL=$2
	fi
}

# hg_checked QUESTION VALIDATOR DEFAULT: HG_VAL is the answer when it is
# valid, else DEFAULT (and the summary says why).
hg_checked() {
	hg_get "$1" "$3"
	if ! "$2" "$HG_VAL"; then
		hg_say "warning: $1 '$HG_VAL' is not valid: $HG_WHY; using the default ${3:-(none)} (dpkg-reconfigure hersh-gvisor to change it)"
		HG_VAL=$3
	fi
}

# Read the answers (confmodule must be loaded).
hg_read_debconf() {
	hg_get configure-docker true; HG_CONFIGURE_DOCKER=$HG_VAL
	hg_get default-runtime false; HG_DEFAULT_RUNTIME=$HG_VAL
	hg_checked runtime-args hg_valid_runtime_args ''; HG_RUNTIME_ARGS=$HG_VAL
	hg_get docker-action reload; HG_DOCKER_ACTION=$HG_VAL
	hg_get apt-source true; HG_APT_SOURCE=$HG_VAL
	hg_get apt-pin true; HG_APT_PIN=$HG_VAL
	hg_checked apt-suite hg_valid_suite "$HG_DEF_SUITE"; HG_APT_SUITE=$HG_VAL
	hg_checked apt-uri hg_valid_uri "$HG_DEF_URI"; HG_APT_URI=$HG_VAL
	hg_checked key-url hg_valid_key_url "$HG_DEF_KEY_URL"; HG_KEY_URL=$HG_VAL
	hg_checked key-fingerprint hg_valid_fpr "$HG_DEF_FPR"
	HG_KEY_FPR=$(hg_fpr_normal "$HG_VAL")
	case $HG_DOCKER_ACTION in
	reload | restart | none) ;;
	*)
		hg_say "docker-action '$HG_DOCKER_ACTION' is not reload, restart or none; using reload"
		HG_DOCKER_ACTION=reload
		;;
	esac
}

# The summary's last lines: the check, then the step that is still to do.
hg_done() {
	hg_say "run hersh-gvisor-check to verify the setup"
	if [ -n "$HG_NEXT" ]; then
		hg_say "next step: $HG_NEXT"
	fi
}

# hg_state_put NAME [CONTENT]: write a state file (atomically).
hg_state_put() {
	mkdir -p "$HG_STATE" || return 1
	printf '%s' "${2:-}" >"$HG_STATE/$1.new" || return 1
	mv -f "$HG_STATE/$1.new" "$HG_STATE/$1" || return 1
}

# hg_trusted_file PATH [file]: PATH is a regular file owned by root and not
# writable by group or others; unless the second argument is "file", so is
# every directory above it (symlinks resolved).
hg_trusted_file() {
	if [ "${2:-}" = file ]; then
		hg_t=$1
	else
		hg_t=$(readlink -f -- "$1") || return 1
	fi
	[ -f "$hg_t" ] || return 1
	while :; do
		hg_st=$(stat -L -c '%u %a' -- "$hg_t") || return 1
		[ "${hg_st%% *}" = 0 ] || return 1
		[ $((0${hg_st#* } & 022)) -eq 0 ] || return 1
		[ "${2:-}" != file ] || return 0
		[ "$hg_t" != / ] || return 0
		hg_t=$(dirname -- "$hg_t") || return 1
	done
}

# ---------------------------------------------------------------- apt source

# hg_as ARGS...: hersh-apt-source with the chosen repository, key URL and
# fingerprint.
hg_as() {
	"$HG_AS" --uri "$HG_APT_URI" --key-url "$HG_KEY_URL" --fingerprint "$HG_KEY_FPR" "$@"
}

# The status (ok|missing|mismatch|...) of the gVisor keyring, from `show`.
hg_key_status() {
	hg_as show 2>/dev/null | while IFS=$HG_TAB read -r hg_kind hg_path hg_status hg_rest; do
		if [ "$hg_kind" = keyring ]; then
			printf '%s\n' "$hg_status"
			break
		fi
	done
}

# hg_recorded PATH: PATH is in hersh-apt-source's record of what it created.
hg_recorded() {
	[ -s "$HG_STATE/apt-source" ] || return 1
	while IFS= read -r hg_line; do
		hg_line=${hg_line#* }
		[ "${hg_line#[ *]}" != "$1" ] || return 0
	done <"$HG_STATE/apt-source"
	return 1
}

# Our gVisor source line of `show` (source FILE FORMAT URI SUITES ...), when
# its file is one hersh-apt-source recorded as created by it; also a pin
# line of a recorded pin file.
hg_our_source() {
	hg_as show 2>/dev/null | while IFS=$HG_TAB read -r hg_kind hg_file hg_rest; do
		case $hg_kind in
		source | pin) ;;
		*) continue ;;
		esac
		if hg_recorded "$hg_file"; then
			printf '%s\t%s\t%s\n' "$hg_kind" "$hg_file" "$hg_rest"
		fi
	done
}

# hg_apt_conf_text: the APT settings the answers make (see hg_apt_conf).
hg_apt_conf_text() {
	echo "// Written by the hersh-gvisor package from its debconf answers;"
	echo "// edits here are read back into them.  Removed on purge."
	printf 'Hersh-Gvisor::URI "%s";\n' "$HG_APT_URI"
	printf 'Hersh-Gvisor::Key-URL "%s";\n' "$HG_KEY_URL"
	printf 'Hersh-Gvisor::Fingerprint "%s";\n' "$HG_KEY_FPR"
}

# The repository, key URL and fingerprint the admin chose, as APT
# configuration that hersh-apt-source (and so hersh-gvisor-check) reads:
# a mirror is then what `show` looks for, not upstream.  A file that
# already says the same (an admin's edit, read back into debconf by the
# config script) is kept as it is.  Purge removes it.
hg_apt_conf() {
	hg_new=$(hg_apt_conf_text)
	if [ -f "$HG_APT_CONF" ]; then
		hg_have=$(hg_apt_conf_values) || hg_have=
		if [ "$hg_have" = "$(printf '%s\n%s\n%s' "$HG_APT_URI" "$HG_KEY_URL" "$HG_KEY_FPR")" ]; then
			hg_sum=$(sha256sum <"$HG_APT_CONF") || return 1
			hg_state_put apt-conf "$hg_sum" || return 1
			return 0
		fi
	fi
	mkdir -p "${HG_APT_CONF%/*}" || return 1
	printf '%s\n' "$hg_new" >"$HG_APT_CONF.hersh-new" || return 1
	chmod 0644 "$HG_APT_CONF.hersh-new" || return 1
	mv -f "$HG_APT_CONF.hersh-new" "$HG_APT_CONF" || return 1
	hg_sum=$(sha256sum <"$HG_APT_CONF") || return 1
	hg_state_put apt-conf "$hg_sum" || return 1
	hg_say "apt source: recorded the repository settings in $HG_APT_CONF"
}

hg_apt_remove() {
	if [ -s "$HG_STATE/apt-source" ]; then
		hg_out=$("$HG_AS" remove 2>&1) || true
		hg_say_lines "apt source" "$hg_out"
	fi
}

# hersh-apt-source add takes --no-pin (an older one never pins).
hg_as_knows_no_pin() {
	"$HG_AS" --help 2>&1 | grep -q -e '--no-pin'
}

# hg_apt_source_stale: our own source (or its pin) is not what the answers
# say: another URI or suite, or a pin present while apt-pin is false (or
# missing while it is true).
hg_apt_source_stale() {
	hg_src=$(hg_our_source)
	[ -n "$hg_src" ] || return 1
	hg_line=$(printf '%s\n' "$hg_src" | grep '^source' | head -n 1)
	if [ -n "$hg_line" ]; then
		hg_uri=$(printf '%s\n' "$hg_line" | cut -f 4)
		hg_suites=$(printf '%s\n' "$hg_line" | cut -f 5)
		if [ "$hg_uri" != "$HG_APT_URI" ] || [ "$hg_suites" != "$HG_APT_SUITE" ]; then
			hg_say "apt source: replacing $hg_uri $hg_suites by $HG_APT_URI $HG_APT_SUITE"
			return 0
		fi
	fi
	hg_as_knows_no_pin || return 1
	if printf '%s\n' "$hg_src" | grep -q "^pin${HG_TAB}[^${HG_TAB}]*${HG_TAB}\\(ok\\|changed\\)"; then
		hg_pinned=true
	else
		hg_pinned=false
	fi
	if [ -n "$hg_line" ] && [ "$hg_pinned" != "$HG_APT_PIN" ]; then
		hg_say "apt source: apt-pin is now $HG_APT_PIN; writing the source again"
		return 0
	fi
	return 1
}

# Install the key and the source (apt-source=true), or take out ours
# (apt-source=false).  Never fails: without a key no source is added and
# the summary says why.
hg_apt_source() {
	if [ "$HG_APT_SOURCE" != true ]; then
		hg_say "apt source: not added (apt-source is false)"
		hg_apt_remove
		rm -f "$HG_APT_CONF" "$HG_STATE/apt-conf" || true
		return 0
	fi
	hg_apt_conf || hg_say "apt source: could not write $HG_APT_CONF"
	if hg_apt_source_stale; then
		hg_apt_remove
	fi
	if [ "$(hg_key_status)" = ok ]; then
		hg_say "apt source: signing key $HG_KEY_FPR already installed"
	elif hg_out=$(hg_as install-key 2>&1); then
		hg_say_lines "apt source" "$hg_out"
	else
		hg_say_lines "apt source" "$hg_out"
		hg_say "apt source: not added: the signing key could not be installed from $HG_KEY_URL;" \
			"run dpkg-reconfigure hersh-gvisor to retry"
		return 0
	fi
	set -- add --suite "$HG_APT_SUITE"
	if [ "$HG_APT_PIN" != true ]; then
		if hg_as_knows_no_pin; then
			set -- "$@" --no-pin
		fi
	fi
	if hg_out=$(hg_as "$@" 2>&1); then
		hg_say_lines "apt source" "$hg_out"
	else
		hg_say_lines "apt source" "$hg_out"
		hg_say "apt source: not added"
	fi
	return 0
}

# A gVisor source is configured (ours or anyone's).
hg_apt_source_present() {
	hg_as show 2>/dev/null | grep -q '^source'
}

# -------------------------------------------------------------------- runsc

# hg_release_date VERSION: the gVisor release date yyyymmdd in a version
# ("0.0~20221219.0-2", "release-20240807.0", "20250101.0"), or nothing.
hg_release_date() {
	printf '%s\n' "$1" | sed -n 's/^\(.*[^0-9]\)\{0,1\}\(20[0-9]\{6\}\)\..*/\2/p' | head -n 1
}

# HG_RUNSC_DATE: the release date of the installed runsc (yyyymmdd), from
# `runsc --version` ("0.0~20221219.0", "release-20240807.0"), else from
# its package version; empty when unknown.
hg_runsc_date() {
	HG_RUNSC_DATE=
	HG_RUNSC_VERSION=
	if hg_trusted_file "$HG_RUNSC"; then
		HG_RUNSC_VERSION=$(timeout 10 "$HG_RUNSC" --version 2>/dev/null | head -n 1) || HG_RUNSC_VERSION=
	fi
	case $HG_RUNSC_VERSION in
	"runsc version "*) HG_RUNSC_DATE=$(hg_release_date "$HG_RUNSC_VERSION") ;;
	esac
	if [ -z "$HG_RUNSC_DATE" ]; then
		hg_pv=$(dpkg-query -W -f '${Version}' runsc 2>/dev/null) || hg_pv=
		HG_RUNSC_DATE=$(hg_release_date "$hg_pv")
		[ -n "$HG_RUNSC_VERSION" ] || HG_RUNSC_VERSION="runsc $hg_pv"
	fi
}

# The kernel is Linux 6.11 or later (where runsc before 20240807 cannot set
# up sandbox networking: gVisor issue 10704).
hg_kernel_needs_fix() {
	hg_rel=$(uname -r) || return 1
	hg_major=${hg_rel%%.*}
	hg_minor=${hg_rel#*.}
	hg_minor=${hg_minor%%[!0-9]*}
	case $hg_major$hg_minor in
	'' | *[!0-9]*) return 1 ;;
	esac
	[ "$hg_major" -gt 6 ] || { [ "$hg_major" -eq 6 ] && [ "$hg_minor" -ge 11 ]; }
}

# The installed runsc cannot start a container with sandbox networking on
# this kernel.
hg_runsc_too_old() {
	hg_runsc_date
	[ -n "$HG_RUNSC_DATE" ] && [ "$HG_RUNSC_DATE" -lt "$HG_RUNSC_FIXED" ] && hg_kernel_needs_fix
}

# HG_NEXT: the command that brings a runsc that works here.
hg_next_runsc() {
	if hg_apt_source_present; then
		HG_NEXT="apt update && apt upgrade    (brings gVisor's current runsc from the gVisor repository)"
	else
		HG_NEXT="add the gVisor repository (dpkg-reconfigure hersh-gvisor, apt-source yes), then: apt update && apt install runsc"
	fi
}

# ------------------------------------------------------------- daemon.json

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

hg_daemon_json_exists() {
	[ -e "$HG_DAEMON_JSON" ] || [ -L "$HG_DAEMON_JSON" ]
}

# Set HG_CUR to `show runsc` (empty when absent) and HG_CUR_DEFAULT to the
# default runtime.  Fails, with the helper's message, when daemon.json
# cannot be read.
hg_read_entry() {
	HG_CUR=
	HG_CUR_DEFAULT=
	hg_daemon_json_exists || return 0
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

# The entry is exactly what `runsc install` writes (the runsc package's
# postinst does): the path to runsc and nothing else.
hg_entry_is_upstream_default() {
	[ "$HG_CUR" = "$(printf '{\n  "path": "%s"\n}' "$HG_RUNSC")" ]
}

hg_record_entry() {
	hg_entry=$("$HG_DJ" -c "$HG_DAEMON_JSON" show "$HG_NAME") || return 1
	hg_state_put docker-runtime "$hg_entry
" || return 1
}

# The "path" of the current entry (pretty JSON from `show`), or nothing.
hg_entry_path() {
	printf '%s\n' "$HG_CUR" | sed -n 's/^  "path": "\([^"\\]*\)",\{0,1\}$/\1/p'
}

# hg_remember_file: keep a copy of daemon.json as this package leaves it
# (see restore-layout), while it manages Docker's configuration.
hg_remember_file() {
	if [ "$HG_CONFIGURE_DOCKER" != true ] || ! hg_daemon_json_exists; then
		rm -f "$HG_STATE/daemon.json" || return 1
		return 0
	fi
	mkdir -p "$HG_STATE" || return 1
	(umask 077 && cat "$HG_DAEMON_JSON" >"$HG_STATE/daemon.json.new") || return 1
	mv -f "$HG_STATE/daemon.json.new" "$HG_STATE/daemon.json" || return 1
}

# runsc's own package runs `runsc install` on every install and upgrade,
# which rewrites daemon.json in Go's layout (keys sorted, 4-space indent,
# numbers respelled) and may add a bare runsc entry.  When the content is
# otherwise what this package last left, put the admin's bytes back.
hg_restore_layout() {
	[ "$HG_CONFIGURE_DOCKER" = true ] || return 0
	[ -f "$HG_STATE/daemon.json" ] || return 0
	hg_daemon_json_exists || return 0
	if cmp -s "$HG_STATE/daemon.json" "$HG_DAEMON_JSON"; then
		return 0
	fi
	hg_had=yes
	"$HG_DJ" -c "$HG_STATE/daemon.json" show "$HG_NAME" >/dev/null 2>&1 || hg_had=
	hg_rc=0
	hg_out=$("$HG_DJ" -c "$HG_DAEMON_JSON" --exit-code restore-layout "$HG_STATE/daemon.json" \
		--upstream-entry "$HG_NAME" "$HG_RUNSC" 2>&1) || hg_rc=$?
	case $hg_rc in
	0) return 0 ;;
	4)
		hg_say "daemon.json: re-formatted since this package last wrote it (by runsc's package: runsc install);" \
			"the administrator's layout was put back"
		if [ -z "$hg_had" ]; then
			# Docker may not know the runtime runsc's package added.
			HG_CHANGED=1
		fi
		return 0 ;;
	5)
		hg_say "daemon.json: changed since this package last wrote it (not only re-formatted); kept as it is"
		return 0 ;;
	2)
		# A hersh-daemon-json without restore-layout.
		return 0 ;;
	esac
	printf '%s\n' "$hg_out" >&2
	return 1
}

# Take out a default-runtime this package set while the entry stays.
hg_unset_default_only() {
	if [ ! -f "$HG_STATE/docker-default" ]; then
		return 0
	fi
	if [ "$HG_CUR_DEFAULT" != "$HG_NAME" ]; then
		rm -f "$HG_STATE/docker-default" || return 1
		return 0
	fi
	hg_path=$(hg_entry_path)
	if [ -z "$hg_path" ]; then
		hg_say "daemon.json: default-runtime $HG_NAME was set by this package, but the entry has changed; left as it is"
		return 0
	fi
	hg_dj add "$HG_NAME" "$hg_path" --unset-default --reload-safe || return 1
	HG_TIDY=runc
	rm -f "$HG_STATE/docker-default" || return 1
}

# Take out what this package added to daemon.json.  $1: why.
hg_docker_takeout() {
	HG_EXP_RT=
	if [ ! -f "$HG_STATE/docker-runtime" ] && [ ! -f "$HG_STATE/docker-default" ]; then
		hg_say "Docker: nothing to take out of daemon.json ($1)"
		return 0
	fi
	hg_read_entry || return 1
	if hg_entry_is_ours; then
		hg_say "Docker: taking the $HG_NAME runtime out of daemon.json ($1)"
		hg_dj remove "$HG_NAME" --reload-safe || return 1
		HG_EXP_RT=absent
		if [ "$HG_CUR_DEFAULT" = "$HG_NAME" ]; then
			HG_TIDY=runc
		else
			HG_TIDY=${HG_TIDY:-yes}
		fi
		rm -f "$HG_STATE/docker-runtime" "$HG_STATE/docker-default" "$HG_STATE/network-none" || return 1
		return 0
	fi
	if [ -n "$HG_CUR" ] && [ -f "$HG_STATE/docker-runtime" ]; then
		hg_say "daemon.json: the $HG_NAME runtime was edited since this package added it; left as it is"
	fi
	rm -f "$HG_STATE/docker-runtime" "$HG_STATE/network-none" || return 1
	if [ -n "$HG_CUR" ]; then
		hg_unset_default_only || return 1
	else
		rm -f "$HG_STATE/docker-default" || return 1
	fi
}

# hg_runtime_args: HG_ARGS, the runsc flags to write (space-separated):
# the answer, or --network=none for a runsc too old for this kernel.
hg_runtime_args() {
	HG_ARGS=$HG_RUNTIME_ARGS
	HG_NETNONE=
	if hg_runsc_too_old; then
		hg_next_runsc
		if [ -z "$HG_ARGS" ]; then
			HG_ARGS=--network=none
			HG_NETNONE=1
			hg_say "runsc: $HG_RUNSC_VERSION predates gVisor's fix for Linux $(uname -r) (release $HG_RUNSC_FIXED," \
				"issue 10704): the runtime gets --network=none so containers start;" \
				"networking in the sandbox is off until runsc is upgraded"
		else
			case " $HG_ARGS " in
			*" --network=none "*) ;;
			*)
				hg_say "warning: runsc: $HG_RUNSC_VERSION predates gVisor's fix for Linux $(uname -r)" \
					"(release $HG_RUNSC_FIXED, issue 10704): containers under it fail to start" \
					"unless runtime-args has --network=none" ;;
			esac
		fi
	elif [ -f "$HG_STATE/network-none" ]; then
		hg_say "runsc: $HG_RUNSC_VERSION has gVisor's fix for this kernel: --network=none," \
			"added for the older runsc, is taken out again"
	fi
}

# Add or update our runtime entry according to the answers.
hg_docker_add() {
	HG_EXP_RT=
	hg_read_entry || return 1
	if [ -n "$HG_CUR" ] && ! hg_entry_is_ours; then
		if hg_entry_is_upstream_default; then
			hg_say "daemon.json: the $HG_NAME entry is the one runsc's own package writes (runsc install);" \
				"this package manages it from now on"
		else
			hg_say "daemon.json: a $HG_NAME runtime not added by this package (or edited since) is there; left as it is"
			HG_EXP_RT=foreign
			rm -f "$HG_STATE/docker-runtime" "$HG_STATE/network-none" || return 1
			if [ "$HG_DEFAULT_RUNTIME" != true ]; then
				hg_unset_default_only || return 1
			fi
			return 0
		fi
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

	hg_runtime_args
	# runtime args, split at blanks only: no globbing, no evaluation.
	hg_oldifs=$IFS
	IFS=' 	'
	set -f
	# shellcheck disable=SC2086 # splitting is the point
	set -- $HG_ARGS
	set +f
	IFS=$hg_oldifs
	HG_EXP_LINE=$HG_RUNSC
	hg_n=$#
	for hg_a; do
		set -- "$@" --runtime-arg "$hg_a"
		HG_EXP_LINE="$HG_EXP_LINE $hg_a"
	done
	shift "$hg_n"

	# Without args, drop those of our own entry (add keeps them otherwise).
	[ $# -gt 0 ] || set -- --no-runtime-args

	hg_created=
	hg_dir_created=
	if ! hg_daemon_json_exists; then
		hg_created=1
		[ -d "${HG_DAEMON_JSON%/*}" ] || hg_dir_created=1
	fi
	if [ "$hg_default" = --unset-default ]; then
		set -- "$@" --reload-safe
	fi
	# The record must be writable before the file is edited: an entry
	# written but not recorded would later count as someone else's.
	hg_state_put .probe || return 1
	rm -f "$HG_STATE/.probe" || return 1
	hg_dj add "$HG_NAME" "$HG_RUNSC" ${hg_default:+"$hg_default"} "$@" || return 1
	HG_EXP_RT=ours
	# What was done is recorded only now that it is done.
	if [ -n "$hg_dir_created" ]; then
		hg_state_put docker-dir || return 1
	fi
	if [ -n "$hg_created" ]; then
		hg_state_put docker-created || return 1
	fi
	hg_record_entry || return 1
	case $hg_default in
	--set-default) hg_state_put docker-default || return 1 ;;
	--unset-default) rm -f "$HG_STATE/docker-default" || return 1 ;;
	esac
	if [ -n "$HG_NETNONE" ]; then
		hg_state_put network-none "runsc $HG_RUNSC_DATE predates $HG_RUNSC_FIXED on Linux $(uname -r)
" || return 1
	else
		rm -f "$HG_STATE/network-none" || return 1
	fi
	return 0
}

# postinst: bring daemon.json in line with the answers.
hg_docker_configure() {
	hg_restore_layout || return 1
	if [ "$HG_CONFIGURE_DOCKER" != true ]; then
		if [ -f "$HG_STATE/docker-runtime" ] || [ -f "$HG_STATE/docker-default" ]; then
			hg_docker_takeout "configure-docker is false" || return 1
		else
			hg_say "Docker: not configured (configure-docker is false)"
		fi
	elif [ ! -x "$HG_RUNSC" ]; then
		if [ -f "$HG_STATE/docker-runtime" ] || [ -f "$HG_STATE/docker-default" ]; then
			hg_docker_takeout "$HG_RUNSC is gone" || return 1
		else
			hg_say "Docker: not configured: $HG_RUNSC is not installed; the runtime is added when it is"
		fi
		if hg_apt_source_present; then
			HG_NEXT="apt update && apt install runsc"
		else
			HG_NEXT="apt install runsc"
		fi
	else
		hg_docker_add || return 1
	fi
	return 0
}

# ------------------------------------------------------------------- apply

hg_have_systemd() {
	[ -d "$HG_SYSTEMD_DIR" ]
}

# hg_trusted_dockerd PID: PID is a dockerd run by root from a root-owned
# binary (a process any user can start under that name does not count).
hg_trusted_dockerd() {
	case $1 in
	'' | 0 | *[!0-9]*) return 1 ;;
	esac
	hg_uid=$(stat -c %u "/proc/$1" 2>/dev/null) || return 1
	[ "$hg_uid" = 0 ] || return 1
	hg_exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	hg_exe=${hg_exe% (deleted)}
	[ "${hg_exe##*/}" = dockerd ] || return 1
	hg_trusted_file "/proc/$1/exe" file
}

# The pid of the running dockerd: the unit's MainPID under systemd, else
# the one its pidfile names; checked to be a root-owned dockerd.
hg_dockerd_pid() {
	if hg_have_systemd; then
		hg_pid=$(systemctl show -p MainPID --value "$HG_DOCKER_UNIT" 2>/dev/null) || return 1
	else
		hg_pid=$(cat "$HG_DOCKER_PIDFILE" 2>/dev/null) || return 1
	fi
	hg_trusted_dockerd "$hg_pid" || return 1
	printf '%s\n' "$hg_pid"
}

hg_docker_running() {
	if hg_have_systemd; then
		systemctl is-active --quiet "$HG_DOCKER_UNIT" 2>/dev/null
	else
		hg_dockerd_pid >/dev/null
	fi
}

# hg_dockerd_binary: the dockerd that runs (or would run), for --validate.
hg_dockerd_binary() {
	if hg_pid=$(hg_dockerd_pid); then
		printf '/proc/%s/exe\n' "$hg_pid"
		return 0
	fi
	for hg_b in $HG_DOCKERD_BINS; do
		if hg_trusted_file "$hg_b"; then
			printf '%s\n' "$hg_b"
			return 0
		fi
	done
	return 1
}

# Docker's own word on the file, where dockerd has --validate (Docker 23
# and later).  Fails, after printing Docker's words, when Docker refuses it.
hg_docker_validate() {
	hg_bin=$(hg_dockerd_binary) || return 0
	hg_rc=0
	hg_out=$(timeout 30 "$hg_bin" --validate --config-file "$HG_DAEMON_JSON" 2>&1) || hg_rc=$?
	if [ "$hg_rc" -eq 0 ]; then
		hg_say "Docker: dockerd --validate accepts $HG_DAEMON_JSON"
		return 0
	fi
	case $hg_out in
	*"unknown flag"*) return 0 ;;	# older than Docker 23
	esac
	hg_say "Docker: dockerd --validate refuses $HG_DAEMON_JSON:"
	hg_say_lines "Docker" "$hg_out"
	hg_say "Docker: not reloaded: it would not take this file." \
		"The edit stays; fix $HG_DAEMON_JSON, then run: dpkg-reconfigure hersh-gvisor"
	return 1
}

# ---- Docker's log, to hear what it made of the reload

# hg_log_mark PID: remember where Docker's log ends now.  Sets HG_LOG to
# journal, file or nothing.
hg_log_mark() {
	HG_LOG=
	HG_LOG_FILE=
	if hg_have_systemd && command -v journalctl >/dev/null 2>&1; then
		HG_LOG_CURSOR=$(journalctl -u "$HG_DOCKER_UNIT" -n 0 --show-cursor -q --no-pager 2>/dev/null |
			sed -n 's/^-- cursor: //p')
		HG_LOG_SINCE=$(date +%s)
		HG_LOG="journal"
		return 0
	fi
	# The file dockerd's standard error goes to (the sysvinit script's
	# /var/log/docker.log, or where its starter put it).
	if [ -n "${1:-}" ] && [ -f "/proc/$1/fd/2" ]; then
		HG_LOG_FILE=/proc/$1/fd/2
		HG_LOG_NAME=$(readlink "/proc/$1/fd/2") || HG_LOG_NAME=$HG_LOG_FILE
	elif hg_trusted_file "$HG_DOCKER_LOG" file; then
		HG_LOG_FILE=$HG_DOCKER_LOG
		HG_LOG_NAME=$HG_DOCKER_LOG
	else
		return 0
	fi
	HG_LOG_OFF=$(stat -L -c %s "$HG_LOG_FILE" 2>/dev/null) || return 0
	HG_LOG="file"
}

# What Docker logged since hg_log_mark.
hg_log_since() {
	case $HG_LOG in
	journal)
		if [ -n "$HG_LOG_CURSOR" ]; then
			journalctl -u "$HG_DOCKER_UNIT" --after-cursor="$HG_LOG_CURSOR" -o cat -q --no-pager 2>/dev/null
		else
			journalctl -u "$HG_DOCKER_UNIT" --since="@$HG_LOG_SINCE" -o cat -q --no-pager 2>/dev/null
		fi ;;
	file)
		tail -c +"$((HG_LOG_OFF + 1))" "$HG_LOG_FILE" 2>/dev/null ;;
	esac
	return 0
}

hg_log_where() {
	case $HG_LOG in
	journal) printf 'journalctl -u %s\n' "$HG_DOCKER_UNIT" ;;
	file) printf '%s\n' "$HG_LOG_NAME" ;;
	*) printf 'its log\n' ;;
	esac
}

# Docker's error lines in the log since the mark.
hg_log_errors() {
	hg_log_since | grep -E 'level=(error|fatal)|unable to configure|Error reconfiguring' | tail -n 5
}

# ---- what Docker says it runs

# What daemon.json now says for the default runtime (HG_EXP_DEF); the
# runtime's expectation (HG_EXP_RT, HG_EXP_LINE) was set by the edit.
hg_expected() {
	hg_rc=0
	HG_EXP_DEF=$("$HG_DJ" -c "$HG_DAEMON_JSON" show --default 2>/dev/null) || hg_rc=$?
	[ "$hg_rc" -eq 0 ] || HG_EXP_DEF=
	if [ -z "$HG_EXP_RT" ]; then
		if "$HG_DJ" -c "$HG_DAEMON_JSON" show "$HG_NAME" >/dev/null 2>&1; then
			HG_EXP_RT=foreign
		else
			HG_EXP_RT=absent
		fi
	fi
}

# Docker's view: HG_SEEN_DEF, and HG_SEEN_LINE "PATH ARG..." of the runtime
# (empty when Docker does not know it).
hg_docker_view() {
	hg_v=$(timeout 5 docker info --format \
		"{{.DefaultRuntime}}|{{(index .Runtimes \"$HG_NAME\").Path}}{{range (index .Runtimes \"$HG_NAME\").Args}} {{.}}{{end}}" \
		2>/dev/null) || return 1
	HG_SEEN_DEF=${hg_v%%|*}
	HG_SEEN_LINE=${hg_v#*|}
}

# Docker's view matches what daemon.json says.
hg_docker_agrees() {
	hg_docker_view || return 1
	case $HG_EXP_RT in
	absent) [ -z "$HG_SEEN_LINE" ] || return 1 ;;
	ours) [ "$HG_SEEN_LINE" = "$HG_EXP_LINE" ] || return 1 ;;
	*) [ -n "$HG_SEEN_LINE" ] || return 1 ;;
	esac
	[ -z "$HG_EXP_DEF" ] || [ "$HG_SEEN_DEF" = "$HG_EXP_DEF" ]
}

hg_say_listing() {
	if [ "$HG_EXP_RT" = absent ]; then
		hg_say "Docker: no longer lists the $HG_NAME runtime"
	else
		hg_say "Docker: lists the $HG_NAME runtime${HG_SEEN_LINE:+ ($HG_SEEN_LINE)}${HG_EXP_DEF:+; default runtime: $HG_EXP_DEF}"
	fi
}

# hg_confirm: wait (bounded) until Docker has taken this daemon.json: its
# log's "Reloaded configuration" after our signal or, without a log, its
# listing equal to what was written.  Says plainly when it did not; sets
# HG_CONFIRMED only when it did.
hg_confirm() {
	HG_CONFIRMED=
	hg_expected
	if ! command -v docker >/dev/null 2>&1 && [ -z "$HG_LOG" ]; then
		hg_say "Docker: no docker command and no log to confirm the change with; not confirmed"
		return 0
	fi
	hg_end=$(($(date +%s) + HG_WAIT_SECONDS))
	hg_verdict=
	while [ -z "$hg_verdict" ]; do
		if [ -n "$HG_LOG" ] && [ "$HG_DOCKER_ACTION" = reload ]; then
			hg_new=$(hg_log_since)
			case $hg_new in
			*"Reloaded configuration"*) hg_verdict=reloaded ;;
			esac
			if [ -z "$hg_verdict" ] &&
				printf '%s\n' "$hg_new" | grep -E 'level=(error|fatal)' | grep -qiE 'configur|reload'; then
				hg_verdict=refused
			fi
		elif hg_docker_agrees; then
			hg_verdict=agrees
		fi
		[ -n "$hg_verdict" ] && break
		if [ "$(date +%s)" -ge "$hg_end" ]; then
			# A log that stays silent (not the one dockerd writes): go by
			# what Docker lists.
			if [ -n "$HG_LOG" ] && [ "$HG_DOCKER_ACTION" = reload ] &&
				[ -z "$(hg_log_errors)" ] && hg_docker_agrees; then
				hg_verdict=agrees
			else
				hg_verdict=timeout
			fi
			break
		fi
		sleep 0.5
	done
	case $hg_verdict in
	reloaded | agrees)
		if ! command -v docker >/dev/null 2>&1; then
			HG_CONFIRMED=1
			hg_say "Docker: took the new daemon.json (its log: Reloaded configuration)"
			return 0
		fi
		if [ "$hg_verdict" = agrees ] || hg_docker_agrees; then
			HG_CONFIRMED=1
			hg_say_listing
			return 0
		fi
		hg_say "Docker: reloaded, but does not list the $HG_NAME runtime as written" \
			"(it lists: ${HG_SEEN_LINE:-nothing}; default runtime ${HG_SEEN_DEF:-unknown});" \
			"a --add-runtime or --default-runtime flag of dockerd may override the file; run hersh-gvisor-check"
		return 0 ;;
	refused)
		hg_say "Docker: refused the new daemon.json; $(hg_log_where) says:"
		hg_say_lines "Docker" "$(hg_log_errors)"
		hg_say "Docker: still runs with its previous configuration." \
			"Fix $HG_DAEMON_JSON, then run: dpkg-reconfigure hersh-gvisor"
		return 0 ;;
	esac
	hg_errs=$(hg_log_errors)
	hg_say "Docker: did NOT confirm it took the new daemon.json within $HG_WAIT_SECONDS seconds"
	if [ -n "$hg_errs" ]; then
		hg_say "Docker: $(hg_log_where) says:"
		hg_say_lines "Docker" "$hg_errs"
	else
		hg_say "Docker: see $(hg_log_where), and run hersh-gvisor-check"
	fi
	return 0
}

# ---- telling Docker

# Under systemd, the unit's reload failed (docker.io's ExecReload is
# /bin/kill, absent without procps): signal its main process ourselves.
hg_systemd_hup() {
	hg_pid=$(hg_dockerd_pid) || {
		hg_say "Docker: systemctl reload $HG_DOCKER_UNIT failed and its MainPID is not a root-owned dockerd; see its status"
		return 1
	}
	kill -HUP "$hg_pid" || return 1
	hg_say "Docker: systemctl reload $HG_DOCKER_UNIT failed (see its status);" \
		"sent SIGHUP, dockerd's reload, to its main process $hg_pid instead"
}

# Tell Docker to read daemon.json (HG_DOCKER_ACTION reload or restart).
hg_signal() {
	if hg_have_systemd; then
		if deb-systemd-invoke "$HG_DOCKER_ACTION" "$HG_DOCKER_UNIT" >/dev/null 2>&1; then
			return 0
		fi
		if [ "$HG_DOCKER_ACTION" = reload ]; then
			hg_systemd_hup
			return
		fi
		hg_say "Docker: systemctl $HG_DOCKER_ACTION $HG_DOCKER_UNIT failed; see its status"
		return 1
	elif [ "$HG_DOCKER_ACTION" = reload ]; then
		# Not "invoke-rc.d docker force-reload": the sysvinit script
		# restarts, killing containers.  SIGHUP is dockerd's reload.
		hg_pid=$(hg_dockerd_pid) || { hg_say "Docker: dockerd went away"; return 1; }
		kill -HUP "$hg_pid" || return 1
	else
		invoke-rc.d docker restart >/dev/null 2>&1 || {
			hg_say "Docker: invoke-rc.d docker restart failed"
			return 1
		}
	fi
}

# dockerd's reload re-reads only the keys present in daemon.json: a
# removal is written --reload-safe ("runtimes": {}, "default-runtime":
# "runc"), and once Docker has it (confirmed, or not running, so that its
# next start reads the file afresh) `tidy` takes those placeholders out.
hg_tidy() {
	[ -n "$HG_TIDY" ] || return 0
	if [ -z "$HG_CONFIRMED" ] && [ -z "$HG_DOCKER_DOWN" ]; then
		hg_say "daemon.json: the placeholders of the removal (\"runtimes\": {}, \"default-runtime\": \"runc\")" \
			"stay until Docker is known to have read the file; they are harmless"
		return 0
	fi
	if [ "$HG_TIDY" = runc ]; then
		"$HG_DJ" -c "$HG_DAEMON_JSON" -q tidy runc || return 1
	else
		"$HG_DJ" -c "$HG_DAEMON_JSON" -q tidy || return 1
	fi
	HG_TIDY=
}

# Apply a changed daemon.json to a running Docker, then tidy up; then keep
# a copy of the file as it now is.  Fails only when the tidy or the copy
# could not be written.
hg_apply() {
	hg_apply_docker
	hg_tidy || return 1
}

hg_apply_docker() {
	HG_CONFIRMED=
	HG_DOCKER_DOWN=
	if [ -z "$HG_CHANGED" ]; then
		hg_say "Docker: nothing to apply (daemon.json unchanged)"
		return 0
	fi
	hg_docker_validate || return 0
	if [ "$HG_DOCKER_ACTION" = none ]; then
		hg_say "Docker: not reloaded (docker-action is none); the change takes effect when Docker next starts"
		return 0
	fi
	if ! hg_docker_running; then
		HG_DOCKER_DOWN=1
		hg_say "Docker: not running; the change takes effect when it starts"
		return 0
	fi
	if [ -x "$HG_POLICY_RC_D" ]; then
		hg_rc=0
		"$HG_POLICY_RC_D" docker "$HG_DOCKER_ACTION" >/dev/null 2>&1 || hg_rc=$?
		case $hg_rc in
		0 | 104) ;;
		*)
			hg_say "Docker: not ${HG_DOCKER_ACTION}ed: policy-rc.d forbids service actions (exit $hg_rc);" \
				"the change takes effect when Docker next starts"
			return 0
			;;
		esac
	fi
	hg_pid=$(hg_dockerd_pid) || hg_pid=
	hg_log_mark "$hg_pid"
	hg_signal || return 0
	hg_say "Docker: ${HG_DOCKER_ACTION}ed"
	hg_confirm
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

# ---------------------------------------------------------------- entry points

# postinst configure / triggered / abort-*: $1 is "configure" (may fail on
# a daemon.json it cannot read) or anything else (warns and succeeds).
hg_postinst() {
	if [ "$1" = configure ]; then
		hg_apt_source
	fi
	if hg_docker_configure; then
		if hg_apply && hg_remember_file; then
			hg_done
			return 0
		fi
		hg_say "warning: $HG_DAEMON_JSON: the last step failed (message above)"
		hg_done
		return 0
	fi
	if [ "$1" = configure ]; then
		hg_say "failed: $HG_DAEMON_JSON (or the record in $HG_STATE) could not be read or written" \
			"(message above); the file is left as it is: fix it, then run: dpkg --configure -a"
		return 1
	fi
	hg_say "warning: $HG_DAEMON_JSON could not be read or written (message above); left as it is." \
		"Docker was not changed; the record in $HG_STATE stays." \
		"Fix the file, then run: dpkg-reconfigure hersh-gvisor"
	return 0
}

# prerm remove: never fails (a file no package owns must not make the
# package impossible to remove).
hg_prerm_remove() {
	if hg_docker_takeout "package removed"; then
		if [ -n "$HG_CHANGED" ]; then
			hg_warn_containers
		fi
		hg_apply || hg_say "warning: $HG_DAEMON_JSON: the tidy step failed (message above)"
		rm -f "$HG_STATE/daemon.json" || true
	else
		hg_say "warning: $HG_DAEMON_JSON could not be read or written (message above); left as it is," \
			"with the $HG_NAME runtime this package added still in it. The record in $HG_STATE stays:" \
			"fix the file and install the package again to have it taken out, or delete the" \
			"\"$HG_NAME\" entry by hand"
	fi
	if [ -s "$HG_STATE/apt-source" ]; then
		hg_say "apt source: the gVisor source and key stay until the package is purged"
	fi
	return 0
}
