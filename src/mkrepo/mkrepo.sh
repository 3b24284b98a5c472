#!/bin/sh
# mkrepo.sh - build a signed apt repository from .deb files.
#
#   mkrepo.sh --key KEYID [--gnupghome DIR] [--suite S] [--component C]
#             [--origin O] OUTDIR DEB...
#
# Writes, under OUTDIR:
#   pool/C/NAME_VERSION_ARCH.deb    the .deb files (VERSION without epoch)
#   dists/S/C/binary-ARCH/Packages  (and Packages.gz) for every architecture
#                                   in pool/C (amd64, arm64, ...; arch "all"
#                                   packages are listed in each; only "all":
#                                   the host's)
#   dists/S/Release                 Origin, Label, Suite, Codename, Date,
#                                   Architectures (all of them), Components,
#                                   checksums
#   dists/S/InRelease               clearsigned Release
#   dists/S/Release.gpg             detached armored signature
#   key.gpg, key.asc                the public key, binary and armored
# Every .deb in pool/C is listed: suites built into one OUTDIR share it, and
# a run with only arm64 packages keeps the amd64 ones published.
#
# A package is published once: a DEB whose name, version and architecture
# are already in the pool with other contents is refused (nothing is
# written; the message names the version to bump).  The same contents again
# are accepted, and when nothing is new no file changes at all (the Release
# files keep their date and signatures as long as KEYID signed them).
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

for tool in apt-ftparchive gpg gpgv dpkg-deb gzip cmp; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (install apt-utils, gnupg, gpgv, dpkg, diffutils)"
done
if [ -n "${GNUPGHOME:-}" ] && [ ! -d "$GNUPGHOME" ]; then
	die "$GNUPGHOME: no such GnuPG home directory"
fi
gpg --batch --quiet --no-auto-check-trustdb --list-secret-keys -- "$key" >/dev/null 2>&1 ||
	die "no secret key '$key' in ${GNUPGHOME:-the default GnuPG home}"

pool=pool/$component
dist=dists/$suite
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkrepo.XXXXXX") || die "cannot create a temporary directory"
stage=
trap 'rm -rf "$tmp" ${stage:+"$stage"}' EXIT
trap 'exit 130' HUP INT TERM

# identity DEB: "NAME VERSION ARCH" of a package file, checked to be usable
# in a file name; fails (naming DEB) when dpkg-deb cannot read it.
identity() {
	# shellcheck disable=SC2016 # dpkg-deb fields, not shell
	fields=$(dpkg-deb --show --showformat='${Package} ${Version} ${Architecture}\n' "$1" 2>/dev/null) ||
		die "$1: not a Debian package (dpkg-deb cannot read it)"
	set -f
	# shellcheck disable=SC2086 # three words, checked below
	set -- "$1" $fields
	set +f
	[ $# -eq 4 ] || die "$1: no Package, Version or Architecture field"
	case $2 in '' | [!a-z0-9]* | *[!a-z0-9+.-]*) die "$1: bad package name '$2'" ;; esac
	case $3 in '' | *[!A-Za-z0-9.+~:-]* | *:*:*) die "$1: bad version '$3'" ;; esac
	case $4 in '' | *[!a-z0-9-]*) die "$1: bad architecture '$4'" ;; esac
	printf '%s %s %s\n' "$2" "$3" "$4"
}

# next_version V: a version after V to suggest (the last number counted up).
next_version() {
	digits=${1##*[!0-9]}
	if [ -z "$digits" ]; then
		printf '%s.1\n' "$1"
		return
	fi
	head=${1%"$digits"}
	# Leading zeros: count in base 10, keep the width when it fits.
	n=$(printf '%s\n' "$digits" | awk '{ n = $0 + 1; w = length($0); printf "%0" w "d\n", n }')
	printf '%s%s\n' "$head" "$n"
}

published_elsewhere() {
	echo "$prog: $1 $2 $3 is already published with other contents: bump the version in debian/changelog (dch -v $(next_version "$2"))" >&2
	echo "$prog: published: $4; given: $5" >&2
	exit 1
}

# What the pool holds: "NAME VERSION ARCH<TAB>FILE" a line.
: >"$tmp/pool"
if [ -d "$out/$pool" ]; then
	for f in "$out/$pool"/*.deb; do
		[ -f "$f" ] || continue
		id=$(identity "$f") || exit 1
		printf '%s\t%s\n' "$id" "$f" >>"$tmp/pool"
	done
fi

# pool_name NAME VERSION ARCH: the package's file name in the pool.
pool_name() {
	printf '%s_%s_%s.deb\n' "$1" "${2#*:}" "$3"
}

# Check every .deb before writing anything: readable, and new or the same
# bytes as the published one.  "NAME VERSION ARCH<TAB>DEB" of each new
# package goes to $tmp/new.  A file of its pool name that is not that
# package (put there by hand) is refused, never overwritten.
: >"$tmp/new"
tab=$(printf '\t')
for deb in "$@"; do
	[ -f "$deb" ] || die "$deb: no such file"
	id=$(identity "$deb") || exit 1
	seen=
	while IFS=$tab read -r pid pfile; do
		[ "$pid" = "$id" ] || continue
		seen=$pfile
		break
	done <"$tmp/pool"
	if [ -z "$seen" ]; then
		while IFS=$tab read -r pid pfile; do
			[ "$pid" = "$id" ] || continue
			seen=$pfile
			break
		done <"$tmp/new"
		if [ -z "$seen" ]; then
			# shellcheck disable=SC2086 # NAME VERSION ARCH
			name=$(pool_name $id)
			[ ! -e "$out/$pool/$name" ] ||
				die "$out/$pool/$name: already there and not $id; move it away"
			printf '%s\t%s\n' "$id" "$deb" >>"$tmp/new"
			continue
		fi
	fi
	# shellcheck disable=SC2086 # NAME VERSION ARCH
	cmp -s "$seen" "$deb" || published_elsewhere $id "$seen" "$deb"
done

# The new packages go into the pool under their pool names.
mkdir -p "$out/$pool" || die "$out: cannot create $pool"
added=
while IFS=$tab read -r id deb; do
	# shellcheck disable=SC2086 # NAME VERSION ARCH
	name=$(pool_name $id)
	cp "$deb" "$out/$pool/.$name.tmp" && mv -f "$out/$pool/.$name.tmp" "$out/$pool/$name" ||
		die "$deb: cannot copy into $out/$pool"
	added="${added:+$added, }$id"
	printf '%s\t%s\n' "$id" "$out/$pool/$name" >>"$tmp/pool"
done <"$tmp/new"

# Every architecture in the pool (sorted); only "all": the host's.
archs=$(cut -f1 "$tmp/pool" | awk '$3 != "all" { print $3 }' | sort -u | tr '\n' ' ')
archs=${archs% }
if [ -z "$archs" ]; then
	archs=$(dpkg --print-architecture) || die "cannot tell the host architecture"
fi

# The suite's indices and Release, staged next to it, then installed file
# by file where they differ from what is published.
mkdir -p "$out/dists" || die "$out: cannot create dists"
stage=$(mktemp -d "$out/dists/.mkrepo.XXXXXX") || die "$out/dists: cannot create a staging directory"
for a in $archs; do
	d=$component/binary-$a
	mkdir -p "$stage/$d"
	(cd "$out" && apt-ftparchive --arch "$a" packages "$pool") >"$stage/$d/Packages" ||
		die "$out/$dist/$d/Packages: apt-ftparchive failed"
	if [ -f "$out/$dist/$d/Packages.gz" ] && cmp -s "$stage/$d/Packages" "$out/$dist/$d/Packages"; then
		cp -p "$out/$dist/$d/Packages.gz" "$stage/$d/Packages.gz"
	else
		gzip -9nc "$stage/$d/Packages" >"$stage/$d/Packages.gz" || die "$out/$dist/$d/Packages.gz: cannot write"
	fi
done
(cd "$stage" && apt-ftparchive \
	-o APT::FTPArchive::Release::Origin="$origin" \
	-o APT::FTPArchive::Release::Label="$origin" \
	-o APT::FTPArchive::Release::Suite="$suite" \
	-o APT::FTPArchive::Release::Codename="$suite" \
	-o APT::FTPArchive::Release::Architectures="$archs" \
	-o APT::FTPArchive::Release::Components="$component" \
	release . >"$tmp/Release") ||
	die "$out/$dist/Release: apt-ftparchive failed"

gpg --batch --quiet --export -- "$key" >"$tmp/key.gpg" || die "cannot export key '$key'"
[ -s "$tmp/key.gpg" ] || die "key '$key' exported nothing"
gpg --batch --quiet --armor --export -- "$key" >"$tmp/key.asc" || die "cannot export key '$key'"

# Unchanged: the same Release but for its Date, signed by this key.
same_release() {
	[ -f "$out/$dist/Release" ] && [ -f "$out/$dist/InRelease" ] && [ -f "$out/$dist/Release.gpg" ] || return 1
	grep -v '^Date:' "$tmp/Release" >"$tmp/Release.new-nodate"
	grep -v '^Date:' "$out/$dist/Release" >"$tmp/Release.old-nodate"
	cmp -s "$tmp/Release.new-nodate" "$tmp/Release.old-nodate" || return 1
	gpgv --keyring "$tmp/key.gpg" "$out/$dist/InRelease" >/dev/null 2>&1 || return 1
	gpgv --keyring "$tmp/key.gpg" "$out/$dist/Release.gpg" "$out/$dist/Release" >/dev/null 2>&1
}

changed=$added
# install_file SRC DEST: DEST := SRC (atomic) unless the bytes are equal.
install_file() {
	if [ -f "$2" ] && cmp -s "$1" "$2"; then
		return 0
	fi
	mkdir -p "${2%/*}" && cp -p "$1" "$2.tmp" && mv -f "$2.tmp" "$2" || die "$2: cannot write"
	changed="${changed:+$changed, }${2#"$out"/}"
}

for a in $archs; do
	d=$component/binary-$a
	install_file "$stage/$d/Packages" "$out/$dist/$d/Packages"
	install_file "$stage/$d/Packages.gz" "$out/$dist/$d/Packages.gz"
done
if ! same_release; then
	gpg --batch --quiet --no-auto-check-trustdb --yes --local-user "$key" --clearsign \
		--output "$tmp/InRelease" "$tmp/Release" ||
		die "$out/$dist/InRelease: signing with key '$key' failed"
	gpg --batch --quiet --no-auto-check-trustdb --yes --local-user "$key" --armor --detach-sign \
		--output "$tmp/Release.gpg" "$tmp/Release" ||
		die "$out/$dist/Release.gpg: signing with key '$key' failed"
	install_file "$tmp/Release" "$out/$dist/Release"
	install_file "$tmp/InRelease" "$out/$dist/InRelease"
	install_file "$tmp/Release.gpg" "$out/$dist/Release.gpg"
fi
install_file "$tmp/key.gpg" "$out/key.gpg"
install_file "$tmp/key.asc" "$out/key.asc"

if [ -z "$changed" ]; then
	echo "$prog: $out: suite $suite, component $component, architectures $archs: nothing changed (every package already published)"
else
	echo "$prog: $out: suite $suite, component $component, architectures $archs, signed by $key${added:+; added $added}"
fi
