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
             *-options.c) run-sandbox.c $(KVM_PURE)
# Code that talks to /dev/kvm or runs the commands.
KVM_SRCS  := main.c $(wildcard builtin-*.c vm/*.c) \
             $(filter-out $(KVM_PURE),$(wildcard kvm/*.c))
TEST_SRCS := $(wildcard tests/unit/test-*.c)

ifeq ($(MACHINE),ppc64le)
# Native on POWER: the system's compiler and libraries.
TARGET_CC     := $(CC)
SYSROOT_DEP   :=
TARGET_CFLAGS := $(CFLAGS)
TARGET_LIBDIR :=
TARGET_RUN    :=
else
CROSS         ?= powerpc64le-linux-gnu-
TARGET_CC     := $(CROSS)gcc
SYSROOT       := build/sysroot
SYSROOT_DEP   := $(SYSROOT)/.done
TARGET_LIBDIR := $(SYSROOT)/usr/lib/powerpc64le-linux-gnu
TARGET_CFLAGS := $(CFLAGS) -isystem $(SYSROOT)/usr/include
TARGET_LDFLAGS := -L$(TARGET_LIBDIR) -Wl,-rpath-link,$(TARGET_LIBDIR) \
                  -Wl,-rpath-link,$(SYSROOT)/lib/powerpc64le-linux-gnu
TARGET_RUN    := qemu-ppc64le -L $(SYSROOT)
endif
# libpmem is loaded with dlopen when a vNVDIMM needs it (pmem/pmem-lib.c)
LIBS := -Wl,--as-needed -l:libfdt.a -l:libseccomp.a -ldl -lpthread

TOBJ := build/target
HOBJ := build/native
# the native unit tests again under sanitizers: ASan+UBSan for all of them,
# ThreadSanitizer for those that run hcalls (or park vCPU-like threads) from
# several threads at once
AOBJ := build/asan
SOBJ := build/tsan
ASAN_FLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow \
              -fno-sanitize-recover=all
TSAN_FLAGS := -O1 -fno-omit-frame-pointer -fsanitize=thread
TSAN_TESTS := test-scm-concurrency test-scm test-scm-flush test-console test-run-state test-warn
# libFuzzer targets (clang): tests/fuzz/fuzz-*.c against the pure code
FOBJ := build/fuzzbin
FUZZ_CC := clang
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow \
              -fno-sanitize-recover=all
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5

TARGET_PURE_OBJS := $(PURE_SRCS:%.c=$(TOBJ)/%.o)
TARGET_KVM_OBJS  := $(KVM_SRCS:%.c=$(TOBJ)/%.o)
HOST_PURE_OBJS   := $(PURE_SRCS:%.c=$(HOBJ)/%.o)
TARGET_TESTS     := $(TEST_SRCS:tests/unit/%.c=$(TOBJ)/tests/%)
HOST_TESTS       := $(TEST_SRCS:tests/unit/%.c=$(HOBJ)/tests/%)
ASAN_PURE_OBJS   := $(PURE_SRCS:%.c=$(AOBJ)/%.o)
TSAN_PURE_OBJS   := $(PURE_SRCS:%.c=$(SOBJ)/%.o)
ASAN_TESTS       := $(TEST_SRCS:tests/unit/%.c=$(AOBJ)/tests/%)
TSAN_TEST_BINS   := $(TSAN_TESTS:%=$(SOBJ)/tests/%)
FUZZ_PURE_OBJS   := $(PURE_SRCS:%.c=$(FOBJ)/%.o)
FUZZ_BINS        := $(FUZZ_SRCS:tests/fuzz/%.c=$(FOBJ)/%)

.PHONY: all unit unit-native unit-target unit-asan unit-tsan fuzz fuzz-smoke system check demo bench deps clean \
        kernel images bench-images fresh-check
.SECONDARY:
all: lkvm

lkvm: $(TARGET_PURE_OBJS) $(TARGET_KVM_OBJS)
	@echo "  LD      $@"
	$(Q)$(TARGET_CC) $(TARGET_LDFLAGS) -o $@ $^ $(LIBS)

$(TOBJ)/%.o: %.c | $(SYSROOT_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -c -o $@ $<

$(HOBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(TOBJ)/tests/%: tests/unit/%.c $(TARGET_PURE_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) $(TARGET_LDFLAGS) -o $@ $< \
		$(TARGET_PURE_OBJS) -lcmocka -lpmem $(LIBS)

$(HOBJ)/tests/%: tests/unit/%.c $(HOST_PURE_OBJS)
	@mkdir -p $(dir $@)
	@echo "  HOSTTEST $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(HOST_PURE_OBJS) -lcmocka -lfdt -lpmem -lseccomp -ldl -lpthread

$(AOBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  ASANCC  $@"
	$(Q)$(CC) $(CFLAGS) $(ASAN_FLAGS) -c -o $@ $<

$(AOBJ)/tests/%: tests/unit/%.c $(ASAN_PURE_OBJS)
	@mkdir -p $(dir $@)
	@echo "  ASANTEST $@"
	$(Q)$(CC) $(CFLAGS) $(ASAN_FLAGS) -o $@ $< $(ASAN_PURE_OBJS) -lcmocka -lfdt -lpmem -lseccomp -ldl -lpthread

$(SOBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  TSANCC  $@"
	$(Q)$(CC) $(CFLAGS) $(TSAN_FLAGS) -c -o $@ $<

$(SOBJ)/tests/%: tests/unit/%.c $(TSAN_PURE_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TSANTEST $@"
	$(Q)$(CC) $(CFLAGS) $(TSAN_FLAGS) -o $@ $< $(TSAN_PURE_OBJS) -lcmocka -lfdt -lpmem -lseccomp -ldl -lpthread

$(FOBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FOBJ)/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_PURE_OBJS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_PURE_OBJS) \
		-lfdt -lpmem -lseccomp -ldl -lpthread

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

$(TOBJ)/bench/kvmwatch.so: bench/kvmwatch.c | $(SYSROOT_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(TARGET_CC) $(TARGET_CFLAGS) -shared -fPIC -o $@ $< -ldl -lpthread

# the images plus host-bench.cpio (QEMU and the measuring tools beside
# lkvm), for the benchmarks and power-cut's QEMU comparison
bench-images: lkvm $(TOBJ)/bench/vmmtime $(TOBJ)/bench/kvmwatch.so
	$(Q)tools/ensure-deps.sh system
	$(Q)guest-images/build-images.sh --bench

bench: bench-images
	$(Q)bench/run.sh

clean:
	rm -rf build lkvm

-include $(shell find build -name '*.d' 2>/dev/null)
