#!/usr/bin/env bats
# hersh-gvisor-check --bench (src/check/bench.sh) without Docker, as any
# user: the statistics as pure functions (median, spread, the inconclusive
# rule), a row's text and JSON, and the platform rows against a stub runsc
# whose platforms work, fail or hang; a hanging one is killed with every
# process it started at its deadline.

bats_require_minimum_version 1.5.0
load ../lib/common

setup() {
	# shellcheck source=src/shell/lib.sh
	. "$HERSH_SRC/src/shell/lib.sh"
	# shellcheck source=src/check/bench.sh
	. "$HERSH_SRC/src/check/bench.sh"
	BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$BIN"
	# The library's settings (the build's facts), then this test's.
	HG_DATADIR=$HERSH_BIN_DIR/share/hersh-gvisor
	[ -f "$HG_DATADIR/facts.sh" ] || fail "no $HG_DATADIR/facts.sh: run make"
	hg_init
	HG_PROC=/proc HG_IS_ROOT=0 HG_WHY=''
	HG_RUNSC=$BIN/runsc HG_RUNSC_VERSION='' HG_DOCKERD_SOCK=/nonexistent
	IS_ROOT=1
	runtime=runsc test_image=hersh-test bench_time=60
	bench_deadline=$((SECONDS + 60))
	BENCH_TARGET_CS=3 BENCH_RUNS=5
	stubs
	export STUB_LOG=$BATS_TEST_TMPDIR/runsc.log
	export STUB_PIDS=$BATS_TEST_TMPDIR/pids
	TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	stub_runsc
}

# The check's other parts, as plain as they come, and the library's facts
# of this host made fixed (after the library is loaded).
stubs() {
	json_str() {
		local s=$1
		s=${s//\\/\\\\}
		s=${s//\"/\\\"}
		s=${s//$'\n'/\\n}
		printf '"%s"' "$s"
	}
	check_progress() { printf 'progress: %s\n' "$1" >&2; }
	# Docker lists the runtime with these arguments (DOCKER_ARGS, one a line).
	hg_docker() {
		case "$1 $2" in
		"info --format") printf '%s' "${DOCKER_ARGS:-}" ;;
		*) return 1 ;;
		esac
	}
	hg_kvm_usable() {
		HG_WHY="/dev/kvm exists, but the processor shows neither VMX nor SVM (a virtual machine without nested virtualisation)"
		return 1
	}
}

# quick COMMAND...: COMMAND in a subshell without bats' DEBUG trap (it
# makes every command of a loop over /proc a function call: seconds
# instead of milliseconds); what it sets of b_rc, b_ms, bench_out,
# bench_platforms_json and bench_json comes back, not its status.
quick() {
	local v
	(
		trap - DEBUG
		set +T
		"$@" || true
		for v in b_rc b_ms bench_out bench_platforms_json bench_json; do
			printf '%s=%q\n' "$v" "${!v-}"
		done >"$BATS_TEST_TMPDIR/vars"
	)
	. "$BATS_TEST_TMPDIR/vars"
}

# A runsc offering ptrace, systrap and kvm; what each platform does is
# STUB_<platform>: ok (runs the command on the host), fail, hang (with a
# child; both ignore SIGTERM; their pids go to STUB_PIDS).
stub_runsc() {
	cat >"$BIN/runsc" <<'EOF'
#!/bin/bash
case $1 in
platforms) printf 'ptrace\nsystrap\nkvm\n'; exit 0 ;;
flags) printf '  -platform string\n    \tspecifies which platform to use: ptrace (default), kvm. (default "ptrace")\n' >&2; exit 0 ;;
--version) echo "runsc version 0.0~20240729.0"; exit 0 ;;
esac
p=
while [ $# -gt 0 ] && [ "$1" != do ]; do
	case $1 in --platform=*) p=${1#*=} ;; esac
	shift
done
shift
echo "$p" >>"$STUB_LOG"
mode=STUB_$p
case ${!mode:-ok} in
ok) exec "$@" ;;
fail)
	echo "W1207 17:56:54.594472   32135 util.go:64] FATAL ERROR: creating container: platform $p is broken" >&2
	echo "creating container: platform $p is broken" >&2
	exit 128 ;;
hang)
	trap '' TERM
	(trap '' TERM; exec sleep 1000) &
	echo "$$ $!" >>"$STUB_PIDS"
	sleep 1000 ;;
esac
EOF
	chmod +x "$BIN/runsc"
}

# ---------------------------------------------------------- statistics

@test "bench_stats gives the median, min, max and count of unsorted figures" {
	run bench_stats 30 10 50 20 40
	assert_success
	assert_output "30 10 50 5"
}

@test "the median of an even count is the mean of the middle two" {
	run bench_stats 4 1 3 2
	assert_output "2.5 1 4 4"
	run bench_stats 0.4 0.5 0.3 0.6 0.4 0.5
	assert_output "0.45 0.3 0.6 6"
}

@test "bench_stats fails without figures" {
	run bench_stats
	assert_failure
	assert_output ""
}

@test "two narrow ranges apart can be told apart" {
	run bench_verdict "100 95 105" "200 190 210" 50
	assert_output ok
	run bench_verdict "200 190 210" "100 95 105" 50
	assert_output ok
}

@test "ranges that share a value are inconclusive, touching ones too" {
	run bench_verdict "100 90 120" "115 110 130" 50
	assert_output overlap
	run bench_verdict "100 90 110" "120 110 130" 50
	assert_output overlap
}

@test "a spread wider than the stated share of its median is inconclusive" {
	run bench_verdict "100 60 161" "1000 990 1010" 100
	assert_output "spread 1"
	run bench_verdict "100 99 101" "1000 700 1300" 50
	assert_output "spread 2"
	# Exactly the limit is still within it.
	run bench_verdict "100 99 101" "1000 750 1250" 50
	assert_output ok
}

@test "in a row that states a difference, a side near nothing may vary by more than its own figure" {
	# runc's memory: 0.3-0.7 MiB against runsc's 14.
	run bench_verdict "0.3 0.3 0.7" "14 13.2 14.3" 50
	assert_output "spread 1"
	run bench_verdict "0.3 0.3 0.7" "14 13.2 14.3" 50 larger
	assert_output ok
	run bench_verdict "0.3 0.3 0.9" "1 0.95 1.1" 50 larger
	assert_output "spread 1"
	bench_row memory "0.3 0.3 0.7 0.5 0.4" "14 13.2 14.3 14 13.9" ""
	run printf '%s' "$bench_out"
	assert_output --regexp ' 35\.0x +\+13\.6 MiB '
}

@test "figures print with three significant digits, or in whole units" {
	run bench_fmt 44823.4
	assert_output 44823
	run bench_fmt 13.75
	assert_output 13.8
	run bench_fmt 0.4
	assert_output 0.40
	run bench_range "245 223 251"
	assert_output "245 (223-251)"
}

# ----------------------------------------------------------------- rows

@test "a row that can decide prints medians, spreads, the ratio and the guide" {
	bench_row syscall "240 230 250 245 235" "40000 39000 41000 40500 39500" ""
	run printf '%s' "$bench_out"
	assert_output --regexp '^syscall overhead \(ns per call\) +240 \(230-250\) +40000 \(39000-41000\) +166\.7x +40000 ns +100-200 ns under gVisor, 5-10 ns native$'
	assert_equal "$bench_notes" ""
}

@test "a row whose ranges overlap says inconclusive instead of a ratio, and why" {
	bench_row cpu "1000 990 1010 1100 1005" "1050 1040 1060 995 1055" ""
	run printf '%s' "$bench_out"
	assert_output --regexp '^CPU-bound work \(ns per loop step\) +1005 \(990-1100\) +1050 \(995-1060\) +inconclusive +- +\+10-15% \(typical workloads\)$'
	run printf '%s' "$bench_notes"
	assert_output --partial "CPU-bound work (ns per loop step): inconclusive: the runc and runsc ranges overlap"
}

@test "a row whose spread is too wide says inconclusive" {
	bench_row fileio "1900 1850 1950 1920 1880" "600 580 1800 610 590" ""
	run printf '%s' "$bench_out"
	assert_output --regexp ' inconclusive '
	run printf '%s' "$bench_notes"
	assert_output --partial "runsc's spread is wider than 50% of its median"
}

@test "a row with fewer runs than asked is inconclusive and says how many it got" {
	bench_row start "200 210 205" "300 310" "--bench-time reached"
	run printf '%s' "$bench_notes"
	assert_output --partial "container start (ms): inconclusive: 3 runc and 2 runsc runs of 5 (--bench-time reached)"
}

@test "a row without figures is not measured and says why" {
	bench_row network "150 140 145 150 148" "" "runsc: the image has no nc"
	run printf '%s' "$bench_out"
	assert_output --regexp '^loopback network \(MB/s\) +148 \(140-150\) +- +not measured'
	run printf '%s' "$bench_notes"
	assert_output --partial "not measured: runsc: the image has no nc"
}

@test "a row's JSON carries every figure with its median and spread, the verdict and the guide" {
	require_cmd jq
	bench_row memory "0.4 0.3 0.5 0.4 0.4" "14 13.8 14.4 14.1 13.9" ""
	bench_row cpu "1000 990 1010 1100 1005" "1050 1040 1060 995 1055" ""
	run jq -e '.[0] | .id == "memory" and .runc == 0.4 and .runtime == 14 and .ratio == 35
		and .measured == 13.6 and .measured_text == "+13.6 MiB" and .within_guide == false
		and .verdict == "ok" and .conclusive == true and .why == null and .note == null
		and .runc_figures == {"median": 0.4, "min": 0.3, "max": 0.5, "samples": [0.4, 0.3, 0.5, 0.4, 0.4]}
		and .runtime_figures.samples == [14, 13.8, 14.4, 14.1, 13.9]
		and .guide == "+15-50 MB per sandbox" and .guide_low == 15 and .guide_high == 50' <<<"[$bench_rows_json]"
	assert_success
	run jq -e '.[1] | .verdict == "inconclusive" and .conclusive == false and .within_guide == null
		and (.why | test("overlap")) and (.runc_figures.samples | length) == 5' <<<"[$bench_rows_json]"
	assert_success
}

# ------------------------------------------------------------- collecting

@test "runc and the runtime run in turns, the order turning every round" {
	seen=''
	fake_sample() { seen+="$2 "; b_val=1 b_n=''; }
	bench_collect syscall fake_sample ''
	assert_equal "$seen" "runc runsc runsc runc runc runsc runsc runc runc runsc "
	assert_equal "$b_a" "1 1 1 1 1"
	assert_equal "$b_b" "1 1 1 1 1"
}

@test "the first run of each side grows the work, the later ones repeat its amount" {
	seen=''
	fake_sample() { seen+="$2:${4:--} "; b_val=1 b_n=$((${4:-0} + 7)); }
	BENCH_RUNS=2
	bench_collect syscall fake_sample ''
	assert_equal "$seen" "runc:- runsc:- runsc:7 runc:7 "
}

@test "a side whose run fails is not run again, and the note says why" {
	n=0
	fake_sample() {
		[ "$2" = runsc ] || { b_val=1; return 0; }
		n=$((n + 1)); b_err="the image has no nc"; return 1
	}
	bench_collect network fake_sample ''
	assert_equal "$n" 1
	assert_equal "$b_b" ""
	assert_equal "$b_note" "runsc: the image has no nc"
}

@test "runs stop at the time limit" {
	check_docker_run() { echo "must not run" >&2; return 1; }
	bench_deadline=$SECONDS
	bench_collect syscall bench_docker_sample "$BENCH_SYSCALL"
	assert_equal "$b_a$b_b" ""
	assert_equal "$b_note" "runc: --bench-time reached; runsc: --bench-time reached"
}

@test "a container run's result line becomes the row's figure" {
	check_docker_run() { printf 'noise\nresult 2000 40\n'; }
	bench_docker_sample syscall runc "$BENCH_SYSCALL" ''
	assert_equal "$b_val" 100000
	assert_equal "$b_n" 2000
	check_docker_run() { echo "docker: Error response from daemon: unknown runtime"; return 125; }
	run ! bench_docker_sample syscall runc "$BENCH_SYSCALL" ''
	bench_docker_sample syscall runc "$BENCH_SYSCALL" '' || true
	assert_equal "$b_err" "docker run failed (exit 125): docker: Error response from daemon: unknown runtime"
}

@test "the in-container script measures with the shell's own means" {
	run sh -c "$(bench_script "$BENCH_CPU" '')"
	assert_success
	assert_output --regexp '^result [0-9]+ [0-9]+$'
	# The amount an earlier run found is kept when it takes long enough...
	run sh -c "$(bench_script "$BENCH_CPU" 400000)"
	assert_output --regexp '^result 400000 [0-9]+$'
	# ...and grown when it is far too short (it was found under load).
	run sh -c "$(bench_script "$BENCH_CPU" 100)"
	assert_output --regexp '^result [0-9]+ [0-9]+$'
	refute_output --regexp '^result 100 '
}

# -------------------------------------------------------------- platforms

@test "a hanging platform is reported and skipped within its deadline, with every process it started killed" {
	export STUB_systrap=hang
	BENCH_PLATFORM_SECS=1 BENCH_RUNS=2
	local start p
	start=$(bench_ms)
	quick bench_platform_sample systrap '' 1
	# Its 1 s deadline, with room for a loaded machine (the sanitizer
	# stage): the stub itself would hang for 1000 s.
	[ $(($(bench_ms) - start)) -le 10000 ] || fail "the hanging run took $(($(bench_ms) - start)) ms"
	rm -f "$STUB_LOG"
	quick bench_platforms
	run printf '%s' "$bench_out"
	assert_line --regexp '^systrap +hung: no result within 1 s; killed with its sandbox and gofer$'
	[ -s "$STUB_PIDS" ] || fail "the stub did not hang"
	for p in $(cat "$STUB_PIDS"); do
		if [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status"; then
			fail "process $p of the hanging platform is still there"
		fi
	done
	# Tried once, never again.
	run grep -c '^systrap$' "$STUB_LOG"
	assert_output 1
	run jq -e '.rows[] | select(.platform == "systrap") | .status == "hung" and .syscall_ns == null' <<<"$bench_platforms_json"
	assert_success
}

@test "a failing platform is reported with runsc's message and skipped" {
	export STUB_ptrace=fail
	BENCH_RUNS=2
	quick bench_platforms
	run printf '%s' "$bench_out"
	assert_line "ptrace             failed: exit 128: creating container: platform ptrace is broken; in use (runsc's default)"
	run grep -c '^ptrace$' "$STUB_LOG"
	assert_output 1
}

@test "kvm on a host that cannot give a sandbox KVM is skipped with the reason, never run" {
	BENCH_RUNS=1
	quick bench_platforms
	run printf '%s' "$bench_out"
	assert_line "kvm                skipped: /dev/kvm exists, but the processor shows neither VMX nor SVM (a virtual machine without nested virtualisation)"
	run grep -c '^kvm$' "$STUB_LOG"
	assert_output 0
}

@test "a platform that alone works is said to be the only one, not the fastest" {
	export STUB_systrap=fail
	BENCH_RUNS=1
	quick bench_platforms
	run printf '%s' "$bench_out"
	assert_line "ptrace is the only platform that works here"
	export STUB_ptrace=fail STUB_systrap=ok
	quick bench_platforms
	run printf '%s' "$bench_out"
	assert_line "systrap is the only platform that works here; to switch to it: dpkg-reconfigure hersh-gvisor (the platform question: systrap), or preseed hersh-gvisor/platform systrap"
}

@test "the working platforms run in turns with the host, each marked; the fastest comes with the command to switch" {
	require_cmd jq
	# ptrace (in use: runsc's default) costs 100 ms more a run than systrap.
	cat >"$BIN/sh" <<'EOF'
#!/bin/bash
[ "${SLOW:-}" != 1 ] || sleep 0.1
exec /bin/sh "$@"
EOF
	chmod +x "$BIN/sh"
	bench_platform_sample() {
		b_err='' b_status='' b_n=1000 b_ms=100
		case $1 in
		host) b_val=$((200 + RANDOM % 10)) ;;
		ptrace) b_val=$((40000 + RANDOM % 100)) ;;
		systrap) b_val=$((30000 + RANDOM % 100)) ;;
		esac
		echo "$1" >>"$STUB_LOG"
	}
	bench_platforms
	run printf '%s' "$bench_out"
	assert_line --regexp '^host \(no sandbox\) +20[0-9] \(20[0-9]-20[0-9]\) +-$'
	assert_line --regexp "^ptrace +400[0-9][0-9] \(400[0-9][0-9]-400[0-9][0-9]\) +100 \(100-100\) +in use \(runsc's default\)\$"
	assert_line --regexp '^systrap +300[0-9][0-9] \(300[0-9][0-9]-300[0-9][0-9]\) +100 \(100-100\) +fastest$'
	assert_line "fastest that works here: systrap; to switch: dpkg-reconfigure hersh-gvisor (the platform question: systrap), or preseed hersh-gvisor/platform systrap"
	# One first run each, then five rounds in turns.
	run tr '\n' ' ' <"$STUB_LOG"
	assert_output "host ptrace systrap host ptrace systrap systrap ptrace host host ptrace systrap systrap ptrace host host ptrace systrap "
	run jq -e '.in_use == "ptrace" and .in_use_from == "default" and .fastest == "systrap" and .fastest_clear == true
		and (.switch | test("hersh-gvisor/platform systrap"))
		and ([.rows[] | .platform] == ["host", "ptrace", "systrap", "kvm"])
		and ([.rows[] | select(.platform == "systrap") | .syscall_ns.samples | length] == [5])
		and ([.rows[] | select(.platform == "kvm") | .status] == ["skipped"])' <<<"$bench_platforms_json"
	assert_success
}

@test "a platform whose figures vary by more than half their median is inconclusive, and the fastest not clearly so" {
	require_cmd jq
	bench_platform_sample() {
		b_err='' b_status='' b_n=1000 b_ms=100
		case $1 in
		host) b_val=200 ;;
		ptrace) b_val=$((40000 + (RANDOM % 2) * 40000)) ;;
		systrap) b_val=30000 ;;
		esac
	}
	BENCH_RUNS=6
	# Six runs of ptrace, at 40000 or 80000 at random: with both, inconclusive.
	until bench_platforms && [[ $bench_out == *"inconclusive: its spread"* ]]; do bench_out=''; done
	run printf '%s' "$bench_out"
	assert_line --regexp "^ptrace +.* +in use \(runsc's default\); inconclusive: its spread is wider than 50% of its median\$"
	assert_line --regexp '^systrap +30000 \(30000-30000\) +100 \(100-100\) +fastest \(not clearly: ranges overlap or are inconclusive\)$'
	run jq -e '[.rows[] | select(.platform == "ptrace") | .conclusive] == [false] and .fastest_clear == false' <<<"$bench_platforms_json"
	assert_success
}

@test "the platform the runtime's arguments name is the one in use" {
	DOCKER_ARGS=$'--network=none\n--platform=systrap\n'
	bench_platform_in_use
	assert_equal "$b_inuse $b_inuse_from" "systrap docker"
	DOCKER_ARGS=$'--platform\nkvm\n'
	bench_platform_in_use
	assert_equal "$b_inuse $b_inuse_from" "kvm docker"
	DOCKER_ARGS=''
	bench_platform_in_use
	assert_equal "$b_inuse $b_inuse_from" "ptrace default"
}

@test "a platform that works runs the syscall script in its sandbox and reports its figures" {
	run bench_platform_sample ptrace '' 10
	bench_platform_sample ptrace '' 10
	[ "$b_val" -gt 0 ]
	[ "$b_n" -ge 1000 ]
	[ "$b_ms" -ge 0 ]
}

@test "a user gets one line saying the platform rows need root" {
	IS_ROOT=0
	bench_platforms
	assert_equal "$bench_out" "platforms: not measured: running runsc directly needs root (run hersh-gvisor-check --bench as root to see them)"$'\n'
	run jq -e '.measured == false and (.why | test("root"))' <<<"$bench_platforms_json"
	assert_success
	assert_file_not_exists "$STUB_LOG"
}

@test "bench_direct kills the whole tree at its deadline, also what left it" {
	local dir=$BATS_TEST_TMPDIR/direct start=$SECONDS
	mkdir -p "$dir"
	# A grandchild that leaves the tree (setsid, its parent gone) keeps
	# TMPDIR: it is found by that.
	quick bench_direct 1 "$dir" bash -c "setsid bash -c 'echo \$\$ >$dir/orphan; trap \"\" TERM; exec sleep 1000' & sleep 1000"
	assert_equal "$b_rc" 124
	[ $((SECONDS - start)) -le 3 ] || fail "took $((SECONDS - start)) s"
	local p
	p=$(cat "$dir/orphan")
	if [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status"; then
		fail "the orphan $p survived"
	fi
}

# ------------------------------------------------------------- the whole

@test "run_bench measures every row within the time limit and its JSON holds every sample" {
	require_cmd jq
	IS_ROOT=0
	# Canned container runs: runc twice as fast as the runtime.
	check_docker_run() {
		local rt=$2
		shift 2
		if [ "${!#}" = true ]; then
			if [ "$rt" = runc ]; then sleep 0.01; else sleep 0.1; fi
			return 0
		fi
		if [ "$rt" = runc ]; then echo "result 1000 $((40 + RANDOM % 2))"; else echo "result 1000 $((80 + RANDOM % 2))"; fi
	}
	bench_memory_sample() {
		b_mems=(0.4 14.2) b_mem_how="the container's cgroup (memory.usage_in_bytes)"
		[ "$2" = runc ] || b_mems=(14.2 0.4)
	}
	bench_time=60
	quick run_bench 2>"$BATS_TEST_TMPDIR/progress"
	run printf '%s' "$bench_out"
	assert_line --regexp '^syscall overhead \(ns per call\) +20[05]000 \(20[05]000-20[05]000\) +40[05]000 \(40[05]000-40[05]000\) +2\.0x '
	assert_line --regexp '^memory per sandbox \(MiB\) +0\.40 \(0\.40-0\.40\) +14\.2 \(14\.2-14\.2\) +35\.5x +\+13\.8 MiB '
	assert_line "memory: the container's cgroup (memory.usage_in_bytes), idle containers (sleep) side by side."
	assert_line "platforms: not measured: running runsc directly needs root (run hersh-gvisor-check --bench as root to see them)"
	run jq -e '.runs == 5 and .spread_limit_pct == 50 and .time_limit_s == 60 and .took_s <= 60
		and ([.rows[] | .id] == ["syscall", "memory", "fileio", "network", "start", "cpu"])
		and all(.rows[]; (.runc_figures.samples | length) == 5 and (.runtime_figures.samples | length) == 5)
		and .platforms.measured == false' <<<"$bench_json"
	assert_success
	run cat "$BATS_TEST_TMPDIR/progress"
	assert_line "progress: --bench 1/7: syscall overhead (60 s left)..."
	assert_line --regexp '^progress: --bench 7/7: gVisor platforms \([0-9]+ s left\)\.\.\.$'
}
