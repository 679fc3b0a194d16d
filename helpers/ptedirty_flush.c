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

/* Ranges a span keeps besides its bounds, for a precise local flush. */
#define PTEDIRTY_SPAN_RANGES	8

/*
 * A span of one mm waiting for a flush; empty while start >= end. Up to
 * PTEDIRTY_SPAN_RANGES of the ranges in it are kept too (@nr of them, until
 * @overflow): when only this CPU runs the mm, flushing just those costs
 * less than flushing all of it, which a span above the ceiling would.
 */
struct ptedirty_flush_span {
	unsigned long start;
	unsigned long end;
	s64 gen;
	unsigned int nr;
	bool overflow;
	struct {
		unsigned long start;
		unsigned long end;
	} ranges[PTEDIRTY_SPAN_RANGES];
};

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

/**
 * struct ptedirty_flush_mm - what one mm has waiting in a queue
 * @node: entry in the queue's hash of mms
 * @pending_link: entry on the queue's pending list, while @pending is set
 * @inflight_link: entry on the queue's inflight list, while @inflight is set
 * @mm: the address space, pinned with mmgrab() while the entry lives
 * @pending: span of the ranges queued since the last flush began; its
 *	generation is the newest of them
 * @inflight: span the flusher holding the flush lock is flushing
 * @next_spare: next entry on the queue's spare list, while unused
 *
 * Each of the two spans, while it is set, holds one tlb_flush_pending
 * count of @mm.
 */
struct ptedirty_flush_mm {
	struct hlist_node node;
	struct list_head pending_link;
	struct list_head inflight_link;
	struct mm_struct *mm;
	struct ptedirty_flush_span pending;
	struct ptedirty_flush_span inflight;
	struct ptedirty_flush_mm *next_spare;
};

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

/* Flush [start, end) of @mm without a vma: what the mmu_gather code does. */
static void ptedirty_flush_mm_range(struct mm_struct *mm, unsigned long start,
				    unsigned long end)
{
	struct vm_area_struct vma = TLB_FLUSH_VMA(mm, 0);

	flush_tlb_range(&vma, start, end);
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

/* Flush everything pending. Called with the flush lock held. */
static int ptedirty_flush_pending(struct ptedirty_flush_queue *queue)
{
	struct ptedirty_flush_stats st = {};
	struct ptedirty_flush_mm *e, *tmp;
	LIST_HEAD(freed);
	unsigned int calls = 0;
	bool batch;
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

	/*
	 * Only the holder of the flush lock changes the inflight list and
	 * the inflight spans, so it may read them unlocked.
	 */
	batch = ptedirty_use_batch(queue);
	list_for_each_entry(e, &queue->inflight, inflight_link) {
		/* The address space is gone: exit_mmap() flushed all of it. */
		if (!atomic_read(&e->mm->mm_users)) {
			st.dead_mm_skips++;
			continue;
		}
		if (batch) {
			ptedirty_batch_add(queue, e->mm, &e->inflight);
			st.batched_mms++;
		} else {
			calls += ptedirty_flush_span(queue, e->mm, &e->inflight,
						     &st);
		}
	}
#ifdef CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH
	if (batch) {
		arch_tlbbatch_flush(&queue->batch);
		st.batch_flushes++;
		calls++;
	}
#endif

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
 * CPU, with one shootdown for all of them. Returns at once when another caller has already flushed
 * @gen; waits for a flush of @gen that is in progress.
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
