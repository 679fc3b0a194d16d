// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcoh dirty tracking: which pages of a buffer object did the CPU write?
 *
 * PAGETABLE objects are mapped writable and a scan cleans the ptes' dirty
 * bits; MKWRITE objects are mapped read-only, pfn_mkwrite records the
 * first write to a page and a scan write-protects the pages written since
 * the last one. AUTO objects use one of the two and switch, by vmwgfx's
 * heuristic: MKWRITE costs a fault per page written, PAGETABLE a walk of
 * every pte per scan. The ptes are cleaned and write-protected by the
 * object's backend (struct vcoh_backend_ops), with the object's dma_resv
 * as the external lock: the scan holds it, and so do the fault and
 * pfn_mkwrite handlers, so the mode cannot change under them. The TLB
 * flushes the scans queue wait in the device's flush queue until
 * vcoh_dirty_flush().
 */

#include <linux/bitmap.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <drm/drm_gem.h>
#include <drm/vcoh_drm.h>

#include "vcoh_drv.h"

static unsigned int auto_pagetable_max_pages = 512;
module_param(auto_pagetable_max_pages, uint, 0644);
MODULE_PARM_DESC(auto_pagetable_max_pages,
		 "AUTO objects smaller than this many pages start in PAGETABLE mode (default 512)");

static unsigned int auto_switch_scans = 2;
module_param(auto_switch_scans, uint, 0644);
MODULE_PARM_DESC(auto_switch_scans,
		 "AUTO switches mode after more than this many consecutive scans argue for it (default 2)");

/*
 * vmwgfx uses 10. make bench measures a mkwrite fault at the cost of a
 * scan walking thousands of ptes, so MKWRITE pays only while almost
 * nothing is written: at 10, an object with 2% of its pages written per
 * submit stayed in MKWRITE at 0.6 times PAGETABLE's upload rate.
 */
static unsigned int auto_dense_percent = 1;
module_param(auto_dense_percent, uint, 0644);
MODULE_PARM_DESC(auto_dense_percent,
		 "AUTO leaves MKWRITE when scans find more than this percentage of pages written (default 1)");

u32 vcoh_dirty_initial_mode(u32 track, const struct vcoh_backend_ops *backend,
			    pgoff_t num_pages)
{
	/* A backend that cannot read dirty bits has only write faults. */
	if (!backend->clean && track != VCOH_BO_TRACK_NONE)
		return VCOH_BO_TRACK_MKWRITE;
	if (track != VCOH_BO_TRACK_AUTO)
		return track;
	return num_pages < READ_ONCE(auto_pagetable_max_pages) ?
	       VCOH_BO_TRACK_PAGETABLE : VCOH_BO_TRACK_MKWRITE;
}

/* MKWRITE objects are mapped read-only, so that a first write faults. */
pgprot_t vcoh_dirty_fault_prot(struct vcoh_bo *bo, struct vm_area_struct *vma)
{
	dma_resv_assert_held(bo->base.resv);
	if (bo->mode == VCOH_BO_TRACK_MKWRITE)
		return vm_get_page_prot(vma->vm_flags & ~VM_SHARED);
	return vm_get_page_prot(vma->vm_flags);
}

/* AUTO objects switch mode, if the backend can read dirty bits. */
static bool vcoh_dirty_switches(struct vcoh_bo *bo)
{
	return bo->track == VCOH_BO_TRACK_AUTO && bo->backend->clean;
}

static void vcoh_dirty_mark(struct vcoh_bo *bo, pgoff_t first, pgoff_t end)
{
	if (bo->dirty.start >= bo->dirty.end) {
		bo->dirty.start = first;
		bo->dirty.end = end;
	} else {
		bo->dirty.start = min(bo->dirty.start, first);
		bo->dirty.end = max(bo->dirty.end, end);
	}
}

/*
 * A write to a write-protected pte: MKWRITE records it. Every mode makes
 * the pte writable under the lock (ptedirty_pfn_mkwrite), so that no scan,
 * mode switch or device write can run between the decision and the write.
 */
vm_fault_t vcoh_dirty_pfn_mkwrite(struct vm_fault *vmf)
{
	struct vcoh_bo *bo = to_vcoh_bo(vmf->vma->vm_private_data);
	pgoff_t idx = vmf->pgoff - vcoh_bo_index(bo);
	vm_fault_t ret;

	if (idx >= bo->num_pages)
		return VM_FAULT_SIGBUS;

	dma_resv_lock(bo->base.resv, NULL);
	if (bo->mode == VCOH_BO_TRACK_MKWRITE &&
	    !test_bit(idx, bo->dirty.bitmap)) {
		__set_bit(idx, bo->dirty.bitmap);
		vcoh_dirty_mark(bo, idx, idx + 1);
		bo->stats.mkwrite_faults++;
		vcoh_stats_add_device(to_vcoh_device(bo->base.dev),
				      &(struct vcoh_stats){ .mkwrite_faults = 1 });
	}
	ret = ptedirty_pfn_mkwrite(vmf, &bo->dirty_ctx);
	dma_resv_unlock(bo->base.resv);
	return ret;
}

/*
 * Unmapping zaps the ptes with their dirty bits before the vma is closed,
 * and nothing else remembers them: count every page such a mapping covered
 * as written. MKWRITE objects recorded their writes at the first fault,
 * but an AUTO object may have switched to MKWRITE between the zap and
 * now, on scans that no longer saw the zapped ptes: count it too. An AUTO
 * object that cannot switch has been in MKWRITE from the start.
 */
void vcoh_dirty_vm_close(struct vm_area_struct *vma)
{
	struct vcoh_bo *bo = to_vcoh_bo(vma->vm_private_data);
	pgoff_t first, end;

	if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) !=
	    (VM_SHARED | VM_MAYWRITE))
		return;

	first = vma->vm_pgoff - vcoh_bo_index(bo);
	end = min_t(pgoff_t, first + vma_pages(vma), bo->num_pages);
	if (first >= end)
		return;
	dma_resv_lock(bo->base.resv, NULL);
	if (bo->mode == VCOH_BO_TRACK_PAGETABLE || vcoh_dirty_switches(bo)) {
		bitmap_set(bo->dirty.bitmap, first, end - first);
		vcoh_dirty_mark(bo, first, end);
	}
	dma_resv_unlock(bo->base.resv);
}

/*
 * PAGETABLE -> MKWRITE: clean and write-protect every pte in one update,
 * recording the dirty ones: writes since the scan's clean are kept, and
 * from the coming flush on, a write faults.
 */
static long vcoh_dirty_to_mkwrite(struct vcoh_bo *bo)
{
	long ret = vcoh_dirty_protect(bo, 0, bo->num_pages);

	if (ret >= 0)
		bo->mode = VCOH_BO_TRACK_MKWRITE;
	return ret;
}

/*
 * MKWRITE -> PAGETABLE: the scan has just cleaned and write-protected what
 * was written, so no pte is writable or dirty (once the backend cleaned
 * what it left dirty). The next write to a page goes through pfn_mkwrite
 * once more, which leaves the pte writable and dirty for the PAGETABLE
 * scans.
 */
static long vcoh_dirty_to_pagetable(struct vcoh_bo *bo)
{
	long ret = 0;

	if (bo->backend->leave_mkwrite)
		ret = bo->backend->leave_mkwrite(bo);
	if (ret >= 0)
		bo->mode = VCOH_BO_TRACK_PAGETABLE;
	return ret;
}

/*
 * AUTO: after more than auto_switch_scans idle scans, PAGETABLE's walks
 * are wasted: go MKWRITE. After as many scans that each found more than
 * auto_dense_percent of the pages written, MKWRITE's faults cost more
 * than a walk: go PAGETABLE.
 */
static long vcoh_dirty_auto(struct vcoh_bo *bo, pgoff_t written,
			    struct vcoh_stats *delta)
{
	bool other;
	long ret;

	if (bo->mode == VCOH_BO_TRACK_PAGETABLE)
		other = !written;
	else
		other = (u64)written * 100 >
			(u64)READ_ONCE(auto_dense_percent) * bo->num_pages;

	if (!other) {
		bo->switch_scans = 0;
		return 0;
	}
	if (++bo->switch_scans <= READ_ONCE(auto_switch_scans))
		return 0;

	bo->switch_scans = 0;
	if (bo->mode == VCOH_BO_TRACK_PAGETABLE)
		ret = vcoh_dirty_to_mkwrite(bo);
	else
		ret = vcoh_dirty_to_pagetable(bo);
	if (ret >= 0)
		delta->mode_switches++;
	return ret;
}

/**
 * vcoh_dirty_scan - collect the object's writes into bo->dirty
 * @bo: the object, its dma_resv lock held
 * @delta: counters to add the scan to
 *
 * The TLB flush the scan queued on the object's context must be done
 * before the pages are read: until then, a stale TLB entry lets a write
 * land without a trace in the ptes.
 *
 * Return: ptes changed, or a negative error code from the helpers.
 */
long vcoh_dirty_scan(struct vcoh_bo *bo, struct vcoh_stats *delta)
{
	s64 gen = bo->dirty_ctx.gen;
	pgoff_t scanned, written = 0;
	long ret, sw;

	switch (bo->mode) {
	case VCOH_BO_TRACK_PAGETABLE:
		scanned = bo->num_pages;
		ret = bo->backend->clean(bo);
		break;
	case VCOH_BO_TRACK_MKWRITE:
		/* Only the pages written since the last scan are writable. */
		scanned = 0;
		ret = 0;
		if (bo->dirty.start < bo->dirty.end) {
			scanned = bo->dirty.end - bo->dirty.start;
			ret = bo->backend->protect(bo, bo->dirty.start,
						   scanned);
		}
		break;
	default:
		scanned = bo->num_pages;
		ret = 0;
		bitmap_fill(bo->dirty.bitmap, bo->num_pages);
		vcoh_dirty_mark(bo, 0, bo->num_pages);
		break;
	}
	if (ret < 0)
		return ret;

	if (bo->dirty.start < bo->dirty.end)
		written = bitmap_weight(bo->dirty.bitmap, bo->dirty.end);
	if (vcoh_dirty_switches(bo)) {
		sw = vcoh_dirty_auto(bo, written, delta);
		if (sw < 0)
			return sw;
		ret += sw;
	}

	delta->scans++;
	delta->pages_scanned += scanned;
	delta->pages_dirty += written;
	if (bo->dirty_ctx.gen != gen)
		delta->tlb_flushes_queued++;
	return ret;
}

/**
 * vcoh_dirty_protect - write-protect pages of an object, recording writes
 * @bo: the object, its dma_resv lock held
 * @first: first page, counted from the object's start
 * @nr: number of pages
 *
 * Dirty ptes are recorded in bo->dirty, cleaned and write-protected in one
 * update. Once the flush this queues is done, a CPU write to those pages
 * goes through pfn_mkwrite, which waits for the lock. No read-only pte is
 * left dirty: mprotect() would make it writable again without a fault.
 *
 * Return: ptes changed, or a negative error code from the helpers.
 */
long vcoh_dirty_protect(struct vcoh_bo *bo, pgoff_t first, pgoff_t nr)
{
	return bo->backend->protect(bo, first, nr);
}

/**
 * vcoh_dirty_flush - do the TLB flushes that scans queued
 * @vdev: the device
 * @gen: the largest generation of the scanned objects' contexts
 *
 * Return: the number of flushes issued, or a negative error code.
 */
int vcoh_dirty_flush(struct vcoh_device *vdev, s64 gen)
{
	return gen > 0 ? ptedirty_flush_to_gen(&vdev->flush_queue, gen) : 0;
}

/**
 * vcoh_dirty_give_back - record pages as written once more
 * @bo: the object, its dma_resv lock not held
 * @pages: a bitmap of the object's size, of pages taken from its record
 *
 * For a report that could not reach user space: the next call reports the
 * pages again.
 */
void vcoh_dirty_give_back(struct vcoh_bo *bo, const unsigned long *pages)
{
	unsigned long first = find_first_bit(pages, bo->num_pages);

	if (first >= bo->num_pages)
		return;
	dma_resv_lock(bo->base.resv, NULL);
	bitmap_or(bo->dirty.bitmap, bo->dirty.bitmap, pages, bo->num_pages);
	vcoh_dirty_mark(bo, first, find_last_bit(pages, bo->num_pages) + 1);
	dma_resv_unlock(bo->base.resv);
}
