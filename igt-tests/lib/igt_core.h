/* SPDX-License-Identifier: MIT */
/*
 * A small runtime compatible with the subset of IGT GPU Tools' igt_core.h
 * the vcoh tests use, for systems that ship IGT without its headers. It
 * keeps IGT's behaviour: subtest enumeration and selection, the output
 * lines igt_runner parses, the [IGT] kmsg markers and the exit codes.
 * Building with IGT_DIR set uses real IGT instead of this directory.
 */
#ifndef IGT_CORE_H
#define IGT_CORE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_ABORT		112

#define igt_concat2(a, b) a##b
#define igt_concat(a, b) igt_concat2(a, b)
#define igt_unique(prefix) igt_concat(prefix, __LINE__)

#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = (str)

extern sigjmp_buf igt_subtest_jmpbuf;

void igt_subtest_init_parse_opts(int *argc, char **argv);
bool __igt_fixture(void);
void __igt_fixture_complete(void);
bool __igt_run_subtest(const char *name, const char *file, int line);
__attribute__((noreturn)) void __igt_subtest_complete(void);
__attribute__((noreturn)) void igt_exit(void);
__attribute__((noreturn)) void igt_fail(int exitcode);
__attribute__((noreturn, format(printf, 1, 2))) void igt_skip(const char *f, ...);
__attribute__((noreturn)) void __igt_fail_assert(const char *file, int line,
						 const char *func,
						 const char *assertion,
						 const char *f, ...)
	__attribute__((format(printf, 5, 6)));
void igt_describe_f(const char *f, ...) __attribute__((format(printf, 1, 2)));
bool igt_only_list_subtests(void);

enum igt_log_level { IGT_LOG_DEBUG, IGT_LOG_INFO, IGT_LOG_WARN, IGT_LOG_CRITICAL };
void igt_log(const char *domain, enum igt_log_level level, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

#define igt_debug(f...) igt_log(NULL, IGT_LOG_DEBUG, f)
#define igt_info(f...) igt_log(NULL, IGT_LOG_INFO, f)
#define igt_warn(f...) igt_log(NULL, IGT_LOG_WARN, f)
#define igt_critical(f...) igt_log(NULL, IGT_LOG_CRITICAL, f)

#define igt_main \
	static void igt_unique(__real_main)(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init_parse_opts(&argc, argv); \
		igt_unique(__real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(__real_main)(void)

#define igt_fixture \
	for (int igt_unique(__fixture) = 0; \
	     igt_unique(__fixture) < 1 && __igt_fixture() && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_unique(__fixture)++, __igt_fixture_complete())

#define igt_subtest(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     __igt_subtest_complete())

#define igt_subtest_f(f...) \
	for (char igt_unique(__name)[256]; \
	     snprintf(igt_unique(__name), sizeof(igt_unique(__name)), f) && \
	     __igt_run_subtest(igt_unique(__name), __FILE__, __LINE__) && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     __igt_subtest_complete())

#define igt_describe(dsc) igt_describe_f("%s", (dsc))

#define igt_assert(expr) do { \
	if (!(expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr, NULL); \
} while (0)

#define igt_assert_f(expr, f...) do { \
	if (!(expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr, f); \
} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, f...) igt_assert_f(!(expr), f)

#define igt_assert_cmpint(n1, cmp, ncmp, n2) do { \
	int __n1 = (n1), __n2 = (n2); \
	if (!(__n1 cmp __n2)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, \
				  #n1 " " #cmp " " #n2, \
				  "error: %d " #ncmp " %d\n", __n1, __n2); \
} while (0)

#define igt_assert_cmpu64(n1, cmp, ncmp, n2) do { \
	uint64_t __n1 = (n1), __n2 = (n2); \
	if (!(__n1 cmp __n2)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, \
				  #n1 " " #cmp " " #n2, \
				  "error: %#llx " #ncmp " %#llx\n", \
				  (unsigned long long)__n1, \
				  (unsigned long long)__n2); \
} while (0)

#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpu64((uint32_t)(n1), ==, !=, (uint32_t)(n2))
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)

#define igt_require(expr) do { \
	if (!(expr)) \
		igt_skip("Test requirement not met in function %s, file %s:%d:\n" \
			 "Test requirement: %s\n", __func__, __FILE__, \
			 __LINE__, #expr); \
} while (0)

#define igt_require_f(expr, f...) do { \
	if (!(expr)) { \
		igt_info("Test requirement not met in function %s, file %s:%d:\n" \
			 "Test requirement: %s\n", __func__, __FILE__, \
			 __LINE__, #expr); \
		igt_skip(f); \
	} \
} while (0)

#define igt_skip_on(expr) igt_require(!(expr))
#define igt_skip_on_f(expr, f...) igt_require_f(!(expr), f)

#endif /* IGT_CORE_H */
