#!/usr/bin/env bats
# The package's debconf config script, as built into the package, run by
# debconf against a private database (DEBCONF_SYSTEMRC): answers typed in
# a dialog are checked by the rules of the package's library and helpers
# and asked again; preseeded ones never make it loop.  The package is
# installed first (the config script sources its library), in a throwaway
# root (tests/run e2e@R).

load ../lib/common
load ../lib/package

setup_file() {
	pkg_file_needs root throwaway debconf-loadtemplate || return 0
	hersh_purge
	pkg_forget
	pkg_preseed apt-source=false configure-docker=false
	pkg_install >/dev/null
}

teardown_file() {
	! file_skipped || return 0
	hersh_purge
}

setup() {
	file_skip_check
	D=$BATS_TEST_TMPDIR
	dpkg-deb -e "$HG_DEB" "$D/control"
	cat >"$D/debconf.conf" <<-CONF
		Config: configdb
		Templates: templatedb

		Name: configdb
		Driver: File
		Filename: $D/config.dat

		Name: templatedb
		Driver: File
		Mode: 644
		Filename: $D/templates.dat
	CONF
	export DEBCONF_SYSTEMRC=$D/debconf.conf
	debconf-loadtemplate hersh-gvisor "$D/control/templates"
}

# config FRONTEND PRIORITY: run the config script as dpkg would (configure),
# answers on standard input; bounded, so that a loop fails the test.  The
# Teletype frontend gets a terminal (script(1)): from Debian 13 on it
# refuses to run without one.
config() {
	local cmd
	printf -v cmd '%q ' /usr/share/debconf/frontend "$D/control/config" configure
	if [ "$1" = teletype ] || [ "$1" = Teletype ]; then
		DEBIAN_FRONTEND=$1 DEBIAN_PRIORITY=$2 SHELL=/bin/bash timeout 60 \
			script -qefc "$cmd" /dev/null 2>&1 | tr -d '\r'
		return "${PIPESTATUS[0]}"
	fi
	DEBIAN_FRONTEND=$1 DEBIAN_PRIORITY=$2 timeout 60 \
		/usr/share/debconf/frontend "$D/control/config" configure 2>&1
}

# The stored answer to QUESTION.
answer() {
	echo "GET hersh-gvisor/$1" | debconf-communicate hersh-gvisor | sed -n 's/^0 //p'
}

preseed() {
	printf 'hersh-gvisor hersh-gvisor/%s %s %s\n' "$1" "$2" "$3" | debconf-set-selections
}

@test "the config script takes its answer checks from the package's library" {
	run grep -c '^\. "\$HG_DATADIR/lib.sh"$' "$D/control/config"
	assert_output 1
	run grep -c 'hg_valid_\|grep' "$D/control/config"
	assert_output 0
}

@test "before the package is unpacked (no library yet) the config script asks nothing and succeeds" {
	mv /usr/share/hersh-gvisor /usr/share/hersh-gvisor.away
	run config teletype low </dev/null
	mv /usr/share/hersh-gvisor.away /usr/share/hersh-gvisor
	assert_success
	refute_output --partial "Configure Docker"
}

@test "answers typed in a dialog that break a rule are refused with the reason and asked again" {
	run config teletype low <<-'IN'
		yes
		no
		1
		--debug-log=/tmp/$(id)/
		--network=none  --debug
		xen
		systrap
		yes
		20240230
		20240229
		http://mirror.example/gvisor#releases
		http://127.0.0.1:8080/gvisor
		ftp://gvisor.dev/archive.key
		https://mirror.example/gvisor.key
		0x6f1d
		6f1d f85e 3a71 c249 18e7 27d5 6fc6 d554 e32b d943
		yes
	IN
	assert_success
	# (matched up to where a terminal wraps the line)
	assert_output --partial 'The value "--debug-log=/tmp/$(id)/" cannot be used: runtime argument'
	assert_output --partial "holds '\$'"
	assert_output --partial 'The value "xen" cannot be used: it is not one of systrap, kvm, ptrace'
	assert_output --partial 'The value "20240230" cannot be used: it is not a date'
	assert_output --partial 'The value "http://mirror.example/gvisor#releases" cannot be used: it contains'
	assert_output --partial "The value \"ftp://gvisor.dev/archive.key\" cannot be used: scheme 'ftp'"
	assert_output --partial 'The value "0x6f1d" cannot be used: it has 4 hexadecimal digits'
	assert_equal "$(answer runtime-args)" '--network=none  --debug'
	assert_equal "$(answer platform)" systrap
	assert_equal "$(answer apt-suite)" 20240229
	assert_equal "$(answer apt-uri)" http://127.0.0.1:8080/gvisor
	assert_equal "$(answer key-url)" https://mirror.example/gvisor.key
	assert_equal "$(answer key-fingerprint)" '6f1d f85e 3a71 c249 18e7 27d5 6fc6 d554 e32b d943'
}

@test "a bad preseeded answer is never asked again under the noninteractive frontend" {
	preseed apt-uri string 'http://mirror.example/gvisor#releases'
	preseed apt-suite string 20230229
	run config noninteractive low </dev/null
	assert_success
	refute_output --partial "cannot be used"
	# Left for the postinst, which uses the default and says so.
	assert_equal "$(answer apt-uri)" 'http://mirror.example/gvisor#releases'
}

@test "a bad preseeded answer at a priority that hides it does not loop" {
	preseed apt-uri string 'https:///no-host'
	run config teletype high </dev/null
	assert_success
	refute_output --partial "cannot be used"
}

@test "the platform question exists, a string, empty by default, asked at low priority" {
	run grep -A3 '^Template: hersh-gvisor/platform$' "$D/control/templates"
	assert_line 'Type: string'
	assert_line 'Default:'
	run grep -c 'ask low platform checked' "$D/control/config"
	assert_output 1
}

@test "the apt-pin question exists, boolean, default true, asked at low priority" {
	run grep -A3 '^Template: hersh-gvisor/apt-pin$' "$D/control/templates"
	assert_line 'Type: boolean'
	assert_line 'Default: true'
	run grep -c 'ask low apt-pin' "$D/control/config"
	assert_output 1
}
