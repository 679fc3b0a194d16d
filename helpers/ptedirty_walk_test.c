// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the walkers' argument validation and lock contract, on a
 * mapping nobody maps: every refusal returns its error and touches
 * nothing. The contract check's warning is tested by IGT's vcoh_contract,
 * where the log expects it; here each context starts as warned already.
 * Built in, run at boot.
 */

#include <kunit/test.h>
#include <linux/ptedirty.h>
#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "ptedirty_internal.h"

/* The walkers: a mapping nobody maps, and a ww_mutex as the external lock. */
static DEFINE_WW_CLASS(ptedirty_test_ww_class);

struct ptedirty_walk_env {
	struct address_space mapping;
	struct ptedirty_flush_queue queue;
	/* the walkers' external lock */
	struct ww_mutex lock;
	struct ptedirty_ctx ctx;
	unsigned long bitmap[2];
};

static int ptedirty_walk_test_init(struct kunit *test)
{
	struct ptedirty_walk_env *env =
		kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, env);
	address_space_init_once(&env->mapping);
	ptedirty_flush_queue_init(&env->queue);
	ww_mutex_init(&env->lock, &ptedirty_test_ww_class);
	ptedirty_ctx_init(&env->ctx, &env->queue, &env->lock);
	test->priv = env;
	return 0;
}

static void ptedirty_walk_test_exit(struct kunit *test)
{
	struct ptedirty_walk_env *env = test->priv;

	ptedirty_flush_queue_fini(&env->queue);
	ww_mutex_destroy(&env->lock);
}

static long ptedirty_test_clean(struct ptedirty_walk_env *env,
				struct address_space *mapping, pgoff_t first,
				pgoff_t nr, pgoff_t bitmap_pgoff,
				unsigned long *bitmap, pgoff_t bits)
{
	struct ptedirty_record rec = {
		.bitmap = bitmap,
		.pgoff = bitmap_pgoff,
		.bits = bits,
	};

	return ptedirty_clean(mapping, first, nr, &rec, &env->ctx);
}

static void ptedirty_test_walk_bad_input(struct kunit *test)
{
	struct ptedirty_walk_env *env = test->priv;
	struct address_space *m = &env->mapping;
	unsigned long *bm = env->bitmap;
	struct ptedirty_record rec = { .bitmap = bm, .bits = 128 };
	struct ptedirty_record at10 = { .bitmap = bm, .pgoff = 10,
					.bits = 128 };
	struct ptedirty_record no_bitmap = { .bits = 128 };

	ww_mutex_lock(&env->lock, NULL);
	KUNIT_EXPECT_EQ(test, ptedirty_wrprotect(m, 0, 0, &env->ctx), -EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_wrprotect(m, ULONG_MAX, 2, &env->ctx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_wrprotect(NULL, 0, 1, &env->ctx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_test_clean(env, m, 0, 0, 0, bm, 128),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_test_clean(env, m, ULONG_MAX, 2, 0, bm, 128),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_test_clean(env, NULL, 0, 1, 0, bm, 128),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_test_clean(env, m, 0, 1, 0, NULL, 128),
			-EINVAL);
	/* The bitmap must cover the range, on both sides. */
	KUNIT_EXPECT_EQ(test, ptedirty_test_clean(env, m, 5, 1, 10, bm, 128),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_test_clean(env, m, 10, 129, 10, bm, 128),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_test_clean(env, m, 200, 1, 10, bm, 128),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_clean(m, 0, 1, NULL, &env->ctx),
			-EINVAL);
	/* The combined walker checks the same. */
	KUNIT_EXPECT_EQ(test,
			ptedirty_clean_wrprotect(m, 0, 0, &rec, &env->ctx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_clean_wrprotect(m, 5, 1, &at10, &env->ctx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_clean_wrprotect(m, 0, 1, &no_bitmap,
						 &env->ctx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_clean_wrprotect(m, 0, 1, NULL, &env->ctx),
			-EINVAL);

	KUNIT_EXPECT_EQ(test, ptedirty_count_mapped(m, 0, 0, &env->ctx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_count_mapped(m, ULONG_MAX, 2, &env->ctx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_count_mapped(NULL, 0, 1, &env->ctx),
			-EINVAL);

	/* The same calls, valid: nothing maps the mapping, nothing changes. */
	KUNIT_EXPECT_EQ(test, ptedirty_count_mapped(m, 0, ULONG_MAX, &env->ctx),
			0);
	KUNIT_EXPECT_EQ(test, ptedirty_wrprotect(m, 0, 1, &env->ctx), 0);
	KUNIT_EXPECT_EQ(test, ptedirty_test_clean(env, m, 10, 128, 10, bm, 128),
			0);
	KUNIT_EXPECT_EQ(test,
			ptedirty_clean_wrprotect(m, 0, 1, &rec, &env->ctx), 0);
	KUNIT_EXPECT_EQ(test,
			ptedirty_test_clean(env, m, ULONG_MAX, 1, ULONG_MAX - 1,
					    bm, 2),
			0);
	ww_mutex_unlock(&env->lock);
	KUNIT_EXPECT_EQ(test, env->queue.gen, 0);
	KUNIT_EXPECT_GE(test, rec.start, rec.end);
}

static void ptedirty_test_walk_unlocked(struct kunit *test)
{
	struct ptedirty_walk_env *env = test->priv;
	struct ptedirty_record rec = { .bitmap = env->bitmap, .bits = 128 };
	long wp, clean, both, count;

	/*
	 * Without the external lock a walk returns an error before it
	 * touches anything. The context warned already, so none of the
	 * refusals warns at boot.
	 */
	env->ctx.warned = true;
	wp = ptedirty_wrprotect(&env->mapping, 0, 1, &env->ctx);
	clean = ptedirty_test_clean(env, &env->mapping, 0, 1, 0, env->bitmap,
				    128);
	both = ptedirty_clean_wrprotect(&env->mapping, 0, 1, &rec, &env->ctx);
	count = ptedirty_count_mapped(&env->mapping, 0, 1, &env->ctx);

	KUNIT_EXPECT_EQ(test, count, -ENOLCK);
	KUNIT_EXPECT_EQ(test, wp, -ENOLCK);
	KUNIT_EXPECT_EQ(test, clean, -ENOLCK);
	KUNIT_EXPECT_EQ(test, both, -ENOLCK);
	KUNIT_EXPECT_EQ(test, env->queue.gen, 0);
	KUNIT_EXPECT_EQ(test, env->bitmap[0], 0);

	/* No context at all is refused too, without a warning. */
	wp = ptedirty_wrprotect(&env->mapping, 0, 1, NULL);
	KUNIT_EXPECT_EQ(test, wp, -EINVAL);
}

/* Holds the test's external lock until told to let go. */
struct ptedirty_lock_holder {
	struct ww_mutex *lock;
	struct completion locked;
	struct completion release;
	struct completion done;
};

static int ptedirty_lock_holder_fn(void *data)
{
	struct ptedirty_lock_holder *h = data;

	ww_mutex_lock(h->lock, NULL);
	complete(&h->locked);
	wait_for_completion(&h->release);
	ww_mutex_unlock(h->lock);
	complete(&h->done);
	return 0;
}

/* Every walker, with @ctx, while another task holds its lock. */
static void ptedirty_test_walk_busy(struct kunit *test,
				    struct ptedirty_walk_env *env,
				    struct ptedirty_ctx *ctx,
				    struct ptedirty_lock_holder *h)
{
	struct ptedirty_record rec = { .bitmap = env->bitmap, .bits = 128 };
	struct task_struct *t;
	long ret[4];

	init_completion(&h->locked);
	init_completion(&h->release);
	init_completion(&h->done);
	t = kthread_run(ptedirty_lock_holder_fn, h, "ptedirty_lock_holder");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&h->locked);

	ctx->warned = true;
	ret[0] = ptedirty_wrprotect(&env->mapping, 0, 1, ctx);
	ret[1] = ptedirty_clean(&env->mapping, 0, 1, &rec, ctx);
	ret[2] = ptedirty_clean_wrprotect(&env->mapping, 0, 1, &rec, ctx);
	ret[3] = ptedirty_count_mapped(&env->mapping, 0, 1, ctx);
	complete(&h->release);
	wait_for_completion(&h->done);

	KUNIT_EXPECT_EQ(test, ret[0], -ENOLCK);
	KUNIT_EXPECT_EQ(test, ret[1], -ENOLCK);
	KUNIT_EXPECT_EQ(test, ret[2], -ENOLCK);
	KUNIT_EXPECT_EQ(test, ret[3], -ENOLCK);
	KUNIT_EXPECT_EQ(test, env->queue.gen, 0);
	KUNIT_EXPECT_GE(test, rec.start, rec.end);
}

/*
 * The lock is held, but by another task: "locked" is not enough, the
 * walks are refused as if nobody held it.
 */
static void ptedirty_test_walk_lock_busy(struct kunit *test)
{
	struct ptedirty_walk_env *env = test->priv;
	struct ptedirty_lock_holder h = { .lock = &env->lock };

	ptedirty_test_walk_busy(test, env, &env->ctx, &h);

	/* Held by the caller, the same context walks. */
	ww_mutex_lock(&env->lock, NULL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_wrprotect(&env->mapping, 0, 1, &env->ctx), 0);
	ww_mutex_unlock(&env->lock);
}

static void ptedirty_test_walk_no_queue(struct kunit *test)
{
	struct ptedirty_walk_env *env = test->priv;
	struct ptedirty_record rec = { .bitmap = env->bitmap, .bits = 128 };
	struct ptedirty_ctx ctx;

	/* Without a queue a walk flushes before it returns: the one-call form. */
	ptedirty_ctx_init(&ctx, NULL, &env->lock);
	ww_mutex_lock(&env->lock, NULL);
	KUNIT_EXPECT_EQ(test, ptedirty_wrprotect(&env->mapping, 0, 16, &ctx),
			0);
	KUNIT_EXPECT_EQ(test, ptedirty_clean(&env->mapping, 0, 16, &rec, &ctx),
			0);
	ww_mutex_unlock(&env->lock);
	KUNIT_EXPECT_EQ(test, ctx.gen, 0);
	KUNIT_EXPECT_GE(test, rec.start, rec.end);
	KUNIT_EXPECT_EQ(test, env->queue.gen, 0);
}

/*
 * Without a queue a walk allocates one of its own; when that fails, the
 * walk returns -ENOMEM and changes nothing. At boot failslab leaves
 * sleeping allocations alone and the walk just succeeds (a skip would
 * keep the case from running again); IGT's vcoh_alloc_failures runs the
 * suite again with them included and looks for "injected" in its log.
 */
static void ptedirty_test_walk_no_queue_nomem(struct kunit *test)
{
	struct ptedirty_walk_env *env = test->priv;
	struct ptedirty_record rec = { .bitmap = env->bitmap, .bits = 128 };
	struct ptedirty_ctx ctx;
	bool injected = false;
	long ret;

	if (!IS_ENABLED(CONFIG_FAILSLAB))
		kunit_skip(test, "needs CONFIG_FAILSLAB");
	ptedirty_ctx_init(&ctx, NULL, &env->lock);
	ww_mutex_lock(&env->lock, NULL);
#ifdef CONFIG_FAULT_INJECTION
	WRITE_ONCE(current->fail_nth, 1);
#endif
	ret = ptedirty_clean(&env->mapping, 0, 16, &rec, &ctx);
#ifdef CONFIG_FAULT_INJECTION
	injected = !READ_ONCE(current->fail_nth);
	WRITE_ONCE(current->fail_nth, 0);
#endif
	ww_mutex_unlock(&env->lock);
	if (!injected) {
		KUNIT_EXPECT_EQ(test, ret, 0);
		return;
	}
	kunit_info(test, "allocation failure injected\n");
	KUNIT_EXPECT_EQ(test, ret, -ENOMEM);
	KUNIT_EXPECT_GE(test, rec.start, rec.end);
	KUNIT_EXPECT_EQ(test, ctx.gen, 0);
}

static struct kunit_case ptedirty_walk_cases[] = {
	KUNIT_CASE(ptedirty_test_walk_bad_input),
	KUNIT_CASE(ptedirty_test_walk_no_queue),
	KUNIT_CASE(ptedirty_test_walk_no_queue_nomem),
	KUNIT_CASE(ptedirty_test_walk_unlocked),
	KUNIT_CASE(ptedirty_test_walk_lock_busy),
	{}
};

static struct kunit_suite ptedirty_walk_suite = {
	.name = "ptedirty_walk",
	.init = ptedirty_walk_test_init,
	.exit = ptedirty_walk_test_exit,
	.test_cases = ptedirty_walk_cases,
};

kunit_test_suite(ptedirty_walk_suite);
