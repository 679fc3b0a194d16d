// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of vcoh's argument validation. Built into the vcoh module
 * and run when it loads.
 */

#include <kunit/test.h>
#include <drm/vcoh_drm.h>

#include "../vcoh_drv.h"

static void vcoh_test_bo_size(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, vcoh_bo_size_valid(0));
	KUNIT_EXPECT_TRUE(test, vcoh_bo_size_valid(1));
	KUNIT_EXPECT_TRUE(test, vcoh_bo_size_valid(PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, vcoh_bo_size_valid(VCOH_BO_MAX_SIZE));
	KUNIT_EXPECT_FALSE(test, vcoh_bo_size_valid(VCOH_BO_MAX_SIZE + 1));
	KUNIT_EXPECT_FALSE(test, vcoh_bo_size_valid(U64_MAX));
}

static void vcoh_test_range(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vcoh_bo_range_valid(PAGE_SIZE, 0, 0));
	KUNIT_EXPECT_TRUE(test, vcoh_bo_range_valid(PAGE_SIZE, 0, PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, vcoh_bo_range_valid(PAGE_SIZE, PAGE_SIZE, 0));
	KUNIT_EXPECT_TRUE(test, vcoh_bo_range_valid(PAGE_SIZE, 100, 200));
	KUNIT_EXPECT_FALSE(test, vcoh_bo_range_valid(PAGE_SIZE, 1, PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, vcoh_bo_range_valid(PAGE_SIZE, PAGE_SIZE + 1, 0));
	/* offset + len wraps around: must not look small. */
	KUNIT_EXPECT_FALSE(test, vcoh_bo_range_valid(PAGE_SIZE, U64_MAX, 2));
	KUNIT_EXPECT_FALSE(test, vcoh_bo_range_valid(PAGE_SIZE, 1, U64_MAX));
}

static void vcoh_test_dumb_layout(struct kunit *test)
{
	u32 pitch;
	u64 size;

	KUNIT_ASSERT_EQ(test, vcoh_dumb_layout(640, 480, 32, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 2560u);
	KUNIT_EXPECT_EQ(test, size, (u64)PAGE_ALIGN(2560 * 480));

	/* bpp rounds up to whole bytes; the size to whole pages. */
	KUNIT_ASSERT_EQ(test, vcoh_dumb_layout(3, 1, 12, &pitch, &size), 0);
	KUNIT_EXPECT_EQ(test, pitch, 6u);
	KUNIT_EXPECT_EQ(test, size, (u64)PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, vcoh_dumb_layout(0, 1, 32, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, vcoh_dumb_layout(1, 0, 32, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, vcoh_dumb_layout(1, 1, 0, &pitch, &size), -EINVAL);
	KUNIT_EXPECT_EQ(test, vcoh_dumb_layout(U32_MAX, 1, 32, &pitch, &size),
			-EINVAL);
	/* Fits 32 bits per dimension but exceeds the object size limit. */
	KUNIT_EXPECT_EQ(test, vcoh_dumb_layout(65536, 65536, 32, &pitch, &size),
			-EINVAL);
}

static struct kunit_case vcoh_validation_cases[] = {
	KUNIT_CASE(vcoh_test_bo_size),
	KUNIT_CASE(vcoh_test_range),
	KUNIT_CASE(vcoh_test_dumb_layout),
	{}
};

static struct kunit_suite vcoh_validation_suite = {
	.name = "vcoh_validation",
	.test_cases = vcoh_validation_cases,
};

kunit_test_suite(vcoh_validation_suite);
