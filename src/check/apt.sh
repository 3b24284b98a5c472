# shellcheck shell=bash
# hersh-gvisor-check: apt.  The gVisor source(s), the signing key and its
# expiry, the pin, and where the runsc package comes from: what
# hersh-apt-source show says (the library's hg_apt_facts; its records are
# porcelain, hersh-apt-source(8)), and apt-cache policy.  Loaded by the
# command; defines functions only.

# shellcheck disable=SC2034,SC2154 # variables shared with the other parts and the command

# A key that expires within this many days is a warning.
KEY_EXPIRY_WARN_DAYS=90

# apt_facts: what hersh-apt-source show says:
#   ap_state      ok, nohelper or failed (ap_err)
#   ap_nsources   how many gVisor sources; ap_src_desc, their description;
#                 ap_signers, their Signed-By values (space-separated);
#                 ap_uris, their URIs
#   ap_uri ap_fpr the repository and fingerprint as APT's settings say
#   ap_key_url    the Key-URL setting (empty: the key shipped with the package)
#   ap_kr_path ap_kr_state ap_kr_fpr ap_kr_expires   the keyring record
#   ap_pin_path ap_pin_state ap_pin_by               the pin record
#   ap_shared     "FILE (URI)" of each other source the pin also hits
#   ap_now        seconds since the epoch, for the key's expiry
# and the package's answers: ap_want_source, ap_want_pin (debconf), and
# ap_installed (1 when hersh-gvisor is installed).
apt_facts() {
	local k a b c d e _f
	ap_state=ok ap_err='' ap_nsources=0 ap_src_desc='' ap_signers='' ap_uris=()
	ap_uri=$HG_FACT_URI ap_fpr=$HG_FACT_FINGERPRINT ap_key_url=''
	ap_kr_path='' ap_kr_state='' ap_kr_fpr='' ap_kr_expires=''
	ap_pin_path='' ap_pin_state='' ap_pin_by='' ap_shared=()
	ap_now=$(date +%s)
	ap_want_source=$(debconf_value hersh-gvisor/apt-source)
	ap_want_pin=$(debconf_value hersh-gvisor/apt-pin)
	ap_installed=0
	case $(pkg_query -W -f '${Status}' hersh-gvisor 2>/dev/null) in
	*" installed") ap_installed=1 ;;
	esac
	if [ ! -x "$HG_AS" ]; then
		ap_state=nohelper
		return 0
	fi
	if ! hg_apt_facts; then
		ap_state=failed
		ap_err=$(first_error "$("$HG_AS" show 2>&1 >/dev/null)")
		return 0
	fi
	[ -z "$HG_SET_URI" ] || ap_uri=$HG_SET_URI
	[ -z "$HG_SET_FPR" ] || ap_fpr=$HG_SET_FPR
	ap_key_url=$HG_SET_KEY_URL
	ap_fpr=${ap_fpr// /}
	ap_fpr=${ap_fpr^^}
	while IFS=$'\t' read -r k a b c d e _f; do
		case $k in
		source)
			hg_unescape "$a"; a=$HG_VAL
			hg_unescape "$c"; c=$HG_VAL
			hg_unescape "$e"; e=$HG_VAL
			ap_nsources=$((ap_nsources + 1))
			ap_uris+=("$c")
			ap_src_desc+="${ap_src_desc:+; }$a ($b, $c $d, signed-by $e)"
			case " $ap_signers " in *" $e "*) ;; *) ap_signers+="${ap_signers:+ }$e" ;; esac ;;
		keyring)
			hg_unescape "$a"
			ap_kr_path=$HG_VAL ap_kr_state=$b ap_kr_fpr=$c ap_kr_expires=$d ;;
		pin)
			hg_unescape "$a"
			ap_pin_path=$HG_VAL ap_pin_state=$b ap_pin_by=$c ;;
		pin-shared)
			hg_unescape "$a"; a=$HG_VAL
			hg_unescape "$b"
			ap_shared+=("$a ($HG_VAL)") ;;
		esac
	done <<<"$HG_APT_SHOW"
	[ "$ap_kr_fpr" != - ] || ap_kr_fpr=''
}

# debconf_value QUESTION: the package's answer (nothing when unknown, and
# under a test root, whose debconf database is not the host's).
debconf_value() {
	[ -z "$check_root" ] || return 0
	command -v debconf-show >/dev/null 2>&1 || return 0
	debconf-show hersh-gvisor 2>/dev/null | sed -n "s|^[* ] $1: ||p" | head -n 1
}

# pkg_query ARGS...: dpkg-query on this host's package database (the test
# root's, under HERSH_GVISOR_CHECK_ROOT).
pkg_query() {
	dpkg-query ${check_root:+"--admindir=$check_root/var/lib/dpkg"} "$@"
}

# judge_apt_source: apt.source.
judge_apt_source() {
	local title="gVisor apt source"
	case $ap_state in
	nohelper)
		record apt.source skip "$title" "hersh-apt-source not found; apt's sources not checked" \
			"${SUDO}apt-get install --reinstall hersh-gvisor"
		return ;;
	failed)
		record apt.source warn "$title" "hersh-apt-source show failed: ${ap_err:-no reason given}"
		return ;;
	esac
	if [ "$ap_nsources" -gt 1 ] && [ "$(wc -w <<<"$ap_signers")" -gt 1 ]; then
		record apt.source fail "$title" \
			"$ap_nsources entries with different Signed-By ($ap_signers) make every apt command fail: $ap_src_desc" \
			"keep one entry: delete the others from the files named, then ${SUDO}apt-get update"
	elif [ "$ap_nsources" -ge 1 ]; then
		record apt.source ok "$title" "$ap_src_desc"
	elif [ "$ap_want_source" = false ]; then
		record apt.source warn "$title" \
			"none (disabled: hersh-gvisor/apt-source is false); runsc gets no updates from gVisor"
	elif [ "$ap_installed" = 1 ]; then
		record apt.source fail "$title" \
			"no gVisor source in apt's sources, although hersh-gvisor/apt-source is enabled (the key could not be installed?)" \
			"${SUDO}dpkg-reconfigure hersh-gvisor   (or: $fix_gvisor_source)"
	else
		record apt.source warn "$title" \
			"no gVisor source in apt's sources ($ap_uri); runsc gets no updates from gVisor" \
			"$fix_gvisor_source"
	fi
}

# judge_apt_keyring: apt.keyring.
judge_apt_keyring() {
	local title="gVisor signing key" path=${ap_kr_path:-$HG_FACT_KEYRING}
	case $ap_state in
	nohelper) record apt.keyring skip "$title" "hersh-apt-source not found; the keyring is not checked"; return ;;
	failed) record apt.keyring skip "$title" "hersh-apt-source show failed"; return ;;
	esac
	case $ap_kr_state in
	ok)
		record apt.keyring ok "$title" "$path, fingerprint ${ap_kr_fpr:-$ap_fpr}" ;;
	mismatch)
		record apt.keyring fail "$title" \
			"$path holds ${ap_kr_fpr:-another key}, not the gVisor key $ap_fpr (or more than that key)" \
			"${SUDO}hersh-apt-source install-key   (when it refuses the file, move it away first)" ;;
	expired | revoked)
		record apt.keyring fail "$title" \
			"$path: the key $ap_fpr is $ap_kr_state: apt-get update refuses the gVisor source" \
			"$(key_refresh_fix)" ;;
	missing)
		if [ "$ap_nsources" -ge 1 ]; then
			record apt.keyring fail "$title" \
				"$path is missing: apt-get update fails for the gVisor source" \
				"${SUDO}hersh-apt-source install-key"
		else
			record apt.keyring skip "$title" "$path not installed (no gVisor source either)"
		fi ;;
	"")
		record apt.keyring skip "$title" "hersh-apt-source reports no keyring" ;;
	*)
		record apt.keyring warn "$title" "$path: $ap_kr_state" "${SUDO}hersh-apt-source install-key" ;;
	esac
}

# key_refresh_fix: how to put a current key in place.
key_refresh_fix() {
	if [ -n "$ap_key_url" ]; then
		printf '%s\n' "${SUDO}hersh-apt-source install-key   (fetches the key again from $ap_key_url)"
	else
		printf '%s\n' "${SUDO}apt update && ${SUDO}apt upgrade   (a hersh-gvisor shipping gVisor's renewed key), then: ${SUDO}hersh-apt-source install-key"
	fi
}

# judge_key_expiry: apt.key-expiry: the key in use expires within
# KEY_EXPIRY_WARN_DAYS days (a warning) or has expired (a failure).
judge_key_expiry() {
	local title="gVisor signing key expiry" path=${ap_kr_path:-$HG_FACT_KEYRING} days when
	case $ap_state in
	nohelper | failed) record apt.key-expiry skip "$title" "the keyring is not checked"; return ;;
	esac
	case $ap_kr_expires in
	never)
		record apt.key-expiry ok "$title" "the key in $path does not expire" ;;
	'' | - | *[!0-9]*)
		record apt.key-expiry skip "$title" "not known (keyring: ${ap_kr_state:-not reported})" ;;
	*)
		when=$(date -u -d "@$ap_kr_expires" '+%Y-%m-%d' 2>/dev/null) || when="@$ap_kr_expires"
		days=$(((ap_kr_expires - ap_now) / 86400))
		if [ "$ap_kr_expires" -le "$ap_now" ]; then
			record apt.key-expiry fail "$title" \
				"the key in $path expired on $when: apt-get update refuses the gVisor source" "$(key_refresh_fix)"
		elif [ "$days" -lt "$KEY_EXPIRY_WARN_DAYS" ]; then
			record apt.key-expiry warn "$title" \
				"the key in $path expires on $when, in $days days: apt-get update then refuses the gVisor source" \
				"$(key_refresh_fix)"
		else
			record apt.key-expiry ok "$title" "the key in $path expires on $when, in $days days"
		fi ;;
	esac
}

# judge_apt_pin: apt.pin: the pin that confines the gVisor repository to
# runsc, and the sources it also hits.
judge_apt_pin() {
	local title="gVisor pin" shared
	case $ap_state in
	nohelper | failed) record apt.pin skip "$title" "the pin is not checked"; return ;;
	esac
	if [ "$ap_nsources" -eq 0 ]; then
		record apt.pin skip "$title" "no gVisor source"
		return
	fi
	if [ ${#ap_shared[@]} -gt 0 ]; then
		shared=$(printf '%s; ' "${ap_shared[@]}")
		record apt.pin warn "$title" \
			"$ap_pin_path (${ap_pin_by:--}) also matches ${shared%; }: every package from there but runsc gets priority -1 and is never installed or upgraded" \
			"${SUDO}dpkg-reconfigure hersh-gvisor   (writes the pin again for the sources configured now)"
		return
	fi
	case $ap_pin_state in
	ok)
		record apt.pin ok "$title" "$ap_pin_path (${ap_pin_by:--}): only runsc comes from the gVisor repository" ;;
	shared)
		record apt.pin warn "$title" \
			"$ap_pin_path: the gVisor repository shares its site and suite with another source, so the pin cannot keep the repository's other packages out" \
			"give the gVisor repository a site of its own (its own host name), then: ${SUDO}dpkg-reconfigure hersh-gvisor" ;;
	changed)
		record apt.pin warn "$title" "$ap_pin_path was changed since hersh-gvisor wrote it (kept as it is)" ;;
	foreign)
		record apt.pin ok "$title" "$ap_pin_path (not written by hersh-gvisor)" ;;
	missing)
		if [ "$ap_want_pin" = false ]; then
			record apt.pin warn "$title" \
				"none (hersh-gvisor/apt-pin is false): any package of the gVisor repository can be installed, not only runsc" \
				"${SUDO}dpkg-reconfigure hersh-gvisor   (apt-pin: yes)"
		else
			record apt.pin warn "$title" \
				"none: any package of the gVisor repository can be installed, not only runsc" \
				"${SUDO}dpkg-reconfigure hersh-gvisor"
		fi ;;
	*)
		record apt.pin skip "$title" "hersh-apt-source reports no pin" ;;
	esac
}

# apt_runsc_facts: the runsc package (ar_inst, its version, empty when not
# installed) and apt's candidate (ar_cand) with its origin line when that
# is a gVisor source (ar_origin); ar_policy 0 when apt-cache policy failed.
apt_runsc_facts() {
	local inst policy line ver in_cand=0
	ar_inst='' ar_cand='' ar_origin='' ar_policy=1
	if ! inst=$(pkg_query -W -f '${Status} ${Version}' runsc 2>/dev/null) ||
		[ "${inst% *}" != "install ok installed" ]; then
		return 0
	fi
	ar_inst=${inst##* }
	if ! command -v apt-cache >/dev/null 2>&1 || ! policy=$(LC_ALL=C apt-cache ${check_root:+-o "Dir=$check_root/"} policy runsc 2>/dev/null); then
		ar_policy=0
		return 0
	fi
	ar_cand=$(printf '%s\n' "$policy" | sed -n 's/^ *Candidate: *//p' | head -n 1)
	# The candidate's origins: the lines under its entry in the version table.
	while IFS= read -r line; do
		case $line in
		' *** '* | '     '[!\ ]*)
			ver=${line#' *** '}
			ver=${ver#"${ver%%[! ]*}"}
			ver=${ver%% *}
			in_cand=0
			[ "$ver" != "$ar_cand" ] || in_cand=1 ;;
		'        '*)
			[ "$in_cand" = 0 ] || ! is_gvisor_origin "$line" || ar_origin=$line ;;
		esac
	done <<<"$policy"
}

# is_gvisor_origin LINE: an apt-cache policy origin line from a gVisor
# source (the configured URI or one of the sources found).
is_gvisor_origin() {
	local u
	for u in "$ap_uri" "${ap_uris[@]}"; do
		u=${u%/}
		[ -n "$u" ] || continue
		case " $1 " in *" $u "* | *" $u/ "*) return 0 ;; esac
		# apt shows file:///PATH as file:/PATH.
		case $u in file://*) case " $1 " in *" file:${u#file://} "*) return 0 ;; esac ;; esac
	done
	return 1
}

# judge_apt_runsc: apt.runsc: Debian's runsc while the gVisor repository
# offers its own.
judge_apt_runsc() {
	local title="runsc package" upgrade newer=0
	if [ -z "$ar_inst" ]; then
		record apt.runsc skip "$title" "runsc is not installed as a Debian package"
		return
	fi
	if [ "$ar_policy" = 0 ]; then
		record apt.runsc skip "$title" "runsc $ar_inst (apt-cache policy runsc failed)"
		return
	fi
	if [ -n "$ar_origin" ] && [ "$ar_cand" != "$ar_inst" ] && dpkg --compare-versions "$ar_cand" gt "$ar_inst"; then
		newer=1
	fi
	upgrade="${SUDO}apt-get install runsc   (or with the rest: ${SUDO}apt update && ${SUDO}apt upgrade)"
	case $ar_inst in
	0.0~*)
		if [ "$newer" = 1 ]; then
			record apt.runsc warn "$title" "runsc $ar_inst is Debian's build; the gVisor repository has $ar_cand" "$upgrade"
		elif [ "$ap_nsources" -gt 0 ]; then
			record apt.runsc warn "$title" \
				"runsc $ar_inst is Debian's build; apt knows no newer runsc from the gVisor repository" \
				"${SUDO}apt-get update && $upgrade"
		else
			record apt.runsc ok "$title" "runsc $ar_inst is Debian's build (no gVisor source configured)"
		fi ;;
	*)
		if [ "$newer" = 1 ]; then
			record apt.runsc ok "$title" "runsc $ar_inst; $ar_cand is available from the gVisor repository"
		else
			record apt.runsc ok "$title" "runsc $ar_inst"
		fi ;;
	esac
}
