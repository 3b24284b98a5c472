#!/usr/bin/env bats
# The shell library's runsc rules: the release date, the kernel and
# networking rule of gVisor issue 10704, the platforms runsc offers, KVM on
# this host and the platform written into the runtime's flags.

# The library's settings are assigned here and read by the sourced code.
# shellcheck disable=SC2034

load lib

setup() { lib_setup; }
teardown() { lib_teardown; }

@test "the release date is read from Debian's and gVisor's runsc versions" {
	[ "$(hg_release_date '0.0~20221219.0-2')" = 20221219 ]
	[ "$(hg_release_date 'runsc version release-20240807.0')" = 20240807 ]
	[ "$(hg_release_date '20250101.0')" = 20250101 ]
	[ -z "$(hg_release_date 'runsc version 1.2.3')" ]
}

@test "the runsc facts come from runsc --version" {
	stub_runsc 0.0~20221219.0
	hg_runsc_facts "$HG_RUNSC"
	[ "$HG_RUNSC_VERSION" = "runsc version 0.0~20221219.0" ]
	[ "$HG_RUNSC_DATE" = 20221219 ]
}

@test "a runsc that hangs on --version is given up after a deadline" {
	stub_runsc x 'exit 0'
	printf '#!/bin/sh\nexec sleep 60\n' >"$HG_RUNSC"
	local start=$SECONDS
	hg_runsc_facts "$HG_RUNSC"
	[ $((SECONDS - start)) -lt $((HG_RUNSC_SECONDS + 5)) ]
	[ -z "$HG_RUNSC_DATE" ]
}

@test "the kernel rule holds from the affected release on, for any later major" {
	HG_KERNEL=6.10.14-amd64; ! hg_kernel_affected
	HG_KERNEL=6.11.0; hg_kernel_affected
	HG_KERNEL=6.12.43+deb13-arm64; hg_kernel_affected
	HG_KERNEL=7.0.1; hg_kernel_affected
	HG_KERNEL=5.19.0; ! hg_kernel_affected
	HG_KERNEL=garbage; ! hg_kernel_affected
}

@test "a runsc before the fix cannot use sandbox networking on an affected kernel only" {
	stub_runsc 0.0~20240729.0
	HG_KERNEL=6.12.1; hg_runsc_netbroken
	HG_KERNEL=6.1.0; ! hg_runsc_netbroken
	stub_runsc release-20240807.0
	HG_KERNEL=6.12.1; ! hg_runsc_netbroken
}

@test "the platforms come from runsc platforms where runsc has that command" {
	stub_runsc release-20250601.0 '[ "$1" = platforms ] && printf "kvm\nptrace\nsystrap\n"'
	hg_runsc_platforms
	[ "$HG_RUNSC_PLATFORMS" = "kvm ptrace systrap" ]
}

@test "without runsc platforms the release decides: no systrap before 2023" {
	stub_runsc 0.0~20221219.0 'exit 2'
	hg_runsc_platforms
	[ "$HG_RUNSC_PLATFORMS" = "ptrace kvm" ]
	stub_runsc 0.0~20240729.0 'exit 2'
	hg_runsc_platforms
	[ "$HG_RUNSC_PLATFORMS" = "systrap ptrace kvm" ]
}

@test "kvm is not usable without /dev/kvm" {
	refute hg_kvm_usable
	[[ $HG_WHY == *"does not exist"* ]]
}

@test "kvm is not usable on x86 when the processor shows neither VMX nor SVM" {
	: >"$T/kvm"
	HG_DEV_KVM=$T/kvm HG_MACHINE=x86_64 HG_PROC=$T/proc
	mkdir -p "$T/proc"
	printf 'flags\t\t: fpu vme de pse tsc msr pae hypervisor\n' >"$T/proc/cpuinfo"
	refute hg_kvm_usable
	[[ $HG_WHY == *"neither VMX nor SVM"*"nested virtualisation"* ]]
	printf 'flags\t\t: fpu vme vmx ept\n' >"$T/proc/cpuinfo"
	hg_kvm_usable
}

@test "on arm64 /dev/kvm alone makes kvm usable: there is no flag to read" {
	: >"$T/kvm"
	HG_DEV_KVM=$T/kvm HG_MACHINE=aarch64 HG_PROC=$T/proc
	mkdir -p "$T/proc"
	printf 'Features\t: fp asimd evtstrm aes\n' >"$T/proc/cpuinfo"
	hg_kvm_usable
}

@test "a platform probe that hangs is given up at its deadline and says so" {
	[ "$(id -u)" = 0 ] || skip "the probe runs runsc directly: root only"
	: >"$T/kvm"
	HG_DEV_KVM=$T/kvm HG_MACHINE=aarch64
	stub_runsc release-20250601.0 'exec sleep 60'
	local start=$SECONDS
	refute hg_platform_probe kvm 2
	[ $((SECONDS - start)) -lt 10 ]
	[[ $HG_WHY == "no sandbox started under kvm within 2 s" ]]
}

@test "a platform probe past its deadline leaves no process of the sandbox behind" {
	[ "$(id -u)" = 0 ] || skip "the probe runs runsc directly: root only"
	: >"$T/kvm"
	HG_DEV_KVM=$T/kvm HG_MACHINE=aarch64 HG_PROC=/proc
	# As runsc do does: the sandbox in a session of its own, with --root.
	stub_runsc release-20250601.0 'for a; do case $a in --root=*) r=$a ;; esac; done
setsid sh -c "while :; do sleep 1; done" sh "$r" </dev/null >/dev/null 2>&1 3>&- &
exec sleep 60'
	refute hg_platform_probe kvm 1
	sleep 0.2
	run sh -c 'for f in /proc/[0-9]*/cmdline; do tr "\0" " " 2>/dev/null <"$f" | grep -q -- "--root=/run/hersh-gvisor-probe\." && echo "$f"; done'
	assert_output ""
}

@test "a platform probe that fails names runsc's last words" {
	[ "$(id -u)" = 0 ] || skip "the probe runs runsc directly: root only"
	stub_runsc release-20250601.0 'echo "unknown platform: systrap" >&2; exit 1'
	refute hg_platform_probe systrap 5
	[[ $HG_WHY == *"unknown platform: systrap"* ]]
}

@test "a user cannot probe a platform: the reason says root" {
	stub_runsc release-20250601.0
	HG_IS_ROOT=0
	refute hg_platform_probe ptrace 5
	[[ $HG_WHY == *root* ]]
}

@test "no platform answer writes no --platform flag" {
	stub_runsc release-20250601.0
	hg_platform_choice 2>"$T/err"
	[ -z "$HG_PLATFORM_ARG" ]
}

@test "a platform this runsc does not offer is not written, and the summary says why" {
	stub_runsc 0.0~20221219.0 'exit 2'
	HG_PLATFORM=systrap
	hg_platform_choice 2>"$T/err"
	[ -z "$HG_PLATFORM_ARG" ]
	grep -q "platform systrap not written: .*offers ptrace kvm" "$T/err"
}

@test "kvm is not written where a sandbox cannot use it, and the summary says why" {
	stub_runsc 0.0~20240729.0 'exit 2'
	HG_PLATFORM=kvm
	hg_platform_choice 2>"$T/err"
	[ -z "$HG_PLATFORM_ARG" ]
	grep -q "platform kvm not written: .*kvm" "$T/err"
}

@test "in an image build a platform is written as asked, unprobed, and the summary says so" {
	stub_runsc 0.0~20240729.0 'exit 2'
	printf '#!/bin/sh\nexit 101\n' >"$T/policy-rc.d"
	chmod 0755 "$T/policy-rc.d"
	HG_POLICY_RC_D=$T/policy-rc.d
	HG_PLATFORM=kvm
	hg_platform_choice 2>"$T/err"
	[ "$HG_PLATFORM_ARG" = --platform=kvm ]
	grep -q "written as asked, not probed" "$T/err"
}

@test "systrap offered by runsc is written without a probe" {
	stub_runsc 0.0~20240729.0 'exit 2'
	HG_PLATFORM=systrap
	hg_platform_choice 2>"$T/err"
	[ "$HG_PLATFORM_ARG" = --platform=systrap ]
}

@test "a platform in the runtime flags wins over the platform answer" {
	stub_runsc 0.0~20240729.0 'exit 2'
	HG_PLATFORM=systrap HG_RUNTIME_ARGS="--debug --platform=ptrace"
	hg_platform_choice 2>"$T/err"
	[ -z "$HG_PLATFORM_ARG" ]
	grep -q "runtime-args sets a platform already" "$T/err"
}

@test "a runsc too old for the kernel gets --network=none when no flags are chosen" {
	stub_runsc 0.0~20240729.0 'exit 2'
	HG_KERNEL=6.12.1
	HG_AS=$T/no-helper
	hg_runtime_args 2>"$T/err"
	[ "$HG_ARGS" = --network=none ]
	[ "$HG_NETNONE" = 1 ]
	grep -q "predates gVisor's fix" "$T/err"
}

@test "chosen flags are kept as they are, split at blanks, next to the platform" {
	stub_runsc release-20250601.0 'exit 2'
	HG_KERNEL=6.12.1
	HG_RUNTIME_ARGS="  --debug	 --debug-log=/tmp/runsc/ " HG_PLATFORM=systrap
	hg_runtime_args 2>"$T/err"
	[ "$HG_ARGS" = "--debug --debug-log=/tmp/runsc/ --platform=systrap" ]
	[ -z "$HG_NETNONE" ]
}

@test "as root, a runsc in a directory others can write is never run" {
	[ "$(id -u)" = 0 ] || skip "the rule is root's"
	mkdir -p "$T/shared"
	chmod 0777 "$T/shared"
	HG_RUNSC=$T/shared/runsc
	stub_runsc 0.0~20221219.0 'touch "$0.ran"'
	printf '#!/bin/sh\ntouch "$0.ran"\necho "runsc version 0.0~20221219.0"\n' >"$HG_RUNSC"
	chmod 0755 "$HG_RUNSC"
	hg_runsc_facts "$HG_RUNSC"
	[ ! -e "$HG_RUNSC.ran" ]
	[ -z "$HG_RUNSC_DATE" ]
	hg_runsc_platforms || true
	[ ! -e "$HG_RUNSC.ran" ]
}

# image_build: policy-rc.d forbids service actions, as in an image build.
image_build() {
	printf '#!/bin/sh\nexit 101\n' >"$T/policy-rc.d"
	chmod 0755 "$T/policy-rc.d"
	HG_POLICY_RC_D=$T/policy-rc.d
}

@test "in an image build the kernel judged is the image's newest kernel package, not the build machine's" {
	image_build
	stub dpkg-query 'printf "linux-image-6.1.0-28-amd64 installed\nlinux-image-6.12.38+deb13-amd64 installed\nlinux-image-6.13.0-1-amd64 config-files\n"'
	stub_runsc 0.0~20240729.0 'exit 2'
	HG_KERNEL=6.1.0-40-amd64
	hg_runtime_args 2>"$T/err"
	[ "$HG_KERNEL" = 6.12.38+deb13-amd64 ]
	[ "$HG_ARGS" = --network=none ]
	grep -q "judged against the image's kernel, Linux 6.12.38+deb13-amd64" "$T/err"
}

@test "an image whose kernel is not affected gets no --network=none, whatever the build machine runs" {
	image_build
	stub dpkg-query 'printf "linux-image-6.1.0-28-amd64 installed\n"'
	stub_runsc 0.0~20240729.0 'exit 2'
	HG_KERNEL=6.12.1
	hg_runtime_args 2>"$T/err"
	[ -z "$HG_ARGS" ]
}

@test "an image build without a kernel package is judged by the build machine's kernel, and says so" {
	image_build
	stub dpkg-query 'exit 1'
	stub_runsc 0.0~20240729.0 'exit 2'
	HG_KERNEL=6.12.1
	hg_runtime_args 2>"$T/err"
	[ "$HG_ARGS" = --network=none ]
	grep -q "without a kernel package: judged against the build machine's kernel" "$T/err"
}
