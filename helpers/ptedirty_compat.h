/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel interfaces the dirty-tracking helpers use that changed
 * between the kernels they support (6.1 and 6.12).
 */
#ifndef _MM_PTEDIRTY_COMPAT_H
#define _MM_PTEDIRTY_COMPAT_H

#include <linux/mmu_notifier.h>
#include <linux/pgtable.h>
#include <linux/version.h>
#include <asm/tlbflush.h>

/* 6.3 dropped the vma argument of mmu_notifier_range_init(). */
static inline void
ptedirty_notifier_range_init(struct mmu_notifier_range *range,
			     struct vm_area_struct *vma, unsigned long start,
			     unsigned long end)
{
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
	mmu_notifier_range_init(range, MMU_NOTIFY_PROTECTION_PAGE, 0, vma,
				vma->vm_mm, start, end);
#else
	mmu_notifier_range_init(range, MMU_NOTIFY_PROTECTION_PAGE, 0,
				vma->vm_mm, start, end);
#endif
}

/* 6.5 renamed pmd_read_atomic() to pmdp_get_lockless(). */
static inline pmd_t ptedirty_pmdp_get_lockless(pmd_t *pmd)
{
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
	return pmd_read_atomic(pmd);
#else
	return pmdp_get_lockless(pmd);
#endif
}

/*
 * From 6.5 pte_offset_map_lock() returns NULL when the pte table went away
 * after the pmd was read; before, it cannot fail (and a NULL check would
 * confuse sparse's lock-context tracking).
 */
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
#define ptedirty_pte_map_failed(pte)	((void)(pte), false)
#else
#define ptedirty_pte_map_failed(pte)	(!(pte))
#endif

#ifdef CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH
/*
 * Whether a flush of @mm must reach other CPUs. 6.5 made the test that
 * reclaim does an arch hook; before, x86 was the only arch to batch.
 */
static inline bool ptedirty_tlbbatch_should_defer(struct mm_struct *mm)
{
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
	bool remote = cpumask_any_but(mm_cpumask(mm), get_cpu()) < nr_cpu_ids;

	put_cpu();
	return remote;
#else
	return arch_tlbbatch_should_defer(mm);
#endif
}

/* 6.5 renamed arch_tlbbatch_add_mm() and gave it an address. */
static inline void
ptedirty_tlbbatch_add(struct arch_tlbflush_unmap_batch *batch,
		      struct mm_struct *mm, unsigned long uaddr)
{
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
	arch_tlbbatch_add_mm(batch, mm);
#else
	arch_tlbbatch_add_pending(batch, mm, uaddr);
#endif
}
#endif

#endif /* _MM_PTEDIRTY_COMPAT_H */
