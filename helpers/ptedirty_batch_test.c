// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the flush queue under load: the cross-mm batch that
 * flushes several mms with one shootdown, and several threads queueing
 * and flushing at once. Built in, run at boot.
 */

#include <kunit/test.h>
#include <linux/ptedirty.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mm_inline.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "ptedirty_internal.h"
#include "ptedirty_test.h"

/*
 * Spans of several mms that each need a shootdown go out as one batch
 * when the queue allows it (one IPI round), else one flush per mm.
 */
static void ptedirty_test_cross_mm_batch(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct mm_struct *mm2 = mm_alloc();
	struct ptedirty_flush_stats st;
	bool batches;

	KUNIT_ASSERT_NOT_NULL(test, mm2);
	ptedirty_test_run_everywhere(env->mm, true);
	ptedirty_test_run_everywhere(mm2, true);
	batches = IS_ENABLED(CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH) &&
		  (IS_ENABLED(CONFIG_ARM64) || num_online_cpus() > 1);

	env->queue.batch_min_mms = 0;
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(1));
	ptedirty_flush_queue_add(&env->queue, mm2, PG(0), PG(1));
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 2);
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 2);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.range_flushes, 2);
	KUNIT_EXPECT_EQ(test, st.batch_flushes, 0);

	/* Re-arm: a remote per-mm flush drops the CPUs not running it. */
	ptedirty_test_run_everywhere(env->mm, true);
	ptedirty_test_run_everywhere(mm2, true);
	env->queue.batch_min_mms = 2;
	ptedirty_flush_queue_add(&env->queue, env->mm, PG(0), PG(1));
	ptedirty_flush_queue_add(&env->queue, mm2, PG(10), PG(100));
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), batches ? 1 : 2);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.batch_flushes, batches ? 1 : 0);
	KUNIT_EXPECT_EQ(test, st.batched_mms, batches ? 2 : 0);
	/* The second flush reused the first one's entries. */
	KUNIT_EXPECT_EQ(test, st.entries, 2);
	KUNIT_EXPECT_FALSE(test, mm_tlb_flush_pending(mm2));

	/* One mm alone is flushed by range, batch or not. */
	ptedirty_flush_queue_add(&env->queue, mm2, PG(0), PG(1));
	KUNIT_EXPECT_EQ(test, ptedirty_flush_all(&env->queue), 1);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.batch_flushes, batches ? 1 : 0);

	ptedirty_test_run_everywhere(env->mm, false);
	ptedirty_test_run_everywhere(mm2, false);
	mmput(mm2);
}

#define PTEDIRTY_TEST_THREADS		4
#define PTEDIRTY_TEST_RANGES		500

struct ptedirty_test_thread {
	struct ptedirty_test_env *env;
	struct completion done;
	int misses;
	int errors;
};

/* Queue random ranges, now and then flush to the last generation. */
static int ptedirty_test_thread_fn(void *arg)
{
	struct ptedirty_test_thread *t = arg;
	struct ptedirty_test_env *env = t->env;
	unsigned int i;

	for (i = 0; i < PTEDIRTY_TEST_RANGES; i++) {
		unsigned long first = get_random_u32_below(256);
		unsigned long len = 1 + get_random_u32_below(4);
		s64 gen = ptedirty_flush_queue_add(&env->queue, env->mm,
						   PG(first), PG(first + len));

		if (gen <= 0) {
			t->errors++;
			continue;
		}
		if (i % 8)
			continue;
		if (ptedirty_flush_to_gen(&env->queue, gen) < 0)
			t->errors++;
		/* Whoever flushed it, the generation is flushed by now. */
		if (smp_load_acquire(&env->queue.flushed_gen) < gen)
			t->misses++;
	}
	complete(&t->done);
	return 0;
}

static void ptedirty_test_concurrent(struct kunit *test)
{
	struct ptedirty_test_env *env = test->priv;
	struct ptedirty_test_thread t[PTEDIRTY_TEST_THREADS];
	struct ptedirty_flush_stats st;
	unsigned int i;

	for (i = 0; i < PTEDIRTY_TEST_THREADS; i++) {
		struct task_struct *task;

		t[i] = (struct ptedirty_test_thread){ .env = env };
		init_completion(&t[i].done);
		task = kthread_run(ptedirty_test_thread_fn, &t[i],
				   "ptedirty_test/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	}
	for (i = 0; i < PTEDIRTY_TEST_THREADS; i++) {
		wait_for_completion(&t[i].done);
		KUNIT_EXPECT_EQ(test, t[i].misses, 0);
		KUNIT_EXPECT_EQ(test, t[i].errors, 0);
	}

	/* Every range was queued; the rest flushes now, and nothing leaks. */
	ptedirty_flush_all(&env->queue);
	st = ptedirty_test_stats(env);
	KUNIT_EXPECT_EQ(test, st.queued,
			PTEDIRTY_TEST_THREADS * PTEDIRTY_TEST_RANGES);
	KUNIT_EXPECT_EQ(test, env->queue.nr_pending, 0);
	KUNIT_EXPECT_EQ(test, env->queue.flushed_gen, env->queue.gen);
	KUNIT_EXPECT_FALSE(test, mm_tlb_flush_pending(env->mm));
}

static struct kunit_case ptedirty_batch_cases[] = {
	KUNIT_CASE(ptedirty_test_cross_mm_batch),
	KUNIT_CASE(ptedirty_test_concurrent),
	{}
};

static struct kunit_suite ptedirty_batch_suite = {
	.name = "ptedirty_batch",
	.init = ptedirty_test_init,
	.exit = ptedirty_test_exit,
	.test_cases = ptedirty_batch_cases,
};

kunit_test_suite(ptedirty_batch_suite);
