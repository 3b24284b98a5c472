#!/bin/sh
# mkrepo.sh - build a signed apt repository from .deb files.
#
#   mkrepo.sh --key KEYID [--gnupghome DIR] [--suite S] [--component C]
#             [--origin O] OUTDIR DEB...
#
# Writes, under OUTDIR:
#   pool/C/                         the .deb files
#   dists/S/C/binary-ARCH/Packages  (and Packages.gz) for every architecture
#                                   of the .debs (arch "all" packages are
#                                   listed in each; only "all": the host's)
#   dists/S/Release                 Origin, Label, Suite, Codename, Date,
#                                   Architectures, Components, checksums
#   dists/S/InRelease               clearsigned Release
#   dists/S/Release.gpg             detached armored signature
#   key.gpg, key.asc                the public key, binary and armored
# Every .deb in pool/C is listed: suites built into one OUTDIR share it.
set -eu

prog=mkrepo.sh
key=
suite=stable
component=main
origin=

usage() {
	echo "usage: $prog --key KEYID [--gnupghome DIR] [--suite S] [--component C] [--origin O] OUTDIR DEB..." >&2
	exit 2
}
die() {
	echo "$prog: $*" >&2
	exit 1
}
need_arg() {
	[ "$2" -ge 2 ] || { echo "$prog: $1 needs an argument" >&2; usage; }
}
valid_name() {
	case $2 in
	'' | */* | .* | *[!A-Za-z0-9._+~-]*)
		echo "$prog: $1 '$2': use letters, digits and . _ + ~ - only" >&2
		exit 2 ;;
	esac
}

while [ $# -gt 0 ]; do
	case $1 in
	--key) need_arg "$1" $#; key=$2; shift 2 ;;
	--gnupghome) need_arg "$1" $#; GNUPGHOME=$2; export GNUPGHOME; shift 2 ;;
	--suite) need_arg "$1" $#; suite=$2; shift 2 ;;
	--component) need_arg "$1" $#; component=$2; shift 2 ;;
	--origin) need_arg "$1" $#; origin=$2; shift 2 ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ -n "$key" ] || { echo "$prog: --key KEYID is required" >&2; usage; }
[ $# -ge 2 ] || { echo "$prog: name OUTDIR and at least one .deb" >&2; usage; }
valid_name suite "$suite"
valid_name component "$component"
[ -n "$origin" ] || origin=$suite
out=$1
shift

for tool in apt-ftparchive gpg dpkg-deb gzip; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (install apt-utils, gnupg, dpkg)"
done
if [ -n "${GNUPGHOME:-}" ] && [ ! -d "$GNUPGHOME" ]; then
	die "$GNUPGHOME: no such GnuPG home directory"
fi
gpg --batch --quiet --no-auto-check-trustdb --list-secret-keys -- "$key" >/dev/null 2>&1 ||
	die "no secret key '$key' in ${GNUPGHOME:-the default GnuPG home}"

# Check every .deb before writing anything.
archs=
for deb in "$@"; do
	[ -f "$deb" ] || die "$deb: no such file"
	a=$(dpkg-deb --field "$deb" Architecture 2>/dev/null) ||
		die "$deb: not a Debian package (dpkg-deb cannot read it)"
	[ -n "$a" ] || die "$deb: no Architecture field"
	[ "$a" = all ] && continue
	case " $archs " in
	*" $a "*) ;;
	*) archs="${archs:+$archs }$a" ;;
	esac
done
if [ -z "$archs" ]; then
	archs=$(dpkg --print-architecture) || die "cannot tell the host architecture"
fi

pool=pool/$component
mkdir -p "$out/$pool" || die "$out: cannot create $pool"
for deb in "$@"; do
	cp -f "$deb" "$out/$pool/" || die "$deb: cannot copy into $out/$pool"
done

dist=dists/$suite
for a in $archs; do
	d=$dist/$component/binary-$a
	mkdir -p "$out/$d" || die "$out: cannot create $d"
	(cd "$out" && apt-ftparchive --arch "$a" packages "$pool" >"$d/Packages") ||
		die "$out/$d/Packages: apt-ftparchive failed"
	gzip -9nc "$out/$d/Packages" >"$out/$d/Packages.gz" ||
		die "$out/$d/Packages.gz: cannot write"
done

rm -f "$out/$dist/Release" "$out/$dist/InRelease" "$out/$dist/Release.gpg"
(cd "$out/$dist" && apt-ftparchive \
	-o APT::FTPArchive::Release::Origin="$origin" \
	-o APT::FTPArchive::Release::Label="$origin" \
	-o APT::FTPArchive::Release::Suite="$suite" \
	-o APT::FTPArchive::Release::Codename="$suite" \
	-o APT::FTPArchive::Release::Architectures="$archs" \
	-o APT::FTPArchive::Release::Components="$component" \
	release . >Release.tmp && mv Release.tmp Release) ||
	die "$out/$dist/Release: apt-ftparchive failed"

gpg --batch --quiet --no-auto-check-trustdb --yes --local-user "$key" --clearsign \
	--output "$out/$dist/InRelease" "$out/$dist/Release" ||
	die "$out/$dist/InRelease: signing with key '$key' failed"
gpg --batch --quiet --no-auto-check-trustdb --yes --local-user "$key" --armor --detach-sign \
	--output "$out/$dist/Release.gpg" "$out/$dist/Release" ||
	die "$out/$dist/Release.gpg: signing with key '$key' failed"

gpg --batch --quiet --export -- "$key" >"$out/key.gpg" || die "$out/key.gpg: cannot export key '$key'"
[ -s "$out/key.gpg" ] || die "$out/key.gpg: key '$key' exported nothing"
gpg --batch --quiet --armor --export -- "$key" >"$out/key.asc" || die "$out/key.asc: cannot export key '$key'"

echo "$prog: $out: suite $suite, component $component, architectures $archs, signed by $key"
