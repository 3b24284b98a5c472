# A local repository laid out as gVisor publishes its own (suite
# "release", component "main", signed), served on 127.0.0.1, with a runsc
# package versioned as gVisor's are (YYYYMMDD.0) and a postinst that does
# what gVisor's does.  Load after common and aptrepo:
#   load ../lib/gvisor-repo
#
#   gvisor_repo_new DIR 20250101.0        # key, runsc package, served repo
#   ... "$(aptrepo_url DIR)/repo" is the repository, ".../key.asc" its key
#   gvisor_repo_publish DIR 20250201.0    # a later release, same repository
#   aptrepo_stop DIR
#
# The runsc in it stands in for a fixed gVisor release: its binary is the
# runsc this machine has (Debian's 2022 build, from RUNSC_DEB or the
# installed /usr/bin/runsc), installed as /usr/lib/hersh-test-runsc/runsc
# behind a /usr/bin/runsc wrapper that reports "runsc version
# release-YYYYMMDD.0".  Containers under it still need --network=none on
# kernels >= 6.11.

GVISOR_REPO_REAL=/usr/lib/hersh-test-runsc/runsc

# gvisor_repo_binary DIR: a copy of the runsc binary the host has, as
# DIR/runsc.bin (from the Debian package file when there is one, so that a
# wrapper installed by an earlier test is never copied).
gvisor_repo_binary() {
	local dir=$1 x
	[ -x "$dir/runsc.bin" ] && return 0
	if [ -n "${RUNSC_DEB:-}" ] && [ -f "$RUNSC_DEB" ]; then
		x=$dir/runsc-extract
		rm -rf "$x"
		dpkg-deb -x "$RUNSC_DEB" "$x" || return 1
		cp "$x/usr/bin/runsc" "$dir/runsc.bin" || return 1
		rm -rf "$x"
	elif [ -x "$GVISOR_REPO_REAL" ]; then
		cp "$GVISOR_REPO_REAL" "$dir/runsc.bin" || return 1
	else
		cp /usr/bin/runsc "$dir/runsc.bin" || return 1
	fi
	chmod 0755 "$dir/runsc.bin"
}

# gvisor_repo_runsc_deb DIR VERSION: build DIR/runsc_VERSION_ARCH.deb;
# prints its path.
gvisor_repo_runsc_deb() {
	local dir=$1 version=$2 arch root deb
	arch=$(dpkg --print-architecture)
	root=$dir/runsc-root-$version
	deb=$dir/runsc_${version}_$arch.deb
	[ -f "$deb" ] && { printf '%s\n' "$deb"; return 0; }
	gvisor_repo_binary "$dir" || return 1
	rm -rf "$root"
	mkdir -p "$root/DEBIAN" "$root/usr/bin" "${root}${GVISOR_REPO_REAL%/*}" "$root/usr/share/doc/runsc"
	cp "$dir/runsc.bin" "${root}$GVISOR_REPO_REAL"
	# The wrapper: gVisor's version string; `runsc install` writes the
	# path it was called by (gVisor's own binary is /usr/bin/runsc), as
	# the real runsc install does: Go's layout, keys sorted.
	cat >"$root/usr/bin/runsc" <<-EOF
		#!/bin/sh
		real=$GVISOR_REPO_REAL
		case "\${1:-}" in
		--version | -version)
		    echo "runsc version release-$version"
		    echo "spec: 1.1.0"
		    exit 0 ;;
		install)
		    "\$real" "\$@" || exit
		    conf=/etc/docker/daemon.json
		    for a; do
		        case \$a in
		        --config_file=* | -config_file=*) conf=\${a#*=} ;;
		        esac
		    done
		    if grep -q "\"\$real\"" "\$conf"; then
		        sed "s|\"\$real\"|\"/usr/bin/runsc\"|" "\$conf" >"\$conf.wrap" && cat "\$conf.wrap" >"\$conf" && rm -f "\$conf.wrap"
		    fi
		    exit 0 ;;
		esac
		exec "\$real" "\$@"
	EOF
	chmod 0755 "$root/usr/bin/runsc"
	# What gVisor's debian/postinst.sh does on every install and upgrade.
	cat >"$root/DEBIAN/postinst" <<-'EOF'
		#!/bin/sh
		set -e
		if [ "$1" != configure ]; then
		    exit 0
		fi
		if [ -f /etc/docker/daemon.json ]; then
		    runsc install --clobber=false
		    if systemctl is-active -q docker 2>/dev/null; then
		        systemctl reload docker || echo "unable to reload docker; you must do so manually." >&2
		    fi
		fi
	EOF
	chmod 0755 "$root/DEBIAN/postinst"
	cat >"$root/DEBIAN/control" <<-EOF
		Package: runsc
		Version: $version
		Architecture: $arch
		Maintainer: hersh-gvisor tests <test@hersh-gvisor.invalid>
		Section: devel
		Priority: optional
		Homepage: https://gvisor.dev
		Description: gVisor container sandbox runtime (hersh-gvisor test stand-in)
		 The runsc binary of this machine, packaged the way gVisor's
		 repository publishes it, for hersh-gvisor's tests.
	EOF
	printf 'hersh-gvisor test stand-in for gVisor runsc %s\n' "$version" >"$root/usr/share/doc/runsc/README"
	dpkg-deb --root-owner-group -Zgzip -z1 --build "$root" "$deb" >/dev/null ||
		{ rm -rf "$root"; echo "gvisor_repo_runsc_deb: dpkg-deb failed" >&2; return 1; }
	rm -rf "$root"
	printf '%s\n' "$deb"
}

# gvisor_repo_publish DIR VERSION: add runsc VERSION to the repository
# (suite release, component main) and sign it again.
gvisor_repo_publish() {
	local dir=$1 version=$2 deb
	deb=$(gvisor_repo_runsc_deb "$dir" "$version") || return 1
	aptrepo_build "$dir" release main "$deb"
}

# gvisor_repo_new DIR VERSION: a throwaway key, a repository with runsc
# VERSION, served; prints the base URL (repository URL/repo, key
# URL/key.asc).
gvisor_repo_new() {
	local dir=$1 version=$2
	mkdir -p "$dir"
	aptrepo_key_new "$dir" >/dev/null || return 1
	gvisor_repo_publish "$dir" "$version" || return 1
	aptrepo_serve "$dir"
}

# gvisor_apt ARGS...: apt-get with the host's packages and only the gVisor
# source the package wrote, private lists and cache: nothing of the host's
# apt state changes, and no other package can be upgraded.
gvisor_apt() {
	local tmp=$BATS_FILE_TMPDIR/gvisor-apt
	mkdir -p "$tmp/lists/partial" "$tmp/archives/partial"
	DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		-o Dir::Etc::SourceList=/etc/apt/sources.list.d/gvisor.list \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$tmp/lists" \
		-o Dir::Cache::Archives="$tmp/archives" \
		-o Dir::Cache::pkgcache="$tmp/pkgcache.bin" \
		-o Dir::Cache::srcpkgcache="$tmp/srcpkgcache.bin" \
		-o Acquire::Retries=0 \
		"$@"
}
