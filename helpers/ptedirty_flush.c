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

#include <linux/ptedirty.h>
#include <linux/export.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <asm/tlbflush.h>

#include "ptedirty_compat.h"
#include "ptedirty_internal.h"

/*
 * What waits in a queue is kept per mm, not per range: a flush covers the
 * span of all the ranges of an mm with one call anyway, so one entry per
 * (queue, mm) holds that span, and every lookup (a walk queueing its
 * range, a fault asking whether its address waits) is one hash lookup,
 * whatever the number of ranges queued.
 */

static void ptedirty_span_add(struct ptedirty_flush_span *s,
			      unsigned long start, unsigned long end)
{
	unsigned int i;

	if (s->start >= s->end) {
		s->start = start;
		s->end = end;
	} else {
		s->start = min(s->start, start);
		s->end = max(s->end, end);
	}
	if (s->overflow)
		return;
	for (i = 0; i < s->nr; i++) {
		if (s->ranges[i].start <= end && start <= s->ranges[i].end) {
			s->ranges[i].start = min(s->ranges[i].start, start);
			s->ranges[i].end = max(s->ranges[i].end, end);
			return;
		}
	}
	if (s->nr == PTEDIRTY_SPAN_RANGES) {
		s->overflow = true;
		return;
	}
	s->ranges[s->nr].start = start;
	s->ranges[s->nr].end = end;
	s->nr++;
}

/*
 * Entries a flush let go of are kept for the next cycle's mms, up to
 * PTEDIRTY_FLUSH_SPARE of them: a submit then allocates nothing.
 */
static void ptedirty_put_spare(struct ptedirty_flush_queue *queue,
			       struct ptedirty_flush_mm *e)
{
	lockdep_assert_held(&queue->lock);
	if (!e)
		return;
	if (queue->nr_spare >= PTEDIRTY_FLUSH_SPARE) {
		/* kfree() takes no sleeping lock: fine under a spinlock. */
		kfree(e);
		queue->stats.entries--;
		return;
	}
	e->next_spare = queue->spare;
	queue->spare = e;
	queue->nr_spare++;
}

static bool ptedirty_span_set(const struct ptedirty_flush_span *s)
{
	return s->start < s->end;
}

/* The generation of @s when it overlaps [start, end), else 0. */
static s64 ptedirty_span_covers(const struct ptedirty_flush_span *s,
				unsigned long start, unsigned long end)
{
	return s->start < end && start < s->end ? s->gen : 0;
}

/**
 * ptedirty_flush_queue_init - initialize a flush queue
 * @queue: the queue
 */
void ptedirty_flush_queue_init(struct ptedirty_flush_queue *queue)
{
	spin_lock_init(&queue->lock);
	mutex_init(&queue->flush_lock);
	INIT_LIST_HEAD(&queue->pending);
	INIT_LIST_HEAD(&queue->inflight);
	hash_init(queue->mms);
	queue->spare = NULL;
	queue->nr_spare = 0;
	queue->nr_pending = 0;
	queue->gen = 0;
	queue->flushed_gen = 0;
	queue->ceiling = PTEDIRTY_FLUSH_CEILING_DEFAULT;
	queue->batch_min_mms = PTEDIRTY_FLUSH_BATCH_MIN_MMS_DEFAULT;
	memset(&queue->stats, 0, sizeof(queue->stats));
#ifdef CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH
	memset(&queue->batch, 0, sizeof(queue->batch));
#endif
}
EXPORT_SYMBOL_GPL(ptedirty_flush_queue_init);

/**
 * ptedirty_flush_queue_fini - flush what is pending and tear a queue down
 * @queue: the queue
 *
 * Nobody may queue to @queue any more.
 */
void ptedirty_flush_queue_fini(struct ptedirty_flush_queue *queue)
{
	struct ptedirty_flush_mm *e;

	ptedirty_flush_all(queue);
	WARN_ON_ONCE(READ_ONCE(queue->nr_pending));
	WARN_ON_ONCE(!hash_empty(queue->mms));
	while ((e = queue->spare)) {
		queue->spare = e->next_spare;
		kfree(e);
	}
	mutex_destroy(&queue->flush_lock);
}
EXPORT_SYMBOL_GPL(ptedirty_flush_queue_fini);

static struct ptedirty_flush_mm *
ptedirty_find_mm(struct ptedirty_flush_queue *queue, struct mm_struct *mm)
{
	struct ptedirty_flush_mm *e;

	lockdep_assert_held(&queue->lock);
	hash_for_each_possible(queue->mms, e, node, (unsigned long)mm)
		if (e->mm == mm)
			return e;
	return NULL;
}

/* The tlb_flush_pending counts of @e's mm that the queue holds. */
static unsigned int ptedirty_spans_of(const struct ptedirty_flush_mm *e)
{
	return e ? ptedirty_span_set(&e->pending) +
			       ptedirty_span_set(&e->inflight) :
		   0;
}

/* The newest generation of a span of @e overlapping [start, end). */
static s64 ptedirty_covering_gen(const struct ptedirty_flush_mm *e,
				 unsigned long start, unsigned long end)
{
	if (!e)
		return 0;
	return max(ptedirty_span_covers(&e->pending, start, end),
		   ptedirty_span_covers(&e->inflight, start, end));
}

s64 ptedirty_flush_queue_add_walk(struct ptedirty_flush_queue *queue,
				  struct mm_struct *mm, unsigned long start,
				  unsigned long end, unsigned long wide_start,
				  unsigned long wide_end,
				  unsigned int own_pending, gfp_t gfp)
{
	struct ptedirty_flush_mm *e, *new = NULL;
	bool allocated = false;
	s64 gen;

	/* Nothing changed and no unflushed change of another to cover. */
	if (start >= end && atomic_read(&mm->tlb_flush_pending) <= own_pending)
		return 0;

	spin_lock(&queue->lock);
	for (;;) {
		e = ptedirty_find_mm(queue, mm);
		/*
		 * Someone else changed ptes of this mm and has not flushed
		 * yet: the ptes this walk found already protected may still
		 * be writable in some TLB, so cover the whole walked range,
		 * as upstream does.
		 */
		if (atomic_read(&mm->tlb_flush_pending) >
		    own_pending + ptedirty_spans_of(e)) {
			start = wide_start;
			end = wide_end;
		}
		if (start >= end) {
			/*
			 * Nothing changed, but a span of this queue that is
			 * not flushed yet may have protected these ptes: its
			 * flush is the one to wait for.
			 */
			gen = ptedirty_covering_gen(e, wide_start, wide_end);
			ptedirty_put_spare(queue, new);
			spin_unlock(&queue->lock);
			return gen;
		}
		if (e || new || allocated)
			break;
		/* The mm's first range since its last flush: one entry. */
		new = queue->spare;
		if (new) {
			queue->spare = new->next_spare;
			queue->nr_spare--;
			continue;
		}
		spin_unlock(&queue->lock);
		new = kmalloc(sizeof(*new), gfp);
		allocated = true;
		spin_lock(&queue->lock);
		if (new)
			queue->stats.entries++;
	}

	gen = ++queue->gen;
	queue->stats.queued++;
	if (!e && !new) {
		/* No memory to queue the range: flush it right away. */
		queue->stats.alloc_failures++;
		queue->stats.range_flushes++;
		queue->stats.pages_flushed += (end - start) >> PAGE_SHIFT;
		spin_unlock(&queue->lock);
		ptedirty_flush_mm_range(mm, start, end);
		return gen;
	}
	if (!e) {
		e = new;
		new = NULL;
		*e = (struct ptedirty_flush_mm){ .mm = mm };
		INIT_LIST_HEAD(&e->pending_link);
		INIT_LIST_HEAD(&e->inflight_link);
		mmgrab(mm);
		hash_add(queue->mms, &e->node, (unsigned long)mm);
	}
	if (ptedirty_span_set(&e->pending)) {
		queue->stats.merged++;
	} else {
		inc_tlb_flush_pending(mm);
		list_add_tail(&e->pending_link, &queue->pending);
		WRITE_ONCE(queue->nr_pending, queue->nr_pending + 1);
	}
	ptedirty_span_add(&e->pending, start, end);
	e->pending.gen = gen;
	ptedirty_put_spare(queue, new);
	spin_unlock(&queue->lock);
	return gen;
}

/**
 * ptedirty_flush_queue_add - record a range that needs a TLB flush, flush
 * nothing
 * @queue: the flush queue
 * @mm: address space whose ptes in the range changed
 * @start: first address of the range
 * @end: end of the range (exclusive)
 *
 * The range joins the span @queue holds for @mm: one span per mm, which a
 * flush covers with one call. Until it is flushed, @mm stays pinned and
 * its tlb_flush_pending count raised, so mm_tlb_flush_pending() and
 * mm_tlb_flush_nested() are true for core mm. The caller must hold @mm (a
 * user or a count reference) during the call. Might sleep.
 *
 * Return: the generation of the range, to pass to ptedirty_flush_to_gen(),
 * or -EINVAL for a NULL queue or mm or an empty or inverted range.
 */
s64 ptedirty_flush_queue_add(struct ptedirty_flush_queue *queue,
			     struct mm_struct *mm, unsigned long start,
			     unsigned long end)
{
	if (!queue || !mm || start >= end)
		return -EINVAL;

	start = round_down(start, PAGE_SIZE);
	end = round_up(end, PAGE_SIZE);
	return ptedirty_flush_queue_add_walk(queue, mm, start, end, start, end,
					     0, GFP_KERNEL);
}

/* Flush everything pending. Called with the flush lock held. */
static int ptedirty_flush_pending(struct ptedirty_flush_queue *queue)
{
	struct ptedirty_flush_stats st = {};
	struct ptedirty_flush_mm *e, *tmp;
	LIST_HEAD(freed);
	unsigned int calls;
	s64 target;

	lockdep_assert_held(&queue->flush_lock);

	spin_lock(&queue->lock);
	target = queue->gen;
	list_for_each_entry_safe(e, tmp, &queue->pending, pending_link) {
		e->inflight = e->pending;
		e->pending = (struct ptedirty_flush_span){};
		list_del_init(&e->pending_link);
		list_add_tail(&e->inflight_link, &queue->inflight);
	}
	spin_unlock(&queue->lock);

	calls = ptedirty_shootdown(queue, &st);

	spin_lock(&queue->lock);
	list_for_each_entry_safe(e, tmp, &queue->inflight, inflight_link) {
		list_del_init(&e->inflight_link);
		e->inflight = (struct ptedirty_flush_span){};
		dec_tlb_flush_pending(e->mm);
		WRITE_ONCE(queue->nr_pending, queue->nr_pending - 1);
		/* Queued again while it was flushed: the entry stays. */
		if (ptedirty_span_set(&e->pending))
			continue;
		hash_del(&e->node);
		list_add(&e->inflight_link, &freed);
	}
	queue->stats.range_flushes += st.range_flushes;
	queue->stats.mm_flushes += st.mm_flushes;
	queue->stats.batch_flushes += st.batch_flushes;
	queue->stats.batched_mms += st.batched_mms;
	queue->stats.pages_flushed += st.pages_flushed;
	queue->stats.dead_mm_skips += st.dead_mm_skips;
	spin_unlock(&queue->lock);

	list_for_each_entry_safe(e, tmp, &freed, inflight_link) {
		mmdrop(e->mm);
		spin_lock(&queue->lock);
		ptedirty_put_spare(queue, e);
		spin_unlock(&queue->lock);
	}

	/* Pairs with the acquire in ptedirty_flush_to_gen(). */
	smp_store_release(&queue->flushed_gen, target);
	return calls;
}

/**
 * ptedirty_flush_to_gen - flush every range queued up to a generation
 * @queue: the flush queue
 * @gen: a generation a walk left in its context (&ptedirty_ctx.gen)
 *
 * Flushes everything pending in @queue: with one call per mm (a range
 * flush over the span of the mm's pending pages, or a whole-mm flush when
 * that span is above the queue's ceiling), or, when the flush has at
 * least the queue's batch_min_mms mms and one of them runs on another
 * CPU, with one shootdown for all of them. Returns at once when another
 * caller has already flushed @gen; waits for a flush of @gen that is in
 * progress.
 * Might sleep.
 *
 * Return: the number of TLB flushes this call issued, or -EINVAL when
 * @gen was never handed out by @queue.
 */
int ptedirty_flush_to_gen(struct ptedirty_flush_queue *queue, s64 gen)
{
	int ret = 0;

	might_sleep();
	if (!queue || gen <= 0 || gen > READ_ONCE(queue->gen))
		return -EINVAL;
	/*
	 * Pairs with the release in ptedirty_flush_pending(): the flush is
	 * done.
	 */
	if (smp_load_acquire(&queue->flushed_gen) >= gen)
		return 0;

	mutex_lock(&queue->flush_lock);
	if (queue->flushed_gen < gen)
		ret = ptedirty_flush_pending(queue);
	mutex_unlock(&queue->flush_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(ptedirty_flush_to_gen);

/**
 * ptedirty_flush_all - flush everything queued so far
 * @queue: the flush queue
 *
 * Return: the number of TLB flushes issued, or -EINVAL for a NULL queue.
 */
int ptedirty_flush_all(struct ptedirty_flush_queue *queue)
{
	s64 gen;

	if (!queue)
		return -EINVAL;
	gen = READ_ONCE(queue->gen);
	return gen ? ptedirty_flush_to_gen(queue, gen) : 0;
}

/**
 * ptedirty_flush_for_fault - flush a faulting address's pending range
 * @queue: the flush queue
 * @mm: the faulting address space
 * @address: the faulting address
 *
 * For the fault path (ptedirty_pfn_mkwrite()): when @address lies in the
 * span @queue holds for @mm and has not flushed yet, flush before
 * returning, so that no TLB keeps a stale entry for it (at most one
 * flush, or a wait for the one in progress). When nothing of @mm is
 * pending the check takes no lock. Might sleep.
 *
 * Return: the number of TLB flushes issued, or -EINVAL for a NULL queue
 * or mm.
 */
int ptedirty_flush_for_fault(struct ptedirty_flush_queue *queue,
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
	gen = ptedirty_covering_gen(ptedirty_find_mm(queue, mm), address,
				    address + 1);
	spin_unlock(&queue->lock);

	return gen ? ptedirty_flush_to_gen(queue, gen) : 0;
}

/**
 * ptedirty_flush_queue_stats - read a flush queue's counters
 * @queue: the flush queue
 * @stats: filled with a consistent copy of the counters
 */
void ptedirty_flush_queue_stats(struct ptedirty_flush_queue *queue,
				struct ptedirty_flush_stats *stats)
{
	spin_lock(&queue->lock);
	*stats = queue->stats;
	spin_unlock(&queue->lock);
	stats->entry_size = sizeof(struct ptedirty_flush_mm);
}
EXPORT_SYMBOL_GPL(ptedirty_flush_queue_stats);
