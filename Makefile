# SPDX-License-Identifier: GPL-2.0
#
# vcoh: page-table dirty-tracking helpers for VM_IO mappings, the vcoh
# virtual DRM driver that uses them, and their tests.
#
#   make run      build, boot the kernel in QEMU, run the demo
#   make check    build, boot, run every test and lint; ends "N passed, N failed"
#   make lint     checkpatch --strict, sparse, W=1, kernel-doc
#   make bench    the benchmark kernel, native vs upstream helpers; build/bench/
#   make soak SECONDS=N   the race and fuzz workloads together for N s
#                 (600 by default) in one guest; build/soak/
#   make patches  the project as a patch series per kernel; build/patches/
#   make kernel   build the kernel only      make igt   build the tests only
#   make vm CMD="..."   run a command in the guest
#
# MACHINE=NAME picks the machine (scripts/machines.sh) of the commands
# that boot one: x86_64 by default; KERNEL=6.1 alone picks x86_64-6.1.
# make check runs every machine, or those in MACHINES="x86_64 arm64 ...".

export KERNEL MACHINE MACHINES

all: kernel igt

deps:
	@scripts/deps

kernel: deps
	@scripts/build-kernel

igt: deps
	@scripts/build-igt

run: kernel igt
	@scripts/run-demo

check:
	@scripts/check

lint: deps
	@scripts/lint

bench:
	@scripts/bench

# SECONDS as make's own variable: bash's $SECONDS counts the shell's time.
soak: deps
	@SOAK_SECONDS=$(or $(SECONDS),600) scripts/soak

patches: deps
	@scripts/patches

vm: kernel igt
	@scripts/vm-run -- sh -c '$(CMD)'

clean:
	rm -rf build

.PHONY: all deps kernel igt run check lint bench soak patches vm clean
