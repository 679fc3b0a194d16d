// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generation-batched TLB flushes.
 *
 * A walk that write-protects or cleans ptes does not flush the TLB itself:
 * it queues the range it touched and gets a generation. The caller flushes
 * up to that generation once, before it uses what the walks reported, so
 * a scan of many buffer objects mapped by one process costs one flush.
 * While a range waits, its mm's tlb_flush_pending count stays raised, as
 * core mm expects of anyone who changed ptes and has not flushed yet.
 */

#include <linux/apply_as.h>
#include <linux/export.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <asm/tlbflush.h>

#include "apply_as_internal.h"

/**
 * struct as_flush_range - a range of one mm waiting for a TLB flush
 * @link: entry on the queue's pending or inflight list
 * @mm: the address space, pinned with mmgrab() while the range waits
 * @start: first address of the range, page aligned
 * @end: end of the range (exclusive), page aligned
 * @gen: generation of the last range merged into this one
 * @flushed: set by the flusher once the range is flushed
 */
struct as_flush_range {
	struct list_head link;
	struct mm_struct *mm;
	unsigned long start;
	unsigned long end;
	s64 gen;
	bool flushed;
};

/**
 * as_flush_queue_init - initialize a flush queue
 * @queue: the queue
 */
void as_flush_queue_init(struct as_flush_queue *queue)
{
	spin_lock_init(&queue->lock);
	mutex_init(&queue->flush_lock);
	INIT_LIST_HEAD(&queue->pending);
	INIT_LIST_HEAD(&queue->inflight);
	queue->nr_pending = 0;
	queue->gen = 0;
	queue->flushed_gen = 0;
	queue->ceiling = AS_FLUSH_CEILING_DEFAULT;
	memset(&queue->stats, 0, sizeof(queue->stats));
}
EXPORT_SYMBOL_GPL(as_flush_queue_init);

/**
 * as_flush_queue_fini - flush what is pending and tear a queue down
 * @queue: the queue
 *
 * Nobody may queue to @queue any more.
 */
void as_flush_queue_fini(struct as_flush_queue *queue)
{
	as_flush_all(queue);
	WARN_ON_ONCE(READ_ONCE(queue->nr_pending));
	mutex_destroy(&queue->flush_lock);
}
EXPORT_SYMBOL_GPL(as_flush_queue_fini);

static void as_release_range(struct as_flush_range *r)
{
	dec_tlb_flush_pending(r->mm);
	mmdrop(r->mm);
	kfree(r);
}

/* Flush [start, end) of @mm without a vma: what the mmu_gather code does. */
static void as_flush_mm_range(struct mm_struct *mm, unsigned long start,
			      unsigned long end)
{
	struct vm_area_struct vma = TLB_FLUSH_VMA(mm, 0);

	flush_tlb_range(&vma, start, end);
}

/* Ranges of @mm the queue holds, each with one tlb_flush_pending count. */
static unsigned int as_ranges_of(struct as_flush_queue *queue,
				 struct mm_struct *mm)
{
	struct as_flush_range *r;
	unsigned int n = 0;

	lockdep_assert_held(&queue->lock);
	list_for_each_entry(r, &queue->pending, link)
		n += r->mm == mm;
	list_for_each_entry(r, &queue->inflight, link)
		n += r->mm == mm;
	return n;
}

/*
 * Merge [start, end) into a pending range of @mm it overlaps or touches,
 * then fold into that range any other one the merge made it reach.
 * Ranges folded away go to @freed for the caller to release.
 */
static bool as_merge_range(struct as_flush_queue *queue, struct mm_struct *mm,
			   unsigned long start, unsigned long end, s64 gen,
			   struct list_head *freed)
{
	struct as_flush_range *r, *into = NULL, *tmp;

	list_for_each_entry(r, &queue->pending, link) {
		if (r->mm == mm && r->start <= end && start <= r->end) {
			into = r;
			break;
		}
	}
	if (!into)
		return false;

	into->start = min(into->start, start);
	into->end = max(into->end, end);
	into->gen = gen;
	list_for_each_entry_safe(r, tmp, &queue->pending, link) {
		if (r == into || r->mm != mm || r->start > into->end ||
		    into->start > r->end)
			continue;
		into->start = min(into->start, r->start);
		into->end = max(into->end, r->end);
		list_move(&r->link, freed);
		queue->nr_pending--;
	}
	return true;
}

/* The newest generation of a queued range of @mm overlapping [start, end). */
static s64 as_covering_gen(struct as_flush_queue *queue, struct mm_struct *mm,
			   unsigned long start, unsigned long end)
{
	struct list_head *lists[] = { &queue->pending, &queue->inflight };
	struct as_flush_range *r;
	unsigned int i;
	s64 gen = 0;

	lockdep_assert_held(&queue->lock);
	for (i = 0; i < ARRAY_SIZE(lists); i++)
		list_for_each_entry(r, lists[i], link)
			if (r->mm == mm && r->start < end && start < r->end)
				gen = max(gen, r->gen);
	return gen;
}

s64 as_queue_range(struct as_flush_queue *queue, struct mm_struct *mm,
		   unsigned long start, unsigned long end,
		   unsigned long wide_start, unsigned long wide_end,
		   unsigned int own_pending, gfp_t gfp)
{
	struct as_flush_range *new, *r, *tmp;
	LIST_HEAD(freed);
	s64 gen;

	/* Nothing changed and no unflushed change of another to cover. */
	if (start >= end && atomic_read(&mm->tlb_flush_pending) <= own_pending)
		return 0;

	new = kmalloc(sizeof(*new), gfp);

	spin_lock(&queue->lock);
	/*
	 * Someone else changed ptes of this mm and has not flushed yet: the
	 * ptes this walk found already protected may still be writable in
	 * some TLB, so cover the whole walked range, as upstream does.
	 */
	if (atomic_read(&mm->tlb_flush_pending) >
	    own_pending + as_ranges_of(queue, mm)) {
		start = wide_start;
		end = wide_end;
	}
	if (start >= end) {
		/*
		 * Nothing changed, but a range of this queue that is not
		 * flushed yet may have protected these ptes: its flush is
		 * the one to wait for.
		 */
		gen = as_covering_gen(queue, mm, wide_start, wide_end);
		spin_unlock(&queue->lock);
		kfree(new);
		return gen;
	}
	gen = ++queue->gen;
	queue->stats.queued++;
	if (as_merge_range(queue, mm, start, end, gen, &freed)) {
		queue->stats.merged++;
	} else if (new) {
		new->mm = mm;
		new->start = start;
		new->end = end;
		new->gen = gen;
		new->flushed = false;
		mmgrab(mm);
		inc_tlb_flush_pending(mm);
		list_add_tail(&new->link, &queue->pending);
		WRITE_ONCE(queue->nr_pending, queue->nr_pending + 1);
		new = NULL;
	} else {
		/* No memory to queue the range: flush it right away. */
		queue->stats.range_flushes++;
		queue->stats.pages_flushed += (end - start) >> PAGE_SHIFT;
		spin_unlock(&queue->lock);
		as_flush_mm_range(mm, start, end);
		return gen;
	}
	spin_unlock(&queue->lock);

	list_for_each_entry_safe(r, tmp, &freed, link)
		as_release_range(r);
	kfree(new);
	return gen;
}

/**
 * as_queue_flush - record a range that needs a TLB flush, flush nothing
 * @queue: the flush queue
 * @mm: address space whose ptes in the range changed
 * @start: first address of the range
 * @end: end of the range (exclusive)
 *
 * The range is merged with pending ranges of @mm it overlaps or touches.
 * Until it is flushed, @mm stays pinned and its tlb_flush_pending count
 * raised, so mm_tlb_flush_pending() and mm_tlb_flush_nested() are true
 * for core mm. The caller must hold @mm (a user or a count reference)
 * during the call. Might sleep.
 *
 * Return: the generation of the range, to pass to as_flush_to_gen(), or
 * -EINVAL for a NULL queue or mm or an empty or inverted range.
 */
s64 as_queue_flush(struct as_flush_queue *queue, struct mm_struct *mm,
		   unsigned long start, unsigned long end)
{
	if (!queue || !mm || start >= end)
		return -EINVAL;

	start = round_down(start, PAGE_SIZE);
	end = round_up(end, PAGE_SIZE);
	return as_queue_range(queue, mm, start, end, start, end, 0, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(as_queue_flush);

/*
 * Flush every range of @first's mm in @batch with one call: each call is a
 * shootdown, an IPI to every CPU running the mm. Flushing the pages
 * between the ranges too costs less than a second IPI; above the ceiling,
 * the whole mm goes, as flush_tlb_range() itself would decide.
 */
static unsigned int as_flush_one_mm(struct as_flush_queue *queue,
				    struct list_head *batch,
				    struct as_flush_range *first,
				    struct as_flush_stats *st)
{
	struct mm_struct *mm = first->mm;
	unsigned long start = first->start, end = first->end;
	struct as_flush_range *r;
	unsigned long pages;

	r = first;
	list_for_each_entry_from(r, batch, link) {
		if (r->mm != mm)
			continue;
		start = min(start, r->start);
		end = max(end, r->end);
		r->flushed = true;
	}

	/* The address space is gone: exit_mmap() has flushed all of it. */
	if (!atomic_read(&mm->mm_users)) {
		r = first;
		list_for_each_entry_from(r, batch, link)
			st->dead_mm_skips += r->mm == mm;
		return 0;
	}

	pages = (end - start) >> PAGE_SHIFT;
	if (pages > queue->ceiling) {
		flush_tlb_mm(mm);
		st->mm_flushes++;
	} else {
		as_flush_mm_range(mm, start, end);
		st->range_flushes++;
		st->pages_flushed += pages;
	}
	return 1;
}

/* Flush everything pending. Called with the flush lock held. */
static int as_flush_pending(struct as_flush_queue *queue)
{
	struct as_flush_stats st = {};
	struct as_flush_range *r, *tmp;
	unsigned int calls = 0;
	s64 target;

	lockdep_assert_held(&queue->flush_lock);

	spin_lock(&queue->lock);
	target = queue->gen;
	list_splice_tail_init(&queue->pending, &queue->inflight);
	spin_unlock(&queue->lock);

	/*
	 * Only the holder of the flush lock changes the inflight list, so it
	 * may walk it unlocked; as_wait_for_pending_flushes() only reads it.
	 */
	list_for_each_entry(r, &queue->inflight, link)
		if (!r->flushed)
			calls += as_flush_one_mm(queue, &queue->inflight, r, &st);

	list_for_each_entry_safe(r, tmp, &queue->inflight, link) {
		spin_lock(&queue->lock);
		list_del(&r->link);
		WRITE_ONCE(queue->nr_pending, queue->nr_pending - 1);
		spin_unlock(&queue->lock);
		as_release_range(r);
	}

	spin_lock(&queue->lock);
	queue->stats.range_flushes += st.range_flushes;
	queue->stats.mm_flushes += st.mm_flushes;
	queue->stats.pages_flushed += st.pages_flushed;
	queue->stats.dead_mm_skips += st.dead_mm_skips;
	spin_unlock(&queue->lock);

	/* Pairs with the acquire in as_flush_to_gen(). */
	smp_store_release(&queue->flushed_gen, target);
	return calls;
}

/**
 * as_flush_to_gen - flush every range queued up to a generation
 * @queue: the flush queue
 * @gen: a generation returned by as_queue_flush() or a walk
 *
 * Flushes everything pending in @queue with one call per mm: a range
 * flush over the span of the mm's pending pages, or a whole-mm flush when
 * that span is above the queue's ceiling. Returns at once when another caller has
 * already flushed @gen; waits for a flush of @gen that is in progress.
 * Might sleep.
 *
 * Return: the number of TLB flushes this call issued, or -EINVAL when
 * @gen was never handed out by @queue.
 */
int as_flush_to_gen(struct as_flush_queue *queue, s64 gen)
{
	int ret = 0;

	might_sleep();
	if (!queue || gen <= 0 || gen > READ_ONCE(queue->gen))
		return -EINVAL;
	/* Pairs with the release in as_flush_pending(): the flush is done. */
	if (smp_load_acquire(&queue->flushed_gen) >= gen)
		return 0;

	mutex_lock(&queue->flush_lock);
	if (queue->flushed_gen < gen)
		ret = as_flush_pending(queue);
	mutex_unlock(&queue->flush_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(as_flush_to_gen);

/**
 * as_flush_all - flush everything queued so far
 * @queue: the flush queue
 *
 * Return: the number of TLB flushes issued, or -EINVAL for a NULL queue.
 */
int as_flush_all(struct as_flush_queue *queue)
{
	s64 gen;

	if (!queue)
		return -EINVAL;
	gen = READ_ONCE(queue->gen);
	return gen ? as_flush_to_gen(queue, gen) : 0;
}
EXPORT_SYMBOL_GPL(as_flush_all);

/**
 * as_wait_for_pending_flushes - make sure an address has no stale TLB entry
 * @queue: the flush queue
 * @mm: the faulting address space
 * @address: the faulting address
 *
 * For a driver's fault and mkwrite handlers: when @address lies in a range
 * @queue has not flushed yet, flush before returning (at most one flush,
 * or a wait for the one in progress). When nothing of @mm is pending the
 * check takes no lock. Might sleep.
 *
 * Return: the number of TLB flushes issued, or -EINVAL for a NULL queue
 * or mm.
 */
int as_wait_for_pending_flushes(struct as_flush_queue *queue,
				struct mm_struct *mm, unsigned long address)
{
	s64 gen;

	might_sleep();
	if (!queue || !mm)
		return -EINVAL;
	/*
	 * A range of @mm queued under the caller's external lock raised
	 * the mm's count before the lock was released: no miss here.
	 */
	if (!READ_ONCE(queue->nr_pending) || !mm_tlb_flush_pending(mm))
		return 0;

	spin_lock(&queue->lock);
	gen = as_covering_gen(queue, mm, address, address + 1);
	spin_unlock(&queue->lock);

	return gen ? as_flush_to_gen(queue, gen) : 0;
}
EXPORT_SYMBOL_GPL(as_wait_for_pending_flushes);

/**
 * as_flush_queue_stats - read a flush queue's counters
 * @queue: the flush queue
 * @stats: filled with a consistent copy of the counters
 */
void as_flush_queue_stats(struct as_flush_queue *queue,
			  struct as_flush_stats *stats)
{
	spin_lock(&queue->lock);
	*stats = queue->stats;
	spin_unlock(&queue->lock);
}
EXPORT_SYMBOL_GPL(as_flush_queue_stats);
