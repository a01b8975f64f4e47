# stacklab: one flat Makefile, read top to bottom.
#
#   make demo             run the lecture tour (writes diagrams/)
#   make check            build everything and run every test
#   make help             every other target
#
# Missing Debian packages are installed on the first build (target deps).

HOST_ARCH := $(shell uname -m)
ARCH    ?= $(HOST_ARCH)
PREFIX  ?= /usr/local
DESTDIR ?=
# Debian keeps /usr's libraries in lib/<multiarch> (lib/x86_64-linux-gnu).
MULTIARCH  := $(shell gcc -print-multiarch 2>/dev/null)
LIBDIR     ?= $(PREFIX)/lib$(if $(and $(filter /usr,$(PREFIX)),$(MULTIARCH)),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
VERSION := $(shell sed -n 's/^\#define STACKLAB_VERSION "\(.*\)"/\1/p' lib/include/stacklab/version.h)
SOMAJOR := 0
CXX     ?= g++

# ---- other architectures ----------------------------------------------------
# `make ARCH=aarch64 check` (or riscv64) cross-compiles with Debian's
# <arch>-linux-gnu-gcc and runs the programs under qemu-user.  There is no
# binfmt_misc here, so every run names qemu itself (RUN), with -L for the
# cross C library.  The arm64 libraries come from Debian's own .debs,
# unpacked into a sysroot under build/ (SYSROOT, below); riscv64 is not a
# Debian bookworm architecture, so it builds without them (ARCH_HAS_LIBS).
CROSS_ARCHES := aarch64 riscv64
ifneq ($(ARCH),$(HOST_ARCH))
ifeq ($(filter $(ARCH),$(CROSS_ARCHES)),)
$(error ARCH=$(ARCH): stacklab knows $(HOST_ARCH) (native) and $(CROSS_ARCHES))
endif
TRIPLE  := $(ARCH)-linux-gnu
ifeq ($(origin CC),default)
CC      := $(TRIPLE)-gcc
endif
AR      := $(TRIPLE)-ar
OBJDUMP := $(TRIPLE)-objdump
CROSS_BUILD := /$(ARCH)
SYSROOT  = build/sysroot-$(ARCH)
SYSLIBS  = $(abspath $(SYSROOT))/usr/lib/$(TRIPLE):$(abspath $(SYSROOT))/lib/$(TRIPLE)
RUN      = qemu-$(ARCH) -L /usr/$(TRIPLE) -E LD_LIBRARY_PATH=$(SYSLIBS)
endif
OBJDUMP ?= objdump

# Build outputs live under build/; clang's under build/clang/, so that
# `make CC=clang check` never links objects another compiler made; another
# architecture's under build/ARCH/.
BUILD   ?= build$(CROSS_BUILD)$(if $(findstring clang,$(CC)),/clang)

# ---- flags ------------------------------------------------------------------

OPT      ?= -O2 -g
SANITIZE ?=
SL_CFLAGS   = -std=gnu11 -Wall -Wextra -Werror $(OPT) -fno-omit-frame-pointer \
              $(SANITIZE) $(CFLAGS)
SL_CPPFLAGS = -D_GNU_SOURCE -Ilib/include -Ilib/internal -Iasm/$(ARCH) $(CPPFLAGS)
# The library: position independent, only the public headers' names
# exported, and thread-locals reached through %fs directly (initial exec):
# words and pointers only, about 200 bytes, so that a dlopen still
# finds room for them (lib/internal/thread_block.h).
LIB_CFLAGS  = -fPIC -fvisibility=hidden -ftls-model=initial-exec
# libunwind's and libdw's headers are on the compiler's default path on
# Debian (see `pkg-config --cflags libunwind libdw`).
# libunwind-ptrace (and the generic libunwind it needs) walks another
# process's stack; `pkg-config --libs libunwind-ptrace`.
LIBS     = -lunwind-ptrace -lunwind-generic -lunwind -ldw -lelf -lpthread
LDFLAGS ?=
SL_LDFLAGS = $(SANITIZE) $(LDFLAGS)
TEST_LIBS = -lcunit

# Per architecture: where the arm64 libraries are, and what riscv64 leaves
# out.  Debian's riscv64 gcc 12 writes CFI only to .debug_frame unless
# asked, and then nothing (glibc's backtrace, gdb without debug info) can
# unwind through our code: ask.
ifeq ($(ARCH),aarch64)
SL_CPPFLAGS += -isystem $(SYSROOT)/usr/include -isystem $(SYSROOT)/usr/include/$(TRIPLE)
SL_LDFLAGS  += -L$(SYSROOT)/usr/lib/$(TRIPLE) -Wl,-rpath-link,$(SYSLIBS)
endif
ifeq ($(ARCH),riscv64)
SL_CFLAGS   += -fasynchronous-unwind-tables
SL_CPPFLAGS += -DSL_WITHOUT_DWARF_LIBS
LIBS        := -lpthread
TEST_LIBS   :=
WITHOUT_DWARF_LIBS := riscv64 is not a Debian bookworm architecture: no libunwind, \
    libdw or libcunit for it.  Built without them: the CFI walk and symbols (file:line) \
    are left out; the FP walk, probe, shims and exceptions are in; the tests run on \
    tests/cunit/, a small stand-in for the part of CUnit they use.
endif

# ---- sources ----------------------------------------------------------------

# The calling-convention rules of every architecture (lib/arch/*/classify_*.c)
# are plain C and built everywhere; the rest of lib/arch/ only for its own.
LIB_SRC  := $(sort $(wildcard lib/*.c lib/arch/$(ARCH)/*.c asm/$(ARCH)/*.S lib/arch/*/classify_*.c))
# Without libunwind (riscv64) there is no libunwind-ptrace view of another process.
LIB_SRC  := $(if $(WITHOUT_DWARF_LIBS),$(filter-out lib/unwind_target.c lib/dwarf_expr.c,$(LIB_SRC)),$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libstacklab.a
LIB_SO   := $(BUILD)/libstacklab.so
HEADERS  := $(wildcard lib/include/stacklab/*.h)
# The library's own headers, which the tests include too: a change to a
# struct in one must rebuild every object that lays it out (a test built
# against the old size overruns the new one's array).
INTERNAL_HEADERS := $(wildcard lib/internal/*.h lib/arch/$(ARCH)/*.h asm/$(ARCH)/*.h)
TEST_HEADERS     := $(wildcard tests/*.h tests/arch/$(ARCH)/*.h)

# tests/arch/$(ARCH)/ holds the architecture's own part of a suite (the abi
# suite's test_abi_arch.c and abi_fixtures.S); a file there that has a
# namesake in tests/ stands in for it (frames_fixture_blind.S).
TEST_ARCH_SRC := $(wildcard tests/arch/$(ARCH)/*.c tests/arch/$(ARCH)/*.S)
TEST_SRC := $(filter-out $(TEST_ARCH_SRC:tests/arch/$(ARCH)/%=tests/%),$(wildcard tests/*.c tests/*.S)) \
            $(TEST_ARCH_SRC) $(if $(TEST_LIBS),,$(wildcard tests/cunit/*.c))
TEST_OBJ := $(TEST_SRC:%=$(BUILD)/%.o)
RUN_TESTS := $(BUILD)/tests/run_tests
CXX_HEADERS := $(BUILD)/tests/cxx_headers

# The `stacklab` command: cli/ and its per-architecture part, by path.
CLI_SRC  := $(wildcard cli/*.c cli/*.S cli/arch/$(ARCH)/*.c)
CLI_OBJ  := $(CLI_SRC:%=$(BUILD)/%.o)
# Built natively only: it traces programs of this machine's architecture
# (cli/arch/$(ARCH)/ is the seam), never under qemu.
CLI      := $(if $(RUN),,$(if $(wildcard cli/arch/$(ARCH)/*.c),$(BUILD)/stacklab))

BENCH_SRC := $(wildcard tests/bench/*.c tests/bench/*.cc)
BENCH_OBJ := $(BENCH_SRC:%=$(BUILD)/%.o)
BENCH     := $(BUILD)/bench/bench

# The tour, in lecture order; a demo is demos/NAME.c, plus optionally
# demos/NAME.S and demos/NAME-*.c (parts built with other flags).
DEMO_ORDER := address_space calling_convention prologue_epilogue recursion \
              exceptions unwinding callee_saved stack_smash setjmp_inside segfault \
              stack_and_heap
DEMOS      := $(foreach d,$(DEMO_ORDER) $(filter-out $(DEMO_ORDER),$(notdir \
              $(basename $(wildcard demos/[a-z]*.c)))),$(if $(wildcard demos/$(d).c),$(d)))
DEMOS      := $(filter-out lecture $(foreach d,$(DEMOS),$(if $(findstring -,$(d)),$(d))),$(DEMOS))
# Under qemu-user, the demos whose C holds on every architecture, and
# calling_convention, prologue_epilogue and unwinding from demos/ports/
# (the x86-64 ones have a Microsoft x64 column, or trace x86-64 assembly).
# The others are x86-64 lessons as written (their assembly or their text
# names x86-64 registers: callee_saved, stack_smash, setjmp_inside),
# or need a real kernel's address space (address_space: qemu-user
# emulates /proc/self/maps, with no [heap]).
ifneq ($(TRIPLE),)
DEMOS      := calling_convention prologue_epilogue unwinding recursion exceptions segfault
endif
DEMO_SUPPORT := $(patsubst %,$(BUILD)/%.o,$(wildcard demos/lecture.c))
DEMO_BINS  := $(DEMOS:%=$(BUILD)/demos/%)
DIAGRAMS   ?= diagrams

.PHONY: all deps deps-cross demo diagrams check test check-oracle check-sanitize check-cli check-valgrind bench \
        dropin check-dropin film check-browser check-cross \
        listings install uninstall clean help
.DELETE_ON_ERROR:

all: $(LIB_A) $(LIB_SO) $(DEMO_BINS) $(RUN_TESTS) $(CLI)

help:
	@echo "make demo [DEMO=name] [STEP=1]  the lecture tour, or one demo"
	@echo "make check                      build, run the test suite, smoke-run the demos, fuzz the probe"
	@echo "make check-oracle               the walkers against gdb and eu-stack (make check runs it too)"
	@echo "make fuzz [FUZZ_SEED=n FUZZ_CASES=n]  the probe fuzzer alone (x86-64; gcc and clang)"
	@echo "make check-sanitize             the suite and the command's tests under ASan + UBSan"
	@echo "make check-valgrind             the suite under valgrind"
	@echo "make bench                      benchmarks: instructions (callgrind) and ns"
	@echo "make diagrams                   regenerate every demo's diagrams"
	@echo "make film                       stacklab film's lecture films (HTML) in diagrams/"
	@echo "make check-browser              the films checked in headless Chromium, against gdb"
	@echo "make listings                   disassembly of the shims and demos in build/listings/"
	@echo "make install [PREFIX=/usr/local] [DESTDIR=]   and make uninstall"
	@echo "make deps                       install missing Debian packages"
	@echo "make ARCH=aarch64 check         (or riscv64) cross-build, run the suites under qemu-user"
	@echo "make deps-cross                 install the cross compilers and qemu-user"
	@echo "make dropin                     regenerate dropin/stacklab_except.h"
	@echo "make check-cross                the drop-in's except suite on aarch64, riscv64, armhf (qemu)"
	@echo "make clean"
	@echo "Demos: $(DEMOS)"

# ---- dependencies -------------------------------------------------------------
# Probes for each command and library; installs only what is missing, so a
# second run costs nothing.  Every object waits for the stamp.

DEB_PACKAGES := gcc g++ make binutils pkg-config libunwind-dev libcunit1-dev graphviz \
                libdw-dev libelf-dev clang valgrind chromium gdb elfutils python3

deps:
	@missing=""; \
	for probe in gcc:gcc g++:g++ clang:clang pkg-config:pkg-config dot:graphviz \
	             valgrind:valgrind gdb:gdb objdump:binutils chromium:chromium eu-stack:elfutils \
	             python3:python3; do \
	    command -v $${probe%%:*} >/dev/null 2>&1 || missing="$$missing $${probe#*:}"; \
	done; \
	for probe in libunwind:libunwind-dev libunwind-ptrace:libunwind-dev libdw:libdw-dev libelf:libelf-dev cunit:libcunit1-dev; do \
	    pkg-config --exists $${probe%%:*} 2>/dev/null || missing="$$missing $${probe#*:}"; \
	done; \
	for probe in $(CROSS_PROBES); do \
	    [ -e "$${probe%%:*}" ] || command -v $${probe%%:*} >/dev/null 2>&1 || \
	        missing="$$missing $${probe#*:}"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	echo "stacklab: missing Debian packages:$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else \
	    echo "stacklab: need root to install them; run as root:" >&2; \
	    echo "    apt-get update && apt-get install -y$$missing" >&2; \
	    exit 1; \
	fi; \
	echo "stacklab: installing them with $${sudo:+sudo }apt-get"; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing \
	    >/dev/null || { \
	    echo "stacklab: apt-get failed; try: apt-get update && apt-get install -y$$missing" >&2; \
	    exit 1; }

# For another architecture: its cross compiler, C library and qemu-user
# (Debian package names: the arm64 C library is libc6-dev-arm64-cross).
# `make deps-cross` installs them for both, as CI does; a native build
# never asks for them.
CROSS_DEBARCH = $(if $(filter aarch64,$(1)),arm64,$(1))
CROSS_PROBES  = $(if $(TRIPLE),$(TRIPLE)-gcc:gcc-$(TRIPLE) \
                /usr/$(TRIPLE)/lib/libc.so:libc6-dev-$(call CROSS_DEBARCH,$(ARCH))-cross \
                qemu-$(ARCH):qemu-user)

deps-cross:
	@for a in $(CROSS_ARCHES); do \
	    $(MAKE) --no-print-directory ARCH=$$a deps || exit 1; \
	done

$(BUILD)/.deps-ok: $(if $(filter aarch64,$(ARCH)),$(SYSROOT)/.ok)
	@$(MAKE) --no-print-directory deps
	@mkdir -p $(@D) && touch $@

# The arm64 libraries, unpacked from Debian's own packages into SYSROOT.
# apt-get runs with a private package list for arm64 under SYSROOT/apt, so
# the machine's own apt configuration and installed packages stay as they
# are (a multiarch :arm64 install would upgrade ~20 amd64 packages in step).
SYSROOT_DEBS := libunwind8 libunwind-dev libdw1 libdw-dev libelf1 libelf-dev \
                libcunit1 libcunit1-dev zlib1g liblzma5 libzstd1 libbz2-1.0
SYSROOT_APT   = apt-get -q -o APT::Architecture=arm64 -o APT::Architectures=arm64 \
                -o Dir::State::Lists=$(abspath $(SYSROOT))/apt/lists \
                -o Dir::Cache=$(abspath $(SYSROOT))/apt/cache \
                -o Dir::State::Status=/dev/null -o Debug::NoLocking=1

$(SYSROOT)/.ok:
	@echo "stacklab: fetching the arm64 libraries into $(SYSROOT) (once)"
	@rm -rf $(SYSROOT) && mkdir -p $(SYSROOT)/apt/lists/partial $(SYSROOT)/apt/cache/archives/partial \
	    $(SYSROOT)/apt/debs
	@$(SYSROOT_APT) update >$(SYSROOT)/apt/log 2>&1 && \
	cd $(SYSROOT)/apt/debs && $(SYSROOT_APT) download $(SYSROOT_DEBS) >>../log 2>&1 || { \
	    echo "stacklab: could not fetch the arm64 packages ($(SYSROOT)/apt/log):" >&2; \
	    tail -3 $(SYSROOT)/apt/log >&2; exit 1; }
	@for d in $(SYSROOT)/apt/debs/*.deb; do dpkg-deb -x $$d $(SYSROOT) || exit 1; done
	@rm -rf $(SYSROOT)/apt/lists $(SYSROOT)/apt/cache
	@touch $@

# ---- the library ------------------------------------------------------------

$(BUILD)/lib/%.c.o: lib/%.c $(HEADERS) $(INTERNAL_HEADERS) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SL_CPPFLAGS) $(SL_CFLAGS) $(LIB_CFLAGS) -c $< -o $@

# Per-architecture C headers of the library (lib/arch/$(ARCH)/*.h), by path.
$(BUILD)/lib/%.c.o: SL_CPPFLAGS += -Ilib/arch/$(ARCH)

$(BUILD)/asm/%.S.o: asm/%.S $(wildcard asm/$(ARCH)/*.h) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SL_CPPFLAGS) $(SANITIZE) -fPIC -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# -z nodelete: dlclose leaves the library loaded, because threads that
# used it run its pthread-key destructors when they exit, later.
$(LIB_SO): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libstacklab.so.$(SOMAJOR) -Wl,--no-undefined -Wl,-z,noexecstack \
	    -Wl,-z,nodelete \
	    $(SL_LDFLAGS) -o $@.$(VERSION) $^ $(LIBS)
	ln -sf libstacklab.so.$(VERSION) $@.$(SOMAJOR)
	ln -sf libstacklab.so.$(SOMAJOR) $@

# ---- the command --------------------------------------------------------------
# Only the public headers: the command is a user of the library, linked
# statically like the demos so that an installed copy runs anywhere.

CLI_CPPFLAGS = -D_GNU_SOURCE -Ilib/include -Icli $(CPPFLAGS) \
               -DSTACKLAB_VERSION='"$(VERSION)"' -DSTACKLAB_DEMOS='"$(DEMOS)"'

$(BUILD)/cli/%.c.o: cli/%.c $(HEADERS) $(wildcard cli/*.h) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CLI_CPPFLAGS) $(SL_CFLAGS) -c $< -o $@

ifneq ($(CLI),)
$(CLI): $(CLI_OBJ) $(LIB_A)
	$(CC) $(SL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB_A) $(LIBS)
endif

# ---- films ------------------------------------------------------------------
# `stacklab film`'s page template is built into the command (film_page.S
# .incbin's it), and its subjects are plain programs built -O0 -g, the way a
# student builds one: factorial(4) stepped line by line, one call through
# the hand-written prologue and epilogue of sl_asm_framed (asm/$(ARCH)/frames.S,
# assembled here with -g so the film shows its source) stepped by instruction,
# and a list on the heap summed through pointers (heap boxes and arrows).

FILM_SUBJECTS := $(BUILD)/demos/film/factorial $(BUILD)/demos/film/prologue
FILM_BENCH    := $(BUILD)/tests/bench/film/recursion
SUBJECT_FLAGS  = -std=gnu11 -O0 -g -fno-omit-frame-pointer -Wall -Wextra -Werror

$(BUILD)/cli/film_page.S.o: cli/film_page.S cli/film_page.html | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) -c $< -o $@

FILM_POINTERS := $(BUILD)/demos/film/pointers

$(BUILD)/demos/film/factorial $(FILM_POINTERS) $(FILM_BENCH): $(BUILD)/%: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SUBJECT_FLAGS) -o $@ $<

$(BUILD)/demos/film/prologue: demos/film/prologue.c asm/$(ARCH)/frames.S | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SUBJECT_FLAGS) -Ilib/include -o $@ $^

film: $(CLI) $(FILM_SUBJECTS) $(FILM_POINTERS)
	@mkdir -p $(DIAGRAMS)
	$(CLI) film --stable --title "factorial(4): one frame per call" \
	    -o $(DIAGRAMS)/film-factorial.html -- $(BUILD)/demos/film/factorial 4
	$(CLI) film --stable --instructions sl_asm_framed \
	    --title "sl_asm_framed: a prologue and an epilogue, one instruction a step" \
	    -o $(DIAGRAMS)/film-prologue.html -- $(BUILD)/demos/film/prologue
	$(CLI) film --stable --title "a list on the heap, summed through pointers" \
	    -o $(DIAGRAMS)/film-pointers.html -- $(FILM_POINTERS)
	@echo "Films written: $(DIAGRAMS)/film-factorial.html $(DIAGRAMS)/film-prologue.html" \
	    "$(DIAGRAMS)/film-pointers.html"

# The browser test: headless Chromium against gdb (CI runs it).
check-browser: $(CLI) $(BUILD)/demos/film/factorial
	$(SHELL) tests/film_browser.sh $(CLI) $(BUILD)/demos/film/factorial

# ---- tests ------------------------------------------------------------------

$(BUILD)/tests/%.o: tests/% $(HEADERS) $(INTERNAL_HEADERS) $(TEST_HEADERS) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SL_CPPFLAGS) -Itests -Itests/arch/$(ARCH) -Ilib/arch/$(ARCH) $(SL_CFLAGS) -c $< -o $@

$(BUILD)/tests/bench/%.cc.o: tests/bench/%.cc | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CXX) $(SL_CPPFLAGS) -Itests/bench $(OPT) -Wall -Wextra -Werror -fno-omit-frame-pointer -c $< -o $@

# A throw calls __errno_location (errno is recorded): through the GOT, not
# a PLT stub, like the library's own hot calls (SL_NOPLT).
$(BUILD)/lib/except.c.o: SL_CFLAGS += -fno-plt

# The frames suite's fixture without frame pointers.
$(BUILD)/tests/frames_fixture_nofp.c.o: SL_CFLAGS += -fomit-frame-pointer
$(BUILD)/tests/frames_fixture_canary.c.o: SL_CFLAGS += -fstack-protector-all
$(BUILD)/tests/frames_fixture_canary_nofp.c.o: SL_CFLAGS += -fstack-protector-all -fomit-frame-pointer
# The variables suite's fixture, the same code at three optimization levels,
# in DWARF 5 (location lists in .debug_loclists) and DWARF 4 (.debug_loc).
$(BUILD)/tests/variables_fixture_O0.c.o: SL_CFLAGS += -O0 -gdwarf-5
$(BUILD)/tests/variables_fixture_Og.c.o: SL_CFLAGS += -Og -gdwarf-5
$(BUILD)/tests/variables_fixture_O2.c.o: SL_CFLAGS += -O2 -gdwarf-5
$(BUILD)/tests/variables_fixture_O0_d4.c.o: SL_CFLAGS += -O0 -gdwarf-4
$(BUILD)/tests/variables_fixture_Og_d4.c.o: SL_CFLAGS += -Og -gdwarf-4
$(BUILD)/tests/variables_fixture_O2_d4.c.o: SL_CFLAGS += -O2 -gdwarf-4
# (Explicit targets: a pattern rule without a recipe would add no prerequisite.)
VARIABLES_FIXTURES := $(patsubst %,$(BUILD)/tests/variables_fixture_%.c.o,O0 Og O2 O0_d4 Og_d4 O2_d4)
$(VARIABLES_FIXTURES) $(BUILD)/tests/test_variables.c.o: tests/fixtures/variables_body.c \
    tests/variables_fixture.h
# The fixtures' exact values describe code as students compile it: without
# ASan, which moves address-taken locals into redzoned slots of its own.
# (check-sanitize still runs the library that reads them under ASan.)
$(BUILD)/tests/variables_fixture_%.c.o: override SANITIZE =
# Nested TRYs must stay -Wshadow clean; the except suite also runs the
# compiler on tests/refused/ (mistakes it must refuse), with this CC.
$(BUILD)/tests/except_shadow.c.o: SL_CFLAGS += -Wshadow
$(BUILD)/tests/test_except.c.o: SL_CPPFLAGS += -DSL_TEST_CC='"$(CC)"' -DSL_TEST_ROOT='"$(CURDIR)"' \
    -DSL_TEST_INCLUDE='"-I$(CURDIR)/lib/include"'

$(RUN_TESTS): $(filter-out $(BUILD)/tests/bench/%,$(TEST_OBJ)) $(LIB_A)
	$(CC) $(SL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(TEST_LIBS) -lm $(LIBS)

# Another architecture's tests run under qemu-user: they say where that
# matters (no ptrace, no native gdb).
ifneq ($(TRIPLE),)
$(BUILD)/tests/%.o: SL_CPPFLAGS += -DSL_TEST_UNDER_QEMU
endif

# Without libcunit the suites include tests/cunit/'s headers.
ifeq ($(TEST_LIBS),)
$(BUILD)/tests/%.o: SL_CPPFLAGS += -Itests/cunit
endif

# The gdb oracle suite (tests/oracle_gdb.sh, part of check): a fixture whose
# parts are built with the flags that are their subject, by $(CC) (CI runs
# make check with gcc and with clang), linked to the library; gdb runs it
# and tests/oracle/compare.py (Python, inside gdb) compares, with gdb and
# with eu-stack (elfutils) on a core file gdb writes.  x86-64
# natively only: compare.py reads x86-64's registers and disassembly, and
# gdb runs the fixture on this machine (under qemu-user it would need
# qemu's gdb stub and a gdb for the other architecture).
ORACLE_SRC  := $(wildcard tests/oracle/*.c)
ORACLE_BIN  := $(strip $(if $(filter x86_64,$(ARCH)),$(if $(filter x86_64,$(HOST_ARCH)),\
               $(BUILD)/oracle/fixture)))
ORACLE_CC   := $(if $(findstring clang,$(CC)),clang,$(if $(filter cc,$(notdir $(CC))),gcc,$(notdir $(CC))))
ORACLE_RUN   = $(if $(ORACLE_BIN),$(SHELL) tests/oracle_gdb.sh $(ORACLE_BIN) $(ORACLE_CC),\
               @echo "oracle: skipped on $(ARCH): the gdb oracle suite is x86-64 only"\
               "(compare.py reads x86-64's registers and code)")
ORACLE_FLAGS_fixture                = -fno-stack-protector
ORACLE_FLAGS_fixture_nofp           = -fomit-frame-pointer -fno-stack-protector
ORACLE_FLAGS_fixture_protected      = -fstack-protector-all
ORACLE_FLAGS_fixture_protected_nofp = -fomit-frame-pointer -fstack-protector-all

$(BUILD)/oracle/%.o: tests/oracle/%.c tests/oracle/fixture.h $(HEADERS) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SL_CPPFLAGS) $(SL_CFLAGS) $(ORACLE_FLAGS_$*) -c $< -o $@
$(BUILD)/oracle/fixture: $(ORACLE_SRC:tests/oracle/%.c=$(BUILD)/oracle/%.o) $(LIB_A)
	$(CC) $(SL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(LIBS)

# libstacklab.so loaded by dlopen into a program that does not link it,
# through a plugin linked with it (tests/dlopen/main.c says what it checks).
DLOPEN_TEST   := $(BUILD)/tests/dlopen/main
DLOPEN_PLUGIN := $(BUILD)/tests/dlopen/plugin.so
$(DLOPEN_PLUGIN): tests/dlopen/plugin.c $(HEADERS) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(SL_CPPFLAGS) $(SL_CFLAGS) -fPIC -shared $(SL_LDFLAGS) -o $@ $< -L$(BUILD) -lstacklab
$(DLOPEN_TEST): tests/dlopen/main.c $(DLOPEN_PLUGIN)
	@mkdir -p $(@D)
	$(CC) $(SL_CPPFLAGS) $(SL_CFLAGS) $(SL_LDFLAGS) -o $@ $< -ldl -lpthread

# `make test` runs the suite alone (`make test SUITE=except` one suite).
test: $(RUN_TESTS)
	$(if $(WITHOUT_DWARF_LIBS),@echo "stacklab: $(strip $(WITHOUT_DWARF_LIBS))")
	$(RUN) $(RUN_TESTS) $(SUITE)

check: $(RUN_TESTS) $(DLOPEN_TEST) $(DEMO_BINS) $(CLI) $(if $(CLI),$(FILM_SUBJECTS)) $(ORACLE_BIN) \
        $(if $(CROSS_BUILD),,check-dropin $(CXX_HEADERS))
	$(if $(WITHOUT_DWARF_LIBS),@echo "stacklab: $(strip $(WITHOUT_DWARF_LIBS))")
	$(RUN) $(RUN_TESTS)
	$(RUN) $(DLOPEN_TEST) $(LIB_SO) $(DLOPEN_PLUGIN)
	$(ORACLE_RUN)
	$(if $(CLI),$(SHELL) tests/cli.sh $(CLI))
	$(if $(CLI),$(SHELL) tests/film.sh $(CLI) $(FILM_SUBJECTS))
	$(if $(wildcard tests/demos.sh),ARCH=$(ARCH) RUN="$(RUN)" $(SHELL) tests/demos.sh $(BUILD)/demos $(DEMOS))
	$(if $(CROSS_BUILD),,$(CXX_HEADERS))
	$(if $(CROSS_BUILD),,MAKE="$(MAKE)" CC="$(CC)" $(SHELL) tests/install.sh)

# Every public header compiled as C++11 and linked by its C names.
$(CXX_HEADERS): tests/cxx_headers.cc $(HEADERS) lib/include/stacklab.h $(LIB_A)
	@mkdir -p $(@D)
	$(CXX) -std=c++11 -Wall -Wextra -Werror $(OPT) -fno-omit-frame-pointer -Ilib/include \
	    $(SANITIZE) -o $@ $< $(LIB_A) $(LIBS)

# The gdb oracle suite alone (make check runs it too).
check-oracle: $(ORACLE_BIN)
	$(ORACLE_RUN)

# ---- the probe fuzzer (x86-64) -------------------------------------------------
# A fixed-seed generator writes FUZZ_CASES random prototypes (every C type
# the classifier reads, nested structs, unions, arrays, packed members,
# variadic calls, System V and ms_abi).  gcc and clang each compile them at
# -O0 and -O2, and each argument's place as the classifier
# predicts it is checked against the probe's snapshot at entry.  A
# disagreement prints the prototype and fails.

FUZZ_SEED  ?= 20261202
FUZZ_CASES ?= 300
FUZZ_DIR   := $(BUILD)/fuzz
FUZZ_VARIANTS := gcc-O0 gcc-O2 clang-O0 clang-O2
FUZZ_BINS  := $(if $(filter x86_64,$(ARCH)),$(FUZZ_VARIANTS:%=$(FUZZ_DIR)/probe_fuzz-%))

$(FUZZ_DIR)/probe_fuzz_gen: tests/fuzz/probe_fuzz_gen.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

$(FUZZ_DIR)/cases.c: $(FUZZ_DIR)/probe_fuzz_gen Makefile
	$< $(FUZZ_SEED) $(FUZZ_CASES) > $@.tmp && mv $@.tmp $@

# cases-gcc-O2.o: the cases as gcc -O2 compiles them.
$(FUZZ_DIR)/cases-%.o: $(FUZZ_DIR)/cases.c tests/fuzz/probe_fuzz.h $(HEADERS)
	$(firstword $(subst -, ,$*)) $(SL_CPPFLAGS) -Itests/fuzz -std=gnu11 -Wall -Wextra -Werror \
	    -Wno-psabi -$(lastword $(subst -, ,$*)) -c $< -o $@

$(BUILD)/tests/fuzz/probe_fuzz.c.o: tests/fuzz/probe_fuzz.h

$(FUZZ_DIR)/probe_fuzz-%: $(FUZZ_DIR)/cases-%.o $(BUILD)/tests/fuzz/probe_fuzz.c.o $(LIB_A)
	$(CC) $(SL_LDFLAGS) -o $@ $^ $(LIBS)

.PHONY: fuzz
.PRECIOUS: $(FUZZ_DIR)/cases.c $(FUZZ_DIR)/cases-%.o $(BUILD)/tests/fuzz/%.o

fuzz: $(FUZZ_BINS)
	$(if $(FUZZ_BINS),@for v in $(FUZZ_VARIANTS); do \
	    $(FUZZ_DIR)/probe_fuzz-$$v "$$(echo $$v | tr - ' ')" || exit 1; done, \
	    @echo "fuzz: skipped on $(ARCH): the probe fuzzer's cases are x86-64's (ms_abi, __float128)")

# Under gcc and clang alike: the cases are built by both whatever CC is,
# and the classifier judging them is built by CC (a few seconds).
check: fuzz

# check-sanitize runs the suite and the command's tests (tests/cli.sh,
# tests/film.sh) with everything built under ASan + UBSan: a leak, an
# overflow or undefined behaviour in the command or the library it calls
# fails the run.
check-sanitize:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/sanitize \
	    SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" test check-cli

# The command's own tests alone (make check runs them too).
check-cli: $(CLI) $(if $(CLI),$(FILM_SUBJECTS))
	$(if $(CLI),$(SHELL) tests/cli.sh $(CLI))
	$(if $(CLI),$(SHELL) tests/film.sh $(CLI) $(FILM_SUBJECTS))

# check-valgrind also runs the command under valgrind, once per kind of
# work: a snap drawn through Graphviz, an address-space map, and a film with
# heap boxes (the traced program itself runs natively: valgrind does not
# follow the exec).  A few seconds each; tests/cli.sh whole would take long.
VALGRIND = valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
           --show-leak-kinds=definite \
           --suppressions=tests/valgrind.supp
check-valgrind: $(RUN_TESTS) $(CLI) $(if $(CLI),$(FILM_POINTERS))
	$(VALGRIND) $(RUN_TESTS) $(SUITE)
	$(if $(CLI),$(VALGRIND) $(CLI) snap --at sum -o $(BUILD)/valgrind-snap.svg -- $(FILM_POINTERS))
	$(if $(CLI),$(VALGRIND) $(CLI) maps --at sum -o $(BUILD)/valgrind-maps.txt -- $(FILM_POINTERS))
	$(if $(CLI),$(VALGRIND) $(CLI) film -o $(BUILD)/valgrind-film.html -- $(FILM_POINTERS))

# ---- the drop-in header ---------------------------------------------------------
# dropin/stacklab_except.h is the exceptions in one file, generated from the
# library's own sources by dropin/generate.sh (`make dropin`) and committed.
# check-dropin fails when the committed file is stale, then runs the except
# suite built on it with both of its contexts (x86-64's assembly, and the
# __builtin_setjmp every other architecture uses), and builds a two-file
# program with it as strict C11 with gcc and clang.  check-cross runs the
# same suite cross-built for other architectures under qemu-user.

DROPIN       := dropin/stacklab_except.h
DROPIN_SRC   := dropin/generate.sh dropin/head.h dropin/backtrace_libc.c \
                lib/include/stacklab/context.h lib/include/stacklab/except.h \
                lib/internal/except_internal.h lib/context.c lib/except.c lib/except_signal.c \
                $(wildcard asm/generic/*) asm/x86_64/context.h asm/x86_64/try.h asm/x86_64/context.S
DROPIN_TESTS := tests/run_tests.c tests/test_except.c tests/except_shadow.c tests/dropin/impl.c
DROPIN_CFLAGS = -std=gnu11 -Wall -Wextra -Werror $(OPT) -fno-omit-frame-pointer -D_GNU_SOURCE \
                -DSL_TEST_DROPIN -Itests/dropin -Idropin -Itests \
                -DSL_TEST_CC='"$(CC)"' -DSL_TEST_ROOT='"$(CURDIR)"' \
                -DSL_TEST_INCLUDE='"-I$(CURDIR)/tests/dropin -I$(CURDIR)/dropin"'
DROPIN_RUNS  := $(BUILD)/dropin/run_except $(BUILD)/dropin/run_except_portable

dropin:
	$(SHELL) dropin/generate.sh

$(BUILD)/dropin/fresh.h: $(DROPIN_SRC)
	@mkdir -p $(@D)
	$(SHELL) dropin/generate.sh $@

$(BUILD)/dropin/nofp.o: tests/frames_fixture_nofp.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(DROPIN_CFLAGS) -fomit-frame-pointer -c $< -o $@

$(BUILD)/dropin/run_except: $(DROPIN_TESTS) $(DROPIN) tests/harness.h $(BUILD)/dropin/nofp.o
	$(CC) $(DROPIN_CFLAGS) -o $@ $(DROPIN_TESTS) $(BUILD)/dropin/nofp.o $(TEST_LIBS) -lm -lpthread

$(BUILD)/dropin/run_except_portable: $(DROPIN_TESTS) $(DROPIN) tests/harness.h $(BUILD)/dropin/nofp.o
	$(CC) $(DROPIN_CFLAGS) -DSL_DROPIN_PORTABLE -o $@ $(DROPIN_TESTS) $(BUILD)/dropin/nofp.o \
	    $(TEST_LIBS) -lm -lpthread

check-dropin: $(BUILD)/dropin/fresh.h $(DROPIN_RUNS)
	@cmp -s $(DROPIN) $(BUILD)/dropin/fresh.h || { \
	    echo "check-dropin: $(DROPIN) differs from what dropin/generate.sh makes of" \
	         "today's sources: run 'make dropin' and commit it" >&2; exit 1; }
	$(BUILD)/dropin/run_except
	$(BUILD)/dropin/run_except_portable
	@for cc in gcc clang; do for how in "" -DSL_DROPIN_PORTABLE; do \
	    echo "$$cc -std=c11 -pedantic -Werror $$how: two files, run"; \
	    $$cc -std=c11 -pedantic -Wall -Wextra -Werror $$how -Idropin -Itests/dropin \
	        -o $(BUILD)/dropin/two_units tests/dropin/two_units_main.c \
	        tests/dropin/two_units_parse.c -pthread && \
	    $(BUILD)/dropin/two_units || exit 1; \
	done; done

# ---- benchmarks -------------------------------------------------------------
# Linked against the shared library, as users link it.  libgcc_s comes first:
# libunwind also defines _Unwind_RaiseException, and the g++ baseline must
# throw with the unwinder a g++ program normally gets.

# sl_stack_read_variables' case reads a recursion built as students build
# theirs; tests/bench/variables.sh compares the same read with gdb's bt full.
$(BUILD)/tests/bench/bench_variables.c.o: SL_CFLAGS += -O0
VARIABLES_BENCH := $(BUILD)/tests/bench/variables/recursion
$(VARIABLES_BENCH): tests/bench/variables/recursion.c $(LIB_SO) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SUBJECT_FLAGS) -Ilib/include -o $@ $< -L$(BUILD) -Wl,-rpath,$(abspath $(BUILD)) -lstacklab

$(BENCH): $(filter $(BUILD)/tests/bench/%,$(BENCH_OBJ)) $(LIB_SO)
	@mkdir -p $(@D)
	$(CXX) -o $@ $(filter %.o,$^) -Wl,--push-state,--no-as-needed -lgcc_s -Wl,--pop-state \
	    -L$(BUILD) -Wl,-rpath,$(abspath $(BUILD)) -lstacklab $(LIBS)

# The drop-in on other architectures: the except suite cross-built with
# Debian's cross compilers, linked statically, run under qemu-user (no
# binfmt_misc here: qemu is named).  Needs about 400 MB of packages, so a
# plain `make check` does not ask for them; this target installs them.
CROSS_DROPIN := aarch64:aarch64-linux-gnu:arm64 riscv64:riscv64-linux-gnu:riscv64 \
                arm:arm-linux-gnueabihf:armhf

check-cross: $(DROPIN)
	@missing=""; for c in $(CROSS_DROPIN); do t=$$(echo $$c | cut -d: -f2); \
	    d=$$(echo $$c | cut -d: -f3); q=$${c%%:*}; \
	    command -v $$t-gcc >/dev/null 2>&1 || missing="$$missing gcc-$$t"; \
	    [ -e /usr/$$t/lib/libc.a ] || missing="$$missing libc6-dev-$$d-cross"; \
	    command -v qemu-$$q >/dev/null 2>&1 || missing="$$missing qemu-user"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "check-cross: installing$$missing"; \
	    $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
	        apt-get install -y -qq --no-install-recommends $$(echo $$missing | tr ' ' '\n' | sort -u) \
	        >/dev/null || { echo "check-cross: apt-get failed for$$missing" >&2; exit 1; }; \
	fi
	@for c in $(CROSS_DROPIN); do t=$$(echo $$c | cut -d: -f2); q=$${c%%:*}; \
	    out=$(BUILD)/cross/$$q; mkdir -p $$out; \
	    echo "check-cross: the except suite on the drop-in, $$t-gcc -static, qemu-$$q"; \
	    $$t-gcc -static -std=gnu11 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE \
	        -funwind-tables -fasynchronous-unwind-tables \
	        -DSL_TEST_DROPIN -Itests/dropin -Idropin -Itests -Itests/cunit \
	        -DSL_TEST_CC="\"$$t-gcc\"" -DSL_TEST_ROOT='"$(CURDIR)"' \
	        -DSL_TEST_INCLUDE='"-I$(CURDIR)/tests/dropin -I$(CURDIR)/dropin"' \
	        -o $$out/run_except $(DROPIN_TESTS) tests/frames_fixture_nofp.c \
	        tests/cunit/cunit_lite.c -lm -pthread || exit 1; \
	    qemu-$$q $$out/run_except || exit 1; \
	done

# The exceptions' cases again, built on the drop-in header (no library).
BENCH_DROPIN := $(BUILD)/bench/dropin/bench
$(BUILD)/bench/dropin/%.o: tests/bench/% $(DROPIN) tests/bench/bench.h | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(DROPIN_CFLAGS) -Itests/bench -c $< -o $@
$(BUILD)/bench/dropin/impl.o: tests/dropin/impl.c $(DROPIN) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(DROPIN_CFLAGS) -c $< -o $@
$(BENCH_DROPIN): $(addprefix $(BUILD)/bench/dropin/,bench.c.o bench_except.c.o impl.o) \
        $(BUILD)/tests/bench/bench_except_cxx.cc.o
	$(CXX) -o $@ $^ -lpthread

bench: $(BENCH) $(BENCH_DROPIN) $(VARIABLES_BENCH) $(CLI) $(if $(CLI),$(CLI) $(FILM_BENCH))
	$(SHELL) tests/bench/run.sh $(BENCH)
	@echo; echo "sl_stack_read_variables against gdb's bt full (100-frame -O0 recursion):"
	$(SHELL) tests/bench/variables.sh $(VARIABLES_BENCH) $(dir $(BENCH))instructions.txt
	@echo; echo "The exceptions on the drop-in header (dropin/stacklab_except.h), no library:"
	$(SHELL) tests/bench/run.sh $(BENCH_DROPIN)
	@if command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; then \
	    echo; echo "For information only: the drop-in's cases built for aarch64, nanoseconds"; \
	    echo "under qemu-aarch64 (emulated: compare the rows with each other, not with x86-64):"; \
	    mkdir -p $(BUILD)/bench/aarch64 && \
	    aarch64-linux-gnu-gcc -static -std=gnu11 -O2 -fno-omit-frame-pointer -D_GNU_SOURCE \
	        -DSL_BENCH_NO_CXX -Itests/dropin -Idropin -Itests/bench -o $(BUILD)/bench/aarch64/bench \
	        tests/bench/bench.c tests/bench/bench_except.c tests/dropin/impl.c -pthread && \
	    qemu-aarch64 $(BUILD)/bench/aarch64/bench; \
	fi
	$(if $(CLI),@echo; echo "The stacklab command against gdb (wall time, best of 5):")
	$(if $(CLI),$(SHELL) tests/bench/cli.sh $(CLI))
	$(if $(CLI),$(SHELL) tests/bench/film.sh $(CLI) $(FILM_BENCH))

# ---- listings ---------------------------------------------------------------
# The hand-written routines and the demos' compiled C, disassembled (with
# call targets from the relocations), so a slide can show the compiler's
# prologue beside the hand-written one: $(BUILD)/listings/frames.S.txt etc.

LISTING_OBJ := $(filter $(BUILD)/asm/%,$(LIB_OBJ)) \
               $(patsubst %,$(BUILD)/%.o,$(filter-out demos/lecture.c,$(wildcard demos/*.c demos/*.S)))

listings: $(LISTING_OBJ)
	@mkdir -p $(BUILD)/listings
	@for o in $^; do \
	    f=$(BUILD)/listings/$$(basename $${o%.o}).txt; \
	    $(OBJDUMP) -dr --no-show-raw-insn $$o > $$f || exit 1; echo "  $$f"; \
	done

# ---- demos ------------------------------------------------------------------
# Demos link the static library, so that an installed demo runs anywhere.

$(BUILD)/demos/%.o: demos/% $(HEADERS) $(wildcard demos/*.h) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SL_CPPFLAGS) $(SL_CFLAGS) -c $< -o $@

# Demo parts that need other flags: the lesson is the flag.
$(BUILD)/demos/prologue_epilogue-nofp.c.o: SL_CFLAGS += -fomit-frame-pointer
$(BUILD)/demos/unwinding-nofp.c.o: SL_CFLAGS += -fomit-frame-pointer
$(BUILD)/demos/stack_smash-protected.c.o: SL_CFLAGS += -fstack-protector-all
$(BUILD)/demos/stack_smash-unprotected.c.o: SL_CFLAGS += -fno-stack-protector

.SECONDEXPANSION:
$(BUILD)/demos/%: $(BUILD)/demos/%.c.o \
        $$(addprefix $(BUILD)/,$$(addsuffix .o,$$(wildcard $(if $(TRIPLE),,demos/$$*.S) demos/$$*-*.c))) \
        $(DEMO_SUPPORT) $(LIB_A)
	$(CC) $(SL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(LIBS)

# Another architecture's version of a demo is demos/ports/NAME.c (with the
# same demos/NAME-*.c parts, but no x86-64 demos/NAME.S); make prefers this
# rule, whose stem is shorter, where such a file exists.
ifneq ($(TRIPLE),)
$(BUILD)/demos/%.c.o: demos/ports/%.c $(HEADERS) $(wildcard demos/*.h) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SL_CPPFLAGS) -Idemos $(SL_CFLAGS) -c $< -o $@
endif

# Keep the demos' objects (make would delete them as intermediates, and then
# relink every demo on each `make demo`).
.PRECIOUS: $(BUILD)/demos/%.o

# Where locals live is the lesson: every local in its slot, as at -O0.
$(BUILD)/demos/stack_and_heap.c.o: SL_CFLAGS += -O0

# The volatile pitfall is what the optimizer does: always at -O2.
$(BUILD)/demos/setjmp_inside-pitfall.c.o: SL_CFLAGS += -O2

# Both list the diagrams this run wrote (newer than a stamp made first),
# not whatever an older run left in $(DIAGRAMS).
demo: $(DEMO_BINS)
	@mkdir -p $(DIAGRAMS) && touch $(BUILD)/.demo-start
	@for d in $(or $(DEMO),$(DEMOS)); do \
	    [ -x $(BUILD)/demos/$$d ] || { echo "make demo: no demo '$$d' (have: $(DEMOS))" >&2; exit 2; }; \
	    $(RUN) $(BUILD)/demos/$$d $(if $(STEP),--step) --diagrams $(DIAGRAMS) || exit 1; \
	done
	@echo; echo "Diagrams written to $(DIAGRAMS)/ (each also as .dot):"; \
	    cd $(DIAGRAMS) && find . -maxdepth 1 -name '*.svg' -newer $(CURDIR)/$(BUILD)/.demo-start | \
	    sed 's|^\./||' | sort | xargs -r ls -C -w 100

# The curated pictures: --stable (ASLR off, CFA offsets), so that a fresh
# run draws the same pictures.  A demo's errors go to stderr and stay visible.
diagrams: $(DEMO_BINS)
	@mkdir -p $(DIAGRAMS) && touch $(BUILD)/.demo-start
	@for d in $(DEMOS); do \
	    $(RUN) $(BUILD)/demos/$$d --stable --diagrams $(DIAGRAMS) </dev/null >/dev/null || \
	    { echo "make diagrams: the $$d demo failed (its errors are above)" >&2; exit 1; }; \
	done
	@cd $(DIAGRAMS) && find . -maxdepth 1 -name '*.svg' -newer $(CURDIR)/$(BUILD)/.demo-start | \
	    sed 's|^\./||' | sort | xargs -r ls -C -w 100

# ---- install ----------------------------------------------------------------

# The dynamic linker searches these without being told (Debian: ld.so.conf
# lists /usr/local/lib); a library installed anywhere else is found through
# the rpath that stacklab.pc then adds to every program linked with it.
SYSTEM_LIBDIRS := /usr/lib /lib /usr/local/lib $(if $(MULTIARCH),/usr/lib/$(MULTIARCH) /lib/$(MULTIARCH))
PC_RPATH := $(if $(filter $(LIBDIR),$(SYSTEM_LIBDIRS)),,-Wl,-rpath,$${libdir} )

define PC_FILE
prefix=$(PREFIX)
includedir=$(INCLUDEDIR)
libdir=$(LIBDIR)

Name: stacklab
Description: calling conventions and stack unwinding made visible
Version: $(VERSION)
Cflags: -I$${includedir}
Libs: -L$${libdir} $(PC_RPATH)-lstacklab
Libs.private: -lpthread
Requires.private: libunwind-ptrace libunwind libdw
endef
export PC_FILE

# Installing to the system (no DESTDIR) as root refreshes the dynamic
# linker's cache, so that programs find libstacklab.so.0 at once.
install: $(LIB_A) $(LIB_SO) $(DEMO_BINS) $(CLI)
	install -d $(DESTDIR)$(INCLUDEDIR)/stacklab $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	$(if $(CLI),install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/stacklab)
	$(if $(CLI),install -m 644 cli/stacklab.1 $(DESTDIR)$(MANDIR)/man1/stacklab.1)
	install -m 644 lib/include/stacklab.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/stacklab/
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO).$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libstacklab.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libstacklab.so.$(SOMAJOR)
	ln -sf libstacklab.so.$(SOMAJOR) $(DESTDIR)$(LIBDIR)/libstacklab.so
	echo "$$PC_FILE" > $(DESTDIR)$(LIBDIR)/pkgconfig/stacklab.pc
	for d in $(DEMOS); do install -m 755 $(BUILD)/demos/$$d $(DESTDIR)$(BINDIR)/stacklab-$$d; done
	install -m 644 man/stacklab.3 $(DESTDIR)$(MANDIR)/man3/
	install -m 644 man/stacklab-demos.1 $(DESTDIR)$(MANDIR)/man1/
	for d in $(DEMOS); do echo ".so man1/stacklab-demos.1" > $(DESTDIR)$(MANDIR)/man1/stacklab-$$d.1; done
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1; then \
	    echo ldconfig; ldconfig; \
	elif [ -z "$(DESTDIR)" ] && [ -n "$(filter $(LIBDIR),$(SYSTEM_LIBDIRS))" ]; then \
	    echo "stacklab: run 'ldconfig' as root, so that programs find libstacklab.so.$(SOMAJOR)"; \
	fi
	@[ -n "$(filter $(LIBDIR),$(SYSTEM_LIBDIRS))" ] || \
	    echo "stacklab: installed outside the system's directories: build with" \
	         "PKG_CONFIG_PATH=$(LIBDIR)/pkgconfig (the .pc adds an rpath; run the demos from $(BINDIR))"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stacklab $(DESTDIR)$(MANDIR)/man1/stacklab.1
	rm -f $(DESTDIR)$(INCLUDEDIR)/stacklab.h $(DESTDIR)$(LIBDIR)/pkgconfig/stacklab.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/stacklab
	rm -f $(DESTDIR)$(LIBDIR)/libstacklab.a $(DESTDIR)$(LIBDIR)/libstacklab.so*
	rm -f $(DEMO_ORDER:%=$(DESTDIR)$(BINDIR)/stacklab-%) $(DEMOS:%=$(DESTDIR)$(BINDIR)/stacklab-%)
	rm -f $(DESTDIR)$(MANDIR)/man3/stacklab.3 $(DESTDIR)$(MANDIR)/man1/stacklab-demos.1 \
	    $(DEMOS:%=$(DESTDIR)$(MANDIR)/man1/stacklab-%.1)

clean:
	rm -rf build
