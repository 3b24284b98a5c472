#!/usr/bin/env bats
# hersh-daemon-json trusted and check-args: the questions scripts ask
# instead of judging for themselves.  trusted: may root (or the caller)
# trust a file, its symlinks and the directories above it; /proc/PID/exe
# included.  check-args: may Docker pass these runtime arguments through
# the shell script it writes (and add --runtime-arg refuses the others).

bats_require_minimum_version 1.5.0
load ../lib/common
load ../lib/daemon-json

setup() {
	dj_setup
	T=$BATS_TEST_TMPDIR/t
	mkdir -p "$T"
	me=$(id -u)
}

# started PID PROGRAM: wait until PID runs PROGRAM (it was forked to exec it).
started() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(readlink "/proc/$1/exe")" != "$2" ] || return 0
		sleep 0.01
	done
	fail "$2 did not start"
}

@test "trusted says trusted for a file and directories of root's or the caller's" {
	echo x >"$T/tool"
	chmod 0755 "$T/tool"
	run "$DJ" trusted /bin/sh "$T/tool" /usr/bin
	assert_success
	assert_output "$(printf 'trusted\t%s\n' /bin/sh "$T/tool" /usr/bin)"
}

@test "trusted refuses a file others can write, naming it" {
	echo x >"$T/tool"
	chmod 0775 "$T/tool"
	run "$DJ" trusted "$T/tool"
	assert_failure 1
	assert_output $'untrusted\t'"$T/tool"$'\t'"$T/tool is owned by uid $me with mode 0775"
}

@test "trusted refuses a file under a directory others can write" {
	mkdir -m 0777 "$T/open"
	echo x >"$T/open/tool"
	run "$DJ" trusted "$T/open/tool"
	assert_failure 1
	assert_output $'untrusted\t'"$T/open/tool"$'\t'"$T/open is owned by uid $me with mode 0777"
}

@test "trusted refuses what is neither a regular file nor a directory, and a missing file, at once" {
	mkfifo "$T/fifo"
	run timeout 5 "$DJ" trusted "$T/fifo" /dev/zero "$T/none"
	assert_failure 1
	assert_line --index 0 $'untrusted\t'"$T/fifo"$'\t'"$T/fifo is not a regular file or a directory"
	assert_line --index 1 $'untrusted\t/dev/zero\t/dev/zero is not a regular file or a directory'
	assert_line --index 2 $'untrusted\t'"$T/none"$'\tcannot stat: No such file or directory'
}

@test "trusted follows symlinks of root's and judges what they lead to" {
	ln -s /bin/sh "$T/sh"
	run "$DJ" trusted "$T/sh"
	assert_success
	mkdir -m 0775 "$T/shared"
	echo x >"$T/shared/tool"
	ln -s "$T/shared/tool" "$T/tool"
	run "$DJ" trusted "$T/tool"
	assert_failure 1
	assert_output --partial "$T/shared is owned by uid $me with mode 0775"
}

@test "trusted refuses a symlink of another user" {
	require_root
	ln -s /bin/sh "$T/sh"
	chown -h nobody "$T/sh"
	run "$DJ" trusted "$T/sh"
	assert_failure 1
	assert_output $'untrusted\t'"$T/sh"$'\t'"the symlink $T/sh is owned by uid $(id -u nobody), not by root"
}

@test "trusted judges /proc/PID/exe by the file it opens and its directory" {
	run "$DJ" trusted "/proc/$$/exe" /proc/self/exe
	assert_success
	# a program of the caller's in a directory others can write
	mkdir -m 0777 "$T/open"
	cp /bin/sleep "$T/open/sleep"
	"$T/open/sleep" 30 3>&- &
	pid=$!
	started "$pid" "$T/open/sleep"
	run "$DJ" trusted "/proc/$pid/exe"
	kill "$pid"
	wait "$pid" || true
	assert_failure 1
	assert_output $'untrusted\t'"/proc/$pid/exe"$'\t'"$T/open is owned by uid $me with mode 0777"
}

@test "trusted judges the program of a /proc/PID/exe that was deleted" {
	mkdir -m 0755 "$T/bin"
	cp /bin/sleep "$T/bin/sleep"
	"$T/bin/sleep" 30 3>&- &
	pid=$!
	started "$pid" "$T/bin/sleep"
	rm "$T/bin/sleep"
	run "$DJ" trusted "/proc/$pid/exe"
	status1=$status output1=$output
	# its directory opened up after: the (deleted) target's directory is judged
	chmod 0777 "$T/bin"
	run "$DJ" trusted "/proc/$pid/exe"
	kill "$pid"
	wait "$pid" || true
	[ "$status1" = 0 ] || fail "deleted program, trusted directory: $output1"
	assert_failure 1
	assert_output --partial "$T/bin is owned by uid $me with mode 0777"
}

@test "trusted judges a program others can write through /proc/PID/exe" {
	cp /bin/sleep "$T/sleep"
	chmod 0777 "$T/sleep"
	"$T/sleep" 30 3>&- &
	pid=$!
	started "$pid" "$T/sleep"
	run "$DJ" trusted "/proc/$pid/exe"
	kill "$pid"
	wait "$pid" || true
	assert_failure 1
	assert_output $'untrusted\t'"/proc/$pid/exe"$'\t'"/proc/$pid/exe is owned by uid $me with mode 0777"
}

# nobody_tool: as root, $top/nobody/tool, a file of nobody's in a
# directory of nobody's, and nobody=(COMMAND...) to run as nobody.
nobody_tool() {
	require_root
	require_cmd setpriv
	top=$(mktemp -d /tmp/hersh-trusted.XXXXXX)
	chmod 0755 "$top"
	mkdir "$top/nobody"
	echo x >"$top/nobody/tool"
	chown -R nobody "$top/nobody"
	nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	"${nobody[@]}" test -x "$DJ" || { rm -rf "$top"; skip "nobody cannot run $DJ"; }
}

@test "trusted as another user trusts root's files and that user's, not a third's" {
	nobody_tool
	run "${nobody[@]}" "$DJ" trusted /bin/sh "$top/nobody/tool"
	status1=$status
	chown -R daemon "$top/nobody"
	run "${nobody[@]}" "$DJ" trusted "$top/nobody/tool"
	rm -rf "$top"
	[ "$status1" = 0 ] || fail "nobody's own file was not trusted"
	assert_failure 1
	assert_output --partial "is owned by uid $(id -u daemon)"
}

@test "trusted without a path is a usage error" {
	run "$DJ" trusted
	assert_failure 2
}

@test "check-args accepts plain runtime arguments, and none at all" {
	run "$DJ" check-args --network=none --platform=systrap --debug-log=/var/log/runsc/%ID%/ --x_y=a,b:c@d+e
	assert_success
	assert_output ""
	run "$DJ" check-args
	assert_success
}

@test "check-args refuses shell syntax, blanks and other characters, naming the argument" {
	run "$DJ" check-args --network=none '--a;id'
	assert_failure 1
	assert_output "runtime argument '--a;id' holds ';': only letters, digits and - _ = , . / : @ % + are allowed (Docker runs the runtime through a shell script holding its arguments)"
	for a in '$(id)' '`id`' 'a b' 'a|b' 'a&b' "a'b" 'a"b' 'a\b' 'a*' '~root' 'a>b' 'é'; do
		run "$DJ" check-args "$a"
		assert_failure 1
		assert_output --partial "holds"
	done
	run "$DJ" check-args $'--a\nb'
	assert_failure 1
	assert_output --partial "runtime argument '--a\\nb' holds '\\x0a'"
}

@test "check-args refuses an empty argument" {
	run "$DJ" check-args --debug ""
	assert_failure 1
	assert_output "runtime argument '' is empty"
}

@test "check-args takes every argument after it as one to check, options and -- too" {
	run "$DJ" check-args -h
	assert_success
	assert_output ""
	run "$DJ" check-args -- '-c;x'
	assert_failure 1
	assert_output --partial "'-c;x'"
}

@test "add --runtime-arg refuses an argument check-args refuses, and writes nothing" {
	F=$T/daemon.json
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --runtime-arg '--a;touch /tmp/x'
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: runtime argument '--a;touch /tmp/x' holds ';': only letters, digits and - _ = , . / : @ % + are allowed (Docker runs the runtime through a shell script holding its arguments)"
	assert_not_exist "$F"
	run "$DJ" -c "$F" add runsc /usr/bin/runsc --runtime-arg ''
	assert_failure 2
	assert_line --index 0 "hersh-daemon-json: runtime argument '' is empty"
}

@test "trusted --for-root judges as for root: the caller's own file is not trusted" {
	nobody_tool
	run "${nobody[@]}" "$DJ" trusted --for-root /bin/sh "$top/nobody/tool"
	rm -rf "$top"
	assert_failure 1
	assert_line $'trusted\t/bin/sh'
	assert_line --regexp $'^untrusted\t'"$top/nobody/tool"$'\t.*owned by uid'
}

@test "--for-root belongs to trusted only" {
	run "$DJ" -c /dev/null show --for-root
	assert_failure 2
	assert_output --partial "--for-root is only for trusted"
}

