#!/usr/bin/env bats
# hersh-gvisor-check --bench: runc and runsc side by side, next to the
# figures of gVisor's documentation, in text and JSON, within a time limit.
# Needs root and dockerd; run under the host lock:
#     flock /run/hersh-host.lock bats tests/e2e/check-bench.bats

load ../lib/common
load ../lib/docker
load check-lib

# A row of the text table: title, runc, runsc, ratio, measured, the guide.
# assert_row TITLE RATIO-RE MEASURED-RE GUIDE
assert_row() {
	local title=$1 ratio=$2 measured=$3 guide=$4 num='[0-9]+(\.[0-9])?'
	assert_line --regexp "^${title//[()]/.} +$num +$num +$ratio +$measured +${guide//[()+]/.}\$"
}

@test "--bench prints six measured rows with ratios next to the guide's figures" {
	run hersh-gvisor-check --bench
	assert_success
	assert_line --regexp '^ +runc +runsc +ratio +measured +the guide says$'
	assert_row 'syscall overhead (ns per call)' '[0-9.]+x' '[0-9]+ ns' '100-200 ns under gVisor, 5-10 ns native'
	assert_row 'memory per sandbox (MiB)' '[0-9.]+x' '[-+][0-9.]+ MiB' '+15-50 MB per sandbox'
	assert_row 'file I/O to /state (MB/s)' '[0-9]+%' '[0-9]+% of runc' '50-80% of runc'
	assert_row 'loopback network (MB/s)' '[0-9]+%' '[0-9]+% of runc' '60-90% of runc'
	assert_row 'container start (ms)' '[0-9.]+x' '[-+][0-9]+ ms' '+100-300 ms'
	assert_row 'CPU-bound work (ns per loop step)' '[0-9.]+x' '[-+][0-9]+%' '+10-15% (typical workloads)'
	refute_output --partial 'not measured'
}

@test "--bench --json holds the same rows, each with runc, runsc, ratio and the guide's figure" {
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
	run jq -e '.bench.rows | all(.runc > 0 and .runtime > 0 and .ratio > 0 and (.measured | type) == "number"
		and (.guide_low | type) == "number" and (.guide_high | type) == "number"
		and (.within_guide | type) == "boolean" and .note == null)' <<<"$json"
	assert_success
	run jq -e '.bench.time_limit_s == 120 and .bench.took_s <= 120 and .bench.runtime == "runsc"' <<<"$json"
	assert_success
}

@test "--bench-time bounds the benchmark and says what it did not measure" {
	local start=$SECONDS
	run hersh-gvisor-check --bench --bench-time 10 --json
	assert_success
	local json=$output
	run jq -e '.bench.took_s <= 13' <<<"$json"
	assert_success
	run jq -r '[.bench.rows[] | select(.note != null) | .note] | first' <<<"$json"
	assert_output --partial 'not measured'
	[ $((SECONDS - start)) -le 60 ] || fail "the whole run took $((SECONDS - start)) s"
}

@test "--bench shows a progress line per row on a terminal" {
	require_cmd script
	run script -qec "env PATH='$PATH' HERSH_GVISOR_CHECK_HELPERS='$HERSH_GVISOR_CHECK_HELPERS' hersh-gvisor-check --bench --bench-time 30 --quiet" /dev/null
	assert_success
	local i
	for i in 1 2 3 4 5 6; do
		assert_output --regexp "hersh-gvisor-check: --bench $i/6: [^(]+ \([0-9]+ s left\)\.\.\."
	done
}

@test "--bench leaves no container or volume behind" {
	local before
	before=$(docker_state)
	run hersh-gvisor-check --bench --bench-time 20
	assert_success
	run docker_state
	assert_output "$before"
}
