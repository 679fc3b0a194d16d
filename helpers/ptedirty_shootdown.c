// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TLB shootdowns of a flush: how the spans a flush took off its queue
 * reach the TLBs. Each mm's span is one range flush (or a whole-mm flush
 * above the queue's ceiling), or, when several mms need other CPUs, one
 * cross-mm batch for all of them.
 */

#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <asm/tlbflush.h>

#include "ptedirty_compat.h"
#include "ptedirty_internal.h"

/* Pages in the span's kept ranges (an overlap counts twice), or ULONG_MAX. */
static unsigned long
ptedirty_span_range_pages(const struct ptedirty_flush_span *s)
{
	unsigned long pages = 0;
	unsigned int i;

	if (s->overflow)
		return ULONG_MAX;
	for (i = 0; i < s->nr; i++)
		pages += (s->ranges[i].end - s->ranges[i].start) >> PAGE_SHIFT;
	return pages;
}

void ptedirty_flush_mm_range(struct mm_struct *mm, unsigned long start,
			     unsigned long end)
{
	struct vm_area_struct vma = TLB_FLUSH_VMA(mm, 0);

	flush_tlb_range(&vma, start, end);
}

#ifdef CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH
/* Whether a flush of @mm must reach other CPUs (always, on arm64). */
static bool ptedirty_flush_is_remote(struct mm_struct *mm)
{
	return ptedirty_tlbbatch_should_defer(mm);
}
#else
static bool ptedirty_flush_is_remote(struct mm_struct *mm)
{
	return true;
}
#endif

/*
 * Flush one mm's span: each call is a shootdown, an IPI to every CPU
 * running the mm, so one call covers the whole span; above the ceiling
 * the whole mm goes, as flush_tlb_range() itself would decide. But when
 * no other CPU runs the mm there is no IPI to save: then a span above
 * the ceiling whose kept ranges are not is flushed range by range, which
 * keeps the rest of this CPU's TLB. Returns the calls made.
 */
static unsigned int ptedirty_flush_span(struct ptedirty_flush_queue *queue,
					struct mm_struct *mm,
					const struct ptedirty_flush_span *s,
					struct ptedirty_flush_stats *st)
{
	unsigned long pages = (s->end - s->start) >> PAGE_SHIFT;
	unsigned int i;

	if (pages <= queue->ceiling) {
		ptedirty_flush_mm_range(mm, s->start, s->end);
		st->range_flushes++;
		st->pages_flushed += pages;
		return 1;
	}
	if (ptedirty_span_range_pages(s) > queue->ceiling ||
	    ptedirty_flush_is_remote(mm)) {
		flush_tlb_mm(mm);
		st->mm_flushes++;
		return 1;
	}
	for (i = 0; i < s->nr; i++) {
		ptedirty_flush_mm_range(mm, s->ranges[i].start,
					s->ranges[i].end);
		st->range_flushes++;
		st->pages_flushed += (s->ranges[i].end - s->ranges[i].start) >>
				     PAGE_SHIFT;
	}
	return s->nr;
}

#ifdef CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH
/*
 * One shootdown for the spans of several mms, with the interface reclaim
 * uses for the pages it unmaps. x86 sends one IPI round to the union of
 * the mms' CPUs and flushes everything there (the mms' other CPUs catch
 * up by their TLB generation when they switch to them); arm64 issues the
 * TLBIs of each span now and waits for all of them with one DSB.
 */
static void ptedirty_batch_add(struct ptedirty_flush_queue *queue,
			       struct mm_struct *mm,
			       const struct ptedirty_flush_span *s)
{
#ifdef CONFIG_ARM64
	struct vm_area_struct vma = TLB_FLUSH_VMA(mm, 0);

	if ((s->end - s->start) >> PAGE_SHIFT > queue->ceiling)
		flush_tlb_mm(mm);
	else
		__flush_tlb_range_nosync(&vma, s->start, s->end, PAGE_SIZE,
					 true, 3);
#else
	ptedirty_tlbbatch_add(&queue->batch, mm, s->start);
#endif
}

/* Whether one batch serves this flush better than a call per mm. */
static bool ptedirty_use_batch(struct ptedirty_flush_queue *queue)
{
	struct ptedirty_flush_mm *e;
	unsigned int n = 0;
	bool remote = false;

	if (!queue->batch_min_mms)
		return false;
	/*
	 * Only a shootdown to other CPUs costs an IPI round, but once one
	 * of the mms needs it, all of them go in the batch: flushed one by
	 * one, the others could reach a CPU that switched to them since.
	 */
	list_for_each_entry(e, &queue->inflight, inflight_link) {
		if (!atomic_read(&e->mm->mm_users))
			continue;
		n++;
		remote = remote || ptedirty_flush_is_remote(e->mm);
	}
	return remote && n >= queue->batch_min_mms;
}
#else
static void ptedirty_batch_add(struct ptedirty_flush_queue *queue,
			       struct mm_struct *mm,
			       const struct ptedirty_flush_span *s)
{
}

static bool ptedirty_use_batch(struct ptedirty_flush_queue *queue)
{
	return false;
}
#endif

unsigned int ptedirty_shootdown(struct ptedirty_flush_queue *queue,
				struct ptedirty_flush_stats *st)
{
	struct ptedirty_flush_mm *e;
	unsigned int calls = 0;
	bool batch;

	lockdep_assert_held(&queue->flush_lock);
	/*
	 * Only the holder of the flush lock changes the inflight list and
	 * the inflight spans, so it may read them unlocked.
	 */
	batch = ptedirty_use_batch(queue);
	list_for_each_entry(e, &queue->inflight, inflight_link) {
		/* The address space is gone: exit_mmap() flushed all of it. */
		if (!atomic_read(&e->mm->mm_users)) {
			st->dead_mm_skips++;
			continue;
		}
		if (batch) {
			ptedirty_batch_add(queue, e->mm, &e->inflight);
			st->batched_mms++;
		} else {
			calls += ptedirty_flush_span(queue, e->mm, &e->inflight,
						     st);
		}
	}
#ifdef CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH
	if (batch) {
		arch_tlbbatch_flush(&queue->batch);
		st->batch_flushes++;
		calls++;
	}
#endif
	return calls;
}
