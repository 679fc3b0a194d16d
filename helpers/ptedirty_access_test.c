// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of ptedirty_record_write(): the bits and the range it
 * records, the arguments it refuses and the lock contract. Built in, as
 * the helpers are.
 */

#include <kunit/test.h>
#include <linux/ptedirty.h>
#include <linux/bitmap.h>
#include <linux/ww_mutex.h>

static DEFINE_WW_CLASS(ptedirty_access_test_ww_class);

#define PTEDIRTY_ACCESS_TEST_BITS	128
/* The record's bit 0 stands for this page offset, as an object's would. */
#define PTEDIRTY_ACCESS_TEST_PGOFF	1000

struct ptedirty_access_env {
	/* the external lock */
	struct ww_mutex lock;
	struct ptedirty_ctx ctx;
	DECLARE_BITMAP(bitmap, PTEDIRTY_ACCESS_TEST_BITS);
	struct ptedirty_record rec;
};

static int ptedirty_access_test_init(struct kunit *test)
{
	struct ptedirty_access_env *env =
		kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, env);
	ww_mutex_init(&env->lock, &ptedirty_access_test_ww_class);
	ptedirty_ctx_init(&env->ctx, NULL, &env->lock);
	env->rec = (struct ptedirty_record){
		.bitmap = env->bitmap,
		.pgoff = PTEDIRTY_ACCESS_TEST_PGOFF,
		.bits = PTEDIRTY_ACCESS_TEST_BITS,
	};
	test->priv = env;
	return 0;
}

static void ptedirty_access_test_exit(struct kunit *test)
{
	struct ptedirty_access_env *env = test->priv;

	ww_mutex_destroy(&env->lock);
}

static long ptedirty_access_test_record(struct ptedirty_access_env *env,
					pgoff_t first, pgoff_t nr)
{
	return ptedirty_record_write(&env->rec,
				     PTEDIRTY_ACCESS_TEST_PGOFF + first, nr,
				     &env->ctx);
}

/* Bits are set relative to the record's pgoff; the range only widens. */
static void ptedirty_access_test_records(struct kunit *test)
{
	struct ptedirty_access_env *env = test->priv;
	struct ptedirty_record *rec = &env->rec;

	ww_mutex_lock(&env->lock, NULL);
	KUNIT_EXPECT_EQ(test, ptedirty_access_test_record(env, 10, 3), 3);
	KUNIT_EXPECT_EQ(test, rec->start, 10);
	KUNIT_EXPECT_EQ(test, rec->end, 13);
	KUNIT_EXPECT_EQ(test, bitmap_weight(env->bitmap, rec->bits), 3);
	KUNIT_EXPECT_TRUE(test, test_bit(10, env->bitmap));
	KUNIT_EXPECT_TRUE(test, test_bit(12, env->bitmap));

	/* Pages recorded already are not counted again. */
	KUNIT_EXPECT_EQ(test, ptedirty_access_test_record(env, 11, 4), 2);
	KUNIT_EXPECT_EQ(test, rec->start, 10);
	KUNIT_EXPECT_EQ(test, rec->end, 15);

	/* The first and the last bit of the record. */
	KUNIT_EXPECT_EQ(test, ptedirty_access_test_record(env, 0, 1), 1);
	KUNIT_EXPECT_EQ(test,
			ptedirty_access_test_record(env, rec->bits - 1, 1), 1);
	KUNIT_EXPECT_EQ(test, rec->start, 0);
	KUNIT_EXPECT_EQ(test, rec->end, rec->bits);
	KUNIT_EXPECT_EQ(test, bitmap_weight(env->bitmap, rec->bits), 7);
	ww_mutex_unlock(&env->lock);
}

/* An empty record takes the range written; a consumed one starts over. */
static void ptedirty_access_test_consumed(struct kunit *test)
{
	struct ptedirty_access_env *env = test->priv;
	struct ptedirty_record *rec = &env->rec;

	rec->start = 50;
	rec->end = 50;
	ww_mutex_lock(&env->lock, NULL);
	KUNIT_EXPECT_EQ(test, ptedirty_access_test_record(env, 70, 2), 2);
	ww_mutex_unlock(&env->lock);
	KUNIT_EXPECT_EQ(test, rec->start, 70);
	KUNIT_EXPECT_EQ(test, rec->end, 72);
}

static void ptedirty_access_test_bad_input(struct kunit *test)
{
	struct ptedirty_access_env *env = test->priv;
	struct ptedirty_record *rec = &env->rec;
	struct ptedirty_record no_bitmap = { .bits = 8 };
	pgoff_t pg = PTEDIRTY_ACCESS_TEST_PGOFF;

	ww_mutex_lock(&env->lock, NULL);
	KUNIT_EXPECT_EQ(test, ptedirty_access_test_record(env, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_record_write(NULL, pg, 1, &env->ctx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_record_write(&no_bitmap, 0, 1, &env->ctx),
			-EINVAL);
	/* The record must cover the range, on both sides. */
	KUNIT_EXPECT_EQ(test, ptedirty_record_write(rec, pg - 1, 2, &env->ctx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			ptedirty_access_test_record(env, rec->bits - 1, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_access_test_record(env, rec->bits, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ptedirty_record_write(rec, ULONG_MAX, 2,
						    &env->ctx),
			-EINVAL);
	ww_mutex_unlock(&env->lock);

	KUNIT_EXPECT_TRUE(test, bitmap_empty(env->bitmap, rec->bits));
	KUNIT_EXPECT_EQ(test, rec->start, 0);
	KUNIT_EXPECT_EQ(test, rec->end, 0);
}

/*
 * Without the external lock nothing is recorded. The context warned
 * already, so the refusal does not warn at boot: IGT's vcoh_contract
 * tests the warning.
 */
static void ptedirty_access_test_unlocked(struct kunit *test)
{
	struct ptedirty_access_env *env = test->priv;
	long unlocked, no_ctx;

	env->ctx.warned = true;
	unlocked = ptedirty_access_test_record(env, 0, 1);
	no_ctx = ptedirty_record_write(&env->rec, PTEDIRTY_ACCESS_TEST_PGOFF,
				       1, NULL);

	KUNIT_EXPECT_EQ(test, unlocked, -ENOLCK);
	KUNIT_EXPECT_EQ(test, no_ctx, -EINVAL);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(env->bitmap, env->rec.bits));
	KUNIT_EXPECT_EQ(test, env->rec.end, 0);
}

static struct kunit_case ptedirty_access_cases[] = {
	KUNIT_CASE(ptedirty_access_test_records),
	KUNIT_CASE(ptedirty_access_test_consumed),
	KUNIT_CASE(ptedirty_access_test_bad_input),
	KUNIT_CASE(ptedirty_access_test_unlocked),
	{}
};

static struct kunit_suite ptedirty_access_suite = {
	.name = "ptedirty_record_write",
	.init = ptedirty_access_test_init,
	.exit = ptedirty_access_test_exit,
	.test_cases = ptedirty_access_cases,
};

kunit_test_suite(ptedirty_access_suite);
