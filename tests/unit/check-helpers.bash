# shellcheck shell=bash
# Shared by the check's unit tests (tests/unit/check-*.bats): the parts of
# hersh-gvisor-check sourced for their functions (judge tests), and the
# built command run end to end against a test root, stub helpers and stub
# commands (CLI tests).  Any user, no Docker.  As root, a run that needs
# stub commands on PATH drops to user nobody (root's PATH is fixed);
# root's own behaviour is tested as root with root-owned stubs.
#     load check-helpers

# The variables set here are read by the sourced parts, and those read here
# set by them (or by bats: output, stderr).
# shellcheck disable=SC2034,SC2154

load ../lib/common
bats_require_minimum_version 1.5.0

CHECK=$HERSH_BIN_DIR/hersh-gvisor-check
NOBODY=65534

# ---------------------------------------------------------------- judges

# parts_setup: the library and the check's parts, sourced, with facts of a
# working host (each test changes what it is about).
parts_setup() {
	HG_DATADIR=$HERSH_BIN_DIR/share/hersh-gvisor
	# shellcheck source=src/shell/lib.sh
	. "$HERSH_SRC/src/shell/lib.sh"
	local p
	for p in output runsc apt daemon-json docker contract; do
		# shellcheck source=/dev/null
		. "$HERSH_SRC/src/check/$p.sh"
	done
	hg_init
	T=$BATS_TEST_TMPDIR
	opt_json=1 opt_quiet=0 opt_bench=0 opt_pull=0 image='' runtime=runsc
	IS_ROOT=$HG_IS_ROOT SUDO="sudo " ME=alice RUN_ID=1-2 config=/etc/docker/daemon.json
	default_config=/etc/docker/daemon.json check_root='' contract_drop=''
	output_init
	working_facts
}

# working_facts: every fact as on a host where everything works.
working_facts() {
	fix_reload="sudo systemctl reload docker" fix_start="sudo systemctl start docker"
	fix_restart="sudo systemctl restart docker" dockerd_opts_where="docker.service"
	fix_gvisor_source="FIX-SOURCE" fix_install_runsc="FIX-INSTALL-RUNSC" fix_add_runtime="FIX-ADD-RUNTIME"
	# runsc
	runsc_bin=/usr/bin/runsc runsc_guess=/usr/bin/runsc rs_state=ok rs_why=''
	runsc_default=/usr/bin/runsc
	rs_version="runsc version release-20260914.0" rs_date=20260914 rs_pkg=runsc rs_kernel_affected=1
	HG_KERNEL=6.12.0
	gb_dir='' gb_label='' gb_missing=() gb_untrusted=() gb_other=() gb_same=() gb_nolabel=()
	rt_platform='' pf_state=none pf_why='' pf_offers='' platform_blocks=0
	# apt
	ap_state=ok ap_err='' ap_nsources=1 ap_signers=/usr/share/keyrings/gvisor-archive-keyring.gpg
	ap_src_desc="/etc/apt/sources.list.d/gvisor.list (one-line, https://storage.googleapis.com/gvisor/releases release, signed-by /usr/share/keyrings/gvisor-archive-keyring.gpg)"
	ap_uris=(https://storage.googleapis.com/gvisor/releases) ap_uri=https://storage.googleapis.com/gvisor/releases
	ap_fpr=$HG_FACT_FINGERPRINT ap_key_url=''
	ap_kr_path=/usr/share/keyrings/gvisor-archive-keyring.gpg ap_kr_state=ok ap_kr_fpr=$HG_FACT_FINGERPRINT
	ap_kr_expires=never ap_now=1800000000
	ap_pin_path=/etc/apt/preferences.d/hersh-gvisor ap_pin_state=ok ap_pin_by=origin:storage.googleapis.com
	ap_shared=() ap_want_source=true ap_want_pin=true ap_installed=1
	ar_inst=20260914.0 ar_cand=20260914.0 ar_origin='' ar_policy=1
	# daemon.json
	dj=ok dj_err='' dj_has_runtimes=1 dj_default='' dj_runtimes=(runsc) dj_entry=1
	rt_path=/usr/bin/runsc rt_has_path=1 rt_type='' rt_args=() rt_state=ok rt_why=''
	dv_status=ok dv_text="dockerd --validate: configuration OK"
	# Docker
	dk_pid=42 dk_note='' dk_args=(dockerd -H fd://) dk_args_read=1 dk_host=''
	flag_runtimes=() flag_rt_path='' flag_config='' flag_default='' config_is_dockerds=1
	dk_client=present dk_ok=1 dk_err='' dk_runtimes="io.containerd.runc.v2 runc runsc"
	dk_rt_line=/usr/bin/runsc me_in_docker_group=1
	pitfall_blocks=0 hello_ok=0 test_image='' image_how=''
}

# status_of ID: the status recorded for check ID.
status_of() {
	local i
	for ((i = 0; i < ${#r_id[@]}; i++)); do
		[ "${r_id[i]}" = "$1" ] && { printf '%s\n' "${r_status[i]}"; return 0; }
	done
	return 1
}

# assert_record ID STATUS [DETAIL-PART [FIX-PART]]: check ID was recorded
# with STATUS, its detail holding DETAIL-PART and its fix FIX-PART (an
# empty FIX-PART: no fix at all).
assert_record() {
	local i
	for ((i = 0; i < ${#r_id[@]}; i++)); do
		[ "${r_id[i]}" = "$1" ] || continue
		[ "${r_status[i]}" = "$2" ] ||
			fail "$1: status ${r_status[i]}, not $2 (detail: ${r_detail[i]})"
		if [ $# -ge 3 ] && [[ ${r_detail[i]} != *"$3"* ]]; then
			fail "$1: the detail lacks '$3': ${r_detail[i]}"
		fi
		if [ $# -ge 4 ]; then
			if [ -z "$4" ]; then
				[ -z "${r_fix[i]}" ] || fail "$1: a fix where none was expected: ${r_fix[i]}"
			elif [[ ${r_fix[i]} != *"$4"* ]]; then
				fail "$1: the fix lacks '$4': ${r_fix[i]}"
			fi
		fi
		return 0
	done
	fail "$1 was not recorded (recorded: ${r_id[*]})"
}

# --------------------------------------------------------------- the CLI

# cli_setup: a directory every user can read ($T: the test root $R, the
# helpers $HELPERS, stub commands $STUBS) with a host where Docker is
# not running, runsc is a stub and hersh-apt-source reports no source.
cli_setup() {
	T=$(mktemp -d /tmp/hersh-check-test.XXXXXX)
	chmod 0755 "$T"
	R=$T/root
	HELPERS=$T/helpers
	STUBS=$T/bin
	mkdir -p "$R/proc/self/ns" "$R/etc/docker" "$R/usr/bin" "$R/var/run" "$R/proc/sys/kernel" "$HELPERS" "$STUBS"
	ln -sfn "$(readlink /proc/self/ns/mnt)" "$R/proc/self/ns/mnt"
	ln -sfn "$(readlink /proc/self/ns/pid)" "$R/proc/self/ns/pid"
	echo 6.1.0 >"$R/proc/sys/kernel/osrelease"
	ln -s "$HERSH_BIN_DIR/hersh-daemon-json" "$HELPERS/hersh-daemon-json"
	apt_source_stub ''
	stub_runsc "$R/usr/bin/runsc" release-20260914.0
	# The host's package database and Docker client stay out of a user's run.
	stub dpkg-query 'exit 1'
	stub apt-cache 'exit 1'
	stub debconf-show 'exit 0'
	stub docker 'echo "Cannot connect to the Docker daemon" >&2; exit 1'
}

cli_teardown() {
	[ -z "${T:-}" ] || [ "$T" = "$BATS_TEST_TMPDIR" ] || rm -rf "$T"
}

# stub NAME BODY: a command NAME on the stub PATH running BODY (sh).
stub() {
	printf '#!/bin/sh\n%s\n' "$2" >"$STUBS/$1"
	chmod 0755 "$STUBS/$1"
}

# stub_runsc PATH LABEL [BODY]: a runsc answering --version with LABEL and
# running BODY (sh) otherwise.
stub_runsc() {
	printf '#!/bin/sh\ncase "$1" in --version) echo "runsc version %s"; echo "spec: 1.1.0"; exit 0 ;; esac\n%s\n' \
		"$2" "${3:-exit 0}" >"$1"
	chmod 0755 "$1"
}

# apt_source_stub RECORDS: hersh-apt-source show prints RECORDS (lines,
# fields separated by tabs; a missing keyring unless they have one), then
# the settings.
apt_source_stub() {
	{
		printf '#!/bin/sh\n[ "$1" = show ] || exit 2\ncat <<"EOF"\n'
		[ -z "$1" ] || printf '%s\n' "$1"
		case $1 in
		*keyring*) ;;
		*) printf 'keyring\t/usr/share/keyrings/gvisor-archive-keyring.gpg\tmissing\t-\t-\n' ;;
		esac
		printf 'setting\tURI\t%s\n' "$HG_FACT_URI_FOR_TESTS"
		printf 'EOF\nexit 3\n'
	} >"$HELPERS/hersh-apt-source"
	chmod 0755 "$HELPERS/hersh-apt-source"
}
HG_FACT_URI_FOR_TESTS=https://storage.googleapis.com/gvisor/releases

# fake_dockerd PID EXE [ARG...]: a process entry in the test root's /proc:
# called dockerd, every uid root, our namespaces, EXE as its executable
# and dockerd ARG... as its command line.
fake_dockerd() {
	local d=$R/proc/$1 exe=$2
	shift 2
	mkdir -p "$d/ns"
	printf 'dockerd\n' >"$d/comm"
	printf 'Name:\tdockerd\nUid:\t0\t0\t0\t0\n' >"$d/status"
	ln -sfn "$(readlink /proc/self/ns/mnt)" "$d/ns/mnt"
	ln -sfn "$(readlink /proc/self/ns/pid)" "$d/ns/pid"
	ln -sfn "$exe" "$d/exe"
	printf '%s\0' dockerd "$@" >"$d/cmdline"
}

# run_check [ARGS...]: the built command, as the caller when it is not
# root, else as user nobody, in a clean environment: PATH with the stubs
# first, the test root and the helpers as seams, and CHECK_ENV (NAME=VALUE
# words) on top.  $output is its standard output, $stderr its notes.
run_check() {
	local -a as=()
	[ "$(id -u)" != 0 ] || as=(setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups)
	run --separate-stderr "${as[@]}" env -i PATH="$STUBS:/usr/bin:/bin" LANG=C HOME=/nonexistent \
		HERSH_GVISOR_CHECK_ROOT="$R" HERSH_GVISOR_CHECK_HELPERS="$HELPERS" ${CHECK_ENV:-} \
		"$CHECK" "$@"
}

# json_status ID: the status of check ID in the --json output of the last run.
json_status() {
	jq -r --arg id "$1" '.checks[] | select(.id == $id) | .status' <<<"$output"
}
json_detail() {
	jq -r --arg id "$1" '.checks[] | select(.id == $id) | .detail' <<<"$output"
}

# docker_stub_working: a docker command answering as a Docker with runc and
# runsc (runsc with RT_LINE, default "/usr/bin/runsc --network=none"), a
# local busybox image, and containers that print what runsc's would: the
# greeting, and the contract's findings.  Each call is logged in
# $T/docker.log.
docker_stub_working() {
	: >"$T/docker.log"
	chmod 0666 "$T/docker.log"
	stub docker "$(cat <<STUB
printf '%s\n' "\$*" >>"$T/docker.log"
case "\$1" in
version) echo 28.2.2 ;;
info)
	case "\$*" in
	*DefaultRuntime*) echo "runc|${RT_LINE:-/usr/bin/runsc --network=none}" ;;
	*) printf 'io.containerd.runc.v2 runc runsc ' ;;
	esac ;;
images) echo busybox:latest ;;
image) exit 0 ;;
ps) exit 0 ;;
volume)
	case "\$2" in create) echo "\$5" ;; esac ;;
run)
	case "\$*" in
	*"echo Hello from gVisor"*) echo "Hello from gVisor" ;;
	*"sh -c"*)
		printf '%s\n' "root-write Read-only file system" "state-write succeeded" "state-mount 9p" \
			"nnp-prctl 1" "netif lo" "dmesg [   0.000000] Starting gVisor..." end ;;
	esac ;;
esac
exit 0
STUB
)"
}
