# shellcheck shell=bash
# hersh-gvisor-check: Hersh's container contract under the runtime: a
# container with exactly --read-only, --security-opt
# no-new-privileges:true, --network none and one volume at /state,
# checked from inside.  Loaded by the command; defines functions only.

# shellcheck disable=SC2034,SC2154 # variables shared with the other parts and the command

# Run inside the contract's container: one "key value" line per finding.
# shellcheck disable=SC2016 # runs in the container's sh
CONTRACT_SCRIPT='p=/.hersh-gvisor-check-probe
if e=$( (echo x >"$p") 2>&1); then echo "root-write succeeded"; rm -f "$p"; else echo "root-write ${e##*: }"; fi
p=/state/.hersh-gvisor-check-probe
if e=$( (echo x >"$p") 2>&1); then echo "state-write succeeded"; rm -f "$p"; else echo "state-write ${e##*: }"; fi
while read -r dev mp fs opts rest; do
	[ "$mp" = /state ] && echo "state-mount $fs"
done </proc/mounts
while read -r k v; do [ "$k" = NoNewPrivs: ] && echo "nnp-status $v"; done </proc/self/status
if command -v setpriv >/dev/null 2>&1; then
	setpriv -d 2>/dev/null | while read -r k v; do [ "$k" = no_new_privs: ] && echo "nnp-prctl $v"; done
fi
if [ -r /proc/net/dev ]; then
	while IFS= read -r l; do case $l in *:*) n=${l%%:*}; echo "netif ${n##* }" ;; esac; done </proc/net/dev
else
	for d in /sys/class/net/*; do [ -e "$d" ] && echo "netif ${d##*/}"; done
fi
if command -v dmesg >/dev/null 2>&1; then
	dmesg 2>&1 | while IFS= read -r l; do echo "dmesg $l"; done
else
	echo "dmesg-missing"
fi
echo end'

CONTRACT_IDS="contract.read-only-root contract.state-volume contract.no-new-privileges contract.network-none contract.gvisor"
CONTRACT_TITLES=("read-only root filesystem" "one read-write volume at /state" "no new privileges" "no network" "runs under gVisor")
# What a test may leave out of the contract's container (contract_drop).
CONTRACT_DROPPABLE="read-only no-new-privileges network volume runtime"

contract_skip_all() {
	local i=0 id
	for id in $CONTRACT_IDS; do
		record "$id" skip "contract: ${CONTRACT_TITLES[i]}" "$1"
		i=$((i + 1))
	done
}

dropped() {
	case " $contract_drop " in *" $1 "*) return 0 ;; esac
	return 1
}

# check_contract: the contract container, run and judged.
check_contract() {
	local vol="$LABEL-$RUN_ID-state" out rc=0
	local -a opts=()
	if [ "$hello_ok" != 1 ]; then
		contract_skip_all "the test container does not run under $runtime (see above)"
		return
	fi
	ct_rt=$runtime
	dropped read-only || opts+=(--read-only)
	dropped no-new-privileges || opts+=(--security-opt no-new-privileges:true)
	dropped network || opts+=(--network none)
	if ! dropped volume; then
		made_in_docker=1
		if ! out=$(hg_docker volume create --label "$LABEL=$RUN_ID" "$vol" 2>&1); then
			contract_skip_all "docker volume create failed: $(first_error "$out")"
			return
		fi
		opts+=(-v "$vol:/state")
	fi
	! dropped runtime || ct_rt=""
	ct_out=$(check_docker_run 120 "$ct_rt" "${opts[@]}" "$test_image" sh -c "$CONTRACT_SCRIPT" 2>&1) || rc=$?
	ct_rc=$rc
	dropped volume || hg_docker volume rm "$vol" >/dev/null 2>&1
	ct_how="docker run --rm -it${ct_rt:+ --runtime=$ct_rt} ${opts[*]} $test_image"
	ct_how=${ct_how//"$vol"/VOLUME}
	judge_contract
}

# judge_contract: the contract's five records from what its container
# printed (ct_out), its status (ct_rc), how it ran (ct_how) and under
# which runtime (ct_rt, empty: Docker's default).
judge_contract() {
	local out=$ct_out line k v
	if ! printf '%s\n' "$out" | grep -qx end; then
		[ "$ct_rc" -ne 124 ] || out="no answer within 120 s"
		contract_skip_all "the contract container failed (exit $ct_rc): $(first_error "$out")"
		return
	fi
	local root_w="" state_w="" state_m="" nnp_s="" nnp_p="" netifs="" dmesg="" dmesg_missing=0
	while IFS= read -r line; do
		k=${line%% *} v=${line#* }
		case $k in
		root-write) root_w=$v ;;
		state-write) state_w=$v ;;
		state-mount) state_m=$v ;;
		nnp-status) nnp_s=$v ;;
		nnp-prctl) nnp_p=$v ;;
		netif) netifs+="${netifs:+ }$v" ;;
		dmesg) dmesg+="$v"$'\n' ;;
		dmesg-missing) dmesg_missing=1 ;;
		esac
	done <<<"$out"
	local fix_rt="run by hand to see it: $ct_how sh
then upgrade runsc: ${SUDO}apt-get update && ${SUDO}apt-get install runsc"

	case $root_w in
	"Read-only file system")
		record contract.read-only-root ok "contract: read-only root filesystem" "writing to / fails: Read-only file system" ;;
	succeeded)
		record contract.read-only-root fail "contract: read-only root filesystem" \
			"writing to / succeeded ($ct_how)" "$fix_rt" ;;
	*)
		record contract.read-only-root fail "contract: read-only root filesystem" \
			"writing to / failed, but not because it is read-only: ${root_w:-no answer}" "$fix_rt" ;;
	esac

	if [ "$state_w" = succeeded ] && [ -n "$state_m" ]; then
		record contract.state-volume ok "contract: one read-write volume at /state" \
			"writing to /state succeeds (mount type $state_m)"
	elif [ "$state_w" = succeeded ]; then
		record contract.state-volume fail "contract: one read-write volume at /state" \
			"/state is writable but not a volume: it is part of the root filesystem" "$fix_rt"
	else
		record contract.state-volume fail "contract: one read-write volume at /state" \
			"writing to /state fails: ${state_w:-no answer}${state_m:+ (mount type $state_m)}" "$fix_rt"
	fi

	local nnp=${nnp_s:-$nnp_p} nnp_src="NoNewPrivs in /proc/self/status"
	[ -n "$nnp_s" ] || nnp_src="setpriv -d (gVisor's /proc/self/status has no NoNewPrivs line)"
	case $nnp in
	1) record contract.no-new-privileges ok "contract: no new privileges" "no_new_privs is 1 ($nnp_src)" ;;
	"") record contract.no-new-privileges skip "contract: no new privileges" \
		"not verifiable in $test_image: no NoNewPrivs in /proc/self/status and no setpriv" \
		"$PROG --image IMAGE   (an image with setpriv: busybox, debian)" ;;
	*) record contract.no-new-privileges fail "contract: no new privileges" \
		"no_new_privs is $nnp ($nnp_src): processes in the container can gain privileges" "$fix_rt" ;;
	esac

	if [ "$netifs" = lo ]; then
		record contract.network-none ok "contract: no network" "only lo inside the container"
	elif [ -z "$netifs" ]; then
		record contract.network-none ok "contract: no network" "no network interface at all inside the container"
	else
		record contract.network-none fail "contract: no network" \
			"network interfaces inside the container: $netifs" "$fix_rt"
	fi

	if printf '%s' "$dmesg" | grep -q 'gVisor'; then
		record contract.gvisor ok "contract: runs under gVisor" \
			"dmesg inside shows gVisor's boot lines ($(printf '%s' "$dmesg" | grep -m 1 'gVisor' | sed 's/^\[[^]]*\] *//'))"
	elif [ "$dmesg_missing" = 1 ]; then
		record contract.gvisor skip "contract: runs under gVisor" "no dmesg in $test_image to ask the kernel" \
			"$PROG --image IMAGE   (an image with dmesg: busybox, debian)"
	else
		record contract.gvisor fail "contract: runs under gVisor" \
			"dmesg inside shows no gVisor boot lines ($(first_error "${dmesg:-nothing}")): the container ran${ct_rt:+ under $ct_rt} without gVisor" \
			"check that the runtime \"$runtime\" is runsc: docker info --format '{{range \$k, \$v := .Runtimes}}{{\$k}}: {{\$v.Path}} {{end}}'"
	fi
}
