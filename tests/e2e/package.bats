#!/usr/bin/env bats
# End to end: the built hersh-gvisor package installed, reconfigured,
# upgraded, removed and purged on this host with a real dockerd and the
# real runsc, as an administrator would.  Root; run under the host lock:
#   flock /run/hersh-host.lock bats tests/e2e/package.bats
# tests/run builds the package first (make deb).  The apt source is off
# here (no network); tests/e2e/package-apt.bats covers it.

load ../lib/common
load ../lib/docker
load ../lib/package

setup_file() {
	pkg_file_setup || return 0
}

teardown_file() {
	pkg_file_teardown
}

setup() {
	file_skip_check
	pkg_test_setup
	pkg_preseed apt-source=false runtime-args=--network=none
}

teardown() {
	pkg_test_teardown
}

@test "apt-get install of the package lets docker run a container under runsc" {
	run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$HG_DEB"
	assert_success
	assert_output --partial "hersh-gvisor: Docker: lists the runsc runtime"
	assert_output --partial "hersh-gvisor: run hersh-gvisor-check"
	docker_lists_runsc
	run docker run --rm --runtime=runsc --network none "$TEST_IMAGE" echo Hello from gVisor
	assert_success
	assert_output "Hello from gVisor"
}

@test "the runtime entry carries the preseeded runtime args" {
	pkg_install
	run "$HG_DJ_TOOL" show runsc
	assert_success
	assert_output --partial '"path": "/usr/bin/runsc"'
	assert_output --partial '"--network=none"'
	assert_file_exists "$HG_STATE_DIR/docker-runtime"
}

@test "a container started before the install keeps running through install and remove" {
	local name started pid
	name=$(container_start keep)
	started=$(started_at "$name")
	pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	run pkg_install
	assert_success
	docker_lists_runsc
	assert_equal "$(started_at "$name")" "$started"
	assert_equal "$(docker inspect -f '{{.State.Running}} {{.State.Pid}}' "$name")" "true $pid"
	run pkg_remove
	assert_success
	refute docker_lists_runsc
	assert_equal "$(started_at "$name")" "$started"
	assert_equal "$(docker inspect -f '{{.State.Running}} {{.State.Pid}}' "$name")" "true $pid"
}

@test "the admin's settings and formatting survive install, remove and purge" {
	daemon_json_use "$FIXTURES/package/daemon-admin.json"
	run pkg_install
	assert_success
	docker_lists_runsc
	# Everything but the new entry is byte-for-byte the admin's.
	run diff "$FIXTURES/package/daemon-admin.json" "$HG_DAEMON_JSON"
	assert_failure
	refute_output --regexp '^< '
	run docker info --format '{{json .Labels}}'
	assert_output --partial '"hersh-e2e=1"'
	assert_output --partial '"indent=tabs"'
	run pkg_remove
	assert_success
	refute docker_lists_runsc
	docker_up
	run docker run --rm --network none "$TEST_IMAGE" echo still up
	assert_output "still up"
	run pkg_purge
	assert_success
	cmp "$FIXTURES/package/daemon-admin.json" "$HG_DAEMON_JSON"
	assert_not_exists "$HG_STATE_DIR"
}

@test "purge removes the daemon.json the package created and leaves no state" {
	# A daemon.json of this host's own is put back after the test.
	if [ -e "$HG_DAEMON_JSON" ]; then
		rm -f "$HG_DAEMON_JSON"
		dockerd_restart
	fi
	run pkg_install
	assert_success
	assert_file_exists "$HG_DAEMON_JSON"
	run pkg_remove
	assert_success
	run pkg_purge
	assert_success
	assert_not_exists "$HG_DAEMON_JSON"
	assert_not_exists "$HG_STATE_DIR"
	run debconf-show hersh-gvisor
	assert_output ""
}

@test "an admin's own runsc entry survives install and purge untouched" {
	daemon_json_use "$FIXTURES/package/daemon-admin-runsc.json"
	local stamp
	stamp=$(file_stamp "$HG_DAEMON_JSON")
	pkg_preseed default-runtime=true runtime-args=--debug
	run pkg_install
	assert_success
	assert_output --partial "not added by this package"
	assert_equal "$(file_stamp "$HG_DAEMON_JSON")" "$stamp"
	run pkg_remove
	assert_success
	run pkg_purge
	assert_success
	cmp "$FIXTURES/package/daemon-admin-runsc.json" "$HG_DAEMON_JSON"
	assert_equal "$(file_stamp "$HG_DAEMON_JSON")" "$stamp"
	assert_not_exists "$HG_STATE_DIR"
}

@test "default-runtime=true makes runsc Docker's default and remove resets it" {
	pkg_preseed default-runtime=true
	run pkg_install
	assert_success
	assert_equal "$(docker_default_runtime)" runsc
	docker create --name "${HG_CONTAINER_PREFIX}default" --network none "$TEST_IMAGE" true >/dev/null
	run docker inspect -f '{{.HostConfig.Runtime}}' "${HG_CONTAINER_PREFIX}default"
	assert_output runsc
	run pkg_remove
	assert_success
	assert_equal "$(docker_default_runtime)" runc
	run grep -c '"default-runtime"' "$HG_DAEMON_JSON"
	assert_output 0
	run docker run --rm --network none "$TEST_IMAGE" echo default runtime works
	assert_success
	assert_output "default runtime works"
}

@test "removing runsc takes the runtime out and reinstalling it puts it back" {
	[ -n "$RUNSC_DEB" ] || skip "no runsc package file to reinstall from"
	pkg_preseed default-runtime=true
	pkg_install
	assert_equal "$(docker_default_runtime)" runsc
	run env DEBIAN_FRONTEND=noninteractive dpkg -r runsc
	assert_success
	assert_output --partial "taking the runsc runtime out"
	run "$HG_DJ_TOOL" show runsc
	assert_failure 3
	refute docker_lists_runsc
	assert_equal "$(docker_default_runtime)" runc
	run env DEBIAN_FRONTEND=noninteractive dpkg -i "$RUNSC_DEB"
	assert_success
	docker_lists_runsc
	assert_equal "$(docker_default_runtime)" runsc
	run docker run --rm --runtime=runsc --network none "$TEST_IMAGE" echo Hello from gVisor
	assert_output "Hello from gVisor"
}

@test "installed while runsc is absent, the package adds the runtime when runsc arrives" {
	[ -n "$RUNSC_DEB" ] || skip "no runsc package file to reinstall from"
	DEBIAN_FRONTEND=noninteractive dpkg -r runsc >/dev/null
	run pkg_install
	assert_success
	assert_output --partial "/usr/bin/runsc is not installed"
	run "$HG_DJ_TOOL" show runsc
	assert_failure 3
	run env DEBIAN_FRONTEND=noninteractive dpkg -i "$RUNSC_DEB"
	assert_success
	docker_lists_runsc
}

@test "with policy-rc.d forbidding service actions daemon.json is configured but Docker is not signalled" {
	local pid reloads
	policy_rc_d_restore
	pid=$(dockerd_pid)
	reloads=$(dockerd_reloads)
	run pkg_install
	assert_success
	assert_output --partial "policy-rc.d forbids service actions"
	run "$HG_DJ_TOOL" show runsc
	assert_success
	assert_equal "$(dockerd_pid)" "$pid"
	assert_equal "$(dockerd_reloads)" "$reloads"
	refute docker_lists_runsc
}

@test "docker-action=none configures daemon.json and leaves Docker alone" {
	local reloads
	pkg_preseed docker-action=none
	reloads=$(dockerd_reloads)
	run pkg_install
	assert_success
	assert_output --partial "docker-action is none"
	assert_equal "$(dockerd_reloads)" "$reloads"
	refute docker_lists_runsc
}

@test "installing the same package again changes nothing and restarts nothing" {
	local name started stamp pid reloads
	pkg_install
	name=$(container_start upgrade)
	started=$(started_at "$name")
	stamp=$(file_stamp "$HG_DAEMON_JSON")
	pid=$(dockerd_pid)
	reloads=$(dockerd_reloads)
	run pkg_install
	assert_success
	assert_output --partial "nothing to apply"
	assert_equal "$(file_stamp "$HG_DAEMON_JSON")" "$stamp"
	assert_equal "$(dockerd_pid)" "$pid"
	assert_equal "$(dockerd_reloads)" "$reloads"
	assert_equal "$(started_at "$name")" "$started"
}

@test "upgrading to a newer version changes nothing and restarts nothing" {
	local name started stamp pid reloads newer
	pkg_install
	newer=$(pkg_bumped_deb "$BATS_TEST_TMPDIR" 99.0.0)
	name=$(container_start upgrade)
	started=$(started_at "$name")
	stamp=$(file_stamp "$HG_DAEMON_JSON")
	pid=$(dockerd_pid)
	reloads=$(dockerd_reloads)
	run pkg_install "$newer"
	assert_success
	assert_output --partial "nothing to apply"
	assert_equal "$(dpkg-query -W -f '${Version}' hersh-gvisor)" 99.0.0
	assert_equal "$(file_stamp "$HG_DAEMON_JSON")" "$stamp"
	assert_equal "$(dockerd_pid)" "$pid"
	assert_equal "$(dockerd_reloads)" "$reloads"
	assert_equal "$(started_at "$name")" "$started"
	docker_lists_runsc
}

@test "a broken daemon.json fails configure untouched and dpkg --configure -a completes once fixed" {
	mkdir -p "${HG_DAEMON_JSON%/*}"
	cp "$FIXTURES/package/daemon-broken.json" "$HG_DAEMON_JSON"
	local stamp
	stamp=$(file_stamp "$HG_DAEMON_JSON")
	run pkg_install
	assert_failure
	assert_output --partial "hersh-daemon-json: $HG_DAEMON_JSON"
	assert_output --partial "dpkg --configure -a"
	cmp "$FIXTURES/package/daemon-broken.json" "$HG_DAEMON_JSON"
	assert_equal "$(file_stamp "$HG_DAEMON_JSON")" "$stamp"
	refute [ "$(pkg_status hersh-gvisor)" = installed ]
	cp "$FIXTURES/package/daemon-admin.json" "$HG_DAEMON_JSON"
	run env DEBIAN_FRONTEND=noninteractive dpkg --configure -a
	assert_success
	assert_equal "$(pkg_status hersh-gvisor)" installed
	docker_lists_runsc
}

@test "dpkg-reconfigure with changed answers applies them" {
	pkg_install
	assert_equal "$(docker_default_runtime)" runc
	pkg_preseed default-runtime=true "runtime-args=--network=none --debug"
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	assert_equal "$(docker_default_runtime)" runsc
	run "$HG_DJ_TOOL" show runsc
	assert_output --partial '"--debug"'
	run docker run --rm --network none "$TEST_IMAGE" echo Hello from gVisor
	assert_output "Hello from gVisor"

	pkg_preseed default-runtime=false runtime-args=
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	assert_equal "$(docker_default_runtime)" runc
	run "$HG_DJ_TOOL" show runsc
	assert_success
	refute_output --partial '"--debug"'
	if [ -e "$HG_STATE_DIR/network-none" ]; then
		# A runsc too old for this kernel: the package's own argument.
		assert_output --partial '"--network=none"'
	else
		refute_output --partial runtimeArgs
	fi

	pkg_preseed configure-docker=false
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	refute docker_lists_runsc
	run "$HG_DJ_TOOL" show runsc
	assert_failure 3
}

@test "runtime args are split at blanks, in order, each kept as written" {
	local log=$BATS_TEST_TMPDIR/runsc-log/
	pkg_preseed "runtime-args=--network=none  --debug-log=$log	--platform=systrap"
	run pkg_install
	assert_success
	run jq -c '.runtimes.runsc.runtimeArgs' "$HG_DAEMON_JSON"
	assert_output "[\"--network=none\",\"--debug-log=$log\",\"--platform=systrap\"]"
}

@test "runtime args with shell syntax are refused, since Docker runs them through /bin/sh" {
	# shellcheck disable=SC2016 # literal on purpose
	local evil='--debug-log=/tmp/$(touch${IFS}/tmp/hersh-e2e-pwned)/*'
	pkg_preseed "runtime-args=--network=none $evil"
	run pkg_install
	assert_success
	assert_output --partial "warning: runtime-args '--network=none $evil' is not valid: runtime argument '$evil' holds '\$'"
	assert_not_exists /tmp/hersh-e2e-pwned
	run jq -c '.runtimes.runsc' "$HG_DAEMON_JSON"
	refute_output --partial 'hersh-e2e-pwned'
	docker_lists_runsc
	assert_not_exists /tmp/hersh-e2e-pwned
}

@test "an install at debconf's default priority asks no question" {
	pkg_forget
	# Unseen, so that it would be asked at a priority that allows it.
	echo "hersh-gvisor hersh-gvisor/apt-source boolean false" | debconf-set-selections -u
	run env DEBIAN_FRONTEND=teletype DEBIAN_PRIORITY=high dpkg -i "$HG_DEB" </dev/null
	assert_success
	refute_output --partial "Configure Docker to offer"
	refute_output --partial "Add the gVisor apt repository"
	docker_lists_runsc
}

@test "remove warns about containers running under runsc and leaves them running" {
	local name=${HG_CONTAINER_PREFIX}gvisor started
	pkg_install
	docker run -d --name "$name" --runtime=runsc --network none "$TEST_IMAGE" sleep 100000 >/dev/null
	started=$(started_at "$name")
	run pkg_remove
	assert_success
	assert_output --partial "warning: container $name runs under runsc"
	refute docker_lists_runsc
	assert_equal "$(docker inspect -f '{{.State.Running}}' "$name")" true
	assert_equal "$(started_at "$name")" "$started"
	# Docker stops it cleanly only while it knows the runtime.
	pkg_install >/dev/null
	docker stop "$name" >/dev/null
}

# ---- never wedge dpkg

@test "remove with a broken daemon.json succeeds, names the file and keeps the record" {
	pkg_install
	cp "$FIXTURES/package/daemon-broken.json" "$HG_DAEMON_JSON"
	local stamp
	stamp=$(file_stamp "$HG_DAEMON_JSON")
	run pkg_remove
	assert_success
	assert_output --partial "hersh-daemon-json: $HG_DAEMON_JSON"
	assert_output --partial "warning: $HG_DAEMON_JSON could not be read or written"
	assert_equal "$(pkg_status hersh-gvisor)" config-files
	assert_file_exists "$HG_STATE_DIR/docker-runtime"
	assert_equal "$(file_stamp "$HG_DAEMON_JSON")" "$stamp"
	run pkg_purge
	assert_success
	assert_output --partial "may still hold the runtime this package added"
	cmp "$FIXTURES/package/daemon-broken.json" "$HG_DAEMON_JSON"
	assert_not_exists "$HG_STATE_DIR"
}

@test "removing runsc with a broken daemon.json succeeds and the trigger only warns" {
	[ -n "$RUNSC_DEB" ] || skip "no runsc package file to reinstall from"
	local good
	pkg_install
	good=$BATS_TEST_TMPDIR/good.json
	cp "$HG_DAEMON_JSON" "$good"
	cp "$FIXTURES/package/daemon-broken.json" "$HG_DAEMON_JSON"
	run env DEBIAN_FRONTEND=noninteractive dpkg -r runsc
	assert_success
	assert_output --partial "warning: $HG_DAEMON_JSON could not be read or written"
	assert_equal "$(pkg_status hersh-gvisor)" installed
	refute [ "$(pkg_status runsc)" = installed ]
	cmp "$FIXTURES/package/daemon-broken.json" "$HG_DAEMON_JSON"
	# Fixed, a reconfigure finishes what the trigger could not.
	cp "$good" "$HG_DAEMON_JSON"
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	assert_output --partial "taking the runsc runtime out"
	refute docker_lists_runsc
}

@test "installing runsc with a broken daemon.json succeeds and the trigger only warns" {
	[ -n "$RUNSC_DEB" ] || skip "no runsc package file to reinstall from"
	DEBIAN_FRONTEND=noninteractive dpkg -r runsc >/dev/null
	pkg_install
	cp "$FIXTURES/package/daemon-broken.json" "$HG_DAEMON_JSON"
	run env DEBIAN_FRONTEND=noninteractive dpkg -i "$RUNSC_DEB"
	assert_success
	assert_output --partial "warning: $HG_DAEMON_JSON could not be read or written"
	assert_equal "$(pkg_status hersh-gvisor)" installed
	assert_equal "$(pkg_status runsc)" installed
	cmp "$FIXTURES/package/daemon-broken.json" "$HG_DAEMON_JSON"
}

@test "postinst abort-remove puts back what prerm remove took out" {
	pkg_install
	docker_lists_runsc
	run env DEBIAN_FRONTEND=noninteractive /var/lib/dpkg/info/hersh-gvisor.prerm remove
	assert_success
	refute docker_lists_runsc
	run env DEBIAN_FRONTEND=noninteractive /var/lib/dpkg/info/hersh-gvisor.postinst abort-remove
	assert_success
	docker_lists_runsc
	run "$HG_DJ_TOOL" show runsc
	assert_success
	assert_file_exists "$HG_STATE_DIR/docker-runtime"
}

@test "a record that cannot be written fails configure before daemon.json is touched" {
	daemon_json_use "$FIXTURES/package/daemon-admin.json"
	rm -rf "$HG_STATE_DIR"
	: >"$HG_STATE_DIR"
	run pkg_install
	rm -f "$HG_STATE_DIR"
	assert_failure
	assert_output --partial "$HG_STATE_DIR"
	assert_output --partial "dpkg --configure -a"
	cmp "$FIXTURES/package/daemon-admin.json" "$HG_DAEMON_JSON"
	run env DEBIAN_FRONTEND=noninteractive dpkg --configure -a
	assert_success
	assert_file_exists "$HG_STATE_DIR/docker-runtime"
	docker_lists_runsc
}

@test "with policy-rc.d forbidding the reload remove keeps the placeholders a later reload needs" {
	pkg_install
	docker_lists_runsc
	policy_rc_d_restore
	run pkg_remove
	assert_success
	assert_output --partial "policy-rc.d forbids"
	assert_output --partial "stay until Docker is known to have read the file"
	run grep -c '"runsc"' "$HG_DAEMON_JSON"
	assert_output 0
	# "runtimes" stays (empty when runsc was its only entry): a reload
	# keeps the runtimes of a file that names none.
	jq -e 'has("runtimes")' "$HG_DAEMON_JSON" >/dev/null
	# The admin reloads Docker later: it drops the runtime.
	kill -HUP "$(dockerd_pid)"
	local _
	for _ in $(seq 1 50); do
		docker_lists_runsc || break
		sleep 0.2
	done
	refute docker_lists_runsc
}

@test "a chrootless install into another root leaves this system's Docker and files alone" {
	local root=$BATS_TEST_TMPDIR/root reloads before
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers" \
		"$root/var/cache/debconf" "$root/etc"
	: >"$root/var/lib/dpkg/status"
	reloads=$(dockerd_reloads)
	before=$(sha256sum "$HG_DAEMON_JSON" 2>/dev/null) || before=absent
	run env DEBIAN_FRONTEND=noninteractive dpkg --root="$root" --force-script-chrootless \
		--force-depends -i "$HG_DEB"
	assert_success
	assert_output --partial "DPKG_ROOT is $root"
	assert_file_exists "$root/usr/sbin/hersh-daemon-json"
	assert_not_exists "$root/etc/docker/daemon.json"
	assert_not_exists "$root/var/lib/hersh-gvisor"
	assert_not_exists "$HG_STATE_DIR"
	assert_equal "$(sha256sum "$HG_DAEMON_JSON" 2>/dev/null || echo absent)" "$before"
	assert_equal "$(dockerd_reloads)" "$reloads"
	assert_equal "$(pkg_status hersh-gvisor)" not-installed
	run env DEBIAN_FRONTEND=noninteractive dpkg --root="$root" --force-script-chrootless -P hersh-gvisor
	assert_success
	assert_equal "$(sha256sum "$HG_DAEMON_JSON" 2>/dev/null || echo absent)" "$before"
	assert_equal "$(dockerd_reloads)" "$reloads"
}

@test "the package depends on ca-certificates, so an https key URL works on a minimal system" {
	run dpkg-deb -f "$HG_DEB" Depends
	assert_output --regexp '(^|, )ca-certificates(,|$)'
}

# ---- Docker's own word

@test "Docker refusing the new daemon.json is reported in Docker's words, never as success" {
	daemon_json_use "$FIXTURES/package/daemon-admin.json"
	# The admin's edit Docker has not read yet: 3.0 where it wants an integer.
	cp "$FIXTURES/package/daemon-admin-float.json" "$HG_DAEMON_JSON"
	run pkg_install
	assert_success
	# Docker 23 and later refuse it at dockerd --validate, before any
	# reload; Docker 20.10 in its log after the reload.
	assert_output --regexp 'Docker: (refused the new daemon.json|dockerd --validate refuses)'
	assert_output --regexp 'hersh-gvisor: Docker: .*3\.0'
	assert_output --partial "dpkg-reconfigure hersh-gvisor"
	refute_output --partial "lists the runsc runtime"
	refute docker_lists_runsc
}

@test "a refused reload is not reported as success when Docker already knew runsc" {
	daemon_json_use "$FIXTURES/package/daemon-admin.json"
	pkg_install
	docker_lists_runsc
	# An admin's edit Docker refuses (a directive it does not know).
	sed -i 's/^\t"log-level": "warn",$/\t"log-level": "warn",\n\t"hersh-no-such-directive": true,/' "$HG_DAEMON_JSON"
	grep -q hersh-no-such-directive "$HG_DAEMON_JSON"
	pkg_preseed "runtime-args=--network=none --debug"
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	assert_output --regexp 'Docker: (refused the new daemon.json|dockerd --validate refuses)'
	assert_output --partial "hersh-no-such-directive"
	refute_output --partial "lists the runsc runtime"
	run docker info --format '{{range (index .Runtimes "runsc").Args}}{{.}} {{end}}'
	assert_output "--network=none "
}

# ---- gVisor's runsc package

@test "a re-formatting by runsc install is undone when runsc's package runs again" {
	[ -n "$RUNSC_DEB" ] || skip "no runsc package file to reinstall from"
	local written=$BATS_TEST_TMPDIR/written.json
	daemon_json_use "$FIXTURES/package/daemon-admin-numbers.json"
	pkg_install
	cp "$HG_DAEMON_JSON" "$written"
	# What gVisor's runsc package does in its postinst.
	runsc install --clobber=false 2>/dev/null
	run cmp -s "$written" "$HG_DAEMON_JSON"
	assert_failure
	run env DEBIAN_FRONTEND=noninteractive dpkg -i "$RUNSC_DEB"
	assert_success
	assert_output --partial "the administrator's layout was put back"
	cmp "$written" "$HG_DAEMON_JSON"
	docker_lists_runsc
}

@test "a bare runsc entry as runsc install writes it is managed by the package" {
	[ -n "$RUNSC_DEB" ] || skip "no runsc package file to reinstall from"
	local admin=$FIXTURES/package/daemon-admin-numbers.json
	DEBIAN_FRONTEND=noninteractive dpkg -r runsc >/dev/null
	daemon_json_use "$admin"
	pkg_preseed default-runtime=true
	pkg_install
	cmp "$admin" "$HG_DAEMON_JSON"
	# runsc's package arrives: unpacked, its postinst's `runsc install`,
	# then configured (the trigger runs).
	# (apt defers triggers the same way: dpkg --no-triggers, then
	# --configure --pending.)
	DEBIAN_FRONTEND=noninteractive dpkg --no-triggers --unpack "$RUNSC_DEB" >/dev/null
	runsc install --clobber=false 2>/dev/null
	run "$HG_DJ_TOOL" show runsc
	assert_output "$(printf '{\n  "path": "/usr/bin/runsc"\n}')"
	run env DEBIAN_FRONTEND=noninteractive dpkg --configure -a
	assert_success
	assert_output --partial "the one runsc's own package writes"
	run diff "$admin" "$HG_DAEMON_JSON"
	refute_output --regexp '^<'
	run "$HG_DJ_TOOL" show runsc
	assert_output --partial '"--network=none"'
	assert_equal "$(docker_default_runtime)" runsc
	run pkg_remove
	assert_success
	cmp "$admin" "$HG_DAEMON_JSON"
	refute docker_lists_runsc
}

# ---- runsc too old for the kernel

@test "without runtime args a runsc too old for the kernel gets --network=none and the next step is named" {
	hg_kernel_611 || skip "the kernel is older than 6.11"
	pkg_preseed runtime-args=
	run pkg_install
	assert_success
	assert_output --partial "networking in the sandbox is off until runsc is upgraded"
	run last_summary_line
	assert_output --partial "next step: add the gVisor repository"
	assert_file_exists "$HG_STATE_DIR/network-none"
	run "$HG_DJ_TOOL" show runsc
	assert_output --partial '"--network=none"'
	run docker run --rm --runtime=runsc "$TEST_IMAGE" echo Hello from gVisor
	assert_output "Hello from gVisor"
}

@test "runtime args chosen later replace the temporary --network=none" {
	hg_kernel_611 || skip "the kernel is older than 6.11"
	pkg_preseed runtime-args=
	pkg_install
	assert_file_exists "$HG_STATE_DIR/network-none"
	pkg_preseed "runtime-args=--network=none --debug"
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	assert_not_exists "$HG_STATE_DIR/network-none"
	run "$HG_DJ_TOOL" show runsc
	assert_output --partial '"--debug"'
}

@test "a reload forbidden at install is caught up by dpkg-reconfigure once service actions are allowed" {
	local name started pid
	pkg_preseed runtime-args="--network=none --debug"
	name=$(container_start converge)
	started=$(started_at "$name")
	pid=$(dockerd_pid)
	policy_rc_d_restore
	run pkg_install
	assert_success
	assert_output --partial "policy-rc.d forbids service actions"
	refute docker_lists_runsc
	policy_rc_d_hide
	run env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure hersh-gvisor
	assert_success
	assert_output --partial "daemon.json is unchanged, but Docker lists no runsc runtime"
	assert_output --partial "Docker: lists the runsc runtime (/usr/bin/runsc --network=none --debug)"
	run docker info --format '{{range (index .Runtimes "runsc").Args}}{{.}} {{end}}'
	assert_output "--network=none --debug "
	assert_equal "$(dockerd_pid)" "$pid"
	assert_equal "$(started_at "$name")" "$started"
}

@test "a preseeded kvm that cannot start a sandbox here is not written, and the summary says why" {
	pkg_preseed platform=kvm
	run pkg_install
	assert_success
	assert_output --regexp "runsc: platform kvm not written: "
	run "$HG_DJ_TOOL" show --porcelain runsc
	refute_output --partial "--platform="
}

@test "a preseeded systrap is written when runsc offers it, and Docker lists it" {
	local want=--platform=systrap
	pkg_preseed platform=systrap runtime-args=
	run pkg_install
	assert_success
	if runsc platforms >/dev/null 2>&1 || [ "$(hg_runsc_date)" -ge 20230501 ]; then
		assert_output --partial "runsc: platform systrap"
		run "$HG_DJ_TOOL" show --porcelain runsc
		assert_line "arg	$want"
		run docker info --format '{{range (index .Runtimes "runsc").Args}}{{.}} {{end}}'
		assert_output --partial "$want"
	else
		# Debian 12's runsc has no systrap.
		assert_output --partial "runsc: platform systrap not written:"
		run "$HG_DJ_TOOL" show --porcelain runsc
		refute_output --partial "--platform="
	fi
}
