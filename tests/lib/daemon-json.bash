# Shared setup of the hersh-daemon-json unit tests.  Load after common.

# dj_setup: DJ, the binary under test (HERSH_BIN_DIR), and FX, the fixtures.
dj_setup() {
	DJ=$HERSH_BIN_DIR/hersh-daemon-json
	[ -x "$DJ" ] || fail "no $DJ: run make"
	# shellcheck disable=SC2034 # read by the test files
	FX=$FIXTURES/daemon-json
}
