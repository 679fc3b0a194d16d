// SPDX-License-Identifier: MIT
/*
 * Subtest bookkeeping, options, logging, forking and exit codes with
 * IGT's behaviour; see igt_core.h.
 */
#define IGT_LOG_DOMAIN "igt_core"

#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "igt_core.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

sigjmp_buf igt_subtest_jmpbuf;
sigjmp_buf igt_dynamic_jmpbuf;

enum igt_log_level igt_log_level = IGT_LOG_INFO;

extern const char *__igt_test_description __attribute__((weak));

static const char *command_str;
static bool list_subtests, show_testlist, describe_subtests;
static char *run_single_subtest, *run_single_dynamic_subtest;
static bool run_single_subtest_found;
static char *log_domain_filter;
static bool plain_output, stderr_needs_sentinel;

static bool in_fixture;
static const char *in_subtest, *in_dynamic_subtest;
static struct timespec subtest_time, dynamic_subtest_time;
/* Dynamic subtests run in the current container; -1 outside one. */
static int dynamic_tests_executed = -1;

/* What every later subtest gets after a fixture skipped or failed. */
enum { CONT, SKIP, FAIL };
static int skip_subtests_henceforth;
static bool skipped_one, succeeded_one, failed_one, dynamic_failed_one;
static int igt_exitcode = IGT_EXIT_SUCCESS;
static bool exit_called;

/* --describe: the next subtest's description, and its groups'. */
static char current_description[4096];
#define MAX_GROUP_DEPTH 16
static char *group_descriptions[MAX_GROUP_DEPTH];
static int group_depth;

static bool test_child;
static pid_t *test_children;
static int num_test_children, test_children_size;

#define MAX_EXIT_HANDLERS 16
static igt_exit_handler_t exit_handlers[MAX_EXIT_HANDLERS];
static int num_exit_handlers;

/* A misuse of the API: say what it is and abort, as IGT does. */
static void internal_assert(bool cond, const char *msg)
{
	if (cond)
		return;
	fprintf(stderr, "%s", msg);
	fprintf(stderr, "please refer to lib/igt_core documentation\n");
	abort();
}

static double elapsed_since(const struct timespec *then)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - then->tv_sec) +
	       (now.tv_nsec - then->tv_nsec) * 1e-9;
}

void igt_kmsg(const char *format, ...)
{
	va_list ap;
	FILE *kmsg;

	kmsg = fopen("/dev/kmsg", "w");
	if (!kmsg)
		return;
	va_start(ap, format);
	vfprintf(kmsg, format, ap);
	va_end(ap);
	fclose(kmsg);
}

void igt_emit_ignore_dmesg_regex(const char *regex)
{
	regex_t re;

	igt_assert_f(regcomp(&re, regex, REG_EXTENDED | REG_NOSUB) == 0,
		     "Error in regexp: %s\n", regex);
	regfree(&re);
	igt_kmsg(KMSG_INFO "add ignored dmesg regex: %s\n", regex);
}

/*
 * Logging: warnings and above on stderr, the rest on stdout. The last 256
 * lines, of every level, are kept and dumped on stderr when the subtest
 * (or its dynamic subtest) fails.
 */
static __thread bool log_line_continues;
static char *log_buffer[256];
static uint8_t log_start, log_end;

static void log_buffer_append(char *line)
{
	free(log_buffer[log_end]);
	log_buffer[log_end++] = line;
	if (log_end == log_start)
		log_start++;
}

static void log_buffer_reset(void)
{
	log_start = log_end = 0;
}

static void log_buffer_dump(void)
{
	uint8_t i = log_start;

	/*
	 * A container fails because a dynamic subtest failed, which dumped
	 * its log already: the last one's lines would only look like a
	 * warning of it to the runner.
	 */
	if (in_subtest && !in_dynamic_subtest && dynamic_tests_executed >= 0) {
		log_buffer_reset();
		return;
	}
	if (in_dynamic_subtest)
		fprintf(stderr, "Dynamic subtest %s failed.\n", in_dynamic_subtest);
	else if (in_subtest)
		fprintf(stderr, "Subtest %s failed.\n", in_subtest);
	else
		fprintf(stderr, "Test %s failed.\n", command_str);
	if (log_start == log_end) {
		fprintf(stderr, "No log.\n");
		return;
	}
	fprintf(stderr, "**** DEBUG ****\n");
	do
		fputs(log_buffer[i++], stderr);
	while (i != log_start && i != log_end);
	fprintf(stderr, "****  END  ****\n");
	fflush(stderr);
	log_buffer_reset();
}

void igt_vlog(const char *domain, enum igt_log_level level, const char *format,
	      va_list args)
{
	static const char * const names[] = {
		"DEBUG", "INFO", "WARNING", "CRITICAL", "NONE",
	};
	char *line, *formatted;
	FILE *out;

	if (igt_only_list_subtests() && level <= IGT_LOG_WARN)
		return;
	if (vasprintf(&line, format, args) < 0)
		return;

	/* A line continued by the next call gets no second prefix. */
	if (log_line_continues)
		formatted = strdup(line);
	else if (asprintf(&formatted, "(%s:%d) %s%s%s: %s",
			  program_invocation_short_name, getpid(), domain ?: "",
			  domain ? "-" : "", names[level], line) < 0)
		formatted = NULL;
	if (!formatted)
		goto out;
	log_line_continues = line[0] && line[strlen(line) - 1] != '\n';
	log_buffer_append(formatted);

	if (igt_log_level > level)
		goto out;
	if (log_domain_filter &&
	    (domain ? strcmp(log_domain_filter, domain) :
		      strcmp(log_domain_filter, "application")))
		goto out;

	if (level >= IGT_LOG_WARN) {
		fflush(stdout);
		out = stderr;
	} else {
		out = stdout;
	}
	fputs(level == IGT_LOG_INFO ? line : formatted, out);
	fflush(out);
out:
	free(line);
}

void igt_log(const char *domain, enum igt_log_level level, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	igt_vlog(domain, level, format, ap);
	va_end(ap);
}

/*
 * IGT's name patterns (RFC 3977 wildmat): a comma-separated list of shell
 * globs, each possibly negated by a leading '!'; the last one that
 * matches decides.
 */
static bool name_matches(const char *name, const char *patterns)
{
	char *list = strdup(patterns), *p, *save;
	bool match = false;

	internal_assert(list, "out of memory\n");
	for (p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		bool negated = *p == '!';

		if (fnmatch(p + negated, name, 0) == 0)
			match = !negated;
	}
	free(list);
	return match;
}

static bool valid_name_for_subtest(const char *name)
{
	for (; *name; name++)
		if (*name != '_' && *name != '-' &&
		    !(*name >= 'a' && *name <= 'z') &&
		    !(*name >= 'A' && *name <= 'Z') &&
		    !(*name >= '0' && *name <= '9'))
			return false;
	return true;
}

/* Words of @text on lines of at most 80 columns, each after @indent. */
static void print_wrapped(const char *indent, const char *text)
{
	const int width = 80 - (int)strlen(indent);
	int column = 0;

	printf("%s", indent);
	while (*text) {
		const char *end = strchrnul(text, ' ');
		int n = end - text;

		if (column && column + 1 + n > width) {
			printf("\n%s", indent);
			column = 0;
		}
		printf("%s%.*s", column ? " " : "", n, text);
		column += (column ? 1 : 0) + n;
		text = *end ? end + 1 : end;
	}
	printf("\n");
}

static void print_test_description(void)
{
	if (!&__igt_test_description)
		return;
	print_wrapped("", __igt_test_description);
	if (describe_subtests)
		printf("\n");
}

static void print_subtest_description(const char *name, const char *file,
				      int line)
{
	bool documented = false;

	printf("SUB %s %s:%d:\n", name, file, line);
	for (int i = 0; i < group_depth; i++) {
		if (!group_descriptions[i])
			continue;
		print_wrapped("  ", group_descriptions[i]);
		printf("\n");
		documented = true;
	}
	if (current_description[0]) {
		print_wrapped("  ", current_description);
		printf("\n");
		documented = true;
	}
	if (!documented)
		printf("  NO DOCUMENTATION!\n\n");
}

static void print_usage(const char *help_str, bool on_stderr)
{
	FILE *f = on_stderr ? stderr : stdout;

	fprintf(f, "Usage: %s [OPTIONS]\n", command_str);
	fprintf(f, "  --list-subtests\n"
		   "  --show-testlist\n"
		   "  --run-subtest <pattern>\n"
		   "  --dynamic-subtest <pattern>\n"
		   "  --debug[=log-domain]\n"
		   "  --help-description\n"
		   "  --describe\n"
		   "  --help|-h\n");
	if (help_str)
		fprintf(f, "%s\n", help_str);
}

/* Fatal signals: a crash ends the subtest as CRASH, the rest ends the test. */
static const struct {
	int number;
	const char *name;
} handled_signals[] = {
	{ SIGINT, NULL }, { SIGHUP, NULL }, { SIGPIPE, NULL }, { SIGTERM, NULL },
	{ SIGQUIT, "SIGQUIT" }, { SIGABRT, "SIGABRT" }, { SIGSEGV, "SIGSEGV" },
	{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" },
};

__attribute__((noreturn)) static void exit_subtest(const char *result);

static void call_exit_handlers(int sig)
{
	int n = num_exit_handlers;

	/* Each runs once, even if it raises a signal itself. */
	num_exit_handlers = 0;
	while (n--)
		exit_handlers[n](sig);
}

static void restore_signal_handlers(void)
{
	for (size_t i = 0; i < ARRAY_LEN(handled_signals); i++)
		signal(handled_signals[i].number, SIG_DFL);
}

static void fatal_signal_handler(int sig)
{
	for (size_t i = 0; i < ARRAY_LEN(handled_signals); i++) {
		const char *name = handled_signals[i].name;

		if (handled_signals[i].number != sig)
			continue;
		if (name && write(STDERR_FILENO, "Received signal ", 16) >= 0 &&
		    write(STDERR_FILENO, name, strlen(name)) >= 0 &&
		    write(STDERR_FILENO, ".\n", 2) >= 0)
			errno = 0;
		if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE) {
			if (!failed_one)
				igt_exitcode = 128 + sig;
			failed_one = true;
			if (in_subtest && !test_child)
				exit_subtest("CRASH");
		}
		break;
	}
	restore_signal_handlers();
	call_exit_handlers(sig);
	raise(sig);
}

static void atexit_handler(void)
{
	restore_signal_handlers();
	call_exit_handlers(0);
}

void igt_install_exit_handler(igt_exit_handler_t fn)
{
	static bool installed;

	for (int i = 0; i < num_exit_handlers; i++)
		if (exit_handlers[i] == fn)
			return;
	igt_assert(num_exit_handlers < MAX_EXIT_HANDLERS);
	exit_handlers[num_exit_handlers++] = fn;

	if (installed)
		return;
	installed = true;
	for (size_t i = 0; i < ARRAY_LEN(handled_signals); i++)
		igt_assert(signal(handled_signals[i].number,
				  fatal_signal_handler) != SIG_ERR);
	igt_assert(atexit(atexit_handler) == 0);
}

static void common_exit_handler(int sig)
{
	/* Leaving main() without igt_exit() is a bug in the test. */
	if (!sig && !exit_called && !test_child)
		fprintf(stderr, "%s: exiting without igt_exit()\n", command_str);
}

enum {
	OPT_LIST_SUBTESTS = 500,
	OPT_SHOW_TESTLIST,
	OPT_DESCRIBE_SUBTESTS,
	OPT_RUN_SUBTEST,
	OPT_RUN_DYNAMIC_SUBTEST,
	OPT_DESCRIPTION,
	OPT_DEBUG,
	OPT_HELP = 'h',
};

int igt_subtest_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data)
{
	static const struct option std_opts[] = {
		{ "list-subtests", no_argument, NULL, OPT_LIST_SUBTESTS },
		{ "show-testlist", no_argument, NULL, OPT_SHOW_TESTLIST },
		{ "describe", optional_argument, NULL, OPT_DESCRIBE_SUBTESTS },
		{ "run-subtest", required_argument, NULL, OPT_RUN_SUBTEST },
		{ "dynamic-subtest", required_argument, NULL, OPT_RUN_DYNAMIC_SUBTEST },
		{ "help-description", no_argument, NULL, OPT_DESCRIPTION },
		{ "debug", optional_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, OPT_HELP },
		{}
	};
	struct option *opts;
	char *short_opts;
	const char *env;
	int n_extra = 0, opt_index = 0, c, ret = 0;

	env = getenv("IGT_LOG_LEVEL");
	if (env) {
		if (!strcmp(env, "debug"))
			igt_log_level = IGT_LOG_DEBUG;
		else if (!strcmp(env, "info"))
			igt_log_level = IGT_LOG_INFO;
		else if (!strcmp(env, "warn"))
			igt_log_level = IGT_LOG_WARN;
		else if (!strcmp(env, "none"))
			igt_log_level = IGT_LOG_NONE;
	}
	plain_output = !isatty(STDOUT_FILENO) || getenv("IGT_PLAIN_OUTPUT");
	stderr_needs_sentinel = getenv("IGT_SENTINEL_ON_STDERR");
	errno = 0;

	command_str = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	while (extra_long_opts && extra_long_opts[n_extra].name)
		n_extra++;
	opts = calloc(n_extra + ARRAY_LEN(std_opts), sizeof(*opts));
	internal_assert(opts, "out of memory\n");
	if (n_extra)
		memcpy(opts, extra_long_opts, n_extra * sizeof(*opts));
	memcpy(opts + n_extra, std_opts, sizeof(std_opts));
	internal_assert(asprintf(&short_opts, "%sh", extra_short_opts ?: "") > 0,
			"out of memory\n");

	while ((c = getopt_long(*argc, argv, short_opts, opts, &opt_index)) != -1) {
		switch (c) {
		case OPT_LIST_SUBTESTS:
			if (!run_single_subtest)
				list_subtests = true;
			break;
		case OPT_SHOW_TESTLIST:
			show_testlist = true;
			break;
		case OPT_DESCRIBE_SUBTESTS:
			if (optarg)
				run_single_subtest = strdup(optarg);
			list_subtests = true;
			describe_subtests = true;
			print_test_description();
			break;
		case OPT_RUN_SUBTEST:
			if (!igt_only_list_subtests())
				run_single_subtest = strdup(optarg);
			break;
		case OPT_RUN_DYNAMIC_SUBTEST:
			if (!igt_only_list_subtests())
				run_single_dynamic_subtest = strdup(optarg);
			break;
		case OPT_DESCRIPTION:
			print_test_description();
			ret = -1;
			goto out;
		case OPT_DEBUG:
			igt_log_level = IGT_LOG_DEBUG;
			if (optarg && *optarg)
				log_domain_filter = strdup(optarg);
			break;
		case OPT_HELP:
			print_usage(help_str, false);
			ret = -1;
			goto out;
		case '?':
			print_usage(help_str, true);
			ret = -2;
			goto out;
		default:
			ret = extra_opt_handler ?
			      extra_opt_handler(c, opt_index, handler_data) :
			      IGT_OPT_HANDLER_ERROR;
			if (ret)
				goto out;
		}
	}
out:
	free(short_opts);
	free(opts);
	if (ret < 0)
		exit(ret == -1 ? IGT_EXIT_SUCCESS : IGT_EXIT_INVALID);

	if (!igt_only_list_subtests())
		igt_kmsg(KMSG_INFO "%s: executing\n", command_str);
	igt_install_exit_handler(common_exit_handler);

	for (int i = 0; optind + i < *argc; i++)
		argv[i + 1] = argv[optind + i];
	*argc = *argc - optind + 1;
	return ret;
}

bool igt_only_list_subtests(void)
{
	return list_subtests || show_testlist;
}

const char *igt_test_name(void)
{
	return command_str;
}

const char *igt_subtest_name(void)
{
	return in_subtest;
}

const char *igt_dynamic_subtest_name(void)
{
	return in_dynamic_subtest;
}

bool igt_can_fail(void)
{
	return in_fixture || in_subtest;
}

void igt_describe_f(const char *fmt, ...)
{
	va_list ap;

	internal_assert(!in_subtest || dynamic_tests_executed < 0,
			"documenting dynamic subsubtests is impossible, document the subtest instead.\n");
	if (!describe_subtests)
		return;
	va_start(ap, fmt);
	vsnprintf(current_description, sizeof(current_description), fmt, ap);
	va_end(ap);
}

bool __igt_fixture(void)
{
	internal_assert(!in_fixture, "nesting multiple igt_fixtures is invalid\n");
	internal_assert(!in_subtest, "nesting igt_fixture in igt_subtest is invalid\n");
	if (igt_only_list_subtests() || skip_subtests_henceforth)
		return false;
	in_fixture = true;
	return true;
}

void __igt_fixture_complete(void)
{
	in_fixture = false;
}

void __igt_fixture_end(void)
{
	in_fixture = false;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

void __igt_subtest_group_save(int *save, int *desc)
{
	internal_assert(group_depth < MAX_GROUP_DEPTH,
			"igt_subtest_group nested too deeply\n");
	*desc = current_description[0] != '\0';
	group_descriptions[group_depth++] =
		*desc ? strdup(current_description) : NULL;
	current_description[0] = '\0';
	*save = skip_subtests_henceforth;
}

void __igt_subtest_group_restore(int save, int desc)
{
	(void)desc;
	free(group_descriptions[--group_depth]);
	group_descriptions[group_depth] = NULL;
	skip_subtests_henceforth = save;
}

static void subtest_result_message(bool dynamic, const char *name,
				   const char *result, double seconds)
{
	const char *kind = dynamic ? "Dynamic subtest" : "Subtest";

	printf("%s%s %s: %s (%.3fs)%s\n", plain_output ? "" : "\x1b[1m", kind,
	       name, result, seconds, plain_output ? "" : "\x1b[0m");
	fflush(stdout);
	if (stderr_needs_sentinel)
		fprintf(stderr, "%s %s: %s (%.3fs)\n", kind, name, result, seconds);
}

static void subtest_starting_message(bool dynamic, const char *name)
{
	const char *kind = dynamic ? "dynamic subtest" : "subtest";

	igt_info("Starting %s: %s\n", kind, name);
	fflush(stdout);
	if (stderr_needs_sentinel)
		fprintf(stderr, "Starting %s: %s\n", kind, name);
}

bool __igt_run_subtest(const char *subtest_name, const char *file,
		       const int line)
{
	internal_assert(!igt_can_fail(),
			"igt_subtest can be nested only in igt_main or igt_subtest_group\n");

	if (!valid_name_for_subtest(subtest_name)) {
		igt_critical("Invalid subtest name \"%s\".\n", subtest_name);
		exit(IGT_EXIT_INVALID);
	}

	if (run_single_subtest) {
		if (!name_matches(subtest_name, run_single_subtest)) {
			current_description[0] = '\0';
			return false;
		}
		run_single_subtest_found = true;
	}

	if (describe_subtests) {
		print_subtest_description(subtest_name, file, line);
		current_description[0] = '\0';
		return false;
	} else if (show_testlist) {
		printf("igt@%s@%s\n", command_str, subtest_name);
		return false;
	} else if (list_subtests) {
		printf("%s\n", subtest_name);
		return false;
	}

	if (skip_subtests_henceforth) {
		subtest_result_message(false, subtest_name,
				       skip_subtests_henceforth == SKIP ? "SKIP" : "FAIL",
				       0.0);
		return false;
	}

	igt_kmsg(KMSG_INFO "%s: starting subtest %s\n", command_str, subtest_name);
	subtest_starting_message(false, subtest_name);
	log_buffer_reset();
	clock_gettime(CLOCK_MONOTONIC, &subtest_time);
	in_subtest = subtest_name;
	return true;
}

bool __igt_enter_dynamic_container(void)
{
	dynamic_tests_executed = 0;
	dynamic_failed_one = false;
	return true;
}

bool __igt_run_dynamic_subtest(const char *dynamic_subtest_name)
{
	internal_assert(in_subtest && dynamic_tests_executed >= 0,
			"igt_dynamic is allowed only inside igt_subtest_with_dynamic\n");
	internal_assert(!in_dynamic_subtest,
			"igt_dynamic is not allowed to be nested in another igt_dynamic\n");

	if (!valid_name_for_subtest(dynamic_subtest_name)) {
		igt_critical("Invalid dynamic subtest name \"%s\".\n",
			     dynamic_subtest_name);
		exit(IGT_EXIT_INVALID);
	}
	if (run_single_dynamic_subtest &&
	    !name_matches(dynamic_subtest_name, run_single_dynamic_subtest))
		return false;

	igt_kmsg(KMSG_INFO "%s: starting dynamic subtest %s\n", command_str,
		 dynamic_subtest_name);
	subtest_starting_message(true, dynamic_subtest_name);
	log_buffer_reset();
	dynamic_tests_executed++;
	clock_gettime(CLOCK_MONOTONIC, &dynamic_subtest_time);
	in_dynamic_subtest = dynamic_subtest_name;
	return true;
}

static void kill_and_reap_children(void)
{
	for (int c = 0; c < num_test_children; c++) {
		if (test_children[c] > 0) {
			kill(test_children[c], SIGKILL);
			waitpid(test_children[c], NULL, 0);
		}
	}
	num_test_children = 0;
}

static void exit_subtest(const char *result)
{
	bool dynamic = in_dynamic_subtest;
	const char **name = dynamic ? &in_dynamic_subtest : &in_subtest;

	subtest_result_message(dynamic, *name, result,
			       elapsed_since(dynamic ? &dynamic_subtest_time :
						       &subtest_time));
	igt_kmsg(KMSG_INFO "%s: finished subtest %s, %s\n", command_str, *name,
		 result);

	/* A subtest that bailed out may have left children behind. */
	kill_and_reap_children();

	if (!dynamic)
		dynamic_tests_executed = -1;
	/* The container would print a dynamic subtest's lines again. */
	if (dynamic)
		log_buffer_reset();
	*name = NULL;
	/* What reaping the children left is no later subtest's errno. */
	errno = 0;
	siglongjmp(dynamic ? igt_dynamic_jmpbuf : igt_subtest_jmpbuf, 1);
}

void igt_success(void)
{
	if (in_subtest && !in_dynamic_subtest && dynamic_tests_executed >= 0) {
		/* Leaving a container: its result is its dynamic subtests'. */
		if (dynamic_failed_one)
			igt_fail(IGT_EXIT_FAILURE);
		if (dynamic_tests_executed == 0)
			igt_skip("No dynamic tests executed.\n");
	}
	if (!in_dynamic_subtest)
		succeeded_one = true;
	if (in_subtest)
		exit_subtest("SUCCESS");
}

void igt_skip(const char *f, ...)
{
	va_list ap;

	skipped_one = true;
	internal_assert(!test_child, "skips are not allowed in forks\n");

	if (!igt_only_list_subtests()) {
		va_start(ap, f);
		vprintf(f, ap);
		va_end(ap);
	}

	if (in_subtest) {
		/* A skipped dynamic subtest does not count for its container. */
		if (in_dynamic_subtest)
			dynamic_tests_executed--;
		exit_subtest("SKIP");
	}
	skip_subtests_henceforth = SKIP;
	internal_assert(in_fixture,
			"skipping is allowed only in fixtures, subtests or igt_simple_main\n");
	__igt_fixture_end();
}

void __igt_skip_check(const char *file, const int line, const char *func,
		      const char *check, const char *f, ...)
{
	char err_str[160] = "", msg[1024] = "";
	int err = errno;
	va_list ap;

	if (err)
		snprintf(err_str, sizeof(err_str), "Last errno: %i, %s\n", err,
			 strerror(err));
	if (f) {
		va_start(ap, f);
		vsnprintf(msg, sizeof(msg), f, ap);
		va_end(ap);
	}
	igt_skip("Test requirement not met in function %s, file %s:%i:\n"
		 "Test requirement: %s\n%s%s", func, file, line, check, msg,
		 err_str);
}

void igt_fail(int exitcode)
{
	internal_assert(exitcode != IGT_EXIT_SUCCESS && exitcode != IGT_EXIT_SKIP,
			"igt_fail() needs an exit code other than success or skip\n");

	if (in_dynamic_subtest) {
		dynamic_failed_one = true;
	} else {
		internal_assert(dynamic_tests_executed < 0 || dynamic_failed_one,
				"a subtest with dynamic subtests must not fail outside them\n");
		if (!failed_one)
			igt_exitcode = exitcode;
		failed_one = true;
	}

	log_buffer_dump();
	if (test_child)
		exit(exitcode);
	if (in_subtest)
		exit_subtest("FAIL");

	internal_assert(igt_can_fail(),
			"failing test is only allowed in fixtures, subtests and igt_simple_main\n");
	skip_subtests_henceforth = FAIL;
	__igt_fixture_end();
}

void __igt_fail_assert(const char *domain, const char *file, const int line,
		       const char *func, const char *assertion,
		       const char *f, ...)
{
	int err = errno;
	va_list ap;

	igt_log(domain, IGT_LOG_CRITICAL,
		"Test assertion failure function %s, file %s:%i:\n", func, file,
		line);
	igt_log(domain, IGT_LOG_CRITICAL, "Failed assertion: %s\n", assertion);
	if (err)
		igt_log(domain, IGT_LOG_CRITICAL, "Last errno: %i, %s\n", err,
			strerror(err));
	if (f) {
		va_start(ap, f);
		igt_vlog(domain, IGT_LOG_CRITICAL, f, ap);
		va_end(ap);
	}
	igt_fail(IGT_EXIT_FAILURE);
}

void igt_exit(void)
{
	exit_called = true;

	if (run_single_subtest && !run_single_subtest_found) {
		igt_critical("Unknown subtest: %s\n", run_single_subtest);
		exit(IGT_EXIT_INVALID);
	}
	if (igt_only_list_subtests())
		exit(IGT_EXIT_SUCCESS);

	if (!failed_one)
		igt_exitcode = succeeded_one ? IGT_EXIT_SUCCESS : IGT_EXIT_SKIP;

	igt_kmsg(KMSG_INFO "%s: exiting, ret=%d\n", command_str, igt_exitcode);
	igt_debug("Exiting with status code %d\n", igt_exitcode);
	igt_kill_children(SIGKILL);
	kill_and_reap_children();
	exit(igt_exitcode);
}

/* igt_fork */
static void children_exit_handler(int sig)
{
	(void)sig;
	while (num_test_children-- > 0 && wait(NULL) > 0)
		;
}

bool __igt_fork(void)
{
	pid_t pid;

	internal_assert(in_subtest, "forking is only allowed in subtests or igt_simple_main\n");
	internal_assert(!test_child, "forking is not allowed from already forked children\n");

	igt_install_exit_handler(children_exit_handler);
	if (num_test_children >= test_children_size) {
		test_children_size = test_children_size ? 2 * test_children_size : 4;
		test_children = realloc(test_children,
					test_children_size * sizeof(*test_children));
		igt_assert(test_children);
	}

	fflush(NULL);
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		test_child = true;
		num_exit_handlers = 0;
		num_test_children = 0;
		return true;
	}
	test_children[num_test_children++] = pid;
	return false;
}

void igt_kill_children(int signal)
{
	for (int c = 0; c < num_test_children; c++)
		if (test_children[c] > 0)
			kill(test_children[c], signal);
}

int __igt_waitchildren(void)
{
	int err = 0, count = 0;

	internal_assert(!test_child, "only the test waits for its children\n");
	while (count < num_test_children) {
		int status = -1, c;
		pid_t pid;

		pid = wait(&status);
		if (pid == -1) {
			if (errno == EINTR)
				continue;
			printf("wait(num_children:%d) failed with %m\n",
			       num_test_children - count);
			return IGT_EXIT_FAILURE;
		}
		for (c = 0; c < num_test_children; c++)
			if (pid == test_children[c])
				break;
		if (c == num_test_children)
			continue;

		if (err == 0 && status != 0) {
			if (WIFEXITED(status)) {
				printf("child %i failed with exit status %i\n",
				       c, WEXITSTATUS(status));
				err = WEXITSTATUS(status);
			} else if (WIFSIGNALED(status)) {
				printf("child %i died with signal %i, %s\n", c,
				       WTERMSIG(status), strsignal(WTERMSIG(status)));
				err = 128 + WTERMSIG(status);
			} else {
				printf("Unhandled failure [%d] in child %i\n",
				       status, c);
				err = 256;
			}
			igt_kill_children(SIGKILL);
		}
		count++;
	}
	num_test_children = 0;
	return err;
}

void igt_waitchildren(void)
{
	int err = __igt_waitchildren();

	if (err)
		igt_fail(err);
}
