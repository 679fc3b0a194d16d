// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh sync: make the device memory of a set of objects equal to what the
 * CPU wrote, for the ioctls of vcoh_submit.c, which look the objects up
 * with vcoh_sync_lookup() and drop them with vcoh_sync_put(). With every
 * object's dma_resv held, each is scanned, the TLB is flushed once for
 * all of them, and then exactly the pages found written are copied. The
 * flush comes before the copy: until it is done, a write through a stale
 * TLB entry can still land in a page the scan reported, and the copy
 * must see it.
 */

#include <linux/dma-resv.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>

#include "vcoh_drv.h"

/*
 * Whether @obj is in the call already; adds it if not. The objects seen
 * are kept in an open-addressed table of at least twice the call's
 * count, so a call of n objects checks them in O(n), not O(n^2).
 */
static int vcoh_sync_seen(struct vcoh_sync *sync, struct drm_gem_object *obj)
{
	unsigned int bits = ilog2(roundup_pow_of_two(2 * sync->count));
	unsigned long i, mask = (1UL << bits) - 1;

	if (!sync->seen) {
		sync->seen = kvcalloc(mask + 1, sizeof(*sync->seen),
				      GFP_KERNEL);
		if (!sync->seen)
			return -ENOMEM;
	}
	for (i = hash_ptr(obj, bits); sync->seen[i]; i = (i + 1) & mask)
		if (sync->seen[i] == obj)
			return -EINVAL;
	sync->seen[i] = obj;
	return 0;
}

/**
 * vcoh_sync_lookup - look up an object of the call
 * @file: the caller's file
 * @sync: the call, @sync->objs allocated for @sync->count objects
 * @i: the entry of @sync->objs to fill in
 * @handle: the object's handle in @file
 *
 * Return: 0; -ENOENT if there is no such object, -EINVAL if the call has
 * it already, -ENOMEM.
 */
int vcoh_sync_lookup(struct drm_file *file, struct vcoh_sync *sync, u32 i,
		     u32 handle)
{
	sync->objs[i] = drm_gem_object_lookup(file, handle);
	if (!sync->objs[i])
		return -ENOENT;
	return vcoh_sync_seen(sync, sync->objs[i]);
}

/**
 * vcoh_sync_put - drop the references of a call, as far as it got
 * @sync: the call
 */
void vcoh_sync_put(struct vcoh_sync *sync)
{
	u32 i;

	for (i = 0; sync->objs && i < sync->count; i++)
		if (sync->objs[i])
			drm_gem_object_put(sync->objs[i]);
	kvfree(sync->objs);
	kvfree(sync->seen);
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

	flushes = vcoh_dirty_flush(vdev, gen);
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
