/* SPDX-License-Identifier: MIT */
/*
 * A small runtime compatible with the subset of IGT GPU Tools' igt_core.h
 * the vcoh tests use, for systems that ship IGT without its headers. It
 * keeps IGT's names, signatures and behaviour: subtest enumeration and
 * selection (--list-subtests, --show-testlist, --describe, --run-subtest,
 * --dynamic-subtest), dynamic subtests, subtest groups, the output lines
 * igt_runner parses (on stdout, and on stderr too when the runner asks
 * with IGT_SENTINEL_ON_STDERR), the [IGT] kmsg markers, igt_fork and the
 * exit codes. What it leaves out: the runner's socket protocol (the
 * runner then parses the output), the log ring buffer dumped on failure,
 * hooks, device filters and interactive debugging. Building with IGT_DIR
 * set uses real IGT instead of this directory.
 */
#ifndef IGT_CORE_H
#define IGT_CORE_H

#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_ABORT		112

#define __igt_tokencat2(x, y) x ## y
#define igt_tokencat(x, y) __igt_tokencat2(x, y)
#define igt_unique(prefix) \
	igt_tokencat(igt_tokencat(__igt_unique__, prefix), __LINE__)

/* The weak reference lets --help-description tell a test without one. */
#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = (str)

/* Fixtures. */
bool __igt_fixture(void);
void __igt_fixture_complete(void);
__attribute__((noreturn)) void __igt_fixture_end(void);
#define igt_fixture \
	for (volatile int igt_unique(__tmpint) = 0; \
	     igt_unique(__tmpint) < 1 && __igt_fixture() && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_unique(__tmpint)++, __igt_fixture_complete())

/* Subtests. */
extern sigjmp_buf igt_subtest_jmpbuf;
extern sigjmp_buf igt_dynamic_jmpbuf;

typedef int (*igt_opt_handler_t)(int opt, int opt_index, void *data);
#define IGT_OPT_HANDLER_SUCCESS 0
#define IGT_OPT_HANDLER_ERROR -2

int igt_subtest_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);
#define igt_subtest_init(argc, argv) \
	igt_subtest_init_parse_opts(&(argc), (argv), NULL, NULL, NULL, NULL, NULL)

bool __igt_run_subtest(const char *subtest_name, const char *file,
		       const int line);
bool __igt_enter_dynamic_container(void);
bool __igt_run_dynamic_subtest(const char *dynamic_subtest_name);

#define igt_subtest(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())

#define __igt_subtest_f(tmp, format...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), format), \
	     __igt_run_subtest(tmp, __FILE__, __LINE__) && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())
#define igt_subtest_f(f...) __igt_subtest_f(igt_unique(__tmpchar), f)

/*
 * A subtest whose results are its igt_dynamic() blocks: it fails if one
 * of them fails, and skips if none ran. The body itself may skip, but
 * must not fail outside a dynamic subtest.
 */
#define igt_subtest_with_dynamic(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       __igt_enter_dynamic_container() && \
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())

#define __igt_subtest_with_dynamic_f(tmp, format...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), format), \
	     __igt_run_subtest(tmp, __FILE__, __LINE__) && \
	     __igt_enter_dynamic_container() && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())
#define igt_subtest_with_dynamic_f(f...) \
	__igt_subtest_with_dynamic_f(igt_unique(__tmpchar), f)

#define igt_dynamic(name) \
	for (; __igt_run_dynamic_subtest((name)) && \
	       sigsetjmp(igt_dynamic_jmpbuf, 1) == 0; \
	     igt_success())

#define __igt_dynamic_f(tmp, format...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), format), \
	     __igt_run_dynamic_subtest(tmp) && \
	     sigsetjmp(igt_dynamic_jmpbuf, 1) == 0; \
	     igt_success())
#define igt_dynamic_f(f...) __igt_dynamic_f(igt_unique(__tmpchar), f)

const char *igt_subtest_name(void);
const char *igt_dynamic_subtest_name(void);
bool igt_only_list_subtests(void);
const char *igt_test_name(void);

/*
 * A group's fixture that skips or fails affects the group's subtests
 * only; a description before the group applies to all of them.
 */
void __igt_subtest_group_save(int *save, int *desc);
void __igt_subtest_group_restore(int save, int desc);
#define igt_subtest_group \
	for (int igt_unique(__tmpint) = 0, igt_unique(__save) = 0, \
	     igt_unique(__desc) = 0; \
	     igt_unique(__tmpint) < 1 && \
	     (__igt_subtest_group_save(&igt_unique(__save), \
				       &igt_unique(__desc)), true); \
	     igt_unique(__tmpint)++, \
	     __igt_subtest_group_restore(igt_unique(__save), \
					 igt_unique(__desc)))

#define igt_main_args(short_opts, long_opts, help_str, opt_handler, handler_data) \
	static void igt_unique(__real_main)(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init_parse_opts(&argc, argv, short_opts, long_opts, \
					    help_str, opt_handler, \
					    handler_data); \
		igt_unique(__real_main)(); \
		igt_exit(); \
	} \
	static void igt_unique(__real_main)(void)

#define igt_main igt_main_args(NULL, NULL, NULL, NULL, NULL)

/* Results. */
bool igt_can_fail(void);
void igt_success(void);
__attribute__((noreturn)) void igt_exit(void);
__attribute__((noreturn)) void igt_fail(int exitcode);
__attribute__((noreturn, format(printf, 1, 2))) void igt_skip(const char *f, ...);
__attribute__((noreturn, format(printf, 5, 6)))
void __igt_skip_check(const char *file, const int line, const char *func,
		      const char *check, const char *f, ...);
#define igt_skip_check(E, F...) \
	__igt_skip_check(__FILE__, __LINE__, __func__, E, F)
__attribute__((noreturn, format(printf, 6, 7)))
void __igt_fail_assert(const char *domain, const char *file, const int line,
		       const char *func, const char *assertion,
		       const char *f, ...);

void igt_describe_f(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define igt_describe(dsc) igt_describe_f("%s", dsc)

/* Logging. */
enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};
extern enum igt_log_level igt_log_level;

__attribute__((format(printf, 3, 4)))
void igt_log(const char *domain, enum igt_log_level level, const char *format, ...);
__attribute__((format(printf, 3, 0)))
void igt_vlog(const char *domain, enum igt_log_level level, const char *format,
	      va_list args);

#define igt_debug(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, f)
#define igt_info(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, f)
#define igt_warn(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, f)
#define igt_critical(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, f)

#define igt_warn_on(condition) ({ \
	typeof(condition) ret__ = (condition); \
	if (ret__) \
		igt_warn("Warning on condition %s in function %s, file %s:%i\n", \
			 #condition, __func__, __FILE__, __LINE__); \
	ret__; \
})

#define igt_debug_on(condition) ({ \
	typeof(condition) ret__ = (condition); \
	if (ret__) \
		igt_debug("Condition %s occurred in function %s, file %s:%i\n", \
			  #condition, __func__, __FILE__, __LINE__); \
	ret__; \
})

/*
 * A line for the kernel log; the format starts with one of the KMSG_
 * prefixes. igt_runner flags lines at its --dmesg-warn-level (4) or
 * below: what a test announces goes out as KMSG_INFO.
 */
__attribute__((format(printf, 1, 2))) void igt_kmsg(const char *format, ...);
#define KMSG_EMER	"<0>[IGT] "
#define KMSG_ALERT	"<1>[IGT] "
#define KMSG_CRIT	"<2>[IGT] "
#define KMSG_ERR	"<3>[IGT] "
#define KMSG_WARNING	"<4>[IGT] "
#define KMSG_NOTICE	"<5>[IGT] "
#define KMSG_INFO	"<6>[IGT] "
#define KMSG_DEBUG	"<7>[IGT] "

/*
 * Tells the runner to ignore the kernel-log lines that match @regex (an
 * extended regular expression) until the next subtest or dynamic subtest
 * starts: for a test that makes the kernel warn on purpose. Asserts that
 * @regex compiles.
 */
void igt_emit_ignore_dmesg_regex(const char *regex);

/* Assertions and requirements. */
#define igt_assert(expr) do { \
	if (!(expr)) \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
				  #expr, NULL); \
} while (0)

#define igt_assert_f(expr, f...) do { \
	if (!(expr)) \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
				  #expr, f); \
} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, f...) igt_assert_f(!(expr), f)

#define __igt_assert_cmp(type, fmt, cast, n1, cmp, ncmp, n2) do { \
	type __n1 = (n1), __n2 = (n2); \
	if (!(__n1 cmp __n2)) \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, __func__, \
				  #n1 " " #cmp " " #n2, \
				  "error: " fmt " " #ncmp " " fmt "\n", \
				  (cast)__n1, (cast)__n2); \
} while (0)

#define igt_assert_cmpint(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(int, "%d", int, n1, cmp, ncmp, n2)
#define igt_assert_cmpuint(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(uint32_t, "%#x", uint32_t, n1, cmp, ncmp, n2)
#define igt_assert_cmps64(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(int64_t, "%lld", long long, n1, cmp, ncmp, n2)
#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(uint64_t, "%#llx", long long, n1, cmp, ncmp, n2)

#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_eq_s64(n1, n2) igt_assert_cmps64(n1, ==, !=, n2)

#define igt_require(expr) do { \
	if (!(expr)) \
		igt_skip_check(#expr, NULL); \
	else \
		igt_debug("Test requirement passed: %s\n", #expr); \
} while (0)

#define igt_require_f(expr, f...) do { \
	if (!(expr)) \
		igt_skip_check(#expr, f); \
	else \
		igt_debug("Test requirement passed: %s\n", #expr); \
} while (0)

#define igt_skip_on(expr) do { \
	if ((expr)) \
		igt_skip_check("!(" #expr ")", NULL); \
	else \
		igt_debug("Test requirement passed: !(%s)\n", #expr); \
} while (0)

#define igt_skip_on_f(expr, f...) do { \
	if ((expr)) \
		igt_skip_check("!(" #expr ")", f); \
	else \
		igt_debug("Test requirement passed: !(%s)\n", #expr); \
} while (0)

/*
 * Children that run in parallel with the test inside a subtest: a failed
 * assertion in one exits it with its code, and igt_waitchildren() fails
 * the subtest then. A child may not skip.
 */
bool __igt_fork(void);
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); exit(0))
int __igt_waitchildren(void);
void igt_waitchildren(void);
void igt_kill_children(int signal);

/*
 * Called once when the test exits, normally or by a fatal signal (then
 * with the signal's number, else 0), in the reverse order of their
 * installation. Forked children start with none.
 */
typedef void (*igt_exit_handler_t)(int sig);
void igt_install_exit_handler(igt_exit_handler_t fn);

#endif /* IGT_CORE_H */
