// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh device memory: each object's device-side copy, what the simulated
 * device reads and writes. CPU writes reach it through vcoh_sync(); a
 * device write first takes the CPU's pending writes, the way vmwgfx
 * cleans a buffer before the host writes it, and then writes the same
 * bytes to the CPU's view of the pages.
 */

#include <linux/bitmap.h>
#include <linux/dma-resv.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>
#include <drm/vcoh_drm.h>

#include "vcoh_drv.h"

/**
 * vcoh_devmem_copy_dirty - copy the pages recorded written to the device
 * @bo: the object, its dma_resv held and the scans' TLB flush done
 * @report: NULL, or a bitmap of the object's size that receives the pages
 *
 * Return: the number of pages copied; the record is empty afterwards.
 */
pgoff_t vcoh_devmem_copy_dirty(struct vcoh_bo *bo, unsigned long *report)
{
	unsigned long i = bo->dirty.start, end = bo->dirty.end;
	pgoff_t copied = 0;

	if (i >= end)
		return 0;
	for_each_set_bit_from(i, bo->dirty.bitmap, end) {
		copy_highpage(bo->device_pages[i], bo->pages[i]);
		copied++;
	}
	if (report)
		bitmap_or(report, report, bo->dirty.bitmap, end);
	bitmap_clear(bo->dirty.bitmap, bo->dirty.start,
		     end - bo->dirty.start);
	bo->dirty.start = 0;
	bo->dirty.end = 0;
	return copied;
}

/* Store @value in every 32-bit word of [offset, offset + len) of a page. */
static void vcoh_devmem_fill(struct page *page, unsigned int offset,
			     unsigned int len, u32 value)
{
	u32 *p = kmap_local_page(page);
	unsigned int i;

	for (i = offset / 4; i < (offset + len) / 4; i++)
		p[i] = value;
	kunmap_local(p);
}

/* Write the device's data to [offset, offset + size) of @pages. */
static void vcoh_devmem_write(struct page **pages,
			      const struct drm_vcoh_device_write *args,
			      const u8 *data)
{
	u64 offset = args->offset, len = args->size;

	while (len) {
		struct page *page = pages[offset >> PAGE_SHIFT];
		unsigned int in_page = offset_in_page(offset);
		unsigned int chunk = min_t(u64, len, PAGE_SIZE - in_page);

		if (data) {
			memcpy_to_page(page, in_page, data, chunk);
			data += chunk;
		} else {
			vcoh_devmem_fill(page, in_page, chunk, args->value);
		}
		offset += chunk;
		len -= chunk;
	}
}

/*
 * With the object locked: collect what the CPU wrote, keep the CPU out of
 * the pages the device writes, write, and give the CPU the device's data.
 */
static int vcoh_devmem_write_locked(struct vcoh_device *vdev,
				    struct vcoh_bo *bo,
				    const struct drm_vcoh_device_write *args,
				    const u8 *data)
{
	struct address_space *mapping = bo->base.dev->anon_inode->i_mapping;
	pgoff_t first = args->offset >> PAGE_SHIFT;
	pgoff_t nr = ((args->offset + args->size - 1) >> PAGE_SHIFT) - first + 1;
	struct vcoh_stats delta = { .device_writes = 1 };
	long ret;

	/*
	 * Write-protect the device's pages before the scan: a CPU write that
	 * lands after it would be neither copied nor kept. Once the flush is
	 * done, such a write waits in pfn_mkwrite for the lock.
	 */
	ret = vcoh_dirty_protect(bo, first, nr);
	if (ret >= 0)
		ret = vcoh_dirty_scan(bo, &delta);
	if (ret >= 0)
		ret = vcoh_dirty_flush(vdev, bo->dirty_ctx.gen);
	if (ret < 0)
		return ret;
	delta.tlb_flushes_issued = ret;
	delta.pages_copied = vcoh_devmem_copy_dirty(bo, NULL);

	/* The CPU refaults and finds the device's data. */
	unmap_mapping_range(mapping,
			    (loff_t)(drm_vma_node_start(&bo->base.vma_node) +
				     first) << PAGE_SHIFT,
			    (loff_t)nr << PAGE_SHIFT, 1);
	/*
	 * Only the bytes the device wrote go to the CPU's pages. The scan
	 * cannot see a CPU write whose pte an munmap or exit zapped before
	 * the vma's close recorded it: copying whole pages back would
	 * overwrite it. Kept, it reaches the device with the next sync.
	 */
	vcoh_devmem_write(bo->device_pages, args, data);
	vcoh_devmem_write(bo->pages, args, data);

	vcoh_stats_add(&bo->stats, &delta);
	vcoh_stats_add_device(vdev, &delta);
	return 0;
}

static bool vcoh_devmem_write_valid(const struct drm_vcoh_device_write *args)
{
	if (args->flags & ~VCOH_DEVICE_WRITE_FILL || args->pad || !args->size)
		return false;
	if (args->flags & VCOH_DEVICE_WRITE_FILL)
		return !(args->offset % 4) && !(args->size % 4) &&
		       !args->data_ptr;
	return args->size <= VCOH_DEVICE_WRITE_MAX_DATA && !args->value;
}

int vcoh_device_write_ioctl(struct drm_device *dev, void *data,
			    struct drm_file *file)
{
	struct drm_vcoh_device_write *args = data;
	struct drm_gem_object *obj;
	u8 *bytes = NULL;
	int ret;

	if (!vcoh_devmem_write_valid(args))
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	if (!vcoh_bo_range_valid(obj->size, args->offset, args->size)) {
		ret = -EINVAL;
		goto out;
	}
	/* Read user memory before the lock: a fault takes it too. */
	if (!(args->flags & VCOH_DEVICE_WRITE_FILL)) {
		bytes = vmemdup_user(u64_to_user_ptr(args->data_ptr),
				     args->size);
		if (IS_ERR(bytes)) {
			ret = PTR_ERR(bytes);
			goto out;
		}
	}

	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		goto out_free;
	ret = vcoh_devmem_write_locked(to_vcoh_device(dev), to_vcoh_bo(obj),
				       args, bytes);
	dma_resv_unlock(obj->resv);
out_free:
	if (!IS_ERR(bytes))
		kvfree(bytes);
out:
	drm_gem_object_put(obj);
	return ret;
}

int vcoh_device_read_ioctl(struct drm_device *dev, void *data,
			   struct drm_file *file)
{
	struct drm_vcoh_device_read *args = data;

	if (args->pad)
		return -EINVAL;
	return vcoh_bo_read(file, args->handle, args->offset, args->size,
			    args->data_ptr, true);
}
