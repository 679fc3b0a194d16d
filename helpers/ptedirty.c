// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page-table dirty tracking for VM_IO mappings of an address space.
 *
 * ptedirty_clean() and ptedirty_clean_wrprotect() walk the ptes that map
 * a range of an address space in every vma that maps it, clean them (and
 * write-protect them), record the pages that were written, and queue the
 * touched ranges on the caller's flush queue instead of flushing each
 * vma. That is safe because the caller holds an external
 * lock that its mkwrite and fault handlers take too, and uses what a walk
 * reported only after flushing: see Documentation/ptedirty.rst. Every walk
 * checks that the lock is held.
 *
 * The walk is the kernel's walk_page_mapping(); the drop-in fixes it to go
 * on past a vma the walk does not apply to instead of ending there.
 */

#include <linux/ptedirty.h>
#include <linux/bitops.h>
#include <linux/cacheflush.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/mmu_notifier.h>
#include <linux/pagemap.h>
#include <linux/pagewalk.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <xen/xen.h>

#include "ptedirty_compat.h"
#include "ptedirty_internal.h"

/**
 * struct ptedirty_walk - state of one walk
 * @queue: where the touched ranges go
 * @clean: clean dirty ptes, recording them in @bitmap
 * @wrprotect: write-protect writable ptes
 * @count: change nothing, count the present ptes
 * @secondary: the vma's mm has a secondary MMU: a clean write-protects and
 *	records writable ptes too
 * @total: ptes changed (or counted) so far
 * @vstart: first address of the part of the vma being walked
 * @vend: end of that part
 * @tstart: first address changed in the vma
 * @tend: end of the last address changed in the vma
 * @range: the notifier range of the vma being walked
 * @gen: generation of the last range queued
 * @bitmap: clean only: bit per page offset, relative to @bitmap_pgoff
 * @bitmap_pgoff: page offset of bit 0 of @bitmap
 * @start: first bit set, relative to @bitmap_pgoff
 * @end: one past the last bit set
 */
struct ptedirty_walk {
	struct ptedirty_flush_queue *queue;
	bool clean;
	bool wrprotect;
	bool count;
	bool secondary;
	unsigned long total;
	unsigned long vstart;
	unsigned long vend;
	unsigned long tstart;
	unsigned long tend;
	struct mmu_notifier_range range;
	s64 gen;
	unsigned long *bitmap;
	pgoff_t bitmap_pgoff;
	pgoff_t start;
	pgoff_t end;
};

/**
 * ptedirty_ctx_init - set up a context for the walks of one object
 * @ctx: the context
 * @queue: flush queue for the walks, or NULL to flush in each walk
 * @lock: the external lock; for a DRM object, &obj->resv->lock
 */
void ptedirty_ctx_init(struct ptedirty_ctx *ctx,
		       struct ptedirty_flush_queue *queue,
		       struct ww_mutex *lock)
{
	*ctx = (struct ptedirty_ctx){ .queue = queue, .lock = lock };
}
EXPORT_SYMBOL_GPL(ptedirty_ctx_init);

/*
 * Whether the current task holds a lock. mutex_is_locked() only says that
 * some task does, and lockdep checks the owner only when it is built in;
 * the owner word says which task, at the cost of one load. Without
 * PREEMPT_RT it is the owner's task_struct with flags in the low bits
 * (MUTEX_FLAGS in kernel/locking/mutex.c). With PREEMPT_RT, the base of a
 * ww_mutex is an rt_mutex, whose owner pointer carries
 * RT_MUTEX_HAS_WAITERS in bit 0.
 */
#ifdef CONFIG_PREEMPT_RT
static bool ptedirty_owner_is_current(struct rt_mutex_base *lock)
{
	return ((unsigned long)READ_ONCE(lock->owner) & ~1UL) ==
	       (unsigned long)current;
}

#define ptedirty_lock_owned(lock) ptedirty_owner_is_current(&(lock)->rtmutex)
#else
static bool ptedirty_owner_is_current(atomic_long_t *owner)
{
	return (atomic_long_read(owner) & ~0x07UL) == (unsigned long)current;
}

#define ptedirty_lock_owned(lock) ptedirty_owner_is_current(&(lock)->owner)
#endif

/*
 * The lock contract: the external lock is held by this task. The owner
 * check is always on; lockdep adds its own report where it is built in.
 */
int ptedirty_check_contract(struct ptedirty_ctx *ctx,
			    struct address_space *mapping)
{
	bool owned;

	might_sleep();
	if (WARN_ON_ONCE(!ctx || !ctx->lock))
		return -EINVAL;

	owned = ptedirty_lock_owned(&ctx->lock->base);
	if (WARN_ON_ONCE(!owned))
		return -ENOLCK;
	lockdep_assert_held_once(&ctx->lock->base);

	if (!mapping)
		return 0;
	/* The walk takes it: holding it already would deadlock on a writer. */
	lockdep_assert_not_held(&mapping->i_mmap_rwsem);
	/*
	 * Xen PV commits ptes through the hypervisor, which keeps their
	 * accessed and dirty bits (MMU_PT_UPDATE_PRESERVE_AD): a clean would
	 * change nothing and a write-protect would leave dirty read-only
	 * ptes behind.
	 */
	if (xen_pv_domain())
		return -EOPNOTSUPP;
	return 0;
}

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

static long ptedirty_walk_mapping(struct address_space *mapping, pgoff_t first,
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

/* [first, first + nr) is a non-empty range of page offsets. */
static bool ptedirty_range_valid(pgoff_t first, pgoff_t nr)
{
	pgoff_t last;

	return nr && !check_add_overflow(first, nr - 1, &last);
}

/**
 * ptedirty_wrprotect - write-protect the ptes mapping a range of a mapping
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
 * ptedirty_clean_wrprotect() instead. So this one is not exported: the
 * KUnit tests use it.
 *
 * Return: the number of ptes write-protected; -EINVAL for a NULL mapping
 * or an empty or overflowing range; -ENOLCK, with a warning and nothing
 * changed, when the calling task does not hold the external lock;
 * -EOPNOTSUPP on a Xen PV guest; -ENOMEM, with nothing changed, when
 * @ctx has no queue and the walk's own cannot be allocated.
 */
long ptedirty_wrprotect(struct address_space *mapping, pgoff_t first_index,
			pgoff_t nr, struct ptedirty_ctx *ctx)
{
	struct ptedirty_walk w = { .wrprotect = true };
	int ret;

	if (!mapping || !ptedirty_range_valid(first_index, nr))
		return -EINVAL;
	ret = ptedirty_check_contract(ctx, mapping);
	if (ret)
		return ret;

	return ptedirty_walk_mapping(mapping, first_index, nr, &w, ctx);
}

/**
 * ptedirty_count_mapped - count the ptes mapping a range of a mapping
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
 * empty or overflowing range; -ENOLCK, with a warning, when the calling
 * task does not hold the external lock; -EOPNOTSUPP on a Xen PV guest.
 */
long ptedirty_count_mapped(struct address_space *mapping, pgoff_t first_index,
			   pgoff_t nr, struct ptedirty_ctx *ctx)
{
	struct ptedirty_walk w = { .count = true };
	int ret;

	if (!mapping || !ptedirty_range_valid(first_index, nr))
		return -EINVAL;
	ret = ptedirty_check_contract(ctx, mapping);
	if (ret)
		return ret;

	return ptedirty_walk_mapping(mapping, first_index, nr, &w, ctx);
}
EXPORT_SYMBOL_GPL(ptedirty_count_mapped);

/* ptedirty_clean() and ptedirty_clean_wrprotect(). */
static long __ptedirty_clean(struct address_space *mapping,
			     pgoff_t first_index, pgoff_t nr,
			     struct ptedirty_record *rec,
			     struct ptedirty_ctx *ctx, bool wrprotect)
{
	struct ptedirty_walk w;
	long ret;

	if (!mapping || !rec || !rec->bitmap ||
	    !ptedirty_range_valid(first_index, nr) ||
	    first_index < rec->pgoff ||
	    first_index - rec->pgoff > rec->bits ||
	    nr > rec->bits - (first_index - rec->pgoff))
		return -EINVAL;
	ret = ptedirty_check_contract(ctx, mapping);
	if (ret)
		return ret;

	w = (struct ptedirty_walk){
		.clean = true,
		.wrprotect = wrprotect,
		.bitmap = rec->bitmap,
		.bitmap_pgoff = rec->pgoff,
		.start = ULONG_MAX,
		.end = 0,
	};
	ret = ptedirty_walk_mapping(mapping, first_index, nr, &w, ctx);
	if (w.end > w.start)
		ptedirty_record_widen(rec, w.start, w.end);
	return ret;
}

/**
 * ptedirty_clean - clean the ptes mapping a range of a mapping and record
 * which were dirty
 * @mapping: the address space
 * @first_index: first page offset of the range
 * @nr: number of page offsets in the range
 * @rec: where the dirty pages go; its bitmap must cover the range
 * @ctx: the caller's context; its external lock must be held
 *
 * Clears the dirty bit of every dirty pte that maps a page offset in the
 * range, in every shared, may-write VM_IO vma of @mapping, sets the bit of
 * each such page offset in @rec and widens @rec's [start, end) to cover
 * the bits set.
 * A page written after the walk saw its pte is either recorded here or
 * still dirty in its pte; a write to a page the walk recorded may still go
 * through a stale TLB entry until the flush. So flush up to @ctx->gen
 * before reading the recorded pages. In an mm with a secondary MMU
 * (mm_has_notifiers(): KVM, SVA) a writable pte may have been written
 * without becoming dirty: there the walk records writable ptes as well
 * and write-protects them, so that the next write faults and dirties
 * its pte. Without a queue, the walk flushes before it returns. Huge
 * entries are never split. Takes @mapping's i_mmap lock and might sleep.
 *
 * Return: the number of ptes cleaned; -EINVAL for a NULL mapping, record
 * or bitmap, an empty or overflowing range or a record whose bitmap does
 * not cover it; -ENOLCK, with a warning and nothing changed, when the calling
 * task does not hold the external lock; -EOPNOTSUPP on a Xen PV guest;
 * -ENOMEM, with nothing changed, when @ctx has no queue and the walk's
 * own cannot be allocated.
 */
long ptedirty_clean(struct address_space *mapping, pgoff_t first_index,
		    pgoff_t nr, struct ptedirty_record *rec,
		    struct ptedirty_ctx *ctx)
{
	return __ptedirty_clean(mapping, first_index, nr, rec, ctx, false);
}
EXPORT_SYMBOL_GPL(ptedirty_clean);

/**
 * ptedirty_clean_wrprotect - clean and write-protect the ptes mapping a
 * range of a mapping and record which were dirty
 * @mapping: the address space
 * @first_index: first page offset of the range
 * @nr: number of page offsets in the range
 * @rec: where the dirty pages go; its bitmap must cover the range
 * @ctx: the caller's context; its external lock must be held
 *
 * ptedirty_clean() that also write-protects, in one update of each pte: a
 * write that lands before the update is recorded, and after the flush
 * every write faults. Use it to start tracking writes in pfn_mkwrite
 * (switching from dirty bits, or before the device writes the pages), and
 * for the scans of such tracking: it leaves no read-only pte dirty, which
 * mprotect() could make writable again without a fault.
 *
 * Return: the number of ptes changed; errors as ptedirty_clean().
 */
long ptedirty_clean_wrprotect(struct address_space *mapping,
			      pgoff_t first_index, pgoff_t nr,
			      struct ptedirty_record *rec,
			      struct ptedirty_ctx *ctx)
{
	return __ptedirty_clean(mapping, first_index, nr, rec, ctx, true);
}
EXPORT_SYMBOL_GPL(ptedirty_clean_wrprotect);

/**
 * ptedirty_pfn_mkwrite - let a write through a write-protected pte
 * @vmf: the fault, as passed to the driver's &vm_operations_struct.pfn_mkwrite
 * @ctx: the caller's context; its external lock must be held
 *
 * For a driver that tracks writes in pfn_mkwrite: record the write first,
 * then call this with the external lock still held. It flushes the TLB
 * first when a range pending on @ctx's queue covers the address
 * (ptedirty_flush_for_fault()), and makes the pte writable and dirty
 * before the lock is dropped, so a walk that runs next finds it writable
 * and protects it again. Letting the core make the pte writable after the
 * handler returned would leave a window in which a walk reports the page
 * and the write lands afterwards, unrecorded.
 *
 * Return: %VM_FAULT_NOPAGE (the access is retried), or %VM_FAULT_SIGBUS
 * with a warning when the external lock is not held.
 */
vm_fault_t ptedirty_pfn_mkwrite(struct vm_fault *vmf, struct ptedirty_ctx *ctx)
{
	struct vm_area_struct *vma = vmf->vma;
	/* the pte table's lock */
	spinlock_t *ptl;
	pte_t *pte;

	if (ptedirty_check_contract(ctx, NULL) ||
	    WARN_ON_ONCE(!(vmf->flags & FAULT_FLAG_MKWRITE)))
		return VM_FAULT_SIGBUS;

	if (ctx->queue)
		ptedirty_flush_for_fault(ctx->queue, vma->vm_mm, vmf->address);

	pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address, &ptl);
	if (ptedirty_pte_map_failed(pte))
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
EXPORT_SYMBOL_GPL(ptedirty_pfn_mkwrite);
