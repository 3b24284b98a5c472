# shellcheck shell=bash
# hersh-gvisor-check: Docker's daemon.json, as hersh-daemon-json reads it
# (show --porcelain: the shell never opens the file nor decodes JSON) and
# as Docker judges it (the library's hg_validate_facts and
# hg_last_reload_facts).  Loaded by the command; defines functions only.

# shellcheck disable=SC2034,SC2154 # variables shared with the other parts and the command

# dj_facts: the file and the checked runtime's entry:
#   dj            ok, missing, invalid, unreadable or nohelper
#   dj_err        the helper's message when invalid
#   dj_has_runtimes 1 when a "runtimes" member exists
#   dj_default    default-runtime (empty when not set)
#   dj_runtimes   the runtimes of the file (array)
#   dj_entry      1 when the runtime has an entry
#   rt_path rt_has_path rt_type rt_args (array): the entry's path (a
#                 string), runtimeType and runtimeArgs
dj_facts() {
	local out rc k v
	dj=missing dj_err='' dj_has_runtimes=0 dj_default='' dj_runtimes=() dj_entry=0
	rt_path='' rt_has_path=0 rt_type='' rt_args=()
	if [ ! -x "$HG_DJ" ]; then
		dj=nohelper
		return 0
	fi
	rc=0
	out=$("$HG_DJ" -c "$config" show --porcelain 2>/dev/null) || rc=$?
	if [ $rc -ne 0 ]; then
		out=$("$HG_DJ" -c "$config" show --porcelain 2>&1 >/dev/null) || true
		case $out in
		*"ermission denied"*) dj=unreadable ;;
		*) dj=invalid ;;
		esac
		dj_err=$(first_error "${out:-hersh-daemon-json show failed (exit $rc)}")
		return 0
	fi
	while IFS=$'\t' read -r k v; do
		hg_unescape "$v"
		case $k in
		file) [ "$HG_VAL" != present ] || dj=ok ;;
		runtimes) dj_has_runtimes=1 ;;
		default) dj_default=$HG_VAL ;;
		runtime) dj_runtimes+=("$HG_VAL") ;;
		esac
	done <<<"$out"
	[ "$dj" = ok ] || return 0
	rc=0
	out=$("$HG_DJ" -c "$config" show --porcelain "$runtime" 2>/dev/null) || rc=$?
	[ $rc -eq 0 ] || return 0
	while IFS=$'\t' read -r k v; do
		hg_unescape "$v"
		case $k in
		entry) dj_entry=1 ;;
		path) rt_path=$HG_VAL rt_has_path=1 ;;
		type) rt_type=$HG_VAL ;;
		arg) rt_args+=("$HG_VAL") ;;
		esac
	done <<<"$out"
}

# rt_facts: the entry's path as root would run it: rt_state none (no
# path), relative, missing, notexec, untrusted (rt_why says why) or ok.
rt_facts() {
	rt_state=none rt_why=''
	[ "$rt_has_path" = 1 ] && [ -n "$rt_path" ] || return 0
	if [ "${rt_path#/}" = "$rt_path" ]; then
		rt_state=relative
	elif [ ! -e "$rt_path" ]; then
		rt_state=missing
	elif [ ! -f "$rt_path" ] || [ ! -x "$rt_path" ]; then
		rt_state=notexec
	elif ! root_may_run "$rt_path"; then
		rt_state=untrusted rt_why=$trust_why
	else
		rt_state=ok
	fi
}

# verdict_facts: Docker's own word on the file: dv_status (ok, fail, warn
# or none) and dv_text.  dockerd --validate where dockerd has it; else,
# when the running dockerd reads this file, what its log says of its last
# reload.
verdict_facts() {
	local when mtime
	dv_status=none dv_text=''
	[ "$dj" = ok ] || return 0
	hg_validate_facts "$config"
	case $HG_VALIDATE in
	ok) dv_status=ok dv_text="dockerd --validate: configuration OK"; return 0 ;;
	refused)
		dv_status=fail dv_text="Docker refuses $config (dockerd --validate): $(hg_log_msg "$HG_VALIDATE_MSG")"
		return 0 ;;
	esac
	[ "$config_is_dockerds" = 1 ] || return 0
	if ! hg_last_reload_facts "$dk_pid"; then
		dv_text="dockerd's log is not readable by $ME, so Docker's own verdict is unknown"
		return 0
	fi
	[ "$HG_RELOAD" = error ] || return 0
	when=$(date -d "@${HG_RELOAD_TIME:-0}" '+%Y-%m-%d %H:%M:%S' 2>/dev/null) || when=''
	# The file's time stamp (its metadata; the file is not opened).
	mtime=$(stat -c %Y -- "$config" 2>/dev/null) || mtime=
	if [ -n "$HG_RELOAD_TIME" ] && [ -n "$mtime" ] && [ "$mtime" -gt "$HG_RELOAD_TIME" ]; then
		dv_status=warn dv_text="Docker refused this file at its last reload ($when): $HG_RELOAD_MSG; it has changed since"
	else
		dv_status=fail dv_text="Docker refused $config at its last reload${when:+ ($when)}: $HG_RELOAD_MSG"
	fi
}

# judge_daemon_json: daemon-json.valid, daemon-json.runtime and
# daemon-json.default-runtime.
judge_daemon_json() {
	case $dj in
	nohelper)
		record daemon-json.valid skip "daemon.json valid" "hersh-daemon-json not found; $config not checked" \
			"${SUDO}apt-get install --reinstall hersh-gvisor"
		record daemon-json.runtime skip "daemon.json names $runtime" "$config not checked"
		record daemon-json.default-runtime skip "daemon.json default-runtime" "$config not checked"
		return ;;
	unreadable)
		record daemon-json.valid skip "daemon.json valid" "$ME cannot read $config" "${SUDO}$PROG"
		record daemon-json.runtime skip "daemon.json names $runtime" "$config not readable"
		record daemon-json.default-runtime skip "daemon.json default-runtime" "$config not readable"
		return ;;
	invalid)
		record daemon-json.valid fail "daemon.json valid" "$dj_err" \
			"correct $config (dockerd refuses to start or reload with it), then: $fix_reload"
		record daemon-json.runtime skip "daemon.json names $runtime" "$config is not valid"
		record daemon-json.default-runtime skip "daemon.json default-runtime" "$config is not valid"
		return ;;
	missing)
		record daemon-json.valid ok "daemon.json valid" "$config does not exist (Docker's defaults)" ;;
	ok)
		case $dv_status in
		fail) record daemon-json.valid fail "daemon.json valid" "$dv_text" \
			"correct $config as Docker says, then: $fix_reload" ;;
		warn) record daemon-json.valid warn "daemon.json valid" "$dv_text" \
			"$fix_reload, then check again" ;;
		*) record daemon-json.valid ok "daemon.json valid" "$config${dv_text:+ ($dv_text)}" ;;
		esac ;;
	esac
	judge_dj_runtime
	judge_dj_default
}

judge_dj_runtime() {
	local title="daemon.json names $runtime" fix
	if [ "$dj_entry" = 0 ]; then
		if [ -n "$flag_rt_path" ]; then
			record daemon-json.runtime warn "$title" \
				"not in $config; dockerd's command line adds it (--add-runtime $runtime=$flag_rt_path)"
		else
			record daemon-json.runtime fail "$title" "$config has no runtime \"$runtime\"" "$fix_add_runtime"
		fi
		return
	fi
	case $rt_state in
	none)
		if [ -n "$rt_type" ]; then
			record daemon-json.runtime warn "$title" \
				"\"$runtime\" has runtimeType $rt_type and no path; the shim is not checked"
		else
			record daemon-json.runtime fail "$title" "runtimes.$runtime in $config has no \"path\"" "$fix_add_runtime"
		fi ;;
	relative)
		record daemon-json.runtime fail "$title" \
			"runtimes.$runtime.path \"$rt_path\" is not an absolute path" "$fix_add_runtime" ;;
	missing)
		if [ -n "$runsc_bin" ] && [ "$runsc_bin" != "$rt_path" ]; then
			fix=$fix_add_runtime
		else
			fix="$fix_install_runsc
or point the runtime at another runsc: $fix_add_runtime"
		fi
		record daemon-json.runtime fail "$title" \
			"runtimes.$runtime.path $rt_path does not exist: containers under $runtime cannot start" "$fix" ;;
	notexec)
		record daemon-json.runtime fail "$title" "runtimes.$runtime.path $rt_path is not an executable file" \
			"${SUDO}apt-get install --reinstall runsc   (or: $fix_add_runtime)" ;;
	untrusted)
		record daemon-json.runtime fail "$title" \
			"runtimes.$runtime.path $rt_path is not safe: dockerd runs it as root, and $rt_why" \
			"point the runtime at a runsc only root can change: ${SUDO}hersh-daemon-json -c $config add $runtime $runsc_default && $fix_reload" ;;
	*)
		record daemon-json.runtime ok "$title" "path $rt_path" ;;
	esac
}

# A runtime Docker knows: one of its own, one of dockerd's --add-runtime,
# one of the file.
runtime_known() {
	local r
	for r in $BUILTIN_RUNTIMES "${dj_runtimes[@]}"; do
		[ "$r" != "$1" ] || return 0
	done
	for r in "${flag_runtimes[@]}"; do
		[ "${r%%=*}" != "$1" ] || return 0
	done
	return 1
}

judge_dj_default() {
	local title="daemon.json default-runtime" fix
	if [ -z "$dj_default" ]; then
		record daemon-json.default-runtime ok "$title" "not set (Docker's default: runc)"
		return
	fi
	if ! runtime_known "$dj_default"; then
		fix="set \"default-runtime\" in $config to runc (or delete it), then: $fix_reload"
		[ "$dj_default" != "$runtime" ] || fix="$fix_add_runtime
or take the default out: edit $config, delete \"default-runtime\", then: $fix_reload"
		record daemon-json.default-runtime fail "$title" \
			"default-runtime \"$dj_default\" is not a runtime Docker knows: every container without --runtime fails" "$fix"
	elif [ "$dj_default" = "$runtime" ] && { [ "$rt_state" = missing ] || [ "$rt_state" = notexec ]; }; then
		record daemon-json.default-runtime fail "$title" \
			"default-runtime \"$dj_default\" points at the missing $rt_path: every container without --runtime fails" \
			"$fix_install_runsc"
	else
		record daemon-json.default-runtime ok "$title" "$dj_default"
	fi
}
