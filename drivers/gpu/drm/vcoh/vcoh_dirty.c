// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh dirty tracking: which pages of a buffer object did the CPU write?
 *
 * PAGETABLE objects are mapped writable and a scan cleans the ptes' dirty
 * bits; MKWRITE objects are mapped read-only, pfn_mkwrite records the
 * first write to a page and a scan write-protects the pages written since
 * the last one. Both go through the page-table dirty-tracking helpers with
 * the object's dma_resv as the external lock: the scan holds it, and so
 * does pfn_mkwrite. A scan of many objects queues its TLB flushes on the
 * device's flush queue and flushes once, before it reports anything.
 */

#include <linux/bitmap.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>
#include <drm/vcoh_drm.h>

#include "vcoh_drv.h"

/* MKWRITE objects are mapped read-only, so that a first write faults. */
pgprot_t vcoh_dirty_fault_prot(struct vcoh_bo *bo, struct vm_area_struct *vma)
{
	if (bo->track == VCOH_BO_TRACK_MKWRITE)
		return vm_get_page_prot(vma->vm_flags & ~VM_SHARED);
	return vm_get_page_prot(vma->vm_flags);
}

static void vcoh_dirty_mark(struct vcoh_bo *bo, pgoff_t first, pgoff_t end)
{
	if (bo->dirty_start >= bo->dirty_end) {
		bo->dirty_start = first;
		bo->dirty_end = end;
	} else {
		bo->dirty_start = min(bo->dirty_start, first);
		bo->dirty_end = max(bo->dirty_end, end);
	}
}

vm_fault_t vcoh_dirty_pfn_mkwrite(struct vm_fault *vmf)
{
	struct vcoh_bo *bo = to_vcoh_bo(vmf->vma->vm_private_data);
	pgoff_t idx = vmf->pgoff - drm_vma_node_start(&bo->base.vma_node);
	vm_fault_t ret;

	if (idx >= bo->num_pages)
		return VM_FAULT_SIGBUS;
	/* The core makes the pte writable and dirty: a scan sees the bit. */
	if (bo->track != VCOH_BO_TRACK_MKWRITE)
		return 0;

	dma_resv_lock(bo->base.resv, NULL);
	__set_bit(idx, bo->dirty);
	vcoh_dirty_mark(bo, idx, idx + 1);
	ret = apply_as_pfn_mkwrite(vmf, &bo->as_ctx);
	dma_resv_unlock(bo->base.resv);
	return ret;
}

/*
 * Unmapping zaps the ptes with their dirty bits before the vma is closed,
 * and nothing else remembers them: count every page such a mapping covered
 * as written. MKWRITE objects recorded their writes at the first fault.
 */
void vcoh_dirty_vm_close(struct vm_area_struct *vma)
{
	struct vcoh_bo *bo = to_vcoh_bo(vma->vm_private_data);
	pgoff_t node_start = drm_vma_node_start(&bo->base.vma_node);
	pgoff_t first, end;

	if (bo->track != VCOH_BO_TRACK_PAGETABLE ||
	    (vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) !=
	    (VM_SHARED | VM_MAYWRITE))
		return;

	first = vma->vm_pgoff - node_start;
	end = min_t(pgoff_t, first + vma_pages(vma), bo->num_pages);
	if (first >= end)
		return;
	dma_resv_lock(bo->base.resv, NULL);
	bitmap_set(bo->dirty, first, end - first);
	vcoh_dirty_mark(bo, first, end);
	dma_resv_unlock(bo->base.resv);
}

/* Collect the object's writes into bo->dirty. Called with its lock held. */
long vcoh_dirty_scan(struct vcoh_bo *bo)
{
	struct address_space *mapping = bo->base.dev->anon_inode->i_mapping;
	pgoff_t first = drm_vma_node_start(&bo->base.vma_node);

	switch (bo->track) {
	case VCOH_BO_TRACK_PAGETABLE:
		return apply_as_clean(mapping, first, bo->num_pages, first,
				      bo->dirty, bo->num_pages,
				      &bo->dirty_start, &bo->dirty_end,
				      &bo->as_ctx);
	case VCOH_BO_TRACK_MKWRITE:
		/* Only the pages written since the last scan are writable. */
		if (bo->dirty_start >= bo->dirty_end)
			return 0;
		return apply_as_wrprotect(mapping, first + bo->dirty_start,
					  bo->dirty_end - bo->dirty_start,
					  &bo->as_ctx);
	default:
		bitmap_fill(bo->dirty, bo->num_pages);
		vcoh_dirty_mark(bo, 0, bo->num_pages);
		return 0;
	}
}

/* What one call reports of one object, taken under the object's lock. */
static void vcoh_dirty_take(struct vcoh_bo *bo, unsigned long *snap)
{
	bitmap_copy(snap, bo->dirty, bo->num_pages);
	bitmap_zero(bo->dirty, bo->num_pages);
	bo->dirty_start = 0;
	bo->dirty_end = 0;
}

/* Give a report that could not reach user space back to the object. */
static void vcoh_dirty_give_back(struct vcoh_bo *bo, const unsigned long *snap)
{
	unsigned long first = find_first_bit(snap, bo->num_pages);

	if (first >= bo->num_pages)
		return;
	dma_resv_lock(bo->base.resv, NULL);
	bitmap_or(bo->dirty, bo->dirty, snap, bo->num_pages);
	vcoh_dirty_mark(bo, first, find_last_bit(snap, bo->num_pages) + 1);
	dma_resv_unlock(bo->base.resv);
}

struct vcoh_dirty_call {
	struct drm_vcoh_dirty_bo *args;
	struct drm_gem_object **objs;
	unsigned long **snaps;
	u32 count;
};

/* Look up and check every entry; nothing changes before all pass. */
static int vcoh_dirty_prepare(struct drm_file *file, struct vcoh_dirty_call *c)
{
	u32 i, j;

	for (i = 0; i < c->count; i++) {
		struct drm_vcoh_dirty_bo *a = &c->args[i];
		struct vcoh_bo *bo;

		if (a->flags)
			return -EINVAL;
		c->objs[i] = drm_gem_object_lookup(file, a->handle);
		if (!c->objs[i])
			return -ENOENT;
		for (j = 0; j < i; j++)
			if (c->objs[j] == c->objs[i])
				return -EINVAL;

		bo = to_vcoh_bo(c->objs[i]);
		if (a->bitmap_size < BITS_TO_U64(bo->num_pages) * sizeof(u64))
			return -EINVAL;
		c->snaps[i] = bitmap_zalloc(bo->num_pages, GFP_KERNEL);
		if (!c->snaps[i])
			return -ENOMEM;
	}
	return 0;
}

/* Scan every object under its lock, flush once, take the reports. */
static int vcoh_dirty_collect(struct vcoh_device *vdev,
			      struct vcoh_dirty_call *c,
			      struct drm_vcoh_bo_dirty *args)
{
	struct ww_acquire_ctx actx;
	long changed = 0;
	s64 gen = 0;
	int ret;
	u32 i;

	ret = drm_gem_lock_reservations(c->objs, c->count, &actx);
	if (ret)
		return ret;

	for (i = 0; i < c->count; i++) {
		struct vcoh_bo *bo = to_vcoh_bo(c->objs[i]);
		long n = vcoh_dirty_scan(bo);

		if (n < 0) {
			ret = n;
			goto out_unlock;
		}
		changed += n;
		gen = max(gen, bo->as_ctx.gen);
	}

	/* No stale TLB entry may let a write bypass what we report. */
	if (gen > 0) {
		ret = as_flush_to_gen(&vdev->flush_queue, gen);
		if (ret < 0)
			goto out_unlock;
		args->tlb_flushes = ret;
		ret = 0;
	}
	args->ptes_changed = changed;

	for (i = 0; i < c->count; i++)
		vcoh_dirty_take(to_vcoh_bo(c->objs[i]), c->snaps[i]);

out_unlock:
	drm_gem_unlock_reservations(c->objs, c->count, &actx);
	return ret;
}

static int vcoh_dirty_report(struct vcoh_dirty_call *c, u64 __user *bitmap,
			     u32 i)
{
	struct drm_vcoh_dirty_bo *a = &c->args[i];
	struct vcoh_bo *bo = to_vcoh_bo(c->objs[i]);
	unsigned long *snap = c->snaps[i];
	size_t words = BITS_TO_U64(bo->num_pages);
	u64 *out;
	int ret = 0;

	a->num_dirty = bitmap_weight(snap, bo->num_pages);
	a->first = 0;
	a->end = 0;
	if (a->num_dirty) {
		a->first = find_first_bit(snap, bo->num_pages);
		a->end = find_last_bit(snap, bo->num_pages) + 1;
	}

	out = kvmalloc_array(words, sizeof(u64), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	bitmap_to_arr64(out, snap, bo->num_pages);
	if (copy_to_user(bitmap, out, words * sizeof(u64)))
		ret = -EFAULT;
	kvfree(out);
	return ret;
}

int vcoh_bo_dirty_ioctl(struct drm_device *dev, void *data,
			struct drm_file *file)
{
	struct drm_vcoh_bo_dirty *args = data;
	struct drm_vcoh_dirty_bo __user *uargs = u64_to_user_ptr(args->bos_ptr);
	struct vcoh_dirty_call c = { .count = args->count };
	int ret;
	u32 i;

	if (args->flags || !c.count || c.count > VCOH_DIRTY_MAX_BOS)
		return -EINVAL;

	c.args = vmemdup_user(uargs, array_size(c.count, sizeof(*c.args)));
	if (IS_ERR(c.args))
		return PTR_ERR(c.args);
	c.objs = kvcalloc(c.count, sizeof(*c.objs), GFP_KERNEL);
	c.snaps = kvcalloc(c.count, sizeof(*c.snaps), GFP_KERNEL);
	if (!c.objs || !c.snaps) {
		ret = -ENOMEM;
		goto out;
	}

	ret = vcoh_dirty_prepare(file, &c);
	if (ret)
		goto out;
	args->tlb_flushes = 0;
	ret = vcoh_dirty_collect(to_vcoh_device(dev), &c, args);
	if (ret)
		goto out;

	/*
	 * Reports that cannot be written out are given back to their
	 * objects, so that the next call reports them: none is lost.
	 */
	for (i = 0; i < c.count && !ret; i++)
		ret = vcoh_dirty_report(&c, u64_to_user_ptr(c.args[i].bitmap_ptr),
					i);
	if (!ret && copy_to_user(uargs, c.args,
				 array_size(c.count, sizeof(*c.args))))
		ret = -EFAULT;
	if (ret)
		for (i = 0; i < c.count; i++)
			vcoh_dirty_give_back(to_vcoh_bo(c.objs[i]), c.snaps[i]);

out:
	for (i = 0; c.objs && i < c.count; i++) {
		if (c.objs[i])
			drm_gem_object_put(c.objs[i]);
		if (c.snaps)
			bitmap_free(c.snaps[i]);
	}
	kvfree(c.snaps);
	kvfree(c.objs);
	kvfree(c.args);
	return ret;
}
