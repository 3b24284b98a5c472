#!/usr/bin/env bats
# hersh-gvisor-check's command line and JSON output, on fixture files; any
# user, no Docker needed (Docker checks report whatever the host has).

load ../lib/common

setup() {
	PATH="$HERSH_SRC/src/check:$PATH"
	HERSH_GVISOR_CHECK_HELPERS=$HERSH_BIN_DIR
	export PATH HERSH_GVISOR_CHECK_HELPERS
}

@test "an unknown option is a usage error" {
	run hersh-gvisor-check --frobnicate
	assert_failure 2
	assert_output --partial "hersh-gvisor-check: unknown option '--frobnicate'"
}

@test "an option without its argument is a usage error" {
	run hersh-gvisor-check --image
	assert_failure 2
	assert_output --partial "option --image needs an argument"
}

@test "a stray argument is a usage error" {
	run hersh-gvisor-check runsc
	assert_failure 2
	assert_output --partial "unexpected argument 'runsc'"
}

@test "help lists every option" {
	run hersh-gvisor-check --help
	assert_success
	local o
	for o in --image --pull --runtime --config --json --quiet --bench --bench-time --help --version; do
		assert_output --partial -- "$o"
	done
}

@test "version prints the package version" {
	run hersh-gvisor-check -V
	assert_success
	assert_output --regexp '^hersh-gvisor-check [0-9][^ ]*$'
}

@test "json escapes quotes, backslashes and tabs from daemon.json" {
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	run hersh-gvisor-check --json --runtime hersh-escape --config "$FIXTURES/check/escapes.json"
	assert_failure 1
	run jq -r '.checks[] | select(.id == "daemon-json.runtime") | .status + " " + .detail' <<<"$output"
	assert_success
	assert_output "fail runtimes.hersh-escape.path /nonexistent/dir with \"quotes\"\\and	tab/runsc does not exist: containers under hersh-escape cannot start"
}

@test "json reports an invalid daemon.json with line and column" {
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	run hersh-gvisor-check --json --runtime hersh-none --config "$FIXTURES/check/invalid.json"
	assert_failure 1
	local json=$output
	run jq -e '.ok == false and .config == $c and (.checks[] | select(.id == "daemon-json.valid") | .status == "fail")' --arg c "$FIXTURES/check/invalid.json" <<<"$json"
	assert_success
	run jq -r '.checks[] | select(.id == "daemon-json.valid") | .detail' <<<"$json"
	assert_output --regexp "invalid.json.*line [0-9]+"
}

@test "json has the same checks in the same order whatever fails" {
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	run hersh-gvisor-check --json --runtime hersh-none --config "$FIXTURES/check/invalid.json"
	run jq -r '.checks | map(.id) | join(" ")' <<<"$output"
	assert_output "runsc.installed runsc.version apt.source apt.keyring apt.runsc daemon-json.valid daemon-json.runtime daemon-json.default-runtime docker.running docker.reachable docker.runtime dockerd.cmdline pitfall.network-10704 container.hello contract.read-only-root contract.state-volume contract.no-new-privileges contract.network-none contract.gvisor"
}

@test "a daemon.json that does not exist is Docker's defaults and lacks the runtime" {
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	run hersh-gvisor-check --runtime hersh-none --config "$BATS_TEST_TMPDIR/absent.json"
	assert_failure 1
	assert_line "[ok]   daemon.json valid: $BATS_TEST_TMPDIR/absent.json does not exist (Docker's defaults)"
	assert_line "[FAIL] daemon.json names hersh-none: $BATS_TEST_TMPDIR/absent.json has no runtime \"hersh-none\""
}

@test "a --bench-time that is not a number of seconds is a usage error" {
	run hersh-gvisor-check --bench --bench-time 5s
	assert_failure 2
	assert_output --partial "--bench-time '5s': not a number of seconds (10 to 3600)"
}

@test "a --bench-time outside 10 to 3600 seconds is a usage error" {
	run hersh-gvisor-check --bench --bench-time 5
	assert_failure 2
	assert_output --partial "--bench-time '5': not between 10 and 3600 seconds"
}

@test "an unknown option in HERSH_GVISOR_CHECK_CONTRACT_DROP is a usage error" {
	HERSH_GVISOR_CHECK_CONTRACT_DROP="read-only seccomp" run hersh-gvisor-check
	assert_failure 2
	assert_output --partial "HERSH_GVISOR_CHECK_CONTRACT_DROP: unknown option 'seccomp'"
}

@test "the man page documents every check id and every option" {
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	require_cmd jq
	local man=$HERSH_SRC/man/hersh-gvisor-check.1 id o ids
	ids=$(hersh-gvisor-check --json --config "$BATS_TEST_TMPDIR/absent.json" | jq -r '.checks[].id')
	[ -n "$ids" ]
	for id in $ids; do
		grep -qx "\.It Cm $id" "$man" || fail "hersh-gvisor-check.1 does not document $id"
	done
	for o in image pull runtime config json quiet bench bench-time help version; do
		grep -q "^\.It Fl .*-$o\( \|$\)" "$man" || fail "hersh-gvisor-check.1 does not document --$o"
	done
}

# --- the gVisor keyring, read without hersh-apt-source ---------------------

# keyring_fallback KEYRING FPR: helpers without hersh-apt-source, and an
# APT configuration that names KEYRING and FPR as the package's settings.
keyring_fallback() {
	mkdir -p "$BATS_TEST_TMPDIR/helpers"
	ln -sf "$HERSH_BIN_DIR/hersh-daemon-json" "$BATS_TEST_TMPDIR/helpers/"
	printf 'Hersh-Gvisor::Keyring "%s";\nHersh-Gvisor::Fingerprint "%s";\n' "$1" "$2" \
		>"$BATS_TEST_TMPDIR/apt.conf"
	export APT_CONFIG=$BATS_TEST_TMPDIR/apt.conf
	export HERSH_GVISOR_CHECK_HELPERS=$BATS_TEST_TMPDIR/helpers
}

# make_key NAME: a throwaway key in GNUPGHOME, a primary key for signing
# and a subkey for encryption; prints "PRIMARY-FPR SUBKEY-FPR".
make_key() {
	local fpr
	gpg --batch --passphrase '' --quick-gen-key "$1 <$1@example.invalid>" ed25519 sign never 2>/dev/null
	fpr=$(gpg --batch --with-colons --list-keys "$1@example.invalid" | awk -F: '$1 == "fpr" { print $10; exit }')
	gpg --batch --passphrase '' --quick-add-key "$fpr" cv25519 encr never 2>/dev/null
	gpg --batch --with-colons --list-keys "$fpr" | awk -F: '$1 == "fpr" { printf "%s ", $10 } END { print "" }'
}

keys_setup() {
	require_cmd gpg jq
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	export GNUPGHOME=$BATS_TEST_TMPDIR/gnupg
	mkdir -m 700 "$GNUPGHOME"
}

keyring_result() {
	run hersh-gvisor-check --json --config "$BATS_TEST_TMPDIR/absent.json"
	run jq -r '.checks[] | select(.id == "apt.keyring") | .status + " " + .detail' <<<"$output"
}

@test "without hersh-apt-source a subkey with the fingerprint does not count as the key" {
	keys_setup
	local a sub
	read -r a sub <<<"$(make_key attacker)"
	gpg --batch --export "$a" >"$BATS_TEST_TMPDIR/keyring.gpg"
	keyring_fallback "$BATS_TEST_TMPDIR/keyring.gpg" "$sub"
	keyring_result
	assert_output "fail $BATS_TEST_TMPDIR/keyring.gpg holds $a, not the gVisor key $sub"
}

@test "without hersh-apt-source the one primary key with the fingerprint is the key" {
	keys_setup
	local g _
	read -r g _ <<<"$(make_key gvisor)"
	gpg --batch --export "$g" >"$BATS_TEST_TMPDIR/keyring.gpg"
	keyring_fallback "$BATS_TEST_TMPDIR/keyring.gpg" "$g"
	keyring_result
	assert_output "ok $BATS_TEST_TMPDIR/keyring.gpg, fingerprint $g"
}

@test "without hersh-apt-source a second primary key in the keyring is a failure" {
	keys_setup
	local g a _
	read -r g _ <<<"$(make_key gvisor)"
	read -r a _ <<<"$(make_key attacker)"
	gpg --batch --export "$g" "$a" >"$BATS_TEST_TMPDIR/keyring.gpg"
	keyring_fallback "$BATS_TEST_TMPDIR/keyring.gpg" "$g"
	keyring_result
	assert_output "fail $BATS_TEST_TMPDIR/keyring.gpg holds 2 primary keys; it must hold the gVisor key $g and nothing else"
}

# --- runsc from Debian while the gVisor repository has a newer one ---------

# gvisor_repo VERSION: a local repository offering runsc VERSION, set up
# through APT_CONFIG only (nothing of the host's apt changes), whose URI
# the package's settings name as the gVisor repository.
gvisor_repo() {
	local version=$1 repo=$BATS_TEST_TMPDIR/repo pkg=$BATS_TEST_TMPDIR/pkg a=$BATS_TEST_TMPDIR/apt
	mkdir -p "$repo" "$pkg/DEBIAN" "$a/lists/partial" "$a/cache/archives/partial" "$a/parts" "$a/prefs"
	printf 'Package: runsc\nVersion: %s\nArchitecture: %s\nMaintainer: Test <test@example.invalid>\nDescription: stand-in for the gVisor runsc package\n' \
		"$version" "$(dpkg --print-architecture)" >"$pkg/DEBIAN/control"
	dpkg-deb --build "$pkg" "$repo/runsc_$version.deb" >/dev/null
	(cd "$repo" && apt-ftparchive packages . >Packages)
	printf 'deb [trusted=yes] file://%s ./\n' "$repo" >"$a/sources.list"
	{
		printf 'Dir::Etc::SourceList "%s";\n' "$a/sources.list"
		printf 'Dir::Etc::SourceParts "%s";\n' "$a/parts"
		printf 'Dir::Etc::Preferences "%s";\n' "$a/prefs/none"
		printf 'Dir::Etc::PreferencesParts "%s";\n' "$a/prefs"
		printf 'Dir::State::Lists "%s";\n' "$a/lists"
		printf 'Dir::Cache "%s";\n' "$a/cache"
		printf 'Hersh-Gvisor::URI "file://%s";\n' "$repo"
	} >"$a/apt.conf"
	export APT_CONFIG=$a/apt.conf
	apt-get -q -o Debug::NoLocking=1 update >/dev/null
}

runsc_from_debian() {
	require_cmd dpkg-deb apt-ftparchive jq
	[ -x "$HERSH_BIN_DIR/hersh-daemon-json" ] || skip "no $HERSH_BIN_DIR/hersh-daemon-json (run make)"
	local v
	v=$(dpkg-query -W -f '${Status} ${Version}' runsc 2>/dev/null) || skip "runsc is not installed as a package"
	case $v in
	"install ok installed 0.0~"*) ;;
	*) skip "the installed runsc is not Debian's build: $v" ;;
	esac
}

runsc_result() {
	run hersh-gvisor-check --json --config "$BATS_TEST_TMPDIR/absent.json"
	run jq -r '.checks[] | select(.id == "apt.runsc") | .status + "|" + .detail + "|" + (.fix // "")' <<<"$output"
}

@test "Debian's runsc while the gVisor repository has a newer one is a warning with the upgrade" {
	runsc_from_debian
	gvisor_repo 20990101.0
	runsc_result
	assert_output --regexp '^warn\|runsc 0\.0~[^ ]* is Debian.s build; the gVisor repository has 20990101\.0\|(sudo )?apt-get install runsc   \(or with the rest: (sudo )?apt update && (sudo )?apt upgrade\)$'
}

@test "Debian's runsc is not flagged when no gVisor source offers a newer one" {
	runsc_from_debian
	gvisor_repo 0.0~19990101.0
	runsc_result
	refute_output --regexp '^warn'
}
