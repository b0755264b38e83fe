# Makefile: build, run and test kvlab. `make help` lists the targets.
#
# One non-recursive Makefile. Outputs go under build/: build/gcc/ and
# build/clang/ hold a kernel per compiler (make test builds and checks
# both), build/kvlab.iso is the bootable GRUB image.
#
# Variables you may set: CC (gcc or clang; picks the kernel that run/iso/
# debug use), CFLAGS (optimisation and debug info, default -O2 -g), V=1
# (show full commands), QEMU, PYTHON, O (output directory, default build).

.SUFFIXES:
MAKEFLAGS += --no-builtin-rules
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

ifeq ($(origin CC),default)
CC := gcc
endif
ifeq ($(origin LD),default)
LD :=
endif
PYTHON ?= python3
QEMU ?= qemu-system-x86_64
NASM ?= nasm
O ?= build

VERSION := 0.1.0

V ?= 0
ifeq ($(V),1)
Q :=
quiet_msg = @true
else
Q := @
quiet_msg = @printf '  %-8s %s\n'
endif

# The toolchain run/iso/debug use: gcc or clang, from CC.
TC := $(if $(findstring clang,$(notdir $(firstword $(CC)))),clang,gcc)
TOOLCHAINS := gcc clang
CC_gcc := gcc
CC_clang := clang
CC_$(TC) := $(CC)
LD_gcc := ld
LD_clang := ld.lld
ifneq ($(LD),)
LD_$(TC) := $(LD)
endif
NM ?= nm

# ---- sources ---------------------------------------------------------------

BOOT_ASM := boot/boot.asm
KERNEL_ASM := kernel/trapentry.asm kernel/probe.asm kernel/trampoline.asm
KERNEL_SRCS := \
	kernel/main.c kernel/serial.c kernel/printk.c kernel/panic.c \
	kernel/backtrace.c kernel/traps.c kernel/cpu.c kernel/cmdline.c \
	kernel/bootinfo.c kernel/acpi.c kernel/tsc.c kernel/exit.c kernel/ktest.c \
	kernel/fault_inject.c kernel/stack.c kernel/crash.c kernel/bench.c \
	kernel/monitor.c kernel/monitor_mem.c kernel/percpu.c kernel/smp.c \
	kernel/apic.c kernel/irq.c kernel/spinlock.c
LIB_SRCS := lib/string.c lib/strutil.c lib/vsprintf.c lib/prng.c lib/rbtree.c
# mm/: every file; the host build takes all but the kernel-only glue
# (mm/*_glue.c: monitor commands, parameters, boot printing).
MM_SRCS := mm/memblock.c mm/memblock_glue.c mm/paging.c mm/paging_glue.c mm/percpu.c \
	mm/buddy.c mm/buddy_glue.c mm/debug_page.c \
	mm/slab.c mm/slab_debug.c mm/slab_glue.c mm/kmalloc.c \
	mm/vmap_area.c mm/vmalloc.c mm/vmalloc_glue.c mm/kvmalloc.c
# Suites run in link order: the layers from the bottom up.
TEST_SRCS := tests/test_meta.c tests/test_lib.c tests/test_boot.c \
	tests/test_traps.c tests/test_irq.c tests/test_locking.c tests/test_memmap.c tests/test_paging.c \
	tests/test_buddy.c tests/fragment.c \
	tests/test_slab.c tests/test_kmalloc.c tests/test_slab_debug.c \
	tests/test_vmalloc.c tests/test_vmap.c tests/test_kvmalloc.c tests/test_exact.c \
	tests/test_smp.c
# Benchmark groups run in link order (kernel/bench.c runs them); bench_tables.c
# registers the tables, printed after them.
# The timing groups first, on memory as boot left it (as the Linux reference
# harness runs on a fresh boot), then the two demonstrations.
BENCH_SRCS := tests/bench_access.c tests/bench_pages.c \
	tests/bench_slab.c tests/bench_vmalloc.c tests/bench_where.c \
	tests/bench_frag.c tests/bench_replay.c tests/bench_tables.c

# The trace replay engine (make replay-kernel; bench group "replay").
REPLAY_KERNEL_SRCS := tests/replay/trace.c tests/replay/replay.c

C_SRCS := $(KERNEL_SRCS) $(LIB_SRCS) $(MM_SRCS) $(TEST_SRCS) $(BENCH_SRCS) $(REPLAY_KERNEL_SRCS)
ASM_SRCS := $(BOOT_ASM) $(KERNEL_ASM)

# ---- flags -------------------------------------------------------------------

# User-overridable.
CFLAGS ?= -O2 -g
# BREAK=name[,name]: compile a deliberate bug into the kernel and the host
# builds (#ifdef KVLAB_BREAK_NAME: buddy_merge in mm/buddy.c,
# slab_double_free in include/mm/slab.h), so the
# runner can check that the tests catch it (scripts/runtests.py,
# broken-*). Only into its own output directory: the objects do not
# depend on the flags.
BREAK ?=
ifneq ($(BREAK),)
ifeq ($(O),build)
$(error BREAK=$(BREAK) needs its own output directory, e.g. O=build/break-$(BREAK))
endif
BREAK_CFLAGS := $(patsubst %,-DKVLAB_BREAK_%,$(shell echo '$(BREAK)' | tr 'a-z,' 'A-Z '))
endif
# DEBUG_VM=0: compile VM_BUG_ON/VM_WARN_ON (include/mm/mmdebug.h) to nothing.
# The test kernels and host builds keep them (1); `make bench` builds its
# kernel with 0 in $(O)/nodebug, so figures measure the allocators alone.
DEBUG_VM ?= 1
ifneq ($(DEBUG_VM),1)
ifeq ($(O),build)
$(error DEBUG_VM=$(DEBUG_VM) needs its own output directory, e.g. O=build/nodebug)
endif
endif
# Required: freestanding, higher-half kernel code model, no SIMD, frame
# pointers for backtraces.
KERNEL_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer \
	-mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fno-common -Iinclude -I. \
	-DKVLAB_VERSION='"$(VERSION)"' -DKVLAB_DEBUG_VM=$(DEBUG_VM) $(BREAK_CFLAGS)
WARN_CFLAGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wvla -Wframe-larger-than=2048 -Wpointer-arith \
	-Wundef -Wno-unused-parameter
DEP_CFLAGS = -MMD -MP
KERNEL_LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack \
	--build-id=none -T boot/linker.ld
NASMFLAGS := -f elf64 -Werror

# ---- one kernel per toolchain --------------------------------------------------
#
# kernel-rules(tc): objects in $(O)/tc/obj, then a two-pass link: the first
# with an empty symbol table, the second with the table made from the
# first. The table sits after .text, so no function moves between the two;
# the last step checks that.

define kernel-rules
$(1)_OBJ := $(O)/$(1)/obj
$(1)_OBJS := $$(patsubst %.c,$$($(1)_OBJ)/%.o,$(C_SRCS)) \
	$$(patsubst %.asm,$$($(1)_OBJ)/%.o,$(ASM_SRCS))

$$($(1)_OBJ)/%.o: %.c
	$$(quiet_msg) "CC $(1)" $$<
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC_$(1)) $$(KERNEL_CFLAGS) $$(WARN_CFLAGS) $$(CFLAGS) $$(DEP_CFLAGS) -c $$< -o $$@

$$($(1)_OBJ)/%.o: %.asm
	$$(quiet_msg) "AS $(1)" $$<
	@mkdir -p $$(dir $$@)
	$$(Q)$$(NASM) $$(NASMFLAGS) -MD $$(@:.o=.d) -MP $$< -o $$@

$(O)/$(1)/kallsyms0.c: scripts/kallsyms.py
	@mkdir -p $$(dir $$@)
	$$(Q)$$(PYTHON) scripts/kallsyms.py --empty > $$@

$(O)/$(1)/%.o: $(O)/$(1)/%.c
	$$(quiet_msg) "CC $(1)" $$<
	$$(Q)$$(CC_$(1)) $$(KERNEL_CFLAGS) $$(CFLAGS) -c $$< -o $$@

# Makefile too: the source lists fix the link order (suites, benchmark groups).
$(O)/$(1)/kvlab.pass1.elf: $$($(1)_OBJS) $(O)/$(1)/kallsyms0.o boot/linker.ld Makefile
	$$(quiet_msg) "LD $(1)" $$@
	$$(Q)$$(LD_$(1)) $$(KERNEL_LDFLAGS) -o $$@ $$($(1)_OBJS) $(O)/$(1)/kallsyms0.o

$(O)/$(1)/kallsyms.c: $(O)/$(1)/kvlab.pass1.elf scripts/kallsyms.py
	$$(quiet_msg) "KSYMS $(1)" $$@
	$$(Q)$$(NM) -n -S --defined-only $$< | $$(PYTHON) scripts/kallsyms.py > $$@

$(O)/$(1)/kvlab.elf: $$($(1)_OBJS) $(O)/$(1)/kallsyms.o boot/linker.ld Makefile
	$$(quiet_msg) "LD $(1)" $$@
	$$(Q)$$(LD_$(1)) $$(KERNEL_LDFLAGS) -o $$@ $$($(1)_OBJS) $(O)/$(1)/kallsyms.o
	$$(Q)$$(NM) -n -S --defined-only $$@ | $$(PYTHON) scripts/kallsyms.py | \
		cmp -s - $(O)/$(1)/kallsyms.c || \
		{ echo "kallsyms: functions moved between the two links" >&2; rm -f $$@; exit 1; }

-include $$($(1)_OBJS:.o=.d)
endef

$(foreach tc,$(TOOLCHAINS),$(eval $(call kernel-rules,$(tc))))

KERNEL := $(O)/$(TC)/kvlab.elf
ISO := $(O)/kvlab.iso

# ---- targets ---------------------------------------------------------------------

.PHONY: all kernel kernels iso run run-uefi test test-quick grade bench debug clean help deps \
	lab lab-solution handin lab-test \
	doc-check docs-test script-test

all: kernel ## build the kernel (build/gcc/kvlab.elf, or build/clang with CC=clang)

kernel: $(KERNEL)

kernels: $(foreach tc,$(TOOLCHAINS),$(O)/$(tc)/kvlab.elf) ## build both the gcc and the clang kernel

deps: ## check for (and on Debian/Ubuntu as root, install) every tool kvlab needs
	@scripts/deps.sh all

iso: $(ISO) ## build the bootable BIOS+UEFI GRUB image build/kvlab.iso

# CMDLINE: kernel command-line words for run/iso/debug, e.g. CMDLINE="tests=buddy".
CMDLINE ?=

# Rebuild the ISO when CMDLINE changes: the stamp holds the last one.
$(O)/cmdline.stamp: FORCE
	@mkdir -p $(O)
	@echo '$(CMDLINE)' | cmp -s - $@ || echo '$(CMDLINE)' > $@

$(ISO): $(KERNEL) iso/grub.cfg scripts/mkiso.sh $(O)/cmdline.stamp
	$(quiet_msg) ISO $@
	$(Q)scripts/mkiso.sh $(KERNEL) $@ $(CMDLINE)

.PHONY: FORCE
FORCE:

# run and run-uefi end at the serial monitor (monitor=1) when make's input
# is a terminal, someone to type at it; otherwise (`make run </dev/null`, CI)
# the kernel boots, tests and leaves QEMU. A monitor= in CMDLINE comes later
# on the command line, so it wins.
RUN_CMDLINE = monitor=$$([ -t 0 ] && echo 1 || echo 0) $(CMDLINE)

run: ## boot the ISO in QEMU (BIOS) with the serial console on this terminal
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory iso CMDLINE="$(RUN_CMDLINE)"
	@$(PYTHON) scripts/kvqemu.py run --iso $(ISO)

run-uefi: ## like run, but boot under UEFI firmware (OVMF)
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory iso CMDLINE="$(RUN_CMDLINE)"
	@$(PYTHON) scripts/kvqemu.py run --iso $(ISO) --uefi

test: ## the whole suite: both compilers, QEMU configurations, host tests
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory kernels
	@$(PYTHON) scripts/runtests.py --build $(O)

test-quick: ## one fast configuration (gcc kernel, qemu -kernel), for the edit-compile-test loop
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory $(O)/gcc/kvlab.elf
	@$(PYTHON) scripts/runtests.py --build $(O) --quick

doc-check: ## every function of the headers listed in scripts/check_kerneldoc.py has its kernel-doc
	@$(PYTHON) scripts/check_kerneldoc.py

lab-test: $(O)/gcc/kvlab.elf $(O)/clang/kvlab.elf ## each lab's student tree builds, boots and scores between 0 and full; the solution full (part of make test)
	@$(PYTHON) scripts/lab_check.py --build $(O)

docs-test: $(O)/gcc/kvlab.elf ## every figure the docs quote (tests/doc-figures.txt) and every marked handout command, against this build (part of make test)
	@$(PYTHON) scripts/check_docs.py all --build $(O)

script-test: $(O)/gcc/kvlab.elf ## the tests of the scripts themselves (tests/scripts/)
	@KVLAB_BUILD=$(O) $(PYTHON) tests/scripts/run.py

# LAB: the lab of make lab, lab-solution, grade and handin (in a tree that
# make lab wrote, .kvlab-lab names it); DEST: where make lab writes;
# TESTS_FROM: a pristine kvlab tree to regrade this tree's lab work on.
LAB ?=
DEST ?=
TESTS_FROM ?=

grade: ## score the self-tests, one boot per part (points: tests/grade-points.txt; TESTS_FROM=pristine tree to regrade)
	@scripts/deps.sh run
	@$(if $(TESTS_FROM),,$(MAKE) --no-print-directory $(KERNEL))
	@$(PYTHON) scripts/grade.py --build $(O) --tc $(TC) $(if $(LAB),--lab $(LAB)) \
		$(if $(TESTS_FROM),--tests-from $(TESTS_FROM))

lab: ## write LAB's student tree (a git repository) to DEST: its regions stubbed (docs/labs/)
	@$(if $(and $(LAB),$(DEST)),,$(error usage: make lab LAB=buddy|slab|vmalloc DEST=dir))
	@$(PYTHON) scripts/mklab.py student $(LAB) $(DEST) --seed $(O)

lab-solution: ## write LAB's solution tree (the full reference) to DEST
	@$(if $(and $(LAB),$(DEST)),,$(error usage: make lab-solution LAB=buddy|slab|vmalloc DEST=dir))
	@$(PYTHON) scripts/mklab.py solution $(LAB) $(DEST) --seed $(O)

handin: ## pack this lab tree and its answers-LAB.txt into build/handin-LAB.tar.gz
	@$(PYTHON) scripts/handin.py $(if $(LAB),--lab $(LAB))

# ICOUNT=1: run QEMU with -icount so cycles are exact guest instruction counts.
ICOUNT ?= 0
# SMP=N: benchmark with N CPUs (-smp N; the others idle in hlt).
SMP ?= 1

BENCH_KERNEL := $(O)/nodebug/$(TC)/kvlab.elf

bench: ## run every benchmark in QEMU, write build/bench/report.md and plots (ICOUNT=1: exact counts)
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory O=$(O)/nodebug DEBUG_VM=0 $(BENCH_KERNEL)
	@$(PYTHON) scripts/kvqemu.py bench --kernel $(BENCH_KERNEL) --out $(O)/bench $(if $(filter 1,$(ICOUNT)),--icount) --smp $(SMP)

# GDBPORT: make debug's gdb port (default 25000 + your uid % 5000).
GDBPORT ?=

debug: ## boot with QEMU waiting for gdb (port 25000 + uid % 5000), and start gdb with kvlab's symbols and kv-* helpers
	@scripts/deps.sh debug
	@$(MAKE) --no-print-directory $(KERNEL)
	@$(PYTHON) scripts/kvqemu.py debug --kernel $(KERNEL) --append "$(CMDLINE)" $(if $(GDBPORT),--port $(GDBPORT))

clean: ## remove build/
	rm -rf $(O)

help: ## list the targets
	@echo "kvlab $(VERSION): make [target] [CC=clang] [V=1] [CMDLINE=\"key=value ...\"]"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		sed -E 's/^([a-z-]+):.*## (.*)/  \1|\2/' | \
		awk -F'|' '{ printf "  %-12s %s\n", $$1, $$2 }'

# ---- host tests and fuzzing (tests/host/) --------------------------------------
#
# kvlab's lib/, its pure kernel parsers, printk and panic, and mm/
# (memblock, paging, the buddy allocator, slab and kmalloc, the vmap area
# trees and vmalloc, with page tables in the arena) compiled for the host against
# tests/host/shim (see tests/host/shim/host.h), in three builds under
# $(O)/host/:
#
#   asan/   gcc, AddressSanitizer and UBSan: kvtest, the host test suites
#   clang/  clang, the same sanitizers and libFuzzer's coverage counters:
#           kvtest again, and the fuzz targets (in fuzz/)
#   plain/  gcc, no sanitizer: kvtest, for one run under valgrind
#
# host-test runs the three kvtests; fuzz-smoke runs each fuzz target for
# FUZZ_SMOKE_RUNS inputs grown from the seed corpus in tests/host/corpus/
# (make test runs both); fuzz runs each for FUZZ_SECONDS and keeps what it
# finds in $(O)/host/fuzz/corpus/.

HOST_CC ?= gcc
FUZZ_CC ?= clang
VALGRIND ?= valgrind
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_RUNS ?= 50000
# fuzz_alloc runs whole allocator programs, some 700 a second: fewer runs.
FUZZ_SMOKE_RUNS_fuzz_alloc ?= 5000
# fuzz_acpi scans the 128 KiB BIOS area on every input, some 400 a second.
FUZZ_SMOKE_RUNS_fuzz_acpi ?= 5000
# Extra kvtest arguments, e.g. HOST_TEST_ARGS="--seed=7 --scale=1000".
HOST_TEST_ARGS ?=
# valgrind is some 30 times slower: its run does this percentage of the work;
# the clang build (with libFuzzer's coverage counters) does this much.
VALGRIND_SCALE := 10
CLANG_SCALE := 50

# The kernel's sources the host build compiles: lib/ (the C library's
# string functions instead of lib/string.c), the kernel's pure parsers,
# printk and panic, and mm/ without its kernel-only files.
HOST_KERNEL_SRCS := kernel/cmdline.c kernel/bootinfo.c kernel/acpi.c kernel/printk.c \
	kernel/panic.c kernel/fault_inject.c
HOST_MM_SRCS := $(filter-out %_glue.c,$(MM_SRCS))
HOST_KV_SRCS := $(filter-out lib/string.c,$(LIB_SRCS)) $(HOST_KERNEL_SRCS) \
	$(HOST_MM_SRCS)
HOST_SHIM_SRCS := tests/host/shim/kernel.c tests/host/shim/arena.c tests/host/shim/cpu.c \
	tests/host/shim/mm.c
HOST_MODEL_SRCS := tests/host/model_strto.c tests/host/model_cmdline.c \
	tests/host/model_bootinfo.c tests/host/model_pages.c \
	tests/host/model_vmap.c tests/host/model_acpi.c
HOST_TEST_SRCS := tests/host/main.c tests/host/test_shim.c \
	tests/host/test_vsprintf.c tests/host/test_strutil.c \
	tests/host/test_prng.c tests/host/test_cmdline.c \
	tests/host/test_bootinfo.c tests/host/test_buddy.c \
	tests/host/test_rbtree.c tests/host/test_vmap_area.c \
	tests/host/test_vmalloc.c tests/host/test_slab.c tests/host/test_acpi.c \
	tests/host/test_percpu.c
# fuzz_alloc: allocator operation sequences decoded from the input, checked
# against reference models (the buddy allocator, the vmap areas, kmalloc
# objects); fuzz_acpi: BIOS-area memory for the ACPI table parser.
FUZZ_TARGETS := fuzz_cmdline fuzz_memmap fuzz_alloc fuzz_trace fuzz_acpi
# fuzz_trace: the kmem trace reader of make replay (tests/replay/).
FUZZ_EXTRA_fuzz_trace := tests/replay/trace.c tests/replay/replay.c
FUZZ_SMOKE_RUNS_fuzz_trace ?= 20000

HOST_COMMON_SRCS := $(HOST_KV_SRCS) $(HOST_SHIM_SRCS) $(HOST_MODEL_SRCS)
HOST_CFLAGS := -std=gnu11 -DKVLAB_HOST -Itests/host/shim -Iinclude -g \
	-fno-omit-frame-pointer $(WARN_CFLAGS) $(BREAK_CFLAGS)
HOST_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all

# host-build-rules(name, compiler, flags): objects in $(O)/host/name/obj.
define host-build-rules
$(O)/host/$(1)/obj/%.o: %.c
	$$(quiet_msg) "HOSTCC" "$(1) $$<"
	@mkdir -p $$(dir $$@)
	$$(Q)$(2) $$(HOST_CFLAGS) $(3) $$(DEP_CFLAGS) -c $$< -o $$@

-include $$(patsubst %.c,$(O)/host/$(1)/obj/%.d,$$(HOST_COMMON_SRCS) $$(HOST_TEST_SRCS) $$(FUZZ_TARGETS:%=tests/host/%.c))
endef

$(eval $(call host-build-rules,asan,$(HOST_CC),$(HOST_SAN) -O1))
$(eval $(call host-build-rules,clang,$(FUZZ_CC),$(HOST_SAN) -fsanitize=fuzzer-no-link -O1))
$(eval $(call host-build-rules,plain,$(HOST_CC),-O1))
$(eval $(call host-build-rules,tsan,$(FUZZ_CC),-fsanitize=thread -O1))

host-objs = $(patsubst %.c,$(O)/host/$(1)/obj/%.o,$(HOST_COMMON_SRCS) $(2))

$(O)/host/asan/kvtest: $(call host-objs,asan,$(HOST_TEST_SRCS))
	$(quiet_msg) HOSTLD $@
	$(Q)$(HOST_CC) $(HOST_SAN) -o $@ $^ -lm

$(O)/host/clang/kvtest: $(call host-objs,clang,$(HOST_TEST_SRCS))
	$(quiet_msg) HOSTLD $@
	$(Q)$(FUZZ_CC) $(HOST_SAN) -o $@ $^ -lm

$(O)/host/plain/kvtest: $(call host-objs,plain,$(HOST_TEST_SRCS))
	$(quiet_msg) HOSTLD $@
	$(Q)$(HOST_CC) -o $@ $^ -lm

$(O)/host/tsan/kvtest: $(call host-objs,tsan,$(HOST_TEST_SRCS))
	$(quiet_msg) HOSTLD $@
	$(Q)$(FUZZ_CC) -fsanitize=thread -o $@ $^ -lm

define fuzz-link
$(O)/host/fuzz/$(1): $(call host-objs,clang,tests/host/$(1).c $(FUZZ_EXTRA_$(1)))
	$$(quiet_msg) HOSTLD $$@
	@mkdir -p $$(dir $$@)
	$$(Q)$$(FUZZ_CC) $$(HOST_SAN) -fsanitize=fuzzer -o $$@ $$^
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz-link,$(t))))

# kvreplay (tests/host/replay_main.c): a Linux kmem trace replayed through
# mm/ on the host; the reader and engine in tests/replay/ are pure code.
REPLAY_SRCS := tests/replay/trace.c tests/replay/replay.c tests/host/replay_main.c
$(foreach b,asan plain,$(eval -include $(patsubst %.c,$(O)/host/$(b)/obj/%.d,$(REPLAY_SRCS))))

$(O)/host/asan/kvreplay: $(call host-objs,asan,$(REPLAY_SRCS))
	$(quiet_msg) HOSTLD $@
	$(Q)$(HOST_CC) $(HOST_SAN) -o $@ $^ -lm

$(O)/host/plain/kvreplay: $(call host-objs,plain,$(REPLAY_SRCS))
	$(quiet_msg) HOSTLD $@
	$(Q)$(HOST_CC) -o $@ $^ -lm

FUZZ_BINS := $(FUZZ_TARGETS:%=$(O)/host/fuzz/%)
HOST_BINS := $(O)/host/asan/kvtest $(O)/host/clang/kvtest $(O)/host/plain/kvtest

# fuzz-run(target, corpus dir, libFuzzer options): one NAME=COMMAND for
# scripts/hostrun.py. New inputs go to the first directory, never to the
# committed seed corpus; crashes to $(O)/host/fuzz/.
fuzz-run = "$(1)=mkdir -p $(2) && $(O)/host/fuzz/$(1) -seed=1 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix=$(O)/host/fuzz/$(1)- $(3) \
	$(2) tests/host/corpus/$(1)"

# TRACE: the Linux kmem trace that make replay and make replay-kernel
# replay (trace-cmd report or the tracing `trace` file; plain, .gz or .xz).
REPLAY_TRACES := tests/traces/linux-6.1-boot.trace.xz tests/traces/linux-6.1-mixed.trace.xz
TRACE ?= tests/traces/linux-6.1-mixed.trace.xz

# The C sources clang-format checks (the repository's .clang-format).
FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null | grep -v '^tests/host/corpus/')

.PHONY: format format-check

format: ## reformat every C source with the repository's .clang-format
	@clang-format -i $(FORMAT_SRCS)

format-check: ## fail if a C source differs from what .clang-format makes of it (part of make test)
	@scripts/deps.sh host
	@clang-format --dry-run --Werror $(FORMAT_SRCS) && \
		echo "format-check: $(words $(FORMAT_SRCS)) files as .clang-format has them"

.PHONY: replay replay-check replay-kernel

replay: ## replay a Linux kmem trace through kvlab's mm/ on the host (TRACE=path; default the shipped one); build/replay/
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory $(O)/host/plain/kvreplay
	@mkdir -p $(O)/replay
	@$(O)/host/plain/kvreplay --samples=$(O)/replay/samples.csv '$(TRACE)' > $(O)/replay/replay.txt; \
		status=$$?; cat $(O)/replay/replay.txt; [ $$status -eq 0 ] || exit $$status
	@$(PYTHON) scripts/replay_plot.py $(O)/replay/samples.csv $(O)/replay '$(notdir $(TRACE))'

replay-kernel: ## replay TRACE in the kernel under QEMU -icount: cost per operation in guest instructions
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory $(O)/host/plain/kvreplay
	@$(MAKE) --no-print-directory O=$(O)/nodebug DEBUG_VM=0 $(BENCH_KERNEL)
	@mkdir -p $(O)/replay
	@$(O)/host/plain/kvreplay --emit=$(O)/replay/trace.bin '$(TRACE)'
	@$(PYTHON) scripts/kvqemu.py replay --kernel $(BENCH_KERNEL) --records $(O)/replay/trace.bin --icount --out $(O)/replay

replay-check: ## the shipped traces replayed under ASan+UBSan with --check, bad input, and one kernel replay (part of make test)
	@scripts/deps.sh host
	@$(MAKE) --no-print-directory $(O)/host/asan/kvreplay $(O)/gcc/kvlab.elf
	@$(PYTHON) tests/replay/check.py $(O)/host/asan/kvreplay --kernel $(O)/gcc/kvlab.elf $(REPLAY_TRACES)

.PHONY: host-build host-bins fuzz-bins host-test fuzz fuzz-smoke

host-build: host-bins fuzz-bins
host-bins: $(HOST_BINS)
	@:
fuzz-bins: $(FUZZ_BINS)
	@:

host-test: ## host tests of lib/, the parsers and mm/: gcc and clang ASan+UBSan, valgrind
	@scripts/deps.sh host
	@$(MAKE) --no-print-directory host-bins
	@$(PYTHON) scripts/hostrun.py \
		"asan=$(O)/host/asan/kvtest $(HOST_TEST_ARGS)" \
		"clang=$(O)/host/clang/kvtest --scale=$(CLANG_SCALE) $(HOST_TEST_ARGS)" \
		"valgrind=$(VALGRIND) -q --error-exitcode=1 --leak-check=full \
			$(O)/host/plain/kvtest $(HOST_TEST_ARGS) --scale=$(VALGRIND_SCALE)"

fuzz-smoke: ## each fuzz target for FUZZ_SMOKE_RUNS inputs (part of make test)
	@scripts/deps.sh host
	@$(MAKE) --no-print-directory fuzz-bins
	@rm -rf $(O)/host/fuzz/smoke
	@$(PYTHON) scripts/hostrun.py --log-dir $(O)/host/fuzz/log \
		$(foreach t,$(FUZZ_TARGETS),$(call fuzz-run,$(t),$(O)/host/fuzz/smoke/$(t),-runs=$(or $(FUZZ_SMOKE_RUNS_$(t)),$(FUZZ_SMOKE_RUNS))))

fuzz: ## run each fuzz target for FUZZ_SECONDS (default 60) seconds
	@scripts/deps.sh host
	@$(MAKE) --no-print-directory fuzz-bins
	@$(PYTHON) scripts/hostrun.py --log-dir $(O)/host/fuzz/log \
		$(foreach t,$(FUZZ_TARGETS),$(call fuzz-run,$(t),$(O)/host/fuzz/corpus/$(t),-max_total_time=$(FUZZ_SECONDS)))

# ---- the peers (scripts/bench_peers.py) ------------------------------------------
#
# bench-peers: the kernel's kmalloc_pair and kmalloc_batch loops
# (tests/host/bench_peers.c) built against glibc, jemalloc, mimalloc and
# tcmalloc (each linked in place of malloc; -fno-plt and -z now, so a call
# is one instruction, as the kernel's) and against kvlab's mm/ built for
# the host ($(O)/host/peers: -O2, DEBUG_VM=0, as the benchmark kernel),
# counted with callgrind, beside the benchmark kernel's -icount figures
# (a bench=slab boot, or KERNEL_LOG=path: a saved log of one). PEERS_RUNS
# runs of each binary: a figure that varies is printed as a range.

PEERS := glibc jemalloc mimalloc tcmalloc
PEER_LIBS_glibc :=
PEER_LIBS_jemalloc := -ljemalloc
PEER_LIBS_mimalloc := -lmimalloc
PEER_LIBS_tcmalloc := -ltcmalloc_minimal
PEERS_CFLAGS := -std=gnu11 -O2 -g -fno-builtin -fno-plt $(WARN_CFLAGS)
PEERS_RUNS ?= 5
KERNEL_LOG ?=
PEER_BINS := $(PEERS:%=$(O)/peers/bench_peers-%) $(O)/peers/bench_peers-kvlab

$(PEERS:%=$(O)/peers/bench_peers-%): $(O)/peers/bench_peers-%: tests/host/bench_peers.c
	$(quiet_msg) HOSTCC $@
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) $(PEERS_CFLAGS) $< -o $@ -Wl,-z,now $(PEER_LIBS_$*)

$(eval $(call host-build-rules,peers,$(HOST_CC),-O2 -fno-builtin -DKVLAB_DEBUG_VM=0 -DPEERS_KVLAB))

-include $(O)/host/peers/obj/tests/host/bench_peers.d

$(O)/peers/bench_peers-kvlab: $(call host-objs,peers,tests/host/bench_peers.c)
	$(quiet_msg) HOSTLD $@
	@mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -o $@ $^ -lm

.PHONY: bench-peers

bench-peers: ## kvlab's kmalloc loops against glibc, jemalloc, mimalloc, tcmalloc (valgrind Ir) and the kernel; build/peers/
	@scripts/deps.sh peers
	@$(MAKE) --no-print-directory $(PEER_BINS)
	$(if $(KERNEL_LOG),,@$(MAKE) --no-print-directory O=$(O)/nodebug DEBUG_VM=0 $(BENCH_KERNEL))
	@$(PYTHON) scripts/bench_peers.py --bin-dir $(O)/peers --out $(O)/peers --runs $(PEERS_RUNS) \
		$(if $(KERNEL_LOG),--kernel-log '$(KERNEL_LOG)',--kernel $(BENCH_KERNEL))

# ---- mutation testing (scripts/mutants.py) ---------------------------------------
#
# mutants: MUTANTS single-line mutants of mm/ and the allocator headers,
# picked by SEED, each built in $(O)/mutants/wN (MUTANT_JOBS at a time,
# niced) and checked by the main boot, the slub_debug=FZPU boot and the
# ASan kvtest; prints the survivors and `mutants: killed K of B built (P%)`.
# Too slow for make test, whose script-test runs tests/scripts/test_mutants.py
# (the generator and tests/mutants-equivalent.txt checked) instead.

SEED ?= 1
MUTANTS ?= 100
MUTANT_JOBS ?= 2

.PHONY: mutants

mutants: ## mutation score: MUTANTS (100) mutants of mm/, sampled by SEED (1), built and tested
	@scripts/deps.sh host
	@nice -n 10 $(MAKE) --no-print-directory -j$(MUTANT_JOBS) $(O)/gcc/kvlab.elf $(O)/host/asan/kvtest
	@nice -n 10 $(PYTHON) scripts/mutants.py --build $(O) --seed $(SEED) \
		--count $(MUTANTS) --jobs $(MUTANT_JOBS)
