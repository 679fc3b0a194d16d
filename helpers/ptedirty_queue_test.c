// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the flush queue: merging, the ceiling, generations,
 * pending counts and argument validation. Built in like the helpers (they
 * use an mm of their own, made with mm_alloc()), so they run at boot.
 */

#include <kunit/test.h>
#include <linux/ptedirty.h>
#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "ptedirty_internal.h"
#include "ptedirty_test.h"

int ptedirty_test_init(struct kunit *test)
{
	struct ptedirty_test_env *env =
		kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, env);
	env->mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, env->mm);
	env->mm_count = atomic_read(&env->mm->mm_count);
	ptedirty_flush_queue_init(&env->queue);
	test->priv = env;
	return 0;
}

void ptedirty_test_exit(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;

	ptedirty_flush_queue_fini(&env->queue);
	/* Every range let go of the mm: no pending count, no reference. */
	KUNIT_EXPECT_EQ(test, atomic_read(&env->mm->tlb_flush_pending), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&env->mm->mm_count), env->mm_count);
	mmput(env->mm);
}

struct ptedirty_flush_stats
ptedirty_test_stats(struct ptedirty_test_env *env)
{
	struct ptedirty_flush_stats st;

	ptedirty_flush_queue_stats(&env->queue, &st);
	return st;
}

static void ptedirty_test_merge(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;

	/* The ranges of one mm join one span, whatever lies between them. */
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(1), PG(3));
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(3), PG(5));
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(2), PG(4));
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 1);
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(8), PG(9));
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(5), PG(8));
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 1);

	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 1);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.queued, 5);
	KUNIT_EXPECT_EQ(test, st.merged, 4);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 1);
	KUNIT_EXPECT_EQ(test, st.pages_flushed, 8);
	KUNIT_EXPECT_EQ(test, st.entries, 1);
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 0);
}

/*
 * A walk queues with GFP_NOWAIT under its locks. When no entry can be
 * allocated, the range is flushed at once, and counted: fail the
 * allocation with the task's fail-nth.
 */
static void ptedirty_test_alloc_failure(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;
	s64 gen;

	if (!IS_ENABLED(CONFIG_FAILSLAB))
		kunit_skip(test, "needs CONFIG_FAILSLAB");
#ifdef CONFIG_FAULT_INJECTION
	WRITE_ONCE(current->fail_nth, 1);
#endif
	gen = ptedirty_flush_queue_add_walk(&env->queue, env->mm, PG(1), PG(3),
					    PG(1), PG(3), 0,
					    GFP_NOWAIT | __GFP_NOWARN);
#ifdef CONFIG_FAULT_INJECTION
	/* 0: the failure was injected; else nothing asked for memory. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(current->fail_nth), 0);
	WRITE_ONCE(current->fail_nth, 0);
#endif
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_GT(test, gen, 0);
	KUNIT_EXPECT_EQ(test, st.alloc_failures, 1);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 1);
	KUNIT_EXPECT_EQ(test, st.pages_flushed, 2);
	KUNIT_EXPECT_EQ(test, st.entries, 0);
	/* Flushed already: nothing pending, nothing left to flush. */
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 0);
	KUNIT_EXPECT_FALSE(test, mm_tlb_flush_pending(env->mm));

	/* The next range gets an entry again. */
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(4), PG(5));
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 1);
	KUNIT_EXPECT_EQ(test, ptedirty_test_stats(env).alloc_failures, 1);
}

static void ptedirty_test_separate_ranges(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;

	/* Ranges with a gap: one call flushes the span over both. */
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(1), PG(2));
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(4), PG(6));
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 1);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 1);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 1);
	KUNIT_EXPECT_EQ(test, st.pages_flushed, 5);
	KUNIT_EXPECT_EQ(test, st.mm_flushes, 0);
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 0);
}

/*
 * One entry per mm and flush, whatever the number of ranges: what the
 * queue costs in memory, and why its lookups do not grow with the ranges.
 */
static void ptedirty_test_entries(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;
	unsigned int i;

	for (i = 0; i < 1000; i++)
		ptedirty_flush_queue_add(&env->queue, env->mm, PG(3 * i),
					 PG(3 * i + 1));
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.entries, 1);
	KUNIT_EXPECT_GT(test, st.entry_size, 0);
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 1);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 1);
	KUNIT_EXPECT_TRUE(test, hash_empty(env->queue.mms));

	/* The flush keeps the entry for reuse; the next range takes it. */
	KUNIT_EXPECT_EQ(test, env->queue.nr_spare, 1);
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(1));
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.entries, 1);
	KUNIT_EXPECT_EQ(test, env->queue.nr_spare, 0);
}

/* A flush of many mms keeps PTEDIRTY_FLUSH_SPARE entries and frees the rest. */
static void ptedirty_test_spare_limit(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct mm_struct *mms[PTEDIRTY_FLUSH_SPARE + 4];
	struct ptedirty_flush_stats st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mms); i++) {
		mms[i] = mm_alloc();
		KUNIT_ASSERT_NOT_NULL(test, mms[i]);
		ptedirty_flush_queue_add(&env->queue, mms[i], PG(0), PG(1));
	}
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.entries, ARRAY_SIZE(mms));
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, ARRAY_SIZE(mms));
	ptedirty_flush_all(&env->queue);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.entries, PTEDIRTY_FLUSH_SPARE);
	KUNIT_EXPECT_EQ(test, env->queue.nr_spare, PTEDIRTY_FLUSH_SPARE);
	for (i = 0; i < ARRAY_SIZE(mms); i++) {
		KUNIT_EXPECT_FALSE(test, mm_tlb_flush_pending(mms[i]));
		mmput(mms[i]);
	}
}

/*
 * The calls a flush of @ranges ranges of an mm that no CPU runs takes,
 * their span above the ceiling: one per range where other CPUs are
 * reached by IPIs only when they run the mm, else one for the whole mm.
 */
static int ptedirty_test_local_calls(int ranges)
{
	return IS_ENABLED(CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH) &&
	       !IS_ENABLED(CONFIG_ARM64) ? ranges : 1;
}

/* Make @mm look run by every online CPU: a flush of it is a shootdown. */
void ptedirty_test_run_everywhere(struct mm_struct *mm, bool on)
{
	if (on)
		cpumask_or(mm_cpumask(mm), mm_cpumask(mm), cpu_online_mask);
	else
		cpumask_clear(mm_cpumask(mm));
}

static void ptedirty_test_ceiling(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;
	unsigned int i;

	/* One page more than the ceiling, in separate ranges: one flush. */
	for (i = 0; i <= PTEDIRTY_FLUSH_CEILING_DEFAULT; i++)
		ptedirty_flush_queue_add(&env->queue, env->mm, PG(2 * i),
					 PG(2 * i + 1));
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 1);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 1);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.mm_flushes, 1);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 0);

	/*
	 * Two pages, but five between them: above a ceiling of four. Other
	 * CPUs run the mm, so one call for all: the whole mm.
	 */
	ptedirty_test_run_everywhere(env->mm, true);
	env->queue.ceiling = 4;
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(1));
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(4), PG(5));
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 1);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.mm_flushes, 2);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 0);
	ptedirty_test_run_everywhere(env->mm, false);

	/* At the ceiling, one range flush still covers them. */
	env->queue.ceiling = 5;
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(1));
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(4), PG(5));
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 1);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.mm_flushes, 2);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 1);
	KUNIT_EXPECT_EQ(test, st.pages_flushed, 5);
}

/*
 * When no other CPU runs the mm, a span above the ceiling whose ranges
 * are not goes range by range: no IPI is saved by one call, and the rest
 * of the TLB stays. (arm64 invalidates by broadcast: always one call.)
 */
static void ptedirty_test_local_ranges(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;
	unsigned int i;

	if (ptedirty_test_local_calls(2) == 1)
		kunit_skip(test, "every flush reaches all CPUs here");
	env->queue.ceiling = 4;
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(1));
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(4), PG(5));
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(5), PG(6));
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 2);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 2);
	KUNIT_EXPECT_EQ(test, st.pages_flushed, 3);
	KUNIT_EXPECT_EQ(test, st.mm_flushes, 0);

	/* More ranges than the entry keeps: the whole mm after all. */
	for (i = 0; i < 9; i++)
		ptedirty_flush_queue_add(&env->queue, env->mm, PG(3 * i),
					 PG(3 * i + 1));
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 1);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.mm_flushes, 1);
}

static void ptedirty_test_generations(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;
	s64 g1, g2, g3;

	g1 = ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(1));
	g2 = ptedirty_flush_queue_add(&env->queue, env->mm, PG(10), PG(11));
	KUNIT_EXPECT_GT(test, g1, 0);
	KUNIT_EXPECT_GT(test, g2, g1);

	/* Both ranges of the mm go in one flush. */
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, g1), 1);
	/* Already flushed, by this or another caller: nothing more to do. */
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, g1), 0);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, g2), 0);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 1);

	/* Merging into a pending range still hands out a newer generation. */
	g3 = ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(1));
	KUNIT_EXPECT_GT(test, g3, g2);
	KUNIT_EXPECT_GT(test,
			ptedirty_flush_queue_add(&env->queue, env->mm, PG(0),
						 PG(1)),
			g3);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, g3), 1);
}

static void ptedirty_test_pending_count(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	s64 gen;

	KUNIT_EXPECT_FALSE(test, mm_tlb_flush_pending(env->mm));
	gen = ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(1));
	/* Core mm must see the pending flush, and the mm stays pinned. */
	KUNIT_EXPECT_TRUE(test, mm_tlb_flush_pending(env->mm));
	KUNIT_EXPECT_EQ(test, atomic_read(&env->mm->mm_count),
			env->mm_count + 1);
	/* The queue holds one count per mm, whatever its ranges... */
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(100), PG(101));
	KUNIT_EXPECT_FALSE(test, mm_tlb_flush_nested(env->mm));
	/* ...which a change of core mm's own, say a zap, sees as nested. */
	inc_tlb_flush_pending(env->mm);
	KUNIT_EXPECT_TRUE(test, mm_tlb_flush_nested(env->mm));
	dec_tlb_flush_pending(env->mm);

	ptedirty_flush_to_gen(&env->queue, gen);
	KUNIT_EXPECT_FALSE(test, mm_tlb_flush_pending(env->mm));
	KUNIT_EXPECT_EQ(test, atomic_read(&env->mm->mm_count), env->mm_count);
}

/*
 * A walk that changed nothing queues nothing, unless a change of the mm
 * that is not this queue's waits for a flush: the ptes the walk found
 * protected may then still be writable in a TLB, so it queues its range.
 */
static void ptedirty_test_unchanged_walk(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;
	s64 g1, gen;

	/* The walk's own count, as ptedirty_walk_vma() raises it. */
	inc_tlb_flush_pending(env->mm);
	gen = ptedirty_flush_queue_add_walk(&env->queue, env->mm, PG(8), PG(0),
					    PG(0), PG(8), 1, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, gen, 0);
	KUNIT_EXPECT_EQ(test, env->queue.gen, 0);

	/* A range of this queue is not someone else's change. */
	g1 = ptedirty_flush_queue_add(&env->queue, env->mm, PG(10), PG(11));
	gen = ptedirty_flush_queue_add_walk(&env->queue, env->mm, PG(8), PG(0),
					    PG(0), PG(8), 1, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, gen, 0);

	/* Someone else changed ptes and has not flushed: cover [0, 8). */
	inc_tlb_flush_pending(env->mm);
	gen = ptedirty_flush_queue_add_walk(&env->queue, env->mm, PG(8), PG(0),
					    PG(0), PG(8), 1, GFP_KERNEL);
	dec_tlb_flush_pending(env->mm);
	dec_tlb_flush_pending(env->mm);
	KUNIT_EXPECT_GT(test, gen, g1);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, gen), 1);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 1);
	KUNIT_EXPECT_EQ(test, st.pages_flushed, 11);
}

/*
 * A walk that changed nothing, in ptes a range of the same queue changed
 * and has not flushed: the caller must wait for that range's flush.
 */
static void ptedirty_test_covered_walk(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	s64 g1, g2, gen;

	g1 = ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(4));
	g2 = ptedirty_flush_queue_add(&env->queue, env->mm, PG(100), PG(101));
	inc_tlb_flush_pending(env->mm);
	gen = ptedirty_flush_queue_add_walk(&env->queue, env->mm, PG(8), PG(0),
					    PG(2), PG(6), 1, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, gen, g2);
	/*
	 * Between the two ranges, but inside the span the queue holds for
	 * the mm: the span's flush is still the one to wait for.
	 */
	gen = ptedirty_flush_queue_add_walk(&env->queue, env->mm, PG(8), PG(0),
					    PG(4), PG(6), 1, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, gen, g2);
	/* Next to the span but not in it: nothing to wait for. */
	gen = ptedirty_flush_queue_add_walk(&env->queue, env->mm, PG(8), PG(0),
					    PG(101), PG(110), 1, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, gen, 0);
	dec_tlb_flush_pending(env->mm);
	/* Nothing new was queued, so nothing new is flushed. */
	KUNIT_EXPECT_EQ(test, env->queue.gen, g2);
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 1);
	/* No CPU runs the test's mm: its two ranges go one by one. */
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, g1),
			ptedirty_test_local_calls(2));
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, g2), 0);
}

static void ptedirty_test_flush_for_fault(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;

	/* Nothing pending: no flush. */
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_for_fault(&env->queue, env->mm,
						 PG(5)),
			0);

	ptedirty_flush_queue_add(&env->queue, env->mm, PG(4), PG(6));
	/* An address outside every pending range flushes nothing. */
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_for_fault(&env->queue, env->mm,
						 PG(6)),
			0);
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_for_fault(&env->queue, env->mm,
						 PG(3) + 100),
			0);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 0);
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 1);

	/* An address inside one flushes once, and only once. */
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_for_fault(&env->queue, env->mm,
						 PG(5) + 8),
			1);
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_for_fault(&env->queue, env->mm,
						 PG(5) + 8),
			0);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 1);
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 0);
}

static void ptedirty_test_dead_mm(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct mm_struct *mm = mm_alloc();
	struct ptedirty_flush_stats st;

	KUNIT_ASSERT_NOT_NULL(test, mm);
	ptedirty_flush_queue_add(&env->queue, mm, PG(0), PG(1));
	/* The last user goes away while the range waits. */
	mmput(mm);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 0);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.dead_mm_skips, 1);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 0);
}

static void ptedirty_test_bad_input(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_flush_stats st;

	KUNIT_EXPECT_EQ(test, ptedirty_flush_queue_add(NULL, env->mm, 0, PG(1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_queue_add(&env->queue, NULL, 0, PG(1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_queue_add(&env->queue, env->mm, PG(1),
						 PG(1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_queue_add(&env->queue, env->mm, PG(2),
						 PG(1)),
			-EINVAL);
	/* Generations never handed out. */
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(&env->queue, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_to_gen(NULL, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_for_fault(&env->queue, NULL, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_flush_for_fault(NULL, env->mm, 0),
			-EINVAL);

	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.queued, 0);
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 0);
	KUNIT_EXPECT_FALSE(test, mm_tlb_flush_pending(env->mm));
}

static struct kunit_case ptedirty_queue_cases[] = {
	KUNIT_CASE(ptedirty_test_merge),
	KUNIT_CASE(ptedirty_test_separate_ranges),
	KUNIT_CASE(ptedirty_test_alloc_failure),
	KUNIT_CASE(ptedirty_test_entries),
	KUNIT_CASE(ptedirty_test_spare_limit),
	KUNIT_CASE(ptedirty_test_ceiling),
	KUNIT_CASE(ptedirty_test_local_ranges),
	KUNIT_CASE(ptedirty_test_generations),
	KUNIT_CASE(ptedirty_test_pending_count),
	KUNIT_CASE(ptedirty_test_unchanged_walk),
	KUNIT_CASE(ptedirty_test_covered_walk),
	KUNIT_CASE(ptedirty_test_flush_for_fault),
	KUNIT_CASE(ptedirty_test_dead_mm),
	KUNIT_CASE(ptedirty_test_bad_input),
	{}
};

static struct kunit_suite ptedirty_queue_suite = {
	.name = "ptedirty_queue",
	.init = ptedirty_test_init,
	.exit = ptedirty_test_exit,
	.test_cases = ptedirty_queue_cases,
};

kunit_test_suite(ptedirty_queue_suite);
