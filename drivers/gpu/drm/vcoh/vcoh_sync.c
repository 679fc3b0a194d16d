// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh sync: make the device memory of a set of objects equal to what the
 * CPU wrote. With every object's dma_resv held, each is scanned, the TLB
 * is flushed once for all of them, and then exactly the pages found
 * written are copied. The flush comes before the copy: until it is done,
 * a write through a stale TLB entry can still land in a page the scan
 * reported, and the copy must see it.
 */

#include <linux/dma-resv.h>
#include <linux/mm.h>

#include <drm/drm_gem.h>

#include "vcoh_drv.h"

/**
 * vcoh_sync_flush - flush what the scans of one call queued
 * @vdev: the device
 * @gen: the largest generation of the objects' contexts
 *
 * Return: the number of flushes issued, or a negative error code.
 */
int vcoh_sync_flush(struct vcoh_device *vdev, s64 gen)
{
	return gen > 0 ? ptedirty_flush_to_gen(&vdev->flush_queue, gen) : 0;
}

static int vcoh_sync_locked(struct vcoh_device *vdev, struct vcoh_sync *sync,
			    struct vcoh_stats *total)
{
	s64 gen = 0;
	int flushes;
	u32 i;

	for (i = 0; i < sync->count; i++) {
		struct vcoh_bo *bo = to_vcoh_bo(sync->objs[i]);
		struct vcoh_stats delta = { .submits = 1 };
		long changed = vcoh_dirty_scan(bo, &delta);

		if (changed < 0)
			return changed;
		sync->ptes_changed += changed;
		sync->pages_scanned += delta.pages_scanned;
		gen = max(gen, bo->dirty_ctx.gen);
		vcoh_stats_add(&bo->stats, &delta);
		vcoh_stats_add(total, &delta);
	}

	flushes = vcoh_sync_flush(vdev, gen);
	if (flushes < 0)
		return flushes;
	sync->tlb_flushes = flushes;
	total->tlb_flushes_issued += flushes;

	for (i = 0; i < sync->count; i++) {
		struct vcoh_bo *bo = to_vcoh_bo(sync->objs[i]);
		pgoff_t copied;

		copied = vcoh_devmem_copy_dirty(bo, sync->reports ?
						sync->reports[i] : NULL);
		sync->pages_copied += copied;
		bo->stats.pages_copied += copied;
		bo->stats.tlb_flushes_issued += flushes;
		total->pages_copied += copied;
	}
	return 0;
}

/**
 * vcoh_sync - copy what the CPU wrote to the objects' device memory
 * @vdev: the device
 * @sync: the objects, distinct; the counters are filled in
 *
 * Return: 0, or a negative error code (-EINTR, -EDEADLK from locking).
 * What a failed call scanned stays recorded for the next one.
 */
int vcoh_sync(struct vcoh_device *vdev, struct vcoh_sync *sync)
{
	struct vcoh_stats total = {};
	struct ww_acquire_ctx actx;
	int ret;

	ret = drm_gem_lock_reservations(sync->objs, sync->count, &actx);
	if (ret)
		return ret;
	ret = vcoh_sync_locked(vdev, sync, &total);
	drm_gem_unlock_reservations(sync->objs, sync->count, &actx);

	vcoh_stats_add_device(vdev, &total);
	return ret;
}
