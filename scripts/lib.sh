# SPDX-License-Identifier: GPL-2.0
# Shared settings for the project scripts; sourced, not run.

KERNEL=${KERNEL:-6.12}
case "$KERNEL" in
6.12|6.1) ;;
*) echo "KERNEL=$KERNEL: supported are 6.12 and 6.1" >&2; exit 2 ;;
esac

# VARIANT=debug (default): the test kernel; VARIANT=bench: the benchmark
# kernel, without the debug fragment, in a tree of its own.
VARIANT=${VARIANT:-debug}
case "$VARIANT" in
debug|bench) ;;
*) echo "VARIANT=$VARIANT: supported are debug and bench" >&2; exit 2 ;;
esac

BUILD=${BUILD:-$top/build}
KSRC=$BUILD/linux-$KERNEL
[ "$VARIANT" = debug ] || KSRC=$KSRC-$VARIANT
JOBS=${JOBS:-$(nproc)}
# Paths under the tree hash the same from any checkout.
export CCACHE_BASEDIR=$KSRC

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Always the same compiler command line, so that ccache and kbuild's
# command-line tracking keep rebuilds incremental.
kmake() {
	make -C "$KSRC" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
		KBUILD_BUILD_TIMESTAMP=@0 KBUILD_BUILD_USER=vcoh \
		KBUILD_BUILD_HOST=vcoh "$@"
}
