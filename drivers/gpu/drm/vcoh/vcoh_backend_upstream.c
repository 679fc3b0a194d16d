// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh's upstream backend, for the benchmark (CONFIG_DRM_VCOH_BENCH):
 * mm/mapping_dirty_helpers.c the way vmwgfx calls it, with a TLB flush per
 * vma and walk. Its write-protection leaves the ptes dirty (see
 * ptedirty_clean_wrprotect()), so a later walk that reads dirty bits would
 * take pages written and copied long ago for new writes: in MKWRITE mode
 * it records nothing from the ptes (pfn_mkwrite recorded every write), and
 * leaving MKWRITE it cleans them once, as vmwgfx does.
 */

#include <linux/bitmap.h>
#include <linux/mm.h>

#include <drm/vcoh_drm.h>

#include "vcoh_drv.h"

static long vcoh_upstream_record(struct vcoh_bo *bo, pgoff_t first,
				 pgoff_t nr)
{
	pgoff_t index = vcoh_bo_index(bo);

	return clean_record_shared_mapping_range(vcoh_bo_mapping(bo),
						 index + first, nr, index,
						 bo->dirty.bitmap,
						 &bo->dirty.start,
						 &bo->dirty.end);
}

static long vcoh_upstream_clean(struct vcoh_bo *bo)
{
	return vcoh_upstream_record(bo, 0, bo->num_pages);
}

/* Records with a second walk, as vmwgfx does, and only in PAGETABLE mode. */
static long vcoh_upstream_protect(struct vcoh_bo *bo, pgoff_t first,
				  pgoff_t nr)
{
	long ret, cleaned;

	ret = wp_shared_mapping_range(vcoh_bo_mapping(bo),
				      vcoh_bo_index(bo) + first, nr);
	if (ret < 0 || bo->mode != VCOH_BO_TRACK_PAGETABLE)
		return ret;
	cleaned = vcoh_upstream_record(bo, first, nr);
	return cleaned < 0 ? cleaned : ret + cleaned;
}

/* Clean the dirty bits the MKWRITE scans left, recording nothing. */
static long vcoh_upstream_leave_mkwrite(struct vcoh_bo *bo)
{
	pgoff_t index = vcoh_bo_index(bo);
	pgoff_t start = bo->num_pages, end = 0;
	unsigned long *stale;
	long ret;

	stale = bitmap_zalloc(bo->num_pages, GFP_KERNEL);
	if (!stale)
		return -ENOMEM;
	ret = clean_record_shared_mapping_range(vcoh_bo_mapping(bo), index,
						bo->num_pages, index, stale,
						&start, &end);
	bitmap_free(stale);
	return ret < 0 ? ret : 0;
}

const struct vcoh_backend_ops vcoh_backend_upstream = {
	.name = "upstream",
	.clean = vcoh_upstream_clean,
	.protect = vcoh_upstream_protect,
	.leave_mkwrite = vcoh_upstream_leave_mkwrite,
};
