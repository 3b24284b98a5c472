#!/usr/bin/env bats
# hersh-apt-source purge, the apt side of `dpkg --purge`, confined to its
# root (-o Dir=ROOT: DPKG_ROOT).  Attacks of issue 17 on a root whose
# record and directories are hostile: HOST stands for the running system,
# a directory outside ROOT whose files must come out byte-identical.

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
	PIN=$ROOT/etc/apt/preferences.d/hersh-gvisor
	LOCK=$ROOT/var/lib/hersh-gvisor/.apt-source.hersh-lock
	HOST=$BATS_TEST_TMPDIR/host
	mkdir -p "$HOST/keyrings" "$HOST/state/hersh-gvisor"
	cp "$OTHER/key.gpg" "$HOST/keyrings/debian-archive-keyring.gpg"
}

# host_sum: every file under HOST with its mode and checksum.
host_sum() {
	(cd "$HOST" && find . -printf '%p %m %y\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# everything: install-key, add and set-config in ROOT.
everything() {
	has -q install-key
	has -q add
	has -q set-config
}

# record LINE...: write the record with these lines.
record() {
	mkdir -p "${STATE%/*}"
	printf '%s\n' "$@" >"$STATE"
}

# sum FILE: its sha256.
sum() {
	sha256sum <"$1" | cut -d' ' -f1
}

# purge: purge, never waiting more than 20 s.
purge() {
	timeout 20 "$HERSH_BIN_DIR/hersh-apt-source" "$@" purge
}

@test "purge removes the source, pin, keyring and settings file it created, then the record" {
	everything
	run purge
	assert_success
	assert_line "$PARTS/gvisor.list: removed"
	assert_line "$PIN: removed"
	assert_line "$KEYRING: removed"
	assert_line "$CONF: removed"
	assert_line "$STATE: removed"
	assert_file_not_exists "$PARTS/gvisor.list"
	assert_file_not_exists "$PIN"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$CONF"
	assert_file_not_exists "$STATE"
	assert_file_not_exists "$LOCK"
}

@test "purge with no state directory has nothing to purge" {
	run purge
	assert_success
	assert_output "$ROOT/var/lib/hersh-gvisor: nothing to purge"
	assert_file_not_exists "$ROOT/var/lib/hersh-gvisor"
}

@test "purge leaves a file changed since, with a warning, and still removes the record" {
	everything
	echo "# my note" >>"$CONF"
	run purge
	assert_success
	assert_line "hersh-apt-source: $CONF: changed since hersh-apt-source wrote it; left in place"
	assert_file_exists "$CONF"
	assert_file_not_exists "$STATE"
}

@test "purge leaves a keyring another source still names" {
	everything
	cp "$FIXTURES/apt-source/uses-keyring.list" "$PARTS/"
	run purge
	assert_success
	assert_line "hersh-apt-source: $KEYRING: still used by the source in $PARTS/uses-keyring.list; left in place"
	assert_file_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}

@test "purge ignores a record line that climbs out with .., naming the line" {
	# the same file in the root and on the host, under the name the line gives
	mkdir -p "$ROOT/usr/share/keyrings" "$ROOT$HOST/keyrings"
	cp "$HOST/keyrings/debian-archive-keyring.gpg" "$ROOT/usr/share/keyrings/"
	cp "$HOST/keyrings/debian-archive-keyring.gpg" "$ROOT$HOST/keyrings/"
	before=$(host_sum)
	record "$(sum "$HOST/keyrings/debian-archive-keyring.gpg")  /../../../../../..$HOST/keyrings/debian-archive-keyring.gpg" \
		"$(sum "$HOST/keyrings/debian-archive-keyring.gpg")  /usr/share/../share/keyrings/debian-archive-keyring.gpg"
	run purge
	assert_success
	assert_line "hersh-apt-source: $STATE: line 1: the path is not canonical; ignored"
	assert_line "hersh-apt-source: $STATE: line 2: the path is not canonical; ignored"
	assert_equal "$(host_sum)" "$before"
	assert_file_exists "$ROOT/usr/share/keyrings/debian-archive-keyring.gpg"
	assert_file_exists "$ROOT$HOST/keyrings/debian-archive-keyring.gpg"
	assert_file_not_exists "$STATE"
}

@test "purge ignores record lines that are not absolute paths or not checksum lines, and purges the rest" {
	everything
	{
		echo "$(sum "$KEYRING")  usr/share/keyrings/gvisor-archive-keyring.gpg"
		echo "not a record line"
		echo "$(sum "$KEYRING")  /usr/share//keyrings/x.gpg"
		printf '%s  /etc/apt/a\033[2Jb\n' "$(sum "$KEYRING")"
	} >>"$STATE"
	run purge
	assert_success
	assert_line "hersh-apt-source: $STATE: line 5: the path is not absolute; ignored"
	assert_line "hersh-apt-source: $STATE: line 6: not \"<sha256>  <path>\"; ignored"
	assert_line "hersh-apt-source: $STATE: line 7: the path is not canonical; ignored"
	assert_line "hersh-apt-source: $STATE: line 8: the path holds a control character or backslash; ignored"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$PARTS/gvisor.list"
	assert_file_not_exists "$STATE"
}

@test "a record of garbage gets the first bad lines named and the rest counted, and the purge goes on" {
	mkdir -p "${STATE%/*}"
	head -c 100000 /dev/urandom | base64 >"$STATE"
	run purge
	assert_success
	assert_line --regexp "^hersh-apt-source: $STATE: line 10: .*; ignored\$"
	refute_line --regexp "^hersh-apt-source: $STATE: line 11: "
	assert_line --regexp "^hersh-apt-source: $STATE: [0-9]+ more lines that are not \"<sha256>  <path>\"; ignored\$"
	assert_file_not_exists "$STATE"
}

@test "purge in a root whose var/lib is a symlink to the host's never touches the host" {
	cp "$HOST/keyrings/debian-archive-keyring.gpg" "$HOST/k.gpg"
	echo "$(sum "$HOST/k.gpg")  $HOST/k.gpg" >"$HOST/state/hersh-gvisor/apt-source"
	before=$(host_sum)
	rm -rf "${ROOT:?}/var/lib"
	ln -s "$HOST/state" "$ROOT/var/lib"
	run purge
	assert_failure 1
	assert_line "hersh-apt-source: $LOCK: a symlink on the way (/var/lib)"
	assert_equal "$(host_sum)" "$before"
}

@test "purge in a root whose var/lib climbs out with .. never touches the host" {
	cp "$HOST/keyrings/debian-archive-keyring.gpg" "$HOST/k.gpg"
	echo "$(sum "$HOST/k.gpg")  $HOST/k.gpg" >"$HOST/state/hersh-gvisor/apt-source"
	before=$(host_sum)
	rm -rf "${ROOT:?}/var/lib"
	ln -s "../../../../../../../../../..$HOST/state" "$ROOT/var/lib"
	run purge
	assert_failure 1
	assert_output --partial "a symlink on the way"
	assert_equal "$(host_sum)" "$before"
}

@test "purge refuses a record that is a symlink, and says the record cannot be read" {
	echo "$(sum "$HOST/keyrings/debian-archive-keyring.gpg")  $HOST/keyrings/debian-archive-keyring.gpg" >"$HOST/record"
	before=$(host_sum)
	mkdir -p "${STATE%/*}"
	ln -s "$HOST/record" "$STATE"
	run purge
	assert_failure 1
	assert_line "hersh-apt-source: $STATE: a symlink on the way (/var/lib/hersh-gvisor/apt-source)"
	assert_line "hersh-apt-source: $STATE: the record cannot be read; nothing purged"
	assert_equal "$(host_sum)" "$before"
	assert_link_exists "$STATE"
}

@test "purge never opens a record that is a FIFO" {
	mkdir -p "${STATE%/*}"
	mkfifo "$STATE"
	run purge
	assert_failure 1
	assert_line "hersh-apt-source: $STATE: not a regular file"
	[ -p "$STATE" ]
}

@test "purge leaves a recorded file behind a symlinked directory inside the root, naming the symlink" {
	everything
	mv "$PARTS" "$ROOT/etc/apt/elsewhere"
	ln -s elsewhere "$PARTS"
	run purge
	assert_success
	assert_line "hersh-apt-source: $PARTS/gvisor.list: a symlink on the way (/etc/apt/sources.list.d)"
	assert_file_exists "$ROOT/etc/apt/elsewhere/gvisor.list"
	# which apt still reads, so its keyring stays too
	assert_line "hersh-apt-source: $KEYRING: still used by the source in $PARTS/gvisor.list; left in place"
	assert_file_not_exists "$STATE"
}

@test "purge never follows or removes a symlink at a recorded path" {
	everything
	cp "$PARTS/gvisor.list" "$HOST/gvisor.list"
	before=$(host_sum)
	rm "$PARTS/gvisor.list"
	ln -s "$HOST/gvisor.list" "$PARTS/gvisor.list"
	run purge
	assert_success
	assert_line "hersh-apt-source: $PARTS/gvisor.list: a symlink on the way (/etc/apt/sources.list.d/gvisor.list)"
	assert_link_exists "$PARTS/gvisor.list"
	assert_equal "$(host_sum)" "$before"
}

@test "purge never opens a FIFO at a recorded path, and goes on" {
	everything
	rm "$PARTS/gvisor.list"
	mkfifo "$PARTS/gvisor.list"
	run purge
	assert_success
	assert_line "hersh-apt-source: $PARTS/gvisor.list: not a regular file now (a symlink, directory, FIFO, socket or device); left in place"
	[ -p "$PARTS/gvisor.list" ]
	assert_file_not_exists "$CONF"
	assert_file_not_exists "$STATE"
}

@test "purge never reads a device at a recorded path" {
	require_root
	everything
	rm "$KEYRING"
	mknod "$KEYRING" c 1 5	# /dev/zero
	run purge
	assert_success
	assert_line "hersh-apt-source: $KEYRING: not a regular file now (a symlink, directory, FIFO, socket or device); left in place"
	[ -c "$KEYRING" ]
}

@test "purge reads no more than the bound of an oversized file at a recorded path" {
	everything
	truncate -s 2G "$PIN"
	run purge
	assert_success
	assert_line "hersh-apt-source: $PIN: larger than 1048576 bytes now, which no file of hersh-apt-source is; left in place"
	assert_file_exists "$PIN"
}

@test "purge removes the settings file 0.1.0 recorded, and that record" {
	everything
	sed -i '/50hersh-gvisor$/d' "$STATE"
	sha256sum <"$CONF" >"$ROOT/var/lib/hersh-gvisor/apt-conf"
	run purge
	assert_success
	assert_line "$CONF: removed"
	assert_line "$ROOT/var/lib/hersh-gvisor/apt-conf: removed"
	assert_file_not_exists "$CONF"
	assert_file_not_exists "$ROOT/var/lib/hersh-gvisor/apt-conf"
}

@test "purge leaves a settings file changed since 0.1.0 recorded it" {
	has -q set-config
	rm "$STATE"
	sha256sum <"$CONF" >"$ROOT/var/lib/hersh-gvisor/apt-conf"
	echo "// mine" >>"$CONF"
	run purge
	assert_success
	assert_line "hersh-apt-source: $CONF: changed since hersh-apt-source wrote it; left in place"
	assert_file_exists "$CONF"
	assert_file_not_exists "$ROOT/var/lib/hersh-gvisor/apt-conf"
}

@test "purge works whatever the URI and key settings say" {
	everything
	echo 'Hersh-Gvisor::URI "https://x/#"; Hersh-Gvisor::Fingerprint "nothex";' >"$ROOT/etc/apt/apt.conf.d/60broken"
	run purge
	assert_success
	assert_file_not_exists "$STATE"
}

@test "purge goes on when APT cannot read the sources" {
	everything
	cp "$FIXTURES/apt-source/broken.list" "$PARTS/"
	run purge
	assert_success
	assert_line --partial "cannot read APT's sources"
	assert_file_not_exists "$KEYRING"
	assert_file_not_exists "$STATE"
}
