/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the page-table walkers and the flush queue. */
#ifndef _MM_PTEDIRTY_INTERNAL_H
#define _MM_PTEDIRTY_INTERNAL_H

#include <linux/ptedirty.h>

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
