#!/usr/bin/env bats
# hersh-gvisor-check --bench on a real Docker: runc and runsc in turns,
# each row a median with its spread, a ratio or "inconclusive", next to
# the figures of gVisor's documentation, in text and JSON, within a time
# limit; as root, every platform of the installed runsc side by side (kvm
# skipped with the reason where the host cannot give a sandbox KVM).
# Needs root and dockerd; tests/run runs it in a throwaway root of each
# release (stage check@R).

load ../lib/common
load ../lib/docker
load check-lib

# A figure with its spread: "245 (223-251)".
FIG='[0-9]+(\.[0-9]+)? \([0-9]+(\.[0-9]+)?-[0-9]+(\.[0-9]+)?\)'

# assert_row TITLE GUIDE: a measured row: runc's and runsc's figures, then
# a ratio and the measured figure, or "inconclusive -", then the guide.
assert_row() {
	local title=$1 guide=$2
	assert_line --regexp "^${title//[()]/.} +$FIG +$FIG +([0-9.]+x|[0-9]+%|inconclusive) +[^ ].* +${guide//[()+]/.}\$"
}

# The platforms this runsc offers, as the check finds them (no `runsc
# platforms` in Debian's releases: by release, systrap from 2023 on).
expected_platforms() {
	local v
	v=$(runsc --version | sed -n '1s/.*\(20[0-9]\{6\}\)\..*/\1/p')
	if [ "${v:-0}" -ge 20230501 ]; then
		echo "systrap ptrace kvm"
	else
		echo "ptrace kvm"
	fi
}

@test "--bench prints six rows, each runc's and runsc's median and spread, a ratio or inconclusive, next to the guide" {
	run hersh-gvisor-check --bench
	assert_success
	assert_line --regexp '^ +runc +runsc +ratio +measured +the guide says$'
	assert_line --regexp '^ +median \(min-max\) +median \(min-max\)$'
	assert_row 'syscall overhead (ns per call)' '100-200 ns under gVisor, 5-10 ns native'
	assert_row 'memory per sandbox (MiB)' '+15-50 MB per sandbox'
	assert_row 'file I/O to /state (MB/s)' '50-80% of runc'
	assert_row 'loopback network (MB/s)' '60-90% of runc'
	assert_row 'container start (ms)' '+100-300 ms'
	assert_row 'CPU-bound work (ns per loop step)' '+10-15% (typical workloads)'
	assert_line --regexp "^memory: the container's cgroup \(memory\.(usage_in_bytes|current)\), idle containers"
	refute_output --partial 'not measured'
	# Every inconclusive row says why.
	local n
	n=$(grep -cE ' inconclusive ' <<<"$output") || true
	[ "$n" -eq 0 ] || assert_line 'not conclusive:'
}

@test "as root, every platform of runsc is a row next to the host's; kvm says why it was skipped; the one in use and the fastest are marked" {
	local p start=$SECONDS
	run hersh-gvisor-check --bench --bench-time 60
	assert_success
	assert_line --regexp '^platforms: /usr/bin/runsc run directly '
	# (under load the host's own figures may spread, or the time limit
	# leave the row a few runs short: the row then says so)
	assert_line --regexp "^host \(no sandbox\) +$FIG +-( +(inconclusive: [a-z].*|[0-9] of 5 runs: --bench-time reached))?\$"
	for p in $(expected_platforms); do
		case $p in
		kvm) assert_line --regexp '^kvm +skipped: /dev/kvm (does not exist|exists, but the processor shows neither VMX nor SVM)' ;;
		*) assert_line --regexp "^$p +$FIG +$FIG" ;;
		esac
	done
	# Debian 12's runsc has no systrap.
	[ "$(expected_platforms)" != "ptrace kvm" ] || refute_line --regexp '^systrap '
	# runsc's default here (working.json names no platform), marked in use.
	assert_line --regexp "^[a-z]+ +$FIG +$FIG +in use \\(runsc's default\\)"
	# The fastest, or the only one (Debian 12's: ptrace).
	assert_line --regexp '^(the platform in use, [a-z]+, is the fastest that works here|fastest that works here: [a-z]+.*; to switch: dpkg-reconfigure hersh-gvisor \(the platform question: [a-z]+\), or preseed hersh-gvisor/platform [a-z]+|[a-z]+ is the only platform that works here)'
	[ $((SECONDS - start)) -le 75 ] || fail "--bench-time 60 took $((SECONDS - start)) s"
}

@test "--bench --json carries five figures of each side for every row, and the platform rows" {
	require_cmd jq
	run hersh-gvisor-check --bench --json
	assert_success
	local json=$output
	run jq -e . <<<"$json"
	assert_success
	run jq -r '.bench.rows[] | [.id, .guide] | join("|")' <<<"$json"
	assert_output "syscall|100-200 ns under gVisor, 5-10 ns native
memory|+15-50 MB per sandbox
fileio|50-80% of runc
network|60-90% of runc
start|+100-300 ms
cpu|+10-15% (typical workloads)"
	run jq -e '.bench | .runs == 5 and .spread_limit_pct == 50 and .time_limit_s == 120 and .took_s <= 120
		and .runtime == "runsc" and (.memory_from | test("cgroup"))' <<<"$json"
	assert_success
	run jq -e '.bench.rows | all(.runc > 0 and .runtime > 0 and .ratio > 0
		and (.verdict == "ok" or .verdict == "inconclusive") and .note == null
		and (.runc_figures.samples | length) == 5 and (.runtime_figures.samples | length) == 5
		and .runc_figures.min <= .runc_figures.median and .runc_figures.median <= .runc_figures.max
		and (if .verdict == "ok" then (.within_guide | type) == "boolean" and .why == null
		     else .within_guide == null and (.why | type) == "string" end))' <<<"$json"
	assert_success
	run jq -e '.bench.platforms | .measured == true and .in_use_from == "default" and .deadline_s == 20
		and (.rows[0].platform == "host") and (.rows[0].syscall_ns.samples | length) == 5
		and ([.rows[] | select(.status == "ok" and .platform != "host") | .start_ms.samples | length] | all(. == 5))
		and ([.rows[] | select(.platform == "kvm") | .status] | . == [] or . == ["skipped"])' <<<"$json"
	assert_success
	run jq -r '[.bench.platforms.rows[] | .platform] | join(" ")' <<<"$json"
	assert_output "host $(expected_platforms)"
}

@test "--bench-time bounds the benchmark and says what it did not measure" {
	local start=$SECONDS
	run hersh-gvisor-check --bench --bench-time 10 --json
	assert_success
	local json=$output
	run jq -e '.bench.took_s <= 13' <<<"$json"
	assert_success
	run jq -e '[.bench.rows[] | select(.verdict != "ok") | .why] | length > 0 and all(test("--bench-time reached|runs of 5"))' <<<"$json"
	assert_success
	[ $((SECONDS - start)) -le 60 ] || fail "the whole run took $((SECONDS - start)) s"
}

@test "--bench shows a progress line per step on a terminal" {
	require_cmd script
	run script -qec "env PATH='$PATH' HERSH_GVISOR_CHECK_HELPERS='$HERSH_GVISOR_CHECK_HELPERS' hersh-gvisor-check --bench --bench-time 30 --quiet" /dev/null
	assert_success
	local i
	for i in 1 2 3 4 5 6 7; do
		assert_output --regexp "hersh-gvisor-check: --bench $i/7: [^(]+ \([0-9]+ s left\)\.\.\."
	done
}

@test "--bench leaves no container, volume or runsc process behind" {
	local before
	before=$(docker_state)
	run hersh-gvisor-check --bench --bench-time 20
	assert_success
	run docker_state
	assert_output "$before"
	run pgrep -f 'runsc-(sandbox|gofer) --root=/tmp/hersh-gvisor-bench'
	assert_failure
}
