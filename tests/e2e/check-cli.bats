#!/usr/bin/env bats
# hersh-gvisor-check with a real apt: where the runsc package comes from,
# as apt-cache policy says, against a local repository that the package's
# APT settings name as the gVisor repository (through APT_CONFIG only:
# nothing of the host's apt changes).  Needs the runsc package installed
# as Debian builds it (tests/run's check@R roots have it); no Docker.  The
# command line and the judges are tested in tests/unit/check-*.bats.

load ../lib/common
load check-lib

setup_file() { check_tree; }
teardown_file() { check_tree_remove; }
setup() { check_setup; }
teardown() { :; }

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
	[ -x "$HERSH_BIN_DIR/hersh-apt-source" ] || skip "no $HERSH_BIN_DIR/hersh-apt-source (run make)"
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
