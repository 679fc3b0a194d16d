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
#include <linux/sched.h>
#include <linux/slab.h>
#include <xen/xen.h>

#include "ptedirty_compat.h"
#include "ptedirty_internal.h"

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
	if (!ctx || !ctx->lock)
		return -EINVAL;

	owned = ptedirty_lock_owned(&ctx->lock->base);
	if (!owned) {
		/*
		 * Once per context, not once per boot: each object's first
		 * violation is reported. Two racing violators may both warn.
		 */
		if (!READ_ONCE(ctx->warned)) {
			WRITE_ONCE(ctx->warned, true);
			WARN(1, "ptedirty: %s[%d] walks without the external lock\n",
			     current->comm, task_pid_nr(current));
		}
		return -ENOLCK;
	}
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
 * or an empty or overflowing range; -ENOLCK, with a warning the first
 * time, and nothing changed, when the calling task does not hold the
 * external lock;
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
 * empty or overflowing range; -ENOLCK, with a warning the first time,
 * when the calling task does not hold the external lock; -EOPNOTSUPP on
 * a Xen PV guest.
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
 * not cover it; -ENOLCK, with a warning the first time, and nothing
 * changed, when the calling task does not hold the external lock;
 * -EOPNOTSUPP on a Xen PV guest;
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
 * with a warning the first time, when the external lock is not held.
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
