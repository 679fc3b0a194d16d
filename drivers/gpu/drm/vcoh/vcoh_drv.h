/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _VCOH_DRV_H_
#define _VCOH_DRV_H_

#include <linux/apply_as.h>

#include <drm/drm_device.h>
#include <drm/drm_gem.h>

struct drm_file;
struct drm_mode_create_dumb;
struct platform_device;

/**
 * struct vcoh_device - the virtual device
 * @drm: DRM device, embedded
 * @pdev: platform device the DRM device hangs off
 * @flush_queue: TLB flushes of every scan of the device's objects
 */
struct vcoh_device {
	struct drm_device drm;
	struct platform_device *pdev;
	struct as_flush_queue flush_queue;
};

static inline struct vcoh_device *to_vcoh_device(struct drm_device *drm)
{
	return container_of(drm, struct vcoh_device, drm);
}

/**
 * struct vcoh_bo - a buffer object
 * @base: GEM object, embedded
 * @pages: the object's memory, one zeroed page per entry
 * @num_pages: number of entries in @pages
 * @track: how CPU writes are found, a VCOH_BO_TRACK_* mode
 * @dirty: a bit per page written since the last scan reported
 * @dirty_start: first bit set in @dirty
 * @dirty_end: one past the last bit set; @dirty_start >= @dirty_end: none
 * @as_ctx: the dirty helpers' context, with the object's dma_resv lock
 *
 * The memory stands for device memory that the CPU can map: user space
 * maps it VM_IO | VM_PFNMAP and the fault handler inserts the pfns.
 * @dirty and its range are protected by the dma_resv lock.
 */
struct vcoh_bo {
	struct drm_gem_object base;
	struct page **pages;
	pgoff_t num_pages;
	u32 track;
	unsigned long *dirty;
	pgoff_t dirty_start;
	pgoff_t dirty_end;
	struct apply_as_ctx as_ctx;
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
int vcoh_bo_dirty_ioctl(struct drm_device *dev, void *data,
			struct drm_file *file);
pgprot_t vcoh_dirty_fault_prot(struct vcoh_bo *bo, struct vm_area_struct *vma);
vm_fault_t vcoh_dirty_pfn_mkwrite(struct vm_fault *vmf);
void vcoh_dirty_vm_close(struct vm_area_struct *vma);
long vcoh_dirty_scan(struct vcoh_bo *bo);
void vcoh_debugfs_init(struct drm_minor *minor);
int vcoh_dumb_create(struct drm_file *file, struct drm_device *dev,
		     struct drm_mode_create_dumb *args);

#endif /* _VCOH_DRV_H_ */
