/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vcoh: virtual coherent-memory DRM driver, user-space interface.
 */
#ifndef _UAPI_VCOH_DRM_H_
#define _UAPI_VCOH_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_VCOH_BO_CREATE		0x00
#define DRM_VCOH_BO_MMAP_OFFSET		0x01
#define DRM_VCOH_BO_READ		0x02
#define DRM_VCOH_BO_DIRTY		0x03

#define DRM_IOCTL_VCOH_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_BO_CREATE, struct drm_vcoh_bo_create)
#define DRM_IOCTL_VCOH_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_BO_MMAP_OFFSET, \
		 struct drm_vcoh_bo_mmap_offset)
#define DRM_IOCTL_VCOH_BO_READ \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VCOH_BO_READ, struct drm_vcoh_bo_read)
#define DRM_IOCTL_VCOH_BO_DIRTY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_BO_DIRTY, struct drm_vcoh_bo_dirty)

/* Largest buffer object DRM_IOCTL_VCOH_BO_CREATE accepts, in bytes. */
#define VCOH_BO_MAX_SIZE		(1ULL << 30)

/*
 * How the driver finds out which pages of a buffer object the CPU wrote,
 * chosen at creation in the low bits of drm_vcoh_bo_create.flags:
 * NONE: it does not; every page counts as written.
 * PAGETABLE: the ptes are writable; a scan reads and clears their dirty
 * bits.
 * MKWRITE: the ptes are read-only; the first write to a page faults and is
 * recorded, and a scan write-protects the pages written since the last.
 */
#define VCOH_BO_TRACK_NONE		0x0
#define VCOH_BO_TRACK_PAGETABLE		0x1
#define VCOH_BO_TRACK_MKWRITE		0x2
#define VCOH_BO_TRACK_MASK		0x3

/* Most buffer objects one DRM_IOCTL_VCOH_BO_DIRTY call scans. */
#define VCOH_DIRTY_MAX_BOS		1024

/**
 * struct drm_vcoh_bo_create - argument of DRM_IOCTL_VCOH_BO_CREATE
 *
 * Creates a buffer object of zeroed memory and returns a GEM handle to it.
 * Errors: -EINVAL if @size is 0 or above %VCOH_BO_MAX_SIZE or @flags is not
 * a tracking mode; -ENOMEM if the memory cannot be allocated.
 */
struct drm_vcoh_bo_create {
	/**
	 * @size: in: requested size in bytes; out: the size allocated,
	 * rounded up to a multiple of the page size.
	 */
	__u64 size;
	/**
	 * @flags: in: the tracking mode, one of %VCOH_BO_TRACK_NONE,
	 * %VCOH_BO_TRACK_PAGETABLE or %VCOH_BO_TRACK_MKWRITE; no other bit
	 * may be set.
	 */
	__u32 flags;
	/** @handle: out: GEM handle of the new buffer object. */
	__u32 handle;
};

/**
 * struct drm_vcoh_bo_mmap_offset - argument of DRM_IOCTL_VCOH_BO_MMAP_OFFSET
 *
 * Returns the fake offset to pass to mmap() on the DRM file to map the
 * buffer object. Only shared mappings are allowed; MAP_PRIVATE of a
 * writable file fails with -EINVAL, and so does a mapping that extends
 * past the end of the object.
 * Errors: -EINVAL if @pad is not 0; -ENOENT if @handle is not a handle of
 * this file.
 */
struct drm_vcoh_bo_mmap_offset {
	/** @handle: in: GEM handle. */
	__u32 handle;
	/** @pad: in: must be 0. */
	__u32 pad;
	/** @offset: out: offset for mmap(). */
	__u64 offset;
};

/**
 * struct drm_vcoh_bo_read - argument of DRM_IOCTL_VCOH_BO_READ
 *
 * Copies @size bytes of the buffer object, starting at byte @offset, to
 * user memory at @data_ptr, as the driver sees the object's memory. A
 * @size of 0 copies nothing.
 * Errors: -EINVAL if @pad is not 0 or [@offset, @offset + @size) is not
 * inside the object; -ENOENT for a bad @handle; -EFAULT if @data_ptr is
 * not writable.
 */
struct drm_vcoh_bo_read {
	/** @handle: in: GEM handle. */
	__u32 handle;
	/** @pad: in: must be 0. */
	__u32 pad;
	/** @offset: in: first byte to copy. */
	__u64 offset;
	/** @size: in: number of bytes to copy. */
	__u64 size;
	/** @data_ptr: in: user pointer the bytes are copied to. */
	__u64 data_ptr;
};

/**
 * struct drm_vcoh_dirty_bo - one buffer object of DRM_IOCTL_VCOH_BO_DIRTY
 *
 * The bitmap has one bit per page of the object, page i in bit i % 64 of
 * the 64-bit word i / 64, in the CPU's byte order.
 */
struct drm_vcoh_dirty_bo {
	/** @handle: in: GEM handle. */
	__u32 handle;
	/** @flags: in: must be 0. */
	__u32 flags;
	/** @bitmap_ptr: in: user pointer the bitmap is written to. */
	__u64 bitmap_ptr;
	/**
	 * @bitmap_size: in: size of the buffer at @bitmap_ptr in bytes, at
	 * least 8 bytes per 64 pages of the object.
	 */
	__u64 bitmap_size;
	/** @first: out: first page written, or 0 if none. */
	__u64 first;
	/** @end: out: one past the last page written, or 0 if none. */
	__u64 end;
	/** @num_dirty: out: number of pages written. */
	__u64 num_dirty;
};

/**
 * struct drm_vcoh_bo_dirty - argument of DRM_IOCTL_VCOH_BO_DIRTY
 *
 * For each buffer object, reports the pages the CPU wrote through any
 * mapping since the previous call for that object (or since creation),
 * and starts tracking anew. All objects are scanned under their locks
 * and the TLB is flushed once for the whole call.
 * Errors: -EINVAL if @count is 0 or above %VCOH_DIRTY_MAX_BOS, a flags
 * field is not 0, a handle appears twice or a bitmap is too small;
 * -ENOENT for a bad handle; -EFAULT if @bos_ptr or a bitmap cannot be
 * accessed, in which case what was scanned is kept for the next call.
 */
struct drm_vcoh_bo_dirty {
	/** @bos_ptr: in: user pointer to @count struct drm_vcoh_dirty_bo. */
	__u64 bos_ptr;
	/** @count: in: number of entries at @bos_ptr. */
	__u32 count;
	/** @flags: in: must be 0. */
	__u32 flags;
	/** @tlb_flushes: out: TLB flushes the call issued. */
	__u64 tlb_flushes;
	/** @ptes_changed: out: ptes the scan cleaned or write-protected. */
	__u64 ptes_changed;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VCOH_DRM_H_ */
