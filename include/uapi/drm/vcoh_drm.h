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

#define DRM_IOCTL_VCOH_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_BO_CREATE, struct drm_vcoh_bo_create)
#define DRM_IOCTL_VCOH_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VCOH_BO_MMAP_OFFSET, \
		 struct drm_vcoh_bo_mmap_offset)
#define DRM_IOCTL_VCOH_BO_READ \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VCOH_BO_READ, struct drm_vcoh_bo_read)

/* Largest buffer object DRM_IOCTL_VCOH_BO_CREATE accepts, in bytes. */
#define VCOH_BO_MAX_SIZE		(1ULL << 30)

/**
 * struct drm_vcoh_bo_create - argument of DRM_IOCTL_VCOH_BO_CREATE
 *
 * Creates a buffer object of zeroed memory and returns a GEM handle to it.
 * Errors: -EINVAL if @size is 0 or above %VCOH_BO_MAX_SIZE or @flags has
 * a bit set; -ENOMEM if the memory cannot be allocated.
 */
struct drm_vcoh_bo_create {
	/**
	 * @size: in: requested size in bytes; out: the size allocated,
	 * rounded up to a multiple of the page size.
	 */
	__u64 size;
	/** @flags: in: must be 0; no flags are defined yet. */
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

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VCOH_DRM_H_ */
