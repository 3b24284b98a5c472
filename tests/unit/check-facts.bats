#!/usr/bin/env bats
# hersh-gvisor-check's facts functions: what they gather from the helpers
# (the tree's hersh-daemon-json, a stub hersh-apt-source), a test /proc and
# stub runsc binaries.  Any user; the platform probes need root (a user
# cannot start a sandbox) and skip otherwise.

# The tests set the facts the sourced parts read, and read what they set
# (bats sets output and stderr).
# shellcheck disable=SC2034,SC2154

load check-helpers

setup() {
	parts_setup
	STUBS=$T/bin
	mkdir -p "$STUBS"
	PATH=$STUBS:$PATH
	HG_DJ=$HERSH_BIN_DIR/hersh-daemon-json
}

# --- daemon.json ---------------------------------------------------------

@test "daemon.json's entry comes from show --porcelain, escapes undone" {
	config=$FIXTURES/check/escapes.json runtime=hersh-escape
	dj_facts
	[ "$dj" = ok ]
	[ "$dj_entry" = 1 ]
	[ "$rt_path" = "/nonexistent/dir with \"quotes\"\\and	tab/runsc" ]
}

@test "the runtime's arguments and the default runtime are read one by one" {
	printf '{"default-runtime": "runsc", "runtimes": {"runsc": {"path": "/usr/bin/runsc", "runtimeArgs": ["--network=none", "--platform=systrap", "--debug-log=/tmp/a b/"]}, "kata": {"path": "/x"}}}\n' >"$T/d.json"
	config=$T/d.json
	dj_facts
	[ "$dj_default" = runsc ]
	[ "${dj_runtimes[*]}" = "runsc kata" ]
	[ ${#rt_args[@]} = 3 ]
	[ "${rt_args[2]}" = "--debug-log=/tmp/a b/" ]
}

@test "a value that looks like the runtimes key inside a string changes nothing" {
	printf '{"log-opts": {"tag": "\\"runtimes\\": {\\"runsc\\": {}}"}}\n' >"$T/d.json"
	config=$T/d.json
	dj_facts
	[ "$dj" = ok ]
	[ "$dj_has_runtimes" = 0 ]
	[ "$dj_entry" = 0 ]
}

@test "a missing file is Docker's defaults, an invalid one the helper's message" {
	config=$T/none.json
	dj_facts
	[ "$dj" = missing ]
	config=$FIXTURES/check/invalid.json
	dj_facts
	[ "$dj" = invalid ]
	[[ $dj_err == *"line 5"* ]]
}

@test "a FIFO at daemon.json is refused by the helper at once, never read by the shell" {
	mkfifo "$T/fifo.json"
	config=$T/fifo.json
	run timeout 10 bash -c '. "$1"; for p in output runsc apt daemon-json docker contract; do . "$2/$p.sh"; done
		HG_DATADIR=$3; hg_init; HG_DJ=$4; config=$5 runtime=runsc; dj_facts; echo "$dj"' \
		sh "$HERSH_SRC/src/shell/lib.sh" "$HERSH_SRC/src/check" "$HG_DATADIR" "$HG_DJ" "$T/fifo.json"
	assert_success
	assert_output invalid
}

@test "a daemon.json the user cannot read is reported as such" {
	printf '{}\n' >"$T/d.json"
	chmod 0 "$T/d.json"
	config=$T/d.json
	# The helper as the caller, without root's power to read any file.
	printf '#!/bin/bash\n%s\nunprivileged %q "$@"\n' "$(declare -f unprivileged)" "$HG_DJ" >"$T/dj"
	chmod +x "$T/dj"
	HG_DJ=$T/dj
	dj_facts
	[ "$dj" = unreadable ]
}

@test "without the helper nothing is read" {
	HG_DJ=$T/none
	dj_facts
	[ "$dj" = nohelper ]
}

# --- apt -----------------------------------------------------------------

@test "hersh-apt-source show's records become the apt facts" {
	local t=$'\t'
	HG_AS=$T/as
	printf '#!/bin/sh\ncat <<"EOF"\n%s\nEOF\n' "source${t}/etc/apt/sources.list.d/my\\tlist.list${t}deb822${t}https://m.example/gvisor${t}release${t}/k.gpg${t}-
source${t}/etc/apt/sources.list.d/gvisor.list${t}one-line${t}https://storage.googleapis.com/gvisor/releases${t}release${t}/k.gpg${t}ours
keyring${t}/k.gpg${t}ok${t}6F1DF85E3A71C24918E727D56FC6D554E32BD943${t}1900000000
pin${t}/etc/apt/preferences.d/hersh-gvisor${t}ok${t}release:release/main
pin-shared${t}/etc/apt/sources.list.d/other.list${t}https://other.example/repo
conf${t}/etc/apt/apt.conf.d/50hersh-gvisor${t}ok
setting${t}URI${t}https://m.example/gvisor
setting${t}Key-URL${t}https://m.example/key.asc
setting${t}Fingerprint${t}6f1d f85e 3a71 c249 18e7 27d5 6fc6 d554 e32b d943" >"$HG_AS"
	chmod 0755 "$HG_AS"
	apt_facts
	[ "$ap_state" = ok ]
	[ "$ap_nsources" = 2 ]
	[[ $ap_src_desc == "/etc/apt/sources.list.d/my	list.list (deb822, https://m.example/gvisor release, signed-by /k.gpg); "* ]]
	[ "$ap_signers" = /k.gpg ]
	[ "$ap_uri" = https://m.example/gvisor ]
	[ "$ap_key_url" = https://m.example/key.asc ]
	[ "$ap_fpr" = 6F1DF85E3A71C24918E727D56FC6D554E32BD943 ]
	[ "$ap_kr_expires" = 1900000000 ]
	[ "$ap_pin_by" = release:release/main ]
	[ "${ap_shared[*]}" = "/etc/apt/sources.list.d/other.list (https://other.example/repo)" ]
}

@test "hersh-apt-source failing is a fact of its own, with its message" {
	HG_AS=$T/as
	printf '#!/bin/sh\necho "hersh-apt-source: /etc/apt/sources.list.d: Permission denied" >&2\nexit 1\n' >"$HG_AS"
	chmod 0755 "$HG_AS"
	apt_facts
	[ "$ap_state" = failed ]
	[ "$ap_err" = "hersh-apt-source: /etc/apt/sources.list.d: Permission denied" ]
}

# --- runsc ---------------------------------------------------------------

@test "the runtime's path is the runsc checked; a relative one is never looked up" {
	stub_runsc "$T/runsc" release-20260914.0
	rt_has_path=1 rt_path=$T/runsc flag_rt_path='' runsc_places=''
	IS_ROOT=0 HG_IS_ROOT=0
	stub dpkg-query 'exit 1'
	runsc_facts
	[ "$runsc_bin" = "$T/runsc" ]
	[ "$rs_state" = ok ]
	[ "$rs_version" = "runsc version release-20260914.0" ]
	[ "$rs_date" = 20260914 ]
	cd "$T"
	rt_path=runsc
	PATH=$STUBS runsc_facts
	[ "$runsc_bin" != runsc ]
}

@test "the package runsc belongs to is read from dpkg, not from a diversion's line" {
	stub_runsc "$T/runsc" release-20260914.0
	stub dpkg-query "printf '%s\n' 'diversion by x from: $T/runsc' 'runsc: $T/runsc'"
	rt_has_path=1 rt_path=$T/runsc IS_ROOT=0 HG_IS_ROOT=0
	runsc_facts
	[ "$rs_pkg" = runsc ]
}

# gvisor_bin NAME... : a gvisor-bin/ beside $T/runsc with NAME files
# carrying runsc's label.
gvisor_bin() {
	local n
	mkdir -p "$T/gvisor-bin"
	for n in "$@"; do
		printf '\177ELF..runtime.mainrelease-20260914.0gvisor.dev/gvisor..' >"$T/gvisor-bin/$n"
		chmod 0755 "$T/gvisor-bin/$n"
	done
	runsc_bin=$T/runsc rs_state=ok rs_version="runsc version release-20260914.0" rs_pkg='' IS_ROOT=0
}

@test "gvisor-bin/ is found beside the file a link to runsc names" {
	gvisor_bin checkpointgofer runsc-metric-server gvisor_sentry gvisor-sentry-prewarmer
	stub_runsc "$T/runsc" release-20260914.0
	mkdir "$T/link"
	ln -s ../runsc "$T/link/runsc"
	runsc_bin=$T/link/runsc
	gvisor_bin_facts
	[ "$gb_dir" = "$T/gvisor-bin" ]
	[ ${#gb_missing[@]} = 0 ]
	[ ${#gb_same[@]} = 4 ]
}

@test "a helper runsc's package installs there is expected too" {
	gvisor_bin checkpointgofer runsc-metric-server gvisor_sentry gvisor-sentry-prewarmer
	stub dpkg-query "printf '%s\n' /usr $T $T/runsc $T/gvisor-bin $T/gvisor-bin/gvisor_sentry $T/gvisor-bin/runsc-fd-parking"
	rs_pkg=runsc
	gvisor_bin_facts
	[ "${gb_missing[*]}" = runsc-fd-parking ]
}

@test "a label that only begins like runsc's does not pass for it" {
	gvisor_bin checkpointgofer runsc-metric-server gvisor-sentry-prewarmer
	printf '\177ELF..release-20260907.0..' >"$T/gvisor-bin/gvisor_sentry"
	chmod 0755 "$T/gvisor-bin/gvisor_sentry"
	gvisor_bin_facts
	[ "${gb_other[*]}" = "gvisor_sentry (release-20260907.0)" ]
}

@test "a FIFO in gvisor-bin/ is not read" {
	gvisor_bin checkpointgofer runsc-metric-server gvisor_sentry gvisor-sentry-prewarmer
	mkfifo "$T/gvisor-bin/runsc-fd-parking"
	run timeout 30 bash -c "$(declare -f gvisor_bin_facts root_may_run); $(declare -p runsc_bin rs_state rs_version rs_pkg IS_ROOT HG_FACT_SIDECARS); gvisor_bin_facts; echo \${#gb_same[@]}"
	assert_success
	assert_output 4
}

# --- the platform --------------------------------------------------------

@test "kvm without /dev/kvm is not usable, whoever asks" {
	stub_runsc "$T/runsc" release-20260914.0 'case "$1" in platforms) printf "ptrace\nsystrap\nkvm\n" ;; esac'
	HG_RUNSC=$T/runsc HG_DEV_KVM=$T/no-kvm rs_state=ok rt_args=(--platform=kvm)
	platform_facts
	[ "$pf_state" = fail ]
	[ "$platform_blocks" = 1 ]
	[[ $pf_why == "$T/no-kvm does not exist"* ]]
}

@test "as root, a platform whose sandbox fails is a failure with runsc's last words" {
	[ "$(id -u)" = 0 ] || skip "needs root: a user cannot start a sandbox"
	stub_runsc "$T/runsc" release-20260914.0 'case "$1" in platforms) echo systrap; exit 0 ;; esac
echo "creating container: cannot create sandbox: fork/exec: operation not permitted" >&2; exit 128'
	HG_RUNSC=$T/runsc rs_state=ok rt_args=(--platform=systrap)
	platform_facts
	[ "$pf_state" = fail ]
	[[ $pf_why == *"operation not permitted"* ]]
}

@test "as root, a platform whose sandbox hangs is given up at the deadline" {
	[ "$(id -u)" = 0 ] || skip "needs root: a user cannot start a sandbox"
	stub_runsc "$T/runsc" release-20260914.0 'case "$1" in platforms) echo systrap; exit 0 ;; esac
exec sleep 60'
	HG_RUNSC=$T/runsc rs_state=ok rt_args=(--platform=systrap) HG_PROBE_SECONDS=2
	local start=$SECONDS
	platform_facts
	[ $((SECONDS - start)) -le 6 ]
	[ "$pf_state" = fail ]
	[[ $pf_why == "no sandbox started under systrap within 2 s" ]]
}

# --- Docker --------------------------------------------------------------

@test "dockerd's flags are read from its command line" {
	R=$T/root
	mkdir -p "$R/proc/self/ns"
	fake_dockerd 77 /usr/sbin/dockerd -H unix:///run/d.sock --add-runtime runsc=/opt/runsc \
		--add-runtime=kata=/usr/bin/kata --default-runtime runsc --config-file=/etc/docker/other.json
	HG_PROC=$R/proc HG_SYSTEMD_DIR=$T/none HG_DOCKER_PIDFILE=$T/none IS_ROOT=0 HG_IS_ROOT=0
	config=/etc/docker/daemon.json
	docker_facts
	[ "$dk_pid" = 77 ]
	[ "$HG_DOCKERD_SOCK" = /run/d.sock ]
	[ "${flag_runtimes[*]}" = "runsc=/opt/runsc kata=/usr/bin/kata" ]
	[ "$flag_rt_path" = /opt/runsc ]
	[ "$flag_default" = runsc ]
	[ "$flag_config" = /etc/docker/other.json ]
	[ "$config_is_dockerds" = 0 ]
	[ "${dk_args[*]}" = "dockerd -H unix:///run/d.sock --add-runtime runsc=/opt/runsc --add-runtime=kata=/usr/bin/kata --default-runtime runsc --config-file=/etc/docker/other.json" ]
}

@test "Docker's runtimes and the runtime's arguments come from plain Go templates" {
	HG_DOCKERD_SOCK=/run/d.sock IS_ROOT=0 HG_IS_ROOT=0
	stub docker 'case "$*" in
*Server.Version*) echo 20.10.24 ;;
*"range \$k"*) printf "runc runsc " ;;
*DefaultRuntime*) echo "runc|/usr/bin/runsc --network=none" ;;
*) exit 1 ;;
esac'
	docker_client_facts
	[ "$dk_ok" = 1 ]
	[ "$dk_runtimes" = "runc runsc" ]
	[ "$dk_rt_line" = "/usr/bin/runsc --network=none" ]
}

@test "a docker that prints an error and succeeds is not taken for an answer" {
	HG_DOCKERD_SOCK=/run/d.sock IS_ROOT=0 HG_IS_ROOT=0
	stub docker 'echo "Cannot connect to the Docker daemon at unix:///run/d.sock. Is the docker daemon running?"'
	docker_client_facts
	[ "$dk_ok" = 0 ]
	[[ $dk_err == "Cannot connect"* ]]
}
