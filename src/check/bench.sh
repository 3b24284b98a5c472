# shellcheck shell=bash
# shellcheck disable=SC2154,SC2034 # the interface below: runtime, test_image, bench_time... are set, bench_out and bench_json read, by the other parts
# hersh-gvisor-check --bench: runc against the runtime on this host, and
# every gVisor platform the installed runsc offers side by side.  Sourced by
# hersh-gvisor-check; defines functions and variables, runs nothing.
#
# Interface (hersh-gvisor-check's other parts provide): the variables
# runtime, test_image, bench_time (seconds), opt_json, IS_ROOT and the
# library's HG_*; the functions check_docker_run SECS RUNTIME [DOCKER-RUN
# ARGS...] IMAGE CMD..., json_str STRING and check_progress TEXT.  run_bench
# sets bench_out (the text) and bench_json (the "bench" member of --json)
# and returns 0, or 1 when it measured nothing.
#
# Method (hersh-gvisor-check(1), BENCHMARK): every row takes BENCH_RUNS
# runs of each side, interleaved (runc, runtime, runtime, runc, ...), so
# that whatever else the host does hits both alike; a row gives the median
# and the spread (min-max) of each side, and says "inconclusive" instead
# of a ratio when the two ranges overlap or a spread is wider than
# BENCH_SPREAD percent of its median (of the larger median in the rows
# the guide states as a difference).  A run's work is timed inside the
# container (/proc/uptime), grown in the first run of each side until it
# takes BENCH_TARGET_CS centiseconds; the later runs repeat that amount.

# The guide's performance figures for gVisor, which --bench sets its
# measurements against (hersh-gvisor-check(1) lists them).  One row per
# measurement:
#   id | what is measured (unit) | how the guide states it | low | high | its words
# How: "cost" compares the runtime's own figure with low-high; "delta" the
# runtime's figure minus runc's; "share" the runtime's as a percentage of
# runc's; "overhead" how much more than runc's, in percent.
BENCH_GUIDE='
syscall|syscall overhead (ns per call)|cost|100|200|100-200 ns under gVisor, 5-10 ns native
memory|memory per sandbox (MiB)|delta|15|50|+15-50 MB per sandbox
fileio|file I/O to /state (MB/s)|share|50|80|50-80% of runc
network|loopback network (MB/s)|share|60|90|60-90% of runc
start|container start (ms)|delta|100|300|+100-300 ms
cpu|CPU-bound work (ns per loop step)|overhead|10|15|+10-15% (typical workloads)
'

# Runs of each side per row, at least 5 (bench_runs, when the command
# sets it, overrides).
BENCH_RUNS=5
# A spread (max - min) wider than this percentage of its median (of the
# larger median in a row that states a difference) makes the row
# inconclusive.
BENCH_SPREAD=50
# How long a run's work takes at least, in centiseconds.
BENCH_TARGET_CS=40
# The hard deadline of one runsc run of the platform rows, in seconds.
BENCH_PLATFORM_SECS=20
# At most this long for one container.
BENCH_CONTAINER_SECS=60

bench_json="" bench_out=""

# ------------------------------------------------------------- statistics
# Pure functions: numbers in, numbers out.

# bench_stats VALUE...: "MEDIAN MIN MAX COUNT" of the values (the median of
# an even count is the mean of the middle two); fails without values.
bench_stats() {
	[ $# -gt 0 ] || return 1
	printf '%s\n' "$@" | sort -g | awk '
		{ v[NR] = $1 + 0 }
		END {
			n = NR
			m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			printf "%.6g %.6g %.6g %d\n", m, v[1], v[n], n
		}'
}

# bench_verdict "MED MIN MAX" "MED MIN MAX" PERCENT [larger]: whether two
# sides' figures can be told apart: "ok"; "overlap" (the ranges min-max
# share a value); else "spread 1" or "spread 2" (that side's max - min is
# wider than PERCENT of its median or, with "larger", of the larger of the
# two medians: for a row that states a difference, where a side near
# nothing, runc's memory, may vary by more than its own tiny figure
# without blurring the difference).
bench_verdict() {
	awk -v a="$1" -v b="$2" -v pct="$3" -v scale="${4:-own}" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		lo = (x[2] > y[2]) ? x[2] : y[2]
		hi = (x[3] < y[3]) ? x[3] : y[3]
		if (lo <= hi) { print "overlap"; exit }
		m = (x[1] > y[1]) ? x[1] : y[1]
		mx = (scale == "larger") ? m : x[1]
		my = (scale == "larger") ? m : y[1]
		if ((x[3] - x[2]) > pct / 100 * mx) { print "spread 1"; exit }
		if ((y[3] - y[2]) > pct / 100 * my) { print "spread 2"; exit }
		print "ok"
	}'
}

# bench_steady VALUE...: the figures' spread (max - min) is within
# BENCH_SPREAD percent of their median.
bench_steady() {
	local med min max
	read -r med min max _ <<<"$(bench_stats "$@")" || return 1
	awk -v m="$med" -v lo="$min" -v hi="$max" -v pct="$BENCH_SPREAD" 'BEGIN { exit !((hi - lo) <= pct / 100 * m) }'
}

# bench_fmt NUMBER: as the tables print it (3 significant digits or whole
# units).
bench_fmt() {
	awk -v v="$1" 'BEGIN {
		if (v >= 100 || v <= -100) printf "%.0f\n", v
		else if (v >= 10 || v <= -10) printf "%.1f\n", v
		else printf "%.2f\n", v
	}'
}

# bench_range "MED MIN MAX": "MED (MIN-MAX)".
bench_range() {
	local med min max
	read -r med min max _ <<<"$1"
	printf '%s (%s-%s)\n' "$(bench_fmt "$med")" "$(bench_fmt "$min")" "$(bench_fmt "$max")"
}

# bench_json_nums VALUE...: a JSON array of the numbers.
bench_json_nums() {
	local IFS=,
	printf '[%s]' "$*"
}

# bench_json_stats VALUE...: {"median","min","max","samples"} or null.
bench_json_stats() {
	local med min max
	if [ $# -eq 0 ]; then
		printf null
		return
	fi
	read -r med min max _ <<<"$(bench_stats "$@")"
	printf '{"median":%s,"min":%s,"max":%s,"samples":%s}' "$med" "$min" "$max" "$(bench_json_nums "$@")"
}

# ---------------------------------------------------------------- time

# bench_left: whole seconds before the time limit, never below 0.
bench_left() {
	local left=$((bench_deadline - SECONDS))
	[ "$left" -ge 0 ] || left=0
	printf '%s\n' "$left"
}

# bench_secs CAP: seconds a step may take: CAP, or less when time is short.
bench_secs() {
	local left=$((bench_deadline - SECONDS))
	[ "$left" -gt 1 ] || left=1
	if [ "$left" -lt "$1" ]; then
		printf '%s\n' "$left"
	else
		printf '%s\n' "$1"
	fi
}

# bench_ms: milliseconds since the epoch.
bench_ms() {
	local t=${EPOCHREALTIME:-}
	if [ -n "$t" ]; then
		t=${t/[.,]/}
		printf '%s\n' "${t:0:${#t}-3}"
	else
		date +%s%3N
	fi
}

bench_step=0 bench_steps=0 bench_end=0
bench_progress() {
	local left=$((bench_end - SECONDS))
	[ "$left" -ge 0 ] || left=0
	bench_step=$((bench_step + 1))
	check_progress "--bench $bench_step/$bench_steps: $1 ($left s left)..."
}

# ---------------------------------------------------------- in the sandbox

# Each script defines work N (and may define prep N and post N around it),
# start and max, then runs BENCH_DRIVER: N grows from start until work
# takes target centiseconds; with fixed=1 (start is what an earlier run
# found) half of that is enough, so that one measurement usually does.  Prints "result N CENTISECONDS", or "error WHY".  Timed
# from /proc/uptime, so neither start-up nor tear-down counts.
# shellcheck disable=SC2016 # runs in the container's sh
BENCH_DRIVER='
cs() { read -r _cu _ </proc/uptime; _ci=${_cu%.*}; _cf=${_cu#*.}; t=$((_ci * 100 + 1$_cf - 100)); }
measure() {
	prep "$1" || exit 0
	cs; _a=$t
	work "$1" || exit 0
	cs; d=$((t - _a))
	post "$1" || exit 0
}
n=$start
while :; do
	measure $n
	[ "$fixed" = 1 ] && [ $((d * 2)) -ge $target ] || [ $d -ge $target ] || [ $n -ge $max ] && break
	if [ $d -ge 4 ]; then n=$((n * target * 5 / (4 * d) + 1)); else n=$((n * 8)); fi
	[ $n -le $max ] || n=$max
done
echo "result $n $d"'
# shellcheck disable=SC2016
BENCH_NOPREP='prep() { :; }
post() { :; }
'
# Two system calls (read, write) per byte.
# shellcheck disable=SC2016
BENCH_SYSCALL=$BENCH_NOPREP'start=1000 max=100000000
work() { dd if=/dev/zero of=/dev/null bs=1 count=$1 2>/dev/null || { echo "error dd failed"; return 1; }; }
'
# A shell loop: no system call at all.
# shellcheck disable=SC2016
BENCH_CPU=$BENCH_NOPREP'start=20000 max=1000000000
work() { _i=0; while [ $_i -lt $1 ]; do _i=$((_i + 1)); done; }
'
# 64 KiB blocks to the volume at /state, flushed.
# shellcheck disable=SC2016
BENCH_FILEIO='start=16 max=65536
prep() { :; }
work() { dd if=/dev/zero of=/state/hersh-bench bs=65536 count=$1 conv=fsync 2>/dev/null || { echo "error writing to /state failed"; return 1; }; }
post() { rm -f /state/hersh-bench; }
'
# 64 KiB blocks through 127.0.0.1: nc listens (its stdin a FIFO that never
# ends, so it stops only when the sender closes) and wc counts what arrives.
# shellcheck disable=SC2016
BENCH_NETWORK='start=16 max=65536
command -v nc >/dev/null 2>&1 || { echo "error the image has no nc"; exit 0; }
_in=/dev/shm/hersh-bench-in _count=/dev/shm/hersh-bench-count
mkfifo "$_in" 2>/dev/null || { echo "error cannot make a FIFO in /dev/shm"; exit 0; }
prep() { nc -w 10 -l -p 5555 <>"$_in" | wc -c >"$_count" & sleep 0.3; }
work() { dd if=/dev/zero bs=65536 count=$1 2>/dev/null | nc 127.0.0.1 5555; wait; }
post() {
	read -r _got <"$_count"
	[ "$_got" = $(($1 * 65536)) ] && return 0
	echo "error ${_got:-0} of $(($1 * 65536)) bytes arrived (is nc busybox nc?)"
	return 1
}
'

# bench_script SCRIPT N: SCRIPT with the driver, one measurement of N
# units when N is set, else grown from the script's start.
bench_script() {
	printf '%s\n' "$1"
	if [ -n "$2" ]; then
		printf 'start=%s fixed=1\n' "$2"
	else
		printf 'fixed=0\n'
	fi
	printf 'target=%s\n%s\n' "$BENCH_TARGET_CS" "$BENCH_DRIVER"
}

# bench_value KIND N CS: the figure in the row's unit.
bench_value() {
	local kind=$1 n=$2 c=$3
	case $n$c in '' | *[!0-9]*) return 1 ;; esac
	[ "$c" -gt 0 ] || return 1
	case $kind in
	syscall) awk -v n="$n" -v c="$c" 'BEGIN { printf "%.0f\n", c * 1e7 / (2 * n) }' ;;
	cpu) awk -v n="$n" -v c="$c" 'BEGIN { printf "%.0f\n", c * 1e7 / n }' ;;
	fileio | network) awk -v n="$n" -v c="$c" 'BEGIN { printf "%.1f\n", n * 65536 / 1e6 / (c / 100) }' ;;
	*) return 1 ;;
	esac
}

# bench_result OUTPUT: the first "result N CS" or "error WHY" line of
# OUTPUT, or nothing.
bench_result() {
	printf '%s\n' "$1" | grep -m 1 -E '^(result [0-9]+ [0-9]+|error .*)$'
}

# bench_last_line TEXT: its last line that is not blank (a message).
bench_last_line() {
	printf '%s\n' "$1" | grep -v '^[[:space:]]*$' | tail -n 1
}

# ------------------------------------------------------------ Docker rows

# bench_docker_sample KIND RUNTIME SCRIPT N [DOCKER ARGS...]: one run in
# the test image.  Sets b_val (the figure) and b_n (the work done), or
# b_err (why there is none).
bench_docker_sample() {
	local kind=$1 rt=$2 script=$3 n=$4 out rc res
	shift 4
	b_val='' b_err='' b_n=''
	if [ "$(bench_left)" -lt 3 ]; then
		b_err="--bench-time reached"
		return 1
	fi
	rc=0
	out=$(check_docker_run "$(bench_secs "$BENCH_CONTAINER_SECS")" "$rt" --network none "$@" \
		"$test_image" sh -c "$(bench_script "$script" "$n")" 2>&1) || rc=$?
	res=$(bench_result "$out")
	case $res in
	result*)
		read -r _ b_n res <<<"$res"
		b_val=$(bench_value "$kind" "$b_n" "$res") && return 0
		b_err="the work took no measurable time"
		return 1 ;;
	error*) b_err=${res#error } ;;
	*)
		if [ "$rc" -eq 124 ] || [ "$(bench_left)" -lt 1 ]; then
			b_err="--bench-time reached"
		else
			b_err="docker run failed (exit $rc): $(bench_last_line "$out")"
		fi ;;
	esac
	return 1
}

# bench_start_sample KIND RUNTIME: ms to start, run and remove one
# container (docker run --rm IMAGE true).
bench_start_sample() {
	local rt=$2 s e rc=0 out
	b_val='' b_err=''
	if [ "$(bench_left)" -lt 3 ]; then
		b_err="--bench-time reached"
		return 1
	fi
	s=$(bench_ms)
	out=$(check_docker_run "$(bench_secs "$BENCH_CONTAINER_SECS")" "$rt" --network none "$test_image" true 2>&1) || rc=$?
	e=$(bench_ms)
	if [ "$rc" -ne 0 ]; then
		b_err="docker run failed (exit $rc): $(bench_last_line "$out")"
		return 1
	fi
	b_val=$((e - s))
}

# bench_collect KIND SAMPLER SCRIPT [DOCKER ARGS...]: BENCH_RUNS runs of
# each side, interleaved runc, runtime, runtime, runc, ... (the order turns
# every round, so that drift hits both alike).  Sets b_a and b_b (the
# figures of runc and of the runtime, space-separated) and b_note (what
# went wrong).  A side whose first run fails is not run again.
bench_collect() {
	local kind=$1 sampler=$2 script=$3 i rt na='' nb='' erra='' errb=''
	shift 3
	b_a='' b_b='' b_note=''
	for ((i = 0; i < BENCH_RUNS; i++)); do
		local -a order=(runc "$runtime")
		[ $((i % 2)) -eq 0 ] || order=("$runtime" runc)
		for rt in "${order[@]}"; do
			if [ "$rt" = runc ]; then
				[ -z "$erra" ] || continue
				if "$sampler" "$kind" runc "$script" "$na" "$@"; then
					b_a+="${b_a:+ }$b_val"
					na=${b_n:-}
				else
					erra=$b_err
				fi
			else
				[ -z "$errb" ] || continue
				if "$sampler" "$kind" "$runtime" "$script" "$nb" "$@"; then
					b_b+="${b_b:+ }$b_val"
					nb=${b_n:-}
				else
					errb=$b_err
				fi
			fi
		done
		[ -z "$erra" ] || [ -z "$errb" ] || break
	done
	[ -z "$erra" ] || b_note="runc: $erra"
	[ -z "$errb" ] || b_note+="${b_note:+; }$runtime: $errb"
	return 0
}

# ---- memory

# bench_cgroup_memory PID: bytes the kernel charges to the memory cgroup of
# PID (cgroup v1 memory.usage_in_bytes, v2 memory.current), found through
# /proc/PID/cgroup and where the hierarchy is mounted: "BYTES FILE".
bench_cgroup_memory() {
	local pid=$1 line path mnt f v
	# v1: the hierarchy with the memory controller; v2: the unified one.
	path=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3; exit }' "/proc/$pid/cgroup" 2>/dev/null)
	if [ -n "$path" ]; then
		mnt=$(awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) == "cgroup" && $4 == "/" && ("," $(i + 3) ",") ~ /,memory,/) { print $5; exit } }' /proc/self/mountinfo)
		f=memory.usage_in_bytes
	else
		path=$(awk -F: '$1 == "0" && $2 == "" { print $3; exit }' "/proc/$pid/cgroup" 2>/dev/null)
		mnt=$(awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) == "cgroup2" && $4 == "/") { print $5; exit } }' /proc/self/mountinfo)
		f=memory.current
	fi
	# The root cgroup is not the container's.
	[ -n "$path" ] && [ "$path" != / ] && [ -n "$mnt" ] || return 1
	read -r v 2>/dev/null <"$mnt$path/$f" || return 1
	case $v in '' | *[!0-9]*) return 1 ;; esac
	printf '%s %s\n' "$v" "$f"
}

# bench_docker_stats_memory ID: bytes docker stats charges to ID:
# "BYTES docker-stats".
bench_docker_stats_memory() {
	local u
	u=$(hg_docker stats --no-stream --format '{{.MemUsage}}' "$1" 2>/dev/null) || return 1
	u=${u%%/*}
	awk -v u="$u" 'BEGIN {
		n = u + 0; sub(/^[0-9.]+ */, "", u); sub(/ +$/, "", u)
		m["B"] = 1; m["KiB"] = 1024; m["MiB"] = 1048576; m["GiB"] = 1073741824
		m["kB"] = 1e3; m["KB"] = 1e3; m["MB"] = 1e6; m["GB"] = 1e9
		if (!(u in m) || n <= 0) exit 1
		printf "%.0f docker-stats\n", n * m[u] }'
}

# bench_memory_sample TOKEN RUNTIME...: an idle container (sleep) per
# RUNTIME, started side by side, each labelled hersh-gvisor-check.bench=
# TOKEN-RUNTIME; once every one runs and has settled for a second, the
# memory charged to each.  Sets b_mems (MiB per runtime, in order, "-"
# where none), b_mem_how (where the figure came from) and b_err.
bench_memory_sample() {
	local token=$1 rt i id pid v secs waited
	shift
	local -a pids=() ids=()
	b_mems=() b_err=''
	secs=$(bench_secs 30)
	for rt in "$@"; do
		check_docker_run "$secs" "$rt" --network none --label "hersh-gvisor-check.bench=$token-$rt" \
			"$test_image" sleep "$secs" >/dev/null 2>&1 &
		pids+=("$!")
	done
	for rt in "$@"; do
		id='' waited=0
		while [ -z "$id" ] && [ "$waited" -lt 100 ] && [ "$(bench_left)" -gt 0 ]; do
			id=$(hg_docker ps -q --filter "label=hersh-gvisor-check.bench=$token-$rt" 2>/dev/null | head -n 1)
			if [ -n "$id" ]; then
				pid=$(hg_docker inspect --format '{{.State.Pid}}' "$id" 2>/dev/null)
				case $pid in '' | 0 | *[!0-9]*) id='' ;; esac
			fi
			[ -n "$id" ] || { sleep 0.1; waited=$((waited + 1)); }
		done
		ids+=("$id")
	done
	sleep 1
	for ((i = 0; i < $#; i++)); do
		id=${ids[i]} v=''
		if [ -n "$id" ]; then
			pid=$(hg_docker inspect --format '{{.State.Pid}}' "$id" 2>/dev/null)
			v=$(bench_cgroup_memory "$pid") || v=$(bench_docker_stats_memory "$id") || v=''
		fi
		if [ -n "$v" ]; then
			case ${v#* } in
			docker-stats) b_mem_how="docker stats" ;;
			*) b_mem_how="the container's cgroup (${v#* })" ;;
			esac
			b_mems+=("$(awk -v b="${v%% *}" 'BEGIN { printf "%.1f\n", b / 1048576 }')")
		else
			b_mems+=(-)
			[ -n "$id" ] && b_err="neither its cgroup nor docker stats tells" || b_err="the container did not start"
		fi
		[ -z "$id" ] || hg_docker kill "$id" >/dev/null 2>&1 || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	return 0
}

# bench_memory_collect: b_a, b_b, b_note as bench_collect, for memory:
# one runc and one runtime container side by side per round.
bench_memory_collect() {
	local i token
	b_a='' b_b='' b_note='' b_mem_how=''
	for ((i = 0; i < BENCH_RUNS; i++)); do
		if [ "$(bench_left)" -lt 5 ]; then
			b_note="--bench-time reached"
			break
		fi
		token=$$-$RANDOM-$i
		if [ $((i % 2)) -eq 0 ]; then
			bench_memory_sample "$token" runc "$runtime"
			set -- "${b_mems[0]}" "${b_mems[1]}"
		else
			bench_memory_sample "$token" "$runtime" runc
			set -- "${b_mems[1]}" "${b_mems[0]}"
		fi
		[ "$1" = - ] || b_a+="${b_a:+ }$1"
		[ "$2" = - ] || b_b+="${b_b:+ }$2"
		if [ "$1" = - ] || [ "$2" = - ]; then
			b_note="not measured: $b_err"
			break
		fi
	done
}

# ---- a row

# bench_row ID RUNC-FIGURES RUNTIME-FIGURES NOTE: one line of the table
# (bench_out), one object of the JSON rows (bench_rows_json).
bench_rows_json=""
bench_row() {
	local id=$1 note=$4 row title how low high words calc
	local -a a b
	read -r -a a <<<"$2"
	read -r -a b <<<"$3"
	row=$(printf '%s\n' "$BENCH_GUIDE" | grep "^$id|")
	IFS='|' read -r _ title how low high words <<<"$row"
	local sa='' sb='' ma='' mb='' verdict='' why='' conclusive=false
	[ ${#a[@]} -eq 0 ] || sa=$(bench_stats "${a[@]}")
	[ ${#b[@]} -eq 0 ] || sb=$(bench_stats "${b[@]}")
	ma=${sa%% *} mb=${sb%% *}
	if [ -z "$sa" ] || [ -z "$sb" ]; then
		verdict="not measured"
		why=${note:-no figures}
	elif [ ${#a[@]} -lt "$BENCH_RUNS" ] || [ ${#b[@]} -lt "$BENCH_RUNS" ]; then
		verdict=inconclusive
		why="${#a[@]} runc and ${#b[@]} $runtime runs of $BENCH_RUNS${note:+ ($note)}"
	else
		local scale=own of="its median"
		[ "$how" != delta ] || scale=larger of="the larger median"
		case $(bench_verdict "$sa" "$sb" "$BENCH_SPREAD" "$scale") in
		ok) verdict=ok conclusive=true ;;
		overlap) verdict=inconclusive why="the runc and $runtime ranges overlap" ;;
		"spread 1") verdict=inconclusive why="runc's spread is wider than $BENCH_SPREAD% of $of" ;;
		*) verdict=inconclusive why="$runtime's spread is wider than $BENCH_SPREAD% of $of" ;;
		esac
	fi
	# ratio|ratio text|measured|measured text|within the guide
	calc=$(awk -v a="$ma" -v b="$mb" -v how="$how" -v lo="$low" -v hi="$high" -v unit="$title" 'BEGIN {
		if (a == "" || b == "" || a + 0 <= 0) { print "null|-|null|-|null"; exit }
		r = b / a
		u = unit; sub(/.*\(/, "", u); sub(/\).*/, "", u); sub(/ .*/, "", u)
		if (how == "share") { rt = sprintf("%.0f%%", r * 100); m = r * 100; mt = sprintf("%.0f%% of runc", m) }
		else { rt = sprintf("%.1fx", r) }
		if (how == "cost") { m = b; mt = sprintf("%.0f %s", b, u) }
		if (how == "delta") { m = b - a; mt = sprintf((u == "MiB" ? "%+.1f %s" : "%+.0f %s"), m, u) }
		if (how == "overhead") { m = (r - 1) * 100; mt = sprintf("%+.0f%%", m) }
		w = (m >= lo && m <= hi) ? "true" : "false"
		printf "%.4g|%s|%.6g|%s|%s\n", r, rt, int(m * 10 + (m < 0 ? -0.5 : 0.5)) / 10, mt, w }')
	local ratio rtext meas mtext within
	IFS='|' read -r ratio rtext meas mtext within <<<"$calc"
	local ta=- tb=-
	[ -z "$sa" ] || ta=$(bench_range "$sa")
	[ -z "$sb" ] || tb=$(bench_range "$sb")
	if [ "$verdict" != ok ]; then
		rtext=$verdict mtext=- within=null
		bench_notes+="  $title: $verdict: $why"$'\n'
	fi
	bench_out+=$(printf '%-34s %-22s %-24s %-13s %-14s %s' "$title" "$ta" "$tb" "$rtext" "$mtext" "$words")$'\n'
	bench_rows_json+="${bench_rows_json:+,}$(printf '{"id":%s,"title":%s,"runc":%s,"runtime":%s,"ratio":%s,"measured":%s,"measured_text":%s,"guide":%s,"guide_low":%s,"guide_high":%s,"within_guide":%s,"note":%s,"verdict":%s,"conclusive":%s,"why":%s,"runc_figures":%s,"runtime_figures":%s}' \
		"$(json_str "$id")" "$(json_str "$title")" "${ma:-null}" "${mb:-null}" "$ratio" "$meas" \
		"$(json_str "$mtext")" "$(json_str "$words")" "$low" "$high" "$within" \
		"$(if [ -n "$note" ]; then json_str "$note"; else printf null; fi)" \
		"$(json_str "$verdict")" "$conclusive" \
		"$(if [ -n "$why" ]; then json_str "$why"; else printf null; fi)" \
		"$(bench_json_stats "${a[@]}")" "$(bench_json_stats "${b[@]}")")"
}

# -------------------------------------------------------- platform rows

# bench_alive PID: PID runs (a zombie does not).
bench_alive() {
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	s=${s##*) }
	[ "${s%% *}" != Z ]
}

# bench_tree PID: PID and every process below it, one a line.
bench_tree() {
	local f s pid
	for f in /proc/[0-9]*/stat; do
		read -r s 2>/dev/null <"$f" || continue
		pid=${f#/proc/}
		s=${s##*) }
		set -- $s
		printf '%s %s\n' "${pid%/stat}" "$2"
	done | awk -v root="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			q[1] = root; n = 1
			for (i = 1; i <= n; i++) {
				print q[i]
				m = split(kids[q[i]], k, " ")
				for (j = 1; j <= m; j++) q[++n] = k[j]
			}
		}'
}

# bench_marked DIR: the processes whose command line or environment names
# DIR (runsc's sandbox and gofer carry their --root below it; anything
# started under TMPDIR=DIR inherits it), one a line.  Read with builtins
# only: no process of this scan names DIR itself.
bench_marked() {
	local d pid a
	local -a v
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[ "$pid" != "$$" ] && [ "$pid" != "$BASHPID" ] || continue
		v=()
		mapfile -d '' -t v 2>/dev/null <"$d/cmdline" || continue
		for a in "${v[@]}"; do
			[[ $a != *"$1"* ]] || { printf '%s\n' "$pid"; continue 2; }
		done
		v=()
		mapfile -d '' -t v 2>/dev/null <"$d/environ" || continue
		for a in "${v[@]}"; do
			[ "$a" != "TMPDIR=$1" ] || { printf '%s\n' "$pid"; continue 2; }
		done
	done
}

# bench_kill_tree PID DIR: kill everything below PID, and whatever still
# names DIR (a sandbox or gofer that left the tree), until none is left
# (at most 5 s); PID itself (bench_direct's wrapper) then ends by itself.
bench_kill_tree() {
	local pid=$1 dir=$2 p _ left tree
	tree=$(bench_tree "$pid" | tail -n +2)
	# Stopped first, so that none starts another meanwhile.
	# shellcheck disable=SC2086 # pids, one a word
	[ -z "$tree" ] || kill -STOP $tree 2>/dev/null
	tree=$(bench_tree "$pid" | tail -n +2)
	# shellcheck disable=SC2086
	[ -z "$tree" ] || kill -KILL $tree 2>/dev/null
	for _ in $(seq 1 50); do
		left=$(bench_marked "$dir")
		[ -n "$left" ] || break
		for p in $left; do
			kill -KILL "$p" 2>/dev/null
		done
		sleep 0.1
	done
	wait "$pid" 2>/dev/null || true
}

# bench_direct SECS DIR CMD...: run CMD (in /, TMPDIR=DIR, no input),
# output in DIR/out, within SECS seconds: past them CMD and every process
# it started are killed.  Sets b_rc (124: killed at the deadline) and b_ms
# (how long it ran).  CMD runs below a wrapper that waits for it: the
# wrapper, not this shell, sees it killed, and says nothing.
bench_direct() {
	local secs=$1 dir=$2 pid s end
	shift 2
	s=$(bench_ms)
	end=$((s + secs * 1000))
	{
		(cd / && TMPDIR=$dir exec "$@") </dev/null >"$dir/out" 2>&1 &
		wait "$!"
	} 2>/dev/null &
	pid=$!
	while bench_alive "$pid"; do
		if [ "$(bench_ms)" -ge "$end" ]; then
			bench_kill_tree "$pid" "$dir"
			b_rc=124
			b_ms=$(($(bench_ms) - s))
			return 0
		fi
		sleep 0.05
	done
	b_rc=0
	wait "$pid" || b_rc=$?
	b_ms=$(($(bench_ms) - s))
}

# bench_platform_sample PLATFORM N SECS: one run of the syscall script in
# a sandbox of HG_RUNSC under PLATFORM, run directly (runsc --platform=P
# --network=none do; "host": on the host, without a sandbox), with the
# host's sh and dd.  Sets b_val (ns per system call), b_ms (the sandbox's
# start and stop: the run's time less the work's), b_n; or b_err and
# b_status (hung, failed).
bench_platform_sample() {
	local p=$1 n=$2 secs=$3 dir script out res cs
	b_val='' b_err='' b_status='' b_n=''
	dir=$(mktemp -d "${TMPDIR:-/tmp}/hersh-gvisor-bench.XXXXXX") || { b_err="mktemp failed"; b_status=failed; return 1; }
	script=$(bench_script "$BENCH_SYSCALL" "$n")
	if [ "$p" = host ]; then
		bench_direct "$secs" "$dir" sh -c "$script"
	else
		bench_direct "$secs" "$dir" "$HG_RUNSC" --platform="$p" --network=none 'do' sh -c "$script"
	fi
	out=$(cat "$dir/out" 2>/dev/null)
	rm -rf "$dir"
	if [ "$b_rc" -eq 124 ]; then
		b_status=hung
		b_err="no result within $secs s; killed with its sandbox and gofer"
		return 1
	fi
	res=$(bench_result "$out")
	case $res in
	result*)
		read -r _ b_n cs <<<"$res"
		if b_val=$(bench_value syscall "$b_n" "$cs"); then
			b_ms=$((b_ms - cs * 10))
			[ "$b_ms" -ge 0 ] || b_ms=0
			return 0
		fi
		b_err="the work took no measurable time" ;;
	error*) b_err=${res#error } ;;
	*) b_err="exit $b_rc: $(bench_last_line "$out" | sed 's/^[IWEF][0-9]\{4\} [0-9:.]* *[0-9]* [^]]*\] //')" ;;
	esac
	b_status=failed
	return 1
}

# bench_platform_in_use: b_inuse, the platform the runtime's containers
# get (its --platform in what Docker lists, else runsc's default), and
# b_inuse_from (docker, default or unknown).
bench_platform_in_use() {
	local args a prev=''
	b_inuse='' b_inuse_from=unknown
	args=$(hg_docker info --format "{{range (index .Runtimes \"$runtime\").Args}}{{println .}}{{end}}" 2>/dev/null) || args=''
	while IFS= read -r a; do
		case $prev in --platform | -platform) b_inuse=$a ;; esac
		case $a in --platform=* | -platform=*) b_inuse=${a#*=} ;; esac
		prev=$a
	done <<<"$args"
	if [ -n "$b_inuse" ]; then
		b_inuse_from=docker
		return 0
	fi
	if hg_runsc_default_platform && [ -n "$HG_RUNSC_DEFAULT" ]; then
		b_inuse=$HG_RUNSC_DEFAULT b_inuse_from=default
	fi
}

# bench_may_run_runsc: the platform rows may run runsc directly (root only:
# runsc do needs it).  HG_WHY says why not.
bench_may_run_runsc() {
	if [ "${IS_ROOT:-0}" != 1 ]; then
		HG_WHY="running runsc directly needs root (run hersh-gvisor-check --bench as root to see them)"
		return 1
	fi
	if [ ! -x "$HG_RUNSC" ]; then
		HG_WHY="$HG_RUNSC is not installed"
		return 1
	fi
	if [ "${HG_IS_ROOT:-0}" = 1 ] && ! hg_trusted "$HG_RUNSC"; then
		return 1
	fi
	return 0
}

# bench_platforms: the platform table (bench_out) and its JSON
# (bench_platforms_json).  Each platform HG_RUNSC offers: kvm only where
# the host can give a sandbox KVM; each one's first run under the
# deadline, which finds a platform that fails or hangs (then skipped);
# then BENCH_RUNS runs of each one that works and of the host, in turns.
bench_platforms() {
	local -a plats=() status=() why=() ns=() ms=() nn=()
	local p i k secs order line fastest='' fmed='' switch='' clear=true
	bench_platforms_json=''
	if ! bench_may_run_runsc; then
		bench_out+="platforms: not measured: $HG_WHY"$'\n'
		bench_platforms_json=$(printf '{"measured":false,"why":%s}' "$(json_str "$HG_WHY")")
		return 0
	fi
	hg_runsc_platforms || true
	bench_platform_in_use
	read -r -a plats <<<"host $HG_RUNSC_PLATFORMS"
	for ((k = 0; k < ${#plats[@]}; k++)); do
		p=${plats[k]}
		status[k]='' why[k]='' ns[k]='' ms[k]='' nn[k]=''
		if [ "$p" = kvm ] && ! hg_kvm_usable; then
			status[k]=skipped why[k]=$HG_WHY
			continue
		fi
		if [ "$(bench_left)" -lt 3 ]; then
			status[k]="not measured" why[k]="--bench-time reached"
			continue
		fi
		secs=$(bench_secs "$BENCH_PLATFORM_SECS")
		if bench_platform_sample "$p" '' "$secs"; then
			status[k]=ok nn[k]=$b_n
		else
			status[k]=$b_status why[k]=$b_err
		fi
	done
	for ((i = 0; i < BENCH_RUNS; i++)); do
		order=$(seq 0 $((${#plats[@]} - 1)))
		[ $((i % 2)) -eq 0 ] || order=$(printf '%s\n' "$order" | tac)
		for k in $order; do
			[ "${status[k]}" = ok ] || continue
			if [ "$(bench_left)" -lt 3 ]; then
				why[k]="--bench-time reached"
				continue
			fi
			if bench_platform_sample "${plats[k]}" "${nn[k]}" "$(bench_secs "$BENCH_PLATFORM_SECS")"; then
				ns[k]+="${ns[k]:+ }$b_val"
				ms[k]+="${ms[k]:+ }$b_ms"
			else
				status[k]=$b_status why[k]="after $i runs: $b_err"
			fi
		done
	done
	# The fastest: the lowest median of the platforms with every run; clear
	# when its range stays below every other one's.
	local -a med=() lo=() hi=()
	for ((k = 1; k < ${#plats[@]}; k++)); do
		[ "${status[k]}" = ok ] && [ -n "${ns[k]}" ] || continue
		# shellcheck disable=SC2086 # figures, one a word
		read -r "med[k]" "lo[k]" "hi[k]" _ <<<"$(bench_stats ${ns[k]})"
		if [ -z "$fastest" ] || awk -v a="${med[k]}" -v b="$fmed" 'BEGIN { exit !(a < b) }'; then
			fastest=$k fmed=${med[k]}
		fi
	done
	if [ -n "$fastest" ]; then
		for ((k = 1; k < ${#plats[@]}; k++)); do
			[ "$k" != "$fastest" ] && [ -n "${med[k]:-}" ] || continue
			awk -v a="${hi[fastest]}" -v b="${lo[k]}" 'BEGIN { exit !(a < b) }' || clear=false
			# shellcheck disable=SC2086 # figures, one a word
			bench_steady ${ns[k]} || clear=false
		done
		# shellcheck disable=SC2086
		bench_steady ${ns[fastest]} || clear=false
	fi
	local working=0
	for ((k = 1; k < ${#plats[@]}; k++)); do
		[ -z "${med[k]:-}" ] || working=$((working + 1))
	done
	local runsc_v=${HG_RUNSC_VERSION:-}
	[ -n "$runsc_v" ] || { hg_runsc_facts "$HG_RUNSC"; runsc_v=$HG_RUNSC_VERSION; }
	bench_out+=$'\n'"platforms: $HG_RUNSC run directly (runsc --platform=P --network=none do, the host's sh and dd), $BENCH_RUNS runs each, interleaved, each under a $BENCH_PLATFORM_SECS s deadline"$'\n'
	bench_out+=$(printf '%-18s %-24s %s' "" "syscall (ns per call)" "sandbox start+stop (ms)")$'\n'
	local rows_json='' marks mark_json title
	for ((k = 0; k < ${#plats[@]}; k++)); do
		p=${plats[k]}
		marks=''
		if [ "$p" = "$b_inuse" ]; then
			case $b_inuse_from in
			docker) marks="in use (the runtime's --platform)" ;;
			*) marks="in use (runsc's default)" ;;
			esac
		fi
		if [ -n "${ns[k]}" ] && ! bench_steady ${ns[k]}; then
			marks+="${marks:+; }inconclusive: its spread is wider than $BENCH_SPREAD% of its median"
		fi
		if [ "$k" = "$fastest" ] && [ "$working" -gt 1 ]; then
			marks+="${marks:+; }fastest"
			[ "$clear" = true ] || marks+=" (not clearly: ranges overlap or are inconclusive)"
		fi
		title=$p
		[ "$p" != host ] || title="host (no sandbox)"
		if [ -n "${ns[k]}" ]; then
			# shellcheck disable=SC2086 # figures, one a word
			local -a runs_k
			read -r -a runs_k <<<"${ns[k]}"
			if [ "${status[k]}" != ok ]; then
				marks+="${marks:+; }${status[k]}: ${why[k]}"
			elif [ "${#runs_k[@]}" -lt "$BENCH_RUNS" ]; then
				marks+="${marks:+; }${#runs_k[@]} of $BENCH_RUNS runs${why[k]:+: ${why[k]}}"
			fi
			line=$(printf '%-18s %-24s %-24s %s' "$title" "$(bench_range "$(bench_stats ${ns[k]})")" \
				"$(if [ "$p" = host ]; then echo -; else bench_range "$(bench_stats ${ms[k]})"; fi)" "$marks")
		else
			line=$(printf '%-18s %s' "$title" "${status[k]}: ${why[k]}")
			[ -z "$marks" ] || line+="; $marks"
		fi
		bench_out+=${line%"${line##*[! ]}"}$'\n'
		# shellcheck disable=SC2086
		rows_json+="${rows_json:+,}$(printf '{"platform":%s,"status":%s,"why":%s,"in_use":%s,"fastest":%s,"conclusive":%s,"syscall_ns":%s,"start_ms":%s}' \
			"$(json_str "$p")" "$(json_str "${status[k]}")" \
			"$(if [ -n "${why[k]}" ]; then json_str "${why[k]}"; else printf null; fi)" \
			"$([ "$p" = "$b_inuse" ] && echo true || echo false)" \
			"$([ "$k" = "$fastest" ] && echo true || echo false)" \
			"$(if [ -z "${ns[k]}" ]; then echo null; elif bench_steady ${ns[k]}; then echo true; else echo false; fi)" \
			"$(bench_json_stats ${ns[k]})" "$(if [ "$p" = host ]; then printf null; else bench_json_stats ${ms[k]}; fi)")"
	done
	if [ "$working" = 1 ]; then
		p=${plats[fastest]}
		bench_out+="$p is the only platform that works here"
		[ "$p" = "$b_inuse" ] || bench_out+="; to switch to it: dpkg-reconfigure hersh-gvisor (the platform question: $p), or preseed hersh-gvisor/platform $p"
		bench_out+=$'\n'
		[ "$p" = "$b_inuse" ] || switch="dpkg-reconfigure hersh-gvisor (the platform question: $p), or preseed hersh-gvisor/platform $p"
	elif [ -n "$fastest" ]; then
		p=${plats[fastest]}
		if [ "$p" = "$b_inuse" ]; then
			bench_out+="the platform in use, $p, is the fastest that works here"
			[ "$clear" = true ] || bench_out+=" (not clearly: ranges overlap or are inconclusive)"
			bench_out+=$'\n'
		else
			switch="dpkg-reconfigure hersh-gvisor (the platform question: $p), or preseed hersh-gvisor/platform $p"
			bench_out+="fastest that works here: $p"
			[ "$clear" = true ] || bench_out+=" (not clearly: ranges overlap or are inconclusive)"
			bench_out+="; to switch: $switch"$'\n'
		fi
	else
		for ((k = 1; k < ${#plats[@]}; k++)); do
			case ${status[k]} in
			failed | hung)
				bench_out+="no platform of $HG_RUNSC works here"$'\n'
				break ;;
			esac
		done
	fi
	mark_json=null
	[ -z "$fastest" ] || mark_json=$(json_str "${plats[fastest]}")
	bench_platforms_json=$(printf '{"measured":true,"why":null,"runsc":%s,"in_use":%s,"in_use_from":%s,"fastest":%s,"fastest_clear":%s,"switch":%s,"deadline_s":%s,"rows":[%s]}' \
		"$(json_str "$runsc_v")" \
		"$(if [ -n "$b_inuse" ]; then json_str "$b_inuse"; else printf null; fi)" \
		"$(json_str "$b_inuse_from")" "$mark_json" \
		"$([ -n "$fastest" ] && echo "$clear" || echo false)" \
		"$(if [ -n "$switch" ]; then json_str "$switch"; else printf null; fi)" \
		"$BENCH_PLATFORM_SECS" "$rows_json")
}

# ---------------------------------------------------------------- run

# run_bench: the whole benchmark within bench_time seconds.
run_bench() {
	local started=$SECONDS took
	bench_deadline=$((SECONDS + bench_time)) bench_end=$((SECONDS + bench_time))
	bench_notes="" bench_rows_json="" bench_platforms_json=''
	bench_step=0 bench_steps=7
	if [ -n "${bench_runs:-}" ]; then
		BENCH_RUNS=$bench_runs
	fi
	[ "$BENCH_RUNS" -ge 1 ] 2>/dev/null || BENCH_RUNS=5
	if [ "${hello_ok:-1}" != 1 ]; then
		bench_out="benchmark: skipped, the test container under $runtime does not run (see above)"
		bench_json='{"skipped":"the test container does not run"}'
		return 1
	fi
	bench_out=$(printf 'benchmark: runc against %s, image %s, time limit %d s; each row %d runs of each, interleaved' \
		"$runtime" "$test_image" "$bench_time" "$BENCH_RUNS")$'\n'
	bench_out+=$(printf '%-34s %-22s %-24s %-13s %-14s %s' "" runc "$runtime" ratio measured "the guide says")$'\n'
	bench_out+=$(printf '%-34s %-22s %s' "" "median (min-max)" "median (min-max)")$'\n'

	# The Docker rows leave a quarter of the time to the platform rows.
	local deadline=$bench_deadline
	if bench_may_run_runsc 2>/dev/null; then
		bench_deadline=$((SECONDS + bench_time * 3 / 4))
	fi

	bench_progress "syscall overhead"
	bench_collect syscall bench_docker_sample "$BENCH_SYSCALL"
	bench_row syscall "$b_a" "$b_b" "$b_note"

	bench_progress "memory per sandbox"
	bench_memory_collect
	bench_row memory "$b_a" "$b_b" "$b_note"
	local mem_how=$b_mem_how

	bench_progress "file I/O to a volume at /state"
	bench_collect fileio bench_docker_sample "$BENCH_FILEIO" -v /state
	bench_row fileio "$b_a" "$b_b" "$b_note"

	bench_progress "loopback network"
	bench_collect network bench_docker_sample "$BENCH_NETWORK"
	bench_row network "$b_a" "$b_b" "$b_note"

	bench_progress "container start"
	bench_collect start bench_start_sample ''
	bench_row start "$b_a" "$b_b" "$b_note"

	bench_progress "CPU-bound work"
	bench_collect cpu bench_docker_sample "$BENCH_CPU"
	bench_row cpu "$b_a" "$b_b" "$b_note"

	[ -z "$bench_notes" ] || bench_out+="not conclusive:"$'\n'"$bench_notes"
	bench_out+="median (min-max) of $BENCH_RUNS runs of each side; a row is inconclusive when the ranges overlap or a spread is wider than $BENCH_SPREAD% of its median (of the larger median for memory and start)."$'\n'
	bench_out+="memory: ${mem_how:-not measured}, idle containers (sleep) side by side."$'\n'

	bench_deadline=$deadline
	bench_progress "gVisor platforms"
	bench_platforms

	took=$((SECONDS - started))
	bench_out+="took $took s"
	bench_json=$(printf '{"image":%s,"runtime":%s,"time_limit_s":%d,"took_s":%d,"runs":%d,"spread_limit_pct":%d,"memory_from":%s,"rows":[%s],"platforms":%s}' \
		"$(json_str "$test_image")" "$(json_str "$runtime")" "$bench_time" "$took" "$BENCH_RUNS" "$BENCH_SPREAD" \
		"$(if [ -n "$mem_how" ]; then json_str "$mem_how"; else printf null; fi)" \
		"$bench_rows_json" "${bench_platforms_json:-null}")
	return 0
}
