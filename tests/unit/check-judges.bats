#!/usr/bin/env bats
# hersh-gvisor-check's judges: facts in, records out, nothing run.  Each
# test starts from the facts of a working host (check-helpers.bash,
# working_facts) and changes what it is about.  Any user.

# The tests set the facts the sourced parts read, and read what they set
# (bats sets output and stderr).
# shellcheck disable=SC2034,SC2154

load check-helpers

setup() { parts_setup; }

# --- runsc ---------------------------------------------------------------

@test "a working runsc is installed and shows its version" {
	judge_runsc
	assert_record runsc.installed ok /usr/bin/runsc
	assert_record runsc.version ok "runsc version release-20260914.0"
}

@test "no runsc at all fails with the install command and skips the version" {
	rs_state=none runsc_bin=''
	judge_runsc
	assert_record runsc.installed fail "runsc not found" FIX-INSTALL-RUNSC
	assert_record runsc.version skip "not installed"
}

@test "a runsc root may not run is not run, and the reason is given" {
	rs_state=untrusted runsc_bin=/home/u/runsc rs_why="/home/u belongs to u, not root"
	judge_runsc
	assert_record runsc.installed fail "/home/u/runsc is not trusted, so it is not run: /home/u belongs to u, not root" "apt-get install runsc"
	assert_record runsc.version skip "not trusted"
}

@test "a runsc that prints no version fails the version check" {
	rs_version=''
	judge_runsc
	assert_record runsc.version fail "'/usr/bin/runsc --version' failed" "apt-get install --reinstall runsc"
}

@test "without gvisor-bin/ next to runsc there is nothing to compare" {
	judge_gvisor_bin
	assert_record runsc.gvisor-bin skip "no gvisor-bin/ next to /usr/bin/runsc"
}

@test "gvisor-bin/ missing a helper fails, and the package's runsc is reinstalled" {
	gb_dir=/usr/bin/gvisor-bin gb_label=release-20260914.0 gb_missing=(gvisor_sentry)
	judge_gvisor_bin
	assert_record runsc.gvisor-bin fail "/usr/bin/gvisor-bin lacks gvisor_sentry" "apt-get install --reinstall runsc"
}

@test "gvisor-bin/ files root may not run are a failure naming them" {
	gb_dir=/usr/local/bin/gvisor-bin gb_label=release-20260914.0 rs_pkg=''
	gb_untrusted=("gvisor_sentry: /usr/local/bin/gvisor-bin/gvisor_sentry is writable by group or others")
	judge_gvisor_bin
	assert_record runsc.gvisor-bin fail "runsc runs these as root, and they are not trusted: gvisor_sentry: " "chmod -R go-w /usr/local/bin/gvisor-bin"
}

@test "gvisor-bin/ of runsc's release passes, naming what has no label to compare" {
	gb_dir=/usr/bin/gvisor-bin gb_label=release-20260914.0 gb_same=(a b c) gb_nolabel=(gvisor-sentry-prewarmer)
	judge_gvisor_bin
	assert_record runsc.gvisor-bin ok "/usr/bin/gvisor-bin: 3 files of runsc's release release-20260914.0; without a release label to compare: gvisor-sentry-prewarmer"
}

@test "no --platform in runtimeArgs is runsc's default" {
	judge_platform
	assert_record runsc.platform ok "runsc's default"
}

@test "a platform that hangs here fails with its reason and the fix keeps the other flags" {
	rt_platform=kvm pf_state=fail pf_why="no sandbox started under kvm within 20 s" rt_args=(--network=none --platform=kvm --debug)
	judge_platform
	assert_record runsc.platform fail "--platform=kvm no longer works on this host: no sandbox started under kvm within 20 s" \
		"add runsc /usr/bin/runsc --runtime-arg --network=none --runtime-arg --debug && sudo systemctl reload docker"
}

@test "a platform given as two words is taken out as two words" {
	rt_platform=ptrace pf_state=fail pf_why=x rt_args=(--platform ptrace --network=none)
	judge_platform
	assert_record runsc.platform fail "" "add runsc /usr/bin/runsc --runtime-arg --network=none && "
}

@test "a platform root probed works" {
	rt_platform=systrap pf_state=ok
	judge_platform
	assert_record runsc.platform ok "--platform=systrap: a sandbox starts under it on this host"
}

@test "runsc from before the fix on an affected kernel fails unless the runtime passes --network=none" {
	rs_date=20240729 dk_rt_line=/usr/bin/runsc
	judge_pitfall
	assert_record pitfall.network-10704 fail "runsc 20240729 on Linux 6.12.0 cannot use sandbox networking" "--runtime-arg --network=none"
	[ "$pitfall_blocks" = 1 ]
}

@test "Docker's own view of the runtime decides whether it passes --network=none" {
	rs_date=20240729 dk_rt_line="/usr/bin/runsc --network=none" rt_args=()
	judge_pitfall
	assert_record pitfall.network-10704 warn "the runtime passes --network=none"
	[ "$pitfall_blocks" = 0 ]
}

@test "without Docker's view, the file's runtimeArgs decide" {
	rs_date=20240729 dk_rt_line='' rt_args=(--network=none)
	judge_pitfall
	assert_record pitfall.network-10704 warn
}

@test "a runsc with the fix, or a kernel before the affected one, is not the pitfall" {
	judge_pitfall
	assert_record pitfall.network-10704 ok "not affected by gVisor issue 10704"
	output_init
	rs_date=20240729 rs_kernel_affected=0
	judge_pitfall
	assert_record pitfall.network-10704 ok
}

@test "the pitfall's first release is the fact's, not a number of the check" {
	HG_FACT_RUNSC_FIXED=20990101
	judge_pitfall
	assert_record pitfall.network-10704 fail
}

# --- apt -----------------------------------------------------------------

@test "two gVisor sources with different Signed-By fail: apt refuses them all" {
	ap_nsources=2 ap_signers="/a.gpg /b.gpg" ap_src_desc="a; b"
	judge_apt_source
	assert_record apt.source fail "2 entries with different Signed-By (/a.gpg /b.gpg)" "keep one entry"
}

@test "no gVisor source is a failure when the package is installed and wanted one" {
	ap_nsources=0
	judge_apt_source
	assert_record apt.source fail "no gVisor source" "dpkg-reconfigure hersh-gvisor"
	output_init
	ap_want_source=false
	judge_apt_source
	assert_record apt.source warn "disabled: hersh-gvisor/apt-source is false"
	output_init
	ap_want_source='' ap_installed=0
	judge_apt_source
	assert_record apt.source warn "runsc gets no updates" FIX-SOURCE
}

@test "a keyring holding another key fails" {
	ap_kr_state=mismatch ap_kr_fpr=0123456789ABCDEF0123456789ABCDEF01234567
	judge_apt_keyring
	assert_record apt.keyring fail "holds 0123456789ABCDEF0123456789ABCDEF01234567, not the gVisor key $HG_FACT_FINGERPRINT" "hersh-apt-source install-key"
}

@test "an expired key fails both key checks, with the refresh from the configured Key-URL" {
	ap_kr_state=expired ap_kr_expires=$((ap_now - 86400)) ap_key_url=https://mirror.example/key.asc
	judge_apt_keyring
	judge_key_expiry
	assert_record apt.keyring fail "is expired" "install-key   (fetches the key again from https://mirror.example/key.asc)"
	assert_record apt.key-expiry fail "expired on" "https://mirror.example/key.asc"
}

@test "a key that expires in 89 days warns, in 91 days does not" {
	ap_kr_expires=$((ap_now + 89 * 86400 + 60))
	judge_key_expiry
	assert_record apt.key-expiry warn "in 89 days" "hersh-apt-source install-key"
	output_init
	ap_kr_expires=$((ap_now + 91 * 86400))
	judge_key_expiry
	assert_record apt.key-expiry ok "in 91 days" ""
}

@test "an expiry hersh-apt-source does not know is skipped" {
	ap_kr_state=missing ap_kr_expires=-
	judge_key_expiry
	assert_record apt.key-expiry skip "not known (keyring: missing)"
}

@test "a pin that is shared with another source's site says it cannot confine" {
	ap_pin_state=shared
	judge_apt_pin
	assert_record apt.pin warn "cannot keep the repository's other packages out"
}

@test "no pin is a warning: every package of the repository can be installed" {
	ap_pin_state=missing ap_want_pin=false
	judge_apt_pin
	assert_record apt.pin warn "hersh-gvisor/apt-pin is false" "apt-pin: yes"
}

@test "the pin hitting other sources names each of them" {
	ap_shared=("/etc/apt/sources.list.d/a.list (https://storage.googleapis.com/a)" "/etc/apt/sources.list.d/b.sources (https://storage.googleapis.com/b)")
	judge_apt_pin
	assert_record apt.pin warn "also matches /etc/apt/sources.list.d/a.list (https://storage.googleapis.com/a); /etc/apt/sources.list.d/b.sources (https://storage.googleapis.com/b): every package"
}

@test "without hersh-apt-source the apt checks are skipped, not guessed" {
	ap_state=nohelper
	judge_apt_source
	judge_apt_keyring
	judge_key_expiry
	judge_apt_pin
	assert_record apt.source skip "hersh-apt-source not found"
	assert_record apt.keyring skip
	assert_record apt.key-expiry skip
	assert_record apt.pin skip
}

@test "a gVisor runsc with a newer one available is fine, Debian's is not" {
	ar_inst=20260101.0 ar_cand=20260914.0 ar_origin="        500 https://storage.googleapis.com/gvisor/releases release/main amd64 Packages"
	judge_apt_runsc
	assert_record apt.runsc ok "runsc 20260101.0; 20260914.0 is available from the gVisor repository"
	output_init
	ar_inst=0.0~20221219.0-2 ar_cand=0.0~20221219.0-2 ar_origin=''
	judge_apt_runsc
	assert_record apt.runsc warn "apt knows no newer runsc from the gVisor repository" "apt-get update"
}

@test "an apt-cache policy origin line is the gVisor repository's only for its URIs" {
	is_gvisor_origin "        500 https://storage.googleapis.com/gvisor/releases release/main amd64 Packages"
	run ! is_gvisor_origin "        500 https://storage.googleapis.com/gvisor/releases-evil release/main amd64 Packages"
	ap_uris=(file:///srv/repo)
	is_gvisor_origin "        500 file:/srv/repo ./ Packages"
}

# --- daemon.json ---------------------------------------------------------

@test "a file Docker refuses fails with Docker's words, one it refused before a change warns" {
	dv_status=fail dv_text="Docker refuses /etc/docker/daemon.json (dockerd --validate): unknown field"
	judge_daemon_json
	assert_record daemon-json.valid fail "unknown field" "correct /etc/docker/daemon.json as Docker says"
	output_init
	dv_status=warn dv_text="Docker refused this file at its last reload (x): y; it has changed since"
	judge_daemon_json
	assert_record daemon-json.valid warn "it has changed since" "sudo systemctl reload docker, then check again"
}

@test "a file the user cannot read is skipped with the sudo fix" {
	dj=unreadable
	judge_daemon_json
	assert_record daemon-json.valid skip "alice cannot read /etc/docker/daemon.json" "sudo hersh-gvisor-check"
	assert_record daemon-json.runtime skip
	assert_record daemon-json.default-runtime skip
}

@test "a runtime only dockerd's --add-runtime has is a warning" {
	dj_entry=0 flag_rt_path=/usr/bin/runsc
	judge_dj_runtime
	assert_record daemon-json.runtime warn "dockerd's command line adds it (--add-runtime runsc=/usr/bin/runsc)"
}

@test "a runtime with a runtimeType and no path is a warning; with neither a failure" {
	rt_state=none rt_type=io.containerd.runsc.v1
	judge_dj_runtime
	assert_record daemon-json.runtime warn "runtimeType io.containerd.runsc.v1 and no path"
	output_init
	rt_type=''
	judge_dj_runtime
	assert_record daemon-json.runtime fail "has no \"path\"" FIX-ADD-RUNTIME
}

@test "a relative runtime path fails" {
	rt_state=relative rt_path=runsc
	judge_dj_runtime
	assert_record daemon-json.runtime fail "\"runsc\" is not an absolute path"
}

@test "a default-runtime Docker does not know fails; runc, a file's and a flag's runtime pass" {
	dj_default=hersh-nothing
	judge_dj_default
	assert_record daemon-json.default-runtime fail "\"hersh-nothing\" is not a runtime Docker knows" "to runc"
	local r
	for r in runc io.containerd.runc.v2 runsc; do
		output_init
		dj_default=$r
		judge_dj_default
		assert_record daemon-json.default-runtime ok "$r"
	done
	output_init
	dj_default=kata flag_runtimes=(kata=/usr/bin/kata-runtime)
	judge_dj_default
	assert_record daemon-json.default-runtime ok kata
}

@test "a default-runtime whose binary is gone fails: every container without --runtime fails" {
	dj_default=runsc rt_state=missing rt_path=/opt/runsc
	judge_dj_default
	assert_record daemon-json.default-runtime fail "points at the missing /opt/runsc" FIX-INSTALL-RUNSC
}

# --- Docker --------------------------------------------------------------

@test "no docker command: the daemon is judged by its process, the API fails with the install command" {
	dk_client=missing dk_pid=''
	judge_docker
	assert_record docker.running fail "dockerd is not running"
	assert_record docker.reachable fail "no docker command" "apt-get install docker.io"
}

@test "no docker command next to a running dockerd: Docker runs, the API is not reachable" {
	dk_client=missing dk_pid=4242
	judge_docker
	assert_record docker.running ok "dockerd pid 4242"
	assert_record docker.reachable fail "no docker command"
}

@test "a runtime Docker lacks because it refused the file says to correct the file" {
	dk_runtimes="runc" dv_status=fail
	judge_docker_runtime
	assert_record docker.runtime fail "Docker knows only: runc" "Docker refused /etc/docker/daemon.json (see \"daemon.json valid\")"
}

@test "--default-runtime on dockerd's command line next to default-runtime in the file is a conflict" {
	flag_default=runc dj_default=runsc
	judge_dockerd_cmdline
	assert_record dockerd.cmdline fail "dockerd has --default-runtime runc and /etc/docker/daemon.json sets default-runtime" "remove --default-runtime"
}

@test "an --add-runtime path other than the file's is a conflict" {
	flag_runtimes=(runsc=/opt/runsc) flag_rt_path=/opt/runsc flag_config=/etc/docker/daemon.json
	judge_dockerd_cmdline
	assert_record dockerd.cmdline fail "dockerd has --add-runtime runsc=/opt/runsc, /etc/docker/daemon.json says /usr/bin/runsc"
}

@test "a dockerd of the pid file that does not run as root is named as passed over" {
	dk_pid='' dk_note="pid 77 is a dockerd that does not run as root" dk_ok=0
	judge_docker
	assert_record docker.running fail "dockerd is not running (ignored: pid 77 is a dockerd that does not run as root)"
}

@test "a container that does not answer in time is named so, and an unknown runtime asks for a reload" {
	hello_rc=124 hello_out=''
	judge_hello
	assert_record container.hello fail "no answer within 120 s"
	output_init
	hello_rc=125 hello_out="docker: Error response from daemon: unknown or invalid runtime name: runsc."
	judge_hello
	assert_record container.hello fail "docker run failed (exit 125): unknown or invalid runtime name: runsc." "sudo systemctl reload docker"
}

@test "no container runs under a platform that does not work here" {
	platform_blocks=1 rt_platform=kvm
	check_container
	assert_record container.hello skip "runsc's platform kvm does not work on this host"
}

# --- the contract --------------------------------------------------------

contract_output() {
	ct_rc=0 ct_rt=runsc ct_how="docker run --rm -it --runtime=runsc --read-only IMAGE"
	ct_out=$(printf '%s\n' "root-write Read-only file system" "state-write succeeded" "state-mount 9p" \
		"nnp-prctl 1" "netif lo" "dmesg [   0.000000] Starting gVisor..." "$@" end)
}

@test "the contract's findings become five records" {
	contract_output
	judge_contract
	assert_record contract.read-only-root ok
	assert_record contract.state-volume ok "mount type 9p"
	assert_record contract.no-new-privileges ok "setpriv -d"
	assert_record contract.network-none ok "only lo"
	assert_record contract.gvisor ok "Starting gVisor..."
}

@test "a network interface besides lo fails the no-network property" {
	contract_output "netif eth0"
	judge_contract
	assert_record contract.network-none fail "lo eth0"
}

@test "a contract container that printed nothing skips all five properties" {
	ct_rc=124 ct_out='' ct_rt=runsc ct_how=x
	judge_contract
	assert_record contract.read-only-root skip "no answer within 120 s"
	assert_record contract.gvisor skip
}

# --- output --------------------------------------------------------------

@test "json_str escapes control characters and drops invalid UTF-8" {
	run json_str $'a"b\\c\td\x01e\xff'
	assert_output '"a\"b\\c\td\u0001e"'
}

@test "a failure is printed with its fix under it, line by line" {
	opt_json=0
	output_init
	record x.y fail "title" "detail" $'first\nsecond'
	run print_line fail title detail $'first\nsecond'
	assert_output "[FAIL] title: detail
       fix: first
            second"
	[ "$failed" = 1 ]
}

@test "print_json gives every record, the notes and no bench without --bench" {
	record a.b ok "t" "d"
	check_notes=("a note")
	test_image=''
	run print_json
	run jq -c '[.ok, .image, (.checks | map(.id)), .notes, has("bench")]' <<<"$output"
	assert_output '[true,null,["a.b"],["a note"],false]'
}
