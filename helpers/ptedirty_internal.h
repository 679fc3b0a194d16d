/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the page-table walkers, the flush queue and their KUnit tests
 * share, and drivers do not use: none of it is exported.
 */
#ifndef _MM_PTEDIRTY_INTERNAL_H
#define _MM_PTEDIRTY_INTERNAL_H

#include <linux/minmax.h>
#include <linux/mmu_notifier.h>
#include <linux/ptedirty.h>

/* Above a span of this many pages pending in one mm, flush the whole mm. */
#define PTEDIRTY_FLUSH_CEILING_DEFAULT	33
/*
 * From this many mms that need a shootdown, one cross-mm batch replaces
 * the flush per mm: one IPI round instead of one per mm.
 */
#define PTEDIRTY_FLUSH_BATCH_MIN_MMS_DEFAULT	2
/* Entries a queue keeps for reuse once their flush is done. */
#define PTEDIRTY_FLUSH_SPARE	16

/*
 * The lock contract: 0 when the calling task holds @ctx's external lock
 * (and, for a walk of @mapping, may walk it); else a negative error code,
 * with a warning.
 */
int ptedirty_check_contract(struct ptedirty_ctx *ctx,
			    struct address_space *mapping);

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

/*
 * Walk the ptes mapping [@first, @first + @nr) of @mapping as @w says,
 * queueing on @ctx's queue (or flushing before returning without one).
 * Returns the number of ptes changed or counted, or -ENOMEM.
 */
long ptedirty_walk_mapping(struct address_space *mapping, pgoff_t first,
			   pgoff_t nr, struct ptedirty_walk *w,
			   struct ptedirty_ctx *ctx);

/* Widen @rec's [start, end) to cover [@start, @end), which is not empty. */
static inline void ptedirty_record_widen(struct ptedirty_record *rec,
					 pgoff_t start, pgoff_t end)
{
	if (rec->start >= rec->end) {
		rec->start = start;
		rec->end = end;
	} else {
		rec->start = min(rec->start, start);
		rec->end = max(rec->end, end);
	}
}

long ptedirty_wrprotect(struct address_space *mapping, pgoff_t first_index,
			pgoff_t nr, struct ptedirty_ctx *ctx);

s64 ptedirty_flush_queue_add(struct ptedirty_flush_queue *queue,
			     struct mm_struct *mm, unsigned long start,
			     unsigned long end);
int ptedirty_flush_all(struct ptedirty_flush_queue *queue);
int ptedirty_flush_for_fault(struct ptedirty_flush_queue *queue,
			     struct mm_struct *mm, unsigned long address);

/*
 * Queue [start, end) of @mm, or [wide_start, wide_end) when someone other
 * than the caller (who holds @own_pending tlb_flush_pending counts of its
 * own) and the ranges already queued has a flush of @mm pending. Returns
 * the generation, or 0 when nothing needed queueing (start >= end and no
 * other flush pending), or, when nothing changed, the newest generation of
 * a range of @queue not yet flushed that overlaps [wide_start, wide_end):
 * that range may have protected the ptes the caller found protected. If
 * no entry can be allocated with @gfp, the range is flushed at once.
 */
s64 ptedirty_flush_queue_add_walk(struct ptedirty_flush_queue *queue,
				  struct mm_struct *mm, unsigned long start,
				  unsigned long end, unsigned long wide_start,
				  unsigned long wide_end,
				  unsigned int own_pending, gfp_t gfp);

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

/* Flush [start, end) of @mm without a vma: what the mmu_gather code does. */
void ptedirty_flush_mm_range(struct mm_struct *mm, unsigned long start,
			     unsigned long end);
/*
 * Issue the TLB shootdowns for the spans on @queue's inflight list, adding
 * what they did to @st. Called with the flush lock held; returns the
 * calls made.
 */
unsigned int ptedirty_shootdown(struct ptedirty_flush_queue *queue,
				struct ptedirty_flush_stats *st);

#endif /* _MM_PTEDIRTY_INTERNAL_H */
