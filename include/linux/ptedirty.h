/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page-table dirty tracking for VM_IO mappings of an address space, with
 * batched TLB flushes. See Documentation/ptedirty.rst.
 */
#ifndef _LINUX_PTEDIRTY_H
#define _LINUX_PTEDIRTY_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/ww_mutex.h>

struct address_space;
struct vm_fault;

/* The queue hashes its entries, one per mm, into 2^this buckets. */
#define PTEDIRTY_FLUSH_HASH_BITS	6

struct ptedirty_flush_mm;

/**
 * struct ptedirty_flush_stats - what a flush queue has done so far
 * @queued: ranges queued: one per vma in which a walk changed ptes
 * @merged: of those, ranges merged into the span pending for their mm
 * @range_flushes: flush_tlb_range() calls issued
 * @mm_flushes: whole-mm flushes issued (pending span above the ceiling)
 * @batch_flushes: cross-mm batched flushes issued (arch_tlbbatch_flush())
 * @batched_mms: mms those batches covered
 * @pages_flushed: pages covered by the range flushes
 * @dead_mm_skips: spans dropped because their address space was gone
 * @alloc_failures: ranges flushed at once instead of queued, because no
 *	entry for their mm could be allocated (a walk allocates with
 *	GFP_NOWAIT under the page-table walk's locks)
 * @entries: per-mm entries allocated now (in use or spare): the queue's
 *	memory is @entries times @entry_size, whatever the ranges queued
 * @entry_size: bytes of one entry
 */
struct ptedirty_flush_stats {
	u64 queued;
	u64 merged;
	u64 range_flushes;
	u64 mm_flushes;
	u64 batch_flushes;
	u64 batched_mms;
	u64 pages_flushed;
	u64 dead_mm_skips;
	u64 alloc_failures;
	u64 entries;
	u64 entry_size;
};

/**
 * struct ptedirty_flush_queue - TLB flushes that several walks share
 * @lock: protects @pending, @mms, @spare, @nr_pending, @gen and @stats,
 *	and the entries' pending spans
 * @flush_lock: serializes flushers; held while a batch is flushed
 * @pending: mms with ranges waiting for a flush (one entry per mm)
 * @inflight: mms the flusher holding @flush_lock is flushing
 * @mms: every entry of the queue, hashed by mm
 * @spare: entries kept for reuse, at most %PTEDIRTY_FLUSH_SPARE
 * @nr_spare: entries on @spare
 * @nr_pending: spans on @pending and @inflight, read locklessly
 * @gen: generation of the last range queued
 * @flushed_gen: every range queued at or before this generation is flushed
 * @ceiling: pages; a larger span pending in one mm flushes its whole TLB
 * @batch_min_mms: from this many mms in a flush, one of which needs a
 *	shootdown, flush them with one cross-mm batch; 0 never batches
 * @stats: counters, see ptedirty_flush_queue_stats()
 * @batch: the cross-mm batch, used under @flush_lock
 *
 * The caller owns the queue (for example one per DRM device) and must
 * flush it before freeing it: ptedirty_flush_queue_fini().
 */
struct ptedirty_flush_queue {
	/* protects the lists, the generation and the counters */
	spinlock_t lock;
	/* held by the one flusher at a time */
	struct mutex flush_lock;
	struct list_head pending;
	struct list_head inflight;
	DECLARE_HASHTABLE(mms, PTEDIRTY_FLUSH_HASH_BITS);
	struct ptedirty_flush_mm *spare;
	unsigned int nr_spare;
	unsigned int nr_pending;
	s64 gen;
	s64 flushed_gen;
	unsigned long ceiling;
	unsigned int batch_min_mms;
	struct ptedirty_flush_stats stats;
#ifdef CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH
	struct arch_tlbflush_unmap_batch batch;
#endif
};

void ptedirty_flush_queue_init(struct ptedirty_flush_queue *queue);
void ptedirty_flush_queue_fini(struct ptedirty_flush_queue *queue);
int ptedirty_flush_to_gen(struct ptedirty_flush_queue *queue, s64 gen);
void ptedirty_flush_queue_stats(struct ptedirty_flush_queue *queue,
				struct ptedirty_flush_stats *stats);

/**
 * struct ptedirty_ctx - a caller of the walkers and its external lock
 * @queue: flush queue the walks add their ranges to; NULL to flush
 *	before each walk returns
 * @lock: the external lock: a DRM object's dma_resv lock
 * @gen: the newest generation the walks with this context queued or were
 *	covered by (another walk's range on the queue that is not flushed
 *	yet); pass it to ptedirty_flush_to_gen() before using what they reported
 * @warned: a walk with this context was refused for not holding @lock and
 *	warned; later refusals return the error without a warning
 *
 * The external lock is the one that serializes the caller's walks, its
 * fault and mkwrite handlers and the users of what the walks report. Every
 * walk checks that the calling task holds it: always by the lock's owner,
 * and with lockdep also through lockdep. Initialize with
 * ptedirty_ctx_init().
 */
struct ptedirty_ctx {
	struct ptedirty_flush_queue *queue;
	struct ww_mutex *lock;
	s64 gen;
	bool warned;
};

void ptedirty_ctx_init(struct ptedirty_ctx *ctx,
		       struct ptedirty_flush_queue *queue,
		       struct ww_mutex *lock);

/**
 * struct ptedirty_record - the pages a clean found written
 * @bitmap: one bit per page offset, bit 0 for @pgoff
 * @pgoff: page offset that bit 0 of @bitmap stands for
 * @bits: number of bits in @bitmap
 * @start: first set bit of @bitmap, relative to @pgoff
 * @end: one past the last set bit; @start >= @end means none is set
 *
 * The caller owns the record, typically one per buffer object: it sets
 * @bitmap, @pgoff and @bits once, and clears bits and narrows [@start,
 * @end) as it consumes them, under its external lock. A clean sets the
 * bit of each page it found written and widens [@start, @end) to cover
 * them.
 */
struct ptedirty_record {
	unsigned long *bitmap;
	pgoff_t pgoff;
	pgoff_t bits;
	pgoff_t start;
	pgoff_t end;
};

long ptedirty_clean(struct address_space *mapping, pgoff_t first_index,
		    pgoff_t nr, struct ptedirty_record *rec,
		    struct ptedirty_ctx *ctx);
long ptedirty_clean_wrprotect(struct address_space *mapping,
			      pgoff_t first_index, pgoff_t nr,
			      struct ptedirty_record *rec,
			      struct ptedirty_ctx *ctx);
long ptedirty_count_mapped(struct address_space *mapping, pgoff_t first_index,
			   pgoff_t nr, struct ptedirty_ctx *ctx);
vm_fault_t ptedirty_pfn_mkwrite(struct vm_fault *vmf, struct ptedirty_ctx *ctx);
long ptedirty_record_write(struct ptedirty_record *rec, pgoff_t first_index,
			   pgoff_t nr, struct ptedirty_ctx *ctx);

#endif /* _LINUX_PTEDIRTY_H */
