# A run of hersh-apt-source that stays at work: install-key downloading
# from the slow key server (aptrepo_hostile ... slow, its URL in
# SLOW_URL) into TMPDIR.  For download.bats and lock.bats:
#   load slow-run

# wait_for CMD...: retry CMD for up to 10 s.
wait_for() {
	for _ in $(seq 1 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# install-key from the slow server, in the background (the process
# itself, not a subshell, so that signals reach it); sets PID.
# shellcheck disable=SC2034 # PID is read by the test files
slow_install_key() {
	"$HERSH_BIN_DIR/hersh-apt-source" --fingerprint "$MIRROR_FPR" \
		install-key --from "$SLOW_URL" 3>&- &
	PID=$!
}

# The download directory of a running install-key.
download_dir() {
	compgen -G "$TMPDIR/hersh-apt-source.key.*" >/dev/null
}
