# shellcheck shell=bash
# hersh-gvisor-check: runsc.  Which runsc the runtime runs, its version,
# the gvisor-bin/ directory of its Sentry and helpers (gVisor issue
# 13718), the platform daemon.json asks for, and gVisor issue 10704 (the
# library's runsc and kernel rules: hg_runsc_facts, hg_kernel_affected,
# hg_runsc_platforms, hg_kvm_usable, hg_platform_probe).  Loaded by the
# command; defines functions only.

# shellcheck disable=SC2034,SC2154 # variables shared with the other parts and the command

# root_may_run PATH: root may run PATH (dockerd runs the runtime as root,
# and runsc its helpers), whoever asks: the library's trust rule for root
# (hg_trusted_for_root).  trust_why says why not.
root_may_run() {
	trust_why=''
	hg_trusted_for_root "$1" && return 0
	trust_why=$HG_WHY
	return 1
}

# runsc_facts: the runsc to check (runsc_bin: the runtime's path in
# daemon.json, else dockerd's --add-runtime one, else runsc on PATH or in
# the usual places; runsc_guess, the one a fix names) and how it stands:
#   rs_state   none, notexec, untrusted (rs_why) or ok
#   rs_version its --version line, rs_date its release date (yyyymmdd),
#              both empty when unknown
#   rs_pkg     the package it belongs to (empty when none)
#   rs_kernel_affected 1 on a kernel of gVisor issue 10704
runsc_facts() {
	local p
	runsc_bin='' rs_state=none rs_why='' rs_version='' rs_date='' rs_pkg='' rs_kernel_affected=0
	if [ "$rt_has_path" = 1 ] && [ "${rt_path#/}" != "$rt_path" ] && [ -e "$rt_path" ]; then
		runsc_bin=$rt_path
	elif [ "${flag_rt_path#/}" != "$flag_rt_path" ] && [ -e "$flag_rt_path" ]; then
		runsc_bin=$flag_rt_path
	elif [ -z "$check_root" ] && p=$(command -v runsc 2>/dev/null) && [ "${p#/}" != "$p" ]; then
		runsc_bin=$p
	else
		for p in $runsc_places; do
			if [ -e "$p" ]; then
				runsc_bin=$p
				break
			fi
		done
	fi
	runsc_guess=${runsc_bin:-$runsc_default}
	! hg_kernel_affected || rs_kernel_affected=1
	[ -n "$runsc_bin" ] || return 0
	if [ ! -f "$runsc_bin" ] || [ ! -x "$runsc_bin" ]; then
		rs_state=notexec
		return 0
	fi
	if [ "$IS_ROOT" = 1 ] && ! root_may_run "$runsc_bin"; then
		rs_state=untrusted rs_why=$trust_why
		return 0
	fi
	rs_state=ok
	HG_RUNSC=$runsc_bin
	hg_runsc_facts "$runsc_bin"
	case $HG_RUNSC_VERSION in
	"runsc version "*) rs_version=$HG_RUNSC_VERSION rs_date=$HG_RUNSC_DATE ;;
	esac
	# "PACKAGE: PATH" (not a diversion's line, not a file of several).
	while IFS= read -r p; do
		case $p in *": $runsc_bin") ;; *) continue ;; esac
		p=${p%": $runsc_bin"}
		case $p in '' | *[\ ,]*) ;; *) rs_pkg=$p; break ;; esac
	done < <(pkg_query -S -- "$runsc_bin" 2>/dev/null)
}

# judge_runsc: runsc.installed and runsc.version.
judge_runsc() {
	case $rs_state in
	none)
		record runsc.installed fail "runsc installed" \
			"runsc not found (PATH, /usr/bin, /usr/local/bin)" "$fix_install_runsc"
		record runsc.version skip "runsc version" "runsc is not installed" ;;
	notexec)
		record runsc.installed fail "runsc installed" "$runsc_bin is not an executable file" \
			"${SUDO}apt-get install --reinstall runsc"
		record runsc.version skip "runsc version" "runsc is not executable" ;;
	untrusted)
		record runsc.installed fail "runsc installed" \
			"$runsc_bin is not trusted, so it is not run: $rs_why" \
			"use a runsc only root can change: ${SUDO}apt-get install runsc, then: ${SUDO}hersh-daemon-json -c $config add $runtime $runsc_default && $fix_reload"
		record runsc.version skip "runsc version" "$runsc_bin is not trusted" ;;
	*)
		record runsc.installed ok "runsc installed" "$runsc_bin"
		if [ -n "$rs_version" ]; then
			record runsc.version ok "runsc version" "$rs_version"
		else
			record runsc.version fail "runsc version" "'$runsc_bin --version' failed: it printed no version" \
				"${SUDO}apt-get install --reinstall runsc"
		fi ;;
	esac
}

# ------------------------------------------------------------ gvisor-bin/

# gvisor_bin_facts: the gvisor-bin/ directory next to runsc (gVisor issue
# 13718: releases that run their Sentry and helpers from there, no longer
# from copies inside runsc), found as runsc finds it: next to the path it
# runs as, else next to the file a symbolic link names.
#   gb_dir        the directory (empty: none)
#   gb_label      runsc's release label (its --version)
#   gb_missing    expected files that are not executable files there:
#                 gVisor's standard set (HG_FACT_SIDECARS) and whatever
#                 runsc's package installs there
#   gb_untrusted  (root) "NAME: why" of the files root may not run
#   gb_other      "NAME (LABEL)" of the files of another release
#   gb_same       files that carry runsc's label
#   gb_nolabel    files that carry none (gVisor's C helpers): not compared
gvisor_bin_facts() {
	local d real f name labels
	gb_dir='' gb_label='' gb_missing=() gb_untrusted=() gb_other=() gb_same=() gb_nolabel=() gb_expected=()
	[ "$rs_state" = ok ] || return 0
	d=$(dirname -- "$runsc_bin")/gvisor-bin
	if [ ! -d "$d" ]; then
		real=$(readlink -f -- "$runsc_bin") || return 0
		d=$(dirname -- "$real")/gvisor-bin
		[ -d "$d" ] || return 0
	fi
	gb_dir=$d
	gb_label=${rs_version#runsc version }
	IFS=, read -r -a gb_expected <<<"$HG_FACT_SIDECARS"
	if [ -n "$rs_pkg" ]; then
		while IFS= read -r f; do
			case $f in
			"$gb_dir"/*/*) ;;
			"$gb_dir"/?*)
				name=${f#"$gb_dir"/}
				case " ${gb_expected[*]} " in *" $name "*) ;; *) gb_expected+=("$name") ;; esac ;;
			esac
		done < <(pkg_query -L "$rs_pkg" 2>/dev/null)
	fi
	for name in "${gb_expected[@]}"; do
		f=$gb_dir/$name
		[ -f "$f" ] && [ -x "$f" ] || gb_missing+=("$name")
	done
	for f in "$gb_dir"/*; do
		[ -f "$f" ] || continue
		name=${f##*/}
		if [ "$IS_ROOT" = 1 ] && ! root_may_run "$f"; then
			gb_untrusted+=("$name: $trust_why")
			continue
		fi
		[ -n "$gb_label" ] || continue
		# The label is a string in the file (Go's build stamp), packed
		# among others: looked for as bytes, never run.
		if timeout 20 grep -aqF -e "$gb_label" -- "$f" 2>/dev/null; then
			gb_same+=("$name")
			continue
		fi
		labels=$(timeout 20 grep -aoE 'release-[0-9]{8}\.[0-9]+' -- "$f" 2>/dev/null | sort -u | head -n 3 | tr '\n' ' ')
		labels=${labels% }
		if [ -n "$labels" ]; then
			gb_other+=("$name (${labels// /, })")
		else
			gb_nolabel+=("$name")
		fi
	done
}

# judge_gvisor_bin: runsc.gvisor-bin.
judge_gvisor_bin() {
	local title="runsc's gvisor-bin/" fix detail
	if [ "$rs_state" != ok ]; then
		record runsc.gvisor-bin skip "$title" "runsc is not usable (see above)"
		return
	fi
	if [ -z "$gb_dir" ]; then
		record runsc.gvisor-bin skip "$title" \
			"no gvisor-bin/ next to $runsc_bin (this runsc runs its Sentry and helpers from itself)"
		return
	fi
	if [ -n "$rs_pkg" ]; then
		fix="${SUDO}apt-get install --reinstall $rs_pkg   (runsc and gvisor-bin/ come from one package)"
	else
		fix="put runsc and gvisor-bin/ of one gVisor release in $(dirname -- "$runsc_bin") (gVisor's release archive holds both)"
	fi
	if [ ${#gb_untrusted[@]} -gt 0 ]; then
		detail=$(printf '%s; ' "${gb_untrusted[@]}")
		record runsc.gvisor-bin fail "$title" \
			"runsc runs these as root, and they are not trusted: ${detail%; }" \
			"make $gb_dir and its files root's alone (${SUDO}chown -R root: $gb_dir && ${SUDO}chmod -R go-w $gb_dir), or: $fix"
		return
	fi
	if [ ${#gb_missing[@]} -gt 0 ]; then
		record runsc.gvisor-bin fail "$title" \
			"$gb_dir lacks ${gb_missing[*]}: $runsc_bin runs its Sentry and helpers from there" "$fix"
		return
	fi
	if [ ${#gb_other[@]} -gt 0 ]; then
		record runsc.gvisor-bin fail "$title" \
			"$gb_dir holds files of another release than runsc ($gb_label): ${gb_other[*]}" "$fix"
		return
	fi
	detail="$gb_dir: ${#gb_same[@]} files of runsc's release ${gb_label:-(unknown)}"
	[ ${#gb_nolabel[@]} -eq 0 ] || detail+="; without a release label to compare: ${gb_nolabel[*]}"
	record runsc.gvisor-bin ok "$title" "$detail"
}

# ---------------------------------------------------------- the platform

# platform_facts: the platform daemon.json gives runsc (rt_platform, from
# --platform in the runtime's runtimeArgs) and whether it works here:
#   pf_state   none (not set), norunsc, unknown (this runsc lacks it:
#              pf_offers lists what it has), fail (pf_why), unprobed (a
#              user cannot start a sandbox), ok
#   platform_blocks 1 when a container under it would hang or fail
platform_facts() {
	local i a
	rt_platform='' pf_state=none pf_why='' pf_offers='' platform_blocks=0
	for ((i = 0; i < ${#rt_args[@]}; i++)); do
		a=${rt_args[i]}
		case $a in
		--platform=* | -platform=*) rt_platform=${a#*=} ;;
		--platform | -platform) rt_platform=${rt_args[i + 1]:-} ;;
		esac
	done
	[ -n "$rt_platform" ] || return 0
	if [ "$rs_state" != ok ]; then
		pf_state=norunsc
		return 0
	fi
	hg_runsc_platforms || true
	pf_offers=$HG_RUNSC_PLATFORMS
	case " $pf_offers " in
	*" $rt_platform "*) ;;
	*)
		pf_state=unknown platform_blocks=1
		return 0 ;;
	esac
	if [ "$rt_platform" = kvm ] && ! hg_kvm_usable; then
		pf_state=fail pf_why=$HG_WHY platform_blocks=1
		return 0
	fi
	if [ "$IS_ROOT" != 1 ]; then
		pf_state=unprobed
		return 0
	fi
	check_progress "starting a sandbox under runsc's platform $rt_platform (at most $HG_PROBE_SECONDS s)..."
	if hg_platform_probe "$rt_platform" "$HG_PROBE_SECONDS"; then
		pf_state=ok
	else
		pf_state=fail pf_why=$HG_WHY platform_blocks=1
	fi
}

# judge_platform: runsc.platform.
judge_platform() {
	local title="runsc platform" a rest="" fix prev=""
	case $pf_state in
	none)
		record runsc.platform ok "$title" "runsc's default (the runtime's runtimeArgs set no --platform)"
		return ;;
	norunsc)
		record runsc.platform skip "$title" "--platform=$rt_platform: runsc is not usable (see above)"
		return ;;
	unprobed)
		record runsc.platform skip "$title" \
			"--platform=$rt_platform: not probed: only root can start a sandbox with runsc directly" "${SUDO}$PROG"
		return ;;
	ok)
		record runsc.platform ok "$title" \
			"--platform=$rt_platform: a sandbox starts under it on this host (runsc do, within $HG_PROBE_SECONDS s)"
		return ;;
	esac
	# The runtime's arguments without the platform, for the fix.
	for a in "${rt_args[@]}"; do
		case $prev in --platform | -platform) prev=$a; continue ;; esac
		prev=$a
		case $a in
		--platform=* | -platform=* | --platform | -platform) ;;
		*) rest+=" --runtime-arg $a" ;;
		esac
	done
	[ -n "$rest" ] || rest=" --no-runtime-args"
	fix="take the flag out: ${SUDO}dpkg-reconfigure hersh-gvisor   (platform: empty, runsc's own default, or one that works here)
or: ${SUDO}hersh-daemon-json -c $config add $runtime ${rt_path:-$runsc_guess}$rest && $fix_reload"
	if [ "$pf_state" = unknown ]; then
		record runsc.platform fail "$title" \
			"--platform=$rt_platform: ${rs_version:-this runsc} offers ${pf_offers:-no known platform}, not $rt_platform: containers under $runtime fail" "$fix"
	else
		record runsc.platform fail "$title" \
			"--platform=$rt_platform no longer works on this host: $pf_why" "$fix"
	fi
}

# ---------------------------------------------------- gVisor issue 10704

# judge_pitfall: pitfall.network-10704: runsc releases before
# HG_FACT_RUNSC_FIXED cannot set up sandbox networking on Linux
# HG_FACT_KERNEL_AFFECTED and later.  pitfall_blocks is 1 when a container
# under the runtime cannot start for it.
judge_pitfall() {
	local title="runsc networking on this kernel" upgrade netnone=0 a
	pitfall_blocks=0
	if [ -z "$rs_date" ]; then
		record pitfall.network-10704 skip "$title" "runsc version date unknown"
		return
	fi
	if [ "$rs_kernel_affected" = 0 ] || [ "$rs_date" -ge "$HG_FACT_RUNSC_FIXED" ]; then
		record pitfall.network-10704 ok "$title" \
			"runsc $rs_date on Linux $HG_KERNEL: not affected by gVisor issue 10704"
		return
	fi
	# --network=none as the running Docker has it, else as the file says.
	if [ -n "$dk_rt_line" ]; then
		case " $dk_rt_line " in *" --network=none "*) netnone=1 ;; esac
	else
		for a in "${rt_args[@]}"; do
			[ "$a" != --network=none ] || netnone=1
		done
	fi
	upgrade="upgrade runsc from the gVisor repository: ${SUDO}apt-get update && ${SUDO}apt-get install runsc"
	[ "$ap_nsources" -gt 0 ] ||
		upgrade="upgrade runsc from the gVisor repository: $fix_gvisor_source && ${SUDO}apt-get install runsc"
	if [ "$netnone" = 1 ]; then
		record pitfall.network-10704 warn "$title" \
			"runsc $rs_date on Linux $HG_KERNEL cannot use sandbox networking (gVisor issue 10704); the runtime passes --network=none, so containers under $runtime have no network" \
			"$upgrade"
	else
		pitfall_blocks=1
		record pitfall.network-10704 fail "$title" \
			"runsc $rs_date on Linux $HG_KERNEL cannot use sandbox networking (gVisor issue 10704): containers fail to start under $runtime unless it passes --network=none" \
			"$upgrade
or run without sandbox networking: ${SUDO}hersh-daemon-json -c $config add $runtime $runsc_guess --runtime-arg --network=none && $fix_reload"
	fi
}
