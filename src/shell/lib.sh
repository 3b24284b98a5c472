# shellcheck shell=sh
# hersh-gvisor's shell library, installed as /usr/share/hersh-gvisor/lib.sh.
# Sourced by the maintainer scripts (postinst, prerm), the debconf config
# script and hersh-gvisor-check (bash).  POSIX sh.  Model: git's
# git-sh-setup: the rules live here once, the callers orchestrate.
#
# Loading it defines functions and nothing else; the caller sets HG_DATADIR
# (the directory holding this file and facts.sh) and calls hg_init, which
# sets every variable below from the generated facts, whatever the
# environment held: nothing from the caller's environment reaches a
# command run as root.  Tests change the variables after hg_init.
#
# The shell never opens, reads, copies, hashes or compares daemon.json,
# the files of the state directory or the paths recorded there, and never
# decodes JSON: hersh-daemon-json and hersh-apt-source do, and answer in
# their line-oriented porcelain (their man pages, PORCELAIN).
#
# Every function reports failure by its exit status and checks each step
# itself (`step || return 1`): callers test them in `if`, where `set -e`
# is off.  Functions named hg_*_facts or documented as "sets" gather facts
# into variables and print nothing; the others print the summary lines of
# a maintainer script (hg_say, on standard error: with debconf loaded,
# standard output belongs to debconf).
#
# Variables (set by hg_init unless said otherwise):
#   HG_FACT_*           gVisor's upstream facts and the installed paths
#                       (facts.sh, generated from src/upstream.facts)
#   HG_DJ, HG_AS        hersh-daemon-json, hersh-apt-source
#   HG_STATE            the state directory (/var/lib/hersh-gvisor)
#   HG_DAEMON_JSON      Docker's daemon.json
#   HG_RUNSC, HG_NAME   the runtime binary and its name in daemon.json
#   HG_DOCKER_*         Docker's unit, pidfile, socket, log file
#   HG_DOCKERD_BINS     where a dockerd binary is looked for
#   HG_POLICY_RC_D      policy-rc.d
#   HG_SYSTEMD_DIR      present when systemd runs
#   HG_PROC             /proc
#   HG_KERNEL, HG_MACHINE   uname -r, uname -m
#   HG_DEV_KVM          /dev/kvm
#   HG_WAIT_SECONDS     how long a reload is waited for
#   HG_PROBE_SECONDS    how long a sandbox probe may take
#   HG_RUNSC_SECONDS    how long runsc may take to tell its version
#   HG_IS_ROOT          1 when running as root
#   HG_WHY              why the last check said no
# Answers (hg_read_debconf): HG_CONFIGURE_DOCKER, HG_DEFAULT_RUNTIME,
#   HG_RUNTIME_ARGS, HG_DOCKER_ACTION, HG_APT_SOURCE, HG_APT_PIN,
#   HG_APT_SUITE, HG_APT_URI, HG_KEY_URL, HG_KEY_FPR, HG_PLATFORM
# daemon.json and the state (hg_dj_facts): HG_FILE (present|missing),
#   HG_HAS_RUNTIMES, HG_CUR_DEFAULT, HG_CUR_PATH, HG_CUR_ARGS (the entry's
#   arguments, space-separated), HG_CUR_LINE (path and arguments), HG_ENTRY
#   (absent|ours|upstream|foreign), HG_RECORDED (yes|no), HG_SAVED
#   (same|layout|content|none), HG_MARKS (the marks, space-separated)
# Docker (hg_dockerd_facts): HG_DOCKERD_PID, HG_DOCKERD_EXE (what to run
#   for --validate), HG_DOCKERD_SOCK, HG_DOCKERD_ARGS_*, HG_DOCKERD_NOTE
#   (dockerd processes passed over, and why)
# runsc (hg_runsc_facts): HG_RUNSC_VERSION, HG_RUNSC_DATE, HG_RUNSC_PLATFORMS
# What this run did: HG_CHANGED (daemon.json changed), HG_TIDY (a removal's
#   placeholders to take out: yes or runc), HG_CONFIRMED (Docker took the
#   file), HG_DOCKER_DOWN (Docker does not run), HG_EXP_RT (what the entry
#   should be for Docker: ours, foreign, absent), HG_NEXT (the step left to
#   the admin, for the summary)

# shellcheck disable=SC2034,SC2153 # the variables are the library's interface; HG_FACT_* come from facts.sh
HG_LIB_API=2
HG_TAB='	'
HG_NL='
'
# The Docker client's settings from the environment (its daemon, context,
# configuration directory with its CLI plugins, TLS files, API version):
# root never takes them from its caller (hg_docker).
HG_DOCKER_CLIENT_VARS='DOCKER_HOST DOCKER_CONTEXT DOCKER_CONFIG DOCKER_CERT_PATH DOCKER_TLS_VERIFY DOCKER_TLS DOCKER_API_VERSION DOCKER_DEFAULT_PLATFORM BUILDKIT_HOST'

# ------------------------------------------------------------------ setup

# hg_init: every variable from the facts; nothing from the environment.
hg_init() {
	# shellcheck source=/dev/null # generated: build/share/hersh-gvisor/facts.sh
	. "${HG_DATADIR:?HG_DATADIR names the directory of the library}/facts.sh" || return 1
	HG_DJ=$HG_FACT_SBINDIR/hersh-daemon-json
	HG_AS=$HG_FACT_SBINDIR/hersh-apt-source
	HG_STATE=/var/lib/hersh-gvisor
	HG_DAEMON_JSON=/etc/docker/daemon.json
	HG_RUNSC=/usr/bin/runsc
	HG_NAME=runsc
	HG_DOCKER_PIDFILE=/var/run/docker.pid
	HG_DOCKER_SOCKET=/var/run/docker.sock
	HG_DOCKER_UNIT=docker.service
	HG_DOCKER_LOG=/var/log/docker.log
	HG_DOCKERD_BINS="/usr/sbin/dockerd /usr/bin/dockerd"
	HG_POLICY_RC_D=/usr/sbin/policy-rc.d
	HG_SYSTEMD_DIR=/run/systemd/system
	HG_PROC=/proc
	HG_WAIT_SECONDS=15
	HG_PROBE_SECONDS=20
	HG_RUNSC_SECONDS=10
	HG_IS_ROOT=0
	[ "$(id -u)" != 0 ] || HG_IS_ROOT=1
	HG_KERNEL=$(uname -r)
	HG_MACHINE=$(uname -m)
	HG_DEV_KVM=/dev/kvm
	HG_WHY=''
	HG_CHANGED=''
	HG_TIDY=''
	HG_CONFIRMED=''
	HG_DOCKER_DOWN=''
	HG_EXP_RT=''
	HG_NEXT=''
	HG_DOCKERD_PID=''
	HG_DOCKERD_SOCK=''
}

# hg_seam VAR: the value of the test seam VAR (an environment variable
# naming a file or directory) when it may be used: always for a user; as
# root only when what it names belongs to root and is not writable by
# others (hg_trusted).  Prints it; fails (HG_WHY says why) otherwise.
hg_seam() {
	eval "hg_v=\${$1:-}"
	[ -n "$hg_v" ] || { HG_WHY="$1 is not set"; return 1; }
	if [ "$HG_IS_ROOT" = 1 ] && ! hg_trusted "$hg_v"; then
		HG_WHY="$1=$hg_v is ignored: $HG_WHY"
		return 1
	fi
	printf '%s\n' "$hg_v"
}

# ----------------------------------------------------------------- output

hg_say() {
	printf 'hersh-gvisor: %s\n' "$*" >&2
}

# hg_say_lines TOPIC TEXT: every line of TEXT, as "TOPIC: line".
hg_say_lines() {
	printf '%s\n' "$2" | while IFS= read -r hg_l; do
		[ -z "$hg_l" ] || hg_say "$1: $hg_l"
	done
}

# The summary's last lines: the check, then the step that is still to do.
hg_done() {
	hg_say "run hersh-gvisor-check to verify the setup"
	if [ -n "$HG_NEXT" ]; then
		hg_say "next step: $HG_NEXT"
	fi
}

# hg_field N LINE: field N (1-based) of a porcelain LINE (tab-separated).
hg_field() {
	printf '%s\n' "$2" | cut -f "$1"
}

# hg_unescape FIELD: HG_VAL, the value of a porcelain FIELD (the helpers'
# escapes \\ \t \n \r and \xHH undone; a NUL byte, which no shell
# variable holds, is dropped).
hg_unescape() {
	hg_s=$1
	HG_VAL=''
	while :; do
		case $hg_s in
		*\\*) ;;
		*) break ;;
		esac
		HG_VAL=$HG_VAL${hg_s%%\\*}
		hg_s=${hg_s#*\\}
		case $hg_s in
		\\*) HG_VAL="$HG_VAL\\"; hg_s=${hg_s#?} ;;
		t*) HG_VAL="$HG_VAL$HG_TAB"; hg_s=${hg_s#?} ;;
		n*) HG_VAL="$HG_VAL$HG_NL"; hg_s=${hg_s#?} ;;
		r*) HG_VAL="$HG_VAL$(printf '\r')"; hg_s=${hg_s#?} ;;
		x[0-9a-fA-F][0-9a-fA-F]*)
			hg_h=${hg_s#x}
			hg_h=${hg_h%"${hg_h#??}"}
			hg_s=${hg_s#x??}
			# shellcheck disable=SC2059 # the format is an octal escape of two hex digits
			[ "$hg_h" = 00 ] || HG_VAL="$HG_VAL$(printf "\\$(printf '%03o' "0x$hg_h")")" ;;
		*) HG_VAL="$HG_VAL\\" ;;
		esac
	done
	HG_VAL=$HG_VAL$hg_s
}

# ------------------------------------------------------------------ trust

# hg_trusted PATH: root may trust PATH: it and every directory above it
# belong to root and are not writable by others (the C rule:
# hersh-daemon-json trusted).  HG_WHY says why not.
hg_trusted() {
	hg_trust_ask "$1"
}

# hg_trusted_for_root PATH: root may trust PATH, whoever asks (a user's
# check of what dockerd, running as root, would run): the same C rule with
# what the caller owns counting as anyone else's.  HG_WHY says why not.
hg_trusted_for_root() {
	hg_trust_ask "$1" --for-root
}

# hg_trust_ask PATH [--for-root]: hersh-daemon-json trusted's answer.
hg_trust_ask() {
	HG_WHY=''
	if [ ! -x "$HG_DJ" ]; then
		HG_WHY="$HG_DJ is missing, so $1 cannot be checked"
		return 1
	fi
	hg_out=$("$HG_DJ" trusted ${2:+"$2"} -- "$1" 2>&1) && return 0
	case $hg_out in
	untrusted"$HG_TAB"*) HG_WHY=$(hg_field 3- "$hg_out") ;;
	*) HG_WHY=$hg_out ;;
	esac
	[ -n "$HG_WHY" ] || HG_WHY="$1 is not trusted"
	return 1
}

# ---------------------------------------------------------------- answers

# hg_valid QUESTION VALUE: VALUE is a valid answer to QUESTION (a
# hersh-gvisor/ question without the prefix).  The rules live in the
# helpers (hersh-apt-source check, hersh-daemon-json check-args); HG_VAL is
# the value to use (normalised), HG_WHY the reason when it is not valid.
hg_valid() {
	HG_VAL=$2
	HG_WHY=''
	case $1 in
	apt-uri) hg_valid_as uri "$2" ;;
	key-url) hg_valid_as key-url "$2" ;;
	key-fingerprint) hg_valid_as fingerprint "$2" ;;
	apt-suite) hg_valid_as suite "$2" ;;
	runtime-args) hg_valid_runtime_args "$2" ;;
	platform) hg_valid_platform "$2" ;;
	*) return 0 ;;
	esac
}

# hg_valid_as KIND VALUE: hersh-apt-source's rule for KIND.
hg_valid_as() {
	if hg_out=$("$HG_AS" check "$1" "$2" 2>&1); then
		HG_VAL=$hg_out
		return 0
	fi
	HG_WHY=${hg_out:-it is not valid}
	return 1
}

# hg_valid_runtime_args ARGS: runsc flags, split at blanks only; each one
# must be one Docker can pass through the /bin/sh wrapper it writes
# (hersh-daemon-json check-args).
hg_valid_runtime_args() {
	case $1 in
	*"$HG_NL"*) HG_WHY="it holds a line break"; return 1 ;;
	esac
	hg_split_args "$1"
	[ -n "$HG_SPLIT" ] || return 0
	hg_oldifs=$IFS
	IFS=' '
	set -f
	# shellcheck disable=SC2086 # one argument a word
	set -- $HG_SPLIT
	set +f
	IFS=$hg_oldifs
	if hg_out=$("$HG_DJ" check-args -- "$@" 2>&1); then
		return 0
	fi
	HG_WHY=${hg_out:-it holds a flag Docker cannot pass safely}
	return 1
}

# hg_split_args ARGS: HG_SPLIT, ARGS with every run of blanks (spaces and
# tabs) made one space, none at the ends.
hg_split_args() {
	hg_oldifs=$IFS
	IFS=" $HG_TAB"
	set -f
	# shellcheck disable=SC2086 # splitting is the point
	set -- $1
	set +f
	IFS=$hg_oldifs
	HG_SPLIT="$*"
}

# hg_valid_platform PLATFORM: empty (runsc's own default) or a platform
# name gVisor has.  Whether this runsc and this host can use it is
# decided when it is written (hg_platform_choice).
hg_valid_platform() {
	case $1 in
	'' | systrap | kvm | ptrace) return 0 ;;
	esac
	HG_WHY="it is not one of systrap, kvm, ptrace (or empty: runsc's own default)"
	return 1
}

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

# hg_checked QUESTION DEFAULT: HG_VAL is the answer when it is valid (its
# normalised form), else DEFAULT, with a warning saying why.
hg_checked() {
	hg_get "$1" "$2"
	hg_ans=$HG_VAL
	if ! hg_valid "$1" "$hg_ans"; then
		hg_say "warning: $1 '$hg_ans' is not valid: $HG_WHY; using the default ${2:-(none)}" \
			"(dpkg-reconfigure hersh-gvisor to change it)"
		HG_VAL=$2
	fi
}

# hg_read_debconf: the answers (confmodule must be loaded).
hg_read_debconf() {
	hg_get configure-docker true; HG_CONFIGURE_DOCKER=$HG_VAL
	hg_get default-runtime false; HG_DEFAULT_RUNTIME=$HG_VAL
	hg_checked runtime-args ''; HG_RUNTIME_ARGS=$HG_VAL
	hg_get docker-action reload; HG_DOCKER_ACTION=$HG_VAL
	hg_get apt-source true; HG_APT_SOURCE=$HG_VAL
	hg_get apt-pin true; HG_APT_PIN=$HG_VAL
	hg_checked apt-suite "$HG_FACT_SUITE"; HG_APT_SUITE=$HG_VAL
	hg_checked apt-uri "$HG_FACT_URI"; HG_APT_URI=$HG_VAL
	hg_checked key-url ''; HG_KEY_URL=$HG_VAL
	hg_checked key-fingerprint "$HG_FACT_FINGERPRINT"; HG_KEY_FPR=$HG_VAL
	hg_checked platform ''; HG_PLATFORM=$HG_VAL
	case $HG_DOCKER_ACTION in
	reload | restart | none) ;;
	*)
		hg_say "warning: docker-action '$HG_DOCKER_ACTION' is not reload, restart or none; using reload"
		HG_DOCKER_ACTION=reload ;;
	esac
}

# ------------------------------------------------------------ apt source

# hg_as ARGS...: hersh-apt-source with the chosen repository, key URL and
# fingerprint.
hg_as() {
	"$HG_AS" --uri "$HG_APT_URI" --key-url "$HG_KEY_URL" --fingerprint "$HG_KEY_FPR" "$@"
}

# hg_apt_facts: what hersh-apt-source show says, as variables: HG_APT_SOURCES
# (how many gVisor sources), HG_APT_OURS (the "URI SUITES" of the source in a
# file hersh-apt-source created), HG_KEY_STATUS, HG_KEY_EXPIRES, HG_PIN_STATE,
# HG_CONF_STATE (the APT settings file), HG_SET_URI, HG_SET_KEY_URL,
# HG_SET_FPR (the settings as APT reads them), and HG_APT_SHOW, show's
# records as they are (for the records a caller reads itself: see
# hersh-apt-source(8), PORCELAIN).  Fails when show fails.
# With "answers", show looks for the repository the answers name (the
# postinst); without, for the one APT's settings name (the config script,
# the check).
hg_apt_facts() {
	HG_APT_SOURCES=0 HG_APT_OURS='' HG_KEY_STATUS='' HG_KEY_EXPIRES='' HG_PIN_STATE=''
	HG_CONF_STATE='' HG_SET_URI='' HG_SET_KEY_URL='' HG_SET_FPR='' HG_APT_SHOW=''
	hg_rc=0
	if [ "${1:-}" = answers ]; then
		hg_out=$(hg_as show 2>/dev/null) || hg_rc=$?
	else
		hg_out=$("$HG_AS" show 2>/dev/null) || hg_rc=$?
	fi
	[ "$hg_rc" -eq 0 ] || [ "$hg_rc" -eq 3 ] || return 1
	HG_APT_SHOW=$hg_out
	while IFS=$HG_TAB read -r hg_k hg_a hg_b hg_c hg_d hg_e hg_f; do
		case $hg_k in
		source)
			HG_APT_SOURCES=$((HG_APT_SOURCES + 1))
			[ "$hg_f" != ours ] || HG_APT_OURS="$hg_c $hg_d" ;;
		keyring) HG_KEY_STATUS=$hg_b HG_KEY_EXPIRES=$hg_d ;;
		pin) HG_PIN_STATE=$hg_b ;;
		conf) HG_CONF_STATE=$hg_b ;;
		setting)
			case $hg_a in
			URI) HG_SET_URI=$hg_b ;;
			Key-URL) HG_SET_KEY_URL=$hg_b ;;
			Fingerprint) HG_SET_FPR=$hg_b ;;
			esac ;;
		esac
	done <<EOF
$hg_out
EOF
	return 0
}

# hg_apt_remove: take out what hersh-apt-source added (sources, pin, key,
# settings), saying what it did.
hg_apt_remove() {
	hg_out=$("$HG_AS" remove 2>&1) || true
	hg_say_lines "apt source" "$hg_out"
}

# hg_apt_source: install the key, the settings and the source (apt-source
# true), or take out ours (false).  Never fails: without a key no source
# is added and the summary says why.
hg_apt_source() {
	if [ "$HG_APT_SOURCE" != true ]; then
		hg_say "apt source: not added (apt-source is false)"
		hg_apt_remove
		return 0
	fi
	if ! hg_apt_facts answers; then
		hg_say "apt source: hersh-apt-source show failed; not added"
		return 0
	fi
	# Our source for another URI or suite goes first (with the settings
	# file and pin that came with it).
	if [ -n "$HG_APT_OURS" ] && [ "$HG_APT_OURS" != "$HG_APT_URI $HG_APT_SUITE" ]; then
		hg_say "apt source: replacing $HG_APT_OURS by $HG_APT_URI $HG_APT_SUITE"
		hg_apt_remove
		hg_apt_facts answers || true
	fi
	if hg_out=$(hg_as set-config 2>&1); then
		hg_say_lines "apt source" "$hg_out"
	else
		hg_say_lines "apt source" "$hg_out"
		hg_say "apt source: warning: the repository settings could not be recorded"
	fi
	if [ "$HG_KEY_STATUS" = ok ]; then
		hg_say "apt source: signing key $HG_KEY_FPR already installed"
	elif hg_out=$(hg_as install-key 2>&1); then
		hg_say_lines "apt source" "$hg_out"
	else
		hg_say_lines "apt source" "$hg_out"
		if [ -n "$HG_KEY_URL" ]; then
			hg_say "apt source: not added: the signing key could not be installed from $HG_KEY_URL;" \
				"run dpkg-reconfigure hersh-gvisor to retry"
		else
			hg_say "apt source: not added: the signing key shipped with the package was refused;" \
				"run dpkg-reconfigure hersh-gvisor to retry"
		fi
		return 0
	fi
	set -- add --suite "$HG_APT_SUITE"
	[ "$HG_APT_PIN" = true ] || set -- "$@" --no-pin
	if hg_out=$(hg_as "$@" 2>&1); then
		hg_say_lines "apt source" "$hg_out"
	else
		hg_say_lines "apt source" "$hg_out"
		hg_say "apt source: not added"
	fi
	return 0
}

# hg_apt_source_present: a gVisor source is configured (ours or anyone's).
hg_apt_source_present() {
	hg_apt_facts answers && [ "$HG_APT_SOURCES" -gt 0 ]
}

# ------------------------------------------------------------------ runsc

# hg_release_date VERSION: the gVisor release date yyyymmdd in a version
# ("0.0~20221219.0-2", "release-20240807.0", "20250101.0"), or nothing.
hg_release_date() {
	printf '%s\n' "$1" | sed -n 's/^\(.*[^0-9]\)\{0,1\}\(20[0-9]\{6\}\)\..*/\2/p' | head -n 1
}

# hg_runsc_facts RUNSC: HG_RUNSC_VERSION (its --version line) and
# HG_RUNSC_DATE (the release date yyyymmdd; empty when unknown), from
# `runsc --version` when root may run it, else (for /usr/bin/runsc) from
# the runsc package's version.
hg_runsc_facts() {
	hg_bin=$1
	HG_RUNSC_DATE=''
	HG_RUNSC_VERSION=''
	if [ -x "$hg_bin" ] && { [ "$HG_IS_ROOT" = 0 ] || hg_trusted "$hg_bin"; }; then
		HG_RUNSC_VERSION=$(timeout "$HG_RUNSC_SECONDS" "$hg_bin" --version 2>/dev/null </dev/null | head -n 1) ||
			HG_RUNSC_VERSION=''
	fi
	case $HG_RUNSC_VERSION in
	"runsc version "*) HG_RUNSC_DATE=$(hg_release_date "$HG_RUNSC_VERSION") ;;
	esac
	# Debian's and gVisor's runsc packages install /usr/bin/runsc.
	if [ -z "$HG_RUNSC_DATE" ] && [ "$hg_bin" = /usr/bin/runsc ]; then
		hg_pv=$(dpkg-query -W -f '${Version}' runsc 2>/dev/null) || hg_pv=
		HG_RUNSC_DATE=$(hg_release_date "$hg_pv")
		[ -n "$HG_RUNSC_VERSION" ] || [ -z "$hg_pv" ] || HG_RUNSC_VERSION="runsc $hg_pv"
	fi
}

# hg_version_ge A B: release A (major.minor, as the kernel's) is B or later.
hg_version_ge() {
	hg_amaj=${1%%.*} hg_bmaj=${2%%.*}
	hg_amin=${1#*.} hg_bmin=${2#*.}
	hg_amin=${hg_amin%%[!0-9]*} hg_bmin=${hg_bmin%%[!0-9]*}
	case $hg_amaj$hg_amin$hg_bmaj$hg_bmin in
	'' | *[!0-9]*) return 1 ;;
	esac
	[ "$hg_amaj" -gt "$hg_bmaj" ] || { [ "$hg_amaj" -eq "$hg_bmaj" ] && [ "$hg_amin" -ge "$hg_bmin" ]; }
}

# hg_image_kernel: in an image build (policy-rc.d forbids service
# actions) the kernel that counts is the one the image will boot, not the
# build machine's: HG_KERNEL becomes the newest release of the image's
# installed linux-image packages, when it has one.  Says which it judged.
hg_image_kernel() {
	hg_policy_forbids reload || return 0
	hg_rel=$(dpkg-query -W -f '${Package} ${db:Status-Status}\n' 'linux-image-[0-9]*' 2>/dev/null |
		sed -n 's/^linux-image-\([0-9][^ ]*\) installed$/\1/p' | sort -V | tail -n 1)
	if [ -n "$hg_rel" ]; then
		HG_KERNEL=$hg_rel
		hg_say "runsc: an image build: judged against the image's kernel, Linux $HG_KERNEL"
	else
		hg_say "runsc: an image build without a kernel package: judged against the build machine's kernel, Linux $HG_KERNEL"
	fi
}

# hg_kernel_affected: the kernel (HG_KERNEL, uname -r) is one where runsc
# before HG_FACT_RUNSC_FIXED cannot set up sandbox networking (gVisor issue
# 10704: Linux HG_FACT_KERNEL_AFFECTED and later).
hg_kernel_affected() {
	hg_version_ge "$HG_KERNEL" "$HG_FACT_KERNEL_AFFECTED"
}

# hg_runsc_netbroken: HG_RUNSC cannot start a container with sandbox
# networking on this kernel (sets the runsc facts).
hg_runsc_netbroken() {
	hg_runsc_facts "$HG_RUNSC"
	[ -n "$HG_RUNSC_DATE" ] && [ "$HG_RUNSC_DATE" -lt "$HG_FACT_RUNSC_FIXED" ] && hg_kernel_affected
}

# hg_runsc_platforms: HG_RUNSC_PLATFORMS, the platforms HG_RUNSC offers
# (space-separated): `runsc platforms` where it has that command, else by
# release (systrap came with gVisor's 2023 releases).
hg_runsc_platforms() {
	hg_bin=$HG_RUNSC
	HG_RUNSC_PLATFORMS=''
	[ -x "$hg_bin" ] || return 1
	[ "$HG_IS_ROOT" = 0 ] || hg_trusted "$hg_bin" || return 1
	if hg_out=$(timeout "$HG_RUNSC_SECONDS" "$hg_bin" platforms 2>/dev/null </dev/null); then
		for hg_p in $hg_out; do
			case $hg_p in
			*[!a-z0-9]*) ;;
			*) HG_RUNSC_PLATFORMS="$HG_RUNSC_PLATFORMS${HG_RUNSC_PLATFORMS:+ }$hg_p" ;;
			esac
		done
		[ -z "$HG_RUNSC_PLATFORMS" ] || return 0
	fi
	hg_runsc_facts "$hg_bin"
	if [ -n "$HG_RUNSC_DATE" ] && [ "$HG_RUNSC_DATE" -lt 20230501 ]; then
		HG_RUNSC_PLATFORMS="ptrace kvm"
	else
		HG_RUNSC_PLATFORMS="systrap ptrace kvm"
	fi
}

# hg_runsc_default_platform: HG_RUNSC_DEFAULT, the platform HG_RUNSC uses
# when given none, as its `runsc flags` states the -platform default
# (ptrace before gVisor's autumn 2023 releases, systrap since); empty, and
# failure, when it does not say or root may not run it.
hg_runsc_default_platform() {
	HG_RUNSC_DEFAULT=''
	[ -x "$HG_RUNSC" ] || return 1
	[ "$HG_IS_ROOT" = 0 ] || hg_trusted "$HG_RUNSC" || return 1
	HG_RUNSC_DEFAULT=$(timeout "$HG_RUNSC_SECONDS" "$HG_RUNSC" flags 2>&1 </dev/null |
		sed -n '/^ *-platform string/{n;s/.*(default "\([a-z0-9]*\)").*/\1/p;q;}')
	[ -n "$HG_RUNSC_DEFAULT" ]
}

# hg_kvm_usable: the host can give a sandbox KVM: /dev/kvm exists and, on
# x86, the processor shows VMX or SVM (a guest without nested
# virtualisation has /dev/kvm but no such flag, and a sandbox under kvm
# then hangs).  Other architectures have no such flag to read: /dev/kvm
# alone, then the probe, decides.  HG_WHY says why not.
hg_kvm_usable() {
	if [ ! -e "$HG_DEV_KVM" ]; then
		HG_WHY="$HG_DEV_KVM does not exist (no KVM on this host)"
		return 1
	fi
	case $HG_MACHINE in
	x86_64 | i?86)
		if ! grep -qwE 'vmx|svm' "$HG_PROC/cpuinfo" 2>/dev/null; then
			HG_WHY="$HG_DEV_KVM exists, but the processor shows neither VMX nor SVM (a virtual machine without nested virtualisation)"
			return 1
		fi ;;
	esac
	return 0
}

# hg_kill_marked TEXT: kill every process whose command line holds TEXT
# (a private directory a command and its children were given), until none
# is left or 5 seconds have passed.
hg_kill_marked() {
	hg_n=0
	while [ "$hg_n" -lt 50 ]; do
		hg_left=
		# shellcheck disable=SC2013 # /proc/PID/cmdline: one word each
		for hg_f in $(grep -laF -- "$1" "$HG_PROC"/[0-9]*/cmdline 2>/dev/null); do
			hg_p=${hg_f%/cmdline}
			hg_p=${hg_p##*/}
			[ "$hg_p" != "$$" ] || continue
			kill -KILL "$hg_p" 2>/dev/null && hg_left=1
		done
		[ -n "$hg_left" ] || return 0
		sleep 0.1
		hg_n=$((hg_n + 1))
	done
}

# hg_platform_probe PLATFORM SECONDS: a sandbox of HG_RUNSC starts under
# PLATFORM on this host within SECONDS (root only: runsc do, no network);
# HG_WHY says why not.
hg_platform_probe() {
	hg_bin=$HG_RUNSC
	HG_WHY=''
	if [ "$1" = kvm ] && ! hg_kvm_usable; then
		return 1
	fi
	if [ "$HG_IS_ROOT" != 1 ]; then
		HG_WHY="only root can start a sandbox with runsc directly"
		return 1
	fi
	hg_trusted "$hg_bin" || return 1
	# runsc's state of the probe: a directory of root's own, not in a
	# TMPDIR the caller chose.
	hg_probe=$(mktemp -d /run/hersh-gvisor-probe.XXXXXX) || {
		HG_WHY="no directory for the probe in /run"
		return 1
	}
	hg_rc=0
	hg_out=$(timeout -k 2 "$2" "$hg_bin" --platform="$1" --network=none \
		--root="$hg_probe" 'do' true 2>&1 </dev/null) || hg_rc=$?
	# runsc do runs its sandbox and gofer in a session of their own, out of
	# timeout's reach: each carries the probe's --root.
	hg_kill_marked "$hg_probe"
	rm -rf "$hg_probe"
	case $hg_rc in
	0) return 0 ;;
	124 | 137) HG_WHY="no sandbox started under $1 within $2 s" ;;
	*) HG_WHY="runsc --platform=$1 failed: $(printf '%s\n' "$hg_out" | grep -v '^[[:space:]]*$' | tail -n 1)" ;;
	esac
	return 1
}

# ------------------------------------------------------------ daemon.json

# hg_dj ARGS...: hersh-daemon-json on daemon.json and the state, with
# --exit-code; its report goes to the summary, errors to standard error as
# they are.  Sets HG_CHANGED when the file changed.
hg_dj() {
	hg_rc=0
	hg_out=$("$HG_DJ" -c "$HG_DAEMON_JSON" --state "$HG_STATE" --exit-code "$@") || hg_rc=$?
	case $hg_rc in
	0) ;;
	4) HG_CHANGED=1 ;;
	*) return 1 ;;
	esac
	hg_say_lines daemon.json "$hg_out"
}

# hg_dj_facts: daemon.json and the state, as the helpers report them (the
# variables listed at the top).  Fails, after the helper's message naming
# the file, when either cannot be read.
hg_dj_facts() {
	HG_FILE=missing HG_HAS_RUNTIMES='' HG_CUR_DEFAULT='' HG_CUR_PATH='' HG_CUR_ARGS='' HG_CUR_LINE=''
	HG_ENTRY=absent HG_RECORDED=no HG_SAVED=none HG_MARKS=''
	hg_rc=0
	hg_out=$("$HG_DJ" -c "$HG_DAEMON_JSON" show --porcelain "$HG_NAME") || hg_rc=$?
	[ "$hg_rc" -eq 0 ] || [ "$hg_rc" -eq 3 ] || return 1
	hg_args=
	while IFS=$HG_TAB read -r hg_k hg_v; do
		hg_unescape "$hg_v"
		case $hg_k in
		file) HG_FILE=$HG_VAL ;;
		runtimes) HG_HAS_RUNTIMES=1 ;;
		default) HG_CUR_DEFAULT=$HG_VAL ;;
		path) HG_CUR_PATH=$HG_VAL ;;
		arg) hg_args="$hg_args $HG_VAL" ;;
		esac
	done <<EOF
$hg_out
EOF
	HG_CUR_ARGS=${hg_args# }
	HG_CUR_LINE=$HG_CUR_PATH$hg_args
	hg_out=$("$HG_DJ" -c "$HG_DAEMON_JSON" --state "$HG_STATE" state "$HG_NAME" "$HG_RUNSC") || return 1
	while IFS=$HG_TAB read -r hg_k hg_v hg_rest; do
		case $hg_k in
		recorded) HG_RECORDED=$hg_v ;;
		saved) HG_SAVED=$hg_v ;;
		entry) HG_ENTRY=$hg_v ;;
		mark) HG_MARKS="$HG_MARKS${HG_MARKS:+ }$hg_v" ;;
		esac
	done <<EOF
$hg_out
EOF
	return 0
}

# hg_marked KEY: the state marks KEY (default, created, dir-created,
# network-none, platform).
hg_marked() {
	case " $HG_MARKS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# hg_mark KEY [TEXT] / hg_unmark KEY...: set or clear marks of the state.
hg_mark() {
	"$HG_DJ" --state "$HG_STATE" mark "$@" >/dev/null
}
hg_unmark() {
	"$HG_DJ" --state "$HG_STATE" unmark "$@" >/dev/null
}

# hg_restore_layout: runsc's own package runs `runsc install` on every
# install and upgrade, which rewrites daemon.json in Go's layout (keys
# sorted, 4-space indent, numbers respelled) and may add a bare runsc
# entry.  When the content is otherwise what this package last left, the
# administrator's bytes go back (hersh-daemon-json restore-layout).
hg_restore_layout() {
	[ "$HG_CONFIGURE_DOCKER" = true ] || return 0
	case $HG_SAVED in
	layout | content) ;;
	*) return 0 ;;
	esac
	hg_rc=0
	hg_out=$("$HG_DJ" -c "$HG_DAEMON_JSON" --state "$HG_STATE" --exit-code restore-layout \
		--upstream-entry "$HG_NAME" "$HG_RUNSC" 2>&1) || hg_rc=$?
	case $hg_rc in
	0) return 0 ;;
	4)
		hg_say "daemon.json: re-formatted since this package last wrote it (by runsc's package: runsc install);" \
			"the administrator's layout was put back"
		HG_CHANGED=1
		hg_dj_facts ;;
	5)
		hg_say "daemon.json: changed since this package last wrote it (not only re-formatted); kept as it is"
		return 0 ;;
	*)
		printf '%s\n' "$hg_out" >&2
		return 1 ;;
	esac
}

# hg_remember_file: keep the bytes of daemon.json as this package leaves
# them (for restore-layout) while it manages Docker's configuration.
hg_remember_file() {
	if [ "$HG_CONFIGURE_DOCKER" = true ]; then
		"$HG_DJ" -c "$HG_DAEMON_JSON" --state "$HG_STATE" remember >/dev/null
	else
		"$HG_DJ" --state "$HG_STATE" forget >/dev/null
	fi
}

# hg_unset_default_only: take out a default-runtime this package set while
# the entry (not ours) stays.
hg_unset_default_only() {
	hg_marked default || return 0
	if [ "$HG_CUR_DEFAULT" != "$HG_NAME" ]; then
		hg_unmark default || return 1
		return 0
	fi
	if [ -z "$HG_CUR_PATH" ]; then
		hg_say "daemon.json: default-runtime $HG_NAME was set by this package, but the entry has no path; left as it is"
		return 0
	fi
	hg_dj add "$HG_NAME" "$HG_CUR_PATH" --unset-default --reload-safe || return 1
	HG_TIDY=runc
	hg_unmark default || return 1
}

# hg_docker_takeout WHY: take out of daemon.json what this package added.
hg_docker_takeout() {
	HG_EXP_RT=''
	if [ "$HG_RECORDED" != yes ] && ! hg_marked default; then
		hg_say "Docker: nothing to take out of daemon.json ($1)"
		return 0
	fi
	if [ "$HG_ENTRY" = ours ]; then
		hg_say "Docker: taking the $HG_NAME runtime out of daemon.json ($1)"
		hg_dj remove "$HG_NAME" --reload-safe --record || return 1
		HG_EXP_RT=absent
		if [ "$HG_CUR_DEFAULT" = "$HG_NAME" ]; then
			HG_TIDY=runc
		else
			HG_TIDY=${HG_TIDY:-yes}
		fi
		return 0
	fi
	if [ "$HG_ENTRY" != absent ] && [ "$HG_RECORDED" = yes ]; then
		hg_say "daemon.json: the $HG_NAME runtime was edited since this package added it; left as it is"
	fi
	hg_unmark runtime network-none || return 1
	if [ "$HG_ENTRY" != absent ]; then
		hg_unset_default_only || return 1
	else
		hg_unmark default || return 1
	fi
}

# hg_next_runsc: HG_NEXT, the command that brings a runsc that works here.
hg_next_runsc() {
	if hg_apt_source_present; then
		HG_NEXT="apt update && apt upgrade    (brings gVisor's current runsc from the gVisor repository)"
	else
		HG_NEXT="add the gVisor repository (dpkg-reconfigure hersh-gvisor, apt-source yes), then: apt update && apt install runsc"
	fi
}

# hg_platform_choice: HG_PLATFORM_ARG, the --platform flag to write (empty:
# runsc's own default), from the platform answer, what the installed
# runsc offers and, for kvm, whether a sandbox starts under it here.  In
# an image build (policy-rc.d forbids service actions) the image is not
# the machine it will boot on: the answer is written as asked, unprobed.
hg_platform_choice() {
	HG_PLATFORM_ARG=''
	[ -n "$HG_PLATFORM" ] || return 0
	case " $HG_RUNTIME_ARGS " in
	*" --platform="* | *" --platform "*)
		hg_say "runsc: platform $HG_PLATFORM not written: runtime-args sets a platform already"
		return 0 ;;
	esac
	hg_runsc_platforms || true
	case " $HG_RUNSC_PLATFORMS " in
	*" $HG_PLATFORM "*) ;;
	*)
		hg_say "runsc: platform $HG_PLATFORM not written: $HG_RUNSC_VERSION offers ${HG_RUNSC_PLATFORMS:-no known platform};" \
			"runsc's default stays"
		return 0 ;;
	esac
	if hg_policy_forbids reload; then
		HG_PLATFORM_ARG=--platform=$HG_PLATFORM
		hg_say "runsc: platform $HG_PLATFORM written as asked, not probed (an image build: service actions are forbidden);" \
			"hersh-gvisor-check on the booted host tells whether it works there"
		return 0
	fi
	if [ "$HG_PLATFORM" = kvm ]; then
		if ! hg_platform_probe kvm "$HG_PROBE_SECONDS"; then
			hg_say "runsc: platform kvm not written: $HG_WHY; runsc's default stays"
			return 0
		fi
		hg_say "runsc: a sandbox starts under kvm here"
	fi
	HG_PLATFORM_ARG=--platform=$HG_PLATFORM
	hg_say "runsc: platform $HG_PLATFORM"
}

# hg_runtime_args: HG_ARGS, the runsc flags to write (space-separated):
# the answer and the platform, or --network=none for a runsc too old for
# this kernel; HG_NETNONE when --network=none was added for that reason.
hg_runtime_args() {
	hg_split_args "$HG_RUNTIME_ARGS"
	HG_ARGS=$HG_SPLIT
	HG_NETNONE=''
	hg_platform_choice
	hg_image_kernel
	if hg_runsc_netbroken; then
		hg_next_runsc
		if [ -z "$HG_ARGS" ]; then
			HG_NETNONE=1
			hg_say "runsc: $HG_RUNSC_VERSION predates gVisor's fix for Linux $HG_KERNEL (release $HG_FACT_RUNSC_FIXED," \
				"issue 10704): the runtime gets --network=none so containers start;" \
				"networking in the sandbox is off until runsc is upgraded"
			HG_ARGS=--network=none
		else
			case " $HG_ARGS " in
			*" --network=none "*) ;;
			*)
				hg_say "warning: runsc: $HG_RUNSC_VERSION predates gVisor's fix for Linux $HG_KERNEL" \
					"(release $HG_FACT_RUNSC_FIXED, issue 10704): containers under it fail to start" \
					"unless runtime-args has --network=none" ;;
			esac
		fi
	elif hg_marked network-none; then
		hg_say "runsc: $HG_RUNSC_VERSION has gVisor's fix for this kernel: --network=none," \
			"added for the older runsc, is taken out again"
	fi
	HG_ARGS="$HG_ARGS${HG_PLATFORM_ARG:+ }$HG_PLATFORM_ARG"
	HG_ARGS=${HG_ARGS# }
}

# hg_docker_add: add or update our runtime entry as the answers say.
hg_docker_add() {
	HG_EXP_RT=''
	case $HG_ENTRY in
	upstream)
		hg_say "daemon.json: the $HG_NAME entry is the one runsc's own package writes (runsc install);" \
			"this package manages it from now on" ;;
	foreign)
		hg_say "daemon.json: a $HG_NAME runtime not added by this package (or edited since) is there; left as it is"
		HG_EXP_RT=foreign
		hg_unmark runtime network-none || return 1
		if [ "$HG_DEFAULT_RUNTIME" != true ]; then
			hg_unset_default_only || return 1
		fi
		return 0 ;;
	esac
	hg_default=
	if [ "$HG_DEFAULT_RUNTIME" = true ]; then
		if [ -z "$HG_CUR_DEFAULT" ]; then
			hg_default=--set-default
		elif [ "$HG_CUR_DEFAULT" != "$HG_NAME" ]; then
			hg_say "daemon.json: default-runtime is $HG_CUR_DEFAULT, set by someone else; not changed to $HG_NAME"
		fi
	elif hg_marked default && [ "$HG_CUR_DEFAULT" = "$HG_NAME" ]; then
		hg_default=--unset-default
		HG_TIDY=runc
	fi
	hg_runtime_args
	# The flags, split at blanks only: no globbing, no evaluation.
	hg_oldifs=$IFS
	IFS=' '
	set -f
	# shellcheck disable=SC2086 # one flag a word
	set -- $HG_ARGS
	set +f
	IFS=$hg_oldifs
	hg_n=$#
	for hg_a; do
		set -- "$@" --runtime-arg "$hg_a"
	done
	shift "$hg_n"
	# Without flags, drop those of our own entry (add keeps them otherwise).
	[ $# -gt 0 ] || set -- --no-runtime-args
	if [ "$hg_default" = --unset-default ]; then
		set -- "$@" --reload-safe
	fi
	hg_dj add "$HG_NAME" "$HG_RUNSC" ${hg_default:+"$hg_default"} "$@" --record || return 1
	HG_EXP_RT=ours
	if [ -n "$HG_NETNONE" ]; then
		hg_mark network-none "runsc $HG_RUNSC_DATE predates $HG_FACT_RUNSC_FIXED on Linux $HG_KERNEL" || return 1
	else
		hg_unmark network-none || return 1
	fi
}

# hg_docker_configure: bring daemon.json in line with the answers.
hg_docker_configure() {
	hg_dj_facts || return 1
	hg_restore_layout || return 1
	if [ "$HG_CONFIGURE_DOCKER" != true ]; then
		if [ "$HG_RECORDED" = yes ] || hg_marked default; then
			hg_docker_takeout "configure-docker is false" || return 1
		else
			hg_say "Docker: not configured (configure-docker is false)"
		fi
	elif [ ! -x "$HG_RUNSC" ]; then
		if [ "$HG_RECORDED" = yes ] || hg_marked default; then
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

# ----------------------------------------------------------------- dockerd

hg_have_systemd() {
	[ -d "$HG_SYSTEMD_DIR" ]
}

# hg_proc_uids_root PID: every user id of PID (real, effective, saved, file
# system) is root's.
hg_proc_uids_root() {
	while read -r hg_k hg_a hg_b hg_c hg_d; do
		if [ "$hg_k" = Uid: ]; then
			[ "$hg_a$hg_b$hg_c$hg_d" = 0000 ]
			return
		fi
	done 2>/dev/null <"$HG_PROC/$1/status"
	return 1
}

# hg_dockerd_trusted PID: PID is this host's Docker daemon, one root may
# signal and whose binary root may run: named dockerd, every user id root,
# in our mount and pid namespaces (a dockerd in a container or another
# root sees other files: it is not this host's Docker), running a dockerd
# binary root may trust.  Sets HG_DOCKERD_EXE (what to run for --validate)
# or HG_WHY.  A user cannot look at root's processes that closely: for a
# user the name and the user ids decide.
hg_dockerd_trusted() {
	HG_WHY='' HG_DOCKERD_EXE=''
	case $1 in
	'' | 0 | *[!0-9]*) HG_WHY="'$1' is not a process id"; return 1 ;;
	esac
	hg_comm=
	read -r hg_comm 2>/dev/null <"$HG_PROC/$1/comm" || true
	if [ "$hg_comm" != dockerd ]; then
		HG_WHY="pid $1 is not dockerd"
		return 1
	fi
	if ! hg_proc_uids_root "$1"; then
		HG_WHY="pid $1 is a dockerd that does not run as root"
		return 1
	fi
	[ "$HG_IS_ROOT" = 1 ] || return 0
	if [ "$(readlink "$HG_PROC/$1/ns/mnt" 2>/dev/null)" != "$(readlink "$HG_PROC/self/ns/mnt" 2>/dev/null)" ] ||
		[ "$(readlink "$HG_PROC/$1/ns/pid" 2>/dev/null)" != "$(readlink "$HG_PROC/self/ns/pid" 2>/dev/null)" ]; then
		HG_WHY="pid $1 is a dockerd of another mount or pid namespace (a container's or another root's, not this host's)"
		return 1
	fi
	if ! hg_exe=$(readlink "$HG_PROC/$1/exe" 2>/dev/null) || [ -z "$hg_exe" ]; then
		HG_WHY="pid $1: its executable cannot be inspected"
		return 1
	fi
	hg_exe=${hg_exe% (deleted)}
	case ${hg_exe##*/} in
	dockerd) ;;
	qemu-*)
		HG_WHY="pid $1 runs $hg_exe, an emulator running dockerd for another architecture, not a dockerd binary of this host"
		return 1 ;;
	*)
		HG_WHY="pid $1 is called dockerd but runs $hg_exe"
		return 1 ;;
	esac
	if ! hg_trusted "$HG_PROC/$1/exe"; then
		HG_WHY="pid $1 runs $hg_exe, and $HG_WHY"
		return 1
	fi
	if [ -e "$hg_exe" ] &&
		[ "$(stat -L -c %d:%i -- "$hg_exe" 2>/dev/null)" = "$(stat -L -c %d:%i -- "$HG_PROC/$1/exe" 2>/dev/null)" ]; then
		HG_DOCKERD_EXE=$hg_exe
	else
		HG_DOCKERD_EXE=$HG_PROC/$1/exe	# upgraded while running
	fi
	return 0
}

# hg_dockerd_candidates: the pids that may be the Docker daemon: the
# unit's MainPID under systemd, the pidfile's, then every process called
# dockerd.
hg_dockerd_candidates() {
	if hg_have_systemd; then
		timeout 10 systemctl show -p MainPID --value "$HG_DOCKER_UNIT" 2>/dev/null </dev/null || true
	fi
	if [ -f "$HG_DOCKER_PIDFILE" ]; then
		# dockerd writes its pid without a newline.
		hg_p=$(head -c 32 "$HG_DOCKER_PIDFILE" 2>/dev/null | head -n 1) || hg_p=
		printf '%s\n' "$hg_p"
	fi
	for hg_d in "$HG_PROC"/[0-9]*; do
		hg_c=
		read -r hg_c 2>/dev/null <"$hg_d/comm" || continue
		[ "$hg_c" != dockerd ] || printf '%s\n' "${hg_d##*/}"
	done
}

# hg_dockerd_facts: find this host's Docker daemon (HG_DOCKERD_PID,
# HG_DOCKERD_EXE, its socket HG_DOCKERD_SOCK and its command line's
# --add-runtime, --default-runtime and --config-file in
# HG_DOCKERD_ADD_RUNTIMES, HG_DOCKERD_DEFAULT, HG_DOCKERD_CONFIG);
# HG_DOCKERD_NOTE lists the dockerd processes passed over and why.  Fails
# when none runs.
hg_dockerd_facts() {
	HG_DOCKERD_PID='' HG_DOCKERD_EXE='' HG_DOCKERD_SOCK='' HG_DOCKERD_NOTE=''
	HG_DOCKERD_ADD_RUNTIMES='' HG_DOCKERD_DEFAULT='' HG_DOCKERD_CONFIG=''
	hg_seen=' '
	for hg_pid in $(hg_dockerd_candidates); do
		case $hg_seen in *" $hg_pid "*) continue ;; esac
		hg_seen="$hg_seen$hg_pid "
		case $hg_pid in '' | 0 | *[!0-9]*) continue ;; esac
		if hg_dockerd_trusted "$hg_pid"; then
			HG_DOCKERD_PID=$hg_pid
			break
		fi
		case $HG_WHY in
		*"another mount or pid namespace"* | *"is not dockerd") ;;	# not this host's, or not one at all
		*) HG_DOCKERD_NOTE="$HG_DOCKERD_NOTE${HG_DOCKERD_NOTE:+; }$HG_WHY" ;;
		esac
	done
	[ -n "$HG_DOCKERD_PID" ] || return 1
	hg_dockerd_cmdline "$HG_DOCKERD_PID"
	return 0
}

# hg_dockerd_cmdline PID: what dockerd's command line says about its socket
# (the first unix -H/--host, or fd:// from systemd's docker.socket),
# runtimes, default runtime and configuration file.
hg_dockerd_cmdline() {
	HG_DOCKERD_SOCK=''
	hg_prev=
	# NUL-separated arguments, one a line (an argument holding a newline
	# is cut there: it is not one of the options read here).
	while IFS= read -r hg_a; do
		case $hg_prev in
		-H | --host) hg_dockerd_host "$hg_a" ;;
		--add-runtime) HG_DOCKERD_ADD_RUNTIMES="$HG_DOCKERD_ADD_RUNTIMES${HG_DOCKERD_ADD_RUNTIMES:+ }$hg_a" ;;
		--default-runtime) HG_DOCKERD_DEFAULT=$hg_a ;;
		--config-file) HG_DOCKERD_CONFIG=$hg_a ;;
		esac
		case $hg_a in
		-H=* | --host=*) hg_dockerd_host "${hg_a#*=}" ;;
		--add-runtime=*) HG_DOCKERD_ADD_RUNTIMES="$HG_DOCKERD_ADD_RUNTIMES${HG_DOCKERD_ADD_RUNTIMES:+ }${hg_a#*=}" ;;
		--default-runtime=*) HG_DOCKERD_DEFAULT=${hg_a#*=} ;;
		--config-file=*) HG_DOCKERD_CONFIG=${hg_a#*=} ;;
		esac
		hg_prev=$hg_a
	done <<EOF
$(tr '\0' '\n' <"$HG_PROC/$1/cmdline" 2>/dev/null)
EOF
	[ -n "$HG_DOCKERD_SOCK" ] || HG_DOCKERD_SOCK=$HG_DOCKER_SOCKET
}

hg_dockerd_host() {
	[ -z "$HG_DOCKERD_SOCK" ] || return 0
	case $1 in
	unix://*) HG_DOCKERD_SOCK=${1#unix://} ;;
	fd://*) HG_DOCKERD_SOCK=$HG_DOCKER_SOCKET ;;
	esac
}

# hg_docker ARGS...: the docker command (at most 30 s), talking only to the
# socket of the dockerd hg_dockerd_facts found.  For root, none of the
# caller's Docker client settings count: no other host or context, no
# configuration directory (so no CLI plugin of anyone's), no TLS files.
hg_docker() {
	hg_docker_timed 30 "$@" </dev/null
}

# hg_docker_timed SECONDS ARGS...: hg_docker with a deadline of SECONDS and
# the caller's standard input (docker import reads the image from it).
# For root, every variable of HG_DOCKER_CLIENT_VARS is unset and the
# client gets no configuration directory.
hg_docker_timed() {
	[ -n "$HG_DOCKERD_SOCK" ] || return 1
	hg_secs=$1
	shift
	if [ "$HG_IS_ROOT" = 1 ]; then
		(
			for hg_v in $HG_DOCKER_CLIENT_VARS; do
				unset "$hg_v"
			done
			DOCKER_HOST=unix://$HG_DOCKERD_SOCK
			DOCKER_CONFIG=/nonexistent/hersh-gvisor
			export DOCKER_HOST DOCKER_CONFIG
			exec timeout "$hg_secs" docker "$@"
		)
	else
		timeout "$hg_secs" docker "$@"
	fi
}

# hg_docker_running: Docker's daemon runs here (systemd's word for the unit
# when it runs, else the dockerd found).
hg_docker_running() {
	hg_dockerd_facts
}

# ------------------------------------------------------------ Docker's word

# hg_dockerd_binary: the dockerd to ask (--validate): the one running,
# else an installed one root may run.
hg_dockerd_binary() {
	if [ -n "$HG_DOCKERD_EXE" ]; then
		printf '%s\n' "$HG_DOCKERD_EXE"
		return 0
	fi
	for hg_b in $HG_DOCKERD_BINS; do
		if [ -x "$hg_b" ] && hg_trusted "$hg_b"; then
			printf '%s\n' "$hg_b"
			return 0
		fi
	done
	return 1
}

# hg_validate_facts FILE: Docker's own word on FILE (Docker 23 and later:
# dockerd --validate).  HG_VALIDATE: ok, refused (HG_VALIDATE_MSG: Docker's
# last line), unsupported (an older dockerd), none (no dockerd to ask, or it
# cannot read the file as this user).
hg_validate_facts() {
	HG_VALIDATE=none HG_VALIDATE_MSG=''
	hg_bin=$(hg_dockerd_binary) || return 0
	hg_rc=0
	hg_out=$(timeout 30 "$hg_bin" --validate --config-file "$1" 2>&1 </dev/null) || hg_rc=$?
	if [ "$hg_rc" -eq 0 ]; then
		HG_VALIDATE=ok
		return 0
	fi
	case $hg_out in
	*"unknown flag"*) HG_VALIDATE=unsupported; return 0 ;;
	esac
	HG_VALIDATE_MSG=$(printf '%s\n' "$hg_out" | grep -v '^[[:space:]]*$' | tail -n 1)
	case $HG_VALIDATE_MSG in
	*"root privileges"* | *"ermission denied"*)
		if [ "$HG_IS_ROOT" != 1 ]; then
			HG_VALIDATE=none
			return 0
		fi ;;
	esac
	HG_VALIDATE=refused
	return 0
}

# hg_log_msg LINE: the msg="..." of a logrus line (the line when it has none).
hg_log_msg() {
	hg_m=$1
	case $hg_m in
	*' msg="'*)
		hg_m=${hg_m#* msg=\"}
		hg_m=${hg_m%%\" [a-z]*=*}
		hg_m=${hg_m%\"} ;;
	esac
	printf '%s\n' "$hg_m" | sed 's/\\"/"/g'
}

# hg_docker_validate: Docker's word on daemon.json before a reload; fails,
# after printing Docker's words, when Docker refuses it.
hg_docker_validate() {
	hg_validate_facts "$HG_DAEMON_JSON"
	case $HG_VALIDATE in
	ok) hg_say "Docker: dockerd --validate accepts $HG_DAEMON_JSON" ;;
	refused)
		hg_say "Docker: dockerd --validate refuses $HG_DAEMON_JSON:"
		hg_say_lines "Docker" "$(hg_log_msg "$HG_VALIDATE_MSG")"
		hg_say "Docker: not reloaded: it would not take this file." \
			"The edit stays; fix $HG_DAEMON_JSON, then run: dpkg-reconfigure hersh-gvisor"
		return 1 ;;
	esac
	return 0
}

# ---- Docker's log

# hg_log_mark PID: remember where Docker's log ends now (HG_LOG: journal,
# file or nothing).
hg_log_mark() {
	HG_LOG='' HG_LOG_FILE='' HG_LOG_NAME='' HG_LOG_CURSOR='' HG_LOG_OFF=''
	if hg_have_systemd && command -v journalctl >/dev/null 2>&1; then
		HG_LOG_CURSOR=$(timeout 10 journalctl -u "$HG_DOCKER_UNIT" -n 0 --show-cursor -q --no-pager 2>/dev/null |
			sed -n 's/^-- cursor: //p')
		HG_LOG_SINCE=$(date +%s)
		HG_LOG=journal
		return 0
	fi
	hg_log_file "${1:-}" || return 0
	HG_LOG_OFF=$(stat -L -c %s "$HG_LOG_FILE" 2>/dev/null) || return 0
	HG_LOG='file'
}

# hg_log_file PID: HG_LOG_FILE, the regular file dockerd's standard error
# goes to (the sysvinit script's /var/log/docker.log, or where its starter
# put it: root only), and HG_LOG_NAME, its name.
hg_log_file() {
	if [ -n "${1:-}" ] && [ -f "$HG_PROC/$1/fd/2" ] && [ -r "$HG_PROC/$1/fd/2" ]; then
		HG_LOG_FILE=$HG_PROC/$1/fd/2
		HG_LOG_NAME=$(readlink "$HG_LOG_FILE" 2>/dev/null) || HG_LOG_NAME=$HG_LOG_FILE
		return 0
	fi
	# Root reads the init script's log file only when others cannot have
	# put something else there.
	if [ -f "$HG_DOCKER_LOG" ] && [ -r "$HG_DOCKER_LOG" ] &&
		{ [ "$HG_IS_ROOT" != 1 ] || hg_trusted "$HG_DOCKER_LOG"; }; then
		HG_LOG_FILE=$HG_DOCKER_LOG
		HG_LOG_NAME=$HG_DOCKER_LOG
		return 0
	fi
	return 1
}

# What Docker logged since hg_log_mark (at most the last 2000 lines).
hg_log_since() {
	case $HG_LOG in
	journal)
		if [ -n "$HG_LOG_CURSOR" ]; then
			timeout 10 journalctl -u "$HG_DOCKER_UNIT" --after-cursor="$HG_LOG_CURSOR" -o cat -q --no-pager 2>/dev/null
		else
			timeout 10 journalctl -u "$HG_DOCKER_UNIT" --since="@$HG_LOG_SINCE" -o cat -q --no-pager 2>/dev/null
		fi ;;
	file)
		timeout 10 tail -c +"$((HG_LOG_OFF + 1))" "$HG_LOG_FILE" 2>/dev/null | tail -n 2000 ;;
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

# hg_log_of_dockerd PID: the log of the running dockerd since it started
# (the file its standard error goes to, its journal, or the init script's
# log file), at most its last 5000 lines.
hg_log_of_dockerd() {
	hg_lines=
	if hg_log_file "$1"; then
		hg_lines=$(timeout 10 tail -n 5000 "$HG_LOG_FILE" 2>/dev/null)
	fi
	if [ -z "$hg_lines" ] && hg_have_systemd && command -v journalctl >/dev/null 2>&1; then
		hg_lines=$(timeout 10 journalctl "_PID=$1" -o cat --no-pager -n 5000 2>/dev/null)
	fi
	[ -n "$hg_lines" ] || return 1
	printf '%s\n' "$hg_lines" | awk '/msg="Starting up"/ { n = 0 } { l[n++] = $0 } END { for (i = 0; i < n; i++) print l[i] }'
}

# hg_last_reload_facts PID: the outcome of dockerd's last reload of its
# configuration, from its log: HG_RELOAD (none, ok, error), HG_RELOAD_TIME
# (seconds since the epoch), HG_RELOAD_MSG (Docker's words on an error).
# Fails when the log cannot be read.
hg_last_reload_facts() {
	HG_RELOAD=none HG_RELOAD_TIME='' HG_RELOAD_MSG=''
	hg_lines=$(hg_log_of_dockerd "$1") || return 1
	hg_line=$(printf '%s\n' "$hg_lines" | awk '
		/Got signal to reload configuration/ { sig = $0; res = ""; k = 0; next }
		{ k++ }
		sig != "" && res == "" && k <= 20 && /Reloaded configuration/ { res = "ok " $0 }
		sig != "" && res == "" && k <= 20 && /level=(error|fatal)/ { res = "error " $0 }
		END { if (sig != "") print (res != "" ? res : "none " sig) }')
	[ -n "$hg_line" ] || return 0
	HG_RELOAD=${hg_line%% *}
	hg_line=${hg_line#* }
	hg_t=$(printf '%s\n' "$hg_line" | sed -n 's/^time="\([^"]*\)".*/\1/p')
	[ -z "$hg_t" ] || HG_RELOAD_TIME=$(date -d "$hg_t" +%s 2>/dev/null) || HG_RELOAD_TIME=
	[ "$HG_RELOAD" != error ] || HG_RELOAD_MSG=$(hg_log_msg "$hg_line")
	return 0
}

# ---- what Docker says it runs

# hg_expected: what daemon.json says Docker should list: HG_EXP_DEF (the
# default runtime), HG_EXP_LINE (the runtime's path and arguments) and,
# unless the edit said already, HG_EXP_RT (ours, foreign, absent).
hg_expected() {
	hg_dj_facts || return 1
	HG_EXP_DEF=$HG_CUR_DEFAULT
	HG_EXP_LINE=$HG_CUR_LINE
	if [ -z "$HG_EXP_RT" ]; then
		if [ -n "$HG_CUR_LINE" ]; then
			HG_EXP_RT=foreign
		else
			HG_EXP_RT=absent
		fi
	fi
}

# hg_docker_view: Docker's view: HG_SEEN_DEF, and HG_SEEN_LINE "PATH ARG..."
# of the runtime (empty when Docker does not know it).  Fails when Docker
# cannot be asked.
hg_docker_view() {
	command -v docker >/dev/null 2>&1 || return 1
	hg_v=$(hg_docker info --format \
		"{{.DefaultRuntime}}|{{(index .Runtimes \"$HG_NAME\").Path}}{{range (index .Runtimes \"$HG_NAME\").Args}} {{.}}{{end}}" \
		2>/dev/null) || return 1
	HG_SEEN_DEF=${hg_v%%|*}
	HG_SEEN_LINE=${hg_v#*|}
}

# hg_docker_agrees: Docker's view (asked now) matches what daemon.json says.
hg_docker_agrees() {
	hg_docker_view && hg_view_agrees
}

# hg_view_agrees: the view last asked (hg_docker_view) matches the file.
hg_view_agrees() {
	case $HG_EXP_RT in
	absent) [ -z "$HG_SEEN_LINE" ] || return 1 ;;
	*) [ "$HG_SEEN_LINE" = "$HG_EXP_LINE" ] || return 1 ;;
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
	HG_CONFIRMED=''
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
		[ -z "$hg_verdict" ] || break
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

# hg_policy_forbids ACTION: policy-rc.d forbids ACTION on docker (its
# exit status other than 0 and 104: 101 in image builds).  HG_WHY says so.
hg_policy_forbids() {
	[ -x "$HG_POLICY_RC_D" ] || return 1
	hg_rc=0
	timeout 10 "$HG_POLICY_RC_D" docker "$1" >/dev/null 2>&1 </dev/null || hg_rc=$?
	case $hg_rc in
	0 | 104) return 1 ;;
	esac
	HG_WHY="policy-rc.d forbids service actions (exit $hg_rc)"
	return 0
}

# Under systemd, the unit's reload failed (docker.io's ExecReload is
# /bin/kill, absent without procps): signal its main process ourselves.
hg_systemd_hup() {
	if [ -z "$HG_DOCKERD_PID" ]; then
		hg_say "Docker: systemctl reload $HG_DOCKER_UNIT failed and its MainPID is not a dockerd root may signal; see its status"
		return 1
	fi
	kill -HUP "$HG_DOCKERD_PID" || return 1
	hg_say "Docker: systemctl reload $HG_DOCKER_UNIT failed (see its status);" \
		"sent SIGHUP, dockerd's reload, to its main process $HG_DOCKERD_PID instead"
}

# hg_signal: tell Docker to read daemon.json (HG_DOCKER_ACTION reload or
# restart).
hg_signal() {
	if hg_have_systemd; then
		if timeout 60 deb-systemd-invoke "$HG_DOCKER_ACTION" "$HG_DOCKER_UNIT" >/dev/null 2>&1 </dev/null; then
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
		[ -n "$HG_DOCKERD_PID" ] || { hg_say "Docker: dockerd went away"; return 1; }
		kill -HUP "$HG_DOCKERD_PID" || return 1
	else
		timeout 120 invoke-rc.d docker restart >/dev/null 2>&1 </dev/null || {
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
	HG_TIDY=''
}

# hg_apply: bring a running Docker in line with daemon.json, then tidy.
# Converges: Docker is told whenever what it lists differs from the file,
# not only when this run changed the file (a reload forbidden earlier is
# caught up); the summary says which.  Fails only when the tidy fails.
hg_apply() {
	hg_apply_docker
	hg_tidy || return 1
}

hg_apply_docker() {
	HG_CONFIRMED='' HG_DOCKER_DOWN=''
	if ! hg_docker_running; then
		HG_DOCKER_DOWN=1
		if [ -n "$HG_CHANGED" ]; then
			hg_say "Docker: not running; it reads the new daemon.json when it starts"
		else
			hg_say "Docker: not running"
		fi
		return 0
	fi
	hg_expected || return 0
	if hg_docker_view; then
		if hg_view_agrees; then
			HG_CONFIRMED=1
			if [ -n "$HG_CHANGED" ]; then
				hg_say "Docker: already lists the runtime as daemon.json now says; nothing to reload"
			else
				hg_say "Docker: has this daemon.json already; nothing to apply"
			fi
			hg_say_listing
			return 0
		fi
		if [ -n "$HG_CHANGED" ]; then
			hg_why="daemon.json changed"
		else
			hg_why="daemon.json is unchanged, but Docker lists ${HG_SEEN_LINE:-no $HG_NAME runtime}${HG_SEEN_DEF:+ (default runtime $HG_SEEN_DEF)}, not what it says (a reload forbidden or failed earlier)"
		fi
	elif [ -n "$HG_CHANGED" ]; then
		hg_why="daemon.json changed"
	else
		hg_say "Docker: nothing to apply (daemon.json unchanged; Docker cannot be asked what it lists)"
		return 0
	fi
	if [ "$HG_DOCKER_ACTION" = none ]; then
		hg_say "Docker: $hg_why; not reloaded (docker-action is none): it takes effect when Docker next starts"
		return 0
	fi
	hg_say "Docker: $hg_why"
	hg_docker_validate || return 0
	if hg_policy_forbids "$HG_DOCKER_ACTION"; then
		hg_say "Docker: not ${HG_DOCKER_ACTION}ed: $HG_WHY;" \
			"the change takes effect when Docker next starts, or at the next dpkg-reconfigure hersh-gvisor"
		return 0
	fi
	hg_log_mark "$HG_DOCKERD_PID"
	hg_signal || return 0
	hg_say "Docker: ${HG_DOCKER_ACTION}ed"
	hg_confirm
}

# prerm: warn about containers running under our runtime.
hg_warn_containers() {
	command -v docker >/dev/null 2>&1 || return 0
	hg_docker_running || return 0
	hg_ids=$(hg_docker ps -q 2>/dev/null) || return 0
	[ -n "$hg_ids" ] || return 0
	# shellcheck disable=SC2086 # one id per word
	hg_docker inspect --format '{{.HostConfig.Runtime}} {{.Name}}' $hg_ids 2>/dev/null |
		while read -r hg_rt hg_cname; do
			[ "$hg_rt" = "$HG_NAME" ] || continue
			hg_say "warning: container ${hg_cname#/} runs under $HG_NAME; it keeps running, but Docker cannot start it again once the runtime is gone"
		done
	return 0
}

# ----------------------------------------------------------- entry points

# hg_postinst ACTION: postinst configure / triggered / abort-*: ACTION is
# "configure" (may fail on a daemon.json it cannot read) or anything else
# (warns and succeeds).
hg_postinst() {
	# The helpers a removal kept for the purge (hg_keep_purge_helpers).
	rm -f "$HG_STATE/hersh-daemon-json" "$HG_STATE/hersh-apt-source" 2>/dev/null || true
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

# hg_keep_purge_helpers: the purge (postrm) runs when the package's files
# are gone: it gets copies of the two helpers in the state directory
# (plain files there: the purge removes the directory without entering
# any directory in it).
hg_keep_purge_helpers() {
	[ -d "$HG_STATE" ] || return 0
	for hg_h in "$HG_DJ" "$HG_AS"; do
		cp "$hg_h" "$HG_STATE/${hg_h##*/}.new" && chmod 0700 "$HG_STATE/${hg_h##*/}.new" &&
			mv -f "$HG_STATE/${hg_h##*/}.new" "$HG_STATE/${hg_h##*/}" || return 1
	done
}

# hg_prerm_remove: prerm remove.  Never fails (a file no package owns must
# not make the package impossible to remove).
hg_prerm_remove() {
	if hg_dj_facts && hg_docker_takeout "package removed"; then
		if [ -n "$HG_CHANGED" ]; then
			hg_warn_containers
		fi
		hg_apply || hg_say "warning: $HG_DAEMON_JSON: the tidy step failed (message above)"
		"$HG_DJ" --state "$HG_STATE" forget >/dev/null || true
	else
		hg_say "warning: $HG_DAEMON_JSON could not be read or written (message above); left as it is," \
			"with the $HG_NAME runtime this package added still in it. The record in $HG_STATE stays:" \
			"fix the file and install the package again to have it taken out, or delete the" \
			"\"$HG_NAME\" entry by hand"
	fi
	if hg_apt_facts answers && [ -n "$HG_APT_OURS" ]; then
		hg_say "apt source: the gVisor source and key stay until the package is purged"
	fi
	hg_keep_purge_helpers ||
		hg_say "warning: could not keep the helpers for the purge in $HG_STATE"
	return 0
}
