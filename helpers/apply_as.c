// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page-table dirty tracking for VM_IO mappings of an address space.
 *
 * apply_as_wrprotect() and apply_as_clean() walk the ptes that map a range
 * of an address space in every vma that maps it, write-protect or clean
 * them, and queue the touched ranges on the caller's flush queue instead
 * of flushing each vma. That is safe because the caller holds an external
 * lock that its mkwrite and fault handlers take too, and uses what a walk
 * reported only after flushing: see Documentation/apply-as.rst. Every walk
 * checks that the lock is held.
 *
 * Unlike walk_page_mapping(), a vma the walk does not apply to is skipped
 * on its own; the walk goes on to the next one.
 */

#include <linux/apply_as.h>
#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/mmu_notifier.h>
#include <linux/pagemap.h>
#include <linux/pgtable.h>
#include <asm/cacheflush.h>

#include "apply_as_compat.h"
#include "apply_as_internal.h"

/**
 * struct as_walk - state of one walk
 * @vma: the vma being walked
 * @clean: clean dirty ptes, recording them in @bitmap
 * @wrprotect: write-protect writable ptes
 * @count: change nothing, count the present ptes
 * @total: ptes changed (or counted) so far
 * @tstart: first address changed in @vma
 * @tend: end of the last address changed in @vma
 * @gen: generation of the last range queued
 * @bitmap: clean only: bit per page offset, relative to @bitmap_pgoff
 * @bitmap_pgoff: page offset of bit 0 of @bitmap
 * @start: first bit set, relative to @bitmap_pgoff
 * @end: one past the last bit set
 */
struct as_walk {
	struct vm_area_struct *vma;
	bool clean;
	bool wrprotect;
	bool count;
	unsigned long total;
	unsigned long tstart;
	unsigned long tend;
	s64 gen;
	unsigned long *bitmap;
	pgoff_t bitmap_pgoff;
	pgoff_t start;
	pgoff_t end;
};

/**
 * apply_as_ctx_init_mutex - set up a context whose external lock is a mutex
 * @ctx: the context
 * @queue: flush queue for the walks, or NULL to flush in each walk
 * @lock: the external lock
 */
void apply_as_ctx_init_mutex(struct apply_as_ctx *ctx,
			     struct as_flush_queue *queue, struct mutex *lock)
{
	*ctx = (struct apply_as_ctx){ .queue = queue, .mutex = lock };
}
EXPORT_SYMBOL_GPL(apply_as_ctx_init_mutex);

/**
 * apply_as_ctx_init_ww_mutex - set up a context whose external lock is a
 * ww_mutex
 * @ctx: the context
 * @queue: flush queue for the walks, or NULL to flush in each walk
 * @lock: the external lock, for a DRM object &obj->resv->lock
 */
void apply_as_ctx_init_ww_mutex(struct apply_as_ctx *ctx,
				struct as_flush_queue *queue,
				struct ww_mutex *lock)
{
	*ctx = (struct apply_as_ctx){ .queue = queue, .ww_mutex = lock };
}
EXPORT_SYMBOL_GPL(apply_as_ctx_init_ww_mutex);

/*
 * The lock contract. "Locked" is the check that costs nothing and is always
 * on; with lockdep, "held by this task" is checked as well.
 */
static int as_check_contract(struct apply_as_ctx *ctx,
			     struct address_space *mapping)
{
	bool locked;

	might_sleep();
	if (WARN_ON_ONCE(!ctx || !ctx->mutex == !ctx->ww_mutex))
		return -EINVAL;

	locked = ctx->mutex ? mutex_is_locked(ctx->mutex) :
			      ww_mutex_is_locked(ctx->ww_mutex);
	if (WARN_ON_ONCE(!locked))
		return -ENOLCK;
	if (ctx->mutex)
		lockdep_assert_held_once(ctx->mutex);
	else
		lockdep_assert_held_once(&ctx->ww_mutex->base);

	/* The walk takes it: holding it already would deadlock on a writer. */
	if (mapping)
		lockdep_assert_not_held(&mapping->i_mmap_rwsem);
	return 0;
}

/*
 * Returns false if the pte table changed under us and must be looked up
 * again. What the loop finds is kept in locals and stored into @w once
 * per table: the loop then touches little memory besides the ptes.
 */
static bool as_walk_ptes(struct as_walk *w, pmd_t *pmd, unsigned long addr,
			 unsigned long end)
{
	struct vm_area_struct *vma = w->vma;
	unsigned long first = end, last = addr, changed = 0;
	pgoff_t bit = 0, bit_first = ULONG_MAX, bit_end = 0;
	pte_t *start_pte, *pte;
	/* the pte table's lock */
	spinlock_t *ptl;

	start_pte = pte_offset_map_lock(vma->vm_mm, pmd, addr, &ptl);
	if (as_pte_map_failed(start_pte))
		return false;

	if (w->clean)
		bit = linear_page_index(vma, addr) - w->bitmap_pgoff;
	for (pte = start_pte; addr < end; pte++, addr += PAGE_SIZE, bit++) {
		pte_t ptent = ptep_get(pte);
		pte_t old, new;

		if (!pte_present(ptent))
			continue;
		if (w->count) {
			changed++;
			continue;
		}
		if (!((w->clean && pte_dirty(ptent)) ||
		      (w->wrprotect && pte_write(ptent))))
			continue;

		old = ptep_modify_prot_start(vma, addr, pte);
		new = old;
		if (w->clean)
			new = pte_mkclean(new);
		if (w->wrprotect)
			new = pte_wrprotect(new);
		ptep_modify_prot_commit(vma, addr, pte, old, new);

		changed++;
		first = min(first, addr);
		last = addr + PAGE_SIZE;
		if (w->clean && pte_dirty(old)) {
			__set_bit(bit, w->bitmap);
			bit_first = min(bit_first, bit);
			bit_end = bit + 1;
		}
	}
	pte_unmap_unlock(start_pte, ptl);

	w->total += changed;
	if (changed && !w->count) {
		w->tstart = min(w->tstart, first);
		w->tend = max(w->tend, last);
	}
	if (bit_end) {
		w->start = min(w->start, bit_first);
		w->end = max(w->end, bit_end);
	}
	return true;
}

/*
 * Dirty tracking happens at the pte level and splitting a huge entry would
 * lose its dirty bit: huge entries are skipped, and one that is writable
 * or dirty means the driver broke the contract.
 */
static void as_walk_pmds(struct as_walk *w, pud_t *pud, unsigned long addr,
			 unsigned long end)
{
	pmd_t *pmd = pmd_offset(pud, addr);
	unsigned long next;

	do {
		pmd_t pmdval;

		next = pmd_addr_end(addr, end);
again:
		pmdval = as_pmdp_get_lockless(pmd);
		if (pmd_none(pmdval))
			continue;
		if (pmd_trans_huge(pmdval) || pmd_devmap(pmdval) ||
		    pmd_leaf(pmdval)) {
			WARN_ON_ONCE(pmd_write(pmdval) || pmd_dirty(pmdval));
			continue;
		}
		if (pmd_bad(pmdval))
			continue;
		if (!as_walk_ptes(w, pmd, addr, next))
			goto again;
	} while (pmd++, addr = next, addr != end);
}

static void as_walk_puds(struct as_walk *w, p4d_t *p4d, unsigned long addr,
			 unsigned long end)
{
	pud_t *pud = pud_offset(p4d, addr);
	unsigned long next;

	do {
		pud_t pudval = READ_ONCE(*pud);

		next = pud_addr_end(addr, end);
		if (pud_none(pudval))
			continue;
		if (pud_leaf(pudval)) {
#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
			WARN_ON_ONCE(pud_write(pudval) || pud_dirty(pudval));
#endif
			continue;
		}
		if (pud_bad(pudval))
			continue;
		as_walk_pmds(w, pud, addr, next);
	} while (pud++, addr = next, addr != end);
}

static void as_walk_range(struct as_walk *w, unsigned long addr,
			  unsigned long end)
{
	pgd_t *pgd = pgd_offset(w->vma->vm_mm, addr);
	unsigned long next, p4d_next;
	p4d_t *p4d;

	do {
		next = pgd_addr_end(addr, end);
		if (pgd_none_or_clear_bad(pgd))
			continue;
		p4d = p4d_offset(pgd, addr);
		do {
			p4d_next = p4d_addr_end(addr, next);
			if (p4d_none_or_clear_bad(p4d))
				continue;
			as_walk_puds(w, p4d, addr, p4d_next);
		} while (p4d++, addr = p4d_next, addr != next);
	} while (pgd++, addr != end);
}

/* Shared, may-write, not hugetlb: a mapping the walkers apply to. */
static bool as_vma_applies(struct vm_area_struct *vma)
{
	vm_flags_t flags = READ_ONCE(vma->vm_flags);

	if ((flags & (VM_SHARED | VM_MAYWRITE | VM_HUGETLB)) !=
	    (VM_SHARED | VM_MAYWRITE))
		return false;
	/* Memory that the page cache or rmap also tracks is not ours to clean. */
	return !WARN_ON_ONCE(!(flags & VM_IO));
}

/* The addresses [*start, *end) of @vma that map page offsets [first, last). */
static void as_vma_range(struct vm_area_struct *vma, pgoff_t first,
			 pgoff_t last, unsigned long *start, unsigned long *end)
{
	first = max(first, vma->vm_pgoff);
	last = min(last, vma->vm_pgoff + vma_pages(vma));
	*start = vma->vm_start + ((first - vma->vm_pgoff) << PAGE_SHIFT);
	*end = vma->vm_start + ((last - vma->vm_pgoff) << PAGE_SHIFT);
}

/* Walk the part of @vma that maps page offsets [first, last). */
static void as_walk_vma(struct as_walk *w, struct as_flush_queue *queue,
			struct vm_area_struct *vma, pgoff_t first, pgoff_t last)
{
	unsigned long start, end;
	struct mmu_notifier_range range;
	struct mm_struct *mm = vma->vm_mm;
	s64 gen;

	as_vma_range(vma, first, last, &start, &end);
	w->vma = vma;
	w->tstart = end;
	w->tend = start;

	as_notifier_range_init(&range, vma, start, end);
	mmu_notifier_invalidate_range_start(&range);
	flush_cache_range(vma, start, end);
	/* Raised before the first pte changes, dropped once it is queued. */
	inc_tlb_flush_pending(mm);

	as_walk_range(w, start, end);

	/* Under the i_mmap lock, which reclaim takes: no reclaim here. */
	gen = as_queue_range(queue, mm, w->tstart, w->tend, start, end, 1,
			     GFP_NOWAIT | __GFP_NOWARN);
	if (gen > 0)
		w->gen = gen;

	dec_tlb_flush_pending(mm);
	mmu_notifier_invalidate_range_end(&range);
}

static long as_walk_mapping(struct address_space *mapping, pgoff_t first,
			    pgoff_t nr, struct as_walk *w,
			    struct apply_as_ctx *ctx)
{
	struct as_flush_queue local, *queue = ctx->queue;
	struct vm_area_struct *vma;

	if (!queue) {
		as_flush_queue_init(&local);
		queue = &local;
	}

	i_mmap_lock_read(mapping);
	vma_interval_tree_foreach(vma, &mapping->i_mmap, first, first + nr - 1) {
		if (as_vma_applies(vma))
			as_walk_vma(w, queue, vma, first, first + nr);
	}
	i_mmap_unlock_read(mapping);

	if (queue == &local)
		as_flush_queue_fini(&local);
	else if (w->gen > 0)
		ctx->gen = w->gen;
	return w->total;
}

/* Read-only: no notifier, no flush, nothing queued. */
static long as_count_mapping(struct address_space *mapping, pgoff_t first,
			     pgoff_t nr, struct as_walk *w)
{
	struct vm_area_struct *vma;
	unsigned long start, end;

	i_mmap_lock_read(mapping);
	vma_interval_tree_foreach(vma, &mapping->i_mmap, first, first + nr - 1) {
		if (!as_vma_applies(vma))
			continue;
		as_vma_range(vma, first, first + nr, &start, &end);
		w->vma = vma;
		as_walk_range(w, start, end);
	}
	i_mmap_unlock_read(mapping);
	return w->total;
}

/* [first, first + nr) is a non-empty range of page offsets. */
static bool as_range_valid(pgoff_t first, pgoff_t nr)
{
	pgoff_t last;

	return nr && !check_add_overflow(first, nr - 1, &last);
}

/**
 * apply_as_wrprotect - write-protect the ptes mapping a range of a mapping
 * @mapping: the address space
 * @first_index: first page offset of the range
 * @nr: number of page offsets in the range
 * @ctx: the caller's context; its external lock must be held
 *
 * Write-protects every writable pte that maps a page offset in the range,
 * in every shared, may-write VM_IO vma of @mapping; other vmas are skipped
 * one by one. The touched ranges are queued on @ctx's flush queue and
 * @ctx->gen is set to their generation: flush up to it before acting on
 * the write-protection. Without a queue, the walk flushes before it
 * returns. Huge entries are never split. Takes @mapping's i_mmap lock and
 * might sleep.
 *
 * The dirty bits stay as they are. A read-only pte left dirty becomes
 * writable again, without a fault, when user space mprotect()s the vma
 * read-only and back; a driver that records writes in pfn_mkwrite wants
 * apply_as_clean_wrprotect() instead.
 *
 * Return: the number of ptes write-protected; -EINVAL for a NULL mapping
 * or an empty or overflowing range; -ENOLCK, with a warning and nothing
 * changed, when the external lock is not held.
 */
long apply_as_wrprotect(struct address_space *mapping, pgoff_t first_index,
			pgoff_t nr, struct apply_as_ctx *ctx)
{
	struct as_walk w = { .wrprotect = true };
	int ret;

	if (!mapping || !as_range_valid(first_index, nr))
		return -EINVAL;
	ret = as_check_contract(ctx, mapping);
	if (ret)
		return ret;

	return as_walk_mapping(mapping, first_index, nr, &w, ctx);
}
EXPORT_SYMBOL_GPL(apply_as_wrprotect);

/**
 * apply_as_count_mapped - count the ptes mapping a range of a mapping
 * @mapping: the address space
 * @first_index: first page offset of the range
 * @nr: number of page offsets in the range
 * @ctx: the caller's context; its external lock must be held
 *
 * Reads every pte that maps a page offset in the range, in every vma the
 * other walkers apply to, and changes nothing: no notifier, no flush. It
 * is the same walk as theirs without the updates, so it tells a driver
 * how much of an object is mapped, and a benchmark what reading every
 * pte once costs. Takes @mapping's i_mmap lock and might sleep.
 *
 * Return: the number of present ptes; -EINVAL for a NULL mapping or an
 * empty or overflowing range; -ENOLCK, with a warning, when the external
 * lock is not held.
 */
long apply_as_count_mapped(struct address_space *mapping, pgoff_t first_index,
			   pgoff_t nr, struct apply_as_ctx *ctx)
{
	struct as_walk w = { .count = true };
	int ret;

	if (!mapping || !as_range_valid(first_index, nr))
		return -EINVAL;
	ret = as_check_contract(ctx, mapping);
	if (ret)
		return ret;

	return as_count_mapping(mapping, first_index, nr, &w);
}
EXPORT_SYMBOL_GPL(apply_as_count_mapped);

/* apply_as_clean() and apply_as_clean_wrprotect(). */
static long as_clean(struct address_space *mapping, pgoff_t first_index,
		     pgoff_t nr, pgoff_t bitmap_pgoff, unsigned long *bitmap,
		     pgoff_t bitmap_bits, pgoff_t *start, pgoff_t *end,
		     struct apply_as_ctx *ctx, bool wrprotect)
{
	struct as_walk w = {
		.clean = true,
		.wrprotect = wrprotect,
		.bitmap = bitmap,
		.bitmap_pgoff = bitmap_pgoff,
		.start = ULONG_MAX,
		.end = 0,
	};
	long ret;

	if (!mapping || !bitmap || !start || !end ||
	    !as_range_valid(first_index, nr) || first_index < bitmap_pgoff ||
	    first_index - bitmap_pgoff > bitmap_bits ||
	    nr > bitmap_bits - (first_index - bitmap_pgoff))
		return -EINVAL;
	ret = as_check_contract(ctx, mapping);
	if (ret)
		return ret;

	ret = as_walk_mapping(mapping, first_index, nr, &w, ctx);
	if (w.end > w.start) {
		if (*start >= *end) {
			*start = w.start;
			*end = w.end;
		} else {
			*start = min(*start, w.start);
			*end = max(*end, w.end);
		}
	}
	return ret;
}

/**
 * apply_as_clean - clean the ptes mapping a range of a mapping and record
 * which were dirty
 * @mapping: the address space
 * @first_index: first page offset of the range
 * @nr: number of page offsets in the range
 * @bitmap_pgoff: page offset that bit 0 of @bitmap stands for
 * @bitmap: one bit per page offset
 * @bitmap_bits: number of bits in @bitmap; it must cover the range
 * @start: in and out: first set bit of @bitmap (relative to @bitmap_pgoff)
 * @end: in and out: one past the last set bit; *@start >= *@end means none
 * @ctx: the caller's context; its external lock must be held
 *
 * Clears the dirty bit of every dirty pte that maps a page offset in the
 * range, in every shared, may-write VM_IO vma of @mapping, sets the bit of
 * each such page offset and widens [*@start, *@end) to cover the bits set.
 * A page written after the walk saw its pte is either recorded here or
 * still dirty in its pte; a write to a page the walk recorded may still go
 * through a stale TLB entry until the flush. So flush up to @ctx->gen
 * before reading the recorded pages. Without a queue, the walk flushes
 * before it returns. Huge entries are never split. Takes @mapping's
 * i_mmap lock and might sleep.
 *
 * Return: the number of ptes cleaned; -EINVAL for a NULL mapping, bitmap,
 * @start or @end, an empty or overflowing range or a bitmap that does not
 * cover it; -ENOLCK, with a warning and nothing changed, when the external
 * lock is not held.
 */
long apply_as_clean(struct address_space *mapping, pgoff_t first_index,
		    pgoff_t nr, pgoff_t bitmap_pgoff, unsigned long *bitmap,
		    pgoff_t bitmap_bits, pgoff_t *start, pgoff_t *end,
		    struct apply_as_ctx *ctx)
{
	return as_clean(mapping, first_index, nr, bitmap_pgoff, bitmap,
			bitmap_bits, start, end, ctx, false);
}
EXPORT_SYMBOL_GPL(apply_as_clean);

/**
 * apply_as_clean_wrprotect - clean and write-protect the ptes mapping a
 * range of a mapping and record which were dirty
 * @mapping: the address space
 * @first_index: first page offset of the range
 * @nr: number of page offsets in the range
 * @bitmap_pgoff: page offset that bit 0 of @bitmap stands for
 * @bitmap: one bit per page offset
 * @bitmap_bits: number of bits in @bitmap; it must cover the range
 * @start: in and out: first set bit of @bitmap (relative to @bitmap_pgoff)
 * @end: in and out: one past the last set bit; *@start >= *@end means none
 * @ctx: the caller's context; its external lock must be held
 *
 * apply_as_clean() and apply_as_wrprotect() in one update of each pte: a
 * write that lands before the update is recorded, and after the flush
 * every write faults. Use it to start tracking writes in pfn_mkwrite
 * (switching from dirty bits, or before the device writes the pages), and
 * for the scans of such tracking: it leaves no read-only pte dirty, which
 * mprotect() could make writable again without a fault.
 *
 * Return: the number of ptes changed; errors as apply_as_clean().
 */
long apply_as_clean_wrprotect(struct address_space *mapping,
			      pgoff_t first_index, pgoff_t nr,
			      pgoff_t bitmap_pgoff, unsigned long *bitmap,
			      pgoff_t bitmap_bits, pgoff_t *start, pgoff_t *end,
			      struct apply_as_ctx *ctx)
{
	return as_clean(mapping, first_index, nr, bitmap_pgoff, bitmap,
			bitmap_bits, start, end, ctx, true);
}
EXPORT_SYMBOL_GPL(apply_as_clean_wrprotect);

/**
 * apply_as_pfn_mkwrite - let a write through a write-protected pte
 * @vmf: the fault, as passed to the driver's &vm_operations_struct.pfn_mkwrite
 * @ctx: the caller's context; its external lock must be held
 *
 * For a driver that tracks writes in pfn_mkwrite: record the write first,
 * then call this with the external lock still held. It waits for a pending
 * flush that covers the address and makes the pte writable and dirty
 * before the lock is dropped, so a walk that runs next finds it writable
 * and protects it again. Letting the core make the pte writable after the
 * handler returned would leave a window in which a walk reports the page
 * and the write lands afterwards, unrecorded.
 *
 * Return: %VM_FAULT_NOPAGE (the access is retried), or %VM_FAULT_SIGBUS
 * with a warning when the external lock is not held.
 */
vm_fault_t apply_as_pfn_mkwrite(struct vm_fault *vmf, struct apply_as_ctx *ctx)
{
	struct vm_area_struct *vma = vmf->vma;
	/* the pte table's lock */
	spinlock_t *ptl;
	pte_t *pte;

	if (as_check_contract(ctx, NULL) ||
	    WARN_ON_ONCE(!(vmf->flags & FAULT_FLAG_MKWRITE)))
		return VM_FAULT_SIGBUS;

	if (ctx->queue)
		as_wait_for_pending_flushes(ctx->queue, vma->vm_mm,
					    vmf->address);

	pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &ptl);
	if (as_pte_map_failed(pte))
		return VM_FAULT_NOPAGE;
	/* Another fault or a zap got there first: retry the access. */
	if (pte_same(ptep_get(pte), vmf->orig_pte)) {
		pte_t entry = pte_mkyoung(vmf->orig_pte);

		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
		if (ptep_set_access_flags(vma, vmf->address, pte, entry, 1))
			update_mmu_cache(vma, vmf->address, pte);
	}
	pte_unmap_unlock(pte, ptl);
	return VM_FAULT_NOPAGE;
}
EXPORT_SYMBOL_GPL(apply_as_pfn_mkwrite);
