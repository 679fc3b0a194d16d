# SPDX-License-Identifier: GPL-2.0
# The test matrix: the machines make check boots, one line each. Sourced
# by scripts/lib.sh; everything else about a machine (kernel tree, image,
# QEMU binary, console, test binaries) follows from its arch, kernel and
# variant. Machines with the same arch, kernel and variant share one built
# kernel.
#
# machine        arch    kernel  QEMU -cpu      claims (scripts/check-machine)
# x86_64         x86_64  6.12    qemu64         va47 no-la57: baseline, 4-level paging
# x86_64-la57    x86_64  6.12    qemu64,+la57   va56 la57: 5-level paging, same kernel
# x86_64-6.1     x86_64  6.1     qemu64         va47 no-la57: the other supported kernel
# x86_64-kcsan   x86_64  6.12    qemu64         va47 kcsan: the data-race detector, in
#                                               a kernel of its own (it excludes KASAN)
# arm64          arm64   6.12    max,pauth=off  va48 hafdbs: hardware dirty bits (DBM)
# arm64-swdirty  arm64   6.12    cortex-a57     va48 no-hafdbs: dirty bits set by the
#                                               write-fault path, same kernel as arm64
#
# A claim is checked in every run: vaN, the guest maps user addresses of N
# bits (47 or 56 on x86-64 with 4 or 5 page-table levels, 48 on arm64);
# la57, /proc/cpuinfo has the flag; hafdbs, the kernel reports "Hardware
# dirty bit management"; kcsan, KCSAN reports it is on; no-X, the opposite.
# -cpu max's pointer authentication is emulated slowly under TCG and
# nothing here uses it: pauth=off keeps the rest of max, FEAT_HAFDBS
# included.
MACHINES_ALL="x86_64 x86_64-la57 x86_64-6.1 x86_64-kcsan arm64 arm64-swdirty"

# machine_info NAME: sets M_ARCH, M_KERNEL, M_CPU, M_CLAIMS and M_VARIANT
# (the kernel's variant, scripts/lib.sh); fails for an unknown NAME.
machine_info() {
	M_VARIANT=debug
	case "$1" in
	x86_64)        M_ARCH=x86_64 M_KERNEL=6.12 M_CPU=qemu64 M_CLAIMS="va47 no-la57" ;;
	x86_64-la57)   M_ARCH=x86_64 M_KERNEL=6.12 M_CPU=qemu64,+la57 M_CLAIMS="va56 la57" ;;
	x86_64-6.1)    M_ARCH=x86_64 M_KERNEL=6.1 M_CPU=qemu64 M_CLAIMS="va47 no-la57" ;;
	x86_64-kcsan)  M_ARCH=x86_64 M_KERNEL=6.12 M_CPU=qemu64 M_CLAIMS="va47 kcsan"
		       M_VARIANT=kcsan ;;
	arm64)         M_ARCH=arm64 M_KERNEL=6.12 M_CPU=max,pauth=off M_CLAIMS="va48 hafdbs" ;;
	arm64-swdirty) M_ARCH=arm64 M_KERNEL=6.12 M_CPU=cortex-a57 M_CLAIMS="va48 no-hafdbs" ;;
	*) return 1 ;;
	esac
}
