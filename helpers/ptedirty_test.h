/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the flush queue's KUnit suites share: an mm of their own and a
 * queue, set up and checked by ptedirty_test_init() and
 * ptedirty_test_exit().
 */
#ifndef _MM_PTEDIRTY_TEST_H
#define _MM_PTEDIRTY_TEST_H

#include <kunit/test.h>
#include <linux/ptedirty.h>

#define PG(n)	((unsigned long)(n) << PAGE_SHIFT)

struct ptedirty_test_env {
	struct ptedirty_flush_queue queue;
	struct mm_struct *mm;
	int mm_count;
};

int ptedirty_test_init(struct kunit *test);
void ptedirty_test_exit(struct kunit *test);
struct ptedirty_flush_stats ptedirty_test_stats(struct ptedirty_test_env *env);
/* Make @mm look run by every online CPU (@on), or by none. */
void ptedirty_test_run_everywhere(struct mm_struct *mm, bool on);

#endif /* _MM_PTEDIRTY_TEST_H */
