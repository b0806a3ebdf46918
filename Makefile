# lkvm: cross-built for ppc64le on x86_64, built natively on a POWER host.
#
#   make            build ./lkvm (ppc64le)
#   make unit       cmocka unit tests, natively and as ppc64le under qemu-user
#   make system     boot the emulated POWER9 host and run tests/system scenarios
#   make check      unit + system
#   make demo       the main job: lkvm in the emulated POWER host
#   make bench      benchmarks against QEMU in the emulated host

V ?= 0
Q := $(if $(filter 1,$(V)),,@)

MACHINE := $(shell uname -m)
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

WARN    := -Wall -Wextra -Werror -Wno-missing-field-initializers
CFLAGS  ?= -O2 -g
CFLAGS  += $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -MMD -MP \
           -DLKVM_VERSION='"$(VERSION)"'

# Code that never touches KVM: built for the target and, for unit tests,
# natively on the build machine too. KVM_PURE: kvm/ files that need no KVM.
KVM_PURE  := kvm/caps.c kvm/vcpu-sandbox.c kvm/slots.c kvm/run-state.c
PURE_SRCS := $(wildcard util/*.c ppc/*.c fdt/*.c devices/*.c pmem/*.c image/*.c \
             $(filter-out api/vm-ops.c,$(wildcard api/*.c)) *-options.c) \
             $(wildcard nvdimm-xml*.c) xml-lib.c run-sandbox.c $(KVM_PURE)
# Code that talks to /dev/kvm or runs the commands (api/vm-ops.c: the
# control API's calls into a running VM).
KVM_SRCS  := main.c control-cli.c $(wildcard builtin-*.c vm/*.c) api/vm-ops.c \
             $(filter-out $(KVM_PURE),$(wildcard kvm/*.c))
# tests/unit/FOLDER/test-*.c: FOLDER is the source folder a test is about
# (commands/: the option parsers); shared fixtures stay in tests/unit/
TEST_SRCS := $(wildcard tests/unit/*/test-*.c)

# libxml2's headers; the library itself is loaded with dlopen (xml-lib.c)
XML_INC := -isystem /usr/include/libxml2

ifeq ($(MACHINE),ppc64le)
# Native on POWER: the system's compiler and libraries.
TARGET_CC     := $(CC)
SYSROOT_DEP   :=
TARGET_CFLAGS := $(CFLAGS) $(XML_INC)
TARGET_LIBDIR :=
TARGET_RUN    :=
else
CROSS         ?= powerpc64le-linux-gnu-
TARGET_CC     := $(CROSS)gcc
SYSROOT       := build/sysroot
SYSROOT_DEP   := $(SYSROOT)/.done
TARGET_LIBDIR := $(SYSROOT)/usr/lib/powerpc64le-linux-gnu
TARGET_CFLAGS := $(CFLAGS) -isystem $(SYSROOT)/usr/include \
                 -isystem $(SYSROOT)/usr/include/libxml2
TARGET_LDFLAGS := -L$(TARGET_LIBDIR) -Wl,-rpath-link,$(TARGET_LIBDIR) \
                  -Wl,-rpath-link,$(SYSROOT)/lib/powerpc64le-linux-gnu
TARGET_RUN    := qemu-ppc64le -L $(SYSROOT)
endif
# libpmem is loaded with dlopen when a vNVDIMM needs it (pmem/pmem-lib.c),
# libxml2 when an XML is read (xml-lib.c)
LIBS := -Wl,--as-needed -l:libfdt.a -l:libseccomp.a -l:libjson-c.a -l:libhttp_parser.a \
        -ldl -lpthread
# the same, from the build machine's shared libraries (native tests, fuzzing)
NATIVE_LIBS := -lfdt -lpmem -lseccomp -ljson-c -lhttp_parser -ldl -lpthread

TOBJ := build/target
HOBJ := build/native
# the native unit tests again under sanitizers: ASan+UBSan for all of them,
# ThreadSanitizer for those that run hcalls (or park vCPU-like threads, or
# pin devices) from several threads at once
AOBJ := build/asan
SOBJ := build/tsan
ASAN_FLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow \
              -fno-sanitize-recover=all
TSAN_FLAGS := -O1 -fno-omit-frame-pointer -fsanitize=thread
TSAN_TESTS := devices/test-scm-concurrency devices/test-scm devices/test-scm-flush \
              devices/test-console kvm/test-run-state util/test-device-registry \
              util/test-warn ppc/test-events ppc/test-events-hotplug \
              ppc/test-drc-threads
# libFuzzer targets (clang): tests/fuzz/fuzz-*.c against the pure code
FOBJ := build/fuzzbin
FUZZ_CC := clang
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow \
              -fno-sanitize-recover=all
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5

# a flavour's copy of the pure objects, under directory $(1)
pure_objs = $(PURE_SRCS:%.c=$(1)/%.o)
TARGET_PURE_OBJS := $(call pure_objs,$(TOBJ))
TARGET_KVM_OBJS  := $(KVM_SRCS:%.c=$(TOBJ)/%.o)
TARGET_TESTS     := $(TEST_SRCS:tests/unit/%.c=$(TOBJ)/tests/%)
HOST_TESTS       := $(TEST_SRCS:tests/unit/%.c=$(HOBJ)/tests/%)
ASAN_TESTS       := $(TEST_SRCS:tests/unit/%.c=$(AOBJ)/tests/%)
TSAN_TEST_BINS   := $(TSAN_TESTS:%=$(SOBJ)/tests/%)
FUZZ_BINS        := $(FUZZ_SRCS:tests/fuzz/%.c=$(FOBJ)/%)

.PHONY: all unit unit-native unit-target unit-asan unit-tsan fuzz fuzz-smoke system check demo bench deps clean \
        kernel images bench-images fresh-check
.SECONDARY:
all: lkvm

lkvm: $(TARGET_PURE_OBJS) $(TARGET_KVM_OBJS)
	@echo "  LD      $@"
	$(Q)$(TARGET_CC) $(TARGET_LDFLAGS) -o $@ $^ $(LIBS)

# How each flavour of the pure code compiles: the ppc64le target, native,
# native under ASan+UBSan or TSan, and libFuzzer's instrumentation.
target_cc = $(TARGET_CC) $(TARGET_CFLAGS)
native_cc = $(CC) $(CFLAGS) $(XML_INC)
asan_cc   = $(native_cc) $(ASAN_FLAGS)
tsan_cc   = $(native_cc) $(TSAN_FLAGS)
fuzz_cc   = $(FUZZ_CC) $(CFLAGS) $(XML_INC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link
# what a unit test links besides the pure objects
target_test_libs = $(TARGET_LDFLAGS) -lcmocka -lpmem $(LIBS)
native_test_libs = -lcmocka $(NATIVE_LIBS)

# Objects under directory $(1), compiled with the command in variable $(2),
# each printed as "$(3) path"; $(4): order-only prerequisites.
define objects_rule
$(1)/%.o: %.c $(if $(4),| $(4))
	@mkdir -p $$(dir $$@)
	@printf '  %-7s %s\n' $(3) $$@
	$$(Q)$$($(2)) -c -o $$@ $$<
endef

# Unit tests under $(1)/tests/, in the folder of their source
# (tests/unit/FOLDER/test-NAME.c -> $(1)/tests/FOLDER/test-NAME), compiled
# with the command in variable $(2) and linked against all of $(1)'s pure
# objects and the libraries in variable $(4); printed as "$(3) path".
define unit_test_rule
$(1)/tests/%: tests/unit/%.c $(call pure_objs,$(1))
	@mkdir -p $$(dir $$@)
	@printf '  %-7s %s\n' $(3) $$@
	$$(Q)$$($(2)) -Itests/unit -o $$@ $$< $(call pure_objs,$(1)) $$($(4))
endef

$(eval $(call objects_rule,$(TOBJ),target_cc,CC,$(SYSROOT_DEP)))
$(eval $(call objects_rule,$(HOBJ),native_cc,HOSTCC))
$(eval $(call objects_rule,$(AOBJ),asan_cc,ASANCC))
$(eval $(call objects_rule,$(SOBJ),tsan_cc,TSANCC))
$(eval $(call objects_rule,$(FOBJ),fuzz_cc,FUZZCC))
$(eval $(call unit_test_rule,$(TOBJ),target_cc,TEST,target_test_libs))
$(eval $(call unit_test_rule,$(HOBJ),native_cc,HOSTTEST,native_test_libs))
$(eval $(call unit_test_rule,$(AOBJ),asan_cc,ASANTEST,native_test_libs))
$(eval $(call unit_test_rule,$(SOBJ),tsan_cc,TSANTEST,native_test_libs))

$(FOBJ)/fuzz-%: tests/fuzz/fuzz-%.c $(call pure_objs,$(FOBJ))
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(fuzz_cc) -fsanitize=fuzzer -o $@ $< $(call pure_objs,$(FOBJ)) $(NATIVE_LIBS)

# The ppc64el sysroot (libfdt, libpmem, cmocka from Debian), cached outside
# the clone by the script; build/sysroot points at it.
$(SYSROOT)/.done: guest-images/build-sysroot.sh guest-images/lib.sh
	$(Q)tools/ensure-deps.sh build
	@mkdir -p build
	$(Q)dir=$$(guest-images/build-sysroot.sh) && ln -sfn "$$dir" $(SYSROOT)

deps:
	$(Q)tools/ensure-deps.sh all

unit: unit-native unit-target unit-asan unit-tsan

unit-native:
	$(Q)tools/ensure-deps.sh unit
	$(Q)$(MAKE) --no-print-directory $(HOST_TESTS)
	$(Q)tests/unit/run.sh "unit ($(MACHINE))" "" $(HOST_TESTS)

# halt_on_error: a report fails the test binary, so the run counts it
unit-asan:
	$(Q)tools/ensure-deps.sh unit
	$(Q)$(MAKE) --no-print-directory $(ASAN_TESTS)
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		tests/unit/run.sh "unit (x86_64 ASan+UBSan)" "" $(ASAN_TESTS)

unit-tsan:
	$(Q)tools/ensure-deps.sh unit
	$(Q)$(MAKE) --no-print-directory $(TSAN_TEST_BINS)
	$(Q)TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		tests/unit/run.sh "unit (x86_64 TSan)" "" $(TSAN_TEST_BINS)

# every fuzz target for FUZZ_SECONDS each (make check runs them briefly)
fuzz:
	$(Q)tools/ensure-deps.sh fuzz
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_BINS)

# a few seconds per target: keeps every target building and running
fuzz-smoke:
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)

unit-target:
	$(Q)tools/ensure-deps.sh unit
	$(Q)$(MAKE) --no-print-directory $(TARGET_TESTS)
	$(Q)tests/unit/run.sh "unit (ppc64le)" "$(TARGET_RUN)" $(TARGET_TESTS)

kernel:
	$(Q)tools/ensure-deps.sh system
	$(Q)guest-images/build-kernel.sh

images: lkvm
	$(Q)tools/ensure-deps.sh system
	$(Q)guest-images/build-images.sh

system: images
	$(Q)tests/system/run.sh $(SCENARIOS)

check:
	$(Q)tools/check.sh

demo: images
	$(Q)tools/demo.sh

# make demo and make check in a new minimal Debian 12 root (docs/testing.md)
fresh-check:
	$(Q)tools/fresh-check.sh

$(TOBJ)/bench/vmmtime: bench/vmmtime.c | $(SYSROOT_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -o $@ $<

$(TOBJ)/bench/apibench: bench/apibench.c | $(SYSROOT_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -o $@ $<

$(TOBJ)/bench/kvmwatch.so: bench/kvmwatch.c | $(SYSROOT_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -shared -fPIC -o $@ $< -ldl -lpthread

# the images plus host-bench.cpio (QEMU and the measuring tools beside
# lkvm), for the benchmarks and power-cut's QEMU comparison
bench-images: lkvm $(TOBJ)/bench/vmmtime $(TOBJ)/bench/kvmwatch.so \
	      $(TOBJ)/bench/apibench
	$(Q)tools/ensure-deps.sh system
	$(Q)guest-images/build-images.sh --bench

bench: bench-images
	$(Q)bench/run.sh

clean:
	rm -rf build lkvm

-include $(shell find build -name '*.d' 2>/dev/null)
