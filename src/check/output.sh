# shellcheck shell=bash
# hersh-gvisor-check: results and how they are printed (one line a check,
# the fix under a failure, or one JSON object with --json).  Loaded by the
# command; defines functions only.
#
# Reads: opt_json, opt_quiet, opt_bench, runtime, config, test_image,
# bench_json, check_notes, HG_FACT_VERSION.  Writes: r_* (the results, in
# order), failed.

# shellcheck disable=SC2034,SC2154 # variables shared with the other parts and the command

PROG=hersh-gvisor-check

# output_init: no result yet; marks and colour for this output (a terminal
# gets UTF-8 marks when its character set is UTF-8, and colour unless
# NO_COLOR is set or TERM is dumb).
output_init() {
	r_id=() r_status=() r_title=() r_detail=() r_fix=()
	failed=0
	check_notes=()
	out_utf8=0
	out_color=0
	if [ -t 1 ] && [ "$opt_json" = 0 ]; then
		case $(locale charmap 2>/dev/null) in UTF-8 | utf8 | UTF8) out_utf8=1 ;; esac
		if [ -z "${NO_COLOR:-}" ] && [ "${TERM:-dumb}" != dumb ]; then
			out_color=1
		fi
	fi
}

# json_str STRING: STRING as a JSON string literal (control characters
# escaped; bytes that are not valid UTF-8 dropped, so the document always
# parses).
json_str() {
	local s=$1 out="" c i LC_ALL=C
	if [[ $s == *[$'\x80'-$'\xff']* ]]; then
		s=$(printf '%s' "$s" | iconv -c -f UTF-8 -t UTF-8 2>/dev/null)
	fi
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	s=${s//$'\r'/\\r}
	if [[ $s == *[$'\x01'-$'\x1f'$'\x7f']* ]]; then
		for ((i = 0; i < ${#s}; i++)); do
			c=${s:i:1}
			case $c in
			[$'\x01'-$'\x1f'$'\x7f']) out+=$(printf '\\u%04x' "'$c") ;;
			*) out+=$c ;;
			esac
		done
		s=$out
	fi
	printf '"%s"' "$s"
}

# record ID STATUS TITLE DETAIL [FIX]: one check's result; STATUS is ok,
# fail, warn or skip.  Printed at once unless --json (or --quiet and not a
# failure).
record() {
	local id=$1 st=$2 title=$3 detail=$4 fix=${5:-}
	r_id+=("$id") r_status+=("$st") r_title+=("$title") r_detail+=("$detail") r_fix+=("$fix")
	[ "$st" != fail ] || failed=1
	[ "$opt_json" = 0 ] || return 0
	[ "$opt_quiet" = 0 ] || [ "$st" = fail ] || return 0
	print_line "$st" "$title" "$detail" "$fix"
}

# result_of ID: the status of check ID recorded so far (nothing when none).
result_of() {
	local i
	for ((i = 0; i < ${#r_id[@]}; i++)); do
		if [ "${r_id[i]}" = "$1" ]; then
			printf '%s\n' "${r_status[i]}"
			return 0
		fi
	done
	return 1
}

print_line() {
	local st=$1 title=$2 detail=$3 fix=$4 sym col="" off="" line lead="fix:"
	if [ "$out_utf8" = 1 ]; then
		case $st in ok) sym="✓" ;; fail) sym="✗" ;; warn) sym="!" ;; *) sym="-" ;; esac
	else
		case $st in ok) sym="[ok]  " ;; fail) sym="[FAIL]" ;; warn) sym="[warn]" ;; *) sym="[skip]" ;; esac
	fi
	if [ "$out_color" = 1 ]; then
		case $st in ok) col=$'\e[32m' ;; fail) col=$'\e[1;31m' ;; warn) col=$'\e[33m' ;; *) col=$'\e[2m' ;; esac
		off=$'\e[0m'
	fi
	printf '%s%s%s %s: %s\n' "$col" "$sym" "$off" "$title" "$detail"
	[ -n "$fix" ] || return 0
	while IFS= read -r line; do
		printf '       %s %s\n' "$lead" "$line"
		lead="    "
	done <<<"$fix"
}

# check_note TEXT: a note about how the check runs (a setting it ignored),
# on standard error at once, and in --json's "notes".
check_note() {
	check_notes+=("$1")
	printf '%s: note: %s\n' "$PROG" "$1" >&2
}

# check_progress TEXT: a progress line, on standard error when that is a
# terminal (nothing otherwise).
check_progress() {
	[ -t 2 ] || return 0
	printf '%s: %s\n' "$PROG" "$1" >&2
}

# first_error TEXT: the first line of TEXT that is not empty, without
# docker's "docker: Error response from daemon: ".
first_error() {
	local l
	while IFS= read -r l; do
		[ -n "$l" ] || continue
		l=${l#docker: }
		l=${l#Error response from daemon: }
		printf '%s\n' "$l"
		return
	done <<<"$1"
}

print_json() {
	local i n=${#r_id[@]} ok=true sep=""
	[ "$failed" = 0 ] || ok=false
	printf '{"version":%s,"ok":%s,"runtime":%s,"config":%s,"image":' \
		"$(json_str "$HG_FACT_VERSION")" "$ok" "$(json_str "$runtime")" "$(json_str "$config")"
	if [ -n "$test_image" ]; then json_str "$test_image"; else printf null; fi
	printf ',"checks":['
	for ((i = 0; i < n; i++)); do
		printf '%s{"id":%s,"status":%s,"title":%s,"detail":%s,"fix":' "$sep" \
			"$(json_str "${r_id[i]}")" "$(json_str "${r_status[i]}")" \
			"$(json_str "${r_title[i]}")" "$(json_str "${r_detail[i]}")"
		if [ -n "${r_fix[i]}" ]; then json_str "${r_fix[i]}"; else printf null; fi
		printf '}'
		sep=,
	done
	printf '],"notes":['
	sep=""
	for ((i = 0; i < ${#check_notes[@]}; i++)); do
		printf '%s%s' "$sep" "$(json_str "${check_notes[i]}")"
		sep=,
	done
	printf ']'
	[ "$opt_bench" = 0 ] || printf ',"bench":%s' "${bench_json:-null}"
	printf '}\n'
}

# print_text: what follows the check lines: the benchmark's table, then
# the verdict (unless --quiet).
print_text() {
	[ -z "$bench_out" ] || printf '\n%s\n' "$bench_out"
	[ "$opt_quiet" = 0 ] || return 0
	if [ "$failed" = 1 ]; then
		printf '\n%s: some checks failed; run the fix under each, then check again.\n' "$PROG"
	else
		printf '\n%s: Docker can run containers under %s.\n' "$PROG" "$runtime"
	fi
}
