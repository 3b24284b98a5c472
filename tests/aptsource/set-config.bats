#!/usr/bin/env bats
# hersh-apt-source set-config: the APT settings file 50hersh-gvisor in
# Dir::Etc::parts (the repository URI, key URL and fingerprint that every
# later run reads), recorded like the source; 0.1.0's record of it
# (/var/lib/hersh-gvisor/apt-conf) taken over.  A private APT root.

load ../lib/common
load ../lib/aptrepo

setup_file() {
	aptsrc_setup_file
}

teardown_file() {
	aptsrc_teardown_file
}

setup() {
	aptsrc_setup
	CONF=$ROOT/etc/apt/apt.conf.d/50hersh-gvisor
	OLD=$ROOT/var/lib/hersh-gvisor/apt-conf
	AS=$HERSH_BIN_DIR/hersh-apt-source
}

# set_config [OPTION...]: set-config with the test mirror's settings.
set_config() {
	"$AS" --uri "$MIRROR_URL/repo" --key-url "$MIRROR_URL/key.asc" \
		--fingerprint "$MIRROR_FPR" "$@" set-config
}

# The text set-config writes for the test mirror.
conf_text() {
	cat <<-EOF
		// Written by the hersh-gvisor package from its debconf answers;
		// edits here are read back into them.  Removed on purge.
		Hersh-Gvisor::URI "$MIRROR_URL/repo";
		Hersh-Gvisor::Key-URL "$MIRROR_URL/key.asc";
		Hersh-Gvisor::Fingerprint "$MIRROR_FPR";
	EOF
}

# The state line of the settings file, or nothing.
conf_state() {
	grep -F "  /etc/apt/apt.conf.d/50hersh-gvisor" "$STATE" || true
}

@test "set-config writes the settings with 0.1.0's header, mode 0644" {
	run set_config
	assert_success
	assert_output "$CONF: wrote the settings (repository $MIRROR_URL/repo, key $MIRROR_URL/key.asc, fingerprint $MIRROR_FPR)"
	assert_equal "$(cat "$CONF")" "$(conf_text)"
	assert_equal "$(stat -c %a "$CONF")" 644
}

@test "set-config records the file it wrote" {
	set_config -q
	assert_equal "$(conf_state)" "$(sha256sum <"$CONF" | cut -d' ' -f1)  /etc/apt/apt.conf.d/50hersh-gvisor"
}

@test "the settings set-config wrote are what every later run reads" {
	set_config -q
	run "$AS" show
	assert_line "$(printf 'setting\tURI\t%s' "$MIRROR_URL/repo")"
	assert_line "$(printf 'setting\tKey-URL\t%s' "$MIRROR_URL/key.asc")"
	assert_line "$(printf 'setting\tFingerprint\t%s' "$MIRROR_FPR")"
	assert_line "$(printf 'conf\t%s\tok' "$CONF")"
}

@test "set-config writes a fingerprint normalised and a URI without trailing slashes" {
	run "$AS" --uri "$MIRROR_URL/repo//" --key-url "" --fingerprint "0x$(tr A-F a-f <<<"$MIRROR_FPR")" set-config
	assert_success
	assert_file_contains "$CONF" "^Hersh-Gvisor::URI \"$MIRROR_URL/repo\";$"
	assert_file_contains "$CONF" '^Hersh-Gvisor::Key-URL "";$'
	assert_file_contains "$CONF" "^Hersh-Gvisor::Fingerprint \"$MIRROR_FPR\";$"
}

@test "set-config again changes nothing" {
	set_config -q
	before=$(stat -c '%i %Y' "$CONF" "$STATE")
	run set_config
	assert_success
	assert_output "$CONF: already holds these settings; unchanged"
	assert_equal "$(stat -c '%i %Y' "$CONF" "$STATE")" "$before"
}

@test "set-config writes its own file again with new values" {
	set_config -q
	run "$AS" --uri "$MIRROR_URL/other" --key-url "" --fingerprint "$MIRROR_FPR" set-config
	assert_success
	assert_file_contains "$CONF" "^Hersh-Gvisor::URI \"$MIRROR_URL/other\";$"
	assert_equal "$(conf_state)" "$(sha256sum <"$CONF" | cut -d' ' -f1)  /etc/apt/apt.conf.d/50hersh-gvisor"
}

@test "set-config adopts a file that already says the same, without writing it" {
	{
		echo "// mine"
		echo "Hersh-Gvisor::Fingerprint \"$(tr A-F a-f <<<"$MIRROR_FPR")\";"
		echo "  hersh-gvisor::uri   \"$MIRROR_URL/repo/\" ;"
		echo "Hersh-Gvisor::Key-URL \"$MIRROR_URL/key.asc\";"
		echo "Hersh-Gvisor::Lock-Timeout \"30\";"
	} >"$CONF"
	chmod 600 "$CONF"
	before=$(stat -c '%i %Y %a' "$CONF")
	run set_config
	assert_success
	assert_output "$CONF: already holds these settings; kept as it is, and recorded"
	assert_equal "$(stat -c '%i %Y %a' "$CONF")" "$before"
	assert_equal "$(conf_state)" "$(sha256sum <"$CONF" | cut -d' ' -f1)  /etc/apt/apt.conf.d/50hersh-gvisor"
}

@test "set-config writes over a file that says other values, keeping its mode" {
	conf_text | sed 's|/repo|/elsewhere|' >"$CONF"
	chmod 640 "$CONF"
	run set_config
	assert_success
	assert_equal "$(cat "$CONF")" "$(conf_text)"
	assert_equal "$(stat -c %a "$CONF")" 640
}

@test "set-config refuses a symlink at the file's path, naming it, and writes nothing" {
	conf_text >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$CONF"
	run set_config --uri "$MIRROR_URL/new"
	assert_failure 1
	assert_output "hersh-apt-source: $CONF: not a regular file (a symlink, directory, FIFO, socket or device); not writing the settings into it: move it away, then run 'hersh-apt-source set-config' again"
	assert_link_exists "$CONF"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/target")" "$(conf_text)"
}

@test "set-config never opens a FIFO at the file's path" {
	mkfifo "$CONF"
	run timeout 10 "$AS" --uri "$MIRROR_URL/repo" --key-url "" --fingerprint "$MIRROR_FPR" set-config
	assert_failure 1
	assert_output --partial "$CONF: not a regular file"
	[ -p "$CONF" ]
}

@test "set-config refuses a URI that breaks the rule and writes nothing" {
	run set_config --uri 'https://h/a#b'
	assert_failure 2
	assert_file_not_exists "$CONF"
	echo 'Hersh-Gvisor::URI "ftp://h/x";' >"$ROOT/etc/apt/apt.conf.d/40mine"
	run "$AS" --key-url "" --fingerprint "$MIRROR_FPR" set-config
	assert_failure 1
	assert_output --partial "Hersh-Gvisor::URI 'ftp://h/x': scheme 'ftp'"
	assert_file_not_exists "$CONF"
}

@test "set-config honours Dir::Etc::parts" {
	mkdir -p "$ROOT/etc/apt/conf.d"
	set_config -q -o Dir::Etc::parts=conf.d
	assert_file_exists "$ROOT/etc/apt/conf.d/50hersh-gvisor"
	assert_file_not_exists "$CONF"
}

@test "set-config takes over 0.1.0's record of the file it wrote, and removes that record" {
	conf_text >"$CONF"
	mkdir -p "${OLD%/*}"
	sha256sum <"$CONF" >"$OLD"
	run set_config
	assert_success
	assert_file_not_exists "$OLD"
	assert_equal "$(conf_state)" "$(sha256sum <"$CONF" | cut -d' ' -f1)  /etc/apt/apt.conf.d/50hersh-gvisor"
	assert_output "$CONF: already holds these settings; unchanged"
}

@test "0.1.0's record of a file changed since makes it changed, not ours" {
	conf_text >"$CONF"
	mkdir -p "${OLD%/*}"
	sha256sum <"$CONF" >"$OLD"
	echo "// my note" >>"$CONF"
	run "$AS" show
	assert_line "$(printf 'conf\t%s\tchanged' "$CONF")"
	run "$AS" remove
	assert_success
	assert_output --partial "$CONF: changed since hersh-apt-source wrote it; left in place"
	assert_file_exists "$CONF"
	assert_file_not_exists "$OLD"
}

@test "show reads 0.1.0's record without changing anything" {
	conf_text >"$CONF"
	mkdir -p "${OLD%/*}"
	sha256sum <"$CONF" >"$OLD"
	run "$AS" show
	assert_line "$(printf 'conf\t%s\tok' "$CONF")"
	assert_file_exists "$OLD"
	assert_file_not_exists "$STATE"
}

@test "a malformed 0.1.0 record gets a warning naming it and is ignored" {
	conf_text >"$CONF"
	mkdir -p "${OLD%/*}"
	echo "not a checksum" >"$OLD"
	run "$AS" show
	assert_line "hersh-apt-source: $OLD: not the checksum line hersh-gvisor 0.1.0 wrote; ignored"
	assert_line "$(printf 'conf\t%s\tforeign' "$CONF")"
}

@test "show reports the settings file missing, foreign and changed" {
	run "$AS" show
	assert_line "$(printf 'conf\t%s\tmissing' "$CONF")"
	echo "// mine" >"$CONF"
	run "$AS" show
	assert_line "$(printf 'conf\t%s\tforeign' "$CONF")"
	rm "$CONF"
	set_config -q
	echo "// mine" >>"$CONF"
	run "$AS" show
	assert_line "$(printf 'conf\t%s\tchanged' "$CONF")"
}

@test "remove takes out the settings file it wrote" {
	set_config -q
	run "$AS" remove
	assert_success
	assert_line "$CONF: removed"
	assert_file_not_exists "$CONF"
	assert_file_not_exists "$STATE"
}
