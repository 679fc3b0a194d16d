// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh backends: the code that cleans and write-protects an object's ptes.
 *
 * native: the page-table dirty-tracking helpers, whose TLB flushes wait in
 * the device's flush queue until the submit flushes them all at once.
 * upstream: mm/mapping_dirty_helpers.c the way vmwgfx calls it, with a
 * flush per vma and walk.
 * zap: unmap the pages and let the next access fault them back in: all a
 * driver built as a module can do without core-mm helpers. It cannot read
 * dirty bits, so its objects always track in MKWRITE mode.
 *
 * Only the benchmark needs the choice: it compares the three in one boot.
 * The upstream backend exists when mm/mapping_dirty_helpers.c is built in
 * (CONFIG_DRM_VCOH_BENCH selects it). Its write-protection leaves the
 * ptes dirty (see ptedirty_clean_wrprotect()), so a later walk that reads
 * dirty bits would take pages written and copied long ago for new writes:
 * in MKWRITE mode it records nothing from the ptes (pfn_mkwrite recorded
 * every write), and leaving MKWRITE it cleans them once, as vmwgfx does.
 */

#include <linux/ptedirty.h>
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include <drm/vcoh_drm.h>

#include "vcoh_drv.h"

static const char * const vcoh_backend_names[] = {
	[VCOH_BACKEND_NATIVE] = "native",
	[VCOH_BACKEND_UPSTREAM] = "upstream",
	[VCOH_BACKEND_ZAP] = "zap",
};

static unsigned int vcoh_backend = VCOH_BACKEND_NATIVE;

static int vcoh_backend_param_set(const char *val,
				  const struct kernel_param *kp)
{
	int i = sysfs_match_string(vcoh_backend_names, val);

	if (i < 0)
		return -EINVAL;
	if (i == VCOH_BACKEND_UPSTREAM &&
	    !IS_ENABLED(CONFIG_MAPPING_DIRTY_HELPERS))
		return -EOPNOTSUPP;
	WRITE_ONCE(vcoh_backend, i);
	return 0;
}

static int vcoh_backend_param_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%s\n",
			 vcoh_backend_names[READ_ONCE(vcoh_backend)]);
}

static const struct kernel_param_ops vcoh_backend_param_ops = {
	.set = vcoh_backend_param_set,
	.get = vcoh_backend_param_get,
};
module_param_cb(backend, &vcoh_backend_param_ops, NULL, 0644);
MODULE_PARM_DESC(backend,
		 "Dirty tracking of objects created from now on: native (default), upstream (mm/mapping_dirty_helpers.c) or zap (unmap and refault); for benchmarks");

/**
 * vcoh_backend_current - the backend a new object gets
 *
 * Return: a VCOH_BACKEND_* value.
 */
u32 vcoh_backend_current(void)
{
	return READ_ONCE(vcoh_backend);
}

/**
 * vcoh_backend_name - the parameter's name of a backend
 * @backend: a VCOH_BACKEND_* value
 *
 * Return: "native", "upstream" or "zap".
 */
const char *vcoh_backend_name(u32 backend)
{
	return backend < ARRAY_SIZE(vcoh_backend_names) ?
	       vcoh_backend_names[backend] : "?";
}

#ifdef CONFIG_MAPPING_DIRTY_HELPERS
static long vcoh_upstream_clean(struct vcoh_bo *bo, pgoff_t first, pgoff_t nr)
{
	pgoff_t index = vcoh_bo_index(bo);

	return clean_record_shared_mapping_range(vcoh_bo_mapping(bo),
						 index + first, nr, index,
						 bo->dirty.bitmap,
						 &bo->dirty.start,
						 &bo->dirty.end);
}

static long vcoh_upstream_wrprotect(struct vcoh_bo *bo, pgoff_t first,
				    pgoff_t nr)
{
	return wp_shared_mapping_range(vcoh_bo_mapping(bo),
				       vcoh_bo_index(bo) + first, nr);
}

/* Clean the dirty bits MKWRITE scans left, recording nothing. */
static long vcoh_upstream_forget(struct vcoh_bo *bo)
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
	return ret;
}
#else
/* The parameter refuses the upstream backend: never called. */
static long vcoh_upstream_clean(struct vcoh_bo *bo, pgoff_t first, pgoff_t nr)
{
	return -EOPNOTSUPP;
}

static long vcoh_upstream_wrprotect(struct vcoh_bo *bo, pgoff_t first,
				    pgoff_t nr)
{
	return -EOPNOTSUPP;
}

static long vcoh_upstream_forget(struct vcoh_bo *bo)
{
	return -EOPNOTSUPP;
}
#endif

/**
 * vcoh_backend_clean - clean the object's ptes, recording the dirty ones
 * @bo: the object, its dma_resv lock held, in PAGETABLE mode
 *
 * Return: ptes cleaned, or a negative error code.
 */
long vcoh_backend_clean(struct vcoh_bo *bo)
{
	pgoff_t index = vcoh_bo_index(bo);

	switch (bo->backend) {
	case VCOH_BACKEND_NATIVE:
		return ptedirty_clean(vcoh_bo_mapping(bo), index, bo->num_pages,
				      &bo->dirty, &bo->dirty_ctx);
	case VCOH_BACKEND_UPSTREAM:
		return vcoh_upstream_clean(bo, 0, bo->num_pages);
	}
	/* zap objects never are in PAGETABLE mode */
	WARN_ON_ONCE(1);
	return -EINVAL;
}

/**
 * vcoh_backend_protect - write-protect pages of an object
 * @bo: the object, its dma_resv lock held
 * @first: first page, counted from the object's start
 * @nr: number of pages
 * @record: record the dirty ptes in bo->dirty as well
 *
 * native always records, cleans and write-protects in one pte update.
 * upstream records only when asked and the object is in PAGETABLE mode,
 * with a second walk, as vmwgfx does; in MKWRITE mode pfn_mkwrite has
 * recorded every write and the ptes' dirty bits may be stale. zap removes
 * the ptes: their writes were recorded by pfn_mkwrite, as zap objects
 * track in MKWRITE mode.
 *
 * Return: ptes changed (0 for zap, which does not count), or a negative
 * error code.
 */
long vcoh_backend_protect(struct vcoh_bo *bo, pgoff_t first, pgoff_t nr,
			  bool record)
{
	pgoff_t index = vcoh_bo_index(bo);
	long ret, cleaned;

	switch (bo->backend) {
	case VCOH_BACKEND_UPSTREAM:
		ret = vcoh_upstream_wrprotect(bo, first, nr);
		if (ret < 0 || !record || bo->mode != VCOH_BO_TRACK_PAGETABLE)
			return ret;
		cleaned = vcoh_upstream_clean(bo, first, nr);
		return cleaned < 0 ? cleaned : ret + cleaned;
	case VCOH_BACKEND_ZAP:
		unmap_mapping_pages(vcoh_bo_mapping(bo), index + first, nr,
				    false);
		return 0;
	}
	return ptedirty_clean_wrprotect(vcoh_bo_mapping(bo), index + first, nr,
					&bo->dirty, &bo->dirty_ctx);
}

/**
 * vcoh_backend_leave_mkwrite - prepare an object's ptes for PAGETABLE mode
 * @bo: the object, its dma_resv lock held, its MKWRITE scan just done
 *
 * PAGETABLE scans take every dirty pte for a new write. native and zap
 * leave no pte dirty that is not writable; upstream's MKWRITE scans do,
 * and every write they saw is recorded already: clean them.
 *
 * Return: 0 or a negative error code.
 */
long vcoh_backend_leave_mkwrite(struct vcoh_bo *bo)
{
	long ret = 0;

	if (bo->backend == VCOH_BACKEND_UPSTREAM)
		ret = vcoh_upstream_forget(bo);
	return ret < 0 ? ret : 0;
}
