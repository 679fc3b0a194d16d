// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page-table walk behind ptedirty_clean(), ptedirty_clean_wrprotect(),
 * ptedirty_wrprotect() and ptedirty_count_mapped(): the kernel's
 * walk_page_mapping() over every vma that maps the range, with callbacks
 * that change the ptes and queue each vma's touched range on the flush
 * queue instead of flushing it.
 */

#include <linux/cacheflush.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/mmu_notifier.h>
#include <linux/pagewalk.h>
#include <linux/pgtable.h>
#include <linux/slab.h>

#include "ptedirty_compat.h"
#include "ptedirty_internal.h"

/*
 * Returns false if the pte table changed under us and must be looked up
 * again. What the loop finds is kept in locals and stored into @w once
 * per table: the loop then touches little memory besides the ptes. The
 * kind of walk is a constant in each of ptedirty_walk_ptes()'s calls, so each
 * kind gets a loop of its own, where a pte with nothing to do costs a
 * load and a test or two.
 */
static __always_inline bool
ptedirty_walk_ptes_kind(struct ptedirty_walk *w, struct vm_area_struct *vma,
			pmd_t *pmd, unsigned long addr, unsigned long end,
			const bool clean, const bool wrprotect,
			const bool count)
{
	unsigned long first = end, last = addr, changed = 0;
	pgoff_t bit = 0, bit_first = ULONG_MAX, bit_end = 0;
	/* In locals: the bitmap stores could alias @w for the compiler. */
	bool secondary = w->secondary;
	unsigned long *bitmap = w->bitmap;
	pte_t *start_pte, *pte;
	/* the pte table's lock */
	spinlock_t *ptl;

	start_pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);
	if (ptedirty_pte_map_failed(start_pte))
		return false;

	if (clean)
		bit = linear_page_index(vma, addr) - w->bitmap_pgoff;
	for (pte = start_pte; addr < end; pte++, addr += PAGE_SIZE, bit++) {
		pte_t ptent = ptep_get(pte);
		pte_t old, new;
		bool written;

		if (!pte_present(ptent))
			continue;
		if (count) {
			changed++;
			continue;
		}
		if (!((clean && pte_dirty(ptent)) ||
		      (wrprotect && pte_write(ptent))))
			continue;

		old = ptep_modify_prot_start(vma, addr, pte);
		new = old;
		if (clean)
			new = pte_mkclean(new);
		if (wrprotect)
			new = pte_wrprotect(new);
		ptep_modify_prot_commit(vma, addr, pte, old, new);

		changed++;
		first = min(first, addr);
		last = addr + PAGE_SIZE;
		/* A secondary MMU may write through a writable pte, leaving it clean. */
		written = pte_dirty(old) || (secondary && pte_write(old));
		if (clean && written) {
			__set_bit(bit, bitmap);
			bit_first = min(bit_first, bit);
			bit_end = bit + 1;
		}
	}
	pte_unmap_unlock(start_pte, ptl);

	w->total += changed;
	if (changed && !count) {
		w->tstart = min(w->tstart, first);
		w->tend = max(w->tend, last);
	}
	if (bit_end) {
		w->start = min(w->start, bit_first);
		w->end = max(w->end, bit_end);
	}
	return true;
}

static bool ptedirty_walk_ptes(struct ptedirty_walk *w,
			       struct vm_area_struct *vma, pmd_t *pmd,
			       unsigned long addr, unsigned long end)
{
	bool wrprotect = w->wrprotect || w->secondary;

	if (w->count)
		return ptedirty_walk_ptes_kind(w, vma, pmd, addr, end, false,
					       false, true);
	if (w->clean && wrprotect)
		return ptedirty_walk_ptes_kind(w, vma, pmd, addr, end, true,
					       true, false);
	if (w->clean)
		return ptedirty_walk_ptes_kind(w, vma, pmd, addr, end, true,
					       false, false);
	return ptedirty_walk_ptes_kind(w, vma, pmd, addr, end, false, true,
				       false);
}

/*
 * Dirty tracking happens at the pte level and splitting a huge entry would
 * lose its dirty bit: huge entries are skipped, and one that is writable
 * or dirty means the driver broke the contract. The pte table is walked
 * here rather than by the page-table walker's pte_entry: one call per
 * table instead of one per pte.
 */
static int ptedirty_pmd_entry(pmd_t *pmd, unsigned long addr, unsigned long end,
			      struct mm_walk *walk)
{
	pmd_t pmdval = ptedirty_pmdp_get_lockless(pmd);

	walk->action = ACTION_CONTINUE;
	if (pmd_trans_huge(pmdval) || pmd_devmap(pmdval) || pmd_leaf(pmdval)) {
		WARN_ON_ONCE(pmd_write(pmdval) || pmd_dirty(pmdval));
		return 0;
	}
	if (pmd_bad(pmdval))
		return 0;
	if (!ptedirty_walk_ptes(walk->private, walk->vma, pmd, addr, end))
		walk->action = ACTION_AGAIN;
	return 0;
}

/* A huge pud would be split, and its dirty bit lost, by the walker. */
static int ptedirty_pud_entry(pud_t *pud, unsigned long addr, unsigned long end,
			      struct mm_walk *walk)
{
	pud_t pudval = READ_ONCE(*pud);

	walk->action = ACTION_SUBTREE;
	if (pud_trans_huge(pudval) || pud_devmap(pudval) || pud_leaf(pudval)) {
#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
		WARN_ON_ONCE(pud_write(pudval) || pud_dirty(pudval));
#endif
		walk->action = ACTION_CONTINUE;
	}
	return 0;
}

/*
 * Shared, may-write, not hugetlb: a mapping the walkers apply to. Any
 * other vma is skipped on its own and the walk goes on to the next one
 * (mm/pagewalk.c's walk_page_mapping() with the drop-in's fix).
 */
static int ptedirty_test_walk(unsigned long start, unsigned long end,
			      struct mm_walk *walk)
{
	vm_flags_t flags = READ_ONCE(walk->vma->vm_flags);

	if ((flags & (VM_SHARED | VM_MAYWRITE | VM_HUGETLB)) !=
	    (VM_SHARED | VM_MAYWRITE))
		return 1;
	/* Memory that the page cache or rmap also tracks is not ours to clean. */
	return WARN_ON_ONCE(!(flags & VM_IO)) ? 1 : 0;
}

static int ptedirty_pre_vma(unsigned long start, unsigned long end,
			    struct mm_walk *walk)
{
	struct ptedirty_walk *w = walk->private;
	struct vm_area_struct *vma = walk->vma;

	w->vstart = start;
	w->vend = end;
	w->tstart = end;
	w->tend = start;
	/*
	 * A secondary MMU (KVM, a device bound with SVA) may map a writable
	 * pte writable and write through it without setting the pte's
	 * dirty bit. A write through a read-only pte faults in the core,
	 * which sets it: so in such an mm a clean write-protects as well.
	 */
	w->secondary = w->clean && mm_has_notifiers(vma->vm_mm);

	ptedirty_notifier_range_init(&w->range, vma, start, end);
	mmu_notifier_invalidate_range_start(&w->range);
	flush_cache_range(vma, start, end);
	/* Raised before the first pte changes, dropped once it is queued. */
	inc_tlb_flush_pending(vma->vm_mm);
	return 0;
}

static void ptedirty_post_vma(struct mm_walk *walk)
{
	struct ptedirty_walk *w = walk->private;
	struct mm_struct *mm = walk->mm;
	s64 gen;

	/* Under the i_mmap lock, which reclaim takes: no reclaim here. */
	gen = ptedirty_flush_queue_add_walk(w->queue, mm, w->tstart, w->tend,
					    w->vstart, w->vend, 1,
					    GFP_NOWAIT | __GFP_NOWARN);
	w->gen = max(w->gen, gen);

	dec_tlb_flush_pending(mm);
	mmu_notifier_invalidate_range_end(&w->range);
}

static const struct mm_walk_ops ptedirty_update_ops = {
	.test_walk = ptedirty_test_walk,
	.pre_vma = ptedirty_pre_vma,
	.pud_entry = ptedirty_pud_entry,
	.pmd_entry = ptedirty_pmd_entry,
	.post_vma = ptedirty_post_vma,
};

/* Read-only: no notifier, no flush, nothing queued. */
static const struct mm_walk_ops ptedirty_count_ops = {
	.test_walk = ptedirty_test_walk,
	.pud_entry = ptedirty_pud_entry,
	.pmd_entry = ptedirty_pmd_entry,
};

long ptedirty_walk_mapping(struct address_space *mapping, pgoff_t first,
			   pgoff_t nr, struct ptedirty_walk *w,
			   struct ptedirty_ctx *ctx)
{
	const struct mm_walk_ops *ops = w->count ? &ptedirty_count_ops :
						   &ptedirty_update_ops;
	struct ptedirty_flush_queue *local = NULL;
	int err;

	w->queue = ctx->queue;
	if (!w->queue && !w->count) {
		/* A queue of this walk's own, flushed before it returns. */
		local = kmalloc(sizeof(*local), GFP_KERNEL);
		if (!local)
			return -ENOMEM;
		ptedirty_flush_queue_init(local);
		w->queue = local;
	}

	i_mmap_lock_read(mapping);
	err = walk_page_mapping(mapping, first, nr, ops, w);
	i_mmap_unlock_read(mapping);
	/* None of the callbacks fails. */
	WARN_ON_ONCE(err);

	if (local) {
		ptedirty_flush_queue_fini(local);
		kfree(local);
	} else {
		ctx->gen = max(ctx->gen, w->gen);
	}
	return w->total;
}
