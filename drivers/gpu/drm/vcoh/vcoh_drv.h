/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _VCOH_DRV_H_
#define _VCOH_DRV_H_

#include <drm/drm_device.h>
#include <drm/drm_gem.h>

struct drm_file;
struct drm_mode_create_dumb;
struct platform_device;

/**
 * struct vcoh_device - the virtual device
 * @drm: DRM device, embedded
 * @pdev: platform device the DRM device hangs off
 */
struct vcoh_device {
	struct drm_device drm;
	struct platform_device *pdev;
};

/**
 * struct vcoh_bo - a buffer object
 * @base: GEM object, embedded
 * @pages: the object's memory, one zeroed page per entry
 * @num_pages: number of entries in @pages
 *
 * The memory stands for device memory that the CPU can map: user space
 * maps it VM_IO | VM_PFNMAP and the fault handler inserts the pfns.
 */
struct vcoh_bo {
	struct drm_gem_object base;
	struct page **pages;
	pgoff_t num_pages;
};

static inline struct vcoh_bo *to_vcoh_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct vcoh_bo, base);
}

bool vcoh_bo_size_valid(u64 size);
bool vcoh_bo_range_valid(u64 bo_size, u64 offset, u64 len);
int vcoh_dumb_layout(u32 width, u32 height, u32 bpp, u32 *pitch, u64 *size);

int vcoh_bo_create_ioctl(struct drm_device *dev, void *data,
			 struct drm_file *file);
int vcoh_bo_mmap_offset_ioctl(struct drm_device *dev, void *data,
			      struct drm_file *file);
int vcoh_bo_read_ioctl(struct drm_device *dev, void *data,
		       struct drm_file *file);
int vcoh_dumb_create(struct drm_file *file, struct drm_device *dev,
		     struct drm_mode_create_dumb *args);

#endif /* _VCOH_DRV_H_ */
