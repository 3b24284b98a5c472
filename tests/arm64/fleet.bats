#!/usr/bin/env bats
# An arm64 fleet's image, baked on this amd64 machine with the README's
# recipe: `make repo` publishes the amd64 and the arm64 package in one
# signed repository (a Packages file per architecture), then
# `mmdebstrap --arch=arm64` bakes an image that installs hersh-gvisor,
# runsc and docker.io from that repository and Debian's mirror, with the
# answers preseeded in an essential hook.  Every maintainer script runs
# under qemu-user (binfmt_misc).  The image must have hersh-gvisor
# installed and the runtime in its daemon.json.
#
# Root; touches nothing on the host but its own temporary directory (and
# binfmt_misc: root_foreign_ready):
#   sudo tests/run arm64
#   HERSH_DEB=dist/hersh-gvisor_..._amd64.deb HERSH_DEB_ARM64=dist/arm64/hersh-gvisor_..._arm64.deb \
#     sudo bats tests/arm64/fleet.bats

load ../lib/common
load ../lib/aptrepo
load ../image/bake

setup_file() {
	file_needs root mmdebstrap gpg gpgv make python3 curl deb || return 0
	local w=$BATS_FILE_TMPDIR arm64 fpr url mirror opt
	local -a aptopts=()
	if [ -n "${HERSH_DEB_ARM64:-}" ]; then
		arm64=$HERSH_DEB_ARM64
		[ -f "$arm64" ] || { echo "HERSH_DEB_ARM64=$arm64: no such file" >&2; return 1; }
	else
		arm64=$(ls "$HERSH_SRC"/dist/arm64/hersh-gvisor_*_arm64.deb 2>/dev/null | tail -n 1)
		[ -n "$arm64" ] || { file_skip "no dist/arm64/hersh-gvisor_*_arm64.deb (make deb ARCH=arm64)"; return 0; }
	fi
	printf '%s\n' "$HERSH_DEB" >"$w/amd64"
	printf '%s\n' "$arm64" >"$w/arm64"
	root_foreign_ready arm64 || return 1
	mirror=$(root_mirror) || return 1
	while IFS= read -r opt; do
		aptopts+=("--aptopt=$opt")
	done < <(root_aptopts)

	# The fleet's repository, both architectures, with their own key.
	fpr=$(aptrepo_key_new "$w/key")
	GNUPGHOME=$w/key/gnupg make -s -C "$HERSH_SRC" repo KEY="$fpr" REPO_DIR="$w/site/repo" \
		REPO_DEBS="$HERSH_DEB $arm64" >"$w/make.log" 2>&1 || { cat "$w/make.log" >&2; return 1; }
	url=$(aptrepo_serve "$w/site") || return 1
	mkdir -p "$w/bake"
	# fleet.sources: the repository, its key inside the entry.
	cp "$(local_repo_sources "$w/key" "$url/repo" fleet)" "$w/bake/fleet.sources"
	cat >"$w/bake/preseed.cfg" <<-EOF
		hersh-gvisor hersh-gvisor/runtime-args string --network=none
		hersh-gvisor hersh-gvisor/default-runtime boolean false
		hersh-gvisor hersh-gvisor/apt-source boolean false
	EOF
	# The README's command, with --arch=arm64 (and this host's APT
	# settings for its mirror, --verbose for the log).
	local rc=0
	(
		cd "$w/bake" &&
			unshare --mount --propagation private \
				mmdebstrap --arch=arm64 --variant=apt --include=hersh-gvisor,runsc,docker.io \
				--essential-hook='upload preseed.cfg /tmp/preseed.cfg' \
				--essential-hook='chroot "$1" debconf-set-selections /tmp/preseed.cfg' \
				--essential-hook='rm -f "$1/tmp/preseed.cfg"' \
				"${aptopts[@]}" --verbose \
				bookworm image-arm64.tar "deb $mirror bookworm main" fleet.sources
	) >"$w/mmdebstrap.log" 2>&1 || rc=$?
	printf '%s\n' "$rc" >"$w/mmdebstrap.rc"
	mkdir -p "$w/img"
	if [ "$rc" = 0 ]; then
		tar -C "$w/img" -xf "$w/bake/image-arm64.tar" --wildcards \
			'./etc/*' './var/lib/dpkg/*' './var/lib/hersh-gvisor*' './usr/bin/runsc' './usr/sbin/dockerd' ||
			true # what is missing, the tests name
	fi
	rm -f "$w/bake/image-arm64.tar"
}

teardown_file() {
	! file_skipped || return 0
	aptrepo_stop "$BATS_FILE_TMPDIR/site"
}

setup() {
	file_skip_check
	W=$BATS_FILE_TMPDIR
	IMG=$W/img
	ARM64_DEB=$(cat "$W/arm64")
}

# elf_machine FILE: the ELF machine field of FILE, as 4 hex digits
# (b700: aarch64, 3e00: x86-64).
elf_machine() {
	od -An -tx1 -j18 -N2 "$1" | tr -d ' \n'
}

@test "make repo publishes hersh-gvisor for amd64 and for arm64 in one repository" {
	run grep -A4 '^Package: hersh-gvisor$' "$W/site/repo/dists/stable/main/binary-amd64/Packages"
	assert_line 'Architecture: amd64'
	run grep -A4 '^Package: hersh-gvisor$' "$W/site/repo/dists/stable/main/binary-arm64/Packages"
	assert_line 'Architecture: arm64'
	run grep '^Architectures:' "$W/site/repo/dists/stable/Release"
	assert_output --partial amd64
	assert_output --partial arm64
}

mmdebstrap_result() {
	tail -n 40 "$W/mmdebstrap.log"
	return "$(cat "$W/mmdebstrap.rc")"
}

@test "mmdebstrap --arch=arm64 bakes the image from the fleet repository with the README's recipe" {
	run mmdebstrap_result
	assert_success
	run grep -E "^Get:[0-9]+ [^ ]+/repo stable/main arm64 hersh-gvisor " "$W/mmdebstrap.log"
	assert_success
}

@test "the image is arm64 and has the arm64 hersh-gvisor installed" {
	run cat "$IMG/var/lib/dpkg/arch"
	assert_line arm64
	run dpkg-query --admindir="$IMG/var/lib/dpkg" -W -f '${Status} ${Architecture} ${Version}' hersh-gvisor
	assert_output "install ok installed arm64 $(dpkg-deb --field "$ARM64_DEB" Version)"
}

@test "the image's daemon.json names the runsc runtime with the preseeded arguments" {
	run jq -c '.runtimes.runsc' "$IMG/etc/docker/daemon.json"
	assert_success
	assert_output '{"path":"/usr/bin/runsc","runtimeArgs":["--network=none"]}'
}

@test "the image's runsc and dockerd are arm64 binaries" {
	run elf_machine "$IMG/usr/bin/runsc"
	assert_output b700
	run elf_machine "$IMG/usr/sbin/dockerd"
	assert_output b700
}

@test "the build log shows the package's summary: Docker is not running in an image build" {
	run grep '^hersh-gvisor: ' "$W/mmdebstrap.log"
	assert_success
	assert_output --partial 'Docker'
}
