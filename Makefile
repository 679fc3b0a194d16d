# SPDX-License-Identifier: GPL-2.0
#
# vcoh: page-table dirty-tracking helpers for VM_IO mappings, the vcoh
# virtual DRM driver that uses them, and their tests.
#
#   make run      build, boot the kernel in QEMU, run the demo
#   make check    build, boot, run every test and lint; ends "N passed, N failed"
#   make lint     checkpatch --strict, sparse, W=1, kernel-doc
#   make bench    the benchmark kernel, native vs upstream helpers; build/bench/
#   make kernel   build the kernel only      make igt   build the tests only
#   make vm CMD="..."   run a command in the guest
#
# KERNEL=6.12 (default) or KERNEL=6.1 picks the Debian linux-source to use.

KERNEL ?= 6.12
export KERNEL

all: kernel igt

deps:
	@scripts/deps

kernel: deps
	@scripts/build-kernel

igt: deps
	@$(MAKE) -s -C igt-tests

run: kernel igt
	@scripts/run-demo

check:
	@scripts/check

lint: deps
	@scripts/lint

bench:
	@scripts/bench

vm: kernel igt
	@scripts/vm-run -- sh -c '$(CMD)'

clean:
	rm -rf build

.PHONY: all deps kernel igt run check lint bench vm clean
