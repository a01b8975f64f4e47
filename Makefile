# stacklab: one flat Makefile, read top to bottom.
#
#   make demo             run the lecture tour (writes diagrams/)
#   make check            build everything and run every test
#   make help             every other target
#
# Missing Debian packages are installed on the first build (target deps).

ARCH    ?= $(shell uname -m)
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0
SOMAJOR := 0
CXX     ?= g++

# Build outputs live under build/; clang's under build/clang/, so that
# `make CC=clang check` never links objects another compiler made.
BUILD   ?= build$(if $(findstring clang,$(CC)),/clang)

# ---- flags ------------------------------------------------------------------

OPT      ?= -O2 -g
SANITIZE ?=
SL_CFLAGS   = -std=gnu11 -Wall -Wextra -Werror $(OPT) -fno-omit-frame-pointer \
              $(SANITIZE) $(CFLAGS)
SL_CPPFLAGS = -D_GNU_SOURCE -Ilib/include -Ilib/internal -Iasm/$(ARCH) $(CPPFLAGS)
# The library: position independent, only the public headers' names
# exported, and thread-locals reached through %fs directly (initial exec).
LIB_CFLAGS  = -fPIC -fvisibility=hidden -ftls-model=initial-exec
# libunwind's and libdw's headers are on the compiler's default path on
# Debian (see `pkg-config --cflags libunwind libdw`).
LIBS     = -lunwind -ldw -lelf -lpthread
LDFLAGS ?=
SL_LDFLAGS = $(SANITIZE) $(LDFLAGS)

# ---- sources ----------------------------------------------------------------

LIB_SRC  := $(wildcard lib/*.c lib/arch/$(ARCH)/*.c asm/$(ARCH)/*.S)
LIB_OBJ  := $(LIB_SRC:%=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libstacklab.a
LIB_SO   := $(BUILD)/libstacklab.so
HEADERS  := $(wildcard lib/include/stacklab/*.h)

TEST_SRC := $(wildcard tests/*.c tests/*.S)
TEST_OBJ := $(TEST_SRC:%=$(BUILD)/%.o)
RUN_TESTS := $(BUILD)/tests/run_tests

BENCH_SRC := $(wildcard tests/bench/*.c tests/bench/*.cc)
BENCH_OBJ := $(BENCH_SRC:%=$(BUILD)/%.o)
BENCH     := $(BUILD)/bench/bench

# The tour, in lecture order; a demo is demos/NAME.c, plus optionally
# demos/NAME.S and demos/NAME-*.c (parts built with other flags).
DEMO_ORDER := address_space calling_convention prologue_epilogue recursion \
              exceptions unwinding callee_saved stack_smash setjmp_inside segfault
DEMOS      := $(foreach d,$(DEMO_ORDER) $(filter-out $(DEMO_ORDER),$(notdir \
              $(basename $(wildcard demos/[a-z]*.c)))),$(if $(wildcard demos/$(d).c),$(d)))
DEMOS      := $(filter-out lecture $(foreach d,$(DEMOS),$(if $(findstring -,$(d)),$(d))),$(DEMOS))
DEMO_SUPPORT := $(patsubst %,$(BUILD)/%.o,$(wildcard demos/lecture.c))
DEMO_BINS  := $(DEMOS:%=$(BUILD)/demos/%)
DIAGRAMS   ?= diagrams

.PHONY: all deps demo diagrams check test check-sanitize check-valgrind bench \
        listings install uninstall clean help
.DELETE_ON_ERROR:

all: $(LIB_A) $(LIB_SO) $(DEMO_BINS) $(RUN_TESTS)

help:
	@echo "make demo [DEMO=name] [STEP=1]  the lecture tour, or one demo"
	@echo "make check                      build, run the test suite and smoke-run the demos"
	@echo "make check-sanitize             the suite under ASan + UBSan"
	@echo "make check-valgrind             the suite under valgrind"
	@echo "make bench                      benchmarks: instructions (callgrind) and ns"
	@echo "make diagrams                   regenerate every demo's diagrams"
	@echo "make listings                   disassembly of the shims and demos in build/listings/"
	@echo "make install [PREFIX=/usr/local] [DESTDIR=]   and make uninstall"
	@echo "make deps                       install missing Debian packages"
	@echo "make clean"
	@echo "Demos: $(DEMOS)"

# ---- dependencies -------------------------------------------------------------
# Probes for each command and library; installs only what is missing, so a
# second run costs nothing.  Every object waits for the stamp.

DEB_PACKAGES := gcc g++ make binutils pkg-config libunwind-dev libcunit1-dev graphviz \
                libdw-dev libelf-dev clang valgrind

deps:
	@missing=""; \
	for probe in gcc:gcc g++:g++ clang:clang pkg-config:pkg-config dot:graphviz \
	             valgrind:valgrind objdump:binutils; do \
	    command -v $${probe%%:*} >/dev/null 2>&1 || missing="$$missing $${probe#*:}"; \
	done; \
	for probe in libunwind:libunwind-dev libdw:libdw-dev libelf:libelf-dev cunit:libcunit1-dev; do \
	    pkg-config --exists $${probe%%:*} 2>/dev/null || missing="$$missing $${probe#*:}"; \
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

$(BUILD)/.deps-ok:
	@$(MAKE) --no-print-directory deps
	@mkdir -p $(@D) && touch $@

# ---- the library ------------------------------------------------------------

$(BUILD)/lib/%.c.o: lib/%.c $(HEADERS) | $(BUILD)/.deps-ok
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

$(LIB_SO): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libstacklab.so.$(SOMAJOR) -Wl,--no-undefined -Wl,-z,noexecstack \
	    $(SL_LDFLAGS) -o $@.$(VERSION) $^ $(LIBS)
	ln -sf libstacklab.so.$(VERSION) $@.$(SOMAJOR)
	ln -sf libstacklab.so.$(SOMAJOR) $@

# ---- tests ------------------------------------------------------------------

$(BUILD)/tests/%.o: tests/% $(HEADERS) tests/harness.h | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(SL_CPPFLAGS) -Itests $(SL_CFLAGS) -c $< -o $@

$(BUILD)/tests/bench/%.cc.o: tests/bench/%.cc | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CXX) $(SL_CPPFLAGS) -Itests/bench $(OPT) -Wall -Wextra -Werror -fno-omit-frame-pointer -c $< -o $@

# The frames suite's fixture without frame pointers.
$(BUILD)/tests/frames_fixture_nofp.c.o: SL_CFLAGS += -fomit-frame-pointer
$(BUILD)/tests/frames_fixture_canary.c.o: SL_CFLAGS += -fstack-protector-all

$(RUN_TESTS): $(filter-out $(BUILD)/tests/bench/%,$(TEST_OBJ)) $(LIB_A)
	$(CC) $(SL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) -lcunit -lm $(LIBS)

# `make test` runs the suite alone (`make test SUITE=except` one suite).
test: $(RUN_TESTS)
	$(RUN_TESTS) $(SUITE)

check: $(RUN_TESTS) $(DEMO_BINS)
	$(RUN_TESTS)
	$(if $(wildcard tests/demos.sh),$(SHELL) tests/demos.sh $(BUILD)/demos $(DEMOS))

check-sanitize:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/sanitize \
	    SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" test

check-valgrind: $(RUN_TESTS)
	valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	    --suppressions=tests/valgrind.supp $(RUN_TESTS) $(SUITE)

# ---- benchmarks -------------------------------------------------------------
# Linked against the shared library, as users link it.  libgcc_s comes first:
# libunwind also defines _Unwind_RaiseException, and the g++ baseline must
# throw with the unwinder a g++ program normally gets.

$(BENCH): $(filter $(BUILD)/tests/bench/%,$(BENCH_OBJ)) $(LIB_SO)
	@mkdir -p $(@D)
	$(CXX) -o $@ $(filter %.o,$^) -Wl,--push-state,--no-as-needed -lgcc_s -Wl,--pop-state \
	    -L$(BUILD) -Wl,-rpath,$(abspath $(BUILD)) -lstacklab $(LIBS)

bench: $(BENCH)
	$(SHELL) tests/bench/run.sh $(BENCH)

# ---- listings ---------------------------------------------------------------
# The hand-written routines and the demos' compiled C, disassembled (with
# call targets from the relocations), so a slide can show the compiler's
# prologue beside the hand-written one: $(BUILD)/listings/frames.S.txt etc.

LISTING_OBJ := $(filter $(BUILD)/asm/%,$(LIB_OBJ)) \
               $(patsubst %,$(BUILD)/%.o,$(filter-out demos/lecture.c,$(wildcard demos/*.c)))

listings: $(LISTING_OBJ)
	@mkdir -p $(BUILD)/listings
	@for o in $^; do \
	    f=$(BUILD)/listings/$$(basename $${o%.o}).txt; \
	    objdump -dr --no-show-raw-insn $$o > $$f || exit 1; echo "  $$f"; \
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
        $$(addprefix $(BUILD)/,$$(addsuffix .o,$$(wildcard demos/$$*.S demos/$$*-*.c))) \
        $(DEMO_SUPPORT) $(LIB_A)
	$(CC) $(SL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(LIBS)

# Keep the demos' objects (make would delete them as intermediates, and then
# relink every demo on each `make demo`).
.PRECIOUS: $(BUILD)/demos/%.o

# The volatile pitfall is what the optimizer does: always at -O2.
$(BUILD)/demos/setjmp_inside-pitfall.c.o: SL_CFLAGS += -O2

demo: $(DEMO_BINS)
	@mkdir -p $(DIAGRAMS)
	@for d in $(or $(DEMO),$(DEMOS)); do \
	    [ -x $(BUILD)/demos/$$d ] || { echo "make demo: no demo '$$d' (have: $(DEMOS))" >&2; exit 2; }; \
	    $(BUILD)/demos/$$d $(if $(STEP),--step) --diagrams $(DIAGRAMS) || exit 1; \
	done
	@echo; echo "Diagrams written to $(DIAGRAMS)/ (each also as .dot):"; \
	    cd $(DIAGRAMS) && ls -C -w 100 *.svg

diagrams: $(DEMO_BINS)
	@mkdir -p $(DIAGRAMS)
	@for d in $(DEMOS); do $(BUILD)/demos/$$d --diagrams $(DIAGRAMS) </dev/null >/dev/null || exit 1; done
	@cd $(DIAGRAMS) && ls -C -w 100 *.svg

# ---- install ----------------------------------------------------------------

define PC_FILE
prefix=$(PREFIX)
includedir=$${prefix}/include
libdir=$${prefix}/lib

Name: stacklab
Description: calling conventions and stack unwinding made visible
Version: $(VERSION)
Cflags: -I$${includedir}
Libs: -L$${libdir} -lstacklab
Libs.private: -lpthread
Requires.private: libunwind libdw
endef
export PC_FILE

install: $(LIB_A) $(LIB_SO) $(DEMO_BINS)
	install -d $(DESTDIR)$(PREFIX)/include/stacklab $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/bin
	install -m 644 lib/include/stacklab.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(HEADERS) $(DESTDIR)$(PREFIX)/include/stacklab/
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIB_SO).$(VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libstacklab.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libstacklab.so.$(SOMAJOR)
	ln -sf libstacklab.so.$(SOMAJOR) $(DESTDIR)$(PREFIX)/lib/libstacklab.so
	echo "$$PC_FILE" > $(DESTDIR)$(PREFIX)/lib/pkgconfig/stacklab.pc
	for d in $(DEMOS); do install -m 755 $(BUILD)/demos/$$d $(DESTDIR)$(PREFIX)/bin/stacklab-$$d; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/stacklab.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/stacklab.pc
	rm -rf $(DESTDIR)$(PREFIX)/include/stacklab
	rm -f $(DESTDIR)$(PREFIX)/lib/libstacklab.a $(DESTDIR)$(PREFIX)/lib/libstacklab.so*
	rm -f $(DEMO_ORDER:%=$(DESTDIR)$(PREFIX)/bin/stacklab-%) $(DEMOS:%=$(DESTDIR)$(PREFIX)/bin/stacklab-%)

clean:
	rm -rf build
