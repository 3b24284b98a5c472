#!/usr/bin/env bats
# The shell library's answer checks: each debconf answer is checked by the
# rule of the helper that owns it (hersh-apt-source check for the
# repository, key and suite; hersh-daemon-json check-args for the runtime
# flags), so the config script and the postinst agree with the helpers by
# construction.  The rules themselves are tested with the helpers
# (tests/aptsource/rules.bats, tests/unit/daemon-json-cli.bats).

# The library's settings are assigned here and read by the sourced code.
# shellcheck disable=SC2034

load lib

setup() { lib_setup; }
teardown() { lib_teardown; }

@test "a valid answer is taken in the helper's normalised form" {
	hg_valid key-fingerprint '0x6f1d f85e 3a71 c249 18e7 27d5 6fc6 d554 e32b d943'
	assert_equal "$HG_VAL" 6F1DF85E3A71C24918E727D56FC6D554E32BD943
	hg_valid apt-suite nightly
	hg_valid apt-uri https://mirror.example/gvisor/releases
}

@test "an answer the helper refuses comes back with the helper's reason" {
	run hg_valid apt-uri 'https://mirror.example/gvisor#releases'
	assert_failure
	hg_valid apt-uri 'https://mirror.example/gvisor#releases' || true
	[ -n "$HG_WHY" ]
	[[ $HG_WHY != *usage* ]]
	hg_valid apt-suite 20240230 || true
	[[ $HG_WHY == *date* ]]
}

@test "an empty key URL is valid: it means the key shipped with the package" {
	hg_valid key-url ''
}

@test "runtime flags of plain characters are valid, split at blanks" {
	local a
	for a in '' --network=none '--network=none --platform=systrap' \
		'--debug-log=/var/log/runsc/ --debug' '--overlay2=root:self' \
		"--network=none	--host-uds=open"; do
		hg_valid runtime-args "$a" || fail "$a refused: $HG_WHY"
	done
}

@test "runtime flags with shell syntax are refused with the reason, since Docker runs them through /bin/sh" {
	local a
	# shellcheck disable=SC2016 # literal on purpose
	for a in '--debug-log=/tmp/$(id)/' '--x=`id`' '--a;id' '--a|id' '--a&' '--log=~/x' \
		'--a="b c"' "--a='b'" '--a=*' '--a\b' '--a>b' "--a$HG_NL--b"; do
		if hg_valid runtime-args "$a"; then
			fail "$a accepted"
		fi
		[ -n "$HG_WHY" ] || fail "no reason for $a"
	done
}

@test "a platform is empty, systrap, kvm or ptrace" {
	local p
	for p in '' systrap kvm ptrace; do
		hg_valid platform "$p" || fail "$p refused"
	done
	run hg_valid platform xen
	assert_failure
}

@test "a preseeded answer that is not valid gives way to the default, with a warning" {
	db_get() {
		case $1 in
		hersh-gvisor/apt-uri) RET='https://mirror.example/gvisor#releases' ;;
		hersh-gvisor/apt-suite) RET=20240230 ;;
		hersh-gvisor/key-fingerprint) RET=1234 ;;
		hersh-gvisor/runtime-args) RET='--a;id' ;;
		hersh-gvisor/platform) RET=xen ;;
		hersh-gvisor/docker-action) RET=reload ;;
		*) return 10 ;;
		esac
	}
	run hg_read_debconf
	assert_success
	assert_output --partial "warning: apt-uri 'https://mirror.example/gvisor#releases' is not valid"
	assert_output --partial "using the default $HG_FACT_URI"
	assert_output --partial "warning: apt-suite '20240230' is not valid"
	assert_output --partial "warning: key-fingerprint '1234' is not valid"
	assert_output --partial "warning: runtime-args '--a;id' is not valid"
	assert_output --partial "warning: platform 'xen' is not valid"
	hg_read_debconf 2>/dev/null
	assert_equal "$HG_APT_URI" "$HG_FACT_URI"
	assert_equal "$HG_APT_SUITE" "$HG_FACT_SUITE"
	assert_equal "$HG_KEY_FPR" "$HG_FACT_FINGERPRINT"
	assert_equal "$HG_KEY_URL" ""
	assert_equal "$HG_RUNTIME_ARGS" ""
	assert_equal "$HG_PLATFORM" ""
	assert_equal "$HG_APT_PIN" true
	assert_equal "$HG_CONFIGURE_DOCKER" true
}

@test "the variables of the environment never reach the library: hg_init sets them all" {
	HG_DJ=/tmp/evil HG_STATE=/tmp/evil HG_DAEMON_JSON=/tmp/evil HG_RUNSC=/tmp/evil \
		HG_POLICY_RC_D=/tmp/evil HG_PROC=/tmp/evil run sh -c '
		. "$1"; HG_DATADIR=$2; hg_init
		echo "$HG_DJ $HG_STATE $HG_DAEMON_JSON $HG_RUNSC $HG_POLICY_RC_D $HG_PROC"' \
		sh "$HERSH_SRC/src/shell/lib.sh" "$HG_DATADIR"
	assert_success
	refute_output --partial /tmp/evil
}
