// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the pte operations the page-table dirty-tracking helpers
 * rely on. The helpers clear the write and dirty bits of ptes that map
 * device pfns; if an architecture's operations lost the pfn or the special
 * bit on the way, the helpers would corrupt the mapping they protect.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pgtable.h>

/* Any page's pfn will do: the ptes built here are never installed. */
static unsigned long test_pfn(void)
{
	return page_to_pfn(ZERO_PAGE(0));
}

static void ptedirty_test_wrprotect(struct kunit *test)
{
	pte_t pte = pte_mkspecial(pfn_pte(test_pfn(), PAGE_SHARED));
	pte_t ro = pte_wrprotect(pte);

	KUNIT_ASSERT_TRUE(test, pte_write(pte));
	KUNIT_EXPECT_FALSE(test, pte_write(ro));
	KUNIT_EXPECT_EQ(test, pte_pfn(ro), test_pfn());
	KUNIT_EXPECT_TRUE(test, pte_special(ro));
	KUNIT_EXPECT_TRUE(test, pte_present(ro));
}

static void ptedirty_test_clean(struct kunit *test)
{
	pte_t pte = pte_mkdirty(pte_mkspecial(pfn_pte(test_pfn(), PAGE_SHARED)));
	pte_t clean = pte_mkclean(pte);

	KUNIT_ASSERT_TRUE(test, pte_dirty(pte));
	KUNIT_EXPECT_FALSE(test, pte_dirty(clean));
	/* Cleaning must not write-protect: writes then go on unnoticed. */
	KUNIT_EXPECT_TRUE(test, pte_write(clean));
	KUNIT_EXPECT_EQ(test, pte_pfn(clean), test_pfn());
	KUNIT_EXPECT_TRUE(test, pte_special(clean));
}

static void ptedirty_test_young_kept(struct kunit *test)
{
	pte_t pte = pte_mkyoung(pte_mkdirty(pfn_pte(test_pfn(), PAGE_SHARED)));

	KUNIT_EXPECT_TRUE(test, pte_young(pte_mkclean(pte)));
	KUNIT_EXPECT_TRUE(test, pte_young(pte_wrprotect(pte)));
	/* Write-protecting keeps the dirty bit for a later clean. */
	KUNIT_EXPECT_TRUE(test, pte_dirty(pte_wrprotect(pte)));
}

static struct kunit_case ptedirty_pte_cases[] = {
	KUNIT_CASE(ptedirty_test_wrprotect),
	KUNIT_CASE(ptedirty_test_clean),
	KUNIT_CASE(ptedirty_test_young_kept),
	{}
};

static struct kunit_suite ptedirty_pte_suite = {
	.name = "ptedirty_pte",
	.test_cases = ptedirty_pte_cases,
};

kunit_test_suite(ptedirty_pte_suite);

MODULE_DESCRIPTION("KUnit tests of the pte operations the dirty helpers use");
MODULE_LICENSE("GPL");
