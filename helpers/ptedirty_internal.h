/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the page-table walkers, the flush queue and their KUnit tests
 * share, and drivers do not use: none of it is exported.
 */
#ifndef _MM_PTEDIRTY_INTERNAL_H
#define _MM_PTEDIRTY_INTERNAL_H

#include <linux/minmax.h>
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

#endif /* _MM_PTEDIRTY_INTERNAL_H */
