// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh statistics: counters of each object, under its dma_resv lock, and
 * of the device, under a spinlock. The TLB flush counters of the device
 * come from its flush queue, which sees every flush.
 */

#include <linux/dma-resv.h>
#include <linux/spinlock.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/vcoh_drm.h>

#include "vcoh_drv.h"

void vcoh_stats_add(struct vcoh_stats *dst, const struct vcoh_stats *src)
{
	dst->submits += src->submits;
	dst->scans += src->scans;
	dst->pages_scanned += src->pages_scanned;
	dst->pages_dirty += src->pages_dirty;
	dst->pages_copied += src->pages_copied;
	dst->tlb_flushes_queued += src->tlb_flushes_queued;
	dst->tlb_flushes_issued += src->tlb_flushes_issued;
	dst->mkwrite_faults += src->mkwrite_faults;
	dst->mode_switches += src->mode_switches;
	dst->device_writes += src->device_writes;
}

void vcoh_stats_add_device(struct vcoh_device *vdev,
			   const struct vcoh_stats *delta)
{
	spin_lock(&vdev->stats_lock);
	vcoh_stats_add(&vdev->stats, delta);
	spin_unlock(&vdev->stats_lock);
}

void vcoh_stats_read_device(struct vcoh_device *vdev, struct vcoh_stats *out)
{
	struct ptedirty_flush_stats flush;

	spin_lock(&vdev->stats_lock);
	*out = vdev->stats;
	spin_unlock(&vdev->stats_lock);

	/* The queue sees every flush, pfn_mkwrite's too: its counts win. */
	ptedirty_flush_queue_stats(&vdev->flush_queue, &flush);
	out->tlb_flushes_queued = flush.queued;
	out->tlb_flushes_issued = flush.range_flushes + flush.mm_flushes +
				  flush.batch_flushes;
}

static void vcoh_stats_to_user(struct drm_vcoh_stats *args,
			       const struct vcoh_stats *s)
{
	args->submits = s->submits;
	args->scans = s->scans;
	args->pages_scanned = s->pages_scanned;
	args->pages_dirty = s->pages_dirty;
	args->pages_copied = s->pages_copied;
	args->tlb_flushes_queued = s->tlb_flushes_queued;
	args->tlb_flushes_issued = s->tlb_flushes_issued;
	args->mkwrite_faults = s->mkwrite_faults;
	args->mode_switches = s->mode_switches;
	args->device_writes = s->device_writes;
}

int vcoh_stats_ioctl(struct drm_device *dev, void *data,
		     struct drm_file *file)
{
	struct drm_vcoh_stats *args = data;
	struct drm_gem_object *obj;
	struct vcoh_stats stats;
	u32 mode = 0;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;

	if (!args->handle) {
		vcoh_stats_read_device(to_vcoh_device(dev), &stats);
	} else {
		obj = drm_gem_object_lookup(file, args->handle);
		if (!obj)
			return -ENOENT;
		ret = dma_resv_lock_interruptible(obj->resv, NULL);
		if (!ret) {
			stats = to_vcoh_bo(obj)->stats;
			mode = to_vcoh_bo(obj)->mode;
			dma_resv_unlock(obj->resv);
		}
		drm_gem_object_put(obj);
		if (ret)
			return ret;
	}

	args->mode = mode;
	vcoh_stats_to_user(args, &stats);
	return 0;
}
