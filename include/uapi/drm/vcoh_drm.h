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
#define DRM_VCOH_SUBMIT			0x04
#define DRM_VCOH_DEVICE_WRITE		0x05
#define DRM_VCOH_DEVICE_READ		0x06
#define DRM_VCOH_STATS			0x07

#define DRM_IOCTL_VCOH_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_BO_CREATE, struct drm_vcoh_bo_create)
#define DRM_IOCTL_VCOH_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_BO_MMAP_OFFSET, \
		 struct drm_vcoh_bo_mmap_offset)
#define DRM_IOCTL_VCOH_BO_READ \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VCOH_BO_READ, struct drm_vcoh_bo_read)
#define DRM_IOCTL_VCOH_BO_DIRTY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_BO_DIRTY, struct drm_vcoh_bo_dirty)
#define DRM_IOCTL_VCOH_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_SUBMIT, struct drm_vcoh_submit)
#define DRM_IOCTL_VCOH_DEVICE_WRITE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VCOH_DEVICE_WRITE, \
		struct drm_vcoh_device_write)
#define DRM_IOCTL_VCOH_DEVICE_READ \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VCOH_DEVICE_READ, \
		struct drm_vcoh_device_read)
#define DRM_IOCTL_VCOH_STATS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_STATS, struct drm_vcoh_stats)

/* Largest buffer object DRM_IOCTL_VCOH_BO_CREATE accepts, in bytes. */
#define VCOH_BO_MAX_SIZE		(1ULL << 30)

/*
 * How the driver finds out which pages of a buffer object the CPU wrote,
 * chosen at creation in drm_vcoh_bo_create.flags:
 * NONE: it does not; every page counts as written.
 * PAGETABLE: the ptes are writable; a scan reads and clears their dirty
 * bits.
 * MKWRITE: the ptes are read-only; the first write to a page faults and is
 * recorded, and a scan write-protects the pages written since the last.
 * AUTO: PAGETABLE or MKWRITE, switched by the driver from what the scans
 * find (see the vcoh module parameters auto_*).
 *
 * The vcoh module parameter "backend" picks the code that does this for the
 * objects created from then on: "native", the default. Kernels built with
 * CONFIG_DRM_VCOH_BENCH, for benchmarks, also have "upstream" and "zap";
 * elsewhere writing those fails with -EOPNOTSUPP and changes nothing.
 */
#define VCOH_BO_TRACK_NONE		0x0
#define VCOH_BO_TRACK_PAGETABLE		0x1
#define VCOH_BO_TRACK_MKWRITE		0x2
#define VCOH_BO_TRACK_AUTO		0x3
#define VCOH_BO_TRACK_MASK		0x3

/* Most buffer objects one DRM_IOCTL_VCOH_BO_DIRTY call scans. */
#define VCOH_DIRTY_MAX_BOS		1024

/* Most buffer objects one DRM_IOCTL_VCOH_SUBMIT call takes. */
#define VCOH_SUBMIT_MAX_BOS		4096

/* Most bytes of user data one DRM_IOCTL_VCOH_DEVICE_WRITE call takes. */
#define VCOH_DEVICE_WRITE_MAX_DATA	(16ULL << 20)

/* drm_vcoh_device_write.flags: fill with @value instead of user data. */
#define VCOH_DEVICE_WRITE_FILL		0x1

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
	 * %VCOH_BO_TRACK_PAGETABLE, %VCOH_BO_TRACK_MKWRITE or
	 * %VCOH_BO_TRACK_AUTO; no other bit may be set.
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
 * not writable; -ENOMEM if memory runs short.
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
 * and the TLB is flushed once for the whole call. Like
 * DRM_IOCTL_VCOH_SUBMIT, it copies the pages it reports to the device
 * memory, so the two can be mixed without losing a write.
 * Errors: -EINVAL if @count is 0 or above %VCOH_DIRTY_MAX_BOS, a flags
 * field is not 0, a handle appears twice or a bitmap is too small;
 * -ENOENT for a bad handle; -EFAULT if @bos_ptr or a bitmap cannot be
 * accessed, and -ENOMEM if memory runs short, in which cases what was
 * scanned is kept for the next call.
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

/**
 * struct drm_vcoh_submit - argument of DRM_IOCTL_VCOH_SUBMIT
 *
 * Makes the device memory of each buffer object equal to what the CPU
 * wrote, the way a command submission makes a device see its buffers.
 * With all objects locked, each is scanned for the pages the CPU wrote
 * since its last scan, the TLB is flushed once for the whole call, and
 * exactly those pages are copied to the object's device memory. Objects
 * of mode %VCOH_BO_TRACK_NONE have every page copied.
 * Errors: -EINVAL if @count is 0 or above %VCOH_SUBMIT_MAX_BOS, @flags is
 * not 0, or a handle appears twice; -ENOENT for a bad handle;
 * -EFAULT if @handles_ptr cannot be read; -ENOMEM if memory runs short.
 * Nothing is scanned or copied when an error is returned.
 */
struct drm_vcoh_submit {
	/** @handles_ptr: in: user pointer to @count __u32 GEM handles. */
	__u64 handles_ptr;
	/** @count: in: number of handles at @handles_ptr. */
	__u32 count;
	/** @flags: in: must be 0. */
	__u32 flags;
	/** @pages_scanned: out: pages whose tracking state the scans read. */
	__u64 pages_scanned;
	/** @pages_copied: out: pages copied to device memory. */
	__u64 pages_copied;
	/** @tlb_flushes: out: TLB flushes the call issued. */
	__u64 tlb_flushes;
};

/**
 * struct drm_vcoh_device_write - argument of DRM_IOCTL_VCOH_DEVICE_WRITE
 *
 * Makes the device write [@offset, @offset + @size) of a buffer object's
 * device memory, as a GPU render would. First the pages the CPU wrote
 * are collected and copied to the device memory (nothing the CPU wrote
 * before the call is lost), then the device writes, and the bytes it wrote
 * replace the CPU's view of them: the user mappings of those pages are
 * invalidated and the next CPU access faults the new data in. The other
 * bytes of those pages keep what the CPU wrote. CPU writes to other
 * pages may run concurrently.
 * Errors: -EINVAL if @flags has an unknown bit, @pad is not 0, the range
 * is not inside the object, @size is 0, or with %VCOH_DEVICE_WRITE_FILL
 * @offset or @size is not a multiple of 4 or @data_ptr is not 0, and
 * without it @size is above %VCOH_DEVICE_WRITE_MAX_DATA or @value is not
 * 0; -ENOENT for a bad @handle; -EFAULT if @data_ptr cannot be read;
 * -ENOMEM if memory runs short. Nothing is written when an error is
 * returned.
 */
struct drm_vcoh_device_write {
	/** @handle: in: GEM handle. */
	__u32 handle;
	/** @flags: in: 0 or %VCOH_DEVICE_WRITE_FILL. */
	__u32 flags;
	/** @offset: in: first byte to write. */
	__u64 offset;
	/** @size: in: number of bytes to write. */
	__u64 size;
	/** @data_ptr: in: user pointer to @size bytes, unless filling. */
	__u64 data_ptr;
	/** @value: in: with %VCOH_DEVICE_WRITE_FILL, stored in every word. */
	__u32 value;
	/** @pad: in: must be 0. */
	__u32 pad;
};

/**
 * struct drm_vcoh_device_read - argument of DRM_IOCTL_VCOH_DEVICE_READ
 *
 * Copies @size bytes of a buffer object's device memory, starting at byte
 * @offset, to user memory at @data_ptr. The device memory holds what the
 * last DRM_IOCTL_VCOH_SUBMIT copied and what the device wrote. A @size of
 * 0 copies nothing.
 * Errors: -EINVAL if @pad is not 0 or [@offset, @offset + @size) is not
 * inside the object; -ENOENT for a bad @handle; -EFAULT if @data_ptr is
 * not writable.
 */
struct drm_vcoh_device_read {
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
 * struct drm_vcoh_stats - argument of DRM_IOCTL_VCOH_STATS
 *
 * Returns the counters of one buffer object, or with @handle 0 the sums
 * over the device's life. The counters only grow.
 * Errors: -EINVAL if @flags or @pad is not 0; -ENOENT for a bad @handle.
 */
struct drm_vcoh_stats {
	/** @handle: in: GEM handle, or 0 for the whole device. */
	__u32 handle;
	/** @flags: in: must be 0. */
	__u32 flags;
	/**
	 * @mode: out: the object's current tracking mode, never
	 * %VCOH_BO_TRACK_AUTO: what AUTO currently uses; 0 for the device.
	 */
	__u32 mode;
	/** @pad: in: must be 0. */
	__u32 pad;
	/** @submits: out: submit and dirty calls that took the object. */
	__u64 submits;
	/** @scans: out: scans of the object's tracking state. */
	__u64 scans;
	/** @pages_scanned: out: pages those scans covered. */
	__u64 pages_scanned;
	/** @pages_dirty: out: pages the scans found written. */
	__u64 pages_dirty;
	/** @pages_copied: out: pages copied to device memory. */
	__u64 pages_copied;
	/**
	 * @tlb_flushes_queued: out: for an object, its scans that left a TLB
	 * flush to do; for the device, address ranges queued for flushing
	 * before they were merged.
	 */
	__u64 tlb_flushes_queued;
	/**
	 * @tlb_flushes_issued: out: TLB flushes issued; for an object, by the
	 * calls that scanned it (a flush shared by many objects counts once
	 * for each).
	 */
	__u64 tlb_flushes_issued;
	/** @mkwrite_faults: out: first writes recorded by a fault. */
	__u64 mkwrite_faults;
	/** @mode_switches: out: switches of AUTO between its two modes. */
	__u64 mode_switches;
	/** @device_writes: out: DRM_IOCTL_VCOH_DEVICE_WRITE calls. */
	__u64 device_writes;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VCOH_DRM_H_ */
