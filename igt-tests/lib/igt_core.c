// SPDX-License-Identifier: MIT
/*
 * Subtest bookkeeping, logging and exit codes with IGT's behaviour; see
 * igt_core.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "igt_core.h"

sigjmp_buf igt_subtest_jmpbuf;

extern const char *__igt_test_description __attribute__((weak));

static const char *command_str;
static bool list_subtests;
static const char *run_subtest;
static bool run_subtest_found;
static bool debug_log;

static const char *in_subtest;
static bool in_fixture;
static struct timespec subtest_start;
static char description[4096];

/* Result every later subtest gets after a fixture failed or skipped. */
static const char *skip_subtests_henceforth;
static bool failed_one, succeeded_one, skipped_one;
static int igt_exitcode = IGT_EXIT_SUCCESS;

static void kmsg(const char *f, ...) __attribute__((format(printf, 1, 2)));
static void kmsg(const char *f, ...)
{
	char buf[512];
	va_list ap;
	int fd, n;

	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "<6>[IGT] %s: ", command_str);
	va_start(ap, f);
	vsnprintf(buf + n, sizeof(buf) - n, f, ap);
	va_end(ap);
	if (write(fd, buf, strlen(buf)) < 0)
		errno = 0;
	close(fd);
}

static void print_usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTIONS]\n"
		"  --list-subtests\n"
		"  --run-subtest <pattern>\n"
		"  --debug\n"
		"  --help-description\n"
		"  --help|-h\n", command_str);
}

void igt_subtest_init_parse_opts(int *argc, char **argv)
{
	static const struct option opts[] = {
		{ "list-subtests", no_argument, NULL, 'l' },
		{ "run-subtest", required_argument, NULL, 'r' },
		{ "debug", optional_argument, NULL, 'd' },
		{ "help-description", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	command_str = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	while ((c = getopt_long(*argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list_subtests = true;
			break;
		case 'r':
			run_subtest = optarg;
			break;
		case 'd':
			debug_log = true;
			break;
		case 'D':
			if (&__igt_test_description)
				printf("%s\n", __igt_test_description);
			exit(IGT_EXIT_SUCCESS);
		case 'h':
			print_usage(stdout);
			exit(IGT_EXIT_SUCCESS);
		default:
			print_usage(stderr);
			exit(IGT_EXIT_INVALID);
		}
	}
	*argc -= optind - 1;

	if (!list_subtests)
		kmsg("executing\n");
}

bool igt_only_list_subtests(void)
{
	return list_subtests;
}

void igt_log(const char *domain, enum igt_log_level level, const char *f, ...)
{
	static const char * const names[] = { "DEBUG", "INFO", "WARNING", "CRITICAL" };
	FILE *out = level >= IGT_LOG_WARN ? stderr : stdout;
	va_list ap;

	if (level == IGT_LOG_DEBUG && !debug_log)
		return;
	if (list_subtests && level < IGT_LOG_WARN)
		return;
	if (level != IGT_LOG_INFO)
		fprintf(out, "(%s:%d) %s%s%s: ", command_str, getpid(),
			domain ?: "", domain ? "-" : "", names[level]);
	va_start(ap, f);
	vfprintf(out, f, ap);
	va_end(ap);
	fflush(out);
}

void igt_describe_f(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(description, sizeof(description), f, ap);
	va_end(ap);
}

bool __igt_fixture(void)
{
	if (list_subtests || skip_subtests_henceforth)
		return false;
	in_fixture = true;
	return true;
}

void __igt_fixture_complete(void)
{
	in_fixture = false;
}

static bool valid_subtest_name(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (*name != '_' && *name != '-' &&
		    !(*name >= 'a' && *name <= 'z') &&
		    !(*name >= 'A' && *name <= 'Z') &&
		    !(*name >= '0' && *name <= '9'))
			return false;
	return true;
}

/* IGT's --run-subtest takes a comma-separated list of glob patterns. */
static bool subtest_selected(const char *name)
{
	char patterns[1024], *p, *save;

	if (!run_subtest)
		return true;
	snprintf(patterns, sizeof(patterns), "%s", run_subtest);
	for (p = strtok_r(patterns, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (fnmatch(p, name, 0) == 0)
			return true;
	return false;
}

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - subtest_start.tv_sec) +
	       (now.tv_nsec - subtest_start.tv_nsec) * 1e-9;
}

__attribute__((noreturn)) static void exit_subtest(const char *result)
{
	printf("Subtest %s: %s (%.3fs)\n", in_subtest, result, elapsed());
	fflush(stdout);
	kmsg("finished subtest %s, %s\n", in_subtest, result);
	in_subtest = NULL;
	description[0] = '\0';
	siglongjmp(igt_subtest_jmpbuf, 1);
}

bool __igt_run_subtest(const char *name, const char *file, int line)
{
	if (!valid_subtest_name(name)) {
		igt_critical("Invalid subtest name \"%s\" at %s:%d.\n",
			     name, file, line);
		exit(IGT_EXIT_INVALID);
	}
	if (list_subtests) {
		printf("%s\n", name);
		description[0] = '\0';
		return false;
	}
	if (!subtest_selected(name)) {
		description[0] = '\0';
		return false;
	}
	run_subtest_found = true;

	printf("Starting subtest: %s\n", name);
	fflush(stdout);
	kmsg("starting subtest %s\n", name);
	clock_gettime(CLOCK_MONOTONIC, &subtest_start);
	in_subtest = name;

	if (skip_subtests_henceforth) {
		if (!strcmp(skip_subtests_henceforth, "FAIL"))
			failed_one = true;
		else
			skipped_one = true;
		printf("Subtest %s: %s (0.000s)\n", name, skip_subtests_henceforth);
		kmsg("finished subtest %s, %s\n", name, skip_subtests_henceforth);
		in_subtest = NULL;
		return false;
	}
	return true;
}

void __igt_subtest_complete(void)
{
	succeeded_one = true;
	exit_subtest("SUCCESS");
}

void igt_skip(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vprintf(f, ap);
	va_end(ap);

	if (in_subtest) {
		skipped_one = true;
		exit_subtest("SKIP");
	}
	if (in_fixture) {
		skip_subtests_henceforth = "SKIP";
		siglongjmp(igt_subtest_jmpbuf, 1);
	}
	exit(IGT_EXIT_SKIP);
}

void igt_fail(int exitcode)
{
	if (!failed_one)
		igt_exitcode = exitcode;
	failed_one = true;

	if (in_subtest)
		exit_subtest("FAIL");
	if (in_fixture) {
		skip_subtests_henceforth = "FAIL";
		siglongjmp(igt_subtest_jmpbuf, 1);
	}
	igt_exit();
}

void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *assertion, const char *f, ...)
{
	int err = errno;
	va_list ap;

	igt_critical("Test assertion failure function %s, file %s:%d:\n",
		     func, file, line);
	igt_critical("Failed assertion: %s\n", assertion);
	if (err)
		igt_critical("Last errno: %d, %s\n", err, strerror(err));
	if (f) {
		char msg[1024];

		va_start(ap, f);
		vsnprintf(msg, sizeof(msg), f, ap);
		va_end(ap);
		igt_critical("%s", msg);
	}
	igt_fail(IGT_EXIT_FAILURE);
}

void igt_exit(void)
{
	int ret;

	if (list_subtests)
		exit(IGT_EXIT_SUCCESS);
	if (run_subtest && !run_subtest_found) {
		igt_critical("Unknown subtest: %s\n", run_subtest);
		exit(IGT_EXIT_INVALID);
	}

	if (failed_one)
		ret = igt_exitcode;
	else if (skipped_one && !succeeded_one)
		ret = IGT_EXIT_SKIP;
	else
		ret = IGT_EXIT_SUCCESS;

	kmsg("exiting, ret=%d\n", ret);
	exit(ret);
}
