# A local signed apt repository for tests: a throwaway key, a repository
# built by src/mkrepo/mkrepo.sh, served on 127.0.0.1.  Load after common:
#   load ../lib/aptrepo
#
#   fpr=$(aptrepo_key_new "$dir")            # DIR/gnupg, DIR/key.asc, DIR/key.gpg
#   deb=$(aptrepo_dummy_deb "$dir" gvisor-dummy 1.0)
#   aptrepo_build "$dir" release main "$deb" # DIR/repo
#   url=$(aptrepo_serve "$dir")              # http://127.0.0.1:PORT (serves DIR)
#   ...  "$url/repo" is the repository, "$url/key.asc" the key
#   aptrepo_stop "$dir"
#
# aptrepo_gvisor_mirror DIR [SUITE...] does the lot for a fake gVisor
# mirror (component main, default suite release) and prints the URL.

# aptrepo_key_new DIR: a new signing key without passphrase in DIR/gnupg;
# prints its fingerprint.
aptrepo_key_new() {
	aptrepo_key_gen "$1" never
}

# aptrepo_key_gen DIR EXPIRE [GPG-OPTION...]: aptrepo_key_new with the
# expiry EXPIRE (never, 1d, ...) and more options for --quick-gen-key (such
# as --faked-system-time); writes DIR/key.asc, DIR/key.gpg, DIR/fingerprint
# and prints the fingerprint.
aptrepo_key_gen() {
	local dir=$1 expire=$2 fpr
	shift 2
	mkdir -p "$dir/gnupg"
	chmod 700 "$dir/gnupg"
	GNUPGHOME=$dir/gnupg gpg --batch --quiet --pinentry-mode loopback --passphrase '' "$@" \
		--quick-gen-key "hersh-gvisor test key <test@hersh-gvisor.invalid>" ed25519 sign "$expire" \
		>/dev/null 2>&1 || { echo "aptrepo_key_new: gpg --quick-gen-key failed" >&2; return 1; }
	fpr=$(GNUPGHOME=$dir/gnupg gpg --batch --quiet --no-auto-check-trustdb --with-colons --list-secret-keys 2>/dev/null |
		awk -F: '$1 == "fpr" { print $10; exit }')
	[ -n "$fpr" ] || { echo "aptrepo_key_new: no fingerprint" >&2; return 1; }
	printf '%s\n' "$fpr" >"$dir/fingerprint"
	aptrepo_key_export "$dir"
	printf '%s\n' "$fpr"
}

# aptrepo_key_export DIR: (re)write DIR/key.asc and DIR/key.gpg from DIR/gnupg.
aptrepo_key_export() {
	local dir=$1 fpr
	fpr=$(aptrepo_fpr "$dir")
	GNUPGHOME=$dir/gnupg gpg --batch --armor --export "$fpr" >"$dir/key.asc"
	GNUPGHOME=$dir/gnupg gpg --batch --export "$fpr" >"$dir/key.gpg"
}

# aptrepo_key_expired DIR: a key made in 2020 that expired a day later
# (DIR as with aptrepo_key_new); prints its fingerprint.
aptrepo_key_expired() {
	aptrepo_key_gen "$1" 1d --faked-system-time '20200101T000000!'
}

# aptrepo_key_revoked DIR: a new key, then its revocation certificate
# (the one gpg writes at key generation) imported; prints its fingerprint.
aptrepo_key_revoked() {
	local dir=$1 fpr
	fpr=$(aptrepo_key_new "$dir") || return 1
	sed 's/^:-----BEGIN/-----BEGIN/' "$dir/gnupg/openpgp-revocs.d/$fpr.rev" |
		GNUPGHOME=$dir/gnupg gpg --batch --quiet --import >/dev/null 2>&1 ||
		{ echo "aptrepo_key_revoked: cannot import the revocation" >&2; return 1; }
	aptrepo_key_export "$dir"
	printf '%s\n' "$fpr"
}

# aptrepo_key_variant DIR OUT GPG-ARG...: DIR's key as changed by
# `gpg GPG-ARG...` (such as --quick-add-uid) in a scratch copy of
# DIR/gnupg, exported binary to OUT; DIR itself stays as it is.
aptrepo_key_variant() {
	local dir=$1 out=$2 home
	shift 2
	home=$(mktemp -d)
	cp -r "$dir/gnupg/pubring.kbx" "$dir/gnupg/private-keys-v1.d" "$home/"
	GNUPGHOME=$home gpg --batch --quiet --pinentry-mode loopback --passphrase '' "$@" 2>/dev/null
	GNUPGHOME=$home gpg --batch --export "$(aptrepo_fpr "$dir")" >"$out"
	gpgconf --homedir "$home" --kill all >/dev/null 2>&1 || true
	rm -rf "$home"
}

# aptrepo_key_rider DIR GDIR: the attack on the gVisor keyring.  An
# attacker's key A (made in DIR/gnupg) carries the public key of GDIR's key
# G as a subkey, bound by A alone (authentication only, so no signature by
# G is needed: only the public key material and G's creation time are
# used; gpg wants the key in its agent to do this, which is why GDIR's
# secret key is copied in -- the packets are what an attacker can make
# without it).  Writes DIR/key.gpg (A), DIR/bundle.gpg (G then A, what a
# hostile key URL serves) and DIR/fingerprint; prints A's fingerprint.
aptrepo_key_rider() {
	local dir=$1 gdir=$2 g gtime grip a sub home=$1/gnupg
	g=$(aptrepo_fpr "$gdir")
	rm -rf "$home"
	mkdir -p "$home"
	chmod 700 "$home"
	cp "$gdir/gnupg/pubring.kbx" "$home/"
	cp -r "$gdir/gnupg/private-keys-v1.d" "$home/"
	gtime=$(GNUPGHOME=$home gpg --batch --with-colons --list-keys "$g" 2>/dev/null |
		awk -F: '$1 == "pub" { print $6; exit }')
	grip=$(GNUPGHOME=$home gpg --batch --with-colons --with-keygrip --list-keys "$g" 2>/dev/null |
		awk -F: '$1 == "grp" { print $10; exit }')
	GNUPGHOME=$home gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--faked-system-time "$((gtime - 86400))!" \
		--quick-gen-key "attacker <attacker@hersh-gvisor.invalid>" ed25519 sign never >/dev/null 2>&1
	a=$(GNUPGHOME=$home gpg --batch --with-colons --list-keys attacker@hersh-gvisor.invalid 2>/dev/null |
		awk -F: '$1 == "fpr" { print $10; exit }')
	# addkey, (13) existing key, its keygrip, usage: not sign, authenticate
	printf 'addkey\n13\n%s\nS\nA\nQ\n0\nsave\n' "$grip" |
		GNUPGHOME=$home gpg --batch --pinentry-mode loopback --passphrase '' --expert \
			--faked-system-time "$gtime!" --command-fd 0 --edit-key "$a" >/dev/null 2>&1
	GNUPGHOME=$home gpg --batch --export "$a" >"$dir/key.gpg"
	gpgconf --homedir "$home" --kill all >/dev/null 2>&1 || true
	sub=$(keyring_subkeys "$dir/key.gpg")
	if [ -z "$a" ] || [ "$sub" != "$g" ]; then
		echo "aptrepo_key_rider: key ${a:-?} does not carry $g as its subkey (has: ${sub:-none})" >&2
		return 1
	fi
	cat "$gdir/key.gpg" "$dir/key.gpg" >"$dir/bundle.gpg"
	printf '%s\n' "$a" >"$dir/fingerprint"
	printf '%s\n' "$a"
}

# keyring_keys FILE pub|sub: the primary (pub) or subkey (sub)
# fingerprints in a key file, one a line.
keyring_keys() {
	local home
	home=$(mktemp -d)
	gpg --homedir "$home" --batch --quiet --with-colons --show-keys "$1" 2>/dev/null |
		awk -F: -v r="$2" '$1 == r { p = 1; next } $1 == "fpr" && p { print $10 } { p = 0 }'
	rm -rf "$home"
}

# keyring_subkeys FILE: the subkey fingerprints in a key file, one a line.
keyring_subkeys() {
	keyring_keys "$1" sub
}

# aptrepo_fpr DIR: the fingerprint of DIR's key.
aptrepo_fpr() {
	cat "$1/fingerprint"
}

# aptrepo_dummy_deb DIR NAME VERSION [ARCH [DEPENDS]]: a tiny package
# DIR/NAME_VERSION_ARCH.deb (default ARCH all; DEPENDS its Depends field);
# prints its path.
aptrepo_dummy_deb() {
	local dir=$1 name=$2 version=$3 arch=${4:-all} depends=${5:-} root
	root=$(mktemp -d "$dir/deb.XXXXXX")
	mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$name"
	{
		printf 'Package: %s\nVersion: %s\nArchitecture: %s\n' "$name" "$version" "$arch"
		printf 'Maintainer: hersh-gvisor tests <test@hersh-gvisor.invalid>\n'
		printf 'Section: misc\nPriority: optional\n'
		[ -z "$depends" ] || printf 'Depends: %s\n' "$depends"
		printf 'Description: dummy package for hersh-gvisor tests\n Installs nothing of use.\n'
	} >"$root/DEBIAN/control"
	printf 'dummy package\n' >"$root/usr/share/doc/$name/README"
	dpkg-deb --root-owner-group -Zgzip --build "$root" "$dir/${name}_${version}_${arch}.deb" >/dev/null ||
		{ rm -rf "$root"; echo "aptrepo_dummy_deb: dpkg-deb failed" >&2; return 1; }
	rm -rf "$root"
	printf '%s\n' "$dir/${name}_${version}_${arch}.deb"
}

# aptrepo_build DIR SUITE COMPONENT DEB...: the signed repository DIR/repo.
aptrepo_build() {
	local dir=$1 suite=$2 component=$3
	shift 3
	"$HERSH_SRC/src/mkrepo/mkrepo.sh" --gnupghome "$dir/gnupg" --key "$(aptrepo_fpr "$dir")" \
		--suite "$suite" --component "$component" --origin hersh-test "$dir/repo" "$@" >/dev/null
}

# aptrepo_serve DIR [ADDR]: serve DIR over HTTP on ADDR (default 127.0.0.1;
# any 127.x.y.z is this machine too: another host, as apt sees it), on a
# free port; prints the base URL.  The server is detached (no fd shared
# with bats).
aptrepo_serve() {
	local dir=$1 addr=${2:-127.0.0.1} port
	aptrepo_stop "$dir"
	port=$(python3 -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1]); s.close()' "$addr")
	setsid python3 -m http.server --bind "$addr" --directory "$dir" "$port" \
		</dev/null >"$dir/http.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	printf '%s\n' "$!" >"$dir/http.pid"
	printf 'http://%s:%s\n' "$addr" "$port" >"$dir/http.url"
	for _ in $(seq 1 100); do
		if curl -fsS -o /dev/null "http://$addr:$port/" 2>/dev/null; then
			cat "$dir/http.url"
			return 0
		fi
		kill -0 "$(cat "$dir/http.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "aptrepo_serve: the HTTP server did not answer; log:" >&2
	cat "$dir/http.log" >&2
	aptrepo_stop "$dir"
	return 1
}

# aptrepo_url DIR: the URL aptrepo_serve printed.
aptrepo_url() {
	cat "$1/http.url"
}

# aptrepo_stop DIR: stop DIR's server (if any) and its gpg-agent.
aptrepo_stop() {
	local dir=$1 pid
	if [ -f "$dir/http.pid" ]; then
		pid=$(cat "$dir/http.pid")
		kill "$pid" 2>/dev/null || true
		rm -f "$dir/http.pid"
	fi
	if [ -d "$dir/gnupg" ]; then
		gpgconf --homedir "$dir/gnupg" --kill all >/dev/null 2>&1 || true
	fi
	return 0
}

# aptrepo_hostile DIR MODE: a hostile key server on 127.0.0.1 in DIR
# (tests/fixtures/apt-source/hostile-http.py: endless, big or slow);
# prints the URL of its "key".  DIR/sent holds the body bytes it sent by
# the time a client hung up.  Stop it with aptrepo_stop DIR.
aptrepo_hostile() {
	local dir=$1 mode=$2
	aptrepo_stop "$dir"
	mkdir -p "$dir"
	rm -f "$dir/port" "$dir/sent"
	setsid python3 "$FIXTURES/apt-source/hostile-http.py" "$mode" "$dir" \
		</dev/null >"$dir/http.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	printf '%s\n' "$!" >"$dir/http.pid"
	for _ in $(seq 1 100); do
		if [ -s "$dir/port" ]; then
			printf 'http://127.0.0.1:%s/archive.key\n' "$(cat "$dir/port")"
			return 0
		fi
		sleep 0.1
	done
	echo "aptrepo_hostile: the server did not start; log:" >&2
	cat "$dir/http.log" >&2
	aptrepo_stop "$dir"
	return 1
}

# aptrepo_gvisor_mirror DIR [SUITE...]: key, dummy runsc package and a
# served repository with component main (default suite release); prints
# the base URL (repository at URL/repo, key at URL/key.asc).
aptrepo_gvisor_mirror() {
	local dir=$1 deb s
	shift
	[ $# -gt 0 ] || set -- release
	mkdir -p "$dir"
	aptrepo_key_new "$dir" >/dev/null || return 1
	deb=$(aptrepo_dummy_deb "$dir" hersh-test-dummy 1.0) || return 1
	for s in "$@"; do
		aptrepo_build "$dir" "$s" main "$deb" || return 1
	done
	aptrepo_serve "$dir"
}

# aptroot_new DIR: an empty APT root DIR/root (sources.list.d, lists, an
# empty dpkg status) and DIR/apt.conf pointing APT at it; export
# APT_CONFIG=DIR/apt.conf to use it.  Nothing of the host's /etc/apt is read.
aptroot_new() {
	local dir=$1 root=$1/root
	mkdir -p "$root/etc/apt/sources.list.d" "$root/etc/apt/apt.conf.d" \
		"$root/etc/apt/preferences.d" "$root/etc/apt/trusted.gpg.d" \
		"$root/var/lib/apt/lists/partial" "$root/var/cache/apt/archives/partial" \
		"$root/var/lib/dpkg" "$root/var/log/apt" "$root/usr/share/keyrings"
	: >"$root/var/lib/dpkg/status"
	chmod 755 "$dir" "$root"
	cat >"$dir/apt.conf" <<-CONF
		Dir "$root/";
		Dir::State::status "$root/var/lib/dpkg/status";
	CONF
}

# --- hersh-apt-source tests (tests/aptsource) ------------------------------
# aptsrc_setup_file: a fake gVisor mirror (suites release and nightly) and a
# second, unrelated key; exports MIRROR (dir), MIRROR_URL, MIRROR_FPR,
# OTHER (dir with key.asc/key.gpg), OTHER_FPR.
aptsrc_setup_file() {
	MIRROR=$BATS_FILE_TMPDIR/mirror
	OTHER=$BATS_FILE_TMPDIR/other
	MIRROR_URL=$(aptrepo_gvisor_mirror "$MIRROR" release nightly) || return 1
	MIRROR_FPR=$(aptrepo_fpr "$MIRROR")
	mkdir -p "$OTHER"
	OTHER_FPR=$(aptrepo_key_new "$OTHER") || return 1
	gpgconf --homedir "$OTHER/gnupg" --kill all >/dev/null 2>&1 || true
	export MIRROR MIRROR_URL MIRROR_FPR OTHER OTHER_FPR
}

aptsrc_teardown_file() {
	aptrepo_stop "$MIRROR"
	aptrepo_stop "$OTHER"
}

# aptsrc_setup: a private APT root ROOT for this test (APT_CONFIG exported).
aptsrc_setup() {
	aptroot_new "$BATS_TEST_TMPDIR/apt"
	ROOT=$BATS_TEST_TMPDIR/apt/root
	APT_CONFIG=$BATS_TEST_TMPDIR/apt/apt.conf
	KEYRING=$ROOT/usr/share/keyrings/gvisor-archive-keyring.gpg
	PARTS=$ROOT/etc/apt/sources.list.d
	STATE=$ROOT/var/lib/hersh-gvisor/apt-source
	export ROOT APT_CONFIG KEYRING PARTS STATE
}

# aptsrc_keyring_of KIND: the private root's keyring holds a key made by
# aptrepo_key_KIND (expired, revoked); sets FPR to its fingerprint.
aptsrc_keyring_of() {
	FPR=$(aptrepo_key_"$1" "$BATS_TEST_TMPDIR/$1") || return 1
	export FPR
	aptrepo_stop "$BATS_TEST_TMPDIR/$1"
	cp "$BATS_TEST_TMPDIR/$1/key.gpg" "$KEYRING"
}

# has ARGS...: hersh-apt-source pointed at the test mirror and its key.
has() {
	"$HERSH_BIN_DIR/hersh-apt-source" --uri "$MIRROR_URL/repo" \
		--key-url "$MIRROR_URL/key.asc" --fingerprint "$MIRROR_FPR" \
		-o Acquire::Retries=0 "$@"
}

# keyring_fprs FILE: the primary fingerprints in a key file, one a line.
keyring_fprs() {
	keyring_keys "$1" pub
}

# fixture NAME [AS]: copy an apt-source fixture into the private root's
# sources.list.d (as AS), with @URI@ standing for the test mirror.
fixture() {
	sed "s|@URI@|$MIRROR_URL/repo|g" "$FIXTURES/apt-source/$1" >"$PARTS/${2:-${1%.in}}"
}
