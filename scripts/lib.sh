# SPDX-License-Identifier: GPL-2.0
# Shared settings for the project scripts; sourced, not run.

# shellcheck source=scripts/machines.sh
. "$top/scripts/machines.sh"

# MACHINE picks one machine of the matrix (scripts/machines.sh). Without
# it, KERNEL (6.12 by default) picks the x86-64 machine of that kernel,
# so that KERNEL=6.1 works as it did before there was a matrix. An empty
# variable counts as unset: make exports the ones it was not given.
if [ -z "${MACHINE:-}" ]; then
	case "${KERNEL:-6.12}" in
	6.12) MACHINE=x86_64 ;;
	6.1) MACHINE=x86_64-6.1 ;;
	*) echo "KERNEL=$KERNEL: supported are 6.12 and 6.1" >&2; exit 2 ;;
	esac
fi
machine_info "$MACHINE" ||
	{ echo "MACHINE=$MACHINE: the machines are $MACHINES_ALL" >&2; exit 2; }
if [ -n "${KERNEL:-}" ] && [ "$KERNEL" != "$M_KERNEL" ]; then
	echo "MACHINE=$MACHINE runs linux-$M_KERNEL, not KERNEL=$KERNEL" >&2
	exit 2
fi
KERNEL=$M_KERNEL
GUEST_ARCH=$M_ARCH
QEMU_CPU=$M_CPU
MACHINE_CLAIMS=$M_CLAIMS

# VARIANT=debug (the default): the test kernel; VARIANT=kcsan (the
# default of the machines that say so): the test kernel with KCSAN in
# place of KASAN; VARIANT=bench: the benchmark kernel, without the debug
# fragments. Each but debug in a tree of its own. VARIANT_FRAGS are the
# variant's configs/ fragments, after qemu and vcoh.
VARIANT=${VARIANT:-$M_VARIANT}
case "$VARIANT" in
debug) VARIANT_FRAGS="debug" ;;
kcsan) VARIANT_FRAGS="debug kcsan" ;;
bench) VARIANT_FRAGS="bench" ;;
*) echo "VARIANT=$VARIANT: supported are debug, kcsan and bench" >&2; exit 2 ;;
esac

BUILD=${BUILD:-$top/build}
# What follows from the arch: the kernel tree (x86-64 keeps the names it
# had before arm64 came, so that existing trees stay valid), the image,
# the cross compiler, QEMU and the guest's devices, the test binaries.
case "$GUEST_ARCH" in
x86_64)
	KSRC=$BUILD/linux-$KERNEL
	KIMAGE_TARGET=bzImage
	KIMAGE_PATH=arch/x86/boot/bzImage
	KMAKE_ARCH=()
	KCC="ccache gcc"
	OBJDUMP=objdump
	QEMU=qemu-system-x86_64
	QEMU_MACHINE=()
	QEMU_9P=virtio-9p-pci
	GUEST_CONSOLE=ttyS0
	IGT_BIN=$BUILD/igt
	INITRAMFS=$BUILD/initramfs.cpio.gz
	GUEST_TIMEOUT=1800
	;;
arm64)
	KSRC=$BUILD/linux-$KERNEL-arm64
	KIMAGE_TARGET=Image
	KIMAGE_PATH=arch/arm64/boot/Image
	KMAKE_ARCH=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	KCC="ccache aarch64-linux-gnu-gcc"
	OBJDUMP=aarch64-linux-gnu-objdump
	QEMU=qemu-system-aarch64
	QEMU_MACHINE=(-M virt)
	# virtio-mmio: the virt board's device tree lists it, no PCI needed.
	QEMU_9P=virtio-9p-device
	GUEST_CONSOLE=ttyAMA0
	IGT_BIN=$BUILD/igt-arm64
	INITRAMFS=$BUILD/initramfs-arm64.cpio.gz
	# make check's bound on one guest run: TCG emulates arm64 on x86
	# several times slower than x86 on x86.
	GUEST_TIMEOUT=3600
	;;
esac
# IGT_DIR: an IGT source tree built with meson in IGT_BUILD
# ($IGT_DIR/build by default). make igt and make check then also build
# the tests against it, into build/igt-real, for the host's arch; make
# check runs them in the x86-64 guests, under IGT's igt_runner if it was
# built.
IGT_DIR=${IGT_DIR:-}
if [ -n "$IGT_DIR" ]; then
	IGT_DIR=$(cd "$IGT_DIR" && pwd) || { echo "IGT_DIR: no directory $IGT_DIR" >&2; exit 2; }
fi
IGT_BUILD=${IGT_BUILD:-${IGT_DIR:+$IGT_DIR/build}}
IGT_REAL_BIN=$BUILD/igt-real
IGT_RUNNER=${IGT_BUILD:+$IGT_BUILD/runner/igt_runner}
# The arm64 guest's user space (scripts/deps unpacks it from Debian's
# busybox-static and bash-static for arm64): see scripts/initramfs-init.
GUEST_USERLAND=$BUILD/guest-arm64
[ "$VARIANT" = debug ] || KSRC=$KSRC-$VARIANT
KIMAGE=$KSRC/$KIMAGE_PATH
JOBS=${JOBS:-$(nproc)}
# Paths under the tree hash the same from any checkout.
export CCACHE_BASEDIR=$KSRC

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Always the same compiler command line, so that ccache and kbuild's
# command-line tracking keep rebuilds incremental.
kmake() {
	make -C "$KSRC" -j"$JOBS" "${KMAKE_ARCH[@]}" CC="$KCC" HOSTCC="ccache gcc" \
		KBUILD_BUILD_TIMESTAMP=@0 KBUILD_BUILD_USER=vcoh \
		KBUILD_BUILD_HOST=vcoh "$@"
}

# igt_make [TARGET...]: build the test binaries for the machine's arch.
# arm64's are cross-built against libdrm-dev:arm64 (scripts/deps).
igt_make() {
	case "$GUEST_ARCH" in
	x86_64) make -s -C "$top/igt-tests" "$@" &&
		if [ -n "$IGT_DIR" ]; then
			make -s -C "$top/igt-tests" IGT_DIR="$IGT_DIR" \
				IGT_BUILD="$IGT_BUILD" OUT="$IGT_REAL_BIN" "$@"
		fi ;;
	arm64) PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig \
		make -s -C "$top/igt-tests" OUT="$IGT_BIN" CC=aarch64-linux-gnu-gcc "$@" ;;
	esac
}
