// SPDX-License-Identifier: MIT
/*
 * Exercises the IGT-compatible runtime itself: one subtest per outcome.
 * With SELFTEST_FIXTURE=skip or =fail the fixture before the subtests
 * skips or fails. scripts/test-igt-runtime checks the output.
 */
#include <stdlib.h>

#include "igt.h"

IGT_TEST_DESCRIPTION("Self-test of the IGT-compatible runtime.");

igt_main
{
	int value = 0;

	igt_fixture {
		const char *mode = getenv("SELFTEST_FIXTURE");

		value = 42;
		igt_require(!mode || strcmp(mode, "skip"));
		igt_assert(!mode || strcmp(mode, "fail"));
	}

	igt_subtest("pass")
		igt_assert_eq(value, 42);

	igt_subtest("fail")
		igt_assert_eq(value, 41);

	igt_subtest("skip")
		igt_require(value == 0);

	igt_subtest_f("pass-%d", 2) {
		igt_info("in pass-2\n");
		igt_assert_lte(value, 42);
	}
}
