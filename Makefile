# hersh-gvisor — build, install, test.
#
#   make                 build the helpers into $(BUILDDIR)
#   make install         install (DESTDIR, PREFIX honoured)
#   make check           unit tests as any user (root-only tests skip)
#   make check-sanitize  the same against an ASan+UBSan build
#   make fuzz            run the libFuzzer target for FUZZ_SECONDS
#   make deb             build the .deb into dist/
#   sudo make deb-install  install build dependencies, build and install the .deb
#   sudo tests/run       every test (installs its own dependencies)

PREFIX     ?= /usr
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
DATADIR    ?= $(PREFIX)/share/hersh-gvisor
MANDIR     ?= $(PREFIX)/share/man
BUILDDIR   ?= build
PKG_CONFIG ?= pkg-config
CC         ?= cc
CXX        ?= c++
CFLAGS     ?= -O2 -g
CXXFLAGS   ?= -O2 -g
VERSION    ?= $(shell dpkg-parsechangelog -S Version 2>/dev/null || echo 0)
FUZZ_SECONDS ?= 60

# make with no target builds everything (the first rule below is not all).
.DEFAULT_GOAL := all

JSONC_CFLAGS := $(shell $(PKG_CONFIG) --cflags json-c)
JSONC_LIBS   := $(shell $(PKG_CONFIG) --libs json-c)
# hersh-daemon-json links json-c statically: the purge runs a copy of it
# that prerm kept, after the package's dependencies may have gone (apt
# autoremove, piuparts), so it needs nothing but libc.  json-c only prints
# what our own scanner has already validated (show), never parses.
JSONC_STATIC := -Wl,-Bstatic $(shell $(PKG_CONFIG) --static --libs json-c) -Wl,-Bdynamic
APT_LIBS     := $(shell $(PKG_CONFIG) --libs apt-pkg 2>/dev/null || echo -lapt-pkg)

WARN      := -Wall -Wextra
GEN       := $(BUILDDIR)/gen
MY_CPPFLAGS := -Isrc -I$(GEN) -D_GNU_SOURCE -DHERSH_VERSION=\"$(VERSION)\" $(CPPFLAGS)
MY_CFLAGS   := -std=c11 $(WARN) $(CFLAGS)
MY_CXXFLAGS := -std=c++17 $(WARN) $(CXXFLAGS)

# Sources, one folder per program (see docs/design.md):
#   src/lib/          shared by both C programs
#   src/daemon-json/  hersh-daemon-json
#   src/apt-source/   hersh-apt-source (apt.cc: the only C++ file, libapt-pkg)
# DJ_PURE is the pure core of hersh-daemon-json: bytes in, bytes out, no
# I/O, no globals.  The fuzzer links exactly these files, so a file that
# needs the system (file.c, main.c, the rest of lib/) stays out of it.
LIB_SRCS    := $(wildcard src/lib/*.c)
DJ_PURE     := $(addprefix src/daemon-json/,scan.c document.c edit.c style.c \
		show.c layout.c diff.c porcelain.c judge.c args.c) src/lib/strbuf.c
DJ_SRCS     := $(sort $(wildcard src/daemon-json/*.c) $(LIB_SRCS))
AS_SRCS     := $(wildcard src/apt-source/*.c) $(LIB_SRCS)
AS_CXXSRCS  := $(wildcard src/apt-source/*.cc)
# Test drivers of the lib (tests/unit/NAME-driver.c for tests/unit/NAME.bats):
# path resolution, replace and remove (dirpath); the lock (lock); a
# stand-in dockerd for the shell library's tests (dockerd).
TEST_PROGS  := $(BUILDDIR)/test-dirpath $(BUILDDIR)/test-lock $(BUILDDIR)/test-dockerd
# The shell side: one library (src/shell/lib.sh, sourced by the
# maintainer scripts, the config script and the check) and the check's
# parts (src/check/*.sh), installed in DATADIR with the generated facts.sh;
# the check itself (src/check/hersh-gvisor-check) goes to BINDIR with
# DATADIR written into it.  The tree's copy of that data directory is
# $(BUILDDIR)/share/hersh-gvisor, and $(BUILDDIR)/hersh-gvisor-check runs
# from it: the tests run the tree as the package would.
SHELL_LIB   := src/shell/lib.sh
CHECK_MAIN  := src/check/hersh-gvisor-check
CHECK_PARTS := $(wildcard src/check/*.sh)
TREE_SHARE  := $(BUILDDIR)/share/hersh-gvisor
TREE_SHELL  := $(TREE_SHARE)/lib.sh $(patsubst src/check/%,$(TREE_SHARE)/check/%,$(CHECK_PARTS)) \
	       $(BUILDDIR)/hersh-gvisor-check
MANPAGES    := $(wildcard man/*.[1-8])

obj = $(patsubst src/%,$(BUILDDIR)/%.o,$(1))

# The upstream facts (src/upstream.facts), generated once per build into
# what each language reads: facts.h for C, facts.sh for the shell library
# (see docs/design.md).  The C programs get the installed paths; facts.sh
# comes in two kinds: the tree's (build/share/hersh-gvisor, for the tests:
# helpers in build/) and the installed one.
FACTS      := src/upstream.facts
FACTS_GEN  := src/gen/facts
SHIPPED_KEY := src/keys/gvisor-archive.key
PATHS_INST := SBINDIR=$(SBINDIR) DATADIR=$(DATADIR) SHIPPED_KEY=$(DATADIR)/gvisor-archive.key
PATHS_TREE := SBINDIR=$(abspath $(BUILDDIR)) DATADIR=$(abspath $(BUILDDIR)/share/hersh-gvisor) \
	      SHIPPED_KEY=$(abspath $(SHIPPED_KEY))

$(GEN)/facts.h: $(FACTS) $(FACTS_GEN) Makefile
	@mkdir -p $(@D)
	$(FACTS_GEN) c $(FACTS) $(PATHS_INST) VERSION=$(VERSION) >$@.tmp && mv $@.tmp $@

$(GEN)/facts-install.sh: $(FACTS) $(FACTS_GEN) Makefile
	@mkdir -p $(@D)
	$(FACTS_GEN) sh $(FACTS) $(PATHS_INST) VERSION=$(VERSION) >$@.tmp && mv $@.tmp $@

$(BUILDDIR)/share/hersh-gvisor/facts.sh: $(FACTS) $(FACTS_GEN) Makefile
	@mkdir -p $(@D)
	$(FACTS_GEN) sh $(FACTS) $(PATHS_TREE) VERSION=$(VERSION) >$@.tmp && mv $@.tmp $@

# The shipped gVisor key must be the one the facts name: exactly one
# primary key, with that fingerprint (gpg lists it in a throwaway home).
$(GEN)/key-checked: $(SHIPPED_KEY) $(FACTS) src/gen/check-key
	@mkdir -p $(@D)
	src/gen/check-key $(SHIPPED_KEY) $$(sed -n 's/^FINGERPRINT=//p' $(FACTS))
	@touch $@

PROGS := $(BUILDDIR)/hersh-daemon-json $(BUILDDIR)/hersh-apt-source

all: $(PROGS) $(TEST_PROGS) $(GEN)/key-checked $(GEN)/facts-install.sh \
	$(BUILDDIR)/share/hersh-gvisor/facts.sh $(TREE_SHELL)

$(TREE_SHARE)/lib.sh: $(SHELL_LIB)
	@mkdir -p $(@D)
	cp $< $@

$(TREE_SHARE)/check/%.sh: src/check/%.sh
	@mkdir -p $(@D)
	cp $< $@

# The check with its data directory written in (the tree's here, the
# installed one by make install).
$(BUILDDIR)/hersh-gvisor-check: $(CHECK_MAIN) Makefile
	@mkdir -p $(@D)
	sed 's|@DATADIR@|$(abspath $(TREE_SHARE))|g' $< >$@.tmp && chmod 0755 $@.tmp && mv $@.tmp $@

$(BUILDDIR)/%.c.o: src/%.c $(wildcard src/*/*.h) $(GEN)/facts.h
	@mkdir -p $(@D)
	$(CC) $(MY_CPPFLAGS) $(JSONC_CFLAGS) $(MY_CFLAGS) -c -o $@ $<

$(BUILDDIR)/%.cc.o: src/%.cc $(wildcard src/*/*.h) $(GEN)/facts.h
	@mkdir -p $(@D)
	$(CXX) $(MY_CPPFLAGS) $(MY_CXXFLAGS) -c -o $@ $<

$(BUILDDIR)/hersh-daemon-json: $(call obj,$(DJ_SRCS))
	$(CC) $(MY_CFLAGS) $(LDFLAGS) -o $@ $^ $(JSONC_STATIC)

$(BUILDDIR)/hersh-apt-source: $(call obj,$(AS_SRCS) $(AS_CXXSRCS))
	$(CXX) $(MY_CXXFLAGS) $(LDFLAGS) -o $@ $^ $(APT_LIBS)

$(BUILDDIR)/test-%: tests/unit/%-driver.c $(LIB_SRCS) $(wildcard src/lib/*.h) $(GEN)/facts.h
	@mkdir -p $(@D)
	$(CC) $(MY_CPPFLAGS) $(MY_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(PROGS) $(DESTDIR)$(SBINDIR)/
	sed 's|@DATADIR@|$(DATADIR)|g' $(CHECK_MAIN) >$(BUILDDIR)/hersh-gvisor-check.install
	install -m 0755 $(BUILDDIR)/hersh-gvisor-check.install $(DESTDIR)$(BINDIR)/hersh-gvisor-check
	install -m 0644 $(SHELL_LIB) $(DESTDIR)$(DATADIR)/lib.sh
	install -m 0644 $(GEN)/facts-install.sh $(DESTDIR)$(DATADIR)/facts.sh
	[ -z "$(CHECK_PARTS)" ] || { install -d $(DESTDIR)$(DATADIR)/check && install -m 0644 $(CHECK_PARTS) $(DESTDIR)$(DATADIR)/check/; }
	install -m 0644 $(SHIPPED_KEY) $(DESTDIR)$(DATADIR)/gvisor-archive.key
	for m in $(MANPAGES); do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/; done

# Unit tests: any user; tests needing root or Docker skip themselves.
check: all
	HERSH_BIN_DIR=$(abspath $(BUILDDIR)) bats tests/unit

SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
check-sanitize:
	$(MAKE) BUILDDIR=build-san CFLAGS="$(SAN_FLAGS)" CXXFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  HERSH_BIN_DIR=$(CURDIR)/build-san bats tests/unit

$(BUILDDIR)/fuzz-dj-edit: tests/fuzz/fuzz_dj_edit.c $(DJ_PURE) $(wildcard src/*/*.h) $(GEN)/facts.h
	@mkdir -p $(@D)
	clang $(MY_CPPFLAGS) $(JSONC_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o $@ $(filter %.c,$^) $(JSONC_LIBS)

fuzz: $(BUILDDIR)/fuzz-dj-edit
	mkdir -p $(BUILDDIR)/fuzz-corpus
	$(BUILDDIR)/fuzz-dj-edit -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 \
	  -dict=tests/fuzz/dj_edit.dict -artifact_prefix=$(BUILDDIR)/ \
	  $(BUILDDIR)/fuzz-corpus tests/fixtures/daemon-json

# The package builds in debian/build (debian/rules); dpkg-buildpackage
# cleans the tree first (make clean: build/ and build-san/ go too, dist/
# stays).  Its files (.deb, dbgsym, .buildinfo, .changes) are written
# straight into dist/: nothing is picked up from the parent directory,
# where other builds leave theirs.
#   make deb ARCH=arm64  cross-builds for ARCH into dist/ARCH/ (needs
#                        crossbuild-essential-ARCH and the build
#                        dependencies for ARCH: apt-get build-dep -a ARCH
#                        -Pnocheck ./); the unit tests do not run.
BUILD_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
ARCH       ?= $(BUILD_ARCH)
DEB_ARCH   := $(ARCH)
DEB_CROSS  := $(filter-out $(BUILD_ARCH),$(DEB_ARCH))
DEB_DIR    := dist$(if $(DEB_CROSS),/$(DEB_ARCH))
DEB_BASE    = $(DEB_DIR)/hersh-gvisor_$(VERSION)_$(DEB_ARCH)
# (CC named for dpkg-architecture, which otherwise warns that cc is not
# a compiler for ARCH; debian/rules sets it again.)
DEB_TRIPLET = $(shell dpkg-architecture -a$(DEB_ARCH) -qDEB_HOST_GNU_TYPE 2>/dev/null)
deb:
	mkdir -p $(DEB_DIR)
	$(if $(DEB_CROSS),DEB_BUILD_OPTIONS="$(strip $(DEB_BUILD_OPTIONS) nocheck)" CC=$(DEB_TRIPLET)-gcc) \
	HERSH_DEB_DESTDIR=$(CURDIR)/$(DEB_DIR) dpkg-buildpackage -us -uc -b \
	  $(if $(DEB_CROSS),--host-arch=$(DEB_ARCH) -Pnocheck) \
	  --buildinfo-option=-u$(CURDIR)/$(DEB_DIR) --changes-option=-u$(CURDIR)/$(DEB_DIR) \
	  --buildinfo-file=$(CURDIR)/$(DEB_BASE).buildinfo \
	  --changes-file=$(CURDIR)/$(DEB_BASE).changes
	@ls $(DEB_BASE).changes $(DEB_BASE).deb

deb-install:
	apt-get update
	apt-get install -y --no-install-recommends build-essential dpkg-dev
	apt-get build-dep -y ./
	$(MAKE) deb
	apt-get install -y ./$$(ls dist/hersh-gvisor_*.deb | tail -n 1)

# Every build output: the programs (build/, the package's debian/build, any
# BUILDDIR), the sanitizer build, the fuzz corpus and crash inputs (in
# them).  dist/ holds the release artefacts (make deb, make repo): only
# distclean removes it.
clean:
	rm -rf build build-san debian/build $(BUILDDIR)

distclean: clean
	rm -rf dist

.PHONY: all install check check-sanitize fuzz deb deb-install clean distclean

# A signed apt repository of the built packages, for a fleet:
#   make repo KEY=<gpg key id> [REPO_DIR=dist/repo] [SUITE=stable]
# It publishes the packages of dist/ and, for each dist/ARCH/ (make deb
# ARCH=...), the ARCH ones there; every architecture gets its Packages.
# A version already published with other contents is refused (bump it in
# debian/changelog); the same files again change nothing.
REPO_DIR  ?= dist/repo
SUITE     ?= stable
REPO_DEBS ?= $(wildcard dist/*.deb) \
	     $(foreach d,$(wildcard dist/*/),$(wildcard $(d)*_$(notdir $(d:/=)).deb))
repo:
	@[ -n "$(KEY)" ] || { echo "make repo: name the signing key: make repo KEY=<gpg key id>" >&2; exit 2; }
	@[ -n "$(strip $(REPO_DEBS))" ] || { echo "make repo: no dist/*.deb: run make deb first" >&2; exit 1; }
	src/mkrepo/mkrepo.sh --key "$(KEY)" --suite "$(SUITE)" "$(REPO_DIR)" $(REPO_DEBS)
.PHONY: repo
