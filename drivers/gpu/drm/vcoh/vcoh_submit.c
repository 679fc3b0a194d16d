// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh submit and dirty ioctls: the two ways user space makes the device
 * memory coherent. SUBMIT is the execbuf of this device: it names the
 * objects a job uses and the driver copies what the CPU wrote. BO_DIRTY
 * does the same and also tells user space which pages those were. Both
 * copy their arguments in, hand the objects to vcoh_sync() and copy the
 * results out.
 */

#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/vcoh_drm.h>

#include "vcoh_drv.h"

int vcoh_submit_ioctl(struct drm_device *dev, void *data,
		      struct drm_file *file)
{
	struct drm_vcoh_submit *args = data;
	struct vcoh_sync sync = { .count = args->count };
	u32 *handles;
	int ret;
	u32 i;

	if (args->flags || !sync.count || sync.count > VCOH_SUBMIT_MAX_BOS)
		return -EINVAL;

	handles = vmemdup_array_user(u64_to_user_ptr(args->handles_ptr),
				     sync.count, sizeof(*handles));
	if (IS_ERR(handles))
		return PTR_ERR(handles);
	sync.objs = kvcalloc(sync.count, sizeof(*sync.objs), GFP_KERNEL);
	ret = sync.objs ? 0 : -ENOMEM;
	for (i = 0; !ret && i < sync.count; i++)
		ret = vcoh_sync_lookup(file, &sync, i, handles[i]);
	kvfree(handles);
	if (ret)
		goto out;

	ret = vcoh_sync(to_vcoh_device(dev), &sync);
	if (ret)
		goto out;
	args->pages_scanned = sync.pages_scanned;
	args->pages_copied = sync.pages_copied;
	args->tlb_flushes = sync.tlb_flushes;
out:
	vcoh_sync_put(&sync);
	return ret;
}

/* Check every entry and set up its report; nothing changes before. */
static int vcoh_bo_dirty_prepare(struct drm_file *file,
				 struct drm_vcoh_dirty_bo *args,
				 struct vcoh_sync *sync)
{
	u32 i;
	int ret;

	for (i = 0; i < sync->count; i++) {
		struct vcoh_bo *bo;

		if (args[i].flags)
			return -EINVAL;
		ret = vcoh_sync_lookup(file, sync, i, args[i].handle);
		if (ret)
			return ret;
		bo = to_vcoh_bo(sync->objs[i]);
		if (args[i].bitmap_size < BITS_TO_U64(bo->num_pages) * sizeof(u64))
			return -EINVAL;
		sync->reports[i] = bitmap_zalloc(bo->num_pages, GFP_KERNEL);
		if (!sync->reports[i])
			return -ENOMEM;
	}
	return 0;
}

static int vcoh_bo_dirty_report(struct drm_vcoh_dirty_bo *a,
				struct vcoh_bo *bo, const unsigned long *snap)
{
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
	if (copy_to_user(u64_to_user_ptr(a->bitmap_ptr), out,
			 words * sizeof(u64)))
		ret = -EFAULT;
	kvfree(out);
	return ret;
}

int vcoh_bo_dirty_ioctl(struct drm_device *dev, void *data,
			struct drm_file *file)
{
	struct drm_vcoh_bo_dirty *args = data;
	struct drm_vcoh_dirty_bo __user *uargs = u64_to_user_ptr(args->bos_ptr);
	struct vcoh_sync sync = { .count = args->count };
	struct drm_vcoh_dirty_bo *bos;
	int ret;
	u32 i;

	if (args->flags || !sync.count || sync.count > VCOH_DIRTY_MAX_BOS)
		return -EINVAL;

	bos = vmemdup_array_user(uargs, sync.count, sizeof(*bos));
	if (IS_ERR(bos))
		return PTR_ERR(bos);
	sync.objs = kvcalloc(sync.count, sizeof(*sync.objs), GFP_KERNEL);
	sync.reports = kvcalloc(sync.count, sizeof(*sync.reports), GFP_KERNEL);
	ret = sync.objs && sync.reports ?
	      vcoh_bo_dirty_prepare(file, bos, &sync) : -ENOMEM;
	if (!ret)
		ret = vcoh_sync(to_vcoh_device(dev), &sync);
	if (ret)
		goto out;
	args->tlb_flushes = sync.tlb_flushes;
	args->ptes_changed = sync.ptes_changed;

	/*
	 * The device has the pages already; a report that cannot be written
	 * out is given back to its object, so the next call reports it.
	 */
	for (i = 0; i < sync.count && !ret; i++)
		ret = vcoh_bo_dirty_report(&bos[i], to_vcoh_bo(sync.objs[i]),
					   sync.reports[i]);
	if (!ret &&
	    copy_to_user(uargs, bos, array_size(sync.count, sizeof(*bos))))
		ret = -EFAULT;
	if (ret)
		for (i = 0; i < sync.count; i++)
			vcoh_dirty_give_back(to_vcoh_bo(sync.objs[i]),
					     sync.reports[i]);
out:
	for (i = 0; sync.reports && i < sync.count; i++)
		bitmap_free(sync.reports[i]);
	kvfree(sync.reports);
	vcoh_sync_put(&sync);
	kvfree(bos);
	return ret;
}
