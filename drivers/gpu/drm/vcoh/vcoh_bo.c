// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh buffer objects: zeroed pages standing for device memory, mapped to
 * user space as VM_IO | VM_PFNMAP with the pfns inserted at fault time.
 * This is the kind of mapping the page-table dirty-tracking helpers work
 * on: no struct page is ever mapped as a normal page, so neither the page
 * cache nor rmap knows which ptes point at the memory.
 */

#include <linux/bitmap.h>
#include <linux/dma-resv.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>
#include <drm/vcoh_drm.h>

#include "vcoh_compat.h"
#include "vcoh_drv.h"

/* Tracking modes DRM_IOCTL_VCOH_BO_CREATE accepts. */
static bool vcoh_bo_track_valid(u32 flags)
{
	return !(flags & ~VCOH_BO_TRACK_MASK);
}

bool vcoh_bo_size_valid(u64 size)
{
	return size && size <= VCOH_BO_MAX_SIZE;
}

/* Is [offset, offset + len) inside an object of bo_size bytes? */
bool vcoh_bo_range_valid(u64 bo_size, u64 offset, u64 len)
{
	u64 end;

	return !check_add_overflow(offset, len, &end) && end <= bo_size;
}

/* Pitch and size of a dumb buffer; the core has checked 32-bit overflow. */
int vcoh_dumb_layout(u32 width, u32 height, u32 bpp, u32 *pitch, u64 *size)
{
	u32 cpp = DIV_ROUND_UP(bpp, 8);
	u64 bytes;

	if (!width || !height || !cpp || check_mul_overflow(width, cpp, pitch))
		return -EINVAL;
	bytes = (u64)*pitch * height;
	if (!vcoh_bo_size_valid(bytes))
		return -EINVAL;
	*size = PAGE_ALIGN(bytes);
	return 0;
}

static void vcoh_bo_free_pages(struct page **pages, pgoff_t num_pages)
{
	pgoff_t i;

	for (i = 0; pages && i < num_pages && pages[i]; i++)
		__free_page(pages[i]);
	kvfree(pages);
}

static int vcoh_bo_alloc_pages(struct page **pages, pgoff_t num_pages)
{
	pgoff_t i;

	for (i = 0; i < num_pages; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO |
				      __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
		if (!pages[i])
			return -ENOMEM;
		cond_resched();
	}
	return 0;
}

static void vcoh_bo_free(struct drm_gem_object *obj)
{
	struct vcoh_device *vdev = to_vcoh_device(obj->dev);
	struct vcoh_bo *bo = to_vcoh_bo(obj);

	mutex_lock(&vdev->bos_lock);
	list_del(&bo->link);
	mutex_unlock(&vdev->bos_lock);

	drm_gem_object_release(obj);
	vcoh_bo_free_pages(bo->pages, bo->num_pages);
	vcoh_bo_free_pages(bo->device_pages, bo->num_pages);
	bitmap_free(bo->dirty.bitmap);
	kfree(bo);
}

static vm_fault_t vcoh_bo_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vcoh_bo *bo = to_vcoh_bo(vma->vm_private_data);
	/* vm_pgoff carries the object's fake offset: take it off. */
	pgoff_t idx = vmf->pgoff - drm_vma_node_start(&bo->base.vma_node);
	vm_fault_t ret;

	if (idx >= bo->num_pages)
		return VM_FAULT_SIGBUS;

	/*
	 * The lock keeps the tracking mode, and so the protection, stable,
	 * and keeps the CPU out of pages a device write is replacing.
	 */
	dma_resv_lock(bo->base.resv, NULL);
	ret = vmf_insert_pfn_prot(vma, vmf->address,
				  page_to_pfn(bo->pages[idx]),
				  vcoh_dirty_fault_prot(bo, vma));
	dma_resv_unlock(bo->base.resv);
	return ret;
}

static void vcoh_bo_vm_close(struct vm_area_struct *vma)
{
	vcoh_dirty_vm_close(vma);
	drm_gem_vm_close(vma);
}

static const struct vm_operations_struct vcoh_bo_vm_ops = {
	.fault = vcoh_bo_fault,
	.pfn_mkwrite = vcoh_dirty_pfn_mkwrite,
	.access = vcoh_bo_access,
	.open = drm_gem_vm_open,
	.close = vcoh_bo_vm_close,
};

static int vcoh_bo_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	/*
	 * A private writable mapping would need copy-on-write of pfns that
	 * have no normal struct page behind them: refuse it.
	 */
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;

	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	return 0;
}

static const struct drm_gem_object_funcs vcoh_bo_funcs = {
	.free = vcoh_bo_free,
	.mmap = vcoh_bo_mmap,
	.vm_ops = &vcoh_bo_vm_ops,
};

static struct vcoh_bo *vcoh_bo_create(struct drm_device *dev, u64 size,
				      u32 track)
{
	struct vcoh_device *vdev = to_vcoh_device(dev);
	struct vcoh_bo *bo;
	int ret;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	size = PAGE_ALIGN(size);
	bo->base.funcs = &vcoh_bo_funcs;
	drm_gem_private_object_init(dev, &bo->base, size);
	mutex_lock(&vdev->bos_lock);
	list_add_tail(&bo->link, &vdev->bos);
	mutex_unlock(&vdev->bos_lock);

	/* From here on, dropping the reference frees what was allocated. */
	bo->num_pages = size >> PAGE_SHIFT;
	bo->track = track;
	bo->backend = vcoh_backend_current();
	bo->mode = vcoh_dirty_initial_mode(track, bo->backend, bo->num_pages);
	ptedirty_ctx_init(&bo->dirty_ctx, &vdev->flush_queue,
			  &bo->base.resv->lock);
	bo->pages = kvcalloc(bo->num_pages, sizeof(*bo->pages), GFP_KERNEL);
	bo->device_pages = kvcalloc(bo->num_pages, sizeof(*bo->device_pages),
				    GFP_KERNEL);
	bo->dirty.bitmap = bitmap_zalloc(bo->num_pages, GFP_KERNEL);
	bo->dirty.bits = bo->num_pages;
	if (!bo->pages || !bo->device_pages || !bo->dirty.bitmap) {
		ret = -ENOMEM;
		goto err_put;
	}
	ret = vcoh_bo_alloc_pages(bo->pages, bo->num_pages);
	if (!ret)
		ret = vcoh_bo_alloc_pages(bo->device_pages, bo->num_pages);
	if (ret)
		goto err_put;

	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret)
		goto err_put;
	/* The record's bits are the page offsets user space maps it at. */
	bo->dirty.pgoff = vcoh_bo_index(bo);

	return bo;

err_put:
	drm_gem_object_put(&bo->base);
	return ERR_PTR(ret);
}

/* Create an object and a handle to it; the handle holds the reference. */
static int vcoh_bo_create_handle(struct drm_file *file, u64 size, u32 track,
				 u32 *handle)
{
	struct vcoh_bo *bo;
	int ret;

	bo = vcoh_bo_create(file->minor->dev, size, track);
	if (IS_ERR(bo))
		return PTR_ERR(bo);

	ret = drm_gem_handle_create(file, &bo->base, handle);
	drm_gem_object_put(&bo->base);
	return ret;
}

int vcoh_bo_create_ioctl(struct drm_device *dev, void *data,
			 struct drm_file *file)
{
	struct drm_vcoh_bo_create *args = data;
	u32 handle;
	int ret;

	if (!vcoh_bo_track_valid(args->flags) || !vcoh_bo_size_valid(args->size))
		return -EINVAL;

	ret = vcoh_bo_create_handle(file, args->size, args->flags, &handle);
	if (ret)
		return ret;

	args->size = PAGE_ALIGN(args->size);
	args->handle = handle;
	return 0;
}

int vcoh_dumb_create(struct drm_file *file, struct drm_device *dev,
		     struct drm_mode_create_dumb *args)
{
	u32 pitch, handle;
	u64 size;
	int ret;

	ret = vcoh_dumb_layout(args->width, args->height, args->bpp,
			       &pitch, &size);
	if (ret)
		return ret;

	ret = vcoh_bo_create_handle(file, size, VCOH_BO_TRACK_NONE, &handle);
	if (ret)
		return ret;

	args->pitch = pitch;
	args->size = size;
	args->handle = handle;
	return 0;
}

int vcoh_bo_mmap_offset_ioctl(struct drm_device *dev, void *data,
			      struct drm_file *file)
{
	struct drm_vcoh_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;

	if (args->pad)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

/*
 * Copy a page at a time through @bounce, under the object's lock: the
 * device memory changes under it, and a copy to user memory may fault,
 * which must not happen with the lock held.
 */
static int vcoh_bo_copy_out(struct vcoh_bo *bo, struct page **pages,
			    u64 offset, u64 len, char __user *dst, void *bounce)
{
	int ret;

	while (len) {
		pgoff_t idx = offset >> PAGE_SHIFT;
		unsigned int in_page = offset_in_page(offset);
		unsigned int chunk = min_t(u64, len, PAGE_SIZE - in_page);

		ret = dma_resv_lock_interruptible(bo->base.resv, NULL);
		if (ret)
			return ret;
		memcpy_from_page(bounce, pages[idx], in_page, chunk);
		dma_resv_unlock(bo->base.resv);
		if (copy_to_user(dst, bounce, chunk))
			return -EFAULT;

		offset += chunk;
		dst += chunk;
		len -= chunk;
		cond_resched();
	}
	return 0;
}

/**
 * vcoh_bo_read - copy part of an object's memory to user space
 * @file: the DRM file the handle belongs to
 * @handle: GEM handle
 * @offset: first byte
 * @size: number of bytes
 * @data_ptr: user pointer to copy to
 * @device: read the device's copy instead of the memory the CPU maps
 *
 * Return: 0, -ENOENT, -EINVAL for a range outside the object, -EFAULT,
 * -ENOMEM or -EINTR.
 */
int vcoh_bo_read(struct drm_file *file, u32 handle, u64 offset, u64 size,
		 u64 data_ptr, bool device)
{
	struct drm_gem_object *obj;
	struct vcoh_bo *bo;
	void *bounce;
	int ret;

	obj = drm_gem_object_lookup(file, handle);
	if (!obj)
		return -ENOENT;
	bo = to_vcoh_bo(obj);

	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		ret = -ENOMEM;
	else if (!vcoh_bo_range_valid(obj->size, offset, size))
		ret = -EINVAL;
	else
		ret = vcoh_bo_copy_out(bo, device ? bo->device_pages : bo->pages,
				       offset, size, u64_to_user_ptr(data_ptr),
				       bounce);
	kfree(bounce);
	drm_gem_object_put(obj);
	return ret;
}

int vcoh_bo_read_ioctl(struct drm_device *dev, void *data,
		       struct drm_file *file)
{
	struct drm_vcoh_bo_read *args = data;

	if (args->pad)
		return -EINVAL;
	return vcoh_bo_read(file, args->handle, args->offset, args->size,
			    args->data_ptr, false);
}
